"""Everything the report page shows, read from archive.db with plain sqlite3 (no Datasette here).

``load_report(conn, report_id, version)`` returns a plain dict for ``templates/report.html``, or
None when the id is unknown. Kept apart from the plugin so it can be tested and reused (by an
export, say) without a web server. Values from portals stay strings; the template escapes them.
"""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import quote, urlsplit

from archive.dictionary import cell_keys

from . import chart, layout

CHART_KEY = "t3.apply.new.total"
REASONS = {"first": "首次收录", "source_changed": "来源文件有变化", "best_source_changed": "换用了更好的来源",
           "parser_upgrade": "解析器升级后重新解析"}
STATUS = {"pass": "通过", "fail": "未通过", "not_assessable": "无法判断"}
META_LABELS = {"published": "发布日期", "title": "标题", "agency": "机构", "year": "年度", "format": "格式",
               "agency_type": "机构类型"}


def report_path(report_id: str) -> str:
    """The page's URL path; ids contain slashes and Chinese, both kept readable but encoded."""
    return "/report/" + quote(report_id, safe="/")


def safe_href(url) -> str | None:
    """Only http(s) URLs become links: a portal could hand us ``javascript:`` or ``data:``."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _json_list(text) -> list:
    try:
        value = json.loads(text) if text else []
    except (TypeError, ValueError):
        return []
    return value if isinstance(value, list) else []


def key_label(key: str) -> str:
    return cell_keys().get(key) or META_LABELS.get(key) or key


def _cell_ref(key: str) -> dict:
    """A check's cell: ``t3.apply.new.total`` in this report, or ``<report id>#<key>`` in another
    (the cross-year rules compare with last year's report), which then links there."""
    other, sep, own = key.rpartition("#")
    if sep and other:
        return {"key": key, "label": f"{other} · {key_label(own)}", "href": report_path(other)}
    return {"key": key, "label": key_label(key), "href": None}


def _changes(changed_keys) -> list[dict]:
    out = []
    for item in _json_list(changed_keys):
        if isinstance(item, dict) and "key" in item:
            out.append({"key": str(item["key"]), "label": key_label(str(item["key"])),
                        "old": "—" if item.get("old") is None else str(item.get("old")),
                        "new": "—" if item.get("new") is None else str(item.get("new"))})
    return out


def load_report(conn: sqlite3.Connection, report_id: str, version: int | None = None) -> dict | None:
    found = _rows(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
    if not found:
        return None
    report = found[0]
    versions = _rows(conn, "SELECT v.*, c.content_type FROM report_versions v LEFT JOIN captures c ON c.id = v.capture_id "
                           "WHERE v.report_id = ? ORDER BY v.version DESC", (report_id,))
    numbers = [v["version"] for v in versions]
    shown = version if version in numbers else (report["current_version"] or (numbers[0] if numbers else None))
    for v in versions:
        v["changes"] = _changes(v["changed_keys"])
        v["reason_text"] = REASONS.get(v["reason"], v["reason"])
        v["href"] = safe_href(v["url"])
        v["is_shown"] = v["version"] == shown
        v["is_current"] = v["version"] == report["current_version"]
    this = next((v for v in versions if v["version"] == shown), None)

    checks = _rows(conn, "SELECT * FROM checks WHERE report_id = ? AND version = ? "
                         "ORDER BY status != 'fail', severity, rule, scope", (report_id, shown))
    failed: dict[str, list[str]] = {}
    for check in checks:
        check["cell_keys"] = [str(k) for k in _json_list(check["cells"])]
        check["cell_refs"] = [_cell_ref(k) for k in check["cell_keys"]]
        check["status_text"] = STATUS.get(check["status"], check["status"])
        check["anchor"] = f"check-{check['rule']}-{check['scope'] or ''}".replace(".", "-")
        if check["status"] == "fail":
            for key in check["cell_keys"]:
                failed.setdefault(key, []).append(check["rule"])

    cell_rows = {row["key"]: row for row in _rows(
        conn, "SELECT key, value, raw, flags FROM cells WHERE report_id = ? AND version = ?", (report_id, shown))}
    changes = {c["key"]: c for c in (this["changes"] if this and this["version"] > 1 else [])}
    cells = layout.Cells(cell_rows, failed, changes)
    tables = {
        "t2": [t for t in (layout.table2(cells, fmt) for fmt in layout.table2_formats(cell_rows, report["format"])) if t],
        "t3": layout.table3(cells),
        "t4": layout.table4(cells),
    }
    tables["other"] = [dict(cells.cell(key), label=key_label(key)) for key in cells.leftovers()]

    sources = _rows(conn, "SELECT * FROM report_sources WHERE report_id = ? ORDER BY is_best DESC, first_seen", (report_id,))
    for source in sources:
        source["href"] = safe_href(source["url"])

    # A subquery, not a LEFT JOIN: SQLite would build the whole cells view to outer-join it.
    history = _rows(conn, "SELECT r.id, r.year, (SELECT value FROM cells c WHERE c.report_id = r.id "
                          "AND c.version = r.current_version AND c.key = ?) AS value FROM reports r "
                          "WHERE r.region_code IS ? AND r.agency IS ? ORDER BY r.year",
                    (CHART_KEY, report["region_code"], report["agency"]))
    graph = chart.bars([(h["year"], h["value"]) for h in history], report["year"])
    for bar, h in zip(graph["bars"], history):
        bar["href"] = report_path(h["id"])

    return {"report": report, "best_href": safe_href(report["best_url"]), "version": this, "shown": shown,
            "versions": versions, "checks": checks, "failed_count": sum(c["status"] == "fail" for c in checks),
            "failed_rules": sorted({c["rule"] for c in checks if c["status"] == "fail"}),
            "tables": tables, "sources": sources, "chart": graph, "chart_key_label": key_label(CHART_KEY),
            "path": report_path(report_id)}
