"""Splitting the report into its six sections by heading keywords, ignoring the numbering."""

from __future__ import annotations

import re

from .normalize import compact, split_numbering
from .rows import Row

SECTION_KEYS = ("overview", "active", "applications", "review_litigation", "problems", "other_matters")
_HEADINGS = {
    "overview": re.compile(r"^(总体情况|概述|基本情况|基本工作情况)"),
    "active": re.compile(r"^主动公开(政府)?信息(的)?(工作)?情况"),
    "applications": re.compile(r"^(收到和处理政府信息公开申请情况|依申请公开(政府信息)?(工作)?情况|政府信息公开申请情况)"),
    "review_litigation": re.compile(r"行政复议.{0,3}(和|、|及)?.{0,4}行政诉讼.{0,2}情况$|^政府信息公开行政复议"),
    "problems": re.compile(r"存在的?(主要)?问题(及|和)?(改进|整改)"),
    "other_matters": re.compile(r"^其他需要报告的事项"),
}
_TOP_NUMBER = re.compile(r"^([一二三四五六七八九十]+[、.．]|\d+[、.．]|第[一二三四五六七八九十]+部分)")


def heading_key(text: str) -> str | None:
    """The section a heading line opens, or None. Only short, top-level numbered lines count."""
    line = compact(text)
    if len(line) > 40:
        return None
    numbering, rest = split_numbering(line)
    if not _TOP_NUMBER.match(numbering or "") and not line.startswith("第"):
        return None
    for key, pattern in _HEADINGS.items():
        if pattern.search(rest):
            return key
    return None


def split_sections(rows: list[Row]) -> dict[str, str]:
    """Section key → its prose, in document order. Tables are not part of the section text."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for row in rows:
        if not row.in_table and len(row.cells) == 1:
            key = heading_key(row.cells[0])
            if key and key not in sections:
                current = key
                sections[key] = []
                continue
            if current:
                sections[current].append(row.cells[0].strip())
    return {k: "\n".join(v).strip() for k, v in sections.items()}
