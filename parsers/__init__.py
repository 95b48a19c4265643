"""Annual-report parsers: pure functions from a document's bytes to a checked, structured record.

``parse_document`` is the one entry point; it imports nothing from the crawler or the archive and
touches no network or database.
"""

from __future__ import annotations

from .document import extract_blocks
from .errors import DocumentError
from .flat import flatten, json_default
from .record import PARSER_VERSION, build_record

__all__ = ["parse_document", "flatten", "json_default", "DocumentError", "PARSER_VERSION"]


def parse_document(data: bytes, content_type: str | None = None, url: str | None = None, *,
                   region_hint: str | None = None, link_text: str | None = None,
                   list_date: str | None = None) -> dict:
    """Parse one document. Raises ``DocumentError`` (one-line reason) when it cannot be read.

    ``region_hint`` is the portal's 6-digit region code; ``link_text`` and ``list_date`` are what
    the list page said about the link. They are evidence, weaker than what the document prints.
    """
    kind, blocks, pages = extract_blocks(data, content_type)
    context = dict(source_kind=kind, url=url, region_hint=region_hint, page_count=pages,
                   link_text=link_text, list_date=list_date)
    record = build_record(blocks, **context)
    if kind == "pdf" and _needs_geometry(record):
        from .extract.pdf import extract_pdf_tables

        retry = build_record(extract_pdf_tables(data), **context)
        if _problems(retry) < _problems(record):
            retry["report"]["flags"].append("pdf_table_geometry")
            record = retry
    return record


def _problems(record: dict) -> int:
    cells = record["cells"]
    guessed = sum(1 for c in cells if "alignment_guess" in c["flags"] or "missing" in c["flags"])
    return guessed + 10 * len(record["report"]["warnings"]) + (200 - min(len(cells), 200))


def _needs_geometry(record: dict) -> bool:
    if not record["report"]["is_report"] and not record["cells"]:
        return False
    return any("alignment_guess" in c["flags"] or "missing" in c["flags"] for c in record["cells"]) or bool(
        record["report"]["warnings"]) or "tables_missing" in record["report"]["flags"]
