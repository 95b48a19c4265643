"""Keeps the archive's Chinese full-text index (archive/search.py) in step with the reports: title,
agency, region names and the text of the six sections of each report's current version."""

from __future__ import annotations

from . import search
from .parsing import load_record


def clear(db) -> None:
    search.create_search_table(db.conn)
    search.delete_all(db.conn)


def index_reports(db, report_ids: set[str]) -> None:
    search.create_search_table(db.conn)
    rows = []
    for report_id in sorted(report_ids):
        row = db.conn.execute(
            "SELECT r.rowid, r.title, r.agency, r.province, r.city, r.county, p.record FROM reports r "
            "JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version "
            "JOIN parses p ON p.sha256 = v.sha256 AND p.parser_version = v.parser_version WHERE r.id = ?",
            [report_id]).fetchone()
        if row is None:
            continue
        rowid, title, agency, province, city, county, blob = row
        sections = load_record(blob)["report"].get("sections") or {}
        places = " ".join(p for p in (province, city, county) if p)
        rows.append((rowid, report_id, title or "", f"{agency or ''} {places}".strip(), "\n".join(sections.values())))
    if rows:
        search.index_rows(db.conn, rows)
