"""Crawl throughput against the sample portals' scale profile, next to ``scrapy bench`` in the same run.

    python bench/crawl.py [--portals 50] [--reports 200] [--bench-seconds 20]

Starts ``nianbao sampleweb serve --profile scale`` in its own process, crawls every portal with
throttling off into a fresh archive, and prints pages/s, the crawl process's peak RSS, and the
ratio to the pages/s that ``scrapy bench`` (Scrapy's own local link-following benchmark) reaches
on this machine right before. Both crawls talk to a Python server on the same two cores, so the
ratio says how much our per-page work (WARC, capture rows, link rules) costs next to a bare spider.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.registry import write_registry  # noqa: E402
from crawler.sampleweb.server import free_port  # noqa: E402
from crawler.sampleweb.site import SAMPLE_SETTINGS, Site, registry_entries  # noqa: E402


def run_measured(command: list[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """(seconds, peak RSS in bytes, stderr) of a child process."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.monotonic() - start
        err.seek(0)
        log = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{command[:4]} failed ({process.returncode}):\n{log[-3000:]}")
    return elapsed, usage.ru_maxrss * 1024, log


def scrapy_bench(seconds: int) -> float:
    _, _, log = run_measured([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                              "-s", "LOGSTATS_INTERVAL=1"], cwd=Path(tempfile.gettempdir()))
    pages = int(re.search(r"'response_received_count': (\d+)", log).group(1))
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", log).group(1))
    return pages / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--portals", type=int, default=50)
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--bench-seconds", type=int, default=20)
    args = ap.parse_args()

    baseline = scrapy_bench(args.bench_seconds)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "archive", "sampleweb", "serve", "--port", str(port),
                               "--profile", "scale", "--portals", str(args.portals), "--reports", str(args.reports)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server.stdout.readline()  # the server prints once it is listening
        with tempfile.TemporaryDirectory() as tmp:
            registry = Path(tmp) / "registry.yaml"
            site = Site(port=port, profile="scale", portals=args.portals, reports=args.reports)
            write_registry(registry, registry_entries(site), settings={**SAMPLE_SETTINGS, "PROGRESS_INTERVAL": 0,
                                                                        "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True})
            archive = Path(tmp) / "archive"
            seconds, rss, _ = run_measured([sys.executable, "-m", "archive", "crawl", "--registry", str(registry),
                                            "--archive", str(archive)])
            conn = sqlite3.connect(archive / "archive.db")
            pages = conn.execute("SELECT COUNT(*) FROM captures WHERE status = 200").fetchone()[0]
            errors = conn.execute("SELECT COUNT(*) FROM captures WHERE error IS NOT NULL").fetchone()[0]
            warc_bytes = sum(f.stat().st_size for f in (archive / "warc").iterdir())
            conn.close()
    finally:
        server.terminate()
        server.wait()
    expected = args.portals * args.reports
    rate = pages / seconds
    print(f"scrapy bench (same machine, same run): {baseline:8.1f} pages/s")
    print(f"nianbao crawl, scale {args.portals} portals x {args.reports} reports: {pages} pages in {seconds:.1f} s "
          f"(process start to exit) = {rate:8.1f} pages/s, {errors} errors")
    print(f"  ratio to scrapy bench: {rate / baseline:.2f}")
    print(f"  peak RSS of the crawl process: {rss / 2**20:.0f} MB")
    print(f"  WARC bytes: {warc_bytes / 2**20:.1f} MB; report pages expected {expected}, captured pages {pages}")


if __name__ == "__main__":
    main()
