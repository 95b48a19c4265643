"""Build throughput and size on the scale profile's reports, and search latency against LIKE.

    python bench/archive.py [--reports 2000] [--workers N] [--search-reports 100000]

1. Writes N report pages of the sample portals' scale profile as captures of one crawl run (the
   crawler's own CaptureStore and WARC writer, no HTTP), then times ``nianbao build``:
   parse + ingest, and ingest alone (the same build again with the parse tables kept; the median of
   ``--ingest-runs``), and reports database bytes per report.
2. Runs bench/search.py: search latency p50/p95 for 1-, 2- and 4+-character queries on
   ``--search-reports`` synthetic reports against brute-force LIKE on the same rows.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import parsecache  # noqa: E402
from archive.build import DERIVED_TABLES, build  # noqa: E402
from archive.release import release  # noqa: E402
from crawler.sampleweb.site import Site  # noqa: E402
from crawler.store import CaptureStore  # noqa: E402


def write_captures(archive: Path, n_reports: int) -> int:
    portals = max(1, n_reports // 200)
    site = Site(profile="scale", portals=portals, reports=-(-n_reports // portals), port=80)
    store = CaptureStore(archive, "bench-run")
    written = 0
    for portal in site.portals:
        routes = site.routes[portal.spec.host]
        family = __import__("crawler.sampleweb.families", fromlist=["FAMILIES"]).FAMILIES[portal.spec.family]
        for doc in portal.docs[: n_reports - written]:
            path = family.document_urls(doc)[0]
            body = routes[path].body({})
            url = site.absolute(portal, path)
            store.write({"fingerprint": hashlib.sha1(url.encode()).hexdigest(), "source_id": portal.id,
                         "region_code": portal.spec.county_code, "url": url, "final_url": url, "method": "GET",
                         "role": "detail", "link_kind": "report", "anchor_text": doc.title, "status": 200,
                         "headers": [("Content-Type", "text/html; charset=utf-8")], "body": body,
                         "content_type": "text/html; charset=utf-8"})
            written += 1
    store.close("finished", {}, {})
    return written


def _keep_only_parse_tables(db_path: Path) -> None:
    """Empty everything the build derives from the parse tables, so the next build is ingest alone.
    VACUUM, so that it writes into a compact file as an incremental build does, not into the pages
    the deletes freed all over it."""
    conn = sqlite3.connect(db_path)
    for table in DERIVED_TABLES:
        if table not in parsecache.TABLES:
            conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM report_search_text")
    conn.execute("INSERT INTO report_search(report_search) VALUES ('delete-all')")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--search-reports", type=int, default=100_000)
    ap.add_argument("--ingest-runs", type=int, default=3, help="ingest-alone builds to take the median of")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        n = write_captures(archive, args.reports)
        started = time.monotonic()
        summary = build(archive, workers=args.workers)
        full = time.monotonic() - started
        conn = sqlite3.connect(archive / "archive.db")
        reports = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        size = (archive / "archive.db").stat().st_size
        released = release(archive, Path(tmp) / "release")["bytes"]
        ingest_runs = []
        for _ in range(args.ingest_runs):
            _keep_only_parse_tables(archive / "archive.db")
            started = time.monotonic()
            build(archive, workers=args.workers)
            ingest_runs.append(time.monotonic() - started)
        ingest = statistics.median(ingest_runs)
    print(f"build of {n} report pages ({reports} reports, {summary.parse_errors} unreadable), {args.workers} workers:")
    print(f"  parse + ingest: {full:.1f} s = {reports / full:.0f} reports/s")
    print(f"  ingest alone (parse tables kept), median of {len(ingest_runs)}: {ingest:.2f} s = {reports / ingest:.0f} reports/s "
          f"(runs: {', '.join(f'{reports / t:.0f}' for t in ingest_runs)} reports/s)")
    print(f"  archive.db: {size / 2**20:.1f} MB = {size / reports / 1024:.1f} KB per report; "
          f"the release: {released / 2**20:.1f} MB = {released / reports / 1024:.1f} KB per report")
    print()
    subprocess.run([sys.executable, str(ROOT / "bench" / "search.py"), "--reports", str(args.search_reports)], check=True)


if __name__ == "__main__":
    main()
