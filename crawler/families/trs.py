"""TRS WCM: the page count is only in ``createPageHTML(N, current, "index", "html")``; the other
pages are ``index_1.html`` … ``index_{N-1}.html``; articles ``./202401/t20240129_4157639.html``."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from . import generic

_PAGER = re.compile(r'createPageHTML\(\s*(\w+)\s*,\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"')
_VAR = r"var\s+{}\s*=\s*(\d+)"
_ARTICLE = re.compile(r"/t\d{8}_\d+\.s?html?$")


def start(spider, source):
    yield spider.request(source.start_url, source, role="list", step=("trs", "list"))


def parse_list(spider, response):
    yield from generic.parse_list(spider, response, extra_detail=lambda url: bool(_ARTICLE.search(url)))
    text = response.text
    pager = _PAGER.search(text)
    if pager is None:
        return
    # createPageHTML(3, 0, "index", "html"), or the same with variables set just before it.
    pages, current = (_number(text, pager[1]), _number(text, pager[2]))
    if pages and current == 0:  # the first page schedules the others
        stem, ext = pager[3], pager[4]
        for number in range(1, min(pages, generic.MAX_LIST_PAGES)):
            yield spider.request(urljoin(response.url, f"{stem}_{number}.{ext}"), spider.source_of(response),
                                 role="list", step=("trs", "list"), referer=response.url)


def _number(text: str, token: str) -> int | None:
    if token.isdigit():
        return int(token)
    found = re.search(_VAR.format(re.escape(token)), text)
    return int(found[1]) if found else None
