"""From parsed sources to reports and their versions.

A report is one agency's report for one statistics year. Several URLs may carry it (an article
and its PDF, a republication); the *best source* gives the report its values, chosen by this
rule, in order:

1. the source whose parse holds the most table cells (a stub page that only links the file loses);
2. then the one with fewer failed consistency checks;
3. then an attached file (PDF, DOC, DOCX, XLS) over an HTML article — the file is the document
   the agency signed;
4. then the source seen first, then the URL.

A new version is recorded whenever the best source's bytes change (a revised report at the same
URL), when another source becomes the best one with different bytes, and when a new parser
version derives different values from the same bytes. Each version lists the keys whose values
changed, old → new.
"""

from __future__ import annotations

import json

from parsers import PARSER_VERSION

from .parsecache import load_flat

FILE_KINDS = ("pdf", "doc", "docx", "wps", "xls", "xlsx")


def best_source(sources: list[dict]) -> dict:
    return sorted(sources, key=lambda s: (-s["cell_count"], s["failed_count"], s["kind"] not in FILE_KINDS,
                                          s["first_seen"], s["url"]))[0]


def changed_keys(old: dict | None, new: dict) -> list[dict]:
    if old is None:
        return []
    keys = sorted(set(old) | set(new))
    return [{"key": k, "old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)]


def insert_many(conn, table: str, rows: list[dict]) -> None:
    """Plain executemany: sqlite-utils' insert_all inspects every value, ten times slower here."""
    if rows:
        columns = list(rows[0])
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         [tuple(r[c] for c in columns) for r in rows])


def assemble_report(db, report_id: str, now: str) -> bool:
    """Recompute one report from its sources; returns True if anything was written."""
    conn = db.conn
    sources = [dict(zip(("url", "sha256", "kind", "capture_id", "first_seen", "last_seen", "gone_at", "cell_count",
                         "failed_checks", "report"), row)) for row in conn.execute(
        "SELECT s.url, s.sha256, s.kind, s.capture_id, s.first_seen, s.last_seen, s.gone_at, p.cell_count, "
        "p.failed_checks, p.report FROM report_sources s LEFT JOIN parses p ON p.sha256 = s.sha256 "
        "AND p.parser_version = ? WHERE s.report_id = ?", [PARSER_VERSION, report_id])]
    live = [s for s in sources if s["gone_at"] is None]
    if not live:
        current = conn.execute("SELECT gone_at FROM reports WHERE id = ?", [report_id]).fetchone()
        if current and current[0] is None:
            gone = max(s["gone_at"] for s in sources)
            conn.execute("UPDATE reports SET gone_at = ? WHERE id = ?", [gone, report_id])
            conn.execute("UPDATE report_sources SET is_best = 0 WHERE report_id = ?", [report_id])
            return True
        return False
    live = [s for s in live if s["report"] is not None]
    if not live:
        return False
    for s in live:
        s["cell_count"], s["failed_count"] = s["cell_count"] or 0, len(json.loads(s["failed_checks"] or "[]"))
    best = best_source(live)
    last = conn.execute("SELECT version, sha256, parser_version, url FROM report_versions WHERE report_id = ? "
                        "ORDER BY version DESC LIMIT 1", [report_id]).fetchone()
    wrote = False
    version = last[0] if last else 0
    if last is None or last[1] != best["sha256"] or last[2] != PARSER_VERSION:
        changes = [] if last is None else _changes_since(conn, report_id, last[0], best["sha256"])
        if last is None:
            reason = "first"
        elif last[1] != best["sha256"]:
            reason = "source_changed" if last[3] == best["url"] else "best_source_changed"
        else:
            reason = "parser_upgrade"
        if reason != "parser_upgrade" or changes:
            version += 1
            created = best["last_seen"] if reason != "parser_upgrade" else now
            conn.execute("INSERT INTO report_versions (report_id, version, capture_id, url, sha256, parser_version, "
                         "reason, created_at, changed_keys, changed_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [report_id, version, best["capture_id"], best["url"], best["sha256"], PARSER_VERSION, reason,
                          created, json.dumps(changes, ensure_ascii=False, default=str), len(changes)])
            wrote = True
        else:  # same values from the new parser: note which parser the current version now stands for
            conn.execute("UPDATE report_versions SET parser_version = ? WHERE report_id = ? AND version = ?",
                         [PARSER_VERSION, report_id, last[0]])
    row = {"id": report_id, **json.loads(best["report"]), "region_code": report_id.split("/", 1)[0],
           "best_url": best["url"], "best_kind": best["kind"], "current_version": version,
           "source_count": len(sources), "gone_at": None, "first_seen": min(s["first_seen"] for s in sources),
           "last_seen": max(s["last_seen"] for s in sources)}
    cursor = conn.execute("SELECT * FROM reports WHERE id = ?", [report_id])
    existing = cursor.fetchone()
    if existing is None:
        insert_many(conn, "reports", [row])
        wrote = True
    elif any(dict(zip([d[0] for d in cursor.description], existing)).get(k) != v for k, v in row.items()):
        conn.execute(f"UPDATE reports SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?", [*row.values(), report_id])
        wrote = True
    conn.execute("UPDATE report_sources SET is_best = (url = ?) WHERE report_id = ?", [best["url"], report_id])
    return wrote


def _changes_since(conn, report_id: str, version: int, sha256: str) -> list[dict]:
    """Keys whose values differ between a report's version and the parse of ``sha256``."""
    old = conn.execute("SELECT p.flat FROM parses p JOIN report_versions v ON v.sha256 = p.sha256 "
                       "WHERE v.report_id = ? AND v.version = ? ORDER BY p.parser_version = v.parser_version DESC "
                       "LIMIT 1", [report_id, version]).fetchone()
    new = conn.execute("SELECT flat FROM parses WHERE sha256 = ? AND parser_version = ?", [sha256, PARSER_VERSION]).fetchone()
    return changed_keys(load_flat(old[0]) if old else None, load_flat(new[0]))
