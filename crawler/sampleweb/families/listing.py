"""A generic portal (any CMS): a column of plain list pages ``index.html``, ``index_2.html`` … with
下一页 links; details ``/zwgk/ndbg/<yyyymm>/<n>.html``; attachments under ``/uploadfiles/``. The GBK
sample portal is one (GB2312 in its meta tag)."""

from __future__ import annotations

from ..catalogue import Doc, Portal
from ..pages import Page, document_routes, attachments_of, esc, home_and_nav, html_type, simple_page

COLUMN = "/zwgk/ndbg/"


def column_url(portal: Portal) -> str:
    return COLUMN + "index.html"


def page_path(number: int) -> str:
    return COLUMN + ("index.html" if number == 0 else f"index_{number + 1}.html")


def detail_path(doc: Doc) -> str:
    return f"{COLUMN}{doc.published:%Y%m}/{doc.number}.html"


def attachment_path(doc: Doc, ext: str) -> str:
    return f"/uploadfiles/{doc.published:%Y%m}/{doc.number}.{ext}"


def list_page(portal: Portal, links, number: int, pages: int) -> bytes:
    items = "\n".join(f'<tr><td><a href="{esc(href)}" title="{esc(t)}">{esc(t)}</a></td><td>{day}</td></tr>'
                      for t, href, day in links)
    nav = f'<a href="{page_path(number + 1).rsplit("/", 1)[1]}">下一页</a>' if number + 1 < pages else ""
    return simple_page(portal, "年度报告", f'<table class="list">{items}</table><div class="pages">第{number + 1}页 {nav}</div>')


def document_urls(doc: Doc) -> list[str]:
    return [detail_path(doc)] + [attachment_path(doc, ext) for ext in attachments_of(doc)]


def routes(portal: Portal, ctx) -> dict[str, Page]:
    out = home_and_nav(portal, column_url(portal))
    chunks = ctx.list_chunks(portal, detail_path, detail_path)
    for number, links in enumerate(chunks):
        out[page_path(number)] = Page(lambda _, c=links, n=number: list_page(portal, c, n, len(chunks)), html_type(portal))
    out.update(document_routes(portal, detail_path, attachment_path, container="content"))
    return out
