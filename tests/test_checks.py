"""Every consistency rule of spec §5 that one report can assess, passing and failing."""

import pytest

from parsers import flatten, parse_document
from tests.reportbuilder import consistent_t3, report_text


def parse(text):
    return parse_document(text.encode("utf-8"))


def statuses(record, rule):
    return {c["status"] for c in record["checks"] if c["id"] == rule}


def test_consistent_report_passes_every_rule():
    record = parse(report_text(prose="本年度新收到政府信息公开申请4件，结转下年度继续办理1件。引发行政复议1件，行政诉讼0件。"))
    assert record["checks_failed"] == []
    for rule in ("T3.balance", "T3.row_total", "T3.result_sum", "T3.nonneg_int", "T4.review_sum", "T4.direct_sum",
                 "T4.after_review_sum", "T3.prose", "T4.prose", "T2.nonneg", "T2.fee_unit"):
        assert statuses(record, rule) == {"pass"}, rule


def test_t3_balance_fails_when_carried_out_is_off():
    t3 = consistent_t3()
    t3["apply.carried_out"] = [2, 0, 0, 0, 0, 0, 2]
    record = parse(report_text(t3=t3))
    assert record["checks_failed"] == ["T3.balance"]
    failed = [c for c in record["checks"] if c["id"] == "T3.balance" and c["status"] == "fail"]
    assert {c["scope"] for c in failed} == {"natural", "total"}
    assert failed[0]["left"] == 5 and failed[0]["right"] == 6 and failed[0]["delta"] == -1
    assert "t3.apply.carried_out.natural" in failed[0]["cells"]
    # The printed value is kept as printed.
    assert flatten(record)["t3.apply.carried_out.natural"] == 2


def test_t3_row_total_fails_on_a_wrong_row_total():
    t3 = consistent_t3()
    t3["result.granted"] = [3, 1, 0, 0, 0, 0, 3]
    t3["apply.new"] = [4, 1, 0, 0, 0, 0, 4]
    t3["result.total"] = [4, 1, 0, 0, 0, 0, 4]
    t3["apply.carried_out"] = [1, 0, 0, 0, 0, 0, 1]
    record = parse(report_text(t3=t3))
    assert "T3.row_total" in record["checks_failed"]
    scopes = {c["scope"] for c in record["checks"] if c["id"] == "T3.row_total" and c["status"] == "fail"}
    assert scopes == {"result.granted", "apply.new", "result.total"}


def test_t3_result_sum_fails_when_total_disagrees_with_results():
    t3 = consistent_t3()
    t3["result.denied.third_party"] = [1, 0, 0, 0, 0, 0, 1]
    record = parse(report_text(t3=t3))
    assert record["checks_failed"] == ["T3.result_sum"]


def test_t3_group_sum_on_aggregate_rows():
    t3 = consistent_t3()
    # The builder has no label for the aggregate row, so write it by hand.
    text = report_text(t3=t3).replace("1.申请人无正当理由", "（六）其他处理\t0\t0\t0\t0\t0\t0\t1\n1.申请人无正当理由", 1)
    record = parse(text)
    assert statuses(record, "T3.group_sum") == {"pass", "fail"}
    assert "T3.group_sum" in record["checks_failed"]


def test_t4_sums_fail_like_hongze_2023():
    record = parse(report_text(t4=[10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]))
    assert record["checks_failed"] == ["T4.after_review_sum", "T4.review_sum"]
    assert statuses(record, "T4.direct_sum") == {"pass"}
    assert flatten(record)["t4.review.total"] == 0


def test_t4_prose_and_t3_prose_fail_when_prose_disagrees():
    record = parse(report_text(prose="本年度新收到政府信息公开申请9件。因政府信息公开申请引发行政复议0件。"))
    assert record["checks_failed"] == ["T3.prose", "T4.prose"]
    t3 = next(c for c in record["checks"] if c["id"] == "T3.prose")
    assert (t3["left"], t3["right"]) == (9, 4)


def test_accepted_count_may_include_carried_in():
    # 沭阳 2025: 受理749件 = 本年新收 713 + 上年结转 36.
    record = parse(report_text(prose="全年共受理政府信息公开申请5件。"))
    assert statuses(record, "T3.prose") == {"pass"}


def test_blank_cells_are_null_flagged_and_imputed_in_checks():
    text = report_text(cell=lambda v: "/" if v == 0 else str(v))
    record = parse(text)
    flat = flatten(record)
    assert flat["t3.apply.new.commercial"] is None
    cell = next(c for c in record["cells"] if c["key"] == "t3.apply.new.commercial")
    assert cell["raw"] == "/" and "blank" in cell["flags"]
    balance = next(c for c in record["checks"] if c["id"] == "T3.balance" and c["scope"] == "commercial")
    assert balance["status"] == "pass" and "imputed_zero" in balance["flags"]


def test_blank_total_is_not_assessable_not_zero():
    t3 = consistent_t3()
    text = report_text(t3=t3).replace("（一）予以公开\t3\t0\t0\t0\t0\t0\t3", "（一）予以公开\t3\t0\t0\t0\t0\t0\t")
    record = parse(text)
    row = next(c for c in record["checks"] if c["id"] == "T3.row_total" and c.get("scope") == "result.granted")
    assert row["status"] == "not_assessable"
    assert flatten(record)["t3.result.granted.total"] is None


def test_plausibility_rules_are_reported_but_not_failed():
    text = report_text().replace("规章\t0\t0\t0", "规章\t2\t0\t1").replace("行政事业性收费\t0.5", "行政事业性收费\t251000元")
    record = parse(text)
    assert "fail" in statuses(record, "T2.in_force_ge")
    assert statuses(record, "T2.fee_unit") == {"fail"}
    assert statuses(record, "T2.regulations_authority") == {"fail"}  # 金水区 is a county-level body
    assert record["checks_failed"] == []
    assert flatten(record)["t2.fees.amount"] == "25.1"


@pytest.mark.parametrize("rule", ["T3.balance", "T3.result_sum"])
def test_not_assessable_when_rows_are_missing(rule):
    text = "\n".join(line for line in report_text().splitlines() if not line.startswith(("四、结转", "（七）")))
    record = parse(text)
    assert statuses(record, rule) == {"not_assessable"}
