"""The five real seed reports parse to their hand-checked gold values, key for key."""

import json

import pytest

from parsers import flatten, parse_document
from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
def test_seed_matches_gold(path):
    gold = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text("utf-8"))
    flat = flatten(parse_document(path.read_bytes()))
    wrong = {k: (v, flat.get(k, "<absent>")) for k, v in gold.items() if not k.startswith("_") and flat.get(k, "<absent>") != v}
    assert wrong == {}


def test_every_seed_is_found():
    assert len(SEED_FILES) == 5


def test_seed_000_record_details():
    record = parse_document((SEEDS / "000_0b7324347ee43e09.txt").read_bytes())
    report = record["report"]
    assert report["stat_period"] == {"start": "2023-01-01", "end": "2023-12-31"}
    assert report["template_ref"] == "国办公开办函〔2021〕30号"
    assert report["contacts"]["postcode"] == "150300"
    assert report["contacts"]["phones"] == ["0451-53721179"]
    assert report["contacts"]["address"] == "阿城区牌路大街370号"
    assert report["agency_type"] == "部门"
    assert set(report["sections"]) == {"overview", "active", "applications", "review_litigation", "problems", "other_matters"}
    assert "24个行政复议决定" in report["sections"]["overview"]
    # The stray 0 before （六）其他处理 is not a value of any row.
    other = [c for c in record["cells"] if c["row_key"] == "result.other.no_correction"]
    assert [c["value"] for c in other] == [0] * 7
    failed = [c for c in record["checks"] if c["status"] == "fail"]
    assert [c["id"] for c in failed] == ["T4.prose"]
    assert failed[0]["left"] == 0 and failed[0]["right"] == 40 and failed[0]["delta"] == -40


def test_seed_002_township_and_003_signoff():
    yagou = parse_document((SEEDS / "002_bd51c4d876234cdf.txt").read_bytes())["report"]
    assert yagou["agency_type"] == "街道" and yagou["agency_level"] == "township"
    assert yagou["region"]["township"]["name"].startswith("亚沟")
    shangdang = parse_document((SEEDS / "003_b001e99ef219e1a7.txt").read_bytes())["report"]
    assert shangdang["published_date"] == {"value": "2024-01-02", "source": "text"}


def test_every_cell_keeps_raw_and_provenance():
    record = parse_document((SEEDS / "004_15a2a8efa849601b.txt").read_bytes())
    assert len(record["cells"]) == 200
    for cell in record["cells"]:
        assert cell["raw"] is not None and cell["provenance"].startswith("line")
