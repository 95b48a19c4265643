"""The registry files: what ships, what a bad one says, and that Scrapy sees the project."""

import subprocess
import sys

import pytest

from crawler.registry import RegistryError, default_registry, load_registry, select, write_registry
from crawler.run import crawl_settings
from crawler.sampleweb.site import SAMPLE_SETTINGS, Site, registry_entries
from tests.conftest import ROOT


def test_real_registry_has_every_real_column_and_the_seed_portals():
    sources = load_registry(default_registry("real"))
    assert len(sources) >= 92
    assert {s.family for s in sources} == {"trs", "hanweb", "gkmlpt", "vsb", "generic", "home"}
    assert all(len(s.region) == 6 and not s.allow_private for s in sources)
    by_name = {s.name: s for s in sources}
    assert by_name["南京市玄武区司法局"].region == "320102"
    assert by_name["哈尔滨市阿城区人民政府"].start_url == "http://www.acheng.gov.cn/"
    assert len(select(sources, region="32")) >= 3


def test_shipped_sample_registry_matches_the_sample_portals(tmp_path):
    write_registry(tmp_path / "sample.yaml", registry_entries(Site(port=8765)), settings=SAMPLE_SETTINGS,
                   comment="The local sample portals on port 8765 (nianbao sampleweb serve --port 8765).")
    assert (tmp_path / "sample.yaml").read_text("utf-8") == default_registry("sample").read_text("utf-8")


BAD = {
    "sources: {}": "expected a mapping with a 'sources' list",
    "sources: [{id: a, name: b, region: '1401', start_url: 'http://x.gov.cn/'}]": "'family' is missing",
    "sources: [{id: a, name: b, region: '14x', start_url: 'http://x.gov.cn/', family: trs}]": "region must be",
    "sources: [{id: a, name: b, region: '140404', start_url: 'ftp://x/', family: trs}]": "start_url must be",
    "sources: [{id: a, name: b, region: '140404', start_url: 'http://x/', family: cms}]": "family must be one of",
    "sources: [{id: a, name: b, region: '14', start_url: 'http://x/', family: trs}, "
    "{id: a, name: c, region: '14', start_url: 'http://y/', family: trs}]": "duplicate id",
    "sources: [": "not valid YAML",
}


@pytest.mark.parametrize("text", sorted(BAD))
def test_bad_registry_says_what_is_wrong(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(RegistryError, match=BAD[text].replace("(", r"\(").replace(")", r"\)")):
        load_registry(path)


def test_unknown_source_and_per_source_delay(tmp_path):
    path = tmp_path / "r.yaml"
    write_registry(path, [{"id": "a", "name": "a", "region": "140404", "start_url": "http://a.gov.cn/", "family": "trs",
                           "delay": 3.5}])
    with pytest.raises(RegistryError, match="unknown source id"):
        select(load_registry(path), ["nope"])
    assert crawl_settings(path).getdict("DOWNLOAD_SLOTS") == {"a.gov.cn": {"delay": 3.5}}
    result = subprocess.run([sys.executable, "-m", "archive", "crawl", "--registry", str(path), "--source", "nope"],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "unknown source id(s): nope" in result.stderr


def test_scrapy_lists_the_spider():
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["portals"]
