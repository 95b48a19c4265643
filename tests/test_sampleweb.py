"""The sample portals: a real HTTP server on 127.0.0.1, a free port, started and stopped here."""

import http.client
from html import unescape
import json
import re
import time
import urllib.parse

import pytest

from crawler.sampleweb.server import SampleServer
from parsers import flatten, parse_document
from tests.sampleweb_client import Client


@pytest.fixture(scope="module")
def normal():
    server = SampleServer(("127.0.0.1", 0), {"profile": "normal"})
    server.serve_in_thread()
    yield server, Client(server.port)
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh():
    """A server of its own, for tests that switch epochs or count requests."""
    servers = []

    def start(**options):
        server = SampleServer(("127.0.0.1", 0), options)
        server.serve_in_thread()
        servers.append(server)
        return server, Client(server.port)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def portal(manifest, pid):
    return next(p for p in manifest["portals"] if p["id"] == pid)


def reports_of(manifest, pid):
    return [r for r in manifest["reports"] if r["portal"] == pid and r["status"] != "removed"]


def hrefs(html: bytes, encoding="utf-8"):
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html.decode(encoding))]


def test_every_portal_leads_from_home_to_the_column(normal):
    server, client = normal
    manifest = client.manifest()
    assert {p["family"] for p in manifest["portals"]} == {"trs", "hanweb", "gkmlpt", "vsb", "generic", "legacy"}
    for p in manifest["portals"]:
        encoding = "gbk" if p["encoding"] == "gbk" else "utf-8"
        status, _, home = client.get(p["home_url"])
        assert status == 200
        nav = urllib.parse.urljoin(p["home_url"], next(h for h in hrefs(home, encoding) if h == "/zwgk/"))
        assert "政府信息公开" in home.decode(encoding)
        status, _, nav_page = client.get(nav)
        text = nav_page.decode(encoding)
        column = re.search(r'href="([^"]+)">政府信息公开年报<', text).group(1)
        assert urllib.parse.urljoin(nav, column) == p["column_url"]


def test_trs_pagination_only_in_create_page_html(normal):
    _, client = normal
    manifest = client.manifest()
    column = portal(manifest, "trs")["column_url"]
    _, _, first = client.get(column)
    pages = int(re.search(r'createPageHTML\((\d+), 0, "index", "html"\)', first.decode()).group(1))
    assert pages >= 2 and "index_1.html" not in " ".join(hrefs(first))
    links = []
    for n in range(pages):
        url = column if n == 0 else column.replace("index.html", f"index_{n}.html")
        status, _, body = client.get(url)
        assert status == 200
        links += [urllib.parse.urljoin(url, h) for h in hrefs(body) if re.search(r"/\d{6}/t\d{8}_\d+\.html$", h)]
    listed = {u for r in reports_of(manifest, "trs") for u in r["urls"][:1]}
    assert listed <= set(links)
    attachment = next(r for r in reports_of(manifest, "trs") if len(r["urls"]) > 1)["urls"][1]
    assert re.search(r"/\d{6}/P0\d+\.(pdf|docx)$", attachment)
    assert client.get(attachment)[0] == 200


def test_hanweb_list_only_from_dataproxy(normal):
    _, client = normal
    manifest = client.manifest()
    p = portal(manifest, "hanweb")
    _, _, column = client.get(p["column_url"])
    assert "/art/" not in column.decode() and "dataproxy.jsp" in column.decode()
    base = p["home_url"].rstrip("/")
    url = f"{base}/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=30&perpage=10"
    form = b"col=1&appid=1&webid=2&path=/&columnid=1229230631&sourceContentType=1&unitid=3957&permissiontype=0"
    status, headers, body = client.request(url, "POST", {"Content-Type": "application/x-www-form-urlencoded"}, form)
    text = body.decode()
    assert status == 200 and "<datastore>" in text and "<recordset>" in text
    total = int(re.search(r"<totalrecord>(\d+)</totalrecord>", text).group(1))
    records = re.findall(r"<record><!\[CDATA\[<li><a href=\"((?:http://[^/]+)?/art/\d{4}/\d{1,2}/\d{1,2}/art_1229230631_\d+\.html)\"", text)
    assert total > 10 and len(records) == min(30, total)
    second = client.request(url.replace("startrecord=1&endrecord=30", "startrecord=11&endrecord=20"), "POST")[2]
    assert re.findall(r"href=\"((?:http://[^/]+)?/art/[^\"]+)\"", second.decode()) == records[10:20]
    attached = next(r for r in reports_of(manifest, "hanweb") if len(r["urls"]) > 1)
    status, headers, _ = client.get(attached["urls"][1])
    assert status == 302 and re.match(r"^/attach/0/\w+\.(pdf|docx)$", headers["location"])
    status, headers, body = client.get(base + headers["location"])
    assert status == 200 and "attachment" in headers["content-disposition"]
    year = client.get(f"{base}/module/xxgk/xxgkAnnualReport.jsp?area=330102&fbtime=2022")[2].decode()
    assert "2022年政府信息公开工作年度报告" in year and "2021年政府信息公开" not in year


def test_gkmlpt_list_only_from_json_api(normal):
    _, client = normal
    manifest = client.manifest()
    p = portal(manifest, "gkmlpt")
    _, _, index = client.get(p["column_url"].split("#")[0])
    sid = re.search(r"SID: '(\d+)'", index.decode()).group(1)
    catid = p["column_url"].split("#")[1]
    base = p["home_url"].rstrip("/")
    wrong = json.loads(client.get(f"{base}/gkmlpt/api/all/{catid}?page=1&sid=0")[2])
    assert wrong["articles"] == []
    page1 = json.loads(client.get(f"{base}/gkmlpt/api/all/{catid}?page=1&sid={sid}")[2])
    page2 = json.loads(client.get(f"{base}/gkmlpt/api/all/{catid}?page=2&sid={sid}")[2])
    assert page1["total"] == len(page1["articles"]) + len(page2["articles"]) - 1 or page1["total"] > 10
    urls = [a["url"] for a in page1["articles"] + page2["articles"]]
    assert all(re.search(r"/gkmlpt/content/\d+/\d+/post_\d+\.html$", u) for u in urls)
    assert {r["urls"][0] for r in reports_of(manifest, "gkmlpt")} <= set(urls)


def test_vsb_numbered_sub_pages_count_down(normal):
    _, client = normal
    manifest = client.manifest()
    p = portal(manifest, "vsb")
    _, _, first = client.get(p["column_url"])
    nxt = re.search(r'href="(zfxxgknb/\d+\.htm)">下页', first.decode()).group(1)
    last = re.search(r'href="(zfxxgknb/\d+\.htm)">尾页', first.decode()).group(1)
    assert last == "zfxxgknb/1.htm"
    second_url = urllib.parse.urljoin(p["column_url"], nxt)
    status, _, second = client.get(second_url)
    details = [urllib.parse.urljoin(second_url, h) for h in hrefs(second) if "/info/1082/" in h]
    assert status == 200 and details and all(re.search(r"/info/1082/\d+\.htm$", d) for d in details)
    if "下页" in second.decode():  # a sub-page links its sibling in the same folder
        sibling = re.search(r'href="(\d+\.htm)">下页', second.decode()).group(1)
        assert client.get(urllib.parse.urljoin(second_url, sibling))[0] == 200
    assert all(client.get(d)[0] == 200 for d in details[:3])


def test_gbk_portal_is_gbk_and_legacy_portal_uses_asp_links(normal):
    _, client = normal
    manifest = client.manifest()
    gbk = portal(manifest, "gbk")
    _, headers, body = client.get(gbk["column_url"])
    assert "gb2312" in headers["content-type"] and b'charset="gb2312"' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    report = reports_of(manifest, "gbk")[0]
    _, _, page = client.get(report["urls"][0])
    assert report["agency"] in page.decode("gbk")
    legacy = portal(manifest, "legacy")
    assert legacy["column_url"].startswith("http://")
    _, _, listing = client.get(legacy["column_url"])
    links = hrefs(listing)
    assert any(re.match(r"^/ins\.asp\?s=12&i=\d+$", h) for h in links)
    assert any(re.match(r"^list\.asp\?s=12&page=2$", h) for h in links)


def test_conditional_requests_get_304(normal):
    _, client = normal
    url = client.manifest()["reports"][0]["urls"][0]
    status, headers, body = client.get(url)
    assert status == 200 and headers["etag"] and headers["last-modified"]
    assert client.get(url, headers={"If-None-Match": headers["etag"]})[0] == 304
    assert client.get(url, headers={"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert client.get(url, headers={"If-None-Match": '"other"'})[0] == 200
    assert client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_manifest_matches_what_is_served(normal):
    _, client = normal
    manifest = client.manifest()
    assert len(manifest["reports"]) >= 80
    for report in manifest["reports"]:
        assert report["expect"] == "captured"
        for url in report["urls"]:
            status, headers, body = client.get(url)
            if status == 302:
                status, headers, body = client.get(urllib.parse.urljoin(url, headers["location"]))
            assert status == 200, url
    # Each report's article or attachment really holds that report.
    sample = [r for r in manifest["reports"] if r["shape"] in ("article", "pdf")][:6]
    for report in sample:
        url = report["urls"][-1]
        flat = flatten(parse_document(client.get(url)[2]))
        assert (flat["agency"], flat["year"]) == (report["agency"], report["year"])
        assert flat["checks_failed"] == report["checks_failed"]
    assert {n["kind"] for n in manifest["non_reports"]} == {"interpretation", "infographic", "notice"}


def test_epoch_two_is_a_year_later(fresh):
    server, client = fresh()
    first = client.manifest()
    old_bodies = {r["key"]: client.get(r["urls"][-1])[2] for r in first["reports"]}
    trs_column = portal(first, "trs")["column_url"]
    old_top = hrefs(client.get(trs_column)[2])
    server.set_epoch(2)
    second = client.manifest()
    by_status = {}
    for r in second["reports"]:
        by_status.setdefault(r["status"], []).append(r)
    assert {"new", "revised", "removed", "moved", "unchanged"} <= set(by_status)
    assert all(r["year"] == 2024 for r in by_status["new"])
    for r in by_status["revised"]:
        status, _, body = client.get(r["urls"][-1])
        assert status == 200 and body != old_bodies[r["key"]]
        assert r["urls"] == next(o["urls"] for o in first["reports"] if o["key"] == r["key"])
    for r in by_status["removed"]:
        assert client.get(r["urls"][0])[0] == 404
    for r in by_status["moved"]:
        assert client.get(r["urls"][0])[0] == 200 and client.get(r["previous_urls"][0])[0] == 404
    for r in by_status["unchanged"][:10]:
        assert client.get(r["urls"][-1])[2] == old_bodies[r["key"]]
    assert hrefs(client.get(trs_column)[2]) != old_top  # the new reports push the list down


def test_hostile_faults_happen_as_configured(fresh):
    server, client = fresh(profile="hostile")
    manifest = client.manifest()
    faulty = {f: r for r in manifest["reports"] for f in r["faults"]}
    assert set(faulty) == {"robots", "slow", "reset", "truncated", "pdf_as_html", "huge"}
    trs = portal(manifest, "trs")
    second = trs["column_url"].replace("index.html", "index_1.html")
    assert client.get(second)[0] == 500 and client.get(second)[0] == 200
    start = time.monotonic()
    assert client.get(faulty["slow"]["urls"][0])[0] == 200
    assert time.monotonic() - start >= 2.5
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, OSError)):
        client.get(faulty["reset"]["urls"][0])
    with pytest.raises((http.client.IncompleteRead, ConnectionError, OSError)):
        client.get(faulty["truncated"]["urls"][1])
    _, headers, body = client.get(faulty["pdf_as_html"]["urls"][1])
    assert headers["content-type"].startswith("text/html") and body.startswith(b"%PDF")
    _, headers, body = client.get(faulty["huge"]["urls"][1])
    assert len(body) == 20 * 1024 * 1024
    robots = client.get(trs["home_url"] + "robots.txt")[2].decode()
    assert urllib.parse.urlsplit(faulty["robots"]["urls"][0]).path in robots
    listing = b"".join(client.get(trs["column_url"].replace("index.html", f"index_{n}.html") if n else trs["column_url"])[2]
                       for n in range(2))
    links = hrefs(listing)
    assert "http://www.gov.cn/zhengce/xxgk/ndbg.htm" in links
    assert any("mirror.spam.localhost" in h for h in links)
    assert client.get(trs["home_url"] + "loop/a.html")[1]["location"] == "/loop/b.html"
    assert client.get(trs["home_url"] + "loop/b.html")[1]["location"] == "/loop/a.html"
    first_page = hrefs(client.get(trs["column_url"])[2])
    assert any(first_page.count(h) for h in first_page if h.startswith("http://trs."))  # duplicate, absolute


def test_scale_profile_is_deterministic(fresh):
    _, a = fresh(profile="scale", portals=3, reports=40, seed=7)
    _, b = fresh(profile="scale", portals=3, reports=40, seed=7)
    ma, mb = a.manifest(), b.manifest()
    assert len(ma["reports"]) == 120
    strip = lambda m: [(r["portal"], r["agency"], r["year"], r["urls"][0].split(":", 2)[2].split("/", 1)[1])
                       for r in m["reports"]]
    assert strip(ma) == strip(mb)
    assert len({(r["agency"], r["year"]) for r in ma["reports"]}) == 120
    assert a.get(ma["reports"][5]["urls"][0])[2] == b.get(mb["reports"][5]["urls"][0])[2]
