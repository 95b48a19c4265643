"""The consistency rules (勾稽关系) one report can assess (spec §5).

Every check says pass / fail / not_assessable with its left and right sides, the delta and the
cells involved. A blank cell counts as 0 here and the check carries ``imputed_zero``; printed
values are never changed. Severity E (the template defines it) and W (strong expectation) make
``checks_failed``; I (plausibility) is reported but does not.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .schema import T3_COLS, t3_rows
from .tables import Tables

_GROUPS = ("result.denied", "result.unavailable", "result.not_processed", "result.other")


def _check(rule, severity, left, right, cells, flags=(), scope=None, detail=None):
    if left is None or right is None:
        status, delta = "not_assessable", None
    else:
        status, delta = ("pass" if left == right else "fail"), left - right
    out = {"id": rule, "severity": severity, "status": status, "left": left, "right": right, "delta": delta,
           "cells": sorted(set(cells)), "flags": sorted(set(flags))}
    if scope:
        out["scope"] = scope
    if detail:
        out["detail"] = detail
    return out


class _Sum:
    """Adds cells up, remembering which were blank (imputed 0) and which are missing."""

    def __init__(self, tables: Tables, table: str):
        self.tables, self.table = tables, table
        self.cells: list[str] = []
        self.flags: set[str] = set()

    def value(self, row: str, col: str):
        cell = self.tables.get(self.table, row, col)
        if cell is None:
            return None
        self.cells.append(cell.flat_key)
        if cell.value is None:
            self.flags.add("imputed_zero")
            return 0
        return cell.value

    def total(self, rows: list[str], col: str):
        values = [self.value(r, col) for r in rows]
        return None if any(v is None for v in values) else sum(values)


def _t3_present(tables: Tables) -> set[str]:
    return {c.row_key for c in tables.cells if c.table == "t3"}


def _result_terms(present: set[str]) -> list[str]:
    """The rows that add up to （七）总计 in this report's structure (F2021, F2019 or a hybrid)."""
    terms = ["result.granted", "result.partial"]
    for group in _GROUPS:
        subs = [k for k in t3_rows() if k.startswith(group + ".")]
        present_subs = [k for k in subs if k in present]
        if len(present_subs) == len(subs) or (present_subs and group not in present):
            terms += present_subs
        elif group in present:
            terms.append(group)
        else:
            terms += subs  # missing: the sum is not assessable
    return terms


def table3_checks(tables: Tables) -> list[dict]:
    present = _t3_present(tables)
    if not present:
        return []
    out = []
    for col in T3_COLS:
        s = _Sum(tables, "t3")
        left = s.total(["apply.new", "apply.carried_in"], col)
        right = s.total(["result.total", "apply.carried_out"], col)
        out.append(_check("T3.balance", "E", left, right, s.cells, s.flags, col))
    for row in [k for k in t3_rows() if k in present]:
        s = _Sum(tables, "t3")
        total_cell = tables.get("t3", row, "total")
        if total_cell is not None and total_cell.value is None:
            out.append(_check("T3.row_total", "E", None, None, [total_cell.flat_key], ["blank_total"], row))
            continue
        left = s.value(row, "total")
        right = _row_sum(s, row)
        out.append(_check("T3.row_total", "E", left, right, s.cells, s.flags, row))
    terms = _result_terms(present)
    for col in T3_COLS:
        s = _Sum(tables, "t3")
        left = s.value("result.total", col)
        right = s.total(terms, col)
        out.append(_check("T3.result_sum", "E", left, right, s.cells, s.flags, col))
    for group in _GROUPS:
        subs = [k for k in t3_rows() if k.startswith(group + ".")]
        if group in present and all(k in present for k in subs):
            for col in T3_COLS:
                s = _Sum(tables, "t3")
                out.append(_check("T3.group_sum", "E", s.value(group, col), s.total(subs, col), s.cells, s.flags, f"{group} {col}"))
    negative = [c.flat_key for c in tables.cells if c.table == "t3" and c.value is not None and (c.value < 0 or not isinstance(c.value, int))]
    out.append(_check("T3.nonneg_int", "E", len(negative), 0, negative))
    return out


def _row_sum(s: _Sum, row: str):
    values = [s.value(row, col) for col in T3_COLS[:6]]
    return None if any(v is None for v in values) else sum(values)


def table4_checks(tables: Tables) -> list[dict]:
    out = []
    for rule, group in (("T4.review_sum", "review"), ("T4.direct_sum", "litigation.direct"),
                        ("T4.after_review_sum", "litigation.after_review")):
        if tables.get("t4", group, "total") is None:
            continue
        s = _Sum(tables, "t4")
        left = s.value(group, "total")
        right = _parts(s, group)
        out.append(_check(rule, "E", left, right, s.cells, s.flags))
    return out


def _parts(s: _Sum, group: str):
    values = [s.value(group, col) for col in ("upheld", "corrected", "other", "pending")]
    return None if any(v is None for v in values) else sum(values)


def table2_checks(tables: Tables, level: str | None) -> list[dict]:
    cells = [c for c in tables.cells if c.table in ("t2", "t2_2019")]
    if not cells:
        return []
    out = []
    negative = [c.flat_key for c in cells if c.value is not None and c.value < 0 and c.col_key != "delta"]
    out.append(_check("T2.nonneg", "E", len(negative), 0, negative))
    for row in ("regulations", "normative_docs"):
        issued, repealed, in_force = (tables.get("t2", row, c) for c in ("issued", "repealed", "in_force"))
        if issued and repealed and in_force and None not in (issued.value, repealed.value, in_force.value):
            ok = issued.value <= in_force.value + repealed.value
            out.append(_check("T2.in_force_ge", "I", int(ok), 1, [issued.flat_key, in_force.flat_key, repealed.flat_key], scope=row))
    regulations = [c for c in cells if c.row_key == "regulations" and c.value]
    if level in ("county", "township"):
        out.append(_check("T2.regulations_authority", "I", len(regulations), 0, [c.flat_key for c in regulations],
                          detail="only provincial and districted-city governments make 规章"))
    fee = tables.get("t2", "fees", "amount")
    if fee is not None and fee.value is not None:
        suspicious = "unit_converted" in fee.flags or fee.value > Decimal(100000)
        out.append(_check("T2.fee_unit", "I", int(suspicious), 0, [fee.flat_key], detail="fees are printed in 万元"))
    return out


# ---- prose against tables ------------------------------------------------------------------------

_N = r"(\d+)"
_APPLY_NEW = [re.compile(p) for p in (
    r"(?:新收到?|共收到|全年收到|收到)[^，。；,;\d]{0,16}?申请(?:共|总计|合计)?" + _N + "件",
    r"(?:新收到?|收到)(?:政府信息公开|依申请公开)?申请(?:共)?" + _N + "件",
)]
_APPLY_RECEIVED = re.compile(r"受理[^，。；,;\d]{0,16}?(?:申请|事项)(?:共)?" + _N + "件")
_CARRIED_OUT = re.compile(r"结转(?:至|到)?下一?年度?(?:办理|继续办理)?(?:的)?(?:共)?" + _N + "件")
_REVIEW = [re.compile(p) for p in (
    r"(?:引发|发生|被申请|收到|提起)行政复议(?:案件)?(?:共)?" + _N + "件",
    r"有" + _N + "件涉及政府信息公开工作的行政复议",
    r"行政复议(?:案件)?(?:数(?:量)?为?|共)" + _N + "件",
)]
_LITIGATION = [re.compile(p) for p in (
    r"(?:引发|发生|被提起|提起)行政诉讼(?:案件)?(?:共)?" + _N + "件",
    r"行政诉讼(?:案件)?(?:数(?:量)?为?|共)" + _N + "件",
)]


def _first(patterns, text):
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return int(m.group(1)), m.group(0)
    return None


def prose_checks(tables: Tables, prose: str) -> list[dict]:
    out = []
    s = _Sum(tables, "t3")
    new_total = s.value("apply.new", "total")
    carried_in = s.value("apply.carried_in", "total")
    if new_total is not None:
        stated = _first(_APPLY_NEW, prose)
        if stated:
            out.append(_check("T3.prose", "W", stated[0], new_total, ["t3.apply.new.total"], detail=stated[1]))
        else:
            received = _first([_APPLY_RECEIVED], prose)
            if received:
                # 受理 may count this year's applications or those plus the ones carried in.
                right = new_total if received[0] == new_total or carried_in is None else new_total + carried_in
                out.append(_check("T3.prose", "W", received[0], right,
                                  ["t3.apply.new.total", "t3.apply.carried_in.total"], detail=received[1]))
    carried_out = tables.get("t3", "apply.carried_out", "total")
    stated = _first([_CARRIED_OUT], prose)
    if stated and carried_out is not None and carried_out.value is not None:
        out.append(_check("T3.prose", "W", stated[0], carried_out.value, [carried_out.flat_key], detail=stated[1]))
    review = tables.get("t4", "review", "total")
    stated = _first(_REVIEW, prose)
    if stated and review is not None and review.value is not None:
        out.append(_check("T4.prose", "W", stated[0], review.value, [review.flat_key], detail=stated[1]))
    direct, after = tables.get("t4", "litigation.direct", "total"), tables.get("t4", "litigation.after_review", "total")
    stated = _first(_LITIGATION, prose)
    if stated and direct and after and direct.value is not None and after.value is not None:
        out.append(_check("T4.prose", "W", stated[0], direct.value + after.value, [direct.flat_key, after.flat_key], detail=stated[1]))
    return out


def run_checks(tables: Tables, prose: str, level: str | None) -> list[dict]:
    return table2_checks(tables, level) + table3_checks(tables) + table4_checks(tables) + prose_checks(tables, prose)


def failed_rule_ids(checks: list[dict]) -> list[str]:
    return sorted({c["id"] for c in checks if c["status"] == "fail" and c["severity"] in ("E", "W")})
