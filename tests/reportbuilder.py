"""A small F2021 report writer for tests: tab-separated rows, official labels, any numbers."""

from parsers.schema import T3_COLS, t3_template

T3_LABELS = {
    "apply.new": "一、本年新收政府信息公开申请数量", "apply.carried_in": "二、上年结转政府信息公开申请数量",
    "result.granted": "（一）予以公开", "result.partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "result.denied.state_secret": "1.属于国家秘密", "result.denied.law_prohibited": "2.其他法律行政法规禁止公开",
    "result.denied.security_stability": "3.危及“三安全一稳定”", "result.denied.third_party": "4.保护第三方合法权益",
    "result.denied.internal_affairs": "5.属于三类内部事务信息", "result.denied.process_info": "6.属于四类过程性信息",
    "result.denied.enforcement_file": "7.属于行政执法案卷", "result.denied.query_matter": "8.属于行政查询事项",
    "result.unavailable.not_held": "1.本机关不掌握相关政府信息", "result.unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "result.unavailable.unclear": "3.补正后申请内容仍不明确", "result.not_processed.petition": "1.信访举报投诉类申请",
    "result.not_processed.duplicate": "2.重复申请", "result.not_processed.publication": "3.要求提供公开出版物",
    "result.not_processed.excessive": "4.无正当理由大量反复申请",
    "result.not_processed.confirm_reissue": "5.要求行政机关确认或重新出具已获取信息",
    "result.other.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "result.other.fee_unpaid": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "result.other.other": "3.其他", "result.total": "（七）总计", "apply.carried_out": "四、结转下年度继续办理",
}


def consistent_t3(granted=3, new=4, carried_in=1, carried_out=1, not_held=1):
    """Row key → 7 numbers (six applicant columns + total) that satisfy every table-三 rule."""
    rows = {k: [0] * 7 for k in t3_template()}

    def put(key, natural):
        rows[key] = [natural, 0, 0, 0, 0, 0, natural]

    put("apply.new", new)
    put("apply.carried_in", carried_in)
    put("result.granted", granted)
    put("result.unavailable.not_held", not_held)
    put("result.total", granted + not_held)
    put("apply.carried_out", carried_out)
    assert new + carried_in == granted + not_held + carried_out
    return rows


def report_text(t3=None, t4=None, prose="", cell=lambda v: str(v), title="金水区交通运输局2023年政府信息公开工作年度报告"):
    t3 = t3 or consistent_t3()
    t4 = t4 or [1, 0, 0, 0, 1] + [0] * 10
    lines = [title, "一、总体情况", prose or "本机关依法做好政府信息公开工作。", "二、主动公开政府信息情况",
             "第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "规章\t0\t0\t0",
             "行政规范性文件\t1\t0\t5", "第二十条第（五）项", "信息内容\t本年处理决定数量", "行政许可\t10",
             "第二十条第（六）项", "信息内容\t本年处理决定数量", "行政处罚\t2", "行政强制\t0", "第二十条第（八）项",
             "信息内容\t本年收费金额（单位：万元）", "行政事业性收费\t0.5",
             "三、收到和处理政府信息公开申请情况",
             "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
             "\t自然人\t法人或其他组织\t\t\t\t\t总计"]
    for key, values in t3.items():
        lines.append("\t".join([T3_LABELS[key], *(cell(v) for v in values)]))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议\t行政诉讼",
              "\t".join(cell(v) for v in t4), "五、存在的主要问题及改进情况", "问题与改进。",
              "六、其他需要报告的事项", "本年度未收取信息处理费。"]
    return "\n".join(lines) + "\n"


__all__ = ["T3_COLS", "consistent_t3", "report_text"]
