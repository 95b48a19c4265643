"""Tables 二, 三 and 四 laid out like the official template (国办公开办函〔2021〕30号), as data.

Why here and not in the template: the row spans of table 三 (三、本年度办理结果 over its sub-rows,
（三）不予公开 over items 1–8 …) and the blocks of table 二 follow from the parser's schema file
(``parsers/schema/f2021.yaml`` via ``parsers.schema``), so the page shows exactly the keys the
parser and the checks use. The template only loops over rows and cells; every text goes through
Jinja's autoescape.

A cell is a dict: ``key``, ``text`` (what to print), ``raw``, ``blank``, ``failed`` (rule ids of
failed checks involving it) and ``change`` (``{old, new}`` when this version changed it).
"""

from __future__ import annotations

from parsers.schema import T3_COLS, T4_COLS, T4_GROUPS, schema, t2_rows, t3_rows

RESULT_LABEL = "三、本年度办理结果"
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_ORGS = "法人或其他组织"
SUBTOTAL = "小计"

# Which 第二十条 item each table-二 row is published under, per format (the official blocks).
T2_BLOCKS = {
    "F2021": (("第二十条第（一）项", ("regulations", "normative_docs")),
              ("第二十条第（五）项", ("licensing",)),
              ("第二十条第（六）项", ("penalty", "coercion")),
              ("第二十条第（八）项", ("fees",))),
    "F2019": (("第二十条第（一）项", ("regulations", "normative_docs")),
              ("第二十条第（五）项", ("licensing", "other_services")),
              ("第二十条第（六）项", ("penalty", "coercion")),
              ("第二十条第（八）项", ("fees",)),
              ("第二十条第（九）项", ("procurement",))),
}
T2_PREFIX = {"F2021": "t2", "F2019": "t2_2019"}


def display(value, raw) -> str:
    """The number as printed: integers plain, 万元 amounts without float noise, blanks as raw text."""
    if value is None:
        return raw.strip() if isinstance(raw, str) else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".10g")
    return str(value)


class Cells:
    """The cells of one report version with the failed checks and changes that touch them."""

    def __init__(self, rows: dict[str, dict], failed: dict[str, list[str]], changes: dict[str, dict]):
        self.rows, self.failed, self.changes = rows, failed, changes
        self.used: set[str] = set()

    def cell(self, key: str) -> dict:
        self.used.add(key)
        row = self.rows.get(key)
        value, raw = (row["value"], row["raw"]) if row else (None, None)
        return {"key": key, "text": display(value, raw), "raw": raw, "blank": row is None or value is None,
                "missing": row is None, "failed": self.failed.get(key, []), "change": self.changes.get(key)}

    def has_any(self, keys) -> bool:
        return any(key in self.rows and self.rows[key]["value"] is not None for key in keys)

    def leftovers(self) -> list[str]:
        """Keys of cells no layout placed (legacy formats, unexpected rows)."""
        return sorted(key for key in self.rows if key not in self.used)


def _label(text: str, rowspan: int = 1, colspan: int = 1, kind: str = "") -> dict:
    return {"text": text, "rowspan": rowspan, "colspan": colspan, "kind": kind}


def table3(cells: Cells) -> dict:
    """Header rows and body rows of table 三: three label columns, then the seven applicant columns."""
    labels = schema()["table3"]["col_labels"]
    org_cols = T3_COLS[1:-1]
    header = [
        [_label(T3_CORNER, rowspan=3, colspan=3, kind="corner"), _label(T3_APPLICANTS, colspan=len(T3_COLS))],
        [_label(labels["natural"], rowspan=2), _label(T3_ORGS, colspan=len(org_cols)), _label(labels["total"], rowspan=2)],
        [_label(labels[col]) for col in org_cols],
    ]
    specs = t3_rows()
    keys = list(specs)

    def values(row_key: str) -> list[dict]:
        return [cells.cell(f"t3.{row_key}.{col}") for col in T3_COLS]

    result_rows: list[dict] = []
    for key in keys:
        parts = key.split(".")
        if parts[0] != "result" or len(parts) != 2:
            continue
        children = [k for k in keys if k.startswith(key + ".")]
        if not children:
            result_rows.append({"labels": [_label(specs[key]["label"], colspan=2)], "key": key, "cells": values(key)})
            continue
        sub = [(SUBTOTAL, key)] if cells.has_any(f"t3.{key}.{col}" for col in T3_COLS) else []
        sub += [(specs[child]["label"], child) for child in children]
        for index, (text, row_key) in enumerate(sub):
            row_labels = [_label(specs[key]["label"], rowspan=len(sub))] if index == 0 else []
            row_labels.append(_label(text, kind="item"))
            result_rows.append({"labels": row_labels, "key": row_key, "cells": values(row_key)})
    result_rows[0]["labels"].insert(0, _label(RESULT_LABEL, rowspan=len(result_rows)))

    body: list[dict] = []
    for key in keys:  # 一、二, then the result block, then 四 (结转下年度) as in the template
        if key == "apply.carried_out":
            body += result_rows
        if key.startswith("apply."):
            body.append({"labels": [_label(specs[key]["label"], colspan=3)], "key": key, "cells": values(key)})
    return {"header": header, "rows": body}


def table4(cells: Cells) -> dict:
    """Three header rows (行政复议 | 行政诉讼 → 未经复议直接起诉, 复议后起诉) and the 15 values."""
    spec = schema()["table4"]
    groups, cols = spec["groups"], spec["cols"]
    header = [
        [_label(groups["review"], colspan=len(T4_COLS)), _label("行政诉讼", colspan=2 * len(T4_COLS))],
        [_label(cols[col], rowspan=2) for col in T4_COLS]
        + [_label(groups[group], colspan=len(T4_COLS)) for group in T4_GROUPS[1:]],
        [_label(cols[col]) for _ in T4_GROUPS[1:] for col in T4_COLS],
    ]
    row = [cells.cell(f"t4.{group}.{col}") for group in T4_GROUPS for col in T4_COLS]
    return {"header": header, "cells": row}


def table2(cells: Cells, fmt: str) -> dict | None:
    """The blocks of table 二 for F2021 or F2019: a heading, 信息内容 + column labels, one row per item."""
    if fmt not in T2_BLOCKS:
        return None
    prefix = T2_PREFIX[fmt]
    col_labels = schema()["table2"][fmt]["cols"]
    rows = t2_rows(fmt)
    width = max(len(rows[r]["cols"]) for _, names in T2_BLOCKS[fmt] for r in names)
    blocks = []
    for heading, names in T2_BLOCKS[fmt]:
        cols: list[str] = []
        for name in names:
            cols += [c for c in rows[name]["cols"] if c not in cols]
        spans = [1] * len(cols)
        spans[-1] += width - len(cols)
        body = []
        for name in names:
            body.append({"label": rows[name]["label"],
                         "cells": [dict(cells.cell(f"{prefix}.{name}.{col}"), colspan=span)
                                   for col, span in zip(cols, spans)]})
        blocks.append({"heading": heading, "columns": [{"text": col_labels[c], "colspan": s} for c, s in zip(cols, spans)],
                       "rows": body})
    return {"format": fmt, "width": width + 1, "blocks": blocks}


def table2_formats(keys, report_format: str | None) -> list[str]:
    """Which table-二 layouts to draw: those the version has cells for, else the report's format."""
    found = [fmt for fmt, prefix in T2_PREFIX.items() if any(k.startswith(prefix + ".") for k in keys)]
    if found:
        return found
    return [report_format] if report_format in T2_BLOCKS else []
