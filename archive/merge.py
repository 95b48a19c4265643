"""Bringing captures from crawl workers' own archives into the main one, before a build.

Each worker of a distributed crawl writes its captures to its own archive folder (its own
archive.db and WARC files, named by worker). Merging copies the WARC files and inserts the rows;
the unique (run, request fingerprint) index means a capture two workers both made is kept once,
and merging the same folder twice changes nothing.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

from .schema import open_archive
from .warcstore import WARC_DIR

CAPTURE_COLUMNS = ("run_id", "source_id", "region_code", "fingerprint", "url", "final_url", "method", "referer",
                   "anchor_text", "list_date", "role", "link_kind", "fetched_at", "status", "error", "content_type",
                   "content_length", "sha256", "etag", "last_modified", "content_disposition", "warc_file",
                   "warc_offset", "warc_length", "warc_type")


def merge(main_dir: str | Path, worker_dirs: list[str | Path]) -> int:
    """Returns the number of captures added."""
    main_dir = Path(main_dir)
    db = open_archive(main_dir)
    added = 0
    for worker_dir in map(Path, worker_dirs):
        worker_db = worker_dir / "archive.db"
        if not worker_db.exists():
            raise FileNotFoundError(f"no worker archive at {worker_db}")
        (main_dir / WARC_DIR).mkdir(exist_ok=True)
        for warc in (worker_dir / WARC_DIR).glob("*.warc.gz"):
            target = main_dir / WARC_DIR / warc.name
            if not target.exists() or target.stat().st_size != warc.stat().st_size:
                shutil.copyfile(warc, target)
        source = sqlite3.connect(worker_db)
        with db.conn:
            for row in source.execute("SELECT id, kind, started_at, finished_at, finish_reason, registry, worker, stats "
                                      "FROM runs"):
                db.conn.execute("INSERT OR IGNORE INTO runs (id, kind, started_at, finished_at, finish_reason, registry, "
                                "worker, stats) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
                db.conn.execute("UPDATE runs SET started_at = MIN(started_at, ?), finished_at = MAX(COALESCE(finished_at, ''), ?) "
                                "WHERE id = ?", [row[2], row[3] or "", row[0]])
            for row in source.execute("SELECT * FROM sources"):
                db.conn.execute(f"INSERT OR IGNORE INTO sources VALUES ({', '.join('?' * len(row))})", row)
            before = db.conn.total_changes
            db.conn.executemany(
                f"INSERT OR IGNORE INTO captures ({', '.join(CAPTURE_COLUMNS)}) VALUES ({', '.join('?' * len(CAPTURE_COLUMNS))})",
                source.execute(f"SELECT {', '.join(CAPTURE_COLUMNS)} FROM captures"))
            added += db.conn.total_changes - before
            for row in source.execute("SELECT * FROM run_sources"):
                _merge_run_source(db.conn, dict(zip([d[0] for d in source.execute("SELECT * FROM run_sources LIMIT 0").description], row)))
        source.close()
    db.close()
    return added


def _merge_run_source(conn, row: dict) -> None:
    """Workers of one run each count part of a source's work: add the counts up."""
    have = conn.execute("SELECT * FROM run_sources WHERE run_id = ? AND source_id = ?",
                        [row["run_id"], row["source_id"]]).fetchone()
    if have is not None:
        have = dict(zip([d[0] for d in conn.execute("SELECT * FROM run_sources LIMIT 0").description], have))
        for key in ("requests", "captures", "new_documents", "report_links"):
            row[key] = (row[key] or 0) + (have[key] or 0)
        for key in ("responses", "errors"):
            row[key] = json.dumps(Counter(json.loads(row[key] or "{}")) + Counter(json.loads(have[key] or "{}")))
        row["classification"] = None if row["report_links"] else (row["classification"] or have["classification"])
        row["status"] = row["status"] or have["status"]
    conn.execute(f"INSERT OR REPLACE INTO run_sources ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                 list(row.values()))
