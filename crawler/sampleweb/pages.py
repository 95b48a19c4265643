"""Pieces every sample portal shares: the page model, the home and navigation pages, detail pages
(the report inline, or a stub linking its attachment) and the attachments themselves."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from functools import lru_cache
from typing import Callable

from .catalogue import Doc, Portal
from .render import article_html, infographic_page, interpretation_page, notice_page, portal_page, render

Params = dict[str, str]


@dataclass
class Page:
    """What the server answers for one path. ``body`` is called with the query/form parameters."""

    body: Callable[[Params], bytes]
    content_type: str = "text/html; charset=utf-8"
    modified: datetime = datetime(2024, 1, 1, tzinfo=timezone.utc)
    status: int = 200
    location: str | None = None
    methods: tuple[str, ...] = ("GET", "HEAD")
    faults: set[str] = field(default_factory=set)
    filename: str | None = None  # sent as Content-Disposition: attachment
    doc: Doc | None = None  # the document this page belongs to, for the manifest


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def html_type(portal: Portal) -> str:
    return f"text/html; charset={'gb2312' if portal.spec.encoding == 'gbk' else 'utf-8'}"


def encode(portal: Portal, text: str) -> bytes:
    if portal.spec.encoding == "gbk":
        return text.encode("gbk", errors="xmlcharrefreplace")
    return text.encode("utf-8")


def stamp(doc: Doc) -> datetime:
    """Last-Modified of a document: its publication day, later for a revised version."""
    day = doc.published.toordinal() + (40 * (doc.revision - 1))
    return datetime.combine(datetime.fromordinal(day).date(), time(9, 30), timezone.utc)


def simple_page(portal: Portal, title: str, body_html: str) -> bytes:
    """A plain portal page (home, navigation, list) with the site's header, nav and footer."""
    charset = "gb2312" if portal.spec.encoding == "gbk" else "utf-8"
    site = esc(portal.spec.site_name)
    return encode(portal, f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>{esc(title)}_{site}</title></head>
<body>
<div class="header"><div class="logo">{site}</div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwdt/">政务动态</a></li>
<li><a href="/zwgk/">政府信息公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="main">
{body_html}
</div>
<div class="footer"><p>主办单位：{site}办公室</p><p>ICP备案号：ICP备05000000号-1</p></div>
</body></html>
""")


def home_and_nav(portal: Portal, column_url: str, extra_links: list[tuple[str, str]] = ()) -> dict[str, Page]:
    """``/`` links 政府信息公开 → ``/zwgk/``, which links 政府信息公开年报 → the column."""
    home = simple_page(portal, portal.spec.site_name, """<div class="news"><h2>政务动态</h2><ul>
<li><a href="/zwdt/1.html">区政府召开常务会议</a></li><li><a href="/zwdt/2.html">全区安全生产工作会议召开</a></li></ul></div>
<div class="links"><a href="/zwgk/">政府信息公开</a> <a href="/bsfw/">政务服务</a></div>""")
    items = [("政府信息公开指南", "/zwgk/zn/index.html"), ("政府信息公开制度", "/zwgk/zd/index.html"),
             ("法定主动公开内容", "/zwgk/fdzdgknr/index.html"), ("政府信息公开年报", column_url), *extra_links]
    links = "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for t, u in items)
    nav = simple_page(portal, "政府信息公开", f'<div class="xxgk-menu"><h2>政府信息公开</h2><ul>{links}</ul></div>')
    return {"/": Page(lambda _: home, html_type(portal)), "/index.html": Page(lambda _: home, html_type(portal)),
            "/zwgk/": Page(lambda _: nav, html_type(portal)), "/zwgk/index.html": Page(lambda _: nav, html_type(portal))}


def attachment_name(doc: Doc, ext: str) -> str:
    return f"{doc.title}.{ext}"


@lru_cache(maxsize=4096)
def attachment_bytes(doc: Doc, ext: str) -> bytes:
    if ext == "pdf":
        return render(doc.report, "pdf", engine="reportlab", font="cid")
    return render(doc.report, ext)


def attachment_page(doc: Doc, ext: str) -> Page:
    types = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    return Page(lambda _: attachment_bytes(doc, ext), types[ext], stamp(doc), filename=attachment_name(doc, ext),
                doc=doc)


def attachments_of(doc: Doc) -> list[str]:
    return {"pdf": ["pdf"], "docx": ["docx"], "article+pdf": ["pdf"]}.get(doc.shape, [])


def document_routes(portal: Portal, detail_path, attachment_href, attachment_path=None, *, container: str,
                    crumbs: list[tuple[str, str]] | None = None) -> dict[str, Page]:
    """Every report's detail page and attachment files. ``attachment_href(doc, ext)`` is how the
    detail page links a file, ``attachment_path(doc, ext)`` where the file is served (the same
    unless a redirect or a relative link sits between them)."""
    out = {}
    for doc in portal.docs:
        hrefs = {ext: attachment_href(doc, ext) for ext in attachments_of(doc)}
        out[detail_path(doc)] = detail_page(portal, doc, hrefs, container=container, crumbs=crumbs)
        for ext in attachments_of(doc):
            out[(attachment_path or attachment_href)(doc, ext)] = attachment_page(doc, ext)
    return out


def detail_page(portal: Portal, doc: Doc, attachment_hrefs: dict[str, str], *, container: str = "TRS_Editor",
                crumbs: list[tuple[str, str]] | None = None) -> Page:
    """The page a list links to: the report inline, a stub with its attachment, or a companion."""

    def body(_: Params) -> bytes:
        return _detail_bytes(portal, doc, tuple(sorted(attachment_hrefs.items())), container, tuple(crumbs or ()))

    return Page(body, html_type(portal), stamp(doc), doc=doc)


@lru_cache(maxsize=4096)
def _detail_bytes(portal: Portal, doc: Doc, hrefs: tuple, container: str, crumbs: tuple) -> bytes:
    if doc.kind == "interpretation":
        return interpretation_page(doc.report, encoding=portal.spec.encoding)
    if doc.kind == "infographic":
        return infographic_page(doc.report, encoding=portal.spec.encoding)
    if doc.kind == "notice":
        county = portal.spec.site_name.removesuffix("人民政府")
        return notice_page(county, doc.year, published=doc.published.isoformat(), encoding=portal.spec.encoding)
    report = doc.report
    parts = []
    if doc.shape in ("article", "article+pdf"):
        parts.append(article_html(report, container=container))
    links = "".join(f'<p>附件：<a href="{esc(href)}">{esc(attachment_name(doc, ext))}</a></p>' for ext, href in hrefs)
    if links:
        parts.append(f'<div class="fujian">{links}</div>')
    if doc.shape in ("pdf", "docx"):
        parts.insert(0, f'<div class="{esc(container)}"><p>{esc(doc.title)}详见附件。</p></div>')
    return portal_page(report.title, "\n".join(parts), site=portal.spec.site_name, home="/",
                       published=doc.published.isoformat(), source=report.agency,
                       crumbs=list(crumbs) or None, encoding=portal.spec.encoding,
                       page_title=report.title.replace("\n", ""))


def digest(*parts) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()
