"""VSB 博达: the column ``/xxgk/zfxxgknb.htm`` then sub-pages numbered *down* to 1
(``zfxxgknb/3.htm`` … ``zfxxgknb/1.htm``) behind 下页/尾页 links; details ``/info/1082/16404.htm``;
attachments from ``/system/_content/download.jsp?…`` with Content-Disposition."""

from __future__ import annotations

from ..catalogue import Doc, Portal
from ..pages import (Page, document_routes, attachments_of, digest, esc, home_and_nav, html_type,
                     simple_page)

TREE = 1082


def column_url(portal: Portal) -> str:
    return "/xxgk/zfxxgknb.htm"


def page_path(number: int, pages: int) -> str:
    """Page 0 is the column itself; page k (k ≥ 1) is ``zfxxgknb/<pages - k>.htm``."""
    return "/xxgk/zfxxgknb.htm" if number == 0 else f"/xxgk/zfxxgknb/{pages - number}.htm"


def detail_path(doc: Doc) -> str:
    return f"/info/{TREE}/{doc.number}.htm"


def attachment_path(doc: Doc, ext: str) -> str:
    return (f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner={1_700_000 + TREE}"
            f"&wbfileid={int(digest(doc.key, ext)[:7], 16)}")


def list_page(portal: Portal, links, number: int, pages: int) -> bytes:
    here = page_path(number, pages)
    prefix = "../" if "/zfxxgknb/" in here else ""

    def rel(path: str) -> str:
        return path if path.startswith("http") else ("../.." if prefix else "..") + path

    items = "\n".join(f'<li id="line_u7_{i}"><a href="{esc(rel(href))}" target="_blank" title="{esc(t)}">{esc(t)}</a>'
                      f"<span>{day}</span></li>" for i, (t, href, day) in enumerate(links))
    nav = ['<span class="p_pages">']
    if number + 1 < pages:
        nxt = page_path(number + 1, pages).rsplit("/", 1)[1]
        last = page_path(pages - 1, pages).rsplit("/", 1)[1]
        folder = "" if prefix else "zfxxgknb/"  # sub-pages link their siblings in the same folder
        nav.append(f'<span class="p_next p_fun"><a href="{folder}{nxt}">下页</a></span>'
                   f'<span class="p_last p_fun"><a href="{folder}{last}">尾页</a></span>')
    nav.append(f'<span class="p_t">共{pages}页</span></span>')
    return simple_page(portal, "政府信息公开年报", f'<ul class="list">{items}</ul><div class="pb_sys_common">{"".join(nav)}</div>')


def document_urls(doc: Doc) -> list[str]:
    return [detail_path(doc)] + [attachment_path(doc, ext) for ext in attachments_of(doc)]


def routes(portal: Portal, ctx) -> dict[str, Page]:
    out = home_and_nav(portal, column_url(portal))
    chunks = ctx.list_chunks(portal, detail_path, detail_path)
    for number, links in enumerate(chunks):
        out[page_path(number, len(chunks))] = Page(lambda _, c=links, n=number: list_page(portal, c, n, len(chunks)),
                                                   html_type(portal))
    out.update(document_routes(portal, detail_path, attachment_path, container="v_news_content"))
    return out
