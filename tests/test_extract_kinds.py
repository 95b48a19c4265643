"""Input-kind detection and the HTML, DOCX, XLSX/XLS and DOC extractors, on documents built here.

The DOC and XLS tests convert with LibreOffice and FAIL (not skip) when it is missing: CI installs
it, and a silently skipped converter test would hide a broken deployment.
"""

from __future__ import annotations

import io
import shutil
import struct
import zipfile

import docx
import openpyxl
import pytest

from parsers.blocks import Paragraph, Table
from parsers.errors import DocumentError
from parsers.extract.doc import convert, extract_doc
from parsers.extract.docx import extract_docx
from parsers.extract.html import extract_html
from parsers.extract.sheet import extract_xls, extract_xlsx
from parsers.sniff import decode_text, sniff_kind

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@pytest.fixture(scope="module")
def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail("LibreOffice (soffice) is not installed; the DOC/XLS tests need it "
                    "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)")
    return path


# ---------------------------------------------------------------- documents built for the tests

def make_docx() -> bytes:
    """Heading, a table with a vertical and a horizontal merge, a layout table, a closing line."""
    document = docx.Document()
    document.add_paragraph("某某局2023年政府信息公开工作年度报告")
    table = document.add_table(rows=4, cols=4)
    for r in range(4):
        for c in range(4):
            table.cell(r, c).text = f"{r}{c}"
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).merge(table.cell(0, 3)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "（三）不予公开"
    table.cell(1, 1).text = "1.属于国家秘密"
    document.add_paragraph("四、存在的主要问题")
    layout = document.add_table(rows=1, cols=1)  # one-cell wrapper around a data table
    layout.cell(0, 0).paragraphs[0].text = "表四"
    inner = layout.cell(0, 0).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "结果维持", "结果纠正"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "0", "1"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表三"
    sheet["A1"], sheet["B1"] = "三、本年度办理结果", "申请人情况"
    sheet.merge_cells("A1:A3")  # vertical: rows 2-3 repeat the text
    sheet.merge_cells("B1:D1")  # horizontal: C1, D1 are ""
    sheet.append([])  # row 4 stays empty
    sheet["B2"], sheet["C2"], sheet["D2"] = 12.0, 12.36, 7
    sheet["B3"], sheet["C3"], sheet["D3"] = 0.5, "无", None
    sheet.cell(row=40, column=30).number_format = "0.00"  # formatting far away, no value
    other = book.create_sheet("说明")
    other["A1"] = "单位：万元"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fake_ole2(stream: str) -> bytes:
    """Just enough Compound File for the sniffer: header, then a directory entry naming a stream."""
    entry = stream.encode("utf-16-le") + b"\x00\x00"
    entry = entry + b"\x00" * (64 - len(entry)) + struct.pack("<H", len(stream) * 2 + 2)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * (512 - 8)
    root = "Root Entry".encode("utf-16-le") + b"\x00\x00"
    return header + root.ljust(128, b"\x00") + entry.ljust(128, b"\x00") + b"\x00" * 256


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buffer.getvalue()


HTML = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某某区2023年政府信息公开工作年度报告_某某区人民政府</title>
<meta name="PubDate" content="2024-01-29 10:00">
<style>body { font-family: 宋体; }</style></head>
<body>
<table width="100%" class="layout"><tr><td>
  <table id="nav"><tr><td><a href="/">首页</a></td><td><a href="/zwgk">政务公开</a></td></tr></table>
  <div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 年度报告</div>
</td></tr>
<tr><td>
  <table><tr>
    <td class="left"><ul><li><a href="/a">机构概况</a></li><li><a href="/b">政策文件</a></li></ul></td>
    <td>
      <h1>某某区2023年政府信息公开工作年度报告</h1>
      <div class="info"><span>发布日期：</span>2024-01-29&nbsp;&nbsp;<span>来源：某某区政府办公室</span></div>
      <div class="TRS_Editor">
        <p>本报告由某某区人民政府办公室（堃镕）依据《中华人民共和国政府信息公开条例》编制。</p>
        <p>一、总体情况<br>2023年，我区主动公开政府信息1234条。</p>
        <table border="1">
          <tr><td colspan="3" rowspan="3">{note}</td><td colspan="7">申请人情况</td></tr>
          <tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
          <tr><td>商业<br/>企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
          <tr><td colspan="3">一、本年新收政府信息公开申请数量</td>
              <td>10</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>11</td></tr>
          <tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>
              <td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>
          <tr><td colspan="2">（二）部分公开</td>
              <td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
          <tr><td>（三）不予公开</td><td>1.属于国家秘密</td>
              <td>&nbsp;</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td> 0 </td></tr>
        </table>
        <p>二、其他需要报告的事项</p>
      </div>
    </td>
  </tr></table>
</td></tr>
<tr><td><div class="footer">版权所有：某某区人民政府 网站标识码：1234567890 地址：某某路1号</div></td></tr>
</table>
<script>var tip = "脚本里的中文不应出现";</script>
</body></html>
""".replace("{note}", NOTE)


# ---------------------------------------------------------------- sniffing and decoding

def test_sniff_kinds():
    assert sniff_kind(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj") == "pdf"
    assert sniff_kind(b"\xef\xbb\xbf\r\n%PDF-1.4\n") == "pdf"  # junk before the magic
    assert sniff_kind(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100) == "image"  # a "report.pdf"
    assert sniff_kind(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50) == "image"
    assert sniff_kind(b"GIF89a" + b"\x00" * 50) == "image"
    assert sniff_kind(HTML.encode("gbk")) == "html"
    assert sniff_kind("<p>表格</p>".encode()) == "html"
    assert sniff_kind(make_docx()) == "docx"
    assert sniff_kind(make_xlsx()) == "xlsx"
    assert sniff_kind(fake_ole2("WordDocument")) == "doc"
    assert sniff_kind(fake_ole2("Workbook")) == "xls"
    assert sniff_kind(fake_ole2("Book")) == "xls"
    assert sniff_kind(fake_ole2("PowerPoint Document")) == "unknown"
    assert sniff_kind(b"{\\rtf1\\ansi some text}") == "doc"
    assert sniff_kind(zip_of({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"})) == "ofd"
    assert sniff_kind(zip_of({"report.pdf": b"%PDF-1.4"})) == "zip"
    assert sniff_kind("一、总体情况\n\t自然人\t10\n".encode("utf-8")) == "text"
    assert sniff_kind("一、总体情况\n主动公开政府信息28条。\n".encode("gb18030")) == "text"
    assert sniff_kind("一、总体情况\n".encode("utf-16")) == "text"
    assert sniff_kind(b"") == "empty"
    assert sniff_kind(b" \r\n\t ") == "empty"
    assert sniff_kind(bytes(range(256)) * 8) == "unknown"


def test_decode_text():
    text = "某某区人民政府 堃 镕"
    assert decode_text(text.encode("gbk"), "gb2312") == text  # gb2312 label, GBK-only characters
    assert decode_text(text.encode("gbk")) == text
    assert decode_text(text.encode("utf-8"), "gb2312") == text  # stale label after a migration
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8"), "gbk") == text
    assert decode_text(text.encode("utf-16")) == text
    assert decode_text("政府資訊公開".encode("big5"), "big5") == "政府資訊公開"
    assert decode_text(text.encode("gbk"), "iso-8859-1") == text  # a Western label proves nothing
    assert decode_text(b"\x80\xff abc").endswith("abc")  # undecodable bytes never raise


# ---------------------------------------------------------------- HTML

def test_html_article_title_meta_paragraphs_and_grid():
    blocks = extract_html(HTML.encode("gbk"))
    assert blocks[0] == Paragraph("某某区2023年政府信息公开工作年度报告", where="title")
    meta = [b.text for b in blocks if isinstance(b, Paragraph) and b.where == "meta"]
    assert "PubDate: 2024-01-29 10:00" in meta
    assert any(line.startswith("发布日期：") and "2024-01-29" in line for line in meta)
    everything = " ".join(b.text if isinstance(b, Paragraph) else str(b.rows) for b in blocks)
    for chrome in ("首页", "当前位置", "机构概况", "版权所有", "脚本", "font-family"):
        assert chrome not in everything
    paragraphs = [b.text for b in blocks if isinstance(b, Paragraph) and b.where.startswith("p ")]
    assert "堃镕" in paragraphs[0]
    assert paragraphs[1:3] == ["一、总体情况", "2023年，我区主动公开政府信息1234条。"]
    assert paragraphs[-1] == "二、其他需要报告的事项"
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1 and tables[0].where == "table 1"
    rows = tables[0].rows
    assert all(len(row) == 10 for row in rows) and len(rows) == 7
    assert rows[0] == [NOTE, "", "", "申请人情况", "", "", "", "", "", ""]
    assert rows[1] == [NOTE, "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]
    assert rows[2] == [NOTE, "", "", "自然人", "商业\n企业", "科研机构", "社会公益组织", "法律服务机构",
                       "其他", "总计"]
    assert rows[3] == ["一、本年新收政府信息公开申请数量", "", "", "10", "1", "0", "0", "0", "0", "11"]
    assert rows[4][:4] == ["三、本年度办理结果", "（一）予以公开", "", "5"]
    assert rows[5][:4] == ["三、本年度办理结果", "（二）部分公开", "", "2"]
    assert rows[6] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "", "0", "0", "0", "0", "0", "0"]
    order = [type(b).__name__ for b in blocks if b.where.startswith(("p ", "table"))]
    assert order == ["Paragraph"] * 3 + ["Table", "Paragraph"]


def test_html_without_known_container_finds_the_text_block():
    page = """<html><head><meta charset="utf-8"><title>年度报告</title></head><body>
      <div id="top"><a href="/">首页</a> <a href="/x">新闻中心</a> <a href="/y">政务公开</a></div>
      <div class="wrap"><div class="left"><a href="/1">通知公告</a><a href="/2">政策解读</a></div>
        <div class="main"><h2>某某局2022年政府信息公开工作年度报告</h2>
          <div>一、总体情况。本机关认真贯彻落实政府信息公开条例，全年主动公开信息一百二十条。{filler}</div>
          <div>二、主动公开政府信息情况。详见下表，行政许可与行政处罚数量均按实际填报。</div>
          <table><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>3</td></tr></table>
        </div></div>
      <div class="bottom">主办单位：某某局</div></body></html>""".replace("{filler}", "依法依规办理申请。" * 30)
    blocks = extract_html(page.encode("utf-8"))
    assert blocks[0] == Paragraph("某某局2022年政府信息公开工作年度报告", where="title")
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert not any("首页" in t or "通知公告" in t or "主办单位" in t for t in texts)
    assert texts[1].startswith("一、总体情况") and len(texts) == 3  # heading not repeated
    assert [b.rows for b in blocks if isinstance(b, Table)] == [[["信息内容", "本年处理决定数量"], ["行政许可", "3"]]]


# ---------------------------------------------------------------- DOCX

def test_docx_order_and_merged_cells():
    blocks = extract_docx(make_docx())
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph", "Paragraph", "Table"]
    assert blocks[0] == Paragraph("某某局2023年政府信息公开工作年度报告", where="p 1")
    assert blocks[1].where == "table 1"
    assert blocks[1].rows == [
        ["项目", "申请人情况", "", ""],
        ["（三）不予公开", "1.属于国家秘密", "12", "13"],
        ["（三）不予公开", "21", "22", "23"],
        ["（三）不予公开", "31", "32", "33"],
    ]
    assert blocks[2].text == "四、存在的主要问题"
    assert blocks[3].text == "表四"  # the one-cell layout table is unwrapped
    assert blocks[4] == Table(rows=[["结果维持", "结果纠正"], ["0", "1"]], where="table 2")


def test_docx_corrupt_and_missing_body():
    with pytest.raises(DocumentError, match="corrupt DOCX"):
        extract_docx(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(DocumentError, match="word/document.xml"):
        extract_docx(zip_of({"[Content_Types].xml": b"<Types/>"}))


def test_docx_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    chunk = b"\0" * (16 * 1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(16):  # 256 MB of zeros, about 1 MB compressed
                member.write(chunk)
    bomb = buffer.getvalue()
    assert len(bomb) < 5 * 1024 * 1024
    with pytest.raises(DocumentError, match="zip bomb"):
        extract_docx(bomb)


# ---------------------------------------------------------------- spreadsheets

def test_xlsx_sheets_merges_and_numbers():
    blocks = extract_xlsx(make_xlsx())
    assert blocks[0] == Paragraph("表三", where="sheet 1")
    assert blocks[1] == Table(rows=[
        ["三、本年度办理结果", "申请人情况", "", ""],
        ["三、本年度办理结果", "12", "12.36", "7"],
        ["三、本年度办理结果", "0.5", "无", ""],
    ], where="sheet 1")
    assert blocks[2:] == [Paragraph("说明", where="sheet 2"), Table(rows=[["单位：万元"]], where="sheet 2")]
    with pytest.raises(DocumentError, match="XLSX"):
        extract_xlsx(zip_of({"xl/other.xml": b"<x/>"}))


def test_xls_via_libreoffice(soffice):
    xls = convert(make_xlsx(), "xls", suffix=".xlsx")
    assert sniff_kind(xls) == "xls"
    blocks = extract_xls(xls)
    assert blocks[0] == Paragraph("表三", where="sheet 1")
    assert blocks[1].rows == [
        ["三、本年度办理结果", "申请人情况", "", ""],
        ["三、本年度办理结果", "12", "12.36", "7"],
        ["三、本年度办理结果", "0.5", "无", ""],
    ]
    with pytest.raises(DocumentError, match="XLS"):
        extract_xls(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken")


# ---------------------------------------------------------------- DOC / WPS

def test_doc_via_libreoffice(soffice):
    doc = convert(make_docx(), "doc", suffix=".docx")
    assert sniff_kind(doc) == "doc"
    blocks = extract_doc(doc)
    assert blocks[0].text == "某某局2023年政府信息公开工作年度报告"
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.rows[0] == ["项目", "申请人情况", "", ""]
    assert [row[0] for row in table.rows] == ["项目"] + ["（三）不予公开"] * 3
    assert table.rows[1][1] == "1.属于国家秘密"
    # LibreOffice's DOCX->DOC->DOCX round trip flattens the nested table into paragraphs; the
    # text survives in order, which is all a converted .doc can promise.
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert texts[-5:] == ["表四", "结果维持", "结果纠正", "0", "1"]


def test_doc_rejects_non_word_bytes():
    with pytest.raises(DocumentError, match="not a .doc"):
        extract_doc(b"plain text pretending to be a .doc")


def test_doc_without_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DocumentError, match="libreoffice-writer-nogui"):
        extract_doc(fake_ole2("WordDocument"))
