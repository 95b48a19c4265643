"""Hanweb 大汉: the column page only configures a jpage script; the list comes from POST
``/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=`` (three pages per call) as
``<datastore>`` XML whose records are CDATA ``<li>`` links. ``xxgkAnnualReport.jsp`` pages and
other plain lists are read like any list."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin

from scrapy import Selector

from ..links import clean, date_in, link_kind
from . import generic

_PARAM = re.compile(r"\b(col|appid|webid|path|columnid|sourceContentType|unitid|webname|permissiontype)\s*:\s*'?([^,'}\s]*)'?")
_PER_PAGE = re.compile(r"perPage\s*:\s*(\d+)")
_PROXY = re.compile(r"proxyUrl\s*:\s*'([^']+)'")
_TOTAL = re.compile(r"<totalrecord>(\d+)</totalrecord>")
_RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)
GROUP = 3  # pages per dataproxy call, as the jpage script asks


def start(spider, source):
    yield spider.request(source.start_url, source, role="list", step=("hanweb", "list"))


def parse_list(spider, response):
    text = response.text
    params = dict(_PARAM.findall(text))
    if "columnid" not in params:  # an annual-report page or another plain list
        yield from generic.parse_list(spider, response)
        return
    per_page = int((_PER_PAGE.search(text) or [0, 15])[1])
    proxy = urljoin(response.url, (_PROXY.search(text) or [0, "/module/web/jpage/dataproxy.jsp"])[1])
    meta = {"hanweb": {"proxy": proxy, "params": params, "per_page": per_page}}
    yield _data_request(spider, response, meta, 1)


def _data_request(spider, response, meta, start: int):
    info = meta["hanweb"]
    end = start + info["per_page"] * GROUP - 1
    url = f"{info['proxy']}?" + urlencode({"startrecord": start, "endrecord": end, "perpage": info["per_page"]})
    return spider.request(url, spider.source_of(response), role="api", step=("hanweb", "data"), method="POST",
                          formdata=info["params"], referer=response.url, meta={**meta, "hanweb_start": start})


def parse_data(spider, response):
    text = response.text
    for record in _RECORD.findall(text):
        li = Selector(text=record)
        for a in li.css("a[href]"):
            title = clean(a.attrib.get("title") or "".join(a.css("::text").getall()))
            kind = link_kind(title) or "report"  # the column holds reports; the text may be cut short
            url = urljoin(response.url, a.attrib["href"])
            yield from spider.follow_detail(response, url, title, date_in(record), kind)
    if response.meta.get("hanweb_start") == 1:
        total = int((_TOTAL.search(text) or [0, 0])[1])
        step = response.meta["hanweb"]["per_page"] * GROUP
        for start in range(1 + step, total + 1, step):
            yield _data_request(spider, response, {"hanweb": response.meta["hanweb"]}, start)
