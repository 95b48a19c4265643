"""Bytes of any supported kind → blocks, choosing the extractor from the bytes, not the name."""

from __future__ import annotations

from .blocks import Block
from .errors import DocumentError
from .sniff import decode_text, sniff_kind

MAX_BYTES = 100 * 1024 * 1024


def extract_blocks(data: bytes, content_type: str | None = None) -> tuple[str, list[Block], int | None]:
    """Returns (kind, blocks, page count or None)."""
    if len(data) > MAX_BYTES:
        raise DocumentError(f"document too large ({len(data) // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)")
    kind = sniff_kind(data)
    charset = _charset(content_type)
    if kind == "empty":
        raise DocumentError("empty document")
    if kind == "pdf":
        from .extract.pdf import extract_pdf

        blocks, pages = extract_pdf(data)
        return kind, blocks, pages
    if kind == "html":
        from .extract.html import extract_html

        return kind, extract_html(data, charset), None
    if kind == "docx":
        from .extract.docx import extract_docx

        return kind, extract_docx(data), None
    if kind in ("doc", "wps"):
        from .extract.doc import extract_doc

        return kind, extract_doc(data), None
    if kind == "xlsx":
        from .extract.sheet import extract_xlsx

        return kind, extract_xlsx(data), None
    if kind == "xls":
        from .extract.sheet import extract_xls

        return kind, extract_xls(data), None
    if kind == "text":
        from .extract.text import extract_text

        return kind, extract_text(decode_text(data, charset)), None
    reasons = {
        "image": "an image, not a document (scans are not supported)",
        "ofd": "OFD documents are not supported yet",
        "zip": "a zip archive that is neither DOCX nor XLSX",
    }
    raise DocumentError(f"unsupported document: {reasons.get(kind, 'unrecognised bytes')}")


def _charset(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=", 1)[1].split(";")[0].strip() or None
    return None
