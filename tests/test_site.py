"""The published site (archive/site) on a real archive: two crawls of the sample portals (the second
a year later, with revised and removed reports), built and released, served by the same Datasette
``nianbao serve`` runs, and driven with Datasette's test client.

``site_archive`` builds the archive once per test session (tests/test_site_browser.py reuses it).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from archive.search import register_functions
from archive.site.app import make_datasette
from archive.site.metadata import build_metadata
from archive.warcstore import read_response
from tests.crawl_helpers import crawl, restart_on_same_port, start_server, stop_server, write_sample_registry

SEED_REPORT = "230112/阿城区司法局/2023"  # a seed report: mentions 复议, fails T4.prose
T3_LABELS = ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
             "（三）不予公开", "1.属于国家秘密", "（七）总计", "四、结转下年度继续办理", "自然人", "法人或其他组织", "商业企业")
T4_LABELS = ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "尚未审结")
SCRIPT = "<script>alert(1)</script>"


def _python(*args, timeout=600) -> None:
    result = subprocess.run([sys.executable, "-m", "archive", *map(str, args)], capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"nianbao {' '.join(map(str, args))} failed:\n{result.stderr[-4000:]}")


def site_archive(tmp_path_factory) -> dict:
    """{archive, db, release}: built once per session, cached in the session's base temp folder."""
    base = tmp_path_factory.getbasetemp() / "nianbao-site"
    done = base / "done.json"
    if done.exists():
        return {k: Path(v) for k, v in json.loads(done.read_text()).items()}
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    archive, release = base / "archive", base / "release"
    server = start_server()
    try:
        registry = write_sample_registry(server, base / "registry.yaml")
        crawl(registry, archive)
        _python("build", "--archive", archive)
        server = restart_on_same_port(server, epoch=2)
        crawl(registry, archive)
        _python("build", "--archive", archive)
    finally:
        stop_server(server)
    _python("release", "--archive", archive, "--out", release)
    paths = {"archive": archive, "db": archive / "archive.db", "release": release}
    done.write_text(json.dumps({k: str(v) for k, v in paths.items()}))
    return paths


def query(db: Path, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def revised_report(db: Path) -> tuple[str, dict]:
    """A report with a second version whose table 三 changed, and one changed cell {key, old, new}."""
    for row in query(db, "SELECT report_id, changed_keys FROM report_versions WHERE version = 2 "
                         "AND reason = 'source_changed' ORDER BY report_id"):
        for change in json.loads(row["changed_keys"]):
            if change["key"].startswith("t3.") and change["old"] is not None and change["new"] is not None:
                return row["report_id"], change
    raise AssertionError("the sample portals' epoch 2 has no revised report with a changed table-三 cell")


def make_hostile_copy(db: Path, folder: Path) -> str:
    """A copy of the archive in which one report carries script and javascript: URLs in every field
    a portal controls (title, agency, URLs, link text, raw cells, check details, changed keys, the
    search text). Returns that report's id."""
    from archive.search import index_rows

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "archive.db"
    shutil.copyfile(db, target)
    report_id, change = revised_report(db)
    conn = sqlite3.connect(target)
    with conn:
        conn.execute("UPDATE reports SET title = ?, agency = ?, best_url = 'javascript:alert(3)' WHERE id = ?",
                     (f"{SCRIPT}上党区报告", '上党区<img src=x onerror="alert(2)">人民政府', report_id))
        conn.execute("UPDATE report_sources SET anchor_text = '<script>alert(4)</script>' WHERE report_id = ?", (report_id,))
        conn.execute("UPDATE report_versions SET url = 'javascript:alert(5)' WHERE report_id = ? AND version = 1", (report_id,))
        parses = "(sha256, parser_version) IN (SELECT sha256, parser_version FROM report_versions WHERE report_id = ?)"
        conn.execute(f"UPDATE parse_checks SET detail = '<b onmouseover=\"alert(6)\">说明</b>' WHERE {parses}",
                     (report_id,))
        conn.execute(f"UPDATE parse_cells SET value = NULL, raw = '<script>alert(7)</script>' WHERE {parses} "
                     "AND key = 't3.apply.new.natural'", (report_id,))
        versions = conn.execute("SELECT version, changed_keys FROM report_versions WHERE report_id = ? AND version > 1",
                                (report_id,)).fetchall()
        for version, changed in versions:
            keys = json.loads(changed) + [{"key": "<script>alert(8)</script>", "old": "<img src=x onerror=alert(9)>",
                                           "new": "</td><script>alert(10)</script>"}]
            conn.execute("UPDATE report_versions SET changed_keys = ? WHERE report_id = ? AND version = ?",
                         (json.dumps(keys, ensure_ascii=False), report_id, version))
        rowid, body = conn.execute("SELECT t.rowid, t.body FROM report_search_text t WHERE t.report_id = ?",
                                   (report_id,)).fetchone()
    index_rows(conn, [(rowid, report_id, f"{SCRIPT}上党区报告", "上党区<img src=x onerror=alert(2)>人民政府",
                       f"{body} alert {SCRIPT}")])
    conn.close()
    return report_id


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return site_archive(tmp_path_factory)


@pytest.fixture(scope="module")
def ds(site):
    return make_datasette(site["db"], site["release"])


def get(ds, path: str, **params):
    async def fetch():
        return await ds.client.get(path, params=params or None)
    return asyncio.run(fetch())


def rows_of(ds, path: str, **params) -> list[dict]:
    response = get(ds, path, _shape="array", **params)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def report_url(report_id: str) -> str:
    return "/report/" + quote(report_id, safe="/")


# --- JSON endpoints and settings -------------------------------------------------------------

def test_database_is_named_archive_and_immutable_whatever_the_file_name(site, tmp_path):
    copy = tmp_path / "some-other-name.db"
    shutil.copyfile(site["db"], copy)
    other = make_datasette(copy)
    databases = get(other, "/-/databases.json").json()
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("archive", False)]
    assert rows_of(other, "/archive/reports.json", id=SEED_REPORT)[0]["agency"] == "阿城区司法局"


def test_json_endpoints(ds, site):
    assert get(ds, "/.json").status_code == 200
    database = get(ds, "/archive.json").json()
    tables = {t["name"] for t in database["tables"]} | {v["name"] for v in database["views"]}
    assert {"reports", "report_versions", "cells", "checks", "captures", "agencies", "data_dictionary",
            "t2_wide", "t2_2019_wide", "t3_wide", "t4_wide"} <= tables
    data = get(ds, "/archive/reports.json", _size=5).json()
    assert data["rows"] and set(data["facet_results"]) >= {"province", "city", "county", "year", "agency_type",
                                                           "format", "check_status"}
    assert get(ds, "/archive/reports.json", _sort_desc="published").status_code == 200
    assert get(ds, "/archive/reports.json", _sort="township").status_code >= 400  # not a sortable column
    from datasette.utils import tilde_encode
    row = get(ds, f"/archive/reports/{tilde_encode(SEED_REPORT)}.json").json()
    assert row["rows"][0][0] == SEED_REPORT
    cells = rows_of(ds, "/archive/cells.json", report_id=SEED_REPORT, key="t3.apply.new.total")
    assert len(cells) >= 1
    wide = rows_of(ds, "/archive/t3_wide.json", report_id=SEED_REPORT, version=cells[0]["version"], row_key="apply.new")
    assert wide[0]["total"] == cells[0]["value"]
    for path in ("/archive/report_versions.json", "/archive/checks.json", "/archive/agencies.json",
                 "/archive/data_dictionary.json", "/-/metadata.json", "/-/plugins.json", "/-/versions.json"):
        assert get(ds, path).status_code == 200, path


def test_settings_time_limit_and_no_writes(ds):
    settings = get(ds, "/-/settings.json").json()
    assert settings["sql_time_limit_ms"] == 3000 and settings["allow_download"] is False
    slow = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    response = get(ds, "/archive.json", sql=slow, _timelimit="50")
    assert response.status_code == 400 and "too long" in response.text.lower()
    for sql in ("delete from reports", "update reports set title = 'x'", "drop table reports"):
        assert get(ds, "/archive.json", sql=sql).status_code in (400, 403), sql
    assert rows_of(ds, "/archive/reports.json", id=SEED_REPORT)[0]["title"] != "x"
    assert get(ds, "/archive.db").status_code in (403, 404)


def test_metadata_describes_columns_from_the_data_dictionary(ds, site):
    metadata = build_metadata(site["db"])
    reports = metadata["databases"]["archive"]["tables"]["reports"]
    assert reports["columns"]["id"].startswith("Stable readable id")
    assert "t3.apply.new.natural" not in metadata["databases"]["archive"]["tables"]["cells"].get("columns", {})
    assert reports["facets"] == ["province", "city", "county", "year", "agency_type", "format", "check_status"]
    page = get(ds, "/archive/reports").text
    assert "Stable readable id" in page  # Datasette shows column descriptions on the table page


# --- canned queries --------------------------------------------------------------------------

def test_no_canned_query_builds_the_cells_view(site):
    """cells is a view over a join; outer-joining it makes SQLite build all of it (every cell of
    every version), which a large archive cannot afford on a page view."""
    queries = build_metadata(site["db"])["databases"]["archive"]["queries"]
    conn = sqlite3.connect(site["db"])
    register_functions(conn)
    for name, query in queries.items():
        params = {p: "" for p in query.get("params", [])}
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + query["sql"], params)]
        assert "MATERIALIZE cells" not in plan, (name, plan)
    conn.close()


def test_every_canned_query_answers_without_parameters(ds):
    queries = get(ds, "/archive.json").json()["queries"]
    names = {q["name"] for q in queries}
    assert names >= {"search", "failed_checks", "changes", "coverage", "agency_years", "top_denials"}
    for name in names:
        assert get(ds, f"/archive/{name}.json").status_code == 200, name
        assert get(ds, f"/archive/{name}").status_code == 200, name


def test_search_finds_the_seed_report_ranked_with_snippets_and_links(ds):
    rows = rows_of(ds, "/archive/search.json", q="复议")
    ids = [r["report_id"] for r in rows]
    assert SEED_REPORT in ids
    seed = rows[ids.index(SEED_REPORT)]
    assert "【复议】" in seed["snippet"] and seed["agency"] == "阿城区司法局"
    single = rows_of(ds, "/archive/search.json", q="复")
    assert single and all("【复】" in r["snippet"] or "复" in r["title"] for r in single)
    assert rows_of(ds, "/archive/search.json", q="") == []
    html = get(ds, "/archive/search", q="复议").text
    assert f'href="{report_url(SEED_REPORT)}"' in html and "<mark>复议</mark>" in html


def test_failed_checks_lists_rule_and_cells(ds):
    rows = rows_of(ds, "/archive/failed_checks.json", rule="T4.prose")
    seed = [r for r in rows if r["report_id"] == SEED_REPORT]
    assert seed and seed[0]["cells"] == "t4.review.total" and seed[0]["severity"] == "W"
    everything = rows_of(ds, "/archive/failed_checks.json")
    assert {r["rule"] for r in everything} >= {"T4.prose"}
    assert rows_of(ds, "/archive/failed_checks.json", region="2301")
    assert all(r["report_id"].startswith("2301") for r in rows_of(ds, "/archive/failed_checks.json", region="2301"))


def test_changes_since_a_date_and_the_atom_feed(ds, site):
    report_id, change = revised_report(site["db"])
    rows = rows_of(ds, "/archive/changes.json", since="2000-01-01")
    revised = [r for r in rows if r["report_id"] == report_id and r["version"] == 2]
    assert revised and f"{change['key']}: {change['old']} → {change['new']}" in revised[0]["changes"]
    assert any(r["reason"] == "removed" for r in rows)  # epoch 2 took reports down
    assert rows_of(ds, "/archive/changes.json", since="2999-01-01") == []
    feed = get(ds, "/archive/changes.atom", since="2000-01-01")
    assert feed.status_code == 200 and "xml" in feed.headers["content-type"]
    root = ET.fromstring(feed.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == len(rows)
    assert any(e.find("a:id", ns).text == f"tag:nianbao,2024:{report_id}/v2" for e in entries)
    quiet = get(ds, "/archive/changes.atom", since="2999-01-01")  # nothing changed since: an empty feed
    assert quiet.status_code == 200, quiet.text[:300]
    root = ET.fromstring(quiet.content)
    assert root.findall("a:entry", ns) == [] and root.find("a:title", ns).text == "报告的修改与撤下"


def test_coverage_says_who_published_and_who_did_not(ds, site):
    year = query(site["db"], "SELECT year FROM reports WHERE id = ?", (SEED_REPORT,))[0]["year"]
    rows = rows_of(ds, "/archive/coverage.json", region="230112", year=str(year))
    assert rows and all(r["region_code"].startswith("230112") for r in rows)
    by_agency = {r["agency"]: r for r in rows}
    assert by_agency["阿城区司法局"]["status"] == "已发布" and by_agency["阿城区司法局"]["report_id"] == SEED_REPORT
    everywhere = rows_of(ds, "/archive/coverage.json")  # latest year, every region
    statuses = {r["status"] for r in everywhere}
    assert "未见报告" in statuses and "已发布" in statuses
    order = [r["status"] for r in everywhere]
    assert order == sorted(order, key=["未见报告", "已撤下", "已发布"].index)


def test_agency_years_and_top_denials(ds, site):
    agency = query(site["db"], "SELECT agency, count(*) AS n FROM reports GROUP BY region_code, agency "
                               "ORDER BY n DESC LIMIT 1")[0]
    rows = rows_of(ds, "/archive/agency_years.json", agency=agency["agency"])
    assert len(rows) == agency["n"] > 1
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)
    first = rows[0]
    total = query(site["db"], "SELECT value FROM cells c JOIN reports r ON r.id = c.report_id AND "
                              "c.version = r.current_version WHERE r.id = ? AND c.key = 't3.apply.new.total'",
                  (first["report_id"],))
    assert first["本年新收"] == total[0]["value"]
    by_id = rows_of(ds, "/archive/agency_years.json", agency=first["report_id"].rsplit("/", 1)[0])
    assert len(by_id) == len(rows)
    top = rows_of(ds, "/archive/top_denials.json", year="2024")
    assert top and all(r["year"] == 2024 for r in top)
    sums = [r["未予公开合计"] for r in top]
    assert sums == sorted(sums, reverse=True) and sums[0] > 0
    for r in top:
        assert r["未予公开合计"] == (r["不予公开"] or 0) + (r["无法提供"] or 0) + (r["不予处理"] or 0)


# --- the report page -------------------------------------------------------------------------

def test_report_page_shows_the_tables_and_the_failed_check(ds, site):
    response = get(ds, report_url(SEED_REPORT))
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    t3 = soup.select_one("table.t3").get_text()
    for label in T3_LABELS:
        assert label in t3, label
    t4 = soup.select_one("table.t4").get_text()
    for label in T4_LABELS:
        assert label in t4, label
    assert len(soup.select("table.t3 tbody tr")) == 25 and len(soup.select("table.t3 tbody td.num")) == 25 * 7
    assert len(soup.select("table.t4 tbody td.num")) == 15
    assert soup.select_one("table.t2") is not None and "第二十条第（一）项" in soup.select_one("table.t2").get_text()
    value = query(site["db"], "SELECT value FROM cells WHERE report_id = ? AND version = 1 AND key = 't3.apply.new.total'",
                  (SEED_REPORT,))[0]["value"]
    assert soup.select_one('td[data-key="t3.apply.new.total"]').get_text(strip=True) == str(value)
    failed = soup.select_one('td[data-key="t4.review.total"]')
    assert "failed" in failed["class"] and "T4.prose" in failed["data-rules"]
    assert soup.select_one('tr.check.fail[data-rule="T4.prose"]') is not None
    source = soup.select_one("a.source-link")
    assert source["href"].startswith("http://") and set(source["rel"]) >= {"nofollow", "noopener"}
    assert soup.select_one("figure.chart svg rect") is not None  # the chart, drawn without JS
    assert soup.select_one("a.capture-download")["href"].startswith("/capture/")


def test_report_page_shows_versions_with_changes(ds, site):
    report_id, change = revised_report(site["db"])
    soup = BeautifulSoup(get(ds, report_url(report_id)).text, "html.parser")
    row = soup.select_one(f'section#v2 tr.change[data-key="{change["key"]}"]')
    assert row.select_one("td.old").get_text() == str(change["old"])
    assert row.select_one("td.new").get_text() == str(change["new"])
    assert soup.select_one(f'td[data-key="{change["key"]}"]').get_text(strip=True) == str(change["new"])
    old = BeautifulSoup(get(ds, report_url(report_id) + "?version=1").text, "html.parser")
    assert old.select_one(f'td[data-key="{change["key"]}"]').get_text(strip=True) == str(change["old"])
    assert get(ds, "/report/000000/nobody/1999").status_code == 404


def test_report_ids_link_to_the_report_page(ds):
    html = get(ds, "/archive/reports", id=SEED_REPORT).text
    assert f'href="{report_url(SEED_REPORT)}"' in html
    html = get(ds, "/archive/checks", report_id=SEED_REPORT).text
    assert f'href="{report_url(SEED_REPORT)}"' in html
    agencies = get(ds, "/archive/agencies", name="阿城区司法局").text
    assert 'href="/archive/agency_years?agency=230112/%E9%98%BF' in agencies
    from datasette.utils import tilde_encode
    row_page = get(ds, f"/archive/reports/{tilde_encode(SEED_REPORT)}").text
    assert "/report/" in row_page and "打开报告页面" in row_page


# --- downloads and robots ----------------------------------------------------------------------

def test_capture_download_is_an_attachment_with_the_archived_bytes(ds, site):
    capture = query(site["db"], "SELECT c.* FROM report_versions v JOIN captures c ON c.id = v.capture_id "
                                "WHERE v.report_id = ? AND v.version = 1", (SEED_REPORT,))[0]
    response = get(ds, f"/capture/{capture['id']}/download")
    assert response.status_code == 200
    headers = response.headers
    assert headers["content-type"] == "application/octet-stream"
    assert headers["content-disposition"].startswith("attachment;")
    assert headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in headers["content-security-policy"]
    expected = read_response(site["archive"], capture["warc_file"], capture["warc_offset"]).body
    assert response.content == expected and hashlib.sha256(response.content).hexdigest() == capture["sha256"]
    revisit = query(site["db"], "SELECT id, revisit_of FROM captures WHERE warc_type = 'revisit' AND revisit_of IS NOT NULL "
                                "AND sha256 IS NOT NULL LIMIT 1")
    if revisit:  # a revisit stores no bytes: the download follows it to the capture that does
        again = get(ds, f"/capture/{revisit[0]['id']}/download")
        assert again.status_code == 200
        assert again.content == get(ds, f"/capture/{revisit[0]['revisit_of']}/download").content
    assert get(ds, "/capture/999999999/download").status_code == 404


def test_release_downloads_by_allow_list(ds, site):
    index = get(ds, "/").text
    assert 'href="/-/release/archive.db"' in index and 'href="/-/release/csv/reports.csv"' in index
    response = get(ds, "/-/release/archive.db")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    digest = (site["release"] / "archive.db.sha256").read_text().split()[0]
    assert hashlib.sha256(response.content).hexdigest() == digest
    csv = get(ds, "/-/release/csv/reports.csv")
    assert csv.status_code == 200 and csv.text.startswith("id,")
    for bad in ("/-/release/../archive/archive.db", "/-/release/%2e%2e/archive/archive.db", "/-/release/parses.csv",
                "/-/release/csv/parses.csv", "/-/release/archive.db-wal", "/-/release/"):
        assert get(ds, bad).status_code in (302, 404), bad  # 302: Datasette normalises the path
    bare = make_datasette(site["db"])  # no --release-dir: no downloads, no links
    assert get(bare, "/-/release/archive.db").status_code == 404
    assert "/-/release/" not in get(bare, "/").text


def test_robots_keep_crawlers_off_row_pages(ds):
    robots = get(ds, "/robots.txt").text
    lines = robots.splitlines()
    assert lines[0] == "User-agent: *"
    for table in ("reports", "cells", "checks", "captures", "report_versions"):
        assert f"Disallow: /archive/{table}/" in lines
    assert "Disallow: /capture/" in lines
    assert "Disallow: /" not in lines and not any(line.startswith("Disallow: /report/") for line in lines)


# --- untrusted text ----------------------------------------------------------------------------

def test_script_from_a_portal_is_escaped_everywhere(site, tmp_path):
    report_id = make_hostile_copy(site["db"], tmp_path / "hostile")
    hostile = make_datasette(tmp_path / "hostile" / "archive.db")
    pages = [report_url(report_id), report_url(report_id) + "?version=1", "/archive/reports?id=" + quote(report_id),
             "/archive/search?q=alert", "/archive/changes?since=2000-01-01", "/archive/report_sources?report_id="
             + quote(report_id), "/archive/checks?report_id=" + quote(report_id)]
    for path in pages:
        response = get(hostile, path)
        assert response.status_code == 200, path
        html = response.text
        for raw in ("<script>alert(", "<img src=x", "<b onmouseover", "</td><script>"):
            assert raw not in html, (path, raw)
        soup = BeautifulSoup(html, "html.parser")
        assert not any("alert(" in (s.string or "") for s in soup.find_all("script")), path
        assert not soup.select('a[href^="javascript"]'), path
        assert not soup.select("[onerror], [onmouseover]"), path
    assert "alert" in get(hostile, "/archive/search", q="alert").text  # the poisoned report was found
    page = get(hostile, report_url(report_id)).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
