"""The ``.atom`` feed of a query: datasette-atom's, except that a query with no rows (no changes
since the date asked) gives an empty feed — datasette-atom 0.9 takes the newest ``atom_updated``
of no rows and answers 500."""

from __future__ import annotations

from datetime import datetime, timezone

from datasette.utils.asgi import Response
from datasette_atom import REQUIRED_COLUMNS, can_render_atom, render_atom
from feedgen.feed import FeedGenerator


def render(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
    if rows or not REQUIRED_COLUMNS.issubset(columns):  # the latter: datasette-atom's own error
        return render_atom(datasette, request, sql, columns, rows, database, table, query_name, view_name, data)
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    queries = (datasette.metadata(database=database) or {}).get("queries") or {}
    feed.title((queries.get(query_name) or {}).get("title") or sql)
    feed.updated(datetime.now(timezone.utc))
    return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8", status=200)


RENDERER = {"extension": "atom", "render": render, "can_render": can_render_atom}
