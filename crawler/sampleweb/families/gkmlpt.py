"""Guangdong 政府信息公开目录 (gkmlpt): ``/gkmlpt/index#<catid>`` is a JavaScript app; the list
comes only from the JSON API ``/gkmlpt/api/all/<catid>?page=N&sid=<SID>`` (SID embedded in the
page); details ``/gkmlpt/content/<x>/<y>/post_<id>.html``."""

from __future__ import annotations

import json

from ..catalogue import Doc, Portal
from ..pages import Page, document_routes, attachments_of, home_and_nav, html_type, simple_page

CATID = 3208
SID = "755051"


def column_url(portal: Portal) -> str:
    return f"/gkmlpt/index#{CATID}"


def detail_path(doc: Doc) -> str:
    post = 11_000_000 + doc.number
    return f"/gkmlpt/content/{post // 1_000_000}/{post // 1000}/post_{post}.html"


def attachment_path(doc: Doc, ext: str) -> str:
    return f"/attachment/0/{11_000_000 + doc.number}/{doc.number}.{ext}"


def index_page(portal: Portal) -> bytes:
    return simple_page(portal, "政府信息公开目录", f"""<div id="app"></div>
<div class="gkml-tree"><a href="#{CATID}" data-catid="{CATID}">政府信息公开年报</a></div>
<script>window._CONFIG = {{ SID: '{SID}', apiBase: '/gkmlpt/api', catid: {CATID} }};</script>
<script src="/gkmlpt/static/js/app.js"></script>""")


def api_page(portal: Portal, links: list[tuple[str, str, str]], params: dict, ctx) -> bytes:
    if params.get("sid") != SID:
        return json.dumps({"error": "invalid sid", "articles": []}).encode()
    page = max(1, int(params.get("page") or 1))
    size = portal.page_size
    chunk = links[(page - 1) * size: page * size]
    articles = [{"id": int(href.rsplit("_", 1)[1].split(".")[0]) if "post_" in href else 0, "title": title,
                 "url": href if href.startswith("http") else ctx.absolute(portal, href), "publisher": portal.spec.site_name,
                 "display_publish_time": day, "first_publish_time": day} for title, href, day in chunk]
    return json.dumps({"articles": articles, "total": len(links), "page": page, "size": size,
                       "classify_name": "政府信息公开年报"}, ensure_ascii=False).encode()


def document_urls(doc: Doc) -> list[str]:
    return [detail_path(doc)] + [attachment_path(doc, ext) for ext in attachments_of(doc)]


def routes(portal: Portal, ctx) -> dict[str, Page]:
    out = home_and_nav(portal, column_url(portal))
    out["/gkmlpt/index"] = Page(lambda _: index_page(portal), html_type(portal))
    links = [link for chunk in ctx.list_chunks(portal, detail_path, detail_path) for link in chunk]
    out[f"/gkmlpt/api/all/{CATID}"] = Page(lambda params: api_page(portal, links, params, ctx),
                                            "application/json; charset=utf-8")
    out.update(document_routes(portal, detail_path, attachment_path, container="article-content"))
    return out
