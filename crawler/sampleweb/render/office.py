"""DOCX (python-docx, merged cells, repeating header rows), DOC and PDF (LibreOffice; reportlab without it)."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

from ..reports import Report
from .base import FIXED_TIME, FONT_PATH, _esc, _esc_br
from .grid import Grid, grids


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
