"""DOCX to blocks: paragraphs and tables in body order, merged cells laid out on the grid.

Reports published as DOCX keep the table structure that PDF loses, so the table grid is built from
the WordprocessingML itself (``w:gridSpan``, ``w:vMerge``, ``w:gridBefore``/``w:gridAfter``) rather
than from python-docx's ``row.cells``, which repeats one ``_Cell`` for every grid column a cell spans
and for every row a vertical merge covers. We need the two spans treated differently (blocks.py):
rows covered by a vertical merge repeat the top text, columns covered by a horizontal span are "".

``word/document.xml`` is parsed with python-docx's own oxml parser (entities not resolved) instead of
``docx.Document``: the package loader rejects macro-enabled and template content types that portals
do serve as ``.docx``, and loads styles and media we never use.
"""

from __future__ import annotations

import io
import zipfile

from docx.oxml import parse_xml  # importing docx registers the w:* element classes
from docx.oxml.ns import qn

from parsers.blocks import Block, Paragraph, Table
from parsers.errors import DocumentError
from parsers.extract.ziplimits import check_zip

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
# Subtrees whose text is not running text (w:pPr holds tab-stop w:tab elements), or is stored
# twice (mc:Choice and mc:Fallback).
_SKIP = {
    qn("w:pPr"), qn("w:rPr"), qn("w:drawing"), qn("w:pict"), qn("w:object"), qn("w:txbxContent"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
}


def extract_docx(data: bytes) -> list[Block]:
    """The body of a DOCX as blocks; DocumentError if it is not a readable, sane DOCX."""
    check_zip(data, "DOCX", "word/document.xml")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("word/document.xml")
        document = parse_xml(xml)
    except Exception as exc:  # zlib, CRC, XML syntax: all mean "this file is broken"
        raise DocumentError(f"corrupt DOCX: word/document.xml is unreadable ({type(exc).__name__})") from None
    body = document.find(qn("w:body"))
    if body is None:
        raise DocumentError("corrupt DOCX: word/document.xml has no body")
    walker = _Walker()
    walker.container(body)
    return walker.blocks


class _Walker:
    """Collects blocks in reading order, numbering paragraphs and tables as it goes."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def container(self, element) -> None:
        """Body, table cell or content control: paragraphs and tables, in order."""
        for child in element.iterchildren():
            if child.tag == _P:
                text = paragraph_text(child).strip()
                if text:
                    self.paragraphs += 1
                    self.blocks.append(Paragraph(text, where=f"p {self.paragraphs}"))
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag in (_SDT, _CUSTOM_XML):
                content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
                if content is not None:
                    self.container(content)

    def table(self, tbl) -> None:
        """A data table becomes a Table; a layout table (one cell, or holding tables) is unwrapped."""
        tcs = tbl.findall(f"{_TR}/{_TC}")
        if len(tcs) <= 1 or tbl.find(f".//{_TC}//{_TBL}") is not None:
            for tc in tcs:
                self.container(tc)
            return
        rows = table_grid(tbl)
        if any(cell for row in rows for cell in row):
            self.tables += 1
            self.blocks.append(Table(rows=rows, where=f"table {self.tables}"))


def table_grid(tbl) -> list[list[str]]:
    """The table as a rectangular grid of strings, spans laid out per the blocks.py rule."""
    grid: list[list[str]] = []
    for tr in tbl.findall(_TR):
        row = [""] * tr.grid_before
        above = grid[-1] if grid else []
        for tc in tr.findall(_TC):
            col = len(row)
            if tc.vMerge == "continue":  # covered by the cell above: repeat its text
                row.append(above[col] if col < len(above) else "")
            else:
                row.append(cell_text(tc))
            row.extend([""] * (max(tc.grid_span, 1) - 1))
        row.extend([""] * tr.grid_after)
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid]


def cell_text(tc) -> str:
    """The cell's paragraphs joined by newlines (text of nested tables included, one row a line)."""
    lines = []
    for child in tc.iterchildren():
        if child.tag == _P:
            lines.append(paragraph_text(child).strip())
        elif child.tag == _TBL:
            lines.extend("\t".join(cells) for cells in table_grid(child))
        elif child.tag == _SDT:
            lines.extend(paragraph_text(p).strip() for p in child.iter(_P))
    return "\n".join(line for line in lines if line).strip()


def paragraph_text(p) -> str:
    """Visible text of a paragraph, including hyperlinks, fields and tracked insertions."""
    parts: list[str] = []
    stack = [p]
    while stack:
        element = stack.pop()
        tag = element.tag
        if tag in _SKIP:
            continue
        if tag == _T:
            parts.append(element.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        else:
            stack.extend(reversed(list(element.iterchildren())))
    return "".join(parts)
