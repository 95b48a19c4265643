"""Chinese full-text search (archive/search.py) on a real SQLite file of ~300 synthetic reports:
results equal brute-force LIKE, ranking, snippets, and searching with nothing registered."""

from __future__ import annotations

import importlib.util
import random
import sqlite3
import subprocess

import pytest

from archive import search, snippets
from archive.search import match_expression
from archive.searchtext import normalize, query_terms
from tests.conftest import ROOT

CITIES = [("哈尔滨市", "阿城区"), ("包头市", "青山区"), ("武汉市", "青山区"), ("郑州市", "金水区"),
          ("郑州市", "中原区"), ("北京市", "朝阳区"), ("长春市", "朝阳区"), ("杭州市", "西湖区")]
DEPARTMENTS = ["司法局", "交通运输局", "财政局", "教育局", "民政局", "水务局", "人民政府办公室",
               "卫生健康委员会", "市场监督管理局"]
PHRASES = [
    "根据《中华人民共和国政府信息公开条例》规定，现公布{agency}{year}年度政府信息公开工作年度报告。",
    "本年度共收到政府信息公开申请{n}件，其中依申请公开{n}件。",
    "因政府信息公开工作被申请行政复议{n}件，结果维持{n}件，结果纠正{n}件。",
    "被提起行政诉讼{n}件，复议后起诉{n}件。",
    "不予公开{n}件，其中属于国家秘密{n}件，商业秘密{n}件，个人隐私{n}件。",
    "本年度未收取信息处理费。",
    "共收取信息处理费{n}元。",
    "主动公开规范性文件{n}件，政务新媒体发布信息{n}条。",
    "下一步，我们将加强政府信息公开培训，提升答复质量。",
    "附件：{year}年度报告（PDF格式，{n}KB）。",
    "网址：http://www.gov.cn，电话：０４５１－８６６６６６６。",
    "{year}年，信访举报投诉类申请{n}件。",
    "行政处罚{n}件，行政强制{n}件；\n存在的主要问题是答复期限把握不严。",
    "持续推进重点领域信息公开，及时公开财政预决算信息。",
    "会同{other}开展联合执法检查，共同答复申请。",
]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def make_rows(count: int = 300, seed: int = 7) -> list[tuple]:
    rng = random.Random(seed)
    rows = []
    for number in range(1, count + 1):
        city, district = CITIES[number % len(CITIES)]
        agency = district + rng.choice(DEPARTMENTS)
        year = rng.randrange(2015, 2025)
        sentences = []
        for _ in range(rng.randrange(3, 16)):
            text = rng.choice(PHRASES).replace("{n}", str(rng.randrange(1000)))
            other = "".join(rng.choice(CITIES)[1:]) + rng.choice(DEPARTMENTS)
            text = text.format(agency=city + agency, year=year, other=other)
            sentences.append(text.translate(FULL_WIDTH) if rng.random() < 0.2 else text)
        title = f"{agency}{year}年政府信息公开工作年度报告"
        rows.append((number, f"{number:06d}/{agency}/{year}", title, agency, "".join(sentences)))
    # For ranking: one report that says 审计 only in its title, one only in its agency, one only
    # (and often) in its body; nothing else in the corpus mentions 审计.
    rows.append((1001, "title/审计", "阿城区审计局2023年政府信息公开工作年度报告", "阿城区人民政府", "本年度收到申请3件。"))
    rows.append((1002, "agency/审计", "2023年度报告", "金水区审计局", "本年度收到申请2件。"))
    rows.append((1003, "body/审计", "中原区财政局2023年度报告", "中原区财政局",
                 "配合审计工作。审计发现问题已整改。审计报告已公开。审计结果公告。" * 3))
    return rows


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A real archive file with the search tables and a brute-force table of normalised text."""
    path = tmp_path_factory.mktemp("search") / "archive.db"
    rows = make_rows()
    conn = sqlite3.connect(path)
    search.create_search_table(conn)
    assert search.index_rows(conn, rows[:150]) == 150
    assert search.index_rows(conn, rows) == len(rows) - 150  # the first 150 are unchanged
    search.optimize(conn)
    conn.execute("CREATE TABLE brute (rowid INTEGER PRIMARY KEY, report_id TEXT, text TEXT)")
    conn.executemany("INSERT INTO brute VALUES (?, ?, ?)",
                     [(r[0], r[1], "\n".join(normalize(v) for v in r[2:])) for r in rows])
    conn.commit()
    yield path, conn
    conn.close()


def brute_force(conn, query: str) -> set[str]:
    terms = query_terms(query)
    where = " AND ".join("text LIKE ?" for _ in terms)
    return {r[0] for r in conn.execute(f"SELECT report_id FROM brute WHERE {where}", [f"%{t}%" for t in terms])}


QUERIES = [
    # 1 character
    "复", "诉", "局", "费", "山", "审",
    # 2 characters
    "复议", "诉讼", "青山", "公开", "处理", "秘密", "审计",
    # 3 characters
    "青山区", "司法局", "金水区", "处理费",
    # 4 and more
    "政府信息公开", "依申请公开", "不予公开", "信息处理费", "行政复议", "行政诉讼", "青山区司法局",
    "金水区交通运输局", "复议后起诉", "本年度未收取信息处理费", "政府信息公开条例", "没有这个词",
    # mixed, full-width, punctuation
    "青山区 2023", "司法局 复议", "复 青山区", "PDF 附件", "2023年 诉讼", "ＰＤＦ", "２０２３年",
    "青山区，司法局", "【行政复议】", "gov", "http 信访", "0451", "朝阳区 教育局 2019年",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("scored_limit", [None, 60, 0], ids=["bm25", "some-terms-scored", "unscored"])
def test_results_equal_brute_force_like(archive, query, scored_limit):
    """Also when common terms are not scored (at 100,000 reports a term in more than
    SCORED_TERM_LIMIT rows is not; here the limit is lowered to exercise that path)."""
    _, conn = archive
    results = search.search(conn, query, limit=10_000, scored_limit=scored_limit)
    found = [r["report_id"] for r in results]
    assert len(found) == len(set(found)) and set(found) == brute_force(conn, query)


def test_queries_cover_small_and_large_result_sets(archive):
    _, conn = archive
    sizes = {q: len(brute_force(conn, q)) for q in QUERIES}
    assert sizes["没有这个词"] == 0
    assert 0 < sizes["青山区司法局"] < 60 < sizes["复议"] < 300
    assert all(sizes[q] > 0 for q in ["复", "审计", "青山区 2023", "司法局 复议", "２０２３年"])


def test_two_different_qingshan_districts_are_both_found(archive):
    _, conn = archive
    bodies = [r["snippet"] for r in search.search(conn, "青山区司法局", limit=500)]
    assert any("包头市青山区" in b for b in bodies) and any("武汉市青山区" in b for b in bodies)


@pytest.mark.parametrize("scored_limit", [None, 0])
@pytest.mark.parametrize("query", ["行政复议", "司法局 复议", "青山区"])
def test_paging_is_a_slice_of_the_ranking(archive, query, scored_limit):
    _, conn = archive
    whole = [r["report_id"] for r in search.search(conn, query, limit=40, scored_limit=scored_limit)]
    pages = [r["report_id"] for offset in (0, 15, 30)
             for r in search.search(conn, query, limit=15, offset=offset, scored_limit=scored_limit)]
    assert pages[:40] == whole and len(whole) > 30


def test_title_or_agency_match_ranks_above_body_only(archive):
    _, conn = archive
    ranked = [r["report_id"] for r in search.search(conn, "审计")]
    assert set(ranked[:2]) == {"title/审计", "agency/审计"} and ranked[2] == "body/审计"
    for query in ["司法局", "青山区", "交通运输局", "审计 2023"]:
        results = search.search(conn, query, limit=10_000)
        in_heading = [sum(t in normalize(r["title"] + "\n" + r["agency"]) for t in query_terms(query))
                      for r in results]
        assert len(set(in_heading)) > 1, query  # both kinds of match are present
        assert in_heading == sorted(in_heading, reverse=True), query
        scores = [r["score"] for r in results]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["司法局", "青山区 2023", "审计 2023", "局 复议", "朝阳区 教育局 2019年"])
def test_unscored_queries_list_heading_matches_first_then_newest(archive, query):
    _, conn = archive
    results = search.search(conn, query, limit=10_000, scored_limit=0)
    terms = query_terms(query)
    counts = [sum(t in normalize(r["title"] + "\n" + r["agency"]) for t in terms) for r in results]
    groups = [count if count in (0, len(terms)) else 1 for count in counts]  # all, some, none
    keys = [(group, r["rowid"]) for group, r in zip(groups, results)]
    assert keys == sorted(keys, reverse=True) and len({k[0] for k in keys}) > 1
    assert [r["score"] for r in results] == [k[0] for k in keys]


@pytest.mark.parametrize("query", ["复", "复议", "政府信息公开", "信息处理费", "青山区 2023", "司法局 复议",
                                   "ＰＤＦ", "２０２３年", "审计"])
def test_snippets_show_every_term_marked(archive, query):
    _, conn = archive
    terms = query_terms(query)
    results = search.search(conn, query)
    assert results
    for result in results:
        snippet, marks = result["snippet"], result["marks"]
        assert len(snippet) <= 3 * (snippets.SNIPPET_WIDTH + 2) and "\n" not in snippet
        marked = {normalize(snippet[start:end]) for start, end in marks}
        for term in terms:
            assert term in normalize(snippet)
            assert any(term in m for m in marked), (term, snippet, marks)
        highlighted = snippets.highlight(snippet, marks)
        assert highlighted.count("【") == len(marks) and highlighted.replace("【", "").replace("】", "") == snippet


def test_snippet_maps_back_to_original_text_when_normalising_changes_length():
    pattern = snippets.term_patterns("公开")
    body = "⑴㈠⑵ 依申请公开，其余不予公开。"  # ⑴ → "(1)": three characters for one
    snippet, marks = snippets.make_snippet("标题", "机关", body, pattern)
    assert [snippet[s:e] for s, e in marks] == ["公开", "公开"]
    assert snippet.startswith("⑴㈠⑵")


def test_plain_sqlite3_connection_can_search(archive):
    path, conn = archive
    fresh = sqlite3.connect(path)  # nothing registered: only the standard library
    sql = ("SELECT t.report_id FROM report_search s JOIN report_search_text t ON t.rowid = s.rowid "
           "WHERE report_search MATCH ? ORDER BY s.rank")
    for query in ["复", "复议", "政府信息公开", "青山区 2023"]:
        found = [r[0] for r in fresh.execute(sql, (match_expression(query),))]
        assert len(found) == len(set(found)) and set(found) == brute_force(conn, query)
        assert [r["report_id"] for r in search.search(fresh, query)]  # search() needs nothing registered
    # Written by hand, as the module docstring tells a researcher to.
    by_hand = {"复": "复", "复议": "复议", "政府信息公开": '"政府 府信 信息 息公 公开"'}
    for query, expression in by_hand.items():
        assert {r[0] for r in fresh.execute(sql, (expression,))} == brute_force(conn, query)
    for query in ["复", "复议", "政府信息公开", "青山区司法局", "没有这个词"]:
        rows = fresh.execute(search.SQL_SEARCH_NO_FUNCTIONS, {"q": query}).fetchall()
        expected = brute_force(conn, query)
        assert {r[1] for r in rows} <= expected and len(rows) == min(20, len(expected))
    fresh.close()


def test_sqlite3_shell_can_search(archive):
    path, conn = archive
    sql = (f"SELECT count(*) FROM report_search WHERE report_search MATCH '{match_expression('青山区 复议')}';")
    out = subprocess.run(["sqlite3", "-readonly", str(path), sql], capture_output=True, text=True, check=True)
    assert int(out.stdout) == len(brute_force(conn, "青山区 复议")) > 0


def test_sql_functions_for_the_datasette_plugin(archive):
    path, conn = archive
    fresh = sqlite3.connect(path)
    search.register_functions(fresh)
    for query in ["司法局 复议", "复", "审计"]:
        rows = fresh.execute(search.SQL_SEARCH, {"q": query}).fetchall()
        assert [r[1] for r in rows] == [r["report_id"] for r in search.search(fresh, query)] != []
        assert all(f"【{query_terms(query)[-1]}】" in r[4] for r in rows)
    assert fresh.execute(search.SQL_SEARCH, {"q": "  。"}).fetchall() == []
    assert {r[0] for r in fresh.execute("SELECT rowid FROM report_search WHERE report_search MATCH search_match(?)",
                                        ("青山区 2023",))} == {r["rowid"] for r in search.search(fresh, "青山区 2023", 500)}
    fresh.close()


@pytest.mark.parametrize("query", ["", "   ", "，。！？", "【】", "——", "\u3000", None])
def test_empty_query_raises(archive, query):
    _, conn = archive
    with pytest.raises(ValueError):
        match_expression(query)
    with pytest.raises(ValueError):
        search.search(conn, query)


def test_tokens_for_index():
    assert search.tokens_for_index("政府信息。公开") == {"uni": "政 府 信 息 公 开", "bi": "政府 府信 信息 息 公开 开"}
    assert search.tokens_for_index("ＰＤＦ格式２０２３年", field="body") == {
        "body_uni": "pdf 格 式 2023 年", "body_bi": "pdf 格式 式 2023 年"}
    assert search.tokens_for_index("") == {"uni": "", "bi": ""}


def test_match_expression():
    bi, uni = "{title_bi agency_bi body_bi}", "{title_uni agency_uni body_uni}"
    assert match_expression("复") == f'{uni} : "复"'
    assert match_expression("复议") == f'{bi} : "复议"'
    assert match_expression("政府信息公开") == f'{bi} : "政府 府信 信息 息公 公开"'
    assert match_expression("青山区　２０２３年") == f'{bi} : "青山 山区" AND {uni} : "2023 年"'
    assert match_expression("A股b") == f'{bi} : "a 股 b" *'
    assert match_expression("司法局2023") == f'{bi} : "司法 法局 局 2023" *'
    assert match_expression("复议 复议 ，") == f'{bi} : "复议"'


def test_ascii_words_match_at_word_start(archive):
    _, conn = archive
    assert search.search(conn, "htt") and search.search(conn, "HTTP")
    assert search.search(conn, "ttp") == []  # LIKE would find it; words match from their start


def test_reindexing_replaces_and_deletes(tmp_path):
    conn = sqlite3.connect(tmp_path / "a.db")
    search.create_search_table(conn)
    search.index_rows(conn, [(1, "r1", "甲局报告", "甲局", "行政复议三件"), (2, "r2", "乙局报告", "乙局", "诉讼")])
    assert search.index_rows(conn, [(1, "r1", "甲局报告", "甲局", "行政复议三件")]) == 0
    assert search.index_rows(conn, [(1, "r1", "甲局报告", "甲局", "依申请公开")]) == 1
    assert search.search(conn, "复议") == [] and [r["report_id"] for r in search.search(conn, "申请")] == ["r1"]
    search.delete_rows(conn, [2])
    assert search.search(conn, "诉讼") == [] and search.search(conn, "乙") == []
    conn.execute("INSERT INTO report_search(report_search) VALUES ('integrity-check')")
    conn.execute("UPDATE report_search_meta SET value = 'old' WHERE key = 'tokenizer'")
    with pytest.raises(RuntimeError):
        search.index_rows(conn, [(3, "r3", "丙", "丙", "丙")])
    search.rebuild(conn)
    assert [r["report_id"] for r in search.search(conn, "甲局")] == ["r1"]
    search.delete_all(conn)
    assert search.search(conn, "甲局") == [] and search.index_rows(conn, [(1, "r1", "甲", "甲", "乙")]) == 1
    conn.execute("INSERT INTO report_search(report_search) VALUES ('integrity-check')")


def test_bench_runs_small(capsys):
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--reports", "2000", "--queries", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("nianbao search bench: 2000 reports")
    assert "match counts equal to LIKE for every query" in out
