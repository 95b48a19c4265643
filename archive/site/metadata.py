"""The site's Datasette metadata: ``metadata.yml`` plus what only the archive knows.

Why generated: column descriptions live in the archive's ``data_dictionary`` table (written by the
build from ``archive/dictionary.py``), so a site serving an older or newer archive describes that
archive's columns, and the descriptions are never copied by hand. The robots rules list every
table's row pages, and the index page lists the release files that exist.
"""

from __future__ import annotations

import copy
import sqlite3
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path

import yaml

DATABASE = "archive"


@cache
def _static() -> dict:
    return yaml.safe_load(resources.files("archive.site").joinpath("metadata.yml").read_text("utf-8"))


def _dictionary(db_path: Path) -> tuple[dict[str, str], dict[str, dict[str, str]], list[str]]:
    """(table descriptions, {table: {column: description}} for real columns only, table names)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        columns = {name: {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')} for name in names}
        has_dictionary = "data_dictionary" in columns
        rows = conn.execute("SELECT table_name, column_name, description FROM data_dictionary").fetchall() \
            if has_dictionary else []
    finally:
        conn.close()
    tables: dict[str, str] = {}
    described: dict[str, dict[str, str]] = {}
    for table, column, description in rows:
        if not column:
            tables[table] = description
        elif column in columns.get(table, ()):  # not the cell keys, which are filed under 'cells'
            described.setdefault(table, {})[column] = description
    return tables, described, names


def _downloads_html(release_files: list[str]) -> str:
    items = "".join(f'<li><a href="/-/release/{escape(name)}">{escape(name)}</a></li>' for name in release_files)
    return ('<h2>下载 · Downloads</h2><p>整个档案是一个 SQLite 文件（可用 sqlite3、Python、pandas、DuckDB 打开，'
            f'搜索无需扩展），另有主要表的 CSV（UTF-8）。</p><ul class="nianbao-downloads">{items}</ul>')


def build_metadata(db_path: str | Path, release_files: list[str] = ()) -> dict:
    """Datasette metadata for ``db_path`` served as the database ``archive``."""
    metadata = copy.deepcopy(_static())
    tables_text, columns_text, names = _dictionary(Path(db_path))
    tables = metadata["databases"][DATABASE].setdefault("tables", {})
    for name in names:
        entry = tables.setdefault(name, {})
        if name in tables_text:
            entry.setdefault("description", tables_text[name])
        if name in columns_text:
            entry["columns"] = {**columns_text[name], **entry.get("columns", {})}
    robots = metadata["plugins"]["datasette-block-robots"]
    robots["disallow"] = [f"/{DATABASE}/{name}/" for name in names] + robots.get("disallow", [])
    if release_files:
        metadata["description_html"] += _downloads_html(list(release_files))
    return metadata
