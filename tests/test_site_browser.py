"""The site in a real headless Chromium (Debian's ``chromium`` package, driven by Playwright).

``nianbao serve`` runs in a subprocess on the archive built by tests/test_site.py; the browser
searches, opens reports, reads the tables, the failed check and a version's changes as a reader
would, and saves screenshots to tests/artifacts/. A second server serves a copy of the archive in
which one report carries ``<script>`` in every portal-controlled field: no dialog may open and
the text must be visible as text. Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from crawler.sampleweb.server import free_port
from tests.test_site import SCRIPT, SEED_REPORT, make_hostile_copy, query, revised_report, site_archive

CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

from playwright import sync_api  # noqa: E402  (a test dependency: missing means a broken install, not a skip)

# Chromium comes from Debian's package (.ci/run installs it); without it these tests fail, never skip.
assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: apt-get install chromium"


def serve(db: Path, release: Path | None = None):
    """Start ``nianbao serve`` and wait until it answers; returns (process, base URL)."""
    port = free_port()
    args = [sys.executable, "-m", "archive", "serve", str(db), "--port", str(port)]
    if release:
        args += ["--release-dir", str(release)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nianbao serve exited: {process.stdout.read()}")
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("nianbao serve did not answer within 60 s")


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return site_archive(tmp_path_factory)


@pytest.fixture(scope="module")
def server(site):
    process, base = serve(site["db"], site["release"])
    yield base
    stop(process)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")  # screenshots are test output, never committed
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_open_report_read_table_three_and_the_failed_check(page, server, site):
    page.goto(server + "/")
    assert "年度报告" in page.locator("h1").inner_text()
    shot(page, "home")
    page.fill("#nianbao-q", "复议")
    page.click("form.nianbao-search button")
    page.wait_for_url("**/archive/search?q=*")
    link = page.get_by_role("link", name=SEED_REPORT, exact=True)
    assert link.count() == 1
    assert page.locator("mark", has_text="复议").count() > 0
    shot(page, "search")
    link.click()
    page.wait_for_url("**/report/**")
    assert "阿城区司法局" in page.locator("h1.report-title").inner_text()

    t3 = page.locator("table.t3")
    assert t3.is_visible()
    text = t3.inner_text()
    for label in ("一、本年新收政府信息公开申请数量", "三、本年度办理结果", "（七）总计", "自然人", "法律服务机构"):
        assert label in text
    expected = query(site["db"], "SELECT key, value FROM cells WHERE report_id = ? AND version = 1 AND table_name = 't3'",
                     (SEED_REPORT,))
    for row in expected[:40]:
        assert t3.locator(f'td[data-key="{row["key"]}"]').inner_text().strip() == ("" if row["value"] is None
                                                                                   else str(row["value"]))
    failed_cell = page.locator('td.failed[data-key="t4.review.total"]')
    assert failed_cell.is_visible() and "T4.prose" in failed_cell.get_attribute("data-rules")
    colour = failed_cell.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour != "rgba(0, 0, 0, 0)"  # highlighted
    check = page.locator('tr.check.fail[data-rule="T4.prose"]')
    assert check.is_visible() and "未通过" in check.inner_text()
    assert "T4.prose" in page.locator(".failed-summary").inner_text()
    shot(page, "report")


def test_revised_report_versions_show_the_changed_cell(page, server, site):
    report_id, change = revised_report(site["db"])
    page.goto(f"{server}/report/{quote(report_id, safe='/')}#versions")
    row = page.locator(f'section#v2 tr.change[data-key="{change["key"]}"]')
    row.scroll_into_view_if_needed()
    assert row.is_visible()
    assert row.locator("td.old").inner_text() == str(change["old"])
    assert row.locator("td.new").inner_text() == str(change["new"])
    assert "→" in row.inner_text()
    cell = page.locator(f'table.t3 td[data-key="{change["key"]}"]')
    assert cell.inner_text().strip() == str(change["new"]) and "changed" in cell.get_attribute("class")
    shot(page, "versions")
    page.locator("section#v1").get_by_role("link", name="查看这一版的表格").click()
    page.wait_for_url("**version=1**")
    assert page.locator(f'table.t3 td[data-key="{change["key"]}"]').inner_text().strip() == str(change["old"])


def test_downloads_from_the_home_page(page, server, site):
    page.goto(server + "/")
    with page.expect_download() as info:
        page.get_by_role("link", name="manifest.json", exact=True).click()
    path = info.value.path()
    assert Path(path).read_bytes() == (site["release"] / "manifest.json").read_bytes()


def test_script_injected_into_a_report_is_shown_as_text(page, site, tmp_path):
    report_id = make_hostile_copy(site["db"], tmp_path / "hostile")
    process, base = serve(tmp_path / "hostile" / "archive.db")
    try:
        page.goto(f"{base}/report/{quote(report_id, safe='/')}")
        title = page.locator("h1.report-title")
        assert SCRIPT in title.inner_text()  # visible, as text
        assert page.get_by_text("<script>alert(4)</script>").first.is_visible()
        assert page.locator('a[href^="javascript"]').count() == 0
        page.locator("section#v2").scroll_into_view_if_needed()
        shot(page, "injection-report")
        page.goto(f"{base}/archive/search?q=alert")
        assert page.get_by_text(SCRIPT).first.is_visible()
        shot(page, "injection-search")
        page.goto(f"{base}/archive/reports?id={quote(report_id)}")
        assert page.get_by_text(SCRIPT).first.is_visible()
        page.goto(f"{base}/archive/changes?since=2000-01-01")
        page.wait_for_timeout(300)  # give any injected script its chance to run
        assert page.dialogs == []
        assert page.evaluate("() => [...document.scripts].filter(s => s.text.includes('alert(')).length") == 0
    finally:
        stop(process)
