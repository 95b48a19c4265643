"""Table grids: every kind prints the same three tables, built once as rows of cells with spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..reports import (
    T2_BLOCKS_F2019, T2_BLOCKS_F2021, T2_PREFIX, T3_APPLICANT_HEADER, T3_COL_LABELS, T3_COLS, T3_GROUP_LABELS, T3_NOTE, T3_ORG_HEADER, T3_RESULT_BLOCK, T4_COL_LABELS, T4_COLS, T4_GROUPS, Report, t3_rows,
)


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "value"  # "head" | "label" | "value"


@dataclass
class Grid:
    name: str                 # "t2" | "t3" | "t4"
    rows: list[list[Cell]]    # the cells that *start* in each row (HTML model)
    ncols: int
    header_rows: int = 0      # leading rows to repeat after a page break

    def matrix(self) -> list[list[tuple[Cell, str]]]:
        """Every grid position as (cell, role), role ``origin`` | ``colspan`` | ``rowspan``."""
        out: list[list[tuple[Cell, str] | None]] = [[None] * self.ncols for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while out[r][c] is not None:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        role = "origin" if dr == dc == 0 else ("colspan" if dr == 0 else "rowspan")
                        out[r + dr][c + dc] = (cell, role)
                c += cell.colspan
        for r, row in enumerate(out):
            if any(x is None for x in row):
                raise ValueError(f"{self.name}: row {r} is not filled: {self.rows[r]}")
        return out  # type: ignore[return-value]

    def positions(self) -> list[tuple[int, int, Cell]]:
        """(row, col, cell) of every cell's top-left corner."""
        out = []
        for r, row in enumerate(self.matrix()):
            for c, (cell, role) in enumerate(row):
                if role == "origin":
                    out.append((r, c, cell))
        return out


_WORD_SPLITS = {
    "商业企业": "商业\n企业", "科研机构": "科研\n机构", "社会公益组织": "社会\n公益\n组织", "社会组织": "社会\n组织",
    "法律服务机构": "法律\n服务\n机构", "结果维持": "结果\n维持", "结果纠正": "结果\n纠正", "其他结果": "其他\n结果",
    "尚未审结": "尚未\n审结",
}


def _head(text: str, style: str) -> str:
    """A column header as printed: ``plain``, ``words`` (商业\\n企业) or ``chars`` (结\\n果\\n维\\n持)."""
    if style == "words":
        return _WORD_SPLITS.get(text, text)
    if style == "chars":
        return "\n".join(text)
    return text


def _halfwidth(label: str) -> str:
    """The PDF-extraction look of a row label: ``(一) 予以公开``, ``1. 属于国家秘密``."""
    label = re.sub(r"^（([一二三四五六七])）", r"(\1) ", label)
    return re.sub(r"^(\d)\.", r"\1. ", label)


def _val(value) -> str:
    if value is None:
        return ""
    return str(value)


def table2_grid(report: Report) -> Grid:
    rec, prefix = report.record, T2_PREFIX[report.fmt]
    blocks = T2_BLOCKS_F2021 if report.fmt == "F2021" else T2_BLOCKS_F2019
    rows: list[list[Cell]] = []
    for title, col_labels, items in blocks:
        rows.append([Cell(title, colspan=4, kind="head")])
        head = [Cell("信息内容", kind="head")]
        spans = _spread_cols(len(col_labels))
        head += [Cell(lab, colspan=sp, kind="head") for lab, sp in zip(col_labels, spans)]
        rows.append(head)
        for key, label, cols in items:
            rows.append([Cell(label, kind="label")] + [
                Cell(_val(rec.get(f"{prefix}.{key}.{c}")), colspan=sp) for c, sp in zip(cols, spans)])
    return Grid("t2", rows, 4, header_rows=0)


def _spread_cols(n: int) -> list[int]:
    """Column spans of n value columns over the three value columns of table 二."""
    return {1: [3], 2: [1, 2], 3: [1, 1, 1]}[n]


def table3_grid(report: Report, *, header_style: str = "plain", total_top: bool = False,
                halfwidth: bool = False) -> Grid:
    """Table 三 as in the template: a 3-row header, then 一、二、三 (rowspan 22/20)、四."""
    rec = report.record
    col_label = {**T3_COL_LABELS, **report.col_labels}
    lab = _halfwidth if halfwidth else (lambda s: s)
    subs = [Cell(_head(col_label[c], header_style), kind="head") for c in T3_COLS[1:6]]
    if total_top:  # 总计 in the first header row (seeds 001, 004)
        header = [
            [Cell(T3_NOTE, rowspan=3, colspan=3, kind="head"), Cell(T3_APPLICANT_HEADER, colspan=6, kind="head"),
             Cell(col_label["total"], rowspan=3, kind="head")],
            [Cell(col_label["natural"], rowspan=2, kind="head"), Cell(T3_ORG_HEADER, colspan=5, kind="head")],
            subs,
        ]
    else:
        header = [
            [Cell(T3_NOTE, rowspan=3, colspan=3, kind="head"), Cell(T3_APPLICANT_HEADER, colspan=7, kind="head")],
            [Cell(col_label["natural"], rowspan=2, kind="head"), Cell(T3_ORG_HEADER, colspan=5, kind="head"),
             Cell(col_label["total"], rowspan=2, kind="head")],
            subs,
        ]

    def values(key: str) -> list[Cell]:
        return [Cell(_val(rec.get(f"t3.{key}.{c}"))) for c in T3_COLS]

    plan = t3_rows(rec, report.fmt)
    result = [r for r in plan if r[0].startswith("result.")]
    body: list[list[Cell]] = []
    i = 0
    while i < len(plan):
        key, group, label = plan[i]
        if key.startswith("apply."):
            body.append([Cell(lab(label), colspan=3, kind="label")] + values(key))
            i += 1
            continue
        row: list[Cell] = []
        if plan[i] == result[0]:
            row.append(Cell(T3_RESULT_BLOCK, rowspan=len(result), kind="label"))
        has_agg = any(k == f"result.{group}" for k, _, _ in plan) if group else False
        if group and not has_agg:
            members = [r for r in plan if r[1] == group]
            row.append(Cell(lab(T3_GROUP_LABELS[group]), rowspan=len(members), kind="label"))
            for j, (k2, _, l2) in enumerate(members):
                cells = row + [Cell(lab(l2), kind="label")] + values(k2) if j == 0 else (
                    [Cell(lab(l2), kind="label")] + values(k2))
                body.append(cells)
                row = []
            i += len(members)
            continue
        body.append(row + [Cell(lab(label), colspan=2, kind="label")] + values(key))
        i += 1
    return Grid("t3", header + body, 10, header_rows=3)


def table4_grid(report: Report, *, header_style: str = "words") -> Grid:
    rec = report.record
    heads = [Cell(_head(T4_COL_LABELS[c], header_style), kind="head") for c in T4_COLS]
    rows = [
        [Cell("行政复议", colspan=5, kind="head"), Cell("行政诉讼", colspan=10, kind="head")],
        [Cell(h.text, rowspan=2, kind="head") for h in heads]
        + [Cell(T4_GROUPS[1][1], colspan=5, kind="head"), Cell(T4_GROUPS[2][1], colspan=5, kind="head")],
        [Cell(h.text, kind="head") for h in heads] * 2,
        [Cell(_val(rec.get(f"t4.{g}.{c}"))) for g, _ in T4_GROUPS for c in T4_COLS],
    ]
    return Grid("t4", rows, 15, header_rows=3)


def grids(report: Report, *, t3_header: str = "plain", t4_header: str = "words", total_top: bool = False,
          halfwidth: bool = False) -> dict[str, Grid]:
    return {
        "t2": table2_grid(report),
        "t3": table3_grid(report, header_style=t3_header, total_top=total_top, halfwidth=halfwidth),
        "t4": table4_grid(report, header_style=t4_header),
    }
