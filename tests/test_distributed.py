"""Distributed crawling on scrapy-redis: a real redis-server on 127.0.0.1, two crawl workers."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import redis

from crawler.sampleweb.server import free_port
from tests.crawl_helpers import rows, start_server, stop_server, write_sample_registry

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait()


def worker(registry, archive, redis_url, run_id, name):
    return subprocess.Popen([sys.executable, "-m", "archive", "crawl", "--registry", str(registry), "--archive",
                             str(archive), "--redis", redis_url, "--run-id", run_id, "--worker", name],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def merged(tmp_path, *workers):
    main = tmp_path / "main"
    result = subprocess.run([sys.executable, "-m", "archive", "build", "--archive", str(main),
                             *[a for w in workers for a in ("--merge", str(w))]], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return main


def report_pages(manifest):
    return {r["urls"][0] for r in manifest["reports"]}


def test_two_workers_capture_every_report_exactly_once(tmp_path, redis_url):
    server = start_server(profile="scale", portals=4, reports=40)
    try:
        # Slow enough (about 20 pages/s) that the second worker, which polls the shared queue on
        # Scrapy's 5-second heartbeat, joins well before the first is done.
        registry = write_sample_registry(server, tmp_path / "registry.yaml", settings={
            "DOWNLOAD_DELAY": 0.2, "RANDOMIZE_DOWNLOAD_DELAY": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 1})
        a, b = tmp_path / "w1", tmp_path / "w2"
        workers = [worker(registry, a, redis_url, "run-1", "w1"), worker(registry, b, redis_url, "run-1", "w2")]
        for w in workers:
            _, err = w.communicate(timeout=600)
            assert w.returncode == 0, err[-2000:]
        counts = [rows(x, "SELECT COUNT(*) AS n FROM captures")[0]["n"] for x in (a, b)]
        assert all(n > 0 for n in counts)  # both did part of the work
        main = merged(tmp_path, a, b)
        urls = [r["url"] for r in rows(main, "SELECT url FROM captures WHERE run_id = 'run-1' AND status = 200")]
        assert len(urls) == len(set(urls))  # nothing captured twice
        assert report_pages(server.site.manifest()) <= set(urls)  # nothing missed
        assert sum(counts) == rows(main, "SELECT COUNT(*) AS n FROM captures")[0]["n"]
        assert rows(main, "SELECT COUNT(*) AS n FROM reports")[0]["n"] == 160
    finally:
        stop_server(server)


def test_a_killed_worker_leaves_the_queue_to_the_other(tmp_path, redis_url):
    server = start_server(profile="scale", portals=4, reports=40)
    try:
        registry = write_sample_registry(server, tmp_path / "registry.yaml",
                                         settings={"DOWNLOAD_DELAY": 0.2, "RANDOMIZE_DOWNLOAD_DELAY": False,
                                                   "CONCURRENT_REQUESTS_PER_DOMAIN": 1})
        a, b = tmp_path / "w1", tmp_path / "w2"
        victim = worker(registry, a, redis_url, "run-2", "w1")
        survivor = worker(registry, b, redis_url, "run-2", "w2")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                if sqlite3.connect(a / "archive.db").execute("SELECT COUNT(*) FROM captures").fetchone()[0] >= 20:
                    break
            except sqlite3.Error:
                pass
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        _, err = survivor.communicate(timeout=600)
        assert survivor.returncode == 0, err[-2000:]
        queue = redis.Redis.from_url(redis_url)
        assert queue.zcard("nianbao:run-2:requests") == 0  # the survivor finished the queue
        main = merged(tmp_path, a, b)
        urls = [r["url"] for r in rows(main, "SELECT url FROM captures WHERE run_id = 'run-2' AND status = 200")]
        assert len(urls) == len(set(urls))
        wanted = report_pages(server.site.manifest())
        assert rows(b, "SELECT COUNT(*) AS n FROM captures")[0]["n"] > 0
        # scrapy-redis pops without acknowledgement: what the killed worker had in flight (a list
        # page among them takes its links along) is lost to this run; the next crawl brings it back.
        missing = wanted - set(urls)
        assert len(missing) < len(wanted) / 2
        again = worker(registry, tmp_path / "w3", redis_url, "run-3", "w3")
        assert again.wait(timeout=600) == 0
        main = merged(tmp_path, tmp_path / "w3")
        recovered = {r["url"] for r in rows(main, "SELECT url FROM captures WHERE status = 200")}
        assert wanted <= recovered
    finally:
        stop_server(server)
