"""Classifying one table cell: a value, a blank (null, never 0) or a label (spec §9.3)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from .normalize import compact, dashes

BLANKS = {"", "-", "--", "/", "\\", "无", "空", "——", "－", "—", "–", "×"}
_LONGEST_BLANK = max(map(len, BLANKS))  # a dash is one character: longer text is no blank either way
_VALUE = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>万元|元|件|条|个|项|次|人次|%)?$"
)


@lru_cache(maxsize=1 << 16)
def classify(raw: str) -> tuple[str, int | Decimal | None, str | None]:
    """Returns (kind, value, unit) with kind ``value``, ``blank`` or ``label``.

    Integers come back as ``int``; numbers with a fraction as ``Decimal`` (money is never a float).
    """
    text = compact(raw)  # NFKC has made full-width commas plain
    if len(text) <= _LONGEST_BLANK and (dashes(text) in BLANKS or text in BLANKS):
        return "blank", None, None
    m = _VALUE.match(text)
    if not m:
        return "label", None, None
    digits = m["num"].replace(",", "")
    if m["frac"]:
        value: int | Decimal = Decimal(m["sign"] + digits + m["frac"])
    else:
        value = int(m["sign"] + digits)
    return "value", value, m["unit"]


def is_value(raw: str) -> bool:
    return classify(raw)[0] == "value"


def is_label(raw: str) -> bool:
    return classify(raw)[0] == "label"
