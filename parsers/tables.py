"""Finding tables 二, 三 and 四 by their label anchors and mapping every cell to its keys.

Rows are identified by their labels (schema/f2021.yaml), never by position. Rows whose label the
text layer lost are placed by document order between the labelled rows around them, and flagged
``position_inferred``; a run that does not fit its gap is left out and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .cells import classify
from .normalize import compact
from .rows import Row, RowReading, Slot, read_row, take_values
from .schema import T3_COLS, T4_COLS, T4_GROUPS, T4_KEYS, t2_rows, t3_rows

_T2_ANCHOR = re.compile(r"第二十条第\(一\)项")
_T3_NOTE = re.compile(r"本列数据的勾稽关系|申请人情况")
_T4_ANCHOR = re.compile(r"行政复议|行政诉讼|复议后起诉|未经复议")
_F2019_T2 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/减|政府集中采购")
_SECTION5 = re.compile(r"^(五|5|第五部分)[、.．]?.{0,12}(存在|问题)|^五、")


@dataclass
class Cell:
    table: str  # "t2", "t2_2019", "t3", "t4"
    row_key: str
    col_key: str
    value: int | Decimal | None
    raw: str | None
    flags: list[str] = field(default_factory=list)
    where: str = ""
    flat_key: str = field(init=False, repr=False, compare=False)  # "t3.apply.new.total"

    def __post_init__(self) -> None:
        # Built once: the checks name each cell several times.
        self.flat_key = f"{self.table}.{self.row_key}.{self.col_key}"


@dataclass
class Tables:
    cells: list[Cell] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # {"t2": "F2021", "t3": ..., "t4": ...}
    warnings: list[str] = field(default_factory=list)
    anchors_found: bool = False  # a table label was seen, with or without numbers
    _index: dict = field(default_factory=dict, repr=False)

    def add(self, cell: Cell) -> None:
        self.cells.append(cell)
        self._index[(cell.table, cell.row_key, cell.col_key)] = cell

    def get(self, table: str, row: str, col: str) -> Cell | None:
        return self._index.get((table, row, col))


def _short(row: Row) -> list[str]:
    return [text for text in map(compact, row.cells) if len(text) <= 60]


def _find(rows: list[Row], start: int, pattern: re.Pattern, need_table: bool = False) -> int | None:
    for i in range(start, len(rows)):
        if need_table and not rows[i].in_table and len(rows[i].cells) == 1 and len(compact(rows[i].cells[0])) > 30:
            continue
        if any(pattern.search(c) for c in _short(rows[i])):
            return i
    return None


def interpret_tables(rows: list[Row]) -> Tables:
    result = Tables()
    readings = [read_row(r) for r in rows]
    t3_start = _t3_start(rows, readings)
    t2_start = _find(rows, 0, _T2_ANCHOR)
    if t2_start is not None and t3_start is not None and t2_start > t3_start:
        t2_start = None
    t2_end = t3_start if t3_start is not None else len(rows)
    t3_end, t4_start = len(rows), None
    if t3_start is not None:
        t4_start = _t4_start(rows, readings, t3_start)
        t3_end = t4_start if t4_start is not None else len(rows)
    result.anchors_found = any(x is not None for x in (t2_start, t3_start, t4_start))
    _table2(rows, readings, t2_start if t2_start is not None else 0, t2_end, result, anchored=t2_start is not None)
    if t3_start is not None:
        _table3(rows, readings, t3_start, t3_end, result)
    if t4_start is not None:
        _table4(rows, readings, t4_start, result)
    return result


def _t3_start(rows: list[Row], readings: list[RowReading]) -> int | None:
    apply_new = t3_rows()["apply.new"]["regex"]
    for i, (row, reading) in enumerate(zip(rows, readings)):
        if any(_T3_NOTE.search(c) for c in _short(row)) and (row.in_table or len(compact(row.cells[0])) <= 40):
            return i
        if reading.label and apply_new.search(reading.label) and reading.value_count:
            return i
    return None


def _t4_start(rows: list[Row], readings: list[RowReading], t3_start: int) -> int | None:
    carried_out = t3_rows()["apply.carried_out"]["regex"]
    start = t3_start
    for i in range(t3_start, len(rows)):
        if readings[i].label and carried_out.search(readings[i].label):
            start = i + 1
            break
    for i in range(start, len(rows)):
        cells = _short(rows[i])
        if any(_T4_ANCHOR.search(c) and len(c) <= 40 for c in cells):
            return i
    return None


# ---- table 二 ----------------------------------------------------------------------------------


def _table2(rows, readings, start, end, result: Tables, anchored: bool) -> None:
    region = rows[start:end]
    fmt = "F2019" if any(_F2019_T2.search(c) for r in region for c in _short(r)) else "F2021"
    table = "t2_2019" if fmt == "F2019" else "t2"
    specs = t2_rows(fmt)
    seen: set[str] = set()
    loose = _loose_repealed_counts(rows, start, end) if fmt == "F2021" else []
    for i in range(start, end):
        reading = readings[i]
        if not reading.label or not reading.candidates:
            continue
        if not anchored and not rows[i].in_table:
            continue
        for key, spec in specs.items():
            if key in seen or not spec["regex"].search(reading.label):
                continue
            slots = take_values(reading, len(spec["cols"]))
            if slots is None:
                result.warnings.append(f"table 二 row {reading.raw_label!r}: too many numbers")
                break
            if loose and len(spec["cols"]) == 3 and reading.value_count == 2:
                # 本年废止件数 printed with a note ("22（其中修订16件）") that the text layer lifted out
                # of the table: put it back, in order, and say so.
                numbers = [c for c in reading.candidates if c[1] == "value"]
                raw, value = loose.pop(0)
                slots = [Slot(numbers[0][0], numbers[0][2], []), Slot(raw, value, ["position_inferred"]),
                         Slot(numbers[1][0], numbers[1][2], [])]
            seen.add(key)
            for col, slot in zip(spec["cols"], slots):
                value, flags = slot.value, list(slot.flags)
                if col == "amount":
                    value, flags = _to_10k_yuan(slot, flags)
                result.add(Cell(table, key, col, value, slot.raw, flags, rows[i].where))
            break
    if seen:
        result.formats["t2"] = fmt


_REPEAL_NOTE = re.compile(r"^\(?(其中|含).{0,8}(修订|修改|失效|废止)")


def _loose_repealed_counts(rows: list[Row], start: int, end: int) -> list[tuple[str, int]]:
    """Lone numbers under 第二十条第（一）项 each followed by a 修订/失效 note line."""
    found = []
    for i in range(start, min(end, len(rows)) - 1):
        cells, following = rows[i].cells, rows[i + 1].cells
        if rows[i].in_table or len(cells) != 1 or len(following) != 1:
            continue
        kind, value, _ = classify(cells[0])
        if kind == "value" and isinstance(value, int) and _REPEAL_NOTE.search(compact(following[0])):
            found.append((cells[0], value))
    return found


def _to_10k_yuan(slot: Slot, flags: list[str]) -> tuple[Decimal | None, list[str]]:
    if slot.value is None:
        return None, flags
    unit = classify(slot.raw or "")[2]
    value = Decimal(slot.value)
    if unit == "元":
        return value / Decimal(10000), flags + ["unit_converted"]
    return value, flags


# ---- table 三 ----------------------------------------------------------------------------------


def _t3_row_rule(values: list) -> bool:
    if any(v is None for v in values[:6]) or values[6] is None:
        return False
    return sum(values[:6]) == values[6]


def _t3_key(reading: RowReading, seen: set[str]) -> str | None:
    label = reading.label or ""
    for key, spec in t3_rows().items():
        if not spec["regex"].search(label):
            continue
        if "after" in spec and not seen.intersection(spec["after"]):
            continue
        if spec.get("numbered") and "七" not in reading.numbering and not any(k.startswith("result.other") for k in seen):
            continue
        return key
    return None


def _table3(rows, readings, start, end, result: Tables) -> None:
    entries: list[tuple[str | None, list[Slot], str]] = []  # (key or None, slots, where)
    seen: set[str] = set()
    for i in range(start, end):
        reading = readings[i]
        key = _t3_key(reading, seen) if reading.label else None
        if key:
            seen.add(key)
        if reading.value_count == 0:
            continue
        if key is None and reading.value_count < 5:
            continue
        slots = take_values(reading, 7, _t3_row_rule)
        if slots is None:
            slots = _merge_split_numbers(reading)
            if slots is None:
                result.warnings.append(f"table 三 row at {rows[i].where}: more than 7 numbers")
                continue
        entries.append((key, slots, rows[i].where))
    if not entries:
        return
    placed = _place_unlabelled(entries, result)
    for key, slots, where in placed:
        if result.get("t3", key, "natural"):
            result.warnings.append(f"table 三 row {key} printed twice; the first is kept")
            continue
        for col, slot in zip(T3_COLS, slots):
            result.add(Cell("t3", key, col, slot.value, slot.raw, list(slot.flags), where))
    keys = {k for k, _, _ in placed}
    other_subitems = any(k.startswith("result.other.") for k in keys)
    result.formats["t3"] = "F2021" if other_subitems or "result.other" not in keys else "F2019"


def _merge_split_numbers(reading: RowReading) -> list[Slot] | None:
    """A text layer can print 12 as ``1`` ``2`` (拆格). Join one adjacent pair of single digits
    when that, and only that, makes the row total hold; flag it."""
    values = [(raw, v) for raw, kind, v in reading.candidates if kind == "value"]
    if len(values) != 8:
        return None
    fits = []
    for j in range(7):
        a, b = values[j], values[j + 1]
        if len(a[0].strip()) == 1 and len(b[0].strip()) == 1:
            merged = values[:j] + [(a[0] + b[0], int(a[0] + b[0]))] + values[j + 2:]
            if _t3_row_rule([v for _, v in merged]):
                fits.append(merged)
    if len(fits) != 1:
        return None
    return [Slot(raw, v, ["split_number_merged"]) for raw, v in fits[0]]


def _place_unlabelled(entries, result: Tables):
    """Gives label-less value rows the template rows between their labelled neighbours."""
    order = list(t3_rows())
    position = {k: i for i, k in enumerate(order)}
    aggregate = {k for k, spec in t3_rows().items() if spec.get("aggregate")}
    labelled = {k for k, _, _ in entries if k}
    placed = []
    i = 0
    while i < len(entries):
        if entries[i][0] is not None:
            placed.append(entries[i])
            i += 1
            continue
        j = i
        while j < len(entries) and entries[j][0] is None:
            j += 1
        run = entries[i:j]
        lo = position[entries[i - 1][0]] if i > 0 else -1
        hi = position[entries[j][0]] if j < len(entries) else len(order)
        gap = [k for k in order[lo + 1:hi] if k not in aggregate and k not in labelled]
        # At the table's edges the run sits against its one labelled neighbour.
        if lo < 0 and hi < len(order):
            gap = gap[-len(run):]
        elif hi == len(order) and lo >= 0:
            gap = gap[:len(run)]
        if gap and len(gap) == len(run):
            for key, (_, slots, where) in zip(gap, run):
                for slot in slots:
                    slot.flags.append("position_inferred")
                placed.append((key, slots, where))
        else:
            result.warnings.append(
                f"table 三: {len(run)} unlabelled row(s) at {run[0][2]} do not fit the {len(gap)} template row(s) between their neighbours"
            )
        i = j
    return placed


# ---- table 四 ----------------------------------------------------------------------------------


_T4_GROUP_PATTERNS = (("litigation.after_review", re.compile("复议后起诉")),
                      ("litigation.direct", re.compile("未经复议|直接起诉")), ("review", re.compile("行政复议")))


def _t4_group(label: str) -> str | None:
    for group, pattern in _T4_GROUP_PATTERNS:
        if pattern.search(label):
            return group
    return None


def _table4(rows, readings, start, result: Tables) -> None:
    """One row of 15 numbers; or, transposed, three rows of 5 each under a group label."""
    transposed: dict[str, tuple[list[Slot], str]] = {}
    group = None  # the group named by the latest label (a row label or a heading above the row)
    for i in range(start, len(rows)):
        reading = readings[i]
        if i > start and len(rows[i].cells) == 1 and _SECTION5.search(compact(rows[i].cells[0])):
            break
        if reading.label:
            group = _t4_group(reading.label) or group
        if reading.value_count >= 15:
            slots = take_values(reading, 15)
            if slots is None:
                result.warnings.append(f"table 四 row at {rows[i].where}: more than 15 numbers")
                return
            for key, slot in zip(T4_KEYS, slots):
                g, col = key.rsplit(".", 1)
                result.add(Cell("t4", g, col, slot.value, slot.raw, list(slot.flags), rows[i].where))
            result.formats["t4"] = "F2021"
            return
        if reading.value_count and group and group not in transposed:
            slots = take_values(reading, 5, lambda v: None not in v and sum(v[:4]) == v[4])
            if slots:
                transposed[group] = (slots, rows[i].where)
    if len(transposed) < 3:
        if transposed:
            result.warnings.append(f"table 四: only {len(transposed)} of the 3 groups found")
        return
    for g in T4_GROUPS:
        slots, where = transposed[g]
        for col, slot in zip(T4_COLS, slots):
            result.add(Cell("t4", g, col, slot.value, slot.raw, slot.flags + ["transposed"], where))
    result.formats["t4"] = "F2021"
