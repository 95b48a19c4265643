"""Distributed crawl throughput: pages/s with 1 and 2 scrapy-redis workers on the scale profile.

    python bench/distributed.py [--portals 20] [--reports 100]

Starts a redis-server and the sample portals (scale profile) on this machine, crawls them once
with one worker and once with two (fresh run ids, fresh archives), merges the worker archives,
and prints pages/s and completeness (report pages captured / published) for each. On one
two-core machine the server, Redis and the workers share the CPUs, so expect sub-linear scaling.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.registry import write_registry  # noqa: E402
from crawler.sampleweb.server import SampleServer, free_port  # noqa: E402
from crawler.sampleweb.site import SAMPLE_SETTINGS, registry_entries  # noqa: E402


def crawl_with(workers: int, registry: Path, redis_url: str, tmp: Path, run_id: str) -> tuple[float, Path]:
    started = time.monotonic()
    processes = [subprocess.Popen([sys.executable, "-m", "archive", "crawl", "--registry", str(registry), "--archive",
                                   str(tmp / f"{run_id}-w{n}"), "--redis", redis_url, "--run-id", run_id,
                                   "--worker", f"w{n}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for n in range(workers)]
    for process in processes:
        process.wait()
    seconds = time.monotonic() - started
    main = tmp / f"{run_id}-main"
    from archive.merge import merge

    merge(main, [tmp / f"{run_id}-w{n}" for n in range(workers)])
    return seconds, main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--portals", type=int, default=20)
    ap.add_argument("--reports", type=int, default=100)
    args = ap.parse_args()
    redis_port = free_port()
    redis = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(redis_port),
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    server = SampleServer(("127.0.0.1", 0), {"profile": "scale", "portals": args.portals, "reports": args.reports})
    server.serve_in_thread()
    time.sleep(0.5)
    try:
        manifest = server.site.manifest()
        wanted = {r["urls"][0] for r in manifest["reports"]}
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            registry = tmp / "registry.yaml"
            write_registry(registry, registry_entries(server.site),
                           settings={**SAMPLE_SETTINGS, "PROGRESS_INTERVAL": 0, "LOG_LEVEL": "WARNING"})
            results = {}
            for workers in (1, 2):
                seconds, main = crawl_with(workers, registry, f"redis://127.0.0.1:{redis_port}/0", tmp, f"bench{workers}")
                conn = sqlite3.connect(main / "archive.db")
                pages = conn.execute("SELECT COUNT(*) FROM captures WHERE status = 200").fetchone()[0]
                got = {u for (u,) in conn.execute("SELECT url FROM captures WHERE status = 200")}
                conn.close()
                results[workers] = pages / seconds
                print(f"{workers} worker(s): {pages} pages in {seconds:.1f} s = {pages / seconds:.1f} pages/s; "
                      f"report pages captured {len(wanted & got)}/{len(wanted)}")
            print(f"scaling 2 workers / 1 worker: {results[2] / results[1]:.2f}x")
    finally:
        server.shutdown()
        redis.terminate()


if __name__ == "__main__":
    main()
