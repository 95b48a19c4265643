"""Parsing captures in worker processes: parsing is CPU work, so it runs beside the writer.

A worker reads the capture's bytes from its WARC file itself (only paths cross the process
boundary), parses them and writes the document's rows to the parse tables (archive/parsecache.py)
on its own connection; only a short summary comes back.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from parsers import PARSER_VERSION, DocumentError, flatten, parse_document

from . import parsecache
from .warcstore import read_response


@dataclass(frozen=True)
class ParseJob:
    archive_dir: str
    sha256: str
    warc_file: str
    warc_offset: int
    content_type: str | None
    url: str
    region_hint: str | None
    anchor_text: str | None
    list_date: str | None


def report_key(record: dict, hint: str | None) -> str | None:
    """``<region>/<agency>/<year>``: the report's identity across URLs, runs and versions."""
    report = record["report"]
    agency, year = report.get("agency_name"), report.get("report_year")
    if not report.get("is_report") or not agency or not year:
        return None
    region = report.get("region") or {}
    code = region.get("adcode") or hint or "000000"
    return f"{code}/{''.join(agency.split())}/{year}"


def parse_job(job: ParseJob) -> dict:
    """The parse table rows of one capture. Never raises: a document that cannot be parsed
    comes back with its error."""
    base = {"sha256": job.sha256, "parser_version": PARSER_VERSION}
    try:
        stored = read_response(job.archive_dir, job.warc_file, job.warc_offset)
        record = parse_document(stored.body, job.content_type, job.url, region_hint=job.region_hint,
                                link_text=job.anchor_text, list_date=job.list_date)
    except DocumentError as error:
        return parsecache.cache_rows({**base, "kind": None, "is_report": 0, "error": str(error)}, None, None)
    except Exception as error:  # a parser bug must not stop the build; it is recorded per document
        return parsecache.cache_rows({**base, "kind": None, "is_report": 0,
                                      "error": f"internal error: {type(error).__name__}: {error}"}, None, None)
    report = record["report"]
    return parsecache.cache_rows(
        {**base, "kind": report["source_kind"], "is_report": int(report["is_report"]), "error": None,
         "report_key": report_key(record, job.region_hint), "agency": report.get("agency_name"),
         "year": report.get("report_year"), "format": report.get("format")}, record, flatten(record))


_connections: dict[str, sqlite3.Connection] = {}


def _cache_connection(archive_dir: str) -> sqlite3.Connection:
    if archive_dir not in _connections:
        conn = sqlite3.connect(Path(archive_dir) / "archive.db", timeout=60)
        conn.execute("PRAGMA synchronous=NORMAL")
        _connections[archive_dir] = conn
    return _connections[archive_dir]


def parse_and_store(job: ParseJob) -> dict:
    """Parse one capture and write it to the cache; returns its sha256 and error."""
    rows = parse_job(job)
    parsecache.write(_cache_connection(job.archive_dir), rows)
    return {"sha256": job.sha256, "error": rows["parse"]["error"]}


def parse_all(jobs: list[ParseJob], workers: int, on_result) -> None:
    """Parse and cache every job; ``on_result(summary)`` is called in this process as they finish."""
    if workers <= 1 or len(jobs) < 4:
        try:
            for job in jobs:
                on_result(parse_and_store(job))
        finally:
            for conn in _connections.values():
                conn.close()
            _connections.clear()
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(parse_and_store, jobs, chunksize=8):
            on_result(result)
