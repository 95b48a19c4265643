"""Guangdong gkmlpt: ``/gkmlpt/index#<catid>`` is a JavaScript app; the list comes only from the
JSON API ``/gkmlpt/api/all/<catid>?page=N&sid=<SID>``, whose SID is written into the page."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

from ..links import clean, link_kind

_SID = re.compile(r"""SID\s*[:=]\s*['"]?(\w+)""")
_CATID = re.compile(r"""catid\s*[:=]\s*['"]?(\d+)""", re.I)


def start(spider, source):
    catid = urlsplit(source.start_url).fragment
    url = source.start_url.split("#", 1)[0]
    yield spider.request(url, source, role="list", step=("gkmlpt", "list"), meta={"gkmlpt_catid": catid})


def parse_list(spider, response):
    text = response.text
    sid = _SID.search(text)
    catid = response.meta.get("gkmlpt_catid") or (_CATID.search(text) or [None, None])[1]
    if not sid or not catid:
        spider.note(response, "gkmlpt page without SID or catid")
        return
    yield _api_request(spider, response, catid, sid[1], 1)


def _api_request(spider, response, catid: str, sid: str, page: int):
    url = urljoin(response.url, f"/gkmlpt/api/all/{catid}?page={page}&sid={sid}")
    return spider.request(url, spider.source_of(response), role="api", step=("gkmlpt", "api"), referer=response.url,
                          meta={"gkmlpt": {"catid": catid, "sid": sid}, "gkmlpt_page": page})


def parse_api(spider, response):
    try:
        data = json.loads(response.text)
    except ValueError:
        spider.note(response, "gkmlpt API answered something other than JSON")
        return
    articles = data.get("articles") or []
    for article in articles:
        url, title = article.get("url"), clean(article.get("title"))
        if url:
            day = str(article.get("display_publish_time") or article.get("first_publish_time") or "")[:10] or None
            yield from spider.follow_detail(response, urljoin(response.url, url), title, day, link_kind(title) or "report")
    if response.meta.get("gkmlpt_page") == 1 and articles:
        pages = -(-int(data.get("total") or 0) // max(len(articles), 1))
        info = response.meta["gkmlpt"]
        for page in range(2, pages + 1):
            yield _api_request(spider, response, info["catid"], info["sid"], page)
