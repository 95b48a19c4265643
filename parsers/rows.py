"""Reading one table row: its label, its numbering and its values (spec §9.4).

The label is the *last* label cell of a row (cells before it are group labels, and numbers
before it are strays, like seed 000's ``0`` before （六）其他处理). The values are the value and
blank cells after it. When a row has fewer values than the table's width, a window of that width
is slid over the candidates; the row rule picks between windows that fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from .blocks import Block, Paragraph, Table
from .cells import classify
from .normalize import compact, split_numbering

MAX_LABEL = 60  # compact characters: longer text is prose, never a row label


@dataclass
class Row:
    cells: list[str]
    where: str
    in_table: bool


@dataclass
class RowReading:
    label: str | None  # compact, numbering stripped
    numbering: str
    raw_label: str | None
    candidates: list[tuple[str, str, int | Decimal | None]] = field(default_factory=list)  # (raw, kind, value)

    @property
    def value_count(self) -> int:
        return sum(1 for _, kind, _ in self.candidates if kind == "value")


@dataclass
class Slot:
    raw: str | None  # None: the row has no cell for this column
    value: int | Decimal | None
    flags: list[str]


def rows_of(blocks: list[Block]) -> list[Row]:
    rows: list[Row] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            rows.append(Row([block.text], block.where, False))
        elif isinstance(block, Table):
            for i, cells in enumerate(block.rows):
                rows.append(Row(list(cells), f"{block.where} row {i + 1}", True))
    return rows


def read_row(row: Row) -> RowReading:
    cells = row.cells
    classes = [classify(cell) for cell in cells]  # once per cell: the label search and the values share it
    label_at = -1
    for i, (kind, _, _) in enumerate(classes):
        if kind == "label" and len(compact(cells[i])) <= MAX_LABEL:
            label_at = i
    if label_at < 0:
        if len(cells) == 1 and len(compact(cells[0])) > MAX_LABEL:
            return RowReading(None, "", None)  # prose
        reading = RowReading(None, "", None)
    else:
        numbering, label = split_numbering(compact(cells[label_at]))
        reading = RowReading(label, numbering, cells[label_at])
    after = label_at + 1  # with no label: every cell
    reading.candidates = [(cell, kind, value) for cell, (kind, value, _) in zip(cells[after:], classes[after:])
                          if kind in ("value", "blank")]
    return reading


def take_values(
    reading: RowReading, width: int, row_rule: Callable[[list], bool] | None = None
) -> list[Slot] | None:
    """The row's ``width`` values, or None when it has more numbers than the table allows."""
    cands = reading.candidates
    numeric = [i for i, (_, kind, _) in enumerate(cands) if kind == "value"]
    if not numeric:
        return None
    if len(numeric) > width:
        return None
    if len(numeric) == width:
        return [Slot(cands[i][0], cands[i][2], []) for i in numeric]
    first, last = numeric[0], numeric[-1]
    windows = [s for s in range(max(0, last - width + 1), first + 1) if s + width <= len(cands)]
    if not windows:
        # Fewer cells than the width (a text layer that dropped blank cells): the numbers are kept
        # in order from the first column and the row is flagged, never padded with zeros.
        slots = [Slot(cands[i][0], cands[i][2], ["alignment_guess"]) for i in numeric]
        return slots + [Slot(None, None, ["missing", "alignment_guess"])] * (width - len(slots))
    chosen = windows[0]
    flags: list[str] = []
    if len(windows) > 1:
        flags = ["alignment_guess"]
        if row_rule:
            for s in windows:
                if row_rule([cands[j][2] for j in range(s, s + width)]):
                    chosen = s
                    break
    out = []
    for j in range(chosen, chosen + width):
        raw, kind, value = cands[j]
        out.append(Slot(raw, value, flags + (["blank"] if kind == "blank" else [])))
    return out
