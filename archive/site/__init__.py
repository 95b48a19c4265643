"""The published site: Datasette plugin, metadata, report page and downloads for archive.db.

This package is the Datasette plugin (entry point ``datasette: nianbao = archive.site``): being a
package lets Datasette find ``templates/`` and ``static/`` beside it. The hooks live in
``plugin.py``; ``app.make_datasette`` builds the configured Datasette that ``nianbao serve`` and
the tests use.
"""

from .plugin import (  # noqa: F401  (the hooks)
    extra_css_urls, prepare_connection, register_output_renderer, register_routes, render_cell)
