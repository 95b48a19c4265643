"""``nianbao build`` and ``nianbao release`` on real crawls of the sample portals, epoch 1 then 2."""

import csv
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import duckdb
import pytest

from archive import assemble, parsecache, parsing, search, wide
from archive import build as build_module
from archive.build import DERIVED_TABLES, build
from tests.crawl_helpers import crawl, restart_on_same_port, rows, start_server, stop_server, write_sample_registry


def nianbao(*args, timeout=600):
    result = subprocess.run([sys.executable, "-m", "archive", *map(str, args)], capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def snapshot(archive, tables=("reports", "report_versions", "report_sources", "cells", "checks", "documents")):
    conn = sqlite3.connect(archive / "archive.db")
    out = {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}"))) for t in tables}
    conn.close()
    return out


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Epoch 1 crawled and built, crawled again unchanged and built, then epoch 2 crawled and built."""
    tmp = tmp_path_factory.mktemp("history")
    server = start_server()
    registry = write_sample_registry(server, tmp / "registry.yaml")
    archive = tmp / "archive"
    states = {}
    try:
        crawl(registry, archive)
        states["manifest1"] = server.site.manifest()
        states["build1"] = nianbao("build", "--archive", archive).stdout
        states["after1"] = snapshot(archive)
        shutil.copytree(archive, tmp / "epoch1")
        crawl(registry, archive)
        states["build_same"] = nianbao("build", "--archive", archive).stdout
        states["after_same"] = snapshot(archive)
        server = restart_on_same_port(server, epoch=2)
        crawl(registry, archive)
        states["manifest2"] = server.site.manifest()
        states["build2"] = nianbao("build", "--archive", archive).stdout
    finally:
        stop_server(server)
    return archive, tmp, states


def test_reports_complete_against_the_manifest(history):
    archive, _, states = history
    for manifest, label in ((states["manifest2"], "epoch 2"),):
        want = {(r["agency"], r["year"]) for r in manifest["reports"]}
        have = {(r["agency"], r["year"]) for r in rows(archive, "SELECT agency, year FROM reports")}
        assert want == have, label
    # the printed values, checks included, are those the portals published
    by_key = {(r["agency"], r["year"]): r for r in rows(archive, "SELECT * FROM reports")}
    for report in states["manifest2"]["reports"]:
        if report["status"] != "removed":
            assert json.loads(by_key[(report["agency"], report["year"])]["failed_checks"]) == report["checks_failed"]
    assert rows(archive, "SELECT COUNT(*) AS n FROM documents WHERE is_report = 0")[0]["n"] > 0  # 解读, 图解, stubs


def test_duplicate_urls_are_one_report_with_the_best_source(history):
    archive, _, states = history
    both = [r for r in states["manifest2"]["reports"] if r["shape"] == "article+pdf" and r["status"] != "removed"]
    assert both
    for report in both:
        row = rows(archive, "SELECT * FROM reports WHERE agency = ? AND year = ?", (report["agency"], report["year"]))
        assert len(row) == 1 and row[0]["source_count"] == 2
        assert row[0]["best_kind"] == "pdf"  # same cells on both: the attached file wins
        best = rows(archive, "SELECT url FROM report_sources WHERE report_id = ? AND is_best = 1", (row[0]["id"],))
        assert [b["url"] for b in best] == [report["urls"][1]]


def test_revisits_create_no_version(history):
    _, _, states = history
    before, after = states["after1"], states["after_same"]
    for table in ("report_versions", "cells", "checks"):
        assert after[table] == before[table], table
    assert "0 new versions" in states["build_same"]
    # only the reports' last_seen moved on
    columns = [r["name"] for r in rows(history[0], "PRAGMA table_info(reports)")]
    last_seen = columns.index("last_seen")
    strip = lambda table: [r[:last_seen] + r[last_seen + 1:] for r in table]  # noqa: E731
    assert strip(after["reports"]) == strip(before["reports"])
    pairs = list(zip(after["reports"], before["reports"]))
    assert all(a[last_seen] >= b[last_seen] for a, b in pairs) and any(a[last_seen] > b[last_seen] for a, b in pairs)


def test_versions_tombstones_and_moves(history):
    archive, _, states = history
    by_status = {}
    for report in states["manifest2"]["reports"]:
        by_status.setdefault(report["status"], []).append(report)
    for report in by_status["revised"]:
        row = rows(archive, "SELECT * FROM reports WHERE agency = ? AND year = ?", (report["agency"], report["year"]))[0]
        versions = rows(archive, "SELECT * FROM report_versions WHERE report_id = ? ORDER BY version", (row["id"],))
        assert [v["reason"] for v in versions] == ["first", "source_changed"] and row["current_version"] == 2
        changes = json.loads(versions[1]["changed_keys"])
        assert changes and all(c["old"] != c["new"] for c in changes)
        assert any(c["key"].startswith(("t3.", "t2.", "t4.")) for c in changes)
        # every version keeps its own cells
        counts = {v: rows(archive, "SELECT COUNT(*) AS n FROM cells WHERE report_id = ? AND version = ?",
                          (row["id"], v))[0]["n"] for v in (1, 2)}
        assert counts[1] > 0 and counts[2] > 0
    for report in by_status["removed"]:
        row = rows(archive, "SELECT * FROM reports WHERE agency = ? AND year = ?", (report["agency"], report["year"]))[0]
        assert row["gone_at"] is not None
    for report in by_status["moved"] + by_status["unchanged"][:10]:
        row = rows(archive, "SELECT * FROM reports WHERE agency = ? AND year = ?", (report["agency"], report["year"]))[0]
        assert row["gone_at"] is None and row["current_version"] == 1
    for report in by_status["new"]:
        assert rows(archive, "SELECT year FROM reports WHERE agency = ? AND year = ?", (report["agency"], report["year"]))


def test_checks_and_cells_and_dictionary_are_stored(history):
    archive, _, _ = history
    failed = rows(archive, "SELECT rule, COUNT(*) AS n FROM checks WHERE status = 'fail' GROUP BY rule")
    rules = {r["rule"] for r in failed}
    assert rules & {"T3.balance", "T3.row_total", "T3.result_sum", "T4.review_sum", "T4.prose", "T3.prose"}
    assert "T3.carry_chain" in {r["rule"] for r in rows(archive, "SELECT DISTINCT rule FROM checks")}
    wide = rows(archive, "SELECT COUNT(*) AS n FROM cells WHERE key = 't3.apply.new.total'")[0]["n"]
    assert wide == rows(archive, "SELECT COUNT(*) AS n FROM report_versions")[0]["n"] - \
        rows(archive, "SELECT COUNT(*) AS n FROM report_versions v JOIN reports r ON r.id = v.report_id "
                      "WHERE r.format = 'LEGACY_FREE'")[0]["n"]
    described = {(r["table_name"], r["column_name"]) for r in rows(archive, "SELECT * FROM data_dictionary")}
    tables = [r["name"] for r in rows(archive, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                            "AND name NOT LIKE 'sqlite_%'")]
    fts5_own = tuple(f"report_search_{part}" for part in ("data", "idx", "docsize", "config"))
    tables = [t for t in tables if t not in fts5_own]
    assert {"cells", "checks", "t3_wide", "cross_checks", "report_search"} <= set(tables)
    for table in tables:
        columns = [r["name"] for r in rows(archive, f"PRAGMA table_info([{table}])")]
        assert all((table, c) in described for c in columns), (table, [c for c in columns if (table, c) not in described])
    assert ("cells", "t3.result.denied.state_secret.natural") in described


def test_search_matches_brute_force_like_for_every_query_length(history):
    archive, _, _ = history
    conn = sqlite3.connect(archive / "archive.db")
    for query in ("复", "复议", "诉讼", "政府信息公开", "青山区", "司法局 复议", "阿城区司法局"):
        found = {r["report_id"] for r in search.search(conn, query, limit=1000)}
        terms = query.split()
        like = {r[0] for r in conn.execute(
            "SELECT report_id FROM report_search_text WHERE " + " AND ".join(
                ["(title || ' ' || agency || ' ' || body) LIKE ?"] * len(terms)), [f"%{t}%" for t in terms])}
        assert found == like and found, query
        for hit in search.search(conn, query, limit=5):
            assert any(t in hit["snippet"] for t in terms)
    conn.close()


def test_rebuild_equals_the_incremental_builds(history, tmp_path):
    archive, _, _ = history
    copy = tmp_path / "rebuilt"
    shutil.copytree(archive, copy)
    nianbao("build", "--archive", copy, "--rebuild")
    assert snapshot(copy) == snapshot(archive)


def test_a_second_build_with_nothing_new_writes_nothing(history, tmp_path):
    archive, _, _ = history
    copy = tmp_path / "again"
    shutil.copytree(archive, copy)
    conn = sqlite3.connect(copy / "archive.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in copy.glob("archive.db*")}
    summary = build(copy)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in copy.glob("archive.db*")
             if p.stat().st_size > 0}
    assert summary.runs == 0 and summary.line() == "nothing new to build"
    assert {k: v for k, v in after.items()} == {k: v for k, v in before.items() if k in after}


def _as_left_by_m005(db_path) -> None:
    """Turn an archive back into what schema m005 left after m004 dropped the parse cache: cells and
    checks are tables holding every version's rows, the parse tables are empty, and the parser
    version is one the build does not know."""
    conn = sqlite3.connect(db_path)
    with conn:
        for name in ("cells", "checks"):
            conn.execute(f"CREATE TABLE old_{name} AS SELECT * FROM {name}")
        for (view,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
            conn.execute(f"DROP VIEW {view}")
        conn.execute("DROP TABLE cross_checks")
        conn.execute("DROP INDEX idx_report_versions_parse")
        conn.execute("DROP INDEX idx_parse_checks_failed_rule")
        for name in ("cells", "checks"):
            conn.execute(f"ALTER TABLE old_{name} RENAME TO {name}")
        for table in parsecache.TABLES:
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name IN ('m006_version_rows_from_parses', "
                     "'m007_cells_view_versions_first')")
        conn.execute("UPDATE _meta SET value = 'unknown (parse cache dropped by m004)' WHERE key = 'parser_version'")
    conn.close()


def test_an_archive_from_before_m006_keeps_every_version_and_writes_none(history, tmp_path):
    """m006 moves the rows of versions whose parse is gone into the parse tables; the build then
    re-derives the current reports, finds the same values and writes no new versions."""
    archive, _, _ = history
    copy = tmp_path / "old"
    shutil.copytree(archive, copy)
    _as_left_by_m005(copy / "archive.db")
    assert rows(copy, "SELECT type FROM sqlite_master WHERE name = 'cells'")[0]["type"] == "table"
    build(copy, workers=1)
    assert rows(copy, "SELECT type FROM sqlite_master WHERE name = 'cells'")[0]["type"] == "view"
    assert snapshot(copy) == snapshot(archive)
    superseded = rows(copy, "SELECT COUNT(*) AS n FROM cells c JOIN reports r ON r.id = c.report_id "
                            "AND c.version < r.current_version")[0]["n"]
    assert superseded > 0  # the old versions' cells, whose bytes no build reads again, are kept
    # m007: a count or a key filter reads versions first and seeks their parse rows
    plan = [r["detail"] for r in rows(copy, "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM cells WHERE key = 't3.apply.new.total'")]
    assert plan[0].startswith("SCAN v") and "USING PRIMARY KEY" in plan[1], plan


def test_a_parser_upgrade_that_reads_differently_is_a_recorded_version(history, tmp_path, monkeypatch):
    archive, _, _ = history
    copy = tmp_path / "upgraded"
    shutil.copytree(archive, copy)
    parse_document = parsing.parse_document

    def upgraded_parser(*args, **kwargs):  # the new parser reads 上年结转 (natural persons) one higher
        record = parse_document(*args, **kwargs)
        for cell in record["cells"]:
            if cell["key"] == "t3.apply.carried_in.natural" and isinstance(cell["value"], int):
                cell["value"] += 1
        return record

    monkeypatch.setattr(parsing, "parse_document", upgraded_parser)
    for module in (build_module, assemble, parsing):
        monkeypatch.setattr(module, "PARSER_VERSION", "99.0.0")
    build(copy, workers=1)
    upgrades = rows(copy, "SELECT v.report_id, v.changed_keys, c.value FROM report_versions v JOIN cells c "
                          "ON c.report_id = v.report_id AND c.version = v.version "
                          "AND c.key = 't3.apply.carried_in.natural' WHERE v.reason = 'parser_upgrade'")
    assert upgrades
    for upgrade in upgrades:
        change = {c["key"]: c for c in json.loads(upgrade["changed_keys"])}["t3.apply.carried_in.natural"]
        assert change["new"] == change["old"] + 1 == upgrade["value"]
    current = rows(copy, "SELECT COUNT(*) AS n FROM reports r JOIN report_versions v ON v.report_id = r.id "
                         "AND v.version = r.current_version WHERE v.parser_version = '99.0.0'")[0]["n"]
    assert current == rows(copy, "SELECT COUNT(*) AS n FROM reports WHERE gone_at IS NULL")[0]["n"]


def test_killed_build_leaves_a_sound_database_and_completes(history, tmp_path):
    _, tmp, _ = history
    victim, clean = tmp_path / "victim", tmp_path / "clean"
    shutil.copytree(tmp / "epoch1", victim)
    conn = sqlite3.connect(victim / "archive.db")
    for table in DERIVED_TABLES:
        conn.execute(f"DELETE FROM {table}")
    conn.commit()
    conn.close()
    shutil.copytree(victim, clean)
    process = subprocess.Popen([sys.executable, "-m", "archive", "build", "--archive", str(victim), "--workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
        conn = sqlite3.connect(victim / "archive.db")
        done = conn.execute("SELECT COUNT(*) FROM parses").fetchone()[0]
        conn.close()
        if done >= 20:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    conn = sqlite3.connect(victim / "archive.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    nianbao("build", "--archive", victim)
    nianbao("build", "--archive", clean)
    assert snapshot(victim) == snapshot(clean)


def test_wide_views_hold_the_cells_of_tables_2_to_4(history):
    archive, _, _ = history
    for view, (table, cols) in wide.columns().items():
        expected: dict[tuple, dict] = {}
        for cell in rows(archive, "SELECT report_id, version, row_key, col_key, value FROM cells WHERE table_name = ?",
                         [table]):
            expected.setdefault((cell["report_id"], cell["version"], cell["row_key"]), {})[cell["col_key"]] = cell["value"]
        assert expected, view
        got = {(r["report_id"], r["version"], r["row_key"]): r for r in rows(archive, f"SELECT * FROM {view}")}
        assert set(got) == set(expected), view
        for row, values in expected.items():
            assert [got[row][col] for col in cols] == [values.get(col) for col in cols], (view, row)


def test_release_opens_anywhere(history, tmp_path):
    archive, _, _ = history
    out = tmp_path / "release"
    nianbao("release", "--archive", archive, "--out", out)
    manifest = json.loads((out / "manifest.json").read_text())
    db = out / "archive.db"
    assert (out / "archive.db.sha256").read_text().split()[0] == hashlib.sha256(db.read_bytes()).hexdigest()
    assert manifest["sha256"] == hashlib.sha256(db.read_bytes()).hexdigest()
    assert not (out / "archive.db-wal").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == manifest["counts"]["reports"] > 0
    # cells and checks ship as tables with every row of the archive's views, the parse tables empty
    source = sqlite3.connect(archive / "archive.db")
    for name in ("cells", "checks"):
        assert conn.execute("SELECT type FROM sqlite_master WHERE name = ?", [name]).fetchone()[0] == "table"
        assert sorted(conn.execute(f"SELECT * FROM {name}")) == sorted(source.execute(f"SELECT * FROM {name}"))
    assert conn.execute("SELECT COUNT(*) FROM t3_wide").fetchone()[0] == \
        source.execute("SELECT COUNT(*) FROM t3_wide").fetchone()[0] > 0
    source.close()
    assert conn.execute("SELECT COUNT(*) FROM parse_cells").fetchone()[0] == 0
    # search in the downloaded copy, with nothing registered: the MATCH string is plain FTS5
    expression = search.match_expression("政府信息公开")
    hits = conn.execute("SELECT t.report_id FROM report_search s JOIN report_search_text t ON t.rowid = s.rowid "
                        "WHERE report_search MATCH ? ORDER BY s.rank LIMIT 5", [expression]).fetchall()
    assert hits
    conn.close()
    with open(out / "csv" / "cells.csv", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        first = next(reader)
    assert set(first) >= {"report_id", "version", "key", "value", "raw"}
    count = duckdb.sql(f"SELECT COUNT(*) FROM read_csv_auto('{out / 'csv' / 'reports.csv'}')").fetchone()[0]
    assert count == manifest["counts"]["reports"]
