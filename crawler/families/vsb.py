"""VSB 博达: plain list pages numbered down (``list.htm``, ``list/3.htm`` … ``list/1.htm``) behind a
下页 link; details ``/info/<tree>/<id>.htm`` even when the link text is cut short."""

from __future__ import annotations

import re

from . import generic

_DETAIL = re.compile(r"/info/\d+/\d+\.htm$")


def start(spider, source):
    yield spider.request(source.start_url, source, role="list", step=("vsb", "list"))


def parse_list(spider, response):
    yield from generic.parse_list(spider, response, extra_detail=lambda url: bool(_DETAIL.search(url)))
