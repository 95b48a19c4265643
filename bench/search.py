"""Chinese full-text search (archive/search.py) against brute-force LIKE, on the same rows in one run.

    python bench/search.py [--reports N] [--queries N] [--repeat N] [--keep PATH [--reuse]]

Builds N synthetic reports (default 100,000; 2–4 KB of Chinese text each, made deterministically
from phrases of real reports) into a temporary SQLite file with ``index_rows`` + ``optimize``,
then times, per query class (1 character, 2 characters, 4+ characters, mixed):

- ``fts``: ``search()`` — a page of 20 in search order, with snippets (what a user waits for);
- ``bm25``: the naive ranked query, ``MATCH … ORDER BY rank LIMIT 20`` (for reference: FTS5
  scores every match, which is what ``search()`` avoids for common terms);
- ``like20``: ``LIKE`` on every term, first 20 rows, unranked (the baseline's best case: it stops
  early on common words and scans everything for rare ones);
- ``like-all``: ``LIKE`` on every term over all rows (what ranking all matches would need).

and checks that the FTS match count equals the LIKE match count for every query. Prints index
build time, database bytes per report, p50/p95 per class (each query's best of ``--repeat``
runs, warm page cache) and the ratios. One process, one core.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import search  # noqa: E402

# (region code, city, district): two different 青山区 on purpose.
DISTRICTS = [
    ("230112", "哈尔滨市", "阿城区"), ("150204", "包头市", "青山区"), ("420107", "武汉市", "青山区"),
    ("410105", "郑州市", "金水区"), ("410102", "郑州市", "中原区"), ("110105", "北京市", "朝阳区"),
    ("220104", "长春市", "朝阳区"), ("310115", "上海市", "浦东新区"), ("440106", "广州市", "天河区"),
    ("440304", "深圳市", "福田区"), ("320102", "南京市", "玄武区"), ("330106", "杭州市", "西湖区"),
    ("510107", "成都市", "武侯区"), ("500103", "重庆市", "渝中区"), ("610113", "西安市", "雁塔区"),
    ("370102", "济南市", "历下区"), ("350203", "厦门市", "思明区"), ("430104", "长沙市", "岳麓区"),
    ("340104", "合肥市", "蜀山区"), ("360102", "南昌市", "东湖区"), ("450103", "南宁市", "青秀区"),
    ("530102", "昆明市", "五华区"), ("520102", "贵阳市", "南明区"), ("620102", "兰州市", "城关区"),
    ("540102", "拉萨市", "城关区"), ("650102", "乌鲁木齐市", "天山区"), ("130102", "石家庄市", "长安区"),
    ("140105", "太原市", "小店区"), ("210102", "沈阳市", "和平区"), ("120101", "天津市", "和平区"),
    ("460106", "海口市", "龙华区"), ("640104", "银川市", "兴庆区"), ("630103", "西宁市", "城中区"),
    ("150102", "呼和浩特市", "新城区"), ("330382", "温州市", "乐清市"), ("320583", "苏州市", "昆山市"),
    ("441900", "东莞市", "东莞市"), ("371102", "日照市", "东港区"), ("230304", "鸡西市", "滴道区"),
    ("431202", "怀化市", "鹤城区"),
]
DEPARTMENTS = [
    "司法局", "交通运输局", "财政局", "教育局", "公安分局", "卫生健康委员会", "自然资源局",
    "住房和城乡建设局", "市场监督管理局", "人力资源和社会保障局", "生态环境分局", "民政局", "水务局",
    "应急管理局", "农业农村局", "商务局", "文化和旅游局", "退役军人事务局", "审计局", "统计局",
    "医疗保障局", "林业和草原局", "人民政府办公室", "发展和改革局", "科学技术局", "城市管理局",
    "人民政府", "信访局", "体育局", "档案馆",
]
SENTENCES = [
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{agency}{year}年度政府信息公开工作年度报告。",
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。",
    "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "{year}年，{agency}认真贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，严格执行《条例》。",
    "全年共收到政府信息公开申请{n}件，其中当面申请{n}件，网络申请{n}件，信函申请{n}件。",
    "上年结转政府信息公开申请{n}件，本年度办结{n}件，结转下年度继续办理{n}件。",
    "予以公开{n}件，部分公开{n}件，不予公开{n}件，其中属于国家秘密{n}件，商业秘密{n}件，个人隐私{n}件。",
    "无法提供{n}件，其中本机关不掌握相关政府信息{n}件，没有现成信息需要另行制作{n}件。",
    "不予处理{n}件，其中信访举报投诉类申请{n}件，重复申请{n}件，要求提供公开出版物{n}件。",
    "本年度因政府信息公开工作被申请行政复议{n}件，结果维持{n}件，结果纠正{n}件，尚未审结{n}件。",
    "被提起行政诉讼{n}件，未经复议直接起诉{n}件，复议后起诉{n}件，结果维持{n}件。",
    "本年度未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》，共收取信息处理费{n}元。",
    "主动公开规范性文件{n}件，废止{n}件，现行有效{n}件。",
    "通过政府门户网站主动公开政府信息{n}条，政务新媒体发布信息{n}条。",
    "依申请公开工作流程进一步规范，答复期限严格按照《条例》第三十三条执行。",
    "召开新闻发布会{n}场，解读政策文件{n}件，回应社会关切{n}次。",
    "存在的主要问题：政务公开工作人员业务水平有待提高，信息发布的及时性还需加强。",
    "下一步，我们将加强政府信息公开培训，提升依申请公开答复质量，减少行政复议和行政诉讼风险。",
    "行政许可{n}件，行政处罚{n}件，行政强制{n}件，行政事业性收费{n}万元。",
    "本机关办理人大代表建议{n}件，政协提案{n}件，均已按期办结并公开答复。",
    "政府信息公开工作机构联系电话0{area}-{phone}，地址{city}{district}人民路{n}号。",
    "网址：http://www.{code}.gov.cn，电子邮箱：xxgk{n}@{code}.gov.cn。",
    "开展“政府开放日”活动{n}次，邀请群众代表{n}人次参与。",
    "持续推进重点领域信息公开，及时公开财政预决算、重大建设项目、公共资源配置等信息。",
    "对照《条例》要求，全面梳理本机关政府信息公开指南和目录，及时更新完善。",
    "强化政府信息公开保密审查，坚持“先审查、后公开”和“一事一审”原则。",
    "受理群众咨询{n}人次，其中电话咨询{n}人次，现场咨询{n}人次。",
    "涉及桥梁、港口、堤防等工程建设项目信息{n}条已全部公开。",
    "公开文件以PDF格式发布，附件可在线下载。",
]


_HIGH_DIGITS = str.maketrans("01234", "56789")  # no year (2019, …) hides inside a phone number


def make_report(rng: random.Random, number: int) -> tuple:
    """(rowid, report_id, title, agency, body) of about 2–4 KB of UTF-8 text."""
    code, city, district = DISTRICTS[number % len(DISTRICTS)]
    department = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
    agency = district + department
    year = 2008 + rng.randrange(17)
    fill = {"agency": city + agency, "year": year, "city": city, "district": district,
            "code": code, "area": code[:3], "phone": str(rng.randrange(10**6, 10**7)).translate(_HIGH_DIGITS)}
    target = rng.randrange(700, 1350)  # characters, ~3 bytes each in UTF-8
    parts, size = [], 0
    first = SENTENCES[0].format(n=0, **fill)
    parts.append(first)
    size += len(first)
    while size < target:
        template = SENTENCES[rng.randrange(1, len(SENTENCES))]
        sentence = template.replace("{n}", str(rng.randrange(1000))).format(**fill)
        parts.append(sentence)
        size += len(sentence)
        if rng.random() < 0.15:
            parts.append("\n")
    title = f"{agency}{year}年政府信息公开工作年度报告"
    return number + 1, f"{code}/{agency}/{year}", title, agency, "".join(parts)


def make_reports(count: int, seed: int = 2024):
    rng = random.Random(seed)
    return (make_report(rng, number) for number in range(count))


QUERIES = {
    "1 char": ["复", "诉", "公", "局", "区", "费", "桥", "港", "镇", "秘", "密", "档", "税", "林", "山",
               "水", "审", "访", "育", "医", "草", "馆", "旅", "兵", "鸡"],
    "2 chars": ["复议", "诉讼", "公开", "申请", "青山", "司法", "水务", "交通", "教育", "财政", "收费",
                "桥梁", "港口", "信访", "档案", "秘密", "隐私", "维持", "纠正", "咨询", "体育", "滴道",
                "鹤城", "草原", "海关"],
    "4+ chars": ["政府信息公开", "依申请公开", "不予公开", "信息处理费", "行政复议", "行政诉讼", "青山区司法局",
                 "金水区交通运输局", "国家秘密", "商业秘密", "个人隐私", "结果纠正", "政府开放日",
                 "重大建设项目", "退役军人事务局", "人民代表大会", "保密审查", "新闻发布会", "堤防等工程",
                 "阿城区司法局", "本年度未收取信息处理费", "复议后起诉", "滴道区档案馆", "林业和草原局",
                 "社会保险基金"],
    "mixed": ["青山区 2023", "司法局 复议", "2019年 诉讼", "金水区 不予公开", "PDF 附件", "复 青山区",
              "阿城区 信息处理费", "gov 档案馆", "朝阳区 行政诉讼 2015", "港口 堤防", "医疗保障局 2024年",
              "西湖区 个人隐私", "交通运输局 纠正", "http 鸡西市", "审计局 2010年 复议", "渝中区 咨询",
              "水务局 桥梁", "教育局 不予处理", "城关区 拉萨市", "思明区 PDF", "乐清市 2012",
              "信访局 重复申请", "统计局 商业秘密", "东港区 2008年", "福田区 新闻发布会"],
}


def like_clause(query: str) -> tuple[str, list[str]]:
    """Brute force: every term of the query in the title, agency or body (same normalisation)."""
    clauses, params = [], []
    for term in search.query_terms(query):
        clauses.append("(title LIKE ? OR agency LIKE ? OR body LIKE ?)")
        params += [f"%{term}%"] * 3
    return " AND ".join(clauses), params


def build(path: str, count: int) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    start = time.perf_counter()
    search.create_search_table(conn)
    reports = make_reports(count)
    while chunk := list(itertools.islice(reports, 5000)):  # one transaction per chunk, as a build would
        search.index_rows(conn, chunk, batch=1000)
    search.optimize(conn)
    seconds = time.perf_counter() - start
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("VACUUM")  # as for a release file
    conn.close()
    return seconds


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=25, help="queries per class (at most 25)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the best one counts")
    parser.add_argument("--keep", help="write the database here instead of a temporary file")
    parser.add_argument("--reuse", action="store_true", help="with --keep: query an existing file, no build")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or os.path.join(tmp, "search.db")
        reuse = args.reuse and args.keep and os.path.exists(path)
        if not reuse:
            if os.path.exists(path):
                os.remove(path)
            seconds = build(path, args.reports)
        size = os.path.getsize(path)
        conn = sqlite3.connect(path)
        reports = conn.execute("SELECT count(*) FROM report_search_text").fetchone()[0]
        text_bytes = sum(len(v.encode()) for row in conn.execute(
            "SELECT title, agency, body FROM report_search_text") for v in row)
        print(f"nianbao search bench: {reports} reports, sqlite {sqlite3.sqlite_version}, "
              f"{text_bytes / reports / 1024:.1f} KB of text per report")
        if reuse:
            print(f"index build: not measured (reused {path})")
        else:
            print(f"index build: {seconds:.1f} s ({reports / seconds:.0f} reports/s: tokenise, insert, optimize)")
        print(f"db after VACUUM {size / 1e6:.1f} MB = {size / reports:.0f} bytes/report "
              f"({size / text_bytes:.2f}x the text)")
        try:  # where the bytes are, if this SQLite has the dbstat table
            parts = dict(conn.execute("SELECT CASE WHEN name LIKE 'report_search_text%' THEN 'text table' "
                                      "WHEN name LIKE 'report_search%' THEN 'FTS index' ELSE 'other' END, "
                                      "sum(pgsize) FROM dbstat GROUP BY 1"))
            print("  " + ", ".join(f"{k} {v / reports:.0f}" for k, v in sorted(parts.items()))
                  + " bytes/report")
        except sqlite3.OperationalError:
            pass
        print(f"{'class':<9}{'n':>3} {'fts p50':>8}{'fts p95':>8}{'bm25 p50':>9}{'bm25 p95':>9}"
              f"{'like20 p50':>11}{'like20 p95':>11}{'likeall p50':>12}{'likeall p95':>12}"
              f"{'p95 like20/fts':>15}{'p95 likeall/fts':>16}{'hits med':>9}  hits range")
        mismatches = []
        for name, queries in QUERIES.items():
            queries = queries[: args.queries]
            for query in queries:  # warm-up pass: the timings below are for a warm page cache
                search.search(conn, query)
            times: dict[str, list[float]] = {"fts": [], "bm25": [], "like20": [], "likeall": []}
            hits = []
            for query in queries:
                expression = search.match_expression(query)
                where, params = like_clause(query)
                runs = {
                    "fts": lambda: search.search(conn, query, limit=20),
                    "bm25": lambda: conn.execute("SELECT rowid FROM report_search WHERE report_search MATCH ? "
                                                 "ORDER BY rank LIMIT 20", (expression,)).fetchall(),
                    "like20": lambda: conn.execute(f"SELECT rowid FROM report_search_text WHERE {where} "
                                                   "LIMIT 20", params).fetchall(),
                    "likeall": lambda: conn.execute(f"SELECT count(*) FROM report_search_text WHERE {where}",
                                                    params).fetchone()[0],
                }
                for key, run in runs.items():
                    best = float("inf")
                    for _ in range(args.repeat):
                        start = time.perf_counter()
                        result = run()
                        best = min(best, time.perf_counter() - start)
                    times[key].append(best)
                    if key == "fts":
                        assert all(r["snippet"] for r in result)
                    elif key == "likeall":
                        expected = result
                found = conn.execute("SELECT count(*) FROM report_search WHERE report_search MATCH ?",
                                     (expression,)).fetchone()[0]
                hits.append(found)
                if found != expected:
                    mismatches.append((query, found, expected))
            p = {key: (percentile(v, .5) * 1000, percentile(v, .95) * 1000) for key, v in times.items()}
            print(f"{name:<9}{len(queries):>3} " + "".join(
                f"{p[key][0]:>{w - 2}.1f}ms{p[key][1]:>{w - 2}.1f}ms"
                for key, w in (("fts", 8), ("bm25", 9), ("like20", 11), ("likeall", 12)))
                + f"{p['like20'][1] / p['fts'][1]:>14.1f}x{p['likeall'][1] / p['fts'][1]:>15.1f}x"
                f"{statistics.median(hits):>9.0f}  {min(hits)}..{max(hits)}")
        conn.close()
        print("match counts equal to LIKE for every query" if not mismatches
              else f"MISMATCHES (query, fts, like): {mismatches}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
