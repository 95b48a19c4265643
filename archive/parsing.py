"""Parsing captures in worker processes: parsing is CPU work, so it runs beside the writer.

A worker reads the capture's bytes from its WARC file itself (only paths cross the process
boundary) and returns a compact result: the flat record for versions and the full record,
compressed, for cells and checks.
"""

from __future__ import annotations

import json
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from parsers import PARSER_VERSION, DocumentError, flatten, json_default, parse_document

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
    """Never raises: a document that cannot be parsed comes back with its error."""
    base = {"sha256": job.sha256, "parser_version": PARSER_VERSION}
    try:
        stored = read_response(job.archive_dir, job.warc_file, job.warc_offset)
        record = parse_document(stored.body, job.content_type, job.url, region_hint=job.region_hint,
                                link_text=job.anchor_text, list_date=job.list_date)
    except DocumentError as error:
        return {**base, "kind": None, "is_report": 0, "error": str(error)}
    except Exception as error:  # a parser bug must not stop the build; it is recorded per document
        return {**base, "kind": None, "is_report": 0, "error": f"internal error: {type(error).__name__}: {error}"}
    record["flat"] = flatten(record)
    report = record["report"]
    return {**base, "kind": report["source_kind"], "is_report": int(report["is_report"]), "error": None,
            "report_key": report_key(record, job.region_hint), "agency": report.get("agency_name"),
            "year": report.get("report_year"), "format": report.get("format"),
            "record": zlib.compress(json.dumps(record, ensure_ascii=False, default=json_default).encode(), 6),
            "cell_count": len(record["cells"]), "failed_checks": json.dumps(record["checks_failed"])}


def load_record(blob: bytes) -> dict:
    return json.loads(zlib.decompress(blob))


def parse_all(jobs: list[ParseJob], workers: int, on_result) -> None:
    """Parse every job; ``on_result(result)`` is called in this process as results arrive."""
    if workers <= 1 or len(jobs) < 4:
        for job in jobs:
            on_result(parse_job(job))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(parse_job, jobs, chunksize=8):
            on_result(result)
