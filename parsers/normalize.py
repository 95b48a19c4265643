"""Text normalisation for matching (spec §9.1). The original text is always kept elsewhere."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟「」『』″"} | {"‘": "'", "’": "'"})
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_SPACE_NEAR_DIGIT = re.compile(r"(?<=[\u4e00-\u9fff\d])[ \t\u3000]+(?=\d)|(?<=\d)[ \t\u3000]+(?=[\u4e00-\u9fff])")
_DASHES = str.maketrans({c: "-" for c in "—–－―‐"})

# Numbering in front of a label: 一、 （一） (1) 1. 1、 1． 第一部分 — kept apart because （七） is
# what tells the row 总计 from the header 总计.
_NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．)）](?!\d))\s*"
)


def clean(text: str) -> str:
    """NFKC, no Tika bookmarks, unified quotes and dashes, no markdown autolink brackets."""
    text = unicodedata.normalize("NFKC", text)
    text = _BOOKMARK.sub("", text)
    text = text.translate(_QUOTES)
    return _AUTOLINK.sub(r"\1", text)


def for_matching(text: str) -> str:
    """``clean`` plus CJK–digit spacing removed, so ``2023 年 1 月`` reads ``2023年1月``."""
    return _SPACE_NEAR_DIGIT.sub("", clean(text).replace("\xa0", " "))


@lru_cache(maxsize=1 << 16)
def compact(text: str) -> str:
    """``clean`` with every whitespace removed: the form labels are compared in."""
    return re.sub(r"\s+", "", clean(text))


def split_numbering(label: str) -> tuple[str, str]:
    """``（七）总计`` → (``(七)``, ``总计``). The label must already be compacted."""
    numbering = ""
    while True:
        m = _NUMBERING.match(label)
        if not m or m.end() == len(label):
            return numbering, label
        numbering += m.group(0)
        label = label[m.end():]


def dashes(text: str) -> str:
    return text.translate(_DASHES)
