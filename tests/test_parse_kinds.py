"""Every input kind and text layout, rendered from the seeds and synthetic reports by
tests/fixtures/make_fixtures.py, parses to its expected values."""

import json
import subprocess
import sys

import pytest

from parsers import DocumentError, flatten, parse_document
from parsers.sniff import sniff_kind
from tests.conftest import FIXTURES

GENERATED = FIXTURES / "generated"
GOLD = sorted(GENERATED.glob("*.expected.json"))


def document_for(gold_path):
    name = gold_path.name[: -len(".expected.json")]
    return next(p for p in GENERATED.glob(name + ".*") if p != gold_path)


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.name.split(".")[0])
def test_fixture_parses_to_expected(gold_path):
    gold = json.loads(gold_path.read_text("utf-8"))
    flat = flatten(parse_document(document_for(gold_path).read_bytes()))
    wrong = {k: (v, flat.get(k, "<absent>")) for k, v in gold.items() if not k.startswith("_") and flat.get(k, "<absent>") != v}
    assert wrong == {}


def test_every_input_kind_is_covered():
    kinds = {sniff_kind(document_for(g).read_bytes()) for g in GOLD}
    assert {"html", "pdf", "docx", "doc", "xlsx", "text"} <= kinds
    layouts = {g.name.split(".")[0] for g in GOLD}
    for name in ("f2021_gbk", "f2021_pdf_split", "f2021_tika", "f2021_tabs", "f2021_pipes", "f2021_markdown",
                 "f2021_cell_pipe", "f2021_split_headers", "f2019_html", "nonreport_jiedu", "nonreport_list"):
        assert name in layouts


def test_gbk_page_decodes():
    data = (GENERATED / "f2021_gbk.html").read_bytes()
    assert b"gb2312" in data.lower()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert parse_document(data)["report"]["agency_name"]


def test_split_pdf_table_rows_come_from_two_pages():
    record = parse_document((GENERATED / "f2021_pdf_split.pdf").read_bytes())
    pages = {c["provenance"].split(" line")[0] for c in record["cells"] if c["table"] == "t3"}
    assert len(pages) >= 2


@pytest.mark.parametrize("path", sorted((FIXTURES / "bad").iterdir()), ids=lambda p: p.name)
def test_committed_bad_inputs_are_refused(path):
    with pytest.raises(DocumentError):
        parse_document(path.read_bytes())
    result = subprocess.run([sys.executable, "-m", "archive", "parse", str(path)], capture_output=True, text=True)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_pdf_table_geometry_route_reads_the_same_cells():
    """The slow path (pdfplumber's grids on the table pages), used when the text layer leaves a row
    short, reads what the fast path reads."""
    from parsers.extract.pdf import extract_pdf_tables
    from parsers.record import build_record

    data = (GENERATED / "f2021_pdf_split.pdf").read_bytes()
    fast = flatten(parse_document(data))
    slow = flatten(build_record(extract_pdf_tables(data), source_kind="pdf"))
    gold = json.loads((GENERATED / "f2021_pdf_split.expected.json").read_text("utf-8"))
    cells = [k for k in gold if k.startswith(("t2.", "t3.", "t4."))]
    assert {k: slow.get(k) for k in cells} == {k: gold[k] for k in cells} == {k: fast.get(k) for k in cells}
