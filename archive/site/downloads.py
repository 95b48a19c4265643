"""File responses: archived captures out of the WARC files, and the release files.

An archived capture is a portal's HTML (or a PDF that could carry script): served from our origin
it could run as our pages. So it always goes out as an attachment of type
application/octet-stream with ``nosniff`` and a ``sandbox`` content security policy — a browser
saves it and never renders it here. Release files are served only by a fixed allow-list of names
from the folder ``nianbao serve --release-dir`` was given: no path from the request reaches the
file system.
"""

from __future__ import annotations

import mimetypes
import sqlite3
from pathlib import Path

from archive.release import CSV_TABLES
from archive.warcstore import read_response

ATTACHMENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "public, max-age=86400",
    "Referrer-Policy": "no-referrer",
}
RELEASE_FILES = ("archive.db", "archive.db.sha256", "manifest.json", *(f"csv/{t}.csv" for t in CSV_TABLES))
RELEASE_TYPES = {".db": "application/vnd.sqlite3", ".sha256": "text/plain; charset=utf-8",
                 ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8"}
EXTENSIONS = {"text/html": ".html", "application/pdf": ".pdf", "text/plain": ".txt",
              "application/msword": ".doc", "application/vnd.ms-excel": ".xls", "application/zip": ".zip",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx"}
MAX_REVISIT_HOPS = 10


class NotAvailable(Exception):
    """The capture or file does not exist or has no stored bytes (a 404)."""


def capture_row(conn: sqlite3.Connection, capture_id: int) -> tuple[dict, dict]:
    """(the capture asked for, the capture holding its bytes): a revisit points at an earlier one."""
    cursor = conn.cursor()
    asked = stored = None
    wanted = capture_id
    for _ in range(MAX_REVISIT_HOPS):
        cursor.execute("SELECT id, url, content_type, warc_file, warc_offset, warc_type, revisit_of "
                       "FROM captures WHERE id = ?", (wanted,))
        row = cursor.fetchone()
        if row is None:
            break
        stored = dict(zip([d[0] for d in cursor.description], row))
        asked = asked or stored
        if stored["warc_type"] != "revisit" or stored["revisit_of"] is None:
            break
        wanted = stored["revisit_of"]
    if asked is None or stored is None or not stored["warc_file"] or stored["warc_offset"] is None \
            or stored["warc_type"] == "revisit":
        raise NotAvailable(f"capture {capture_id} has no archived bytes")
    return asked, stored


def capture_filename(capture_id: int, content_type: str | None) -> str:
    """ASCII only (no header injection, no odd names): capture-45.pdf."""
    mime = (content_type or "").split(";")[0].strip().lower()
    return f"capture-{capture_id}{EXTENSIONS.get(mime) or mimetypes.guess_extension(mime or 'x/x') or '.bin'}"


def capture_bytes(archive_dir: Path, stored: dict) -> bytes:
    try:
        return read_response(archive_dir, stored["warc_file"], int(stored["warc_offset"])).body
    except (OSError, ValueError) as error:
        raise NotAvailable(f"capture {stored['id']}: {error}") from None


def capture_headers(capture_id: int, content_type: str | None) -> dict:
    return {**ATTACHMENT_HEADERS,
            "Content-Disposition": f'attachment; filename="{capture_filename(capture_id, content_type)}"'}


def release_file(release_dir: Path | None, name: str) -> Path:
    """The file for an allow-listed name, or NotAvailable."""
    if release_dir is None or name not in RELEASE_FILES:
        raise NotAvailable(name)
    path = Path(release_dir) / name
    if not path.is_file():
        raise NotAvailable(name)
    return path


def release_type(name: str) -> str:
    return RELEASE_TYPES.get(Path(name).suffix, "application/octet-stream")


def available_release_files(release_dir: Path | None) -> list[str]:
    if release_dir is None:
        return []
    return [name for name in RELEASE_FILES if (Path(release_dir) / name).is_file()]
