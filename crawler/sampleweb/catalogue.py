"""What every sample portal publishes in each epoch, decided deterministically from a seed.

A portal is one government site of one CMS family with its own host name; each publishes reports
(as an article, an attachment behind a stub page, or both) and a few pages that are not reports.
Epoch 2 is the same portals a year later: new reports, one revised at the same URL, one removed,
one moved to a new URL — the manifest says which is which.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from .reports import COUNTIES, Report, seed_report, synthetic_report

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
DOMAIN = "sample.localhost"  # RFC 6761: *.localhost is loopback, so a browser can follow the links too
SPAM_HOST = "mirror.spam.localhost"
FIRST_YEAR, LAST_YEAR = 2020, 2023  # epoch 1 publishes these statistics years; epoch 2 adds 2024


@dataclass(frozen=True)
class PortalSpec:
    id: str
    family: str  # trs | hanweb | gkmlpt | vsb | generic | legacy
    county_code: str
    encoding: str = "utf-8"
    seeds: tuple[str, ...] = ()  # seed texts (file stems) this portal publishes

    @property
    def host(self) -> str:
        return f"{self.id}.{DOMAIN}"

    @property
    def site_name(self) -> str:
        county = COUNTIES[self.county_code]
        return f"{county.city}{county.name}人民政府"


NORMAL_PORTALS = (
    PortalSpec("trs", "trs", "140404", seeds=("003_b001e99ef219e1a7",)),
    PortalSpec("hanweb", "hanweb", "330102"),
    PortalSpec("gkmlpt", "gkmlpt", "440305"),
    PortalSpec("vsb", "vsb", "410105", seeds=("001_529dae6be8c784ed",)),
    PortalSpec("gbk", "generic", "150204", encoding="gbk", seeds=("004_15a2a8efa849601b",)),
    PortalSpec("legacy", "legacy", "230112", seeds=("000_0b7324347ee43e09", "002_bd51c4d876234cdf")),
)


@dataclass(eq=False)  # identity: pages cache their bytes per document
class Doc:
    """One page a portal lists in its annual-report column: a report or a companion page."""

    key: str  # stable across epochs: "<portal>/<n>"
    portal: str
    number: int  # drives the ids in its URLs; a moved report gets a new number
    title: str  # the link text
    published: date  # the date the list page shows
    kind: str = "report"  # report | interpretation | infographic | notice
    shape: str = "article"  # article | pdf | docx | article+pdf
    agency: str = ""
    county_code: str = ""
    year: int = 0
    fmt: str = "F2021"
    seed: int = 0
    revision: int = 1
    seed_stem: str | None = None
    break_rule: str | None = None
    status: str = "unchanged"  # unchanged | new | revised | moved (epoch 2)
    previous_number: int | None = None
    faults: tuple[str, ...] = ()

    @cached_property
    def report(self) -> Report:
        if self.seed_stem:
            return seed_report(SEEDS_DIR / f"{self.seed_stem}.txt")
        return synthetic_report(self.seed * 7 + self.revision, agency=self.agency, county_code=self.county_code,
                                year=self.year, fmt=self.fmt, break_rule=self.break_rule)


@dataclass(eq=False)
class Portal:
    spec: PortalSpec
    docs: list[Doc] = field(default_factory=list)  # newest first, as the column lists them
    removed: list[Doc] = field(default_factory=list)  # published in epoch 1, gone in epoch 2
    page_size: int = 10

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def reports(self) -> list[Doc]:
        return [d for d in self.docs if d.kind == "report"]


def _title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def _publish_date(rng: random.Random, year: int) -> date:
    return date.fromordinal(date(year + 1, 1, 10).toordinal() + rng.randint(0, 75))


def build_portal(spec: PortalSpec, epoch: int, seed: int, shapes=("article", "pdf", "article+pdf", "docx")) -> Portal:
    """Every document of one portal in ``epoch`` (1 or 2)."""
    rng = random.Random(f"sampleweb:{seed}:{spec.id}")
    county = COUNTIES[spec.county_code]
    docs: list[Doc] = []
    last_year = LAST_YEAR + (1 if epoch == 2 else 0)
    for year in range(FIRST_YEAR, last_year + 1):
        for index, agency in enumerate(county.agencies):
            # One generator per document, so epoch 2's additions leave every old document as it was.
            doc_rng = random.Random(f"sampleweb:{seed}:{spec.id}:{year}:{agency}")
            docs.append(Doc(
                key=f"{spec.id}/{year}/{agency}", portal=spec.id, number=(year - 2000) * 1000 + index * 97 + doc_rng.randint(0, 90),
                title=_title(agency, year), published=_publish_date(doc_rng, year), agency=agency,
                county_code=spec.county_code, year=year, fmt="F2019" if year < 2021 else "F2021",
                seed=doc_rng.randint(1, 10**6), shape=doc_rng.choice(shapes),
                status="new" if year > LAST_YEAR else "unchanged"))
    number = 90_000
    for stem in spec.seeds:
        number += 11
        report = seed_report(SEEDS_DIR / f"{stem}.txt")
        docs.append(Doc(key=f"{spec.id}/seed/{stem[:3]}", portal=spec.id, number=number,
                        title=_title(report.agency, report.year), published=date(report.year + 1, 1, 20) + _days(rng),
                        agency=report.agency, year=report.year, seed_stem=stem, shape="article"))
    # A known few break the consistency rules, as real reports do.
    breakable = [d for d in docs if d.year == 2022 and not d.seed_stem]
    rule = rng.choice(["T3.balance", "T3.row_total", "T3.result_sum", "T4.review_sum", "T4.prose", "T3.prose"])
    breakable[0].break_rule = rule
    # Companion pages that are not reports.
    first = next(d for d in docs if d.year == LAST_YEAR and not d.seed_stem)
    docs += [
        Doc(key=f"{spec.id}/jiedu", portal=spec.id, number=number + 101, kind="interpretation",
            title=f"文字解读：《{first.title}》", published=first.published, agency=first.agency,
            county_code=spec.county_code, year=first.year, seed=first.seed),
        Doc(key=f"{spec.id}/tujie", portal=spec.id, number=number + 102, kind="infographic",
            title=f"一图读懂｜{first.title}", published=first.published, agency=first.agency,
            county_code=spec.county_code, year=first.year, seed=first.seed),
        Doc(key=f"{spec.id}/notice", portal=spec.id, number=number + 103, kind="notice",
            title=f"关于做好{LAST_YEAR}年度政府信息公开工作年度报告编制工作的通知",
            published=date(LAST_YEAR, 12, 15), county_code=spec.county_code, year=LAST_YEAR),
    ]
    portal = Portal(spec, docs)
    if epoch == 2:
        _second_epoch(portal, rng)
    portal.docs.sort(key=lambda d: (d.published, d.number), reverse=True)
    return portal


def _days(rng: random.Random):
    from datetime import timedelta

    return timedelta(days=rng.randint(0, 30))


def _second_epoch(portal: Portal, rng: random.Random) -> None:
    """One report revised in place, one removed, one moved: each on a different portal family."""
    old = [d for d in portal.reports if d.status == "unchanged" and not d.seed_stem and not d.break_rule]
    change = {"trs": "revised", "hanweb": "removed", "vsb": "moved", "gkmlpt": "revised", "generic": "moved",
              "legacy": "removed"}.get(portal.spec.family)
    target = old[len(old) // 2]
    if change == "revised":
        index = portal.docs.index(target)
        portal.docs[index] = replace(target, revision=2, status="revised")
    elif change == "removed":
        portal.docs.remove(target)
        portal.removed.append(replace(target, status="removed"))
    elif change == "moved":
        index = portal.docs.index(target)
        portal.docs[index] = replace(target, number=target.number + 500_000, previous_number=target.number,
                                     status="moved")


def build_portals(epoch: int = 1, seed: int = 0, profile: str = "normal", portals: int = 50,
                  reports: int = 200) -> list[Portal]:
    if profile == "scale":
        return build_scale(epoch, seed, portals, reports)
    return [build_portal(spec, epoch, seed) for spec in NORMAL_PORTALS]


SCALE_FAMILIES = ("trs", "hanweb", "gkmlpt", "vsb", "generic")
SCALE_DEPARTMENTS = ("教育局", "民政局", "司法局", "交通运输局", "卫生健康局", "市场监督管理局", "自然资源局", "财政局",
                     "农业农村局", "文化和旅游局", "应急管理局", "水务局", "商务局", "审计局", "统计局", "医疗保障局")


def build_scale(epoch: int, seed: int, n_portals: int, n_reports: int) -> list[Portal]:
    """``n_portals`` × ``n_reports`` article reports, for crawl and build benchmarks: five years of
    reports of distinct agencies, so every (agency, year) is one report."""
    out = []
    codes = sorted(COUNTIES)
    for i in range(n_portals):
        spec = PortalSpec(f"p{i:04d}", SCALE_FAMILIES[i % len(SCALE_FAMILIES)], codes[i % len(codes)])
        county = COUNTIES[spec.county_code]
        rng = random.Random(f"sampleweb-scale:{seed}:{i}")
        docs = []
        for j in range(n_reports):
            unit, year = divmod(j, 5)
            dept = SCALE_DEPARTMENTS[unit % len(SCALE_DEPARTMENTS)]
            agency = f"{county.name}{dept}" if i < len(codes) and unit < len(SCALE_DEPARTMENTS) else \
                f"{county.name}第{i}{unit:03d}号{dept}"
            year = LAST_YEAR - year + (1 if epoch == 2 else 0)
            docs.append(Doc(key=f"{spec.id}/{j}", portal=spec.id, number=100_000 + j * 7 + rng.randint(0, 6),
                            title=_title(agency, year), published=_publish_date(rng, year), agency=agency,
                            county_code=spec.county_code, year=year, fmt="F2019" if year < 2021 else "F2021",
                            seed=rng.randint(1, 10**6), shape="article"))
        portal = Portal(spec, docs, page_size=20)
        portal.docs.sort(key=lambda d: (d.published, d.number), reverse=True)
        out.append(portal)
    return out
