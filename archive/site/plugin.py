"""Datasette hooks for the nianbao site: search functions, the report page, downloads, links.

Registered through the ``datasette`` entry point (``archive.site``, which re-exports these hooks),
so ``nianbao serve``, a plain ``datasette archive.db`` in this environment and the tests all get
the same site. Every hook only acts on the database named ``archive``.

Untrusted text (titles, agencies, raw cells, URLs from portals) reaches HTML only through Jinja's
autoescape or ``Markup.format`` (which escapes its arguments); only http(s) URLs become links.
"""

from __future__ import annotations

import asyncio
import re
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, NotFound, Response
from markupsafe import Markup, escape

from archive.search import register_functions

from . import downloads, feed
from .report import load_report, report_path

DATABASE = "archive"
REPORT_ID_COLUMNS = {"report_id"}
STYLESHEET = "/-/nianbao/site.css"
_MARKED = re.compile("【(.*?)】", re.S)


def _archive(datasette):
    db = datasette.databases.get(DATABASE)
    if db is None or not db.path:
        raise NotFound("no archive database")
    return db


@hookimpl
def prepare_connection(conn, database):
    """search_match / search_page / search_snippet for the `search` canned query (archive.search)."""
    if database == DATABASE:
        register_functions(conn)


@hookimpl(trylast=True)  # called after datasette-atom's hook, so that this "atom" renderer is the one kept
def register_output_renderer(datasette):
    return feed.RENDERER


@hookimpl
def extra_css_urls():
    return [STYLESHEET]


async def stylesheet():
    """Our own route: Datasette's static-plugins URL depends on how the plugin was registered."""
    return Response(_css(), content_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"})


@cache
def _css() -> str:
    return (Path(__file__).parent / "static" / "site.css").read_text("utf-8")


@hookimpl
def render_cell(row, value, column, table, database):
    """Report ids (any table or query) and report titles link to the report page, agency names
    to their years; search snippets get their matches marked. Returns None (Datasette's own rendering) for everything else."""
    if database != DATABASE or not isinstance(value, str):
        return None
    if column in REPORT_ID_COLUMNS:
        return Markup('<a href="{}">{}</a>').format(report_path(value), value)
    if (table, column) == ("reports", "title") and (report_id := _row_id(row)) is not None:
        return Markup('<a href="{}">{}</a>').format(report_path(report_id), value)
    if (table, column) == ("agencies", "name") and (agency_id := _row_id(row)) is not None:
        return Markup('<a href="/archive/agency_years?agency={}">{}</a>').format(quote(agency_id), value)
    if table is None and column == "snippet":
        parts = _MARKED.split(value)  # the text between marks, then a marked term, alternately
        return Markup("").join(Markup("<mark>{}</mark>").format(p) if i % 2 else escape(p)
                               for i, p in enumerate(parts))
    return None


def _row_id(row):
    """The row's ``id`` column, or None when the table view left it out."""
    try:
        return row["id"]
    except (KeyError, IndexError):
        return None


async def report_page(datasette, request):
    db = _archive(datasette)
    report_id = unquote(request.url_vars["report_id"])
    version = request.args.get("version")
    version = int(version) if version and version.isdigit() else None
    data = await db.execute_fn(lambda conn: load_report(conn, report_id, version))
    if data is None:
        raise NotFound(f"no report {report_id}")
    html = await datasette.render_template("report.html", {**data, "database": DATABASE}, request=request)
    return Response.html(html)


async def capture_download(datasette, request):
    """The archived bytes of one capture, as an attachment (see archive.site.downloads)."""
    db = _archive(datasette)
    capture_id = int(request.url_vars["capture_id"])
    try:
        asked, stored = await db.execute_fn(lambda conn: downloads.capture_row(conn, capture_id))
        body = await asyncio.to_thread(downloads.capture_bytes, Path(db.path).parent, stored)
    except downloads.NotAvailable as error:
        raise NotFound(str(error))
    return Response(body, status=200, content_type="application/octet-stream",
                    headers=downloads.capture_headers(capture_id, asked["content_type"] or stored["content_type"]))


async def release_download(datasette, request):
    """archive.db, its sha256, manifest.json and the CSVs of ``nianbao release``, by allow-list."""
    name = unquote(request.url_vars["name"])
    try:
        path = downloads.release_file(getattr(datasette, "nianbao_release_dir", None), name)
    except downloads.NotAvailable:
        raise NotFound(f"no release file {name}")
    return AsgiFileDownload(path, filename=path.name, content_type=downloads.release_type(name),
                            headers={"X-Content-Type-Options": "nosniff"})


@hookimpl
def register_routes():
    return [
        (r"^/-/nianbao/site\.css$", stylesheet),
        (r"^/report/(?P<report_id>.+)$", report_page),
        (r"^/capture/(?P<capture_id>[0-9]{1,18})/download$", capture_download),
        (r"^/-/release/(?P<name>[A-Za-z0-9_.\-/]+)$", release_download),
    ]
