"""Render a :class:`~crawler.sampleweb.reports.Report` into the input kinds real portals publish.

``render(report, kind, **options) -> bytes`` with ``kind`` one of :data:`KINDS`:

- ``html``: a TRS-like portal page (header, nav, breadcrumb, layout table, ``div.TRS_Editor``,
  发布日期, footer) with the three tables laid out like the official template (rowspan/colspan);
  ``encoding="gbk"`` writes a GB2312-labelled page encoded as GBK.
- ``docx`` (python-docx, merged cells, repeating header rows), ``xlsx`` (openpyxl, one sheet per
  table, merged cells), ``pdf`` (the DOCX converted by LibreOffice; reportlab when ``soffice`` is
  missing), ``doc`` (LibreOffice).
- text layouts of report-format.md §9.2: ``text_tika``, ``text_tabs``, ``text_pipes``,
  ``text_markdown``, ``text_cell_pipe``, ``text_split_headers``; ``text`` returns a seed's own text.

Every table is first built as a :class:`Grid` (rows of cells with spans, like HTML); each kind only
decides how to print a grid. The companion pages that are *not* reports (文字解读, 图解, the notice
about the report format, a list page) are built by the ``*_page`` functions at the end.
"""

from __future__ import annotations

import hashlib
import html
import io
import random
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from crawler.sampleweb.reports import (
    SECTION_HEADINGS, T2_BLOCKS_F2019, T2_BLOCKS_F2021, T2_PREFIX, T3_APPLICANT_HEADER, T3_COL_LABELS,
    T3_COLS, T3_GROUP_LABELS, T3_NOTE, T3_ORG_HEADER, T3_RESULT_BLOCK, T4_COL_LABELS, T4_COLS,
    T4_GROUPS, Report, t3_rows,
)

KINDS = ["html", "docx", "xlsx", "pdf", "doc", "text", "text_tika", "text_tabs", "text_pipes",
         "text_markdown", "text_cell_pipe", "text_split_headers"]
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FIXED_TIME = datetime(2024, 1, 1, 9, 0, 0)


def render(report: Report, kind: str, **options) -> bytes:
    """The document bytes of ``report`` as ``kind`` (see the module docstring for options)."""
    try:
        fn = _RENDERERS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; one of {KINDS}") from None
    return fn(report, **options)


# =============================================================================================
# Table grids
# =============================================================================================

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


# =============================================================================================
# HTML
# =============================================================================================

_CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f4f4f4}
.header{background:#b80f0f;color:#fff;height:96px}.header .logo{width:1000px;margin:0 auto;font-size:30px;line-height:96px}
.nav{background:#9d0b0b}.nav ul{width:1000px;margin:0 auto;padding:0;list-style:none;overflow:hidden}
.nav li{float:left}.nav a{display:block;color:#fff;padding:0 22px;line-height:42px;text-decoration:none}
.location{width:1000px;margin:10px auto;font-size:13px}.main-table{background:#fff}
.article-title{text-align:center;font-size:24px;font-weight:bold;padding:24px 0 8px}
.article-info{text-align:center;color:#888;border-bottom:1px dashed #ccc;padding-bottom:8px}
.TRS_Editor{padding:20px 40px}.TRS_Editor p{text-indent:2em;margin:6px 0}
.TRS_Editor table{border-collapse:collapse;margin:8px auto}.TRS_Editor td{border:1px solid #000;padding:2px 4px;text-align:center}
.footer{background:#333;color:#ccc;text-align:center;padding:20px 0;font-size:12px;margin-top:20px}"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _esc_br(text: str, br: str = "<br>") -> str:
    return br.join(_esc(part) for part in text.split("\n"))


def _site(report_or_county: Report | str) -> tuple[str, str]:
    """(site name, home url) of the portal a report sits on."""
    if isinstance(report_or_county, Report):
        rec = report_or_county.record
        county = rec.get("county") or rec.get("city") or rec.get("province") or ""
        home = report_or_county.contacts.get("website", "/")
    else:
        county, home = report_or_county, "/"
    return f"{county}人民政府", home


def portal_page(title: str, content: str, *, site: str, home: str = "/", published: str | None = None,
                source: str | None = None, crumbs: list[tuple[str, str]] | None = None,
                encoding: str = "utf-8", page_title: str | None = None) -> bytes:
    """A TRS-style portal page around ``content`` (already HTML). ``encoding``: utf-8 | gbk."""
    crumbs = crumbs or [("政府信息公开", "/zwgk/"), ("政府信息公开年报", "/zwgk/ndbg/")]
    charset = "gb2312" if encoding.lower() in {"gbk", "gb2312", "gb18030"} else "utf-8"
    crumb_html = " &gt; ".join([f'<a href="{_esc(home)}">首页</a>']
                               + [f'<a href="{_esc(u)}">{_esc(t)}</a>' for t, u in crumbs])
    info = []
    if published:
        info.append(f"发布日期：{_esc(published)}")
    info.append(f"来源：{_esc(source or site)}")
    info.append('浏览次数：<span id="visitcount">--</span>')
    meta_pub = f'\n<meta name="PubDate" content="{_esc(published)} 09:30">' if published else ""
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{_esc(page_title or title)}_{_esc(site)}</title>
<meta name="SiteName" content="{_esc(site)}">
<meta name="ColumnName" content="{_esc(crumbs[-1][0])}">
<meta name="ArticleTitle" content="{_esc(title.replace(chr(10), ''))}">{meta_pub}
<meta name="ContentSource" content="{_esc(source or site)}">
<style>
{_CSS}
</style>
</head>
<body>
<div class="header"><div class="logo">{_esc(site)}</div></div>
<div class="nav"><ul>
<li><a href="{_esc(home)}">首页</a></li><li><a href="/zwdt/">政务动态</a></li><li><a href="/zwgk/">政府信息公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxq/">走进{_esc(site[:-4])}</a></li>
</ul></div>
<div class="location">当前位置：{crumb_html}</div>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="main-table">
<tr>
<td valign="top">
<div class="article-title">{_esc_br(title)}</div>
<div class="article-info">{"　　".join(info)}</div>
{content}
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</td>
</tr>
</table>
<div class="footer">
<p>主办单位：{_esc(site)}办公室　承办单位：{_esc(site)}大数据中心</p>
<p>网站标识码：{hashlib.sha1(site.encode()).hexdigest()[:10].upper()}　ICP备案号：ICP备05000000号-1　公安机关备案号：00000002000001号</p>
<p>建议使用1280×1024分辨率、IE9及以上版本浏览器浏览本网站</p>
</div>
</body>
</html>
"""
    if charset == "gb2312":
        return page.encode("gbk", errors="xmlcharrefreplace")
    return page.encode("utf-8")


def _html_table(grid: Grid) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;">',
           "<tbody>"]
    for row in grid.rows:
        tds = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            style = "text-align:left" if cell.kind == "label" else "text-align:center"
            tds.append(f'<td{attrs} style="{style}">{_esc_br(cell.text) if cell.text else "&nbsp;"}</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def article_html(report: Report, *, container: str = "TRS_Editor", heading_style: str = "h3",
                 t3_header: str = "plain", t4_header: str = "words") -> str:
    """The report as an article body (``<div class=container>``) with the three tables inline."""
    tables = grids(report, t3_header=t3_header, t4_header=t4_header)
    parts = [f'<div class="{_esc(container)}">']
    for kind, text in report.blocks:
        if kind == "title":
            continue  # printed as the article title
        if kind == "heading":
            parts.append(f"<h3>{_esc(text)}</h3>" if heading_style == "h3"
                         else f'<p style="text-indent:2em"><strong>{_esc(text)}</strong></p>')
        elif kind == "subheading":
            parts.append(f'<p style="text-indent:2em"><strong>{_esc(text)}</strong></p>')
        elif kind == "para":
            parts.append(f'<p style="text-indent:2em">{_esc(text)}</p>')
        elif kind == "table":
            parts.append(_html_table(tables[text]))
        elif kind in ("signoff", "date"):
            parts.append(f'<p style="text-align:right">{_esc(text)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def render_html(report: Report, *, encoding: str = "utf-8", heading_style: str = "h3",
                t3_header: str = "plain", t4_header: str = "words", **_) -> bytes:
    """A portal detail page with the report inline (heading_style ``h3`` | ``strong``)."""
    content = article_html(report, heading_style=heading_style, t3_header=t3_header, t4_header=t4_header)
    site, home = _site(report)
    return portal_page(report.title, content, site=site, home=home, published=report.published,
                       source=report.agency, encoding=encoding, page_title=report.title.replace("\n", ""))


# =============================================================================================
# DOCX (and, through LibreOffice, PDF and DOC)
# =============================================================================================

def _east_asian(rpr, name: str) -> None:
    from docx.oxml.ns import qn

    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _docx_font(run, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a run's Latin font to Times New Roman and its East Asian font to ``name``."""
    from docx.shared import Pt

    run.font.name = "Times New Roman"
    _east_asian(run._element.get_or_add_rPr(), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _docx_table(doc, grid: Grid, widths_cm: list[float], font_size: float, row_height_cm: float | None):
    from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)
    for r, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))
        if r < grid.header_rows:
            tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
        if row_height_cm:
            row.height = Cm(row_height_cm)
    positions = list(grid.positions())
    for r, c, cell in positions:
        if cell.rowspan > 1 or cell.colspan > 1:
            table.cell(r, c).merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
    cells = table._cells  # python-docx rebuilds this list on every table.cell() call: read it once
    for r, c, cell in positions:
        target = cells[r * grid.ncols + c]
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = target.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.kind == "label" else WD_ALIGN_PARAGRAPH.CENTER
        if cell.text:
            _docx_font(p.add_run(cell.text), "宋体", font_size, bold=cell.kind == "head" and grid.name != "t3")
    return table


def render_docx(report: Report, *, t3_header: str = "words", t4_header: str = "chars", total_top: bool = False,
                t3_row_height_cm: float | None = None, **_) -> bytes:
    """A Word document: title, headings, paragraphs and the three tables with real merged cells.

    ``t3_row_height_cm`` sets a minimum row height for table 三 (tall rows make it span two pages;
    its three header rows repeat on the next page).
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.0), Cm(2.8)
    sec.left_margin, sec.right_margin = Cm(2.6), Cm(2.4)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    normal.font.name = "Times New Roman"
    _east_asian(normal.element.get_or_add_rPr(), "仿宋_GB2312")
    tables = grids(report, t3_header=t3_header, t4_header=t4_header, total_top=total_top)
    widths = {"t2": [4.6, 3.6, 3.6, 3.6], "t3": [1.2, 1.7, 4.2] + [1.2] * 7, "t4": [1.06] * 15}
    for kind, text in report.blocks:
        if kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _docx_font(p.add_run(text), "方正小标宋简体", 20, bold=True)
        elif kind == "heading":
            p = doc.add_heading(level=2)
            run = p.add_run(text)
            _docx_font(run, "黑体", 14, bold=True)
            run.font.color.rgb = RGBColor(0, 0, 0)
        elif kind == "subheading":
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(24)
            _docx_font(p.add_run(text), "楷体_GB2312", 12, bold=True)
        elif kind == "para":
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(24)
            _docx_font(p.add_run(text), "仿宋_GB2312", 12)
        elif kind == "table":
            grid = tables[text]
            _docx_table(doc, grid, widths[text], 9 if text == "t4" else 10,
                        t3_row_height_cm if text == "t3" else None)
            doc.add_paragraph()
        elif kind in ("signoff", "date"):
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _docx_font(p.add_run(text), "仿宋_GB2312", 12)
    props = doc.core_properties
    when = _doc_time(report)
    props.title = report.title.replace("\n", "")
    props.author = props.last_modified_by = report.agency or "admin"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    props.comments = ""
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue(), when)


def _doc_time(report: Report) -> datetime:
    if report.published:
        d = date.fromisoformat(report.published)
        return datetime(d.year, d.month, d.day, 9, 0, 0)
    return FIXED_TIME


def normalize_zip(data: bytes, when: datetime = FIXED_TIME) -> bytes:
    """Rewrite an OOXML zip with fixed timestamps (and fixed core-property dates) for stable bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


def soffice_convert(data: bytes, src_ext: str, target: str, timeout: int = 240) -> bytes:
    """Convert a document with LibreOffice headless (a private profile dir, so runs never clash)."""
    exe = shutil.which("soffice")
    if not exe:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / f"report.{src_ext}"
        src.write_bytes(data)
        out_dir = tmp_path / "out"
        cmd = [exe, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", target, "--outdir", str(out_dir), str(src)]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
                                   "TZ": "UTC"})
        produced = list(out_dir.glob("report.*"))
        if not produced:
            raise RuntimeError(f"soffice produced nothing: {proc.stderr.decode(errors='replace')[-500:]}")
        return produced[0].read_bytes()


def stabilize_pdf(data: bytes, when: datetime = FIXED_TIME) -> bytes:
    """Overwrite the creation/modification dates and the /ID of a PDF in place (same lengths)."""
    stamp = when.strftime("%Y%m%d%H%M%S")

    def fix_date(m: re.Match) -> bytes:
        old = m.group(2)
        new = (stamp.encode() + old[14:]) if len(old) >= 14 else old
        return m.group(1) + new

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)([0-9]{14})", fix_date, data)
    data = re.sub(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)",
                  lambda m: m.group(1) + when.strftime("%Y-%m-%dT%H:%M:%S").encode(), data)
    volatile = rb"/ID\s*\[[^\]]*\]|/DocChecksum\s*/[0-9A-Fa-f]+"
    digest = hashlib.md5(re.sub(volatile, b"", data)).hexdigest().upper().encode()
    data = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)", lambda m: m.group(1) + digest[: len(m.group(2))], data)

    def fix_id(m: re.Match) -> bytes:
        return re.sub(rb"<([0-9A-Fa-f]+)>", lambda h: b"<" + (digest * 4)[: len(h.group(1))] + b">", m.group(0))

    data = re.sub(rb"/ID\s*\[[^\]]*\]", fix_id, data)
    data = re.sub(rb"(uuid:)[0-9a-f-]{36}", lambda m: m.group(1) + _uuid_like(digest), data)
    return data


def _uuid_like(digest: bytes) -> bytes:
    h = digest.decode().lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}".encode()


def render_pdf(report: Report, *, engine: str = "auto", **options) -> bytes:
    """A text PDF: the DOCX converted by LibreOffice (``engine="soffice"``), else reportlab."""
    if engine == "soffice" or (engine == "auto" and soffice_available()):
        pdf = soffice_convert(render_docx(report, **options), "docx", "pdf")
        return stabilize_pdf(pdf, _doc_time(report))
    return _render_pdf_reportlab(report, **options)


def render_doc(report: Report, **options) -> bytes:
    """A legacy binary Word document (LibreOffice's ``MS Word 97`` filter)."""
    return soffice_convert(render_docx(report, **options), "docx", "doc:MS Word 97")


def _reportlab_font(font: str) -> str:
    """``ttf``: WenQuanYi embedded (needs Debian's fonts-wqy-zenhei); ``cid``: Adobe's STSong-Light,
    not embedded, which every PDF reader and text extractor knows — no system font needed, so the
    sample portals can make PDFs on any machine."""
    from reportlab.pdfbase import pdfmetrics

    if font == "ttf" or (font == "auto" and Path(FONT_PATH).exists()):
        if "WQY" not in pdfmetrics.getRegisteredFontNames():
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("WQY", FONT_PATH, subfontIndex=0))
        return "WQY"
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _render_pdf_reportlab(report: Report, *, t3_row_height_cm: float | None = None, font: str = "auto",
                          **_) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _reportlab_font(font)
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=17, wordWrap="CJK", firstLineIndent=22)
    title_st = ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, firstLineIndent=0)
    head_st = ParagraphStyle("head", parent=base, fontSize=13, leading=22, firstLineIndent=0)
    right_st = ParagraphStyle("right", parent=base, alignment=2, firstLineIndent=0)
    cell_st = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK", alignment=1)
    tables = grids(report, t3_header="words", t4_header="chars")
    widths = {"t2": [4.6, 3.6, 3.6, 3.6], "t3": [1.2, 1.7, 4.2] + [1.2] * 7, "t4": [1.06] * 15}
    story = []
    for kind, text in report.blocks:
        if kind == "title":
            story.append(Paragraph(_esc_br(text, "<br/>"), title_st))
        elif kind in ("heading", "subheading"):
            story.append(Paragraph(_esc(text), head_st))
        elif kind == "para":
            story.append(Paragraph(_esc(text), base))
        elif kind in ("signoff", "date"):
            story.append(Paragraph(_esc(text), right_st))
        elif kind == "table":
            grid = tables[text]
            data = [["" for _ in range(grid.ncols)] for _ in grid.rows]
            style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            for r, c, cell in grid.positions():
                data[r][c] = Paragraph(_esc_br(cell.text, "<br/>"), cell_st)
                if cell.rowspan > 1 or cell.colspan > 1:
                    style.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            heights = None
            if text == "t3" and t3_row_height_cm:
                heights = [None] * grid.header_rows + [t3_row_height_cm * cm] * (len(grid.rows) - grid.header_rows)
            story.append(Table(data, colWidths=[w * cm for w in widths[text]], rowHeights=heights,
                               repeatRows=grid.header_rows, style=TableStyle(style)))
            story.append(Spacer(1, 8))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=report.title.replace("\n", ""), author=report.agency,
                      creator="WPS Office", invariant=1, leftMargin=2.4 * cm, rightMargin=2.4 * cm).build(story)
    return buf.getvalue()


# =============================================================================================
# XLSX
# =============================================================================================

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


# =============================================================================================
# Text layouts (report-format.md §9.2)
# =============================================================================================

def _text_document(report: Report, table_lines, *, gap: bool, markdown: bool = False,
                   lead_blank: bool = False) -> bytes:
    """The whole report as text: prose lines as printed, each table through ``table_lines``."""
    out: list[str] = [""] if lead_blank else []
    for kind, text in report.blocks:
        if kind == "table":
            if gap and out and out[-1] != "":
                out.append("")
            out += table_lines(text)
            out.append("")
            continue
        if kind == "title":
            lines = text.split("\n")
            out += [f"# {line}" for line in lines] if markdown else lines
        elif kind == "heading" and markdown:
            out.append(f"## {text}")
        else:
            out.append(text)
        if gap:
            out.append("")
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


def _full_rows(grid: Grid, join_lines: str = " ") -> list[list[str]]:
    """Every grid position's text; covered positions (colspan or rowspan) are ``""``."""
    return [[cell.text.replace("\n", join_lines) if role == "origin" else "" for cell, role in row]
            for row in grid.matrix()]


def _docx_rows(grid: Grid) -> list[list[str]]:
    """The cells a DOCX row holds: spanning cells once, a vertical-merge continuation as ``""``."""
    out = []
    for row in grid.matrix():
        cells, last = [], None
        for cell, role in row:
            if cell is last:
                continue
            last = cell
            cells.append(cell.text if role == "origin" else "")
        out.append(cells)
    return out


def render_text(report: Report, **options) -> bytes:
    """A seed's own extracted text; for synthetic reports the Tika layout."""
    if report.source_text is not None:
        return report.source_text.encode("utf-8")
    return render_text_tika(report, **options)


def render_text_tika(report: Report, **_) -> bytes:
    """Apache Tika's DOCX text: one cell per line after a tab, a blank line ends a row."""
    tables = grids(report, t3_header="words", t4_header="chars")

    def lines(name: str) -> list[str]:
        out = []
        for row in _docx_rows(tables[name]):
            for text in row:
                first, *rest = text.split("\n")
                out.append("\t" + first)
                out += rest
            out.append("")
        return out

    return _text_document(report, lines, gap=False, lead_blank=True)


def render_text_tabs(report: Report, *, split_group: str | None = "not_processed", **_) -> bytes:
    """PDF text with tab-separated cells, one row per line (seeds 001/004).

    Colspans leave padding cells; for some rows the empty leading cells of a merged column are
    dropped, so the label sits in column 0 instead of 1. ``split_group`` prints that group label
    across a page break (``(五) 不`` … blank line … ``予处理``), as in seed 004.
    """
    tables = grids(report, t3_header="plain", t4_header="words", total_top=True, halfwidth=True)
    rng = random.Random(f"tabs:{report.name}")
    split_label = T3_GROUP_LABELS.get(split_group or "", None)

    def lines(name: str) -> list[str]:
        grid = tables[name]
        rows = _full_rows(grid)
        out, carry = [], None
        for r, row in enumerate(rows):
            row = list(row)
            broken = False
            if carry is not None:
                row[carry[0]] = carry[1]
                carry = None
            if name == "t3" and split_label:
                lab = re.sub(r"^（(.)）", r"(\1) ", split_label)
                if lab in row:
                    c = row.index(lab)
                    row[c], carry, broken = lab[:-3], (c, lab[-3:]), True
            if r >= grid.header_rows and row[0] == "" and rng.random() < 0.3:
                k = next((i for i, t in enumerate(row) if t), 0)
                row = row[k:] + [""] * k
            out.append("\t".join(row))
            if broken:
                out.append("")
        return out

    return _text_document(report, lines, gap=True, lead_blank=True)


def render_text_pipes(report: Report, **_) -> bytes:
    """Rows as ``a | b | c`` (a table extractor's plain dump)."""
    tables = grids(report, t3_header="plain", t4_header="plain")
    return _text_document(report, lambda n: [" | ".join(row).rstrip() for row in _full_rows(tables[n])], gap=True)


def render_text_markdown(report: Report, **_) -> bytes:
    """Markdown: ``#`` title, ``##`` headings, pipe tables with a ``|---|`` line under the first row."""
    tables = grids(report, t3_header="plain", t4_header="plain")

    def lines(name: str) -> list[str]:
        rows = [[t.replace("|", "\\|") for t in row] for row in _full_rows(tables[name])]
        md = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        return md + ["| " + " | ".join(row) + " |" for row in rows[1:]]

    return _text_document(report, lines, gap=True, markdown=True)


def render_text_cell_pipe(report: Report, **_) -> bytes:
    """One cell per line, each ending in `` |``; a blank line ends a row."""
    tables = grids(report, t3_header="plain", t4_header="plain")

    def lines(name: str) -> list[str]:
        out = []
        for row in _full_rows(tables[name]):
            out += [f"{text} |" for text in row]
            out.append("")
        return out

    return _text_document(report, lines, gap=True)


def render_text_split_headers(report: Report, **_) -> bytes:
    """Tab rows whose header cells are split over several lines (``商业`` / ``企业``, ``结`` / ``果`` / …)."""
    tables = grids(report, t3_header="words", t4_header="chars")

    def lines(name: str) -> list[str]:
        grid = tables[name]
        out = []
        for r, row in enumerate(grid.matrix()):
            texts = [cell.text if role == "origin" else "" for cell, role in row]
            if r < grid.header_rows:
                parts = [t.split("\n") for t in texts]
                for i in range(max(len(p) for p in parts)):
                    out.append("\t".join(p[i] if i < len(p) else "" for p in parts))
            else:
                out.append("\t".join(t.replace("\n", "") for t in texts))
        return out

    return _text_document(report, lines, gap=True)


_RENDERERS = {
    "html": render_html, "docx": render_docx, "xlsx": render_xlsx, "pdf": render_pdf, "doc": render_doc,
    "text": render_text, "text_tika": render_text_tika, "text_tabs": render_text_tabs,
    "text_pipes": render_text_pipes, "text_markdown": render_text_markdown,
    "text_cell_pipe": render_text_cell_pipe, "text_split_headers": render_text_split_headers,
}

# =============================================================================================
# Pages that are not reports
# =============================================================================================


def interpretation_page(report: Report, *, encoding: str = "utf-8") -> bytes:
    """A 文字解读 page about ``report``: it quotes the report's numbers but is not the report."""
    rec, year = report.record, report.year
    title = f"文字解读：《{report.title.replace(chr(10), '')}》"
    paras = [
        f"近日，{report.agency}发布了《{report.title.replace(chr(10), '')}》。现将报告主要内容解读如下：",
        "一、主动公开方面",
        f"{year}年，{report.agency}坚持以公开为常态、不公开为例外，通过政府门户网站、政务新媒体等渠道及时发布各类政府信息，"
        f"全年处理行政许可决定{rec.get('t2.licensing.decisions', 0)}件、行政处罚决定{rec.get('t2.penalty.decisions', 0)}件。",
        "二、依申请公开方面",
        f"全年新收政府信息公开申请{rec.get('t3.apply.new.total', 0)}件，均在法定期限内予以答复，"
        f"结转下年度继续办理{rec.get('t3.apply.carried_out.total', 0)}件。",
        "三、行政复议和行政诉讼方面",
        f"全年因政府信息公开引发行政复议{rec.get('t4.review.total', 0)}件。",
        "下一步，将持续深化政务公开，不断提升政府信息公开工作质量。",
    ]
    body = '<div class="TRS_Editor">' + "\n".join(
        f'<p style="text-indent:2em">{_esc(p)}</p>' for p in paras) + "</div>"
    site, home = _site(report)
    return portal_page(title, body, site=site, home=home, published=report.published, source=report.agency,
                       crumbs=[("政府信息公开", "/zwgk/"), ("政策解读", "/zwgk/zcjd/")], encoding=encoding)


def infographic_page(report: Report, *, encoding: str = "utf-8") -> bytes:
    """A 图解 (一图读懂) page: images with short captions."""
    title = f"一图读懂｜{report.title.replace(chr(10), '')}"
    stem = hashlib.sha1(report.name.encode()).hexdigest()[:12]
    body = ['<div class="TRS_Editor">', f'<p style="text-align:center">图解：{_esc(report.agency)}{report.year}年'
            "政府信息公开工作年度报告</p>"]
    for i in range(1, 4):
        body.append(f'<p style="text-align:center"><img src="./W0{stem}{i}.png" alt="图解{i}" '
                    f'title="图解{i}" width="640" oldsrc="W0{stem}{i}.png"></p>')
    body.append(f'<p>相关链接：<a href="./t{report.year + 1}0118_{stem[:6]}.html">'
                f"{_esc(report.title.replace(chr(10), ''))}</a></p>")
    body.append("</div>")
    site, home = _site(report)
    return portal_page(title, "\n".join(body), site=site, home=home, published=report.published,
                       source=report.agency, crumbs=[("政府信息公开", "/zwgk/"), ("图解政策", "/zwgk/tjzc/")],
                       encoding=encoding)


def notice_page(county: str, year: int, *, published: str | None = None, encoding: str = "utf-8") -> bytes:
    """The county's notice about compiling the ``year`` reports (cites the format; not a report)."""
    title = f"关于做好{year}年度政府信息公开工作年度报告编制工作的通知"
    office = f"{county}人民政府办公室"
    paras = [
        "各街道办事处，区政府各部门、各直属机构：",
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定和上级工作要求，现就做好{year}年度政府信息公开工作"
        "年度报告（以下简称年度报告）编制和发布工作通知如下：",
        "一、严格执行报告格式",
        "各单位要严格按照《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
        "（国办公开办函〔2021〕30号）要求编制年度报告，内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六部分。",
        "二、确保数据准确",
        "“本年新收政府信息公开申请数量”“上年结转政府信息公开申请数量”“结转下年度继续办理”等数据要与台账一致，"
        "确保表格勾稽关系正确；上年结转数量应与上一年度报告中的结转下年度继续办理数量一致。",
        "三、按时公开发布",
        f"各单位年度报告经本单位主要负责同志审定后，于{year + 1}年1月31日前在区政府门户网站“政府信息公开年报”栏目公开，"
        f"并报送区政务公开办备案。",
        "联系人：政务公开办　联系电话：略",
    ]
    body = ['<div class="TRS_Editor">'] + [f'<p style="text-indent:2em">{_esc(p)}</p>' for p in paras]
    body += [f'<p style="text-align:right">{_esc(office)}</p>']
    if published:
        d = date.fromisoformat(published)
        body.append(f'<p style="text-align:right">{d.year}年{d.month}月{d.day}日</p>')
    body.append("</div>")
    return portal_page(title, "\n".join(body), site=f"{county}人民政府", published=published, source=office,
                       crumbs=[("政府信息公开", "/zwgk/"), ("通知公告", "/zwgk/tzgg/")], encoding=encoding)


def list_page(county: str, entries: list[tuple[str, str, str]], *, page: int = 0, pages: int = 1,
              column: str = "政府信息公开年报", encoding: str = "utf-8") -> bytes:
    """A TRS column list page: ``entries`` are (title, href, YYYY-MM-DD); pagination by createPageHTML."""
    items = "\n".join(f'<li><a href="{_esc(href)}" target="_blank" title="{_esc(t)}">{_esc(t)}</a>'
                      f"<span>{_esc(d)}</span></li>" for t, href, d in entries)
    body = f"""<div class="list-box">
<ul class="list">
{items}
</ul>
<div class="page"><script type="text/javascript">
var currentPage = {page};//所在页从0开始
var countPage = {pages}//共多少页
createPageHTML(countPage, currentPage, "index", "html");
</script></div>
</div>"""
    return portal_page(column, body, site=f"{county}人民政府",
                       crumbs=[("政府信息公开", "/zwgk/"), (column, "./")], encoding=encoding)
