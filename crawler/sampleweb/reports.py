"""Deterministic synthetic annual reports (政府信息公开工作年度报告) and wrappers for the real seeds.

A :class:`Report` is the *content* of one report: the flat record of record-keys.md (what a perfect
parser returns), the title, the prose of the six sections, the sign-off and the contacts, and the
document order of paragraphs and tables. ``crawler.sampleweb.render`` turns it into HTML, DOCX, PDF,
XLSX, DOC and the text layouts of report-format.md §9.2.

``synthetic_report(seed, agency=..., county_code=..., year=..., fmt=...)`` always returns the same
report for the same arguments. Its numbers satisfy every consistency rule of report-format.md §5
unless ``break_rule`` names one rule, which then (and only then) fails and is listed in
``checks_failed``.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# Table schema (labels are the exact official ones, report-format.md §2.1–2.3 and §3)
# ---------------------------------------------------------------------------------------------

T3_COLS = ["natural", "commercial", "research", "public_interest", "legal_service", "other_org", "total"]
T3_APPLICANT_COLS = T3_COLS[:-1]
T3_COL_LABELS = {
    "natural": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANT_HEADER = "申请人情况"
T3_ORG_HEADER = "法人或其他组织"
T3_RESULT_BLOCK = "三、本年度办理结果"

#: (row key, group or None, exact label) of the table-三 rows that carry numbers, F2021 order.
T3_ROWS_F2021 = [
    ("apply.new", None, "一、本年新收政府信息公开申请数量"),
    ("apply.carried_in", None, "二、上年结转政府信息公开申请数量"),
    ("result.granted", None, "（一）予以公开"),
    ("result.partial", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("result.denied.state_secret", "denied", "1.属于国家秘密"),
    ("result.denied.law_prohibited", "denied", "2.其他法律行政法规禁止公开"),
    ("result.denied.security_stability", "denied", "3.危及“三安全一稳定”"),
    ("result.denied.third_party", "denied", "4.保护第三方合法权益"),
    ("result.denied.internal_affairs", "denied", "5.属于三类内部事务信息"),
    ("result.denied.process_info", "denied", "6.属于四类过程性信息"),
    ("result.denied.enforcement_file", "denied", "7.属于行政执法案卷"),
    ("result.denied.query_matter", "denied", "8.属于行政查询事项"),
    ("result.unavailable.not_held", "unavailable", "1.本机关不掌握相关政府信息"),
    ("result.unavailable.needs_creation", "unavailable", "2.没有现成信息需要另行制作"),
    ("result.unavailable.unclear", "unavailable", "3.补正后申请内容仍不明确"),
    ("result.not_processed.petition", "not_processed", "1.信访举报投诉类申请"),
    ("result.not_processed.duplicate", "not_processed", "2.重复申请"),
    ("result.not_processed.publication", "not_processed", "3.要求提供公开出版物"),
    ("result.not_processed.excessive", "not_processed", "4.无正当理由大量反复申请"),
    ("result.not_processed.confirm_reissue", "not_processed", "5.要求行政机关确认或重新出具已获取信息"),
    ("result.other.no_correction", "other",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("result.other.fee_unpaid", "other",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("result.other.other", "other", "3.其他"),
    ("result.total", None, "（七）总计"),
    ("apply.carried_out", None, "四、结转下年度继续办理"),
]
T3_GROUPS = ["denied", "unavailable", "not_processed", "other"]
T3_GROUP_LABELS = {
    "denied": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
T3_LABELS = {key: label for key, _, label in T3_ROWS_F2021}
T3_LABELS.update({f"result.{g}": label for g, label in T3_GROUP_LABELS.items()})
#: F2019: （六）其他处理 is one row, ``result.other``.
T3_ROWS_F2019 = [r for r in T3_ROWS_F2021 if r[1] != "other"]
T3_ROWS_F2019.insert(
    [k for k, _, _ in T3_ROWS_F2019].index("result.total"), ("result.other", None, "（六）其他处理"))

T4_GROUPS = [("review", "行政复议"), ("litigation.direct", "未经复议直接起诉"),
             ("litigation.after_review", "复议后起诉")]
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]
T4_COL_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果",
                 "pending": "尚未审结", "total": "总计"}
T4_KEYS = [f"{g}.{c}" for g, _ in T4_GROUPS for c in T4_COLS]

#: Table 二 F2021: (block title, [column labels], [(row key, row label, [col keys])]).
T2_BLOCKS_F2021 = [
    ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
     [("regulations", "规章", ["issued", "repealed", "in_force"]),
      ("normative_docs", "行政规范性文件", ["issued", "repealed", "in_force"])]),
    ("第二十条第（五）项", ["本年处理决定数量"], [("licensing", "行政许可", ["decisions"])]),
    ("第二十条第（六）项", ["本年处理决定数量"],
     [("penalty", "行政处罚", ["decisions"]), ("coercion", "行政强制", ["decisions"])]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("fees", "行政事业性收费", ["amount"])]),
]
T2_BLOCKS_F2019 = [
    ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
     [("regulations", "规章", ["made", "published", "total_public"]),
      ("normative_docs", "规范性文件", ["made", "published", "total_public"])]),
    ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
     [("licensing", "行政许可", ["prev_count", "delta", "decisions"]),
      ("other_services", "其他对外管理服务事项", ["prev_count", "delta", "decisions"])]),
    ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
     [("penalty", "行政处罚", ["prev_count", "delta", "decisions"]),
      ("coercion", "行政强制", ["prev_count", "delta", "decisions"])]),
    ("第二十条第（八）项", ["上一年项目数量", "本年增/减"],
     [("fees", "行政事业性收费", ["prev_count", "delta"])]),
    ("第二十条第（九）项", ["采购项目数量", "采购总金额"],
     [("procurement", "政府集中采购", ["projects", "amount"])]),
]
T2_PREFIX = {"F2021": "t2", "F2019": "t2_2019"}

SECTION_KEYS = ["overview", "active", "applications", "review_litigation", "problems", "other_matters"]
SECTION_HEADINGS = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}
SECTION_TABLE = {"active": "t2", "applications": "t3", "review_litigation": "t4"}

RULES = ["T3.balance", "T3.row_total", "T3.result_sum", "T4.review_sum", "T4.direct_sum",
         "T4.after_review_sum", "T3.prose", "T4.prose"]
PROSE_RULES = {"T3.prose", "T4.prose"}
BREAKABLE_RULES = ["T3.balance", "T3.row_total", "T3.result_sum", "T4.review_sum", "T4.prose",
                   "T3.prose"]

# ---------------------------------------------------------------------------------------------
# A few real counties (the region keys, phone area code, postcode, portal) and plausible agencies
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class County:
    code: str
    province: str
    city: str
    name: str
    area_code: str
    postcode: str
    website: str
    roads: tuple[str, ...]
    agencies: tuple[str, ...]

    @property
    def phone_digits(self) -> int:
        return 7 if self.area_code == "0472" else 8


COUNTIES: dict[str, County] = {c.code: c for c in [
    County("230112", "黑龙江省", "哈尔滨市", "阿城区", "0451", "150300", "http://www.acheng.gov.cn/",
           ("延川大街", "解放大街", "通城街"),
           ("阿城区交通运输局", "阿城区金都街道办事处", "阿城区卫生健康局", "阿城区民政局")),
    County("140404", "山西省", "长治市", "上党区", "0355", "047100", "http://www.shangdang.gov.cn/",
           ("府后西街", "长子路", "太行西街"),
           ("上党区教育局", "上党区民政局", "上党区韩店街道办事处", "上党区人民政府")),
    County("410105", "河南省", "郑州市", "金水区", "0371", "450008", "http://www.jinshui.gov.cn/",
           ("经三路", "花园路", "纬五路"),
           ("金水区交通运输局", "金水区教育局", "金水区花园路街道办事处", "金水区人力资源和社会保障局")),
    County("320813", "江苏省", "淮安市", "洪泽区", "0517", "223100", "http://www.hongze.gov.cn/",
           ("东风路", "洪泽湖大道", "大庆路"),
           ("洪泽区卫生健康委员会", "洪泽区高良涧街道办事处", "洪泽区市场监督管理局", "洪泽区人民政府")),
    County("150204", "内蒙古自治区", "包头市", "青山区", "0472", "014030", "http://www.qsq.gov.cn/",
           ("钢铁大街", "幸福路", "青年路"),
           ("青山区住房和城乡建设局", "青山区万青路街道办事处", "青山区教育局")),
    County("420107", "湖北省", "武汉市", "青山区", "027", "430080", "http://www.qingshan.gov.cn/",
           ("和平大道", "建设一路", "冶金大道"),
           ("青山区人力资源和社会保障局", "青山区红卫路街道办事处", "青山区城市管理执法局")),
    County("440305", "广东省", "深圳市", "南山区", "0755", "518052", "http://www.szns.gov.cn/",
           ("南头街", "桃园路", "南海大道"),
           ("南山区发展和改革局", "南山区粤海街道办事处", "南山区教育局")),
    County("330102", "浙江省", "杭州市", "上城区", "0571", "310002", "http://www.hzsc.gov.cn/",
           ("解放路", "江城路", "庆春路"),
           ("上城区教育局", "上城区湖滨街道办事处", "上城区卫生健康局", "上城区人民政府")),
]}

# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------

#: One block of the document, in order: ("title", text) · ("heading", text) · ("subheading", text)
#: · ("para", text) · ("table", "t2"|"t3"|"t4") · ("signoff", text) · ("date", text).
Block = tuple[str, str]


@dataclass
class Report:
    """The content of one annual report, independent of how it is rendered."""

    record: dict                      # flat keys of record-keys.md (what a perfect parser returns)
    fmt: str                          # "F2021" | "F2019"
    title: str                        # as printed; "\n" where the title wraps onto a second line
    sections: dict[str, list[str]]    # section key -> prose paragraphs (sub-headings included)
    blocks: list[Block]               # the whole document in reading order
    contacts: dict = field(default_factory=dict)  # phone, postcode, address, website
    date_text: str | None = None      # the sign-off date as printed
    col_labels: dict = field(default_factory=dict)  # printed variants of table-三 column labels
    source_text: str | None = None    # seeds: the real extracted text
    name: str = ""

    @property
    def agency(self) -> str:
        return self.record.get("agency", "")

    @property
    def year(self) -> int:
        return self.record["year"]

    @property
    def published(self) -> str | None:
        return self.record.get("published")

    @property
    def prose_rules_failed(self) -> list[str]:
        return sorted(set(self.record.get("checks_failed", [])) & PROSE_RULES)


def t3_rows(record: dict, fmt: str = "F2021") -> list[tuple[str, str | None, str]]:
    """The table-三 rows to print, in order, as (row key, group, label).

    Follows the record: a group's aggregate row (``result.other`` etc.) is printed when the record
    has it, its sub-items when the record has them (F2019 has only ``result.other``; seed 003 has
    the aggregate and two sub-items).
    """
    base = T3_ROWS_F2019 if fmt == "F2019" else T3_ROWS_F2021
    rows: list[tuple[str, str | None, str]] = []
    seen_groups: set[str] = set()
    for key, group, label in base:
        if group and group not in seen_groups:
            seen_groups.add(group)
            agg = f"result.{group}"
            if f"t3.{agg}.total" in record:
                rows.append((agg, None, T3_GROUP_LABELS[group]))
            for k2, g2, l2 in T3_ROWS_F2021:
                if g2 == group and f"t3.{k2}.total" in record:
                    rows.append((k2, group, l2))
            continue
        if group:
            continue
        if f"t3.{key}.total" in record or not any(k.startswith("t3.") for k in record):
            rows.append((key, None, label))
    return rows


# ---------------------------------------------------------------------------------------------
# Consistency rules on the flat record (report-format.md §5); blank (None) counts as 0
# ---------------------------------------------------------------------------------------------

def _v(record: dict, key: str) -> int:
    value = record.get(key)
    return value if isinstance(value, int) else 0


def table_checks(record: dict) -> set[str]:
    """The ids of the table rules (T3.balance, T3.row_total, T3.result_sum, T4.*_sum) that fail."""
    failed: set[str] = set()
    row_keys = sorted({k[3:].rsplit(".", 1)[0] for k in record if k.startswith("t3.")})
    if row_keys:
        for c in T3_COLS:
            left = _v(record, f"t3.apply.new.{c}") + _v(record, f"t3.apply.carried_in.{c}")
            right = _v(record, f"t3.result.total.{c}") + _v(record, f"t3.apply.carried_out.{c}")
            if left != right:
                failed.add("T3.balance")
        for r in row_keys:
            if sum(_v(record, f"t3.{r}.{c}") for c in T3_APPLICANT_COLS) != _v(record, f"t3.{r}.total"):
                failed.add("T3.row_total")
        parts = ["result.granted", "result.partial"]
        for g in T3_GROUPS:
            if f"result.{g}" in row_keys:
                parts.append(f"result.{g}")
            else:
                parts += [r for r in row_keys if r.startswith(f"result.{g}.")]
        for c in T3_COLS:
            if sum(_v(record, f"t3.{p}.{c}") for p in parts) != _v(record, f"t3.result.total.{c}"):
                failed.add("T3.result_sum")
    rule = {"review": "T4.review_sum", "litigation.direct": "T4.direct_sum",
            "litigation.after_review": "T4.after_review_sum"}
    for g, _ in T4_GROUPS:
        if f"t4.{g}.total" in record:
            if sum(_v(record, f"t4.{g}.{c}") for c in T4_COLS[:-1]) != _v(record, f"t4.{g}.total"):
                failed.add(rule[g])
    return failed


# ---------------------------------------------------------------------------------------------
# Number generation
# ---------------------------------------------------------------------------------------------

_RESULT_WEIGHTS = {
    "result.granted": 0.36, "result.partial": 0.09,
    "result.denied.state_secret": 0.003, "result.denied.law_prohibited": 0.01,
    "result.denied.security_stability": 0.004, "result.denied.third_party": 0.03,
    "result.denied.internal_affairs": 0.02, "result.denied.process_info": 0.025,
    "result.denied.enforcement_file": 0.01, "result.denied.query_matter": 0.02,
    "result.unavailable.not_held": 0.2, "result.unavailable.needs_creation": 0.03,
    "result.unavailable.unclear": 0.03,
    "result.not_processed.petition": 0.05, "result.not_processed.duplicate": 0.03,
    "result.not_processed.publication": 0.008, "result.not_processed.excessive": 0.008,
    "result.not_processed.confirm_reissue": 0.01,
    "result.other.no_correction": 0.05, "result.other.fee_unpaid": 0.002, "result.other.other": 0.03,
}
_COL_WEIGHTS = {"natural": 0.84, "commercial": 0.09, "research": 0.006, "public_interest": 0.012,
                "legal_service": 0.03, "other_org": 0.022}


def _spread(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    """Distribute n items over the keys of weights (a multinomial draw)."""
    keys = list(weights)
    out = dict.fromkeys(keys, 0)
    for k in rng.choices(keys, weights=[weights[k] for k in keys], k=n):
        out[k] += 1
    return out


def _profile(agency: str) -> dict[str, tuple[int, int]]:
    """Plausible ranges of table-二 counts for an agency kind."""
    if agency.endswith(("交通运输局",)):
        return {"licensing": (80, 900), "penalty": (30, 400), "coercion": (0, 30), "norm": (0, 2)}
    if agency.endswith(("市场监督管理局",)):
        return {"licensing": (300, 2000), "penalty": (40, 300), "coercion": (0, 40), "norm": (0, 2)}
    if agency.endswith(("卫生健康委员会", "卫生健康局")):
        return {"licensing": (100, 700), "penalty": (5, 80), "coercion": (0, 5), "norm": (0, 2)}
    if agency.endswith(("城市管理执法局",)):
        return {"licensing": (20, 200), "penalty": (100, 900), "coercion": (5, 80), "norm": (0, 2)}
    if agency.endswith(("住房和城乡建设局",)):
        return {"licensing": (30, 300), "penalty": (2, 40), "coercion": (0, 5), "norm": (0, 3)}
    if agency.endswith(("人民政府",)):
        return {"licensing": (0, 0), "penalty": (0, 0), "coercion": (0, 0), "norm": (2, 12)}
    if agency.endswith(("街道办事处",)):
        return {"licensing": (0, 0), "penalty": (0, 6), "coercion": (0, 0), "norm": (0, 0)}
    return {"licensing": (0, 60), "penalty": (0, 10), "coercion": (0, 2), "norm": (0, 3)}


def _fee(rng: random.Random) -> str:
    return "0" if rng.random() < 0.8 else f"{rng.randint(1, 4000) / 100:.2f}".rstrip("0").rstrip(".")


def _gen_t2(rng: random.Random, agency: str, fmt: str) -> dict:
    p = _profile(agency)
    r = lambda lo_hi: rng.randint(*lo_hi)  # noqa: E731
    if fmt == "F2021":
        issued = r(p["norm"])
        repealed = rng.randint(0, 2) if p["norm"][1] else 0
        in_force = issued + rng.randint(0, 25) if p["norm"][1] else 0
        return {
            "t2.regulations.issued": 0, "t2.regulations.repealed": 0, "t2.regulations.in_force": 0,
            "t2.normative_docs.issued": issued, "t2.normative_docs.repealed": repealed,
            "t2.normative_docs.in_force": in_force,
            "t2.licensing.decisions": r(p["licensing"]), "t2.penalty.decisions": r(p["penalty"]),
            "t2.coercion.decisions": r(p["coercion"]), "t2.fees.amount": _fee(rng),
        }
    made = r(p["norm"])
    rec = {
        "t2_2019.regulations.made": 0, "t2_2019.regulations.published": 0,
        "t2_2019.regulations.total_public": 0,
        "t2_2019.normative_docs.made": made, "t2_2019.normative_docs.published": made,
        "t2_2019.normative_docs.total_public": made + (rng.randint(0, 20) if p["norm"][1] else 0),
    }
    for row, rng_key in (("licensing", "licensing"), ("other_services", "licensing"),
                         ("penalty", "penalty"), ("coercion", "coercion")):
        decisions = r(p[rng_key]) if row != "other_services" else r(p[rng_key]) // 4
        prev = rng.randint(1, 60) if decisions else rng.randint(0, 3)
        rec[f"t2_2019.{row}.prev_count"] = prev
        rec[f"t2_2019.{row}.delta"] = rng.randint(-min(prev, 3), 3)
        rec[f"t2_2019.{row}.decisions"] = decisions
    prev = rng.randint(0, 4)
    rec["t2_2019.fees.prev_count"] = prev
    rec["t2_2019.fees.delta"] = rng.randint(-min(prev, 1), 1)
    projects = rng.randint(0, 12)
    rec["t2_2019.procurement.projects"] = projects
    rec["t2_2019.procurement.amount"] = (
        f"{rng.randint(50, 90000) / 100:.2f}".rstrip("0").rstrip(".") if projects else "0")
    return rec


def _gen_t3(rng: random.Random, fmt: str, scale: str) -> dict:
    new_total = {"none": 0, "small": rng.randint(1, 9), "medium": rng.randint(10, 60),
                 "large": rng.randint(61, 380)}[scale]
    new = _spread(rng, new_total, _COL_WEIGHTS)
    carried_in_total = rng.randint(0, max(0, new_total // 12)) if new_total and rng.random() < 0.45 else 0
    carried_in = _spread(rng, carried_in_total, {"natural": 0.85, "commercial": 0.1, "legal_service": 0.05})
    carry_out = new_total > 3 and rng.random() < 0.5
    weights = dict(_RESULT_WEIGHTS)
    if fmt == "F2019":
        weights = {k: v for k, v in weights.items() if not k.startswith("result.other.")}
        weights["result.other"] = 0.08
    rec: dict = {}
    for c in T3_APPLICANT_COLS:
        handled = new[c] + carried_in.get(c, 0)
        out = sum(1 for _ in range(handled) if carry_out and rng.random() < 0.07)
        results = _spread(rng, handled - out, weights)
        rec[f"t3.apply.new.{c}"] = new[c]
        rec[f"t3.apply.carried_in.{c}"] = carried_in.get(c, 0)
        rec[f"t3.apply.carried_out.{c}"] = out
        for k, n in results.items():
            rec[f"t3.{k}.{c}"] = n
        rec[f"t3.result.total.{c}"] = handled - out
    _fill_row_totals(rec)
    return rec


def _fill_row_totals(rec: dict) -> None:
    rows = sorted({k[3:].rsplit(".", 1)[0] for k in rec if k.startswith("t3.")})
    for r in rows:
        rec[f"t3.{r}.total"] = sum(rec.get(f"t3.{r}.{c}", 0) for c in T3_APPLICANT_COLS)


def _gen_t4(rng: random.Random, agency: str) -> dict:
    rec = {f"t4.{k}": 0 for k in T4_KEYS}
    busy = 3 if agency.endswith("人民政府") else 1
    if rng.random() < 0.3:
        for g, top in (("review", 4 * busy), ("litigation.direct", 2 * busy),
                       ("litigation.after_review", busy)):
            n = rng.randint(0, top)
            parts = _spread(rng, n, {"upheld": 0.6, "corrected": 0.12, "other": 0.13, "pending": 0.15})
            for c, v in parts.items():
                rec[f"t4.{g}.{c}"] = v
            rec[f"t4.{g}.total"] = n
    return rec


def _break(rule: str, rec: dict, rng: random.Random, fmt: str) -> None:
    """Change the printed numbers so that exactly ``rule`` fails (prose rules are broken in prose)."""
    result_rows = [k for k, g, _ in t3_rows(rec, fmt) if k.startswith("result.") and k != "result.total"]
    if rule == "T3.balance":
        # one more application carried over than the balance allows; the row itself still adds up
        c = rng.choice(["natural", "commercial"])
        rec[f"t3.apply.carried_out.{c}"] += 1
        rec["t3.apply.carried_out.total"] += 1
    elif rule == "T3.row_total":
        # one application counted under the wrong result in one column: columns still add up,
        # the two rows' 总计 no longer equal their sums
        c = max(T3_APPLICANT_COLS, key=lambda col: rec[f"t3.result.total.{col}"])
        src = max(result_rows, key=lambda r: rec[f"t3.{r}.{c}"])
        dst = rng.choice([r for r in result_rows if r != src])
        rec[f"t3.{src}.{c}"] -= 1
        rec[f"t3.{dst}.{c}"] += 1
    elif rule == "T3.result_sum":
        # one result row too high (its own 总计 agrees), （七）总计 unchanged
        r = rng.choice(result_rows)
        rec[f"t3.{r}.natural"] += 1
        rec[f"t3.{r}.total"] += 1
    elif rule == "T4.review_sum":
        if rec["t4.review.total"]:
            rec["t4.review.upheld"] += 1
        else:
            rec["t4.review.total"] = 1


# ---------------------------------------------------------------------------------------------
# Prose
# ---------------------------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n <= 10:
        return "十" if n == 10 else _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def date_text(d: date, style: str) -> str:
    """A printed date: ``arabic`` 2024年1月18日, ``spaced`` 2024 年 1 月 18 日, ``chinese`` 二〇二四年一月十八日."""
    if style == "spaced":
        return f"{d.year} 年 {d.month} 月 {d.day} 日"
    if style == "chinese":
        year = "".join(_CN_DIGITS[int(ch)] for ch in str(d.year))
        return f"{year}年{_cn_number(d.month)}月{_cn_number(d.day)}日"
    return f"{d.year}年{d.month}月{d.day}日"


def _group_total(rec: dict, group: str) -> int:
    if f"t3.result.{group}.total" in rec:
        return rec[f"t3.result.{group}.total"]
    return sum(v for k, v in rec.items()
               if k.startswith(f"t3.result.{group}.") and k.endswith(".total") and isinstance(v, int))


def _overview(rng: random.Random, rec: dict, county: County, break_rule: str | None) -> list[str]:
    agency, year = rec["agency"], rec["year"]
    new_total = rec["t3.apply.new.total"]
    carried_in = rec["t3.apply.carried_in.total"]
    carried_out = rec["t3.apply.carried_out.total"]
    if break_rule == "T3.prose":
        new_total = new_total + carried_in if carried_in else new_total + rng.randint(1, 3)
    reviews = rec["t4.review.total"]
    lawsuits = rec["t4.litigation.direct.total"] + rec["t4.litigation.after_review.total"]
    if break_rule == "T4.prose":
        reviews = 0 if reviews else rng.randint(1, 3)
    published_items = rng.randint(12, 480)
    docs = rec.get("t2.normative_docs.issued", rec.get("t2_2019.normative_docs.made", 0))
    sub = rng.choice([["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设",
                       "（五）监督保障"],
                      ["（一）主动公开情况", "（二）依申请公开情况", "（三）政府信息管理情况",
                       "（四）平台建设情况", "（五）监督保障情况"]])
    paras = [
        f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》"
        f"和上级关于政务公开工作的部署要求，坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开，"
        f"不断提升政府信息公开工作的质量和实效。",
        sub[0],
        f"全年通过{county.name}人民政府门户网站、政务新媒体等渠道主动公开政府信息{published_items}条，"
        f"其中机构职能、政策文件、财政预决算、重点领域信息等{max(0, published_items - docs - 5)}条，"
        f"行政规范性文件{docs}件。严格落实公文公开属性源头认定，做到应公开尽公开。",
        sub[1],
    ]
    if rng.random() < 0.5:
        apply = (f"本年度新收政府信息公开申请{new_total}件，上年结转政府信息公开申请{carried_in}件。"
                 f"从办理结果看，予以公开{rec['t3.result.granted.total']}件，"
                 f"部分公开{rec['t3.result.partial.total']}件，不予公开{_group_total(rec, 'denied')}件，"
                 f"无法提供{_group_total(rec, 'unavailable')}件，不予处理{_group_total(rec, 'not_processed')}件，"
                 f"其他处理{_group_total(rec, 'other')}件，结转下年度继续办理{carried_out}件。")
    else:
        natural = rec["t3.apply.new.natural"]
        apply = (f"进一步规范依申请公开受理、登记、办理、答复流程，严格按照法定时限答复。{year}年共新收到政府信息公开申请"
                 f"{new_total}件，其中自然人申请{natural}件，法人或其他组织申请{max(0, new_total - natural)}件；"
                 f"结转下年度继续办理{carried_out}件。")
    paras.append(apply)
    paras.append(rng.choice([
        f"全年因政府信息公开引发行政复议{reviews}件、行政诉讼{lawsuits}件。",
        f"本年度因政府信息公开工作被申请行政复议{reviews}件，被提起行政诉讼{lawsuits}件。",
    ]))
    paras += [
        sub[2],
        "严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，"
        "及时做好政府信息的动态调整和更新维护，定期对已公开的政策文件进行清理。",
        sub[3],
        f"持续加强政府网站信息公开专栏建设，按照统一标准规范栏目设置，及时更新{agency}机构职能、"
        f"领导分工、办事指南等基础信息，提升信息发布的准确性和时效性。",
        sub[4],
        "成立政务公开工作领导小组，明确专人负责信息公开工作，将政务公开工作纳入年度工作要点，"
        "积极参加上级组织的政务公开业务培训，本年度未发生因政府信息公开工作引发的责任追究情况。",
    ]
    return paras


_PROBLEMS = [
    ["（一）存在的问题",
     "一是信息公开的主动性有待提升，部分信息发布不够及时；二是政策解读形式较为单一，图解、视频等解读方式运用不多；"
     "三是工作人员业务能力有待加强。",
     "（二）改进措施",
     "一是健全信息发布审核机制，确保信息公开及时准确；二是丰富政策解读形式，提高解读质量；"
     "三是加强业务培训，提升工作人员政务公开业务水平。"],
    ["政府信息公开工作虽取得一定成效，但仍存在公开内容不够全面、更新不够及时、与公众互动不足等问题。"
     "下一步，将严格落实《条例》要求，进一步完善工作机制，拓展公开渠道，加强对政府信息公开工作的监督检查，"
     "推动政府信息公开工作提质增效。"],
]


def _other_matters(rng: random.Random, rec: dict, year: int) -> list[str]:
    if rec.get("t3.result.other.fee_unpaid.total"):
        fee = rng.randint(1, 30) * 10
        first = (f"依据《政府信息公开信息处理费管理办法》，{year}年本机关发出收费通知{rec['t3.result.other.fee_unpaid.total']}"
                 f"件，收取信息处理费{fee}元。")
    else:
        first = rng.choice([
            f"{year}年，本机关未收取信息处理费。",
            "本年度未发生依据《政府信息公开信息处理费管理办法》收取信息处理费的情况。",
        ])
    return [first, "无其他需要报告的事项。"] if rng.random() < 0.4 else [first]


def _title(rng: random.Random, agency: str, year: int) -> str:
    return rng.choice([
        f"{agency}{year}年政府信息公开工作年度报告",
        f"{agency}{year}年度政府信息公开工作年度报告",
        f"{agency}\n{year}年政府信息公开工作年度报告",
        f"{year}年{agency}政府信息公开工作年度报告",
    ])


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------

def synthetic_report(seed: int, *, agency: str, county_code: str, year: int, fmt: str = "F2021",
                     break_rule: str | None = None) -> Report:
    """A deterministic synthetic report of ``agency`` (in ``county_code``) for statistics ``year``.

    ``fmt`` is ``"F2021"`` or ``"F2019"``. ``break_rule`` (one of :data:`BREAKABLE_RULES`) makes
    exactly that rule fail; the record's ``checks_failed`` lists it.
    """
    if fmt not in T2_PREFIX:
        raise ValueError(f"unknown format {fmt!r}")
    if break_rule is not None and break_rule not in BREAKABLE_RULES:
        raise ValueError(f"cannot break {break_rule!r}; one of {BREAKABLE_RULES}")
    county = COUNTIES[county_code]
    rng = random.Random(f"nianbao-sample:{seed}:{agency}:{county_code}:{year}:{fmt}")
    weights = ([5, 4, 1, 0] if agency.endswith(("街道办事处", "镇人民政府", "乡人民政府"))
               else [1, 3, 4, 2] if agency.endswith("人民政府") else [3, 4, 2, 1])
    scale = rng.choices(["none", "small", "medium", "large"], weights=weights)[0]
    if break_rule in {"T3.balance", "T3.row_total", "T3.result_sum", "T3.prose"} and scale == "none":
        scale = "small"
    pub = date.fromordinal(date(year + 1, 1, 8).toordinal() + rng.randint(0, 80))
    date_style = rng.choices(["arabic", "spaced", "chinese"], weights=[15, 3, 2])[0]
    rec: dict = {
        "is_report": True, "agency": agency, "year": year, "format": fmt,
        "province": county.province, "city": county.city, "county": county.name,
        "county_code": county.code, "published": pub.isoformat(),
    }
    rec.update(_gen_t2(rng, agency, fmt))
    rec.update(_gen_t3(rng, fmt, scale))
    rec.update(_gen_t4(rng, agency))
    brk = random.Random(f"nianbao-break:{seed}:{break_rule}")
    if break_rule:
        _break(break_rule, rec, brk, fmt)

    phone_local = "".join(str(rng.randint(0, 9)) for _ in range(county.phone_digits - 1))
    contacts = {
        "phone": f"{county.area_code}-{rng.randint(2, 8)}{phone_local}",
        "postcode": county.postcode,
        "address": f"{county.name}{rng.choice(county.roads)}{rng.randint(1, 399)}号",
        "website": county.website,
    }
    cite = ("《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
            "（国办公开办函〔2021〕30号）" if fmt == "F2021" else
            "《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》"
            "（国办公开办函〔2019〕60号）")
    preface = (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{cite}要求编制。"
        f"本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
        f"存在的主要问题及改进情况、其他需要报告的事项六个部分组成。本报告中所列数据的统计期限自{year}年1月1日起至"
        f"{year}年12月31日止。本报告电子版可在{county.name}人民政府门户网站（{contacts['website']}）查阅或下载。"
        f"如对本报告有任何疑问，请与{agency}联系（地址：{contacts['address']}；邮编：{contacts['postcode']}；"
        f"电话：{contacts['phone']}）。")
    sections = {
        "overview": _overview(rng, rec, county, break_rule),
        "active": [],
        "applications": [],
        "review_litigation": [],
        "problems": list(rng.choice(_PROBLEMS)),
        "other_matters": _other_matters(rng, rec, year),
    }
    title = _title(rng, agency, year)
    printed_date = date_text(pub, date_style)
    blocks: list[Block] = [("title", title), ("para", preface)]
    for key in SECTION_KEYS:
        blocks.append(("heading", SECTION_HEADINGS[key]))
        for p in sections[key]:
            kind = "subheading" if re.fullmatch(r"（[一二三四五六七]）[^，。；]{2,12}", p) else "para"
            blocks.append((kind, p))
        if key in SECTION_TABLE:
            blocks.append(("table", SECTION_TABLE[key]))
    blocks += [("signoff", agency), ("date", printed_date)]

    failed = table_checks(rec)
    if break_rule in PROSE_RULES:
        failed.add(break_rule)
    expected = {break_rule} if break_rule else set()
    if failed != expected:  # a bug in the generator, never a property of the data
        raise AssertionError(f"seed {seed}: failed {sorted(failed)}, wanted {sorted(expected)}")
    rec["checks_failed"] = sorted(failed)
    return Report(record=rec, fmt=fmt, title=title, sections=sections, blocks=blocks,
                  contacts=contacts, date_text=printed_date,
                  name=f"{county_code}-{agency}-{year}-{seed}")


# ---------------------------------------------------------------------------------------------
# The real seeds
# ---------------------------------------------------------------------------------------------

_TABLE_ANCHORS = [("t2", re.compile(r"第二十条")), ("t3", re.compile(r"勾稽关系|本年新收")),
                  ("t4", re.compile(r"复议后起诉|行政复议"))]
_HEADING = re.compile(r"^\s*([一二三四五六]|[1-6])、\s*(总体情况|主动公开政府信息情况|收到和处理|政府信息公开行政复议"
                      r"|存在的主要问题|其他需要报告)")
_SUBHEADING = re.compile(r"^\s*[（(]([一二三四五六七]|\d)[)）]\s*[^，。；]{2,16}[；;]?$")
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


def _seed_blocks(text: str) -> list[Block]:
    """Split a seed text (Tika or PDF-tab shape) into prose blocks and table placeholders.

    A line with a tab is table text; in the Tika shape a tab-less line right after one continues
    its cell. The first lines up to one ending in 报告 are the title.
    """
    blocks: list[Block] = []
    region: list[str] = []  # the table lines seen since the last prose line
    title: list[str] | None = []
    seen_tables: list[str] = []
    previous = "blank"

    def flush_region() -> None:
        joined = "\n".join(region)
        for name, rx in _TABLE_ANCHORS:
            if region and rx.search(joined) and name not in seen_tables:
                seen_tables.append(name)
                blocks.append(("table", name))
                break
        region.clear()

    for line in text.splitlines():
        if "\t" in line or (previous == "table" and line.strip()):
            region.append(line)
            previous = "table"
            continue
        previous = "blank" if not line.strip() else "text"
        clean = _BOOKMARK.sub("", line).strip()
        if not clean:
            continue
        flush_region()
        if title is not None:
            title.append(clean)
            if clean.endswith("报告") or len(title) == 3:
                blocks.append(("title", "\n".join(title)))
                title = None
        elif _HEADING.match(clean):
            blocks.append(("heading", clean))
        elif _SUBHEADING.match(clean):
            blocks.append(("subheading", clean))
        elif _DATE.match(clean):
            blocks.append(("date", clean))
        else:
            blocks.append(("para", clean))
    flush_region()
    # the sign-off: a short line right before the final date
    if len(blocks) >= 2 and blocks[-1][0] == "date" and blocks[-2][0] == "para" and len(blocks[-2][1]) < 30:
        blocks[-2] = ("signoff", blocks[-2][1])
    return blocks


def _sections_from_blocks(blocks: list[Block]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {k: [] for k in SECTION_KEYS}
    current = None
    order = {"总体情况": "overview", "主动公开": "active", "收到和处理": "applications",
             "行政复议": "review_litigation", "存在的主要问题": "problems", "其他需要报告": "other_matters"}
    for kind, text in blocks:
        if kind == "heading":
            current = next((v for k, v in order.items() if k in text), current)
        elif kind in ("para", "subheading") and current:
            sections[current].append(text)
    return sections


def seed_report(path: str | Path) -> Report:
    """Wrap a real seed text (``NNN_<id>.txt``) and its gold ``NNN_<id>.expected.json``.

    The tables come from the gold values, the paragraphs from the seed text; ``source_text`` keeps
    the text itself (render kind ``text`` returns it unchanged).
    """
    path = Path(path)
    if path.suffix == ".json":
        path = path.with_name(path.name.replace(".expected.json", ".txt"))
    text = path.read_text(encoding="utf-8")
    gold = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    record = {k: v for k, v in gold.items() if not k.startswith("_")}
    blocks = _seed_blocks(text)
    title = next((t for k, t in blocks if k == "title"), f"{record.get('agency', '')}政府信息公开工作年度报告")
    contacts = {}
    if m := re.search(r"电话[:：]?\s*((0\d{2,3}-)?\d{7,8})", text):
        contacts["phone"] = m.group(1)
    if m := re.search(r"邮编[:：]?\s*(\d{6})", text):
        contacts["postcode"] = m.group(1)
    if m := re.search(r"地址[:：]\s*([^；;。，,（(\n]+)", text):
        contacts["address"] = m.group(1)
    if m := re.search(r"https?://[^\s)）>，,。；;]+", text):
        contacts["website"] = m.group(0)
    col_labels = {}
    if "社会组织" in text and "社会公益组织" not in text and "社会\n公益" not in text:
        col_labels["public_interest"] = "社会组织"
    date_line = next((t for k, t in blocks if k == "date"), None)
    return Report(record=record, fmt=record.get("format", "F2021"), title=title,
                  sections=_sections_from_blocks(blocks), blocks=blocks, contacts=contacts,
                  date_text=date_line, col_labels=col_labels, source_text=text, name=path.stem)
