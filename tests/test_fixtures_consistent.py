"""The generated fixtures agree with themselves and with the generator (no parser involved).

For every ``tests/fixtures/generated/*.expected.json`` of a report, the consistency rules of
report-format.md §5 are recomputed here, independently of ``crawler.sampleweb``, from the flat keys:
the rules that fail must be exactly ``checks_failed`` without the prose rules. Every expected file
has its document and every document its expected file; the synthetic generator is deterministic and
the committed fixtures are what it produces today.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from crawler.sampleweb.reports import synthetic_report

FIXTURES = Path(__file__).parent / "fixtures"
GENERATED = FIXTURES / "generated"
BAD = FIXTURES / "bad"

EXPECTED = sorted(GENERATED.glob("*.expected.json"))
COLS = ["natural", "commercial", "research", "public_interest", "legal_service", "other_org"]
T4_PARTS = ["upheld", "corrected", "other", "pending"]
PROSE = {"T3.prose", "T4.prose"}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _name(path: Path) -> str:
    return path.name[: -len(".expected.json")]


def _make_fixtures():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_fixtures"] = module
    spec.loader.exec_module(module)
    return module


def recompute(rec: dict) -> set[str]:
    """The failing §5 table rules of a flat record; blank (null) cells count as 0."""
    def v(key: str) -> int:
        return rec.get(key) or 0

    rows = {m.group(1) for k in rec if (m := re.fullmatch(r"t3\.(.+)\.total", k))}
    failed = set()
    for c in COLS + ["total"]:
        if v(f"t3.apply.new.{c}") + v(f"t3.apply.carried_in.{c}") != \
                v(f"t3.result.total.{c}") + v(f"t3.apply.carried_out.{c}"):
            failed.add("T3.balance")
    for r in rows:
        if sum(v(f"t3.{r}.{c}") for c in COLS) != v(f"t3.{r}.total"):
            failed.add("T3.row_total")
    results = ["result.granted", "result.partial"]
    for group in ("denied", "unavailable", "not_processed", "other"):
        results += [f"result.{group}"] if f"result.{group}" in rows else \
            sorted(r for r in rows if r.startswith(f"result.{group}."))
    for c in COLS + ["total"]:
        if sum(v(f"t3.{r}.{c}") for r in results) != v(f"t3.result.total.{c}"):
            failed.add("T3.result_sum")
    for group, rule in (("review", "T4.review_sum"), ("litigation.direct", "T4.direct_sum"),
                        ("litigation.after_review", "T4.after_review_sum")):
        if sum(v(f"t4.{group}.{p}") for p in T4_PARTS) != v(f"t4.{group}.total"):
            failed.add(rule)
    return failed


def test_there_are_fixtures():
    names = {_name(p) for p in EXPECTED}
    assert len(names) >= 40
    assert {"nonreport_jiedu", "nonreport_tujie", "nonreport_notice", "nonreport_list"} <= names
    assert {f"broken_{r}" for r in ("t3_balance", "t3_row_total", "t3_result_sum", "t4_review_sum",
                                    "t4_prose", "t3_prose")} <= names


@pytest.mark.parametrize("path", EXPECTED, ids=_name)
def test_checks_failed_matches_the_numbers(path):
    rec = _load(path)
    if not rec["is_report"]:
        assert rec == {"is_report": False}
        return
    assert rec["checks_failed"] == sorted(rec["checks_failed"])
    assert recompute(rec) == set(rec["checks_failed"]) - PROSE


@pytest.mark.parametrize("path", EXPECTED, ids=_name)
def test_keys_follow_the_contract(path):
    rec = _load(path)
    if not rec["is_report"]:
        return
    t2 = {k.split(".")[0] for k in rec if k.startswith("t2")}
    assert t2 == ({"t2"} if rec["format"] == "F2021" else {"t2_2019"})
    t3_rows = {k.rsplit(".", 1)[0] for k in rec if k.startswith("t3.")}
    for row in t3_rows:
        assert {k for k in rec if k.startswith(row + ".") and k.count(".") == row.count(".") + 1} == \
            {f"{row}.{c}" for c in COLS + ["total"]}
    assert len([k for k in rec if k.startswith("t4.")]) == 15
    assert all(isinstance(v, int) or v is None for k, v in rec.items()
               if k.startswith(("t3.", "t4.")))
    if "published" in rec:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", rec["published"])
        assert rec["published"][:4] == str(rec["year"] + 1)


def test_every_expected_has_its_document_and_back():
    docs = {p.name.split(".")[0] for p in GENERATED.iterdir() if not p.name.endswith(".expected.json")}
    expected = {_name(p) for p in EXPECTED}
    assert docs == expected
    counts = {}
    for p in GENERATED.iterdir():
        if not p.name.endswith(".expected.json"):
            counts[p.name.split(".")[0]] = counts.get(p.name.split(".")[0], 0) + 1
    assert all(n == 1 for n in counts.values()), counts


def test_generated_size_stays_small():
    assert sum(p.stat().st_size for p in GENERATED.iterdir()) < 5_000_000


def test_bad_inputs():
    assert (BAD / "empty.txt").stat().st_size == 0
    assert (BAD / "photo.pdf").read_bytes()[:3] == b"\xff\xd8\xff"
    assert (BAD / "corrupt.pdf").read_bytes()[:5] == b"%PDF-"
    assert b"/Encrypt" in (BAD / "encrypted.pdf").read_bytes()
    assert (BAD / "bomb.docx").stat().st_size < 1_000_000
    assert not list(BAD.glob("*.expected.json"))


def test_generator_is_deterministic():
    kwargs = dict(agency="金水区交通运输局", county_code="410105", year=2023, fmt="F2021")
    a = synthetic_report(7, **kwargs)
    b = synthetic_report(7, **kwargs)
    assert a.record == b.record and a.blocks == b.blocks and a.contacts == b.contacts
    assert synthetic_report(8, **kwargs).record != a.record


def test_committed_fixtures_are_what_the_generator_makes():
    module = _make_fixtures()
    for spec in module.SYNTHETIC:
        path = GENERATED / f"{spec.name}.expected.json"
        if not path.exists():  # the DOC fixture is skipped where LibreOffice is missing
            continue
        assert _load(path) == module.expected(spec.report(), spec.kind), spec.name


@pytest.mark.parametrize("rule", ["T3.balance", "T3.row_total", "T3.result_sum", "T4.review_sum",
                                  "T3.prose", "T4.prose"])
def test_break_rule_breaks_exactly_that_rule(rule):
    for seed in range(5):
        rec = synthetic_report(seed, agency="上城区教育局", county_code="330102", year=2023, fmt="F2021",
                               break_rule=rule).record
        assert rec["checks_failed"] == [rule]
        assert recompute(rec) == ({rule} - PROSE)


@pytest.mark.parametrize("path", sorted(GENERATED.glob("seed*.expected.json")), ids=_name)
def test_seed_fixtures_carry_the_gold_values(path):
    seed_id = _name(path)[4:7]
    gold_path = next((FIXTURES / "seeds").glob(f"{seed_id}_*.expected.json"))
    gold = {k: v for k, v in _load(gold_path).items() if not k.startswith("_")}
    if _name(path).endswith("_xlsx"):  # a workbook has no prose, so prose rules cannot fail there
        gold["checks_failed"] = [r for r in gold["checks_failed"] if r not in PROSE]
    assert _load(path) == gold
