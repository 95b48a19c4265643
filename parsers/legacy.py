"""Key totals of the pre-2019 formats (spec §4): from a statistics table when printed, else prose."""

from __future__ import annotations

import re

from .cells import classify
from .normalize import compact
from .rows import Row

_TABLE_LABELS = {
    "legacy.active.total": r"主动公开(政府)?信息(数|总数)",
    "legacy.active.normative_docs": r"主动公开规范性文件数|规范性文件数",
    "legacy.apply.received": r"^(收到申请数|申请总数|受理申请(总)?数)",
    "legacy.apply.closed": r"申请办结数",
    "legacy.reply.total": r"申请答复数|对申请的答复总数",
    "legacy.reply.granted": r"^同意公开(答复)?数?",
    "legacy.reply.partial": r"同意部分公开",
    "legacy.reply.denied": r"^(不同意|否决|不予)公开",
    "legacy.review.total": r"^行政复议(数量|数|案件数)",
    "legacy.litigation.total": r"^行政诉讼(数量|数|案件数)",
    "legacy.complaints": r"举报投诉数量|行政申诉数",
}
_PROSE = {
    "legacy.active.total": r"(?<!累计)主动公开(?:政府)?信息(?:共)?(\d+)(?:条|件|篇)",
    "legacy.apply.received": r"(?:收到|受理)[^，。；\d]{0,12}?申请(?:共)?(\d+)(?:件|条|次)",
    "legacy.review.total": r"行政复议(?:案件)?(\d+)件",
    "legacy.litigation.total": r"行政诉讼(?:案件)?(\d+)件",
}


def legacy_totals(rows: list[Row], prose: str) -> dict:
    """``legacy.*`` key → {value, source: table|prose, label}. Never mapped onto F2021 keys."""
    found: dict = {}
    for row in rows:
        if not row.in_table:
            continue
        # indicator | unit | number: the unit cell is a label too, so look at every label cell.
        kinds = [classify(cell) for cell in row.cells]
        values = [value for kind, value, _ in kinds if kind == "value"]
        labels = [compact(cell) for cell, (kind, _, _) in zip(row.cells, kinds) if kind == "label"]
        if not values:
            continue
        for key, pattern in _TABLE_LABELS.items():
            label = next((text for text in labels if re.search(pattern, text)), None)
            if key not in found and label:
                found[key] = {"value": values[-1], "source": "table", "label": label}
                break
    for key, pattern in _PROSE.items():
        if key not in found:
            m = re.search(pattern, prose)
            if m:
                found[key] = {"value": int(m.group(1)), "source": "prose", "label": m.group(0),
                              "scope": "cumulative" if "累计" in m.group(0) else "annual"}
    return found
