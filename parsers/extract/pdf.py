"""Text PDFs (made by Word/WPS): a fast text layer first, table geometry only where needed.

pypdfium2 reads the text layer about 30× faster than pdfplumber and, for the usual Word-made
report, its lines already hold whole table rows (``label v1 … v7``). It cannot show blank cells,
so when a table row comes out short, ``extract_pdf_tables`` re-reads just the pages that hold
table anchors with pdfplumber, whose ruling-line geometry keeps every cell.
"""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium

from ..blocks import Block, Paragraph, Table
from ..errors import DocumentError
from .lines import lines_to_blocks

_PAGE_NUMBER = re.compile(r"^[-—\s]*\d+[-—\s]*$|^第\s*\d+\s*页")
_TABLE_ANCHOR = re.compile(r"第二十条|本年新收|申请人情况|结转下|复议后起诉|未经复议|行政复议")


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            raise DocumentError("encrypted PDF (password required)") from None
        raise DocumentError(f"corrupt PDF ({error})") from None


def pdf_page_texts(data: bytes) -> list[str]:
    doc = _open(data)
    try:
        texts = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def extract_pdf(data: bytes) -> tuple[list[Block], int]:
    """Blocks from the text layer, and the page count."""
    texts = pdf_page_texts(data)
    if not any(t.strip() for t in texts):
        raise DocumentError("PDF has no text layer (a scan or images; OCR is not supported)")
    blocks: list[Block] = []
    for number, text in enumerate(texts, start=1):
        lines = [ln for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if not _PAGE_NUMBER.match(ln.strip())]
        blocks += lines_to_blocks(lines, where_prefix=f"page {number} line")
    return blocks, len(texts)


def extract_pdf_tables(data: bytes, pages: list[int] | None = None) -> list[Block]:
    """The document again, with pdfplumber's cell grids on the table pages (by default the pages
    that hold a table anchor); the other pages keep the fast text layer."""
    import pdfplumber  # only when a page's geometry is needed: it is the slow path

    texts = pdf_page_texts(data)
    if pages is None:
        pages = [i for i, text in enumerate(texts) if _TABLE_ANCHOR.search(re.sub(r"\s+", "", text))]
    blocks: list[Block] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, text in enumerate(texts):
            if index not in pages:
                lines = [ln for ln in text.splitlines() if not _PAGE_NUMBER.match(ln.strip())]
                blocks += lines_to_blocks(lines, where_prefix=f"page {index + 1} line")
                continue
            page = pdf.pages[index]
            found = page.find_tables()
            top = 0.0
            for t_number, table in enumerate(found, start=1):
                above = page.crop((0, top, page.width, max(top, table.bbox[1]))).extract_text() if table.bbox[1] > top else ""
                blocks += [Paragraph(ln, f"page {index + 1}") for ln in above.splitlines() if ln.strip()]
                rows = [[(cell or "").strip() for cell in row] for row in table.extract()]
                blocks.append(Table(rows=rows, where=f"page {index + 1} table {t_number}"))
                top = table.bbox[3]
            rest = page.crop((0, top, page.width, page.height)).extract_text() if top < page.height else ""
            blocks += [Paragraph(ln, f"page {index + 1}") for ln in rest.splitlines() if ln.strip() and not _PAGE_NUMBER.match(ln.strip())]
    return blocks

