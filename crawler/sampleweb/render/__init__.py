"""Render a :class:`~crawler.sampleweb.reports.Report` into the input kinds real portals publish.

``render(report, kind, **options) -> bytes`` with ``kind`` one of :data:`KINDS`:

- ``html``: a TRS-like portal page (header, nav, breadcrumb, layout table, ``div.TRS_Editor``,
  发布日期, footer) with the three tables laid out like the official template (rowspan/colspan);
  ``encoding="gbk"`` writes a GB2312-labelled page encoded as GBK.
- ``docx`` (python-docx, merged cells, repeating header rows), ``xlsx`` (openpyxl, one sheet per
  table, merged cells), ``pdf`` (the DOCX converted by LibreOffice; reportlab when ``soffice`` is
  missing), ``doc`` (LibreOffice).
- text layouts of report-format.md §9.2: ``text_tika``, ``text_tabs``, ``text_pipes``,
  ``text_markdown``, ``text_cell_pipe``, ``text_split_headers``; ``text`` returns a seed's own text.

Every table is first built as a ``grid.Grid`` (rows of cells with spans, like HTML); each kind only
decides how to print a grid. The companion pages that are *not* reports (文字解读, 图解, the notice
about the report format, a list page) are built by the ``*_page`` functions (``companions``).
"""

from __future__ import annotations

from ..reports import Report
from .base import FIXED_TIME, FONT_PATH, KINDS
from .companions import infographic_page, interpretation_page, list_page, notice_page
from .html import article_html, portal_page, render_html
from .office import render_doc, render_docx, render_pdf, soffice_available
from .sheet import render_xlsx
from .text import (render_text, render_text_cell_pipe, render_text_markdown, render_text_pipes,
                   render_text_split_headers, render_text_tabs, render_text_tika)

_RENDERERS = {
    "html": render_html, "docx": render_docx, "xlsx": render_xlsx, "pdf": render_pdf, "doc": render_doc,
    "text": render_text, "text_tika": render_text_tika, "text_tabs": render_text_tabs,
    "text_pipes": render_text_pipes, "text_markdown": render_text_markdown,
    "text_cell_pipe": render_text_cell_pipe, "text_split_headers": render_text_split_headers,
}


def render(report: Report, kind: str, **options) -> bytes:
    """The document bytes of ``report`` as ``kind`` (see the module docstring for options)."""
    try:
        fn = _RENDERERS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; one of {KINDS}") from None
    return fn(report, **options)


__all__ = ["FIXED_TIME", "FONT_PATH", "KINDS", "article_html", "infographic_page", "interpretation_page", "list_page",
           "notice_page", "portal_page", "render", "soffice_available"]
