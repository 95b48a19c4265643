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
from decimal import Decimal

from parsers import PARSER_VERSION

from .parsing import load_record

FILE_KINDS = ("pdf", "doc", "docx", "wps", "xls", "xlsx")
REPORT_COLUMNS = ("agency_type", "agency_level", "report_scope", "title", "format")


def best_source(sources: list[dict]) -> dict:
    return sorted(sources, key=lambda s: (-s["cell_count"], s["failed_count"], s["kind"] not in FILE_KINDS,
                                          s["first_seen"], s["url"]))[0]


def changed_keys(old: dict | None, new: dict) -> list[dict]:
    if old is None:
        return []
    keys = sorted(set(old) | set(new))
    return [{"key": k, "old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)]


def _value(value):
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except Exception:
            return value
        return int(number) if number == number.to_integral_value() and "." not in value else float(number)
    return value


def version_rows(report_id: str, version: int, record: dict) -> tuple[list[dict], list[dict]]:
    """Cells and checks of one version, as archive rows."""
    cells = [{"report_id": report_id, "version": version, "table_name": c["table"], "row_key": c["row_key"],
              "col_key": c["col_key"], "key": c["key"], "value": _value(c["value"]), "raw": c["raw"],
              "flags": json.dumps(c["flags"], ensure_ascii=False) if c["flags"] else None,
              "provenance": c["provenance"]} for c in record["cells"]]
    checks = [{"report_id": report_id, "version": version, "rule": c["id"], "severity": c["severity"],
               "status": c["status"], "scope": c.get("scope"), "left_value": _text(c["left"]),
               "right_value": _text(c["right"]), "delta": _text(c["delta"]),
               "cells": json.dumps(c["cells"]), "flags": json.dumps(c["flags"]), "detail": c.get("detail")}
              for c in record["checks"]]
    return cells, checks


def insert_many(conn, table: str, rows: list[dict]) -> None:
    """Plain executemany: sqlite-utils' insert_all inspects every value, ten times slower here."""
    if rows:
        columns = list(rows[0])
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         [tuple(r[c] for c in columns) for r in rows])


def _text(value) -> str | None:
    return None if value is None else str(value)


def check_status(checks: list[dict]) -> str:
    if any(c["status"] == "fail" and c["severity"] in ("E", "W") for c in checks):
        return "fail"
    if any(c["status"] == "pass" for c in checks):
        return "pass"
    return "not_assessable"


def report_row(report_id: str, record: dict, best: dict) -> dict:
    report = record["report"]
    region = report.get("region") or {}

    def part(level, field):
        return (region.get(level) or {}).get(field)

    published = report.get("published_date") or {}
    return {"id": report_id, "agency": report["agency_name"], "year": report["report_year"],
            **{k: report.get(k) for k in REPORT_COLUMNS},
            "province": part("province", "name"), "province_code": part("province", "code"),
            "city": part("city", "name"), "city_code": part("city", "code"),
            "county": part("county", "name"), "county_code": part("county", "code"),
            "township": part("township", "name"), "region_code": report_id.split("/", 1)[0],
            "published": published.get("value"), "best_url": best["url"], "best_kind": best["kind"],
            "failed_checks": json.dumps(record["checks_failed"]), "cell_count": len(record["cells"])}


def assemble_report(db, report_id: str, now: str) -> bool:
    """Recompute one report from its sources; returns True if anything was written."""
    conn = db.conn
    sources = [dict(zip(("url", "sha256", "kind", "capture_id", "first_seen", "last_seen", "gone_at"), row)) for row in
               conn.execute("SELECT url, sha256, kind, capture_id, first_seen, last_seen, gone_at FROM report_sources "
                            "WHERE report_id = ?", [report_id])]
    live = [s for s in sources if s["gone_at"] is None]
    current = conn.execute("SELECT current_version, gone_at FROM reports WHERE id = ?", [report_id]).fetchone()
    if not live:
        if current and current[1] is None:
            gone = max(s["gone_at"] for s in sources)
            conn.execute("UPDATE reports SET gone_at = ? WHERE id = ?", [gone, report_id])
            conn.execute("UPDATE report_sources SET is_best = 0 WHERE report_id = ?", [report_id])
            return True
        return False
    parses = {}
    for s in live:
        row = conn.execute("SELECT cell_count, failed_checks, record FROM parses WHERE sha256 = ? AND parser_version = ?",
                           [s["sha256"], PARSER_VERSION]).fetchone()
        if row is None:
            continue
        s["cell_count"], s["failed_count"] = row[0] or 0, len(json.loads(row[1] or "[]"))
        parses[s["url"]] = row[2]
    live = [s for s in live if s["url"] in parses]
    if not live:
        return False
    best = best_source(live)
    record = load_record(parses[best["url"]])
    flat = record["flat"]
    last = conn.execute("SELECT version, sha256, parser_version, capture_id FROM report_versions WHERE report_id = ? "
                        "ORDER BY version DESC LIMIT 1", [report_id]).fetchone()
    wrote = False
    version = last[0] if last else 0
    if last is None or last[1] != best["sha256"] or last[2] != PARSER_VERSION:
        old_flat = None
        if last is not None:
            old = conn.execute("SELECT p.record FROM parses p JOIN report_versions v ON v.sha256 = p.sha256 "
                               "WHERE v.report_id = ? AND v.version = ? ORDER BY p.parser_version = v.parser_version DESC "
                               "LIMIT 1", [report_id, last[0]]).fetchone()
            old_flat = load_record(old[0])["flat"] if old else None
        changes = changed_keys(old_flat, flat)
        if last is None:
            reason = "first"
        elif last[1] != best["sha256"]:
            best_before = conn.execute("SELECT url FROM report_versions WHERE report_id = ? AND version = ?",
                                       [report_id, last[0]]).fetchone()[0]
            reason = "source_changed" if best_before == best["url"] else "best_source_changed"
        else:
            reason = "parser_upgrade"
        if reason != "parser_upgrade" or changes:
            version += 1
            db["report_versions"].insert({
                "report_id": report_id, "version": version, "capture_id": best["capture_id"], "url": best["url"],
                "sha256": best["sha256"], "parser_version": PARSER_VERSION, "reason": reason,
                "created_at": best["last_seen"] if reason != "parser_upgrade" else now,
                "changed_keys": json.dumps(changes, ensure_ascii=False, default=str), "changed_count": len(changes)})
            cells, checks = version_rows(report_id, version, record)
            insert_many(conn, "cells", cells)
            insert_many(conn, "checks", checks)
            wrote = True
        else:  # same values from the new parser: note which parser the current version now stands for
            conn.execute("UPDATE report_versions SET parser_version = ? WHERE report_id = ? AND version = ?",
                         [PARSER_VERSION, report_id, last[0]])
    checks = [{"status": c["status"], "severity": c["severity"]} for c in record["checks"]]
    row = report_row(report_id, record, best)
    row.update(current_version=version, source_count=len(sources), gone_at=None, check_status=check_status(checks),
               first_seen=min(s["first_seen"] for s in sources), last_seen=max(s["last_seen"] for s in sources))
    columns = [d[0] for d in conn.execute("SELECT * FROM reports LIMIT 0").description]
    existing = conn.execute("SELECT * FROM reports WHERE id = ?", [report_id]).fetchone()
    if existing is None:
        insert_many(conn, "reports", [row])
        wrote = True
    elif any(dict(zip(columns, existing)).get(k) != v for k, v in row.items()):
        conn.execute(f"UPDATE reports SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?", [*row.values(), report_id])
        wrote = True
    conn.execute("UPDATE report_sources SET is_best = (url = ?) WHERE report_id = ?", [best["url"], report_id])
    return wrote
