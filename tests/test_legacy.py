"""Pre-2019 reports: recognised from content and reduced to their key totals (spec §4)."""

from parsers import flatten, parse_document

LEGACY_STATS = """青山区民政局2016年政府信息公开工作年度报告
一、概述
2016年，我局认真贯彻《中华人民共和国政府信息公开条例》。
二、主动公开政府信息情况
全年主动公开政府信息356条。
三、依申请公开政府信息情况
全年共收到政府信息公开申请12件，均已按时答复。
四、政府信息公开的收费及减免情况
未收取任何费用。
五、因政府信息公开申请行政复议、提起行政诉讼的情况
全年未发生行政复议和行政诉讼。
附件：政府信息公开情况统计表
序号\t统计指标\t单位\t统计数
1\t主动公开政府信息数\t条\t356
2\t其中：主动公开规范性文件数\t条\t4
3\t收到申请数\t件\t12
4\t申请答复数\t件\t12
5\t同意公开答复数\t件\t9
6\t同意部分公开答复数\t件\t2
7\t不同意公开答复数\t件\t1
8\t行政复议数量\t件\t0
9\t行政诉讼数量\t件\t0
10\t依申请公开信息收取的费用\t万元\t0
"""

LEGACY_FREE = """阿城区人民政府2010年政府信息公开工作年度报告
根据《中华人民共和国政府信息公开条例》（国务院令第492号）要求，现公布本年度报告。
一、概述
二、主动公开政府信息情况
2010年全区主动公开政府信息2110条，累计主动公开政府信息5928条。
三、依申请公开政府信息情况
全年受理政府信息公开申请35件。
四、政府信息公开的收费及减免情况
五、因政府信息公开申请行政复议、提起行政诉讼的情况
发生行政复议2件，行政诉讼1件。
六、政府信息公开工作存在的主要问题及改进措施
七、其他需要报告的事项
"""


def test_legacy_stats_table_totals():
    record = parse_document(LEGACY_STATS.encode())
    report = record["report"]
    assert report["format"] == "LEGACY_STATS" and report["is_report"]
    assert flatten(record)["format"] == "LEGACY"
    totals = {k: v["value"] for k, v in report["legacy"].items()}
    assert totals["legacy.active.total"] == 356
    assert totals["legacy.apply.received"] == 12
    assert totals["legacy.reply.granted"] == 9
    assert totals["legacy.reply.partial"] == 2
    assert totals["legacy.reply.denied"] == 1
    assert totals["legacy.review.total"] == 0
    assert report["legacy"]["legacy.active.total"]["source"] == "table"
    # Legacy values are never forced onto the F2021 keys.
    assert not [k for k in flatten(record) if k.startswith("t3.")]


def test_legacy_free_prose_totals_prefer_the_annual_figure():
    record = parse_document(LEGACY_FREE.encode())
    report = record["report"]
    assert report["format"] == "LEGACY_FREE" and report["report_year"] == 2010
    legacy = report["legacy"]
    assert legacy["legacy.active.total"]["value"] == 2110
    assert legacy["legacy.active.total"]["scope"] == "annual"
    assert legacy["legacy.apply.received"]["value"] == 35
    assert legacy["legacy.review.total"]["value"] == 2
    assert legacy["legacy.litigation.total"]["value"] == 1
