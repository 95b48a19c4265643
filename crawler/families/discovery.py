"""From a portal's home page to its annual-report column: follow 政府信息公开 (navigation) until a
link reads 政府信息公开年报 / 年度报告 / 年报, then walk the column with the family its address or
page shows."""

from __future__ import annotations

import re

from ..links import anchors, is_column_link, is_nav_link
from . import generic, hanweb, trs, vsb

MAX_NAV_DEPTH = 2


def start(spider, source):
    yield spider.request(source.start_url, source, role="home", step=("home", "nav"), meta={"nav_depth": 0})


def family_of(url: str, html: str = "") -> str:
    if "/gkmlpt/" in url:
        return "gkmlpt"
    if re.search(r"/col/col\d+/", url) or "dataproxy.jsp" in html:
        return "hanweb"
    if "createPageHTML(" in html:
        return "trs"
    if re.search(r"/info/\d+/\d+\.htm", html):
        return "vsb"
    return "generic"


def parse_nav(spider, response):
    source = spider.source_of(response)
    links = anchors(response)
    column = next((url for url, text, _ in links if is_column_link(text)), None)
    if column:
        if family_of(column) == "gkmlpt":
            yield spider.request(column.split("#", 1)[0], source, role="list", step=("gkmlpt", "list"),
                                 referer=response.url, meta={"gkmlpt_catid": column.partition("#")[2]})
        else:
            yield spider.request(column, source, role="list", step=("home", "column"), referer=response.url)
        return
    depth = response.meta.get("nav_depth", 0)
    if depth < MAX_NAV_DEPTH:
        for url, text, _ in links:
            if is_nav_link(text):
                yield spider.request(url, source, role="nav", step=("home", "nav"), referer=response.url,
                                     meta={"nav_depth": depth + 1})
                return
    spider.note(response, "no link to the annual-report column")


def parse_column(spider, response):
    """The column found by discovery: read it as the family it turns out to be."""
    family = family_of(response.url, response.text)
    response.meta["family"] = family
    yield from {"trs": trs, "hanweb": hanweb, "vsb": vsb, "generic": generic}[family].parse_list(spider, response)
