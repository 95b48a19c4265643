"""Text-layer hazards seen in real reports (spec §13), each repaired and flagged, never silently."""

from parsers import flatten, parse_document
from tests.reportbuilder import report_text


def cells_by_key(record):
    return {c["key"]: c for c in record["cells"]}


def test_repealed_counts_lifted_out_of_table_two_are_put_back_and_flagged():
    # 上海市人民政府办公厅 2025: the 废止 column, printed with notes, came out above the table.
    text = report_text().replace(
        "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t1\t0\t5",
        "第二十条第（一）项\n22\n（其中修订 16 件）\n55\n（含自然失效 29 件）\n"
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t22\t235\n行政规范性文件\t34\t189")
    record = parse_document(text.encode())
    flat, cells = flatten(record), cells_by_key(record)
    assert [flat[f"t2.regulations.{c}"] for c in ("issued", "repealed", "in_force")] == [22, 22, 235]
    assert [flat[f"t2.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")] == [34, 55, 189]
    assert "position_inferred" in cells["t2.regulations.repealed"]["flags"]
    assert cells["t2.regulations.issued"]["flags"] == []


def test_label_less_rows_take_the_template_rows_between_their_neighbours():
    # kewei 2024: value rows whose labels the text layer dropped.
    text = report_text().replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t0", "\t0", 1)
    record = parse_document(text.encode())
    cell = cells_by_key(record)["t3.result.partial.natural"]
    assert cell["value"] == 0 and "position_inferred" in cell["flags"]
    assert record["checks_failed"] == []


def test_a_number_split_over_two_cells_is_joined_only_when_the_row_total_proves_it():
    text = report_text().replace("（一）予以公开\t3\t0\t0\t0\t0\t0\t3", "（一）予以公开\t1\t2\t0\t0\t0\t0\t0\t12")
    text = text.replace("一、本年新收政府信息公开申请数量\t4\t0\t0\t0\t0\t0\t4", "一、本年新收政府信息公开申请数量\t13\t0\t0\t0\t0\t0\t13")
    text = text.replace("（七）总计\t4\t0\t0\t0\t0\t0\t4", "（七）总计\t13\t0\t0\t0\t0\t0\t13")
    record = parse_document(text.encode())
    cell = cells_by_key(record)["t3.result.granted.natural"]
    assert cell["value"] == 12 and "split_number_merged" in cell["flags"]
