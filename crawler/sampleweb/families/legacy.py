"""An old http-only ASP site: ``list.asp?s=12&page=2`` lists, ``ins.asp?s=12&i=345`` details,
attachments under ``/upfile/``. Its list links use the query string alone to tell pages apart."""

from __future__ import annotations

from ..catalogue import Doc, Portal
from ..pages import Page, document_routes, attachments_of, esc, home_and_nav, html_type, simple_page

SECTION = 12


def column_url(portal: Portal) -> str:
    return f"/list.asp?s={SECTION}"


def detail_path(doc: Doc) -> str:
    return f"/ins.asp?s={SECTION}&i={doc.number}"


def attachment_path(doc: Doc, ext: str) -> str:
    return f"/upfile/{doc.published:%Y%m}/{doc.number}.{ext}"


def list_page(portal: Portal, chunks, params: dict) -> bytes:
    number = max(1, min(int(params.get("page") or 1), len(chunks))) - 1
    items = "<br>\n".join(f'·<a href="{esc(href)}">{esc(t)}</a> ({day})' for t, href, day in chunks[number])
    nav = f'<a href="list.asp?s={SECTION}&page={number + 2}">下一页</a>' if number + 1 < len(chunks) else ""
    return simple_page(portal, "年报", f"<div>{items}</div><p>共{len(chunks)}页 {nav}</p>")


def document_urls(doc: Doc) -> list[str]:
    return [detail_path(doc)] + [attachment_path(doc, ext) for ext in attachments_of(doc)]


def routes(portal: Portal, ctx) -> dict[str, Page]:
    out = home_and_nav(portal, column_url(portal))
    chunks = ctx.list_chunks(portal, detail_path, detail_path)
    out["/list.asp"] = Page(lambda params: list_page(portal, chunks, params), html_type(portal))
    out.update(document_routes(portal, detail_path, attachment_path, container="content"))
    return out
