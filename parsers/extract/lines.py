"""Turning lines of extracted text into paragraphs and table rows (spec §9.2).

Shared by the plain-text and the PDF text-layer extractors. Handles every text layout the seeds
and the spec show: Tika-DOCX (one cell per line starting with a tab, a blank line ends the row,
a tab-less line continues the cell), tab rows (PDF text with padding cells), pipe rows, markdown
pipe tables, one cell per line ending in ``|``, and space-separated rows whose values trail the
label (a PDF text layer).
"""

from __future__ import annotations

import re

from ..blocks import Block, Paragraph, Table
from ..cells import classify
from ..normalize import compact

_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_SENTENCE_END = re.compile(r"[。；;！？!?：:]\s*$")
_MAX_LABEL = 48  # compact characters; the longest template label has 34


def split_trailing_values(line: str) -> list[str] | None:
    """``4.无正当理由大量反复 申请 0 0 1`` → [label, "0", "0", "1"]; None if no value trails.

    Only whitespace-separated tokens at the end of the line count as values, and the label before
    them must be short, so running prose that happens to end in a number stays prose.
    """
    tokens = line.split()
    values: list[str] = []
    while tokens and classify(tokens[-1])[0] in ("value", "blank") and tokens[-1] not in ("无",):
        values.insert(0, tokens.pop())
    if not values or not any(classify(v)[0] == "value" for v in values):
        return None
    label = " ".join(tokens)
    if len(compact(label)) > _MAX_LABEL:
        return None
    if not label and len(values) < 2:
        return None  # a lone number (page number, loose footnote) is not a row
    return [label, *values] if label else values


def _pipe_cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def _is_continuation(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= 12 and not _SENTENCE_END.search(text) and not text.startswith(("一、", "二、", "三、", "四、", "五、", "六、"))


def lines_to_blocks(lines: list[str], where_prefix: str = "line", first_line: int = 1) -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[str]] = []
    rows_start = 0
    cell_row: list[str] | None = None  # a Tika row being accumulated cell by cell
    cell_row_pipe = False  # the row is in the one-cell-per-line-ending-in-| layout

    def flush_table(lineno: int) -> None:
        nonlocal rows
        if rows:
            blocks.append(Table(rows=rows, where=f"{where_prefix} {rows_start}-{lineno}"))
            rows = []

    def add_row(cells: list[str], lineno: int) -> None:
        nonlocal rows_start
        if not rows:
            rows_start = lineno
        rows.append(cells)

    def close_cell_row(lineno: int) -> None:
        nonlocal cell_row
        if cell_row is not None:
            add_row(cell_row, lineno)
            cell_row = None

    for offset, raw in enumerate(lines):
        lineno = first_line + offset
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped and not line.startswith("\t"):
            close_cell_row(lineno)
            continue
        if _MD_SEPARATOR.match(line):
            continue
        internal_tab = "\t" in line.strip("\t")
        if line.startswith("\t") and not internal_tab:
            # Tika shape: one cell per line (a bare tab is an empty cell).
            if cell_row is None:
                cell_row = []
            cell_row.append(line.strip())
            cell_row_pipe = False
            continue
        if stripped.endswith("|") and stripped.count("|") == 1:
            if cell_row is None:
                cell_row = []
            cell_row.append(stripped[:-1].strip())
            cell_row_pipe = True
            continue
        if cell_row is not None and not cell_row_pipe and "\t" not in line and "|" not in line and _is_continuation(line):
            cell_row[-1] = f"{cell_row[-1]}\n{stripped}" if cell_row else stripped
            continue
        close_cell_row(lineno)
        if internal_tab:
            add_row([c.strip() for c in line.split("\t")], lineno)
            continue
        if "|" in stripped and stripped.count("|") >= 2:
            add_row(_pipe_cells(stripped), lineno)
            continue
        trailing = split_trailing_values(stripped)
        if trailing is not None:
            add_row(trailing, lineno)
            continue
        flush_table(lineno)
        blocks.append(Paragraph(text=stripped, where=f"{where_prefix} {lineno}"))
    close_cell_row(first_line + len(lines))
    flush_table(first_line + len(lines))
    return blocks
