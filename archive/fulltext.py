"""Keeps the archive's Chinese full-text index (archive/search.py) in step with the reports: title,
agency, region names and the text of the six sections of each report's current version."""

from __future__ import annotations

from . import search


def clear(db) -> None:
    search.create_search_table(db.conn)
    search.delete_all(db.conn)


def index_reports(db, report_ids: set[str]) -> None:
    """Index the current version of each report, with the tokens its parse worker computed."""
    search.create_search_table(db.conn)
    ids = sorted(report_ids)
    rows = []
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        rows += db.conn.execute(
            "SELECT r.rowid, r.id, s.title, s.agency, s.body, s.title_uni, s.title_bi, s.agency_uni, s.agency_bi, "
            "s.body_uni, s.body_bi FROM reports r "
            "JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version "
            "JOIN parse_search s ON s.sha256 = v.sha256 AND s.parser_version = v.parser_version "
            f"WHERE r.id IN ({', '.join('?' * len(part))}) ORDER BY r.id", part).fetchall()
    if rows:
        search.index_rows(db.conn, rows)
