"""``nianbao release``: the files researchers download.

- ``archive.db``: a VACUUMed single-file copy in rollback-journal mode (no -wal/-shm companions),
  without the parse tables, its ``cells`` and ``checks`` turned from views into tables; it opens in
  plain sqlite3, Python, pandas or DuckDB, and its search needs no extension.
- ``archive.db.sha256`` and ``manifest.json``: counts, schema and parser versions, build time.
- ``csv/<table>.csv``: UTF-8 CSV exports of the main tables.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from parsers import PARSER_VERSION

from . import parsecache
from .schema import applied_migrations, open_archive

CSV_TABLES = ("reports", "report_versions", "report_sources", "cells", "checks", "agencies", "run_sources")
LEFT_OUT = (*parsecache.TABLES, "cross_checks")  # derivable, no use outside nianbao, or (cross_checks) in checks
# archive.db shows a version's cells and checks as views of its parse (schema m006); a release ships
# them as plain tables, which every reader of SQLite files sees as rows.
VIEWS_AS_TABLES = {
    "cells": ("CREATE TABLE cells (report_id TEXT, version INTEGER, table_name TEXT, row_key TEXT, col_key TEXT, "
              "key TEXT, value INTEGER, raw TEXT, flags TEXT, provenance TEXT, PRIMARY KEY (report_id, version, key)) "
              "WITHOUT ROWID",),
    "checks": ("CREATE TABLE checks (report_id TEXT, version INTEGER, rule TEXT, severity TEXT, status TEXT, scope TEXT, "
               "left_value TEXT, right_value TEXT, delta TEXT, cells TEXT, flags TEXT, detail TEXT)",
               "CREATE INDEX idx_checks_report_id_version ON checks (report_id, version)",
               "CREATE INDEX idx_checks_failed_rule ON checks (rule) WHERE status = 'fail'"),
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release(archive_dir: str | Path, out_dir: str | Path) -> dict:
    archive_dir, out_dir = Path(archive_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "archive.db"
    partial = out_dir / "archive.db.partial"
    partial.unlink(missing_ok=True)
    source = open_archive(archive_dir, create=False)
    source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    source.execute("VACUUM INTO ?", [str(partial)])
    migrations = applied_migrations(source)
    meta = dict(source.execute("SELECT key, value FROM _meta").fetchall())
    source.close()
    conn = sqlite3.connect(partial)
    for name, statements in VIEWS_AS_TABLES.items():
        (view,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [name]).fetchone()
        conn.execute(f"DROP VIEW {name}")
        for statement in statements:
            conn.execute(statement)
        conn.execute(f"INSERT INTO {name} {view.split(' AS ', 1)[1]}")
    for table in LEFT_OUT:
        conn.execute(f"DELETE FROM {table}")
    conn.commit()
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("VACUUM")
    counts = {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_data' "
        "AND name NOT LIKE '%_idx' AND name NOT LIKE '%_docsize' AND name NOT LIKE '%_config' AND name NOT LIKE '%_content'"
        " AND sql NOT LIKE 'CREATE VIRTUAL%'")}
    csv_dir = out_dir / "csv"
    csv_dir.mkdir(exist_ok=True)
    for table in CSV_TABLES:
        cursor = conn.execute(f"SELECT * FROM {table}")
        with open(csv_dir / f"{table}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow([d[0] for d in cursor.description])
            writer.writerows(cursor)
    conn.close()
    partial.replace(target)
    digest = sha256_of(target)
    (out_dir / "archive.db.sha256").write_text(f"{digest}  archive.db\n")
    manifest = {"file": "archive.db", "sha256": digest, "bytes": target.stat().st_size, "counts": counts,
                "schema_migrations": migrations, "parser_version": meta.get("parser_version", PARSER_VERSION),
                "built_at": meta.get("built_at"), "released_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "csv": [f"csv/{t}.csv" for t in CSV_TABLES]}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest
