"""XLSX: one sheet per table, merged cells, a title row and a 填报 footer."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from ..reports import SECTION_HEADINGS, Report
from .grid import grids
from .office import _doc_time, normalize_zip


def _xlsx_value(text: str):
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(Decimal(text))
    return text or None


def render_xlsx(report: Report, **_) -> bytes:
    """One sheet per table (表二/表三/表四) with merged cells, a title row and a 填报 footer."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    wb.remove(wb.active)
    title = report.title.replace("\n", "")
    footer = [f"填报单位：{report.agency}"]
    if report.contacts.get("phone"):
        footer.append(f"联系电话：{report.contacts['phone']}")
    if report.date_text:
        footer.append(f"填报日期：{report.date_text}")
    captions = {"t2": SECTION_HEADINGS["active"], "t3": SECTION_HEADINGS["applications"],
                "t4": SECTION_HEADINGS["review_litigation"]}
    widths = {"t2": [22, 16, 16, 16], "t3": [8, 12, 34] + [10] * 7, "t4": [8] * 15}
    for name, grid in grids(report, t3_header="plain", t4_header="plain").items():
        ws = wb.create_sheet({"t2": "表二", "t3": "表三", "t4": "表四"}[name])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.ncols)
        ws.cell(1, 1, title).font = Font(name="宋体", size=14, bold=True)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        ws.cell(2, 1, captions[name]).font = Font(name="黑体", size=11)
        top = 3
        for r in range(len(grid.rows)):
            for c in range(grid.ncols):
                ws.cell(top + r, c + 1).border = border
        for r, c, cell in grid.positions():
            xc = ws.cell(top + r, c + 1, _xlsx_value(cell.text) if cell.kind == "value" else cell.text or None)
            xc.alignment = Alignment(horizontal="left" if cell.kind == "label" else "center",
                                     vertical="center", wrap_text=True)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=top + r, start_column=c + 1,
                               end_row=top + r + cell.rowspan - 1, end_column=c + cell.colspan)
        last = top + len(grid.rows) + 1
        ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=grid.ncols)
        ws.cell(last, 1, "　　".join(footer))
        for i, w in enumerate(widths[name], start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
    when = _doc_time(report)
    wb.properties.creator = wb.properties.lastModifiedBy = report.agency or "admin"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue(), when)
