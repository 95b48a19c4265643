"""The configured Datasette for an archive: what ``nianbao serve`` runs and the tests drive.

One function so that the command line, the demo and the tests serve exactly the same site: the
file is served as the database named ``archive`` (whatever its file name), immutable (read-only,
no locking, counts cached), with the metadata of ``metadata.py``, the plugin of this package,
an SQL time limit and no database download (the cleaned release is offered instead).
"""

from __future__ import annotations

import sys
from pathlib import Path

from datasette.app import Database, Datasette
from datasette.plugins import pm

from . import downloads
from .metadata import DATABASE, build_metadata

SETTINGS = {
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "suggest_facets": False,  # one query per column on every table page: too slow on a big archive
    "allow_download": False,  # the raw file holds the parse tables: /-/release/archive.db is the download
    "default_cache_ttl": 300,
    "num_sql_threads": 4,
}


def _ensure_plugin() -> None:
    """The entry point registers the plugin when nianbao is installed; register it otherwise
    (a source checkout run with PYTHONPATH) so the site never silently loses its pages."""
    import archive.site as plugin

    if not pm.is_registered(plugin) and not any(p.__name__ == plugin.__name__ for p in pm.get_plugins()):
        pm.register(plugin, name="archive.site")


def resolve_db(path: str | Path) -> Path:
    """An archive folder or the database file itself."""
    path = Path(path)
    return path / "archive.db" if path.is_dir() else path


def wal_pending(db_path: Path) -> bool:
    """Is a writer's WAL not yet checkpointed? Immutable mode would not see its pages."""
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def make_datasette(db_path: str | Path, release_dir: str | Path | None = None, settings: dict | None = None) -> Datasette:
    db_path = resolve_db(db_path).resolve()
    if not db_path.is_file():
        raise FileNotFoundError(f"no archive database at {db_path}")
    _ensure_plugin()
    release_dir = Path(release_dir).resolve() if release_dir else None
    metadata = build_metadata(db_path, downloads.available_release_files(release_dir))
    ds = Datasette([], metadata=metadata, settings={**SETTINGS, **(settings or {})})
    ds.remove_database("_memory")  # Datasette adds it when given no files
    # Immutable unless a build is still writing (its WAL would be invisible): then read-only.
    immutable = not wal_pending(db_path)
    if not immutable:
        print(f"warning: {db_path} has an un-checkpointed WAL (a build running?): serving it read-only, "
              "not immutable", file=sys.stderr)
    ds.add_database(Database(ds, path=str(db_path), is_mutable=not immutable), name=DATABASE)
    ds.nianbao_release_dir = release_dir
    return ds


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, release_dir: str | Path | None = None,
          echo=print) -> None:
    """Run the site with uvicorn until interrupted."""
    import uvicorn

    ds = make_datasette(db_path, release_dir)
    echo(f"serving {resolve_db(db_path)} as /{DATABASE} at http://{host}:{port}/   (Ctrl-C stops)")
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
