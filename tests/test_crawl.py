"""Real Scrapy crawls of the sample portals (no mocked responses): completeness, faults, politeness
limits, incremental crawls across epochs, WARC read-back, and resuming after SIGKILL."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from archive.warcstore import read_response
from tests.crawl_helpers import (captures, crawl, restart_on_same_port, rows, start_server, stop_server,
                                 write_sample_registry)


@pytest.fixture
def server():
    servers = [start_server()]
    yield servers
    stop_server(servers[-1])


def report_urls(manifest, expect="captured"):
    return {u for r in manifest["reports"] if r["expect"] == expect and r["status"] != "removed" for u in r["urls"]}


def test_every_family_crawled_completely_and_warc_reads_back(server, tmp_path):
    srv = server[0]
    registry = write_sample_registry(srv, tmp_path / "registry.yaml")
    crawl(registry, tmp_path / "archive")
    manifest = srv.site.manifest()
    got = captures(tmp_path / "archive")
    fetched = {c["url"] for c in got if c["status"] == 200}
    assert report_urls(manifest) <= fetched
    # every list page of every family, pagination to the end
    lists = {c["source_id"]: 0 for c in got}
    for c in got:
        if c["role"] in ("list", "api"):
            lists[c["source_id"]] += 1
    assert all(n >= 1 for n in lists.values()) and lists["sample-trs"] == 2 and lists["sample-legacy"] == 3
    # attachments are stored; Hanweb's go through a 302
    hanweb = [c for c in got if c["source_id"] == "sample-hanweb" and c["role"] == "attachment"]
    assert hanweb and all("/attach/" in c["final_url"] for c in hanweb)
    # companion pages are captured but marked; duplicate links captured once
    kinds = {c["link_kind"] for c in got if c["role"] == "detail"}
    assert {"report", "companion", "notice"} <= kinds
    assert len({c["url"] for c in got}) == len(got)
    # the WARC files read back, and every row points at its record
    for c in got:
        if c["warc_type"] == "response":
            stored = read_response(tmp_path / "archive", c["warc_file"], c["warc_offset"])
            assert stored.url == c["url"] and stored.status == c["status"]
            assert hashlib.sha256(stored.body).hexdigest() == c["sha256"]
    # GBK pages: stored bytes are the raw bytes
    gbk = next(c for c in got if c["source_id"] == "sample-gbk" and c["role"] == "detail" and c["status"] == 200)
    body = read_response(tmp_path / "archive", gbk["warc_file"], gbk["warc_offset"]).body
    assert b'charset="gb2312"' in body and "年度报告".encode("gbk") in body
    sources = rows(tmp_path / "archive", "SELECT * FROM run_sources")
    assert len(sources) == 6 and all(s["classification"] is None and s["report_links"] > 0 for s in sources)


def test_discovery_from_home_pages_finds_every_column(server, tmp_path):
    srv = server[0]
    registry = write_sample_registry(srv, tmp_path / "registry.yaml", discover=True)
    crawl(registry, tmp_path / "archive")
    fetched = {c["url"] for c in captures(tmp_path / "archive") if c["status"] == 200}
    assert report_urls(srv.site.manifest()) <= fetched


def test_hostile_profile_records_every_fault_and_loses_nothing_else(server, tmp_path):
    srv = server[0] = restart_on_same_port(server[0], profile="hostile")
    registry = write_sample_registry(srv, tmp_path / "registry.yaml")
    crawl(registry, tmp_path / "archive", timeout=600)
    manifest = srv.site.manifest()
    got = captures(tmp_path / "archive")
    by_url = {c["url"]: c for c in got}
    assert report_urls(manifest) <= {c["url"] for c in got if c["status"] == 200}
    outcome = {f: r for r in manifest["reports"] for f in r["faults"]}
    assert by_url[outcome["robots"]["urls"][0]]["error"] == "robots"
    assert by_url[outcome["reset"]["urls"][0]]["error"] in ("connection", "truncated")
    assert by_url[outcome["truncated"]["urls"][1]]["error"] in ("truncated", "connection")
    assert by_url[outcome["huge"]["urls"][1]]["error"] == "too_large"
    assert by_url[outcome["slow"]["urls"][0]]["status"] == 200
    as_html = by_url[outcome["pdf_as_html"]["urls"][1]]
    assert as_html["status"] == 200 and as_html["content_type"].startswith("text/html")
    trs_pages = [c for c in got if c["source_id"] == "sample-trs" and c["role"] == "list"]
    assert len(trs_pages) == 2 and all(c["status"] == 200 for c in trs_pages)  # 500 first, then retried
    assert any(c["error"] == "redirect_loop" for c in got)
    # off-host links are never followed
    assert srv.requests.get("mirror.spam.localhost", 0) == 0
    assert not [c for c in got if "gov.cn" in c["url"] or "spam" in c["url"]]
    stats = rows(tmp_path / "archive", "SELECT * FROM run_sources WHERE source_id = 'sample-trs'")[0]
    assert json.loads(stats["errors"]).get("robots") == 1


def test_epochs_give_revisits_for_unchanged_and_new_captures_for_changed(server, tmp_path):
    srv = server[0]
    registry = write_sample_registry(srv, tmp_path / "registry.yaml")
    archive = tmp_path / "archive"
    crawl(registry, archive)
    first = {c["url"]: c for c in captures(archive)}
    crawl(registry, archive)
    second = captures(archive)
    documents = [c for c in second if c["role"] in ("detail", "attachment")]
    assert documents and all(c["status"] == 304 and c["warc_type"] == "revisit" for c in documents
                             if "/attach/" not in (c["final_url"] or ""))
    assert all(c["status"] == 200 for c in second if c["role"] == "list")  # lists are always re-fetched
    srv = server[0] = restart_on_same_port(srv, epoch=2)
    crawl(registry, archive)
    third = {c["url"]: c for c in captures(archive)}
    manifest = srv.site.manifest()
    for report in manifest["reports"]:
        detail = third.get(report["urls"][0])
        if report["status"] == "new":
            assert detail["status"] == 200 and detail["warc_type"] == "response"
        elif report["status"] == "revised":
            changed = third[report["urls"][-1]]
            assert changed["status"] == 200 and changed["warc_type"] == "response"
            assert changed["sha256"] != first[report["urls"][-1]]["sha256"]
        elif report["status"] == "removed":
            assert detail["status"] == 404 and detail["role"] == "recheck"
        elif report["status"] == "moved":
            assert detail["status"] == 200
            assert third[report["previous_urls"][0]]["status"] == 404
        elif report["status"] == "unchanged":
            assert detail["status"] == 304


def test_private_addresses_refused_and_empty_sources_classified(server, tmp_path):
    srv = server[0]
    base = f"http://trs.sample.localhost:{srv.port}"
    extra = [
        {"id": "column-404", "name": "x", "region": "140404", "start_url": f"{base}/no/such/column.html",
         "family": "generic", "allow_private": True},
        {"id": "blocked", "name": "x", "region": "140404", "start_url": f"{base}/blocked/index.html",
         "family": "generic", "allow_private": True},
        {"id": "no-links", "name": "x", "region": "140404", "start_url": f"{base}/",
         "family": "generic", "allow_private": True},
        {"id": "no-dns", "name": "x", "region": "140404", "start_url": "http://nonexistent.invalid/ndbg/",
         "family": "generic"},
    ]
    registry = write_sample_registry(srv, tmp_path / "registry.yaml", only={"sample-hanweb"}, extra_sources=extra,
                                     allow_private=False)
    crawl(registry, tmp_path / "archive", check=False)
    classes = {r["source_id"]: r["classification"] for r in rows(tmp_path / "archive", "SELECT * FROM run_sources")}
    assert classes == {"sample-hanweb": "private_address", "column-404": "column_404", "blocked": "blocked",
                       "no-links": "no_links", "no-dns": "dns_failure"}
    assert srv.requests.get("hanweb.sample.localhost", 0) == 0  # refused before any connection
    assert srv.requests.get("trs.sample.localhost", 0) > 0  # the allowed ones were fetched


def test_sigkill_and_resume_lose_and_repeat_nothing(tmp_path):
    srv = start_server(profile="scale", portals=4, reports=60)
    try:
        registry = write_sample_registry(srv, tmp_path / "registry.yaml",
                                         settings={"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0.01})
        archive, jobdir = tmp_path / "archive", tmp_path / "job"
        command = [sys.executable, "-m", "archive", "crawl", "--registry", str(registry), "--archive", str(archive),
                   "--jobdir", str(jobdir)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                done = rows(archive, "SELECT COUNT(*) AS n FROM captures")[0]["n"]
            except Exception:  # the database is not there yet
                done = 0
            if done >= 60:
                break
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        partial = rows(archive, "SELECT COUNT(*) AS n FROM captures")[0]["n"]
        assert 0 < partial < 240 + 20
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        runs = rows(archive, "SELECT id FROM runs")
        assert len(runs) == 1  # the same run, resumed
        got = captures(archive, runs[0]["id"])
        urls = [c["url"] for c in got]
        assert len(urls) == len(set(urls))  # nothing captured twice
        manifest = srv.site.manifest()
        assert report_urls(manifest) <= {c["url"] for c in got if c["status"] == 200}  # nothing lost
        for c in got:
            if c["warc_type"] == "response":
                assert read_response(archive, c["warc_file"], c["warc_offset"]).url == c["url"]
    finally:
        stop_server(srv)


def test_plain_scrapy_crawl_command_works(server, tmp_path):
    srv = server[0]
    registry = write_sample_registry(srv, tmp_path / "registry.yaml")
    from tests.conftest import ROOT

    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portals", "-a", f"registry={registry}",
                             "-a", f"archive={tmp_path / 'archive'}", "-a", "source=sample-gbk",
                             "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    got = captures(tmp_path / "archive")
    assert {c["source_id"] for c in got} == {"sample-gbk"}
    gbk = {u for r in srv.site.manifest()["reports"] if r["portal"] == "gbk" for u in r["urls"]}
    assert gbk <= {c["url"] for c in got if c["status"] == 200}
