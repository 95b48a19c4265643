"""Real crawls of the sample portals for the tests: a server thread here, ``nianbao crawl`` in a
subprocess, the archive read back with sqlite3."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from crawler.registry import write_registry
from crawler.sampleweb.server import SampleServer
from crawler.sampleweb.site import SAMPLE_SETTINGS, registry_entries


def start_server(**options) -> SampleServer:
    server = SampleServer(("127.0.0.1", 0), options)
    server.serve_in_thread()
    return server


def stop_server(server: SampleServer) -> None:
    server.shutdown()
    server.server_close()


def restart_on_same_port(server: SampleServer, **options) -> SampleServer:
    port = server.port
    stop_server(server)
    new = SampleServer(("127.0.0.1", port), options)
    new.serve_in_thread()
    return new


def write_sample_registry(server: SampleServer, path: Path, *, discover: bool = False, only=None,
                          extra_sources: list[dict] = (), settings: dict | None = None, **source_overrides) -> Path:
    entries = [e for e in registry_entries(server.site, discover) if not only or e["id"] in only]
    entries = [{**e, **source_overrides} for e in entries] + list(extra_sources)
    write_registry(path, entries, settings={**SAMPLE_SETTINGS, "PROGRESS_INTERVAL": 0, "LOG_LEVEL": "INFO",
                                            **(settings or {})})
    return path


def crawl(registry: Path, archive: Path, *args, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "archive", "crawl", "--registry", str(registry),
                             "--archive", str(archive), *map(str, args)],
                            capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"crawl failed ({result.returncode}):\n{result.stderr[-4000:]}")
    # An exception inside Scrapy (a pipeline, a signal handler) is logged, not raised: look for it.
    for marker in ("Traceback (most recent call last)", "] ERROR: Error", "Unhandled error"):
        assert not check or marker not in result.stderr, result.stderr[result.stderr.index(marker) - 200:][:4000]
    return result


def rows(archive: Path, sql: str, params=()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def last_run(archive: Path) -> str:
    return rows(archive, "SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1")[0]["id"]


def captures(archive: Path, run_id: str | None = None) -> list[sqlite3.Row]:
    run_id = run_id or last_run(archive)
    return rows(archive, "SELECT * FROM captures WHERE run_id = ? ORDER BY id", (run_id,))
