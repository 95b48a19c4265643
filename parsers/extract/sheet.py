"""Spreadsheets (XLSX, XLS) to blocks: each sheet is its title as a Paragraph, then one Table.

Some agencies publish the report tables as a workbook. The grid is what the sheet shows: merged
ranges follow the blocks.py span rule (rows covered by a merge repeat the top-left text, columns
covered are ""), numbers print as people read them ("12", not "12.0"; "12.36" keeps its digits),
and trailing empty rows and columns (formatting that reaches row 1,048,576) are cut.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import xlrd

from parsers.blocks import Block, Paragraph, Table
from parsers.errors import DocumentError
from parsers.extract.ziplimits import check_zip

MAX_ROWS = 5000  # an annual report table has < 100 rows; this bounds a sheet styled to the end
MAX_COLS = 200


def extract_xlsx(data: bytes) -> list[Block]:
    """Every sheet of an XLSX workbook (cached formula values, not formulas)."""
    check_zip(data, "XLSX", "xl/workbook.xml")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, zip and XML errors alike
        raise DocumentError(f"corrupt XLSX: {type(exc).__name__}: {str(exc)[:120]}") from None
    blocks: list[Block] = []
    for number, sheet in enumerate(book.worksheets, start=1):
        rows = min(sheet.max_row, MAX_ROWS)
        cols = min(sheet.max_column, MAX_COLS)
        values = [list(row) for row in sheet.iter_rows(max_row=rows, max_col=cols, values_only=True)]
        merges = [(m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in sheet.merged_cells.ranges]
        blocks += _sheet_blocks(number, sheet.title, values, merges, _format)
    return blocks


def extract_xls(data: bytes) -> list[Block]:
    """Every sheet of a BIFF (.xls) workbook; merged cells need xlrd's formatting_info."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except Exception:  # some writers' formatting records trip xlrd; values are still readable
        try:
            book = xlrd.open_workbook(file_contents=data)
        except Exception as exc:
            raise DocumentError(f"corrupt XLS: {str(exc)[:160] or type(exc).__name__}") from None

    def fmt(cell) -> str:
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return _format(xlrd.xldate_as_datetime(cell.value, book.datemode))
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return _format(cell.value)
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return "TRUE" if cell.value else "FALSE"
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(cell.value, "#ERR")
        return _format(cell.value)

    blocks: list[Block] = []
    for number, sheet in enumerate(book.sheets(), start=1):
        rows, cols = min(sheet.nrows, MAX_ROWS), min(sheet.ncols, MAX_COLS)
        values = [[sheet.cell(r, c) for c in range(cols)] for r in range(rows)]
        merges = list(getattr(sheet, "merged_cells", []) or [])  # (rlo, rhi, clo, chi), hi exclusive
        blocks += _sheet_blocks(number, sheet.name, values, merges, fmt)
    return blocks


def _sheet_blocks(number, title, values, merges, fmt) -> list[Block]:
    """The sheet title and its grid, merges applied, empty margins trimmed."""
    grid = [[fmt(v) for v in row] for row in values]
    for r0, r1, c0, c1 in merges:
        if r0 >= len(grid) or not grid[r0] or c0 >= len(grid[r0]):
            continue
        text = grid[r0][c0]
        for r in range(r0, min(r1, len(grid))):
            for c in range(c0, min(c1, len(grid[r]))):
                grid[r][c] = text if c == c0 else ""
    while grid and not any(grid[-1]):
        grid.pop()
    width = max((max((i + 1 for i, v in enumerate(row) if v), default=0) for row in grid), default=0)
    grid = [(row + [""] * width)[:width] for row in grid]
    blocks: list[Block] = [Paragraph(str(title), where=f"sheet {number}")]
    if width:
        blocks.append(Table(rows=grid, where=f"sheet {number}"))
    return blocks


def _format(value) -> str:
    """A cell value as printed: integral floats without ".0", dates as ISO, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()
