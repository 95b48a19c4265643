"""Any portal: report links recognised by their text (year + 年度报告/年报), pagination by the
下一页 / 下页 link. Also the base of the families whose lists are plain HTML."""

from __future__ import annotations

from ..links import anchors, is_next_link, link_kind

MAX_LIST_PAGES = 200


def start(spider, source):
    yield spider.request(source.start_url, source, role="list", step=("generic", "list"))


def parse_list(spider, response, extra_detail=None):
    """Report links and the next list page. ``extra_detail(url)`` accepts detail URLs whose text
    says nothing (a family's known URL shape)."""
    source = spider.source_of(response)
    next_pages = []
    for url, text, day in anchors(response):
        kind = link_kind(text)
        if kind is None and extra_detail is not None and extra_detail(url):
            kind = "report"
        if kind:
            yield from spider.follow_detail(response, url, text, day, kind)
        elif is_next_link(text):
            next_pages.append(url)
    depth = response.meta.get("list_depth", 0)
    for url in next_pages[:1]:
        if depth + 1 < MAX_LIST_PAGES:
            yield spider.request(url, source, role="list", step=(response.meta["family"], "list"),
                                 referer=response.url, meta={"list_depth": depth + 1})
