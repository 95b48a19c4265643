"""Builds the real registry (crawler/sources/real.yaml) from shared/portals/real-columns.tsv.

    python -m archive.real_registry ../shared/portals/real-columns.tsv -o crawler/sources/real.yaml

The TSV gives each column's agency, province and a guessed CMS family; the region code comes from
the agency name through the parser's region resolver (which is why this lives in archive/, the
layer allowed to call parsers). The seed reports' own portals are added as home pages.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path
from urllib.parse import urlsplit

from crawler.registry import write_registry
from parsers.region import resolve_region

FAMILY = {"gd-gkmlpt": "gkmlpt", "hanweb-annual-report": "hanweb"}
PROVINCES = {"北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "内蒙古": "内蒙古自治区",
             "广西": "广西壮族自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区", "西藏": "西藏自治区"}
SEED_PORTALS = [  # the portals the seed reports name (shared/seeds 000/002 and 004)
    {"id": "hlj-acheng", "name": "哈尔滨市阿城区人民政府", "region": "230112", "start_url": "http://www.acheng.gov.cn/",
     "family": "home"},
    {"id": "nmg-baotou-qingshan", "name": "包头市青山区人民政府", "region": "150204", "start_url": "https://www.gsg.gov.cn/",
     "family": "home"},
]


def source_id(url: str, used: set[str]) -> str:
    host = urlsplit(url).hostname or "portal"
    base = re.sub(r"^www\.|\.gov\.cn$|\.cn$", "", host).replace(".", "-")
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def _code(region: dict) -> str | None:
    return region["adcode"] or next((region[k]["code"] for k in ("county", "city", "province") if region.get(k)), None)


def build(tsv: Path) -> list[dict]:
    sources, used = [], {s["id"] for s in SEED_PORTALS}
    with open(tsv, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            province = PROVINCES.get(row["province"], row["province"] + "省")
            code = _code(resolve_region(province, agency=row["agency"])) or _code(resolve_region("", agency=province))
            sources.append({"id": source_id(row["column_url"], used), "name": row["agency"], "region": code,
                            "start_url": row["column_url"], "family": FAMILY.get(row["family"], row["family"]),
                            "example_report_url": row["example_report_url"]})
    return sources + SEED_PORTALS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tsv", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args()
    sources = build(args.tsv)
    write_registry(args.output, sources, defaults={"delay": 2.0}, comment=(
        "Real annual-report columns (from shared/portals/real-columns.tsv; column URLs are best guesses from one "
        "report URL each) and the seed reports' portals. Not reachable from the build machines. "
        "Regenerate: python -m archive.real_registry ../shared/portals/real-columns.tsv -o crawler/sources/real.yaml"))
    print(f"wrote {args.output}: {len(sources)} sources")


if __name__ == "__main__":
    main()
