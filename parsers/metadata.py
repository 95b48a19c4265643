"""Report metadata from the title and prose: agency, kind, year, dates, period, contacts (spec §10)."""

from __future__ import annotations

import datetime as dt
import re

from .normalize import compact, for_matching
from .rows import Row

_TITLE_END = re.compile(r"(年度报告|年报|年度工作报告)$")
_TITLE_AGENCY_FIRST = re.compile(r"^(?:关于)?(?P<agency>.+?)(?P<year>(?:19|20)\d{2})年度?(?:政府|政务)信息公开")
_TITLE_YEAR_FIRST = re.compile(r"^(?:关于)?(?P<year>(?:19|20)\d{2})年度?(?P<agency>.+?)(?:政府|政务)信息公开")
_NOT_TITLE = re.compile(r"^(正文|附件\d*|目录|索引号.*|发布(日期|时间).*|表[一二三四1-4]|sheet\d*)$", re.I)
_COMPANION = re.compile(r"解读|图解|一图读懂|一图看懂|图说|答记者问")
_NOTICE = re.compile(r"^关于.*(通知|函|意见)$|编制.*工作的通知|格式.*通知")
_DATE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
_DATE_LINE = re.compile(r"^\(?((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日\)?$")
_META_DATE = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|日期)[:：]?\s*((?:19|20)\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_DATE = re.compile(r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$")
_PERIOD = re.compile(
    r"统计(?:期限|周期|时限|区间)?(?:为|是|自|从)*[:：]?(?:自|从)?(?P<y1>\d{4})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日(?:起)?(?:至|到|-|—|~)"
    r"(?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
)
_TEMPLATE_REF = re.compile(r"国办公开办函[〔\[(（]?(20\d{2})[〕\])）]?(\d+)号")
# 电话 and 地址 also find 联系电话 and 办公地址 (only the value is kept). Patterns that start with a
# literal are found by a fast scan; an optional prefix would be tried at every character.
_PHONE = re.compile(r"电话[:：]?\s*((?:0\d{2,3}[-—–－\s]*)?\d{7,8})")
_FAX = re.compile(r"传真[:：]?\s*((?:0\d{2,3}[-—–－\s]*)?\d{7,8})")
_POSTCODE = re.compile(r"邮(?:政)?编(?:码)?[:：]?\s*(\d{6})")
_ADDRESS = re.compile(r"地址[:：]\s*([^；;。，,（(\n]+)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEBSITE = re.compile(r"https?://[^\s)）>，,。；;<]+|www\.[\w.-]+\.gov\.cn")

KINDS = (  # (suffix pattern, kind) — first match wins, so the specific comes first
    (re.compile(r"人民政府办公(室|厅)$|政府办公(室|厅)$|政府办$"), "政府办公室"),
    (re.compile(r"街道办事处$|街道$|街道办$"), "街道"),
    (re.compile(r"苏木(人民政府)?$"), "苏木"),
    (re.compile(r"镇(人民政府)?$"), "镇"),
    (re.compile(r"乡(人民政府)?$"), "乡"),
    (re.compile(r"管理委员会$|管委会$"), "管委会"),
    (re.compile(r"人民政府$|政府$"), "人民政府"),
)


def title_lines(rows: list[Row], limit: int = 8) -> list[str]:
    lines = []
    for row in rows[:40]:
        text = compact(" ".join(c for c in row.cells if c.strip())).lstrip("#")
        if text and not _NOT_TITLE.match(text):
            lines.append(text)
        if len(lines) >= limit:
            break
    return lines


def find_title(rows: list[Row]) -> str | None:
    """The first 1–3 consecutive short lines that read as a report title."""
    lines = title_lines(rows)
    for start in range(len(lines)):
        joined = ""
        for line in lines[start:start + 3]:
            if len(line) > 60:
                break
            joined += line
            if _TITLE_END.search(joined) or _COMPANION.search(joined) and "报告" in joined:
                return joined
    return None


def agency_and_year(title: str | None) -> tuple[str | None, int | None]:
    if not title:
        return None, None
    for pattern in (_TITLE_AGENCY_FIRST, _TITLE_YEAR_FIRST):
        m = pattern.search(title)
        if m and m["agency"].strip("《》“”\"、，, "):
            agency = m["agency"].strip("《》“”\"、，, ")
            agency = re.sub(r"^关于", "", agency)
            return agency, int(m["year"])
    return None, None


def is_companion_or_notice(title: str | None) -> bool:
    return bool(title and (_COMPANION.search(title) or _NOTICE.search(title)))


def agency_kind(agency: str | None) -> str | None:
    if not agency:
        return None
    for pattern, kind in KINDS:
        if pattern.search(agency):
            return kind
    return "部门"


def _cn_number(text: str) -> int:
    if len(text) == 4:  # a year written digit by digit: 二〇二四
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1]]
    if text.endswith("十"):
        return _CN_DIGITS[text[0]] * 10
    if "十" in text:
        return _CN_DIGITS[text[0]] * 10 + _CN_DIGITS[text[2]]
    return _CN_DIGITS[text]


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


_FILLED_IN = re.compile(r"(?:填报|落款|成文)日期[:：]?([^年]{4}年[^月]{1,2}月[^日]{1,3}日)")


def signoff_date(rows: list[Row]) -> str | None:
    """The date printed alone on one of the last lines, after the sign-off (or, in a workbook,
    the 填报日期 of its footer)."""
    for row in rows[-8:]:
        m = _FILLED_IN.search(compact(" ".join(row.cells)))
        if m and (date := printed_date(m[1])):
            return date
    tail = [compact(" ".join(r.cells)) for r in rows if not r.in_table and "".join(r.cells).strip()][-8:]
    for line in reversed(tail):
        if date := printed_date(line):
            return date
    return None


def printed_date(line: str) -> str | None:
    """``2024年1月18日``, ``(2026年1月23日)`` or ``二〇二四年一月十八日`` as an ISO date."""
    m = _DATE_LINE.match(line)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    m = _CN_DATE.match(line)
    if m:
        return _iso(_cn_number(m[1]), _cn_number(m[2]), _cn_number(m[3]))
    return None


def page_date(rows: list[Row]) -> str | None:
    for row in rows:
        if row.where == "meta" or len(row.cells) == 1 and len(row.cells[0]) < 80:
            m = _META_DATE.search(for_matching(" ".join(row.cells)))
            if m:
                return _iso(int(m[1]), int(m[2]), int(m[3]))
    return None


def stat_period(text: str) -> dict | None:
    m = _PERIOD.search(text)
    if not m:
        return None
    y1 = int(m["y1"])
    y2 = int(m["y2"]) if m["y2"] else y1
    return {"start": _iso(y1, int(m["m1"]), int(m["d1"])), "end": _iso(y2, int(m["m2"]), int(m["d2"]))}


def template_ref(text: str) -> str | None:
    m = _TEMPLATE_REF.search(text)
    return f"国办公开办函〔{m[1]}〕{m[2]}号" if m else None


def contacts(text: str) -> dict:
    def unique(items):
        return list(dict.fromkeys(items))

    phones = unique(re.sub(r"[—–－\s]+", "-", p).replace("--", "-") for p in _PHONE.findall(text))
    return {
        "phones": phones,
        "fax": next(iter(_FAX.findall(text)), None),
        "postcode": next(iter(_POSTCODE.findall(text)), None),
        "address": next((a.strip() for a in _ADDRESS.findall(text)), None),
        # Without an @ the pattern would still try every run of word characters (all of Chinese).
        "email": next(iter(_EMAIL.findall(text)), None) if "@" in text else None,
        "website": next(iter(_WEBSITE.findall(text)), None),
    }


def report_year(title_year: int | None, period: dict | None, published: str | None) -> int | None:
    this_year = dt.date.today().year
    for year in (title_year, int(period["end"][:4]) if period and period.get("end") else None,
                 int(published[:4]) - 1 if published else None):
        if year and 2008 <= year <= this_year:
            return year
    return None


def dates_in(text: str) -> list[str]:
    return [d for d in (_iso(int(y), int(m), int(d)) for y, m, d in _DATE.findall(text)) if d]
