"""What a link is, from its text and address alone: a report, a companion page, an attachment, a
next-page link or the annual-report column. Shared by every family."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

_YEAR = re.compile(r"(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3}")
_REPORT = re.compile(r"年度报告|年报|年度工作报告")
_COMPANION = re.compile(r"解读|图解|一图读懂|一图看懂|图说|答记者问|视频")
_NOTICE = re.compile(r"^关于.*(通知|函)$")
_COLUMN = re.compile(r"^(政府)?信息公开(工作)?(年度)?(年报|年度报告)$|^年度报告$|^年报$|^政府信息公开年度报告$")
_NAV = re.compile(r"^(政府)?信息公开$|^政务公开$|^政府信息公开专栏$")
_NEXT = re.compile(r"^(下一?页|后页|next|>|»|›)$", re.I)
_ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar)(?:$|[?#])", re.I)
_DOWNLOAD = re.compile(r"downfile\.jsp|download\.jsp|DownloadAttachUrl|/attach/|filedownload|download\.(aspx?|do|php)",
                       re.I)
_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def clean(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def link_kind(text: str) -> str | None:
    """``report``, ``companion``, ``notice`` or None for a link's text (or title)."""
    text = clean(text)
    if not _REPORT.search(text):
        return None
    if _COMPANION.search(text):
        return "companion"
    if _NOTICE.search(text):
        return "notice"
    return "report"


def is_column_link(text: str) -> bool:
    return bool(_COLUMN.search(clean(text)))


def is_nav_link(text: str) -> bool:
    return bool(_NAV.search(clean(text)))


def is_next_link(text: str) -> bool:
    return bool(_NEXT.search(clean(text)))


def is_attachment(url: str) -> bool:
    path = urlsplit(url).path
    return bool(_ATTACHMENT.search(path) or _DOWNLOAD.search(url))


def date_in(text: str) -> str | None:
    m = _DATE.search(text or "")
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


def anchors(response) -> list[tuple[str, str, str | None]]:
    """(absolute URL, text, date shown beside it) for every link of an HTML response."""
    out = []
    for a in response.css("a[href]"):
        href = a.attrib.get("href", "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        text = clean(a.attrib.get("title") or "") or clean("".join(a.css("::text").getall()))
        container = a.xpath("ancestor::*[self::li or self::tr or self::dd or self::p][1]")
        around = "".join(container.css("::text").getall()) if container else ""
        out.append((urljoin(response.url, href), text, date_in(around.replace(text, ""))))
    return out
