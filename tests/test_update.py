"""``nianbao update`` as cron runs it: twice across the sample portals' epochs, locked, failing loudly."""

import json
import subprocess
import sys
from datetime import datetime

from archive.update import interval_for, update_lock
from tests.crawl_helpers import restart_on_same_port, rows, start_server, stop_server, write_sample_registry


def update(*args):
    return subprocess.run([sys.executable, "-m", "archive", "update", *map(str, args)], capture_output=True, text=True,
                          timeout=900)


def test_two_updates_report_exactly_what_changed(tmp_path):
    server = start_server()
    try:
        registry = write_sample_registry(server, tmp_path / "registry.yaml")
        archive = tmp_path / "archive"
        first = update("--registry", registry, "--archive", archive, "--release-dir", tmp_path / "release")
        assert first.returncode == 0, first.stderr[-2000:]
        assert f"new reports ({len(server.site.manifest()['reports'])})" in first.stdout
        server = restart_on_same_port(server, epoch=2)
        second = update("--registry", registry, "--archive", archive)
        assert second.returncode == 0, second.stderr[-2000:]
        manifest = server.site.manifest()
        by_status = {}
        for r in manifest["reports"]:
            by_status.setdefault(r["status"], []).append(r)
        ids = {(r["agency"], r["year"]): r["id"] for r in rows(archive, "SELECT id, agency, year FROM reports")}
        assert f"new reports ({len(by_status['new'])})" in second.stdout
        assert f"new versions ({len(by_status['revised'])})" in second.stdout
        assert f"gone reports ({len(by_status['removed'])})" in second.stdout
        stored = rows(archive, "SELECT * FROM runs WHERE kind = 'update' ORDER BY started_at")
        assert len(stored) == 2 and all(r["finish_reason"] == "ok" and r["report"] for r in stored)
        report = json.loads(stored[1]["report"])
        assert sorted(report["new_reports"]) == sorted(ids[(r["agency"], r["year"])] for r in by_status["new"])
        assert sorted(v["report_id"] for v in report["new_versions"]) == sorted(
            ids[(r["agency"], r["year"])] for r in by_status["revised"])
        assert sorted(report["gone_reports"]) == sorted(ids[(r["agency"], r["year"])] for r in by_status["removed"])
        assert len(second.stdout.splitlines()) <= 12  # one screen
        assert (tmp_path / "release" / "archive.db").exists()
    finally:
        stop_server(server)


def test_the_lock_refuses_a_concurrent_run(tmp_path):
    with update_lock(tmp_path):
        result = update("--archive", tmp_path)
    assert result.returncode == 75 and "another update is running" in result.stderr


def test_a_failed_source_fails_the_run_and_is_named(tmp_path):
    server = start_server()
    try:
        base = f"http://trs.sample.localhost:{server.port}"
        broken = {"id": "broken-column", "name": "x", "region": "140404", "start_url": f"{base}/gone/index.html",
                  "family": "generic", "allow_private": True}
        registry = write_sample_registry(server, tmp_path / "registry.yaml", only={"sample-gbk"}, extra_sources=[broken])
        result = update("--registry", registry, "--archive", tmp_path / "archive")
        assert result.returncode == 1
        assert "broken-column (column_404)" in result.stdout and "status: FAILED" in result.stdout
    finally:
        stop_server(server)


def test_due_follows_the_season():
    assert interval_for(datetime(2025, 2, 1)).days == 7
    assert interval_for(datetime(2025, 7, 1)).days == 30


def test_due_skips_recently_crawled_sources(tmp_path):
    server = start_server()
    try:
        registry = write_sample_registry(server, tmp_path / "registry.yaml", only={"sample-gbk", "sample-vsb"})
        archive = tmp_path / "archive"
        assert update("--registry", registry, "--archive", archive, "--due").returncode == 0
        again = update("--registry", registry, "--archive", archive, "--due")
        assert again.returncode == 0 and "not due (2)" in again.stdout and "nothing due" in again.stdout
    finally:
        stop_server(server)
