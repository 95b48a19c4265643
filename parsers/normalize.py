"""Text normalisation for matching (spec §9.1). The original text is always kept elsewhere."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# Full-width ASCII (，：（１）) and the ideographic space, which NFKC maps to plain ASCII. Mapping them
# first leaves NFKC only its quick check: its decompose-and-recompose path costs ~100 ns a character
# and almost every line of a Chinese report has full-width punctuation. The result is the same,
# since each of these characters decomposes to exactly that one ASCII character.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
# Replaced with ``sub``, not ``str.translate``: translate looks every character of a report up in a
# dict (as slow as NFKC itself), a character-class scan only stops at the few that match.
_DOUBLE_QUOTES = re.compile("[“”„‟「」『』″]")
_SINGLE_QUOTES = re.compile("[‘’]")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
# A run of spaces between CJK/digit and digit, or between digit and CJK. The pattern starts with the
# space (the lookbehinds follow it) so the scan jumps from space to space instead of trying a
# lookbehind at every character.
_SPACE_NEAR_DIGIT = re.compile(r"[ \t\u3000](?:(?<=[\u4e00-\u9fff\d][ \t\u3000])[ \t\u3000]*(?=\d)"
                               r"|(?<=\d[ \t\u3000])[ \t\u3000]*(?=[\u4e00-\u9fff]))")
_DASHES = re.compile("[—–－―‐]")

# Numbering in front of a label: 一、 （一） (1) 1. 1、 1． 第一部分 — kept apart because （七） is
# what tells the row 总计 from the header 总计.
_NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．)）](?!\d))\s*"
)


def clean(text: str) -> str:
    """NFKC, no Tika bookmarks, unified quotes and dashes, no markdown autolink brackets."""
    if not text.isascii():  # NFKC leaves ASCII as it is, and every quote it unifies is non-ASCII
        text = unicodedata.normalize("NFKC", _FULL_WIDTH.sub(lambda m: _HALF_WIDTH[m.group()], text))
        text = _SINGLE_QUOTES.sub("'", _DOUBLE_QUOTES.sub('"', text))
    text = _BOOKMARK.sub("", text)
    # A function, not the template r"\1": a template makes every call, match or not, go through
    # the re module's Python code (~1 µs), and almost no text holds a link.
    return _AUTOLINK.sub(lambda m: m[1], text)


def for_matching(text: str) -> str:
    """``clean`` plus CJK–digit spacing removed, so ``2023 年 1 月`` reads ``2023年1月``."""
    return _SPACE_NEAR_DIGIT.sub("", clean(text).replace("\xa0", " "))


@lru_cache(maxsize=1 << 16)
def compact(text: str) -> str:
    """``clean`` with every whitespace removed: the form labels are compared in."""
    return "".join(clean(text).split())  # str.split() splits on exactly what \s matches, faster


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
    return _DASHES.sub("-", text)
