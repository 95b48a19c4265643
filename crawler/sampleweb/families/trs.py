"""TRS WCM: ``…/zfxxgknb/index.html``, ``index_1.html`` …, the page count only in
``createPageHTML(N, 0, "index", "html")``; articles ``./202401/t20240129_4157639.html``;
attachments ``./P020240129….pdf`` beside the article."""

from __future__ import annotations

from ..catalogue import Doc, Portal
from ..pages import Page, document_routes, attachments_of, esc, home_and_nav, html_type, simple_page

COLUMN = "/xxgk/zfxxgknb/"


def column_url(portal: Portal) -> str:
    return COLUMN + "index.html"


def detail_path(doc: Doc) -> str:
    day = doc.published.strftime("%Y%m%d")
    return f"{COLUMN}{day[:6]}/t{day}_{doc.number}.html"


def attachment_path(doc: Doc, ext: str) -> str:
    day = doc.published.strftime("%Y%m%d")
    return f"{COLUMN}{day[:6]}/P0{day}{doc.number:07d}{ext == 'docx' and '1' or '0'}.{ext}"


def list_page(portal: Portal, links: list[tuple[str, str, str]], page: int, pages: int) -> bytes:
    items = "\n".join(f'<li><a href="{esc(href)}" target="_blank" title="{esc(title)}">{esc(title)}</a>'
                      f"<span>{day}</span></li>" for title, href, day in links)
    return simple_page(portal, "政府信息公开年报", f"""<div class="list-box"><ul class="list">
{items}
</ul>
<div class="page"><script type="text/javascript">createPageHTML({pages}, {page}, "index", "html");</script></div></div>""")


def document_urls(doc: Doc) -> list[str]:
    return [detail_path(doc)] + [attachment_path(doc, ext) for ext in attachments_of(doc)]


def routes(portal: Portal, ctx) -> dict[str, Page]:
    out = home_and_nav(portal, column_url(portal))
    chunks = ctx.list_chunks(portal, lambda d: "./" + detail_path(d)[len(COLUMN):], detail_path)
    for number, links in enumerate(chunks):
        path = COLUMN + ("index.html" if number == 0 else f"index_{number}.html")
        out[path] = Page(lambda _, c=links, n=number: list_page(portal, c, n, len(chunks)), html_type(portal))
    out[COLUMN] = out[COLUMN + "index.html"]
    relative = lambda doc, ext: "./" + attachment_path(doc, ext).rsplit("/", 1)[1]  # noqa: E731  beside the article
    out.update(document_routes(portal, detail_path, relative, attachment_path, container="TRS_Editor",
                               crumbs=[("政府信息公开", "/zwgk/"), ("政府信息公开年报", column_url(portal))]))
    return out
