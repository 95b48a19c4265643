"""All sample portals of one epoch and profile: their routes, the faults placed on them, and the
manifest of every report they publish (so a crawl's completeness can be measured)."""

from __future__ import annotations

import hashlib
import urllib.parse
from dataclasses import replace
from datetime import datetime, timezone

from .catalogue import SPAM_HOST, Doc, Portal, build_portals
from .families import FAMILIES
from .pages import Page, esc

FAULTS = ("error_once", "slow", "reset", "truncated", "pdf_as_html", "huge", "robots", "redirect_loop", "offhost",
          "companions", "duplicates")
PROFILE_FAULTS = {"normal": {"companions", "duplicates"}, "hostile": set(FAULTS), "scale": set()}
SLOW_SECONDS = 3.0
HUGE_BYTES = 20 * 1024 * 1024
COMPANION_KINDS = ("interpretation", "infographic", "notice")


def route_key(path: str, query: str = "") -> str:
    """Paths with their query parameters sorted, so ``?i=3&s=12`` and ``?s=12&i=3`` are one page."""
    if not query:
        return path
    return path + "?" + urllib.parse.urlencode(sorted(urllib.parse.parse_qsl(query, keep_blank_values=True)))


class Site:
    def __init__(self, *, epoch: int = 1, profile: str = "normal", seed: int = 0, port: int = 0,
                 faults: set[str] | None = None, portals: int = 50, reports: int = 200):
        if profile not in PROFILE_FAULTS:
            raise ValueError(f"unknown profile {profile!r}; one of {sorted(PROFILE_FAULTS)}")
        if epoch not in (1, 2):
            raise ValueError("epoch is 1 or 2")
        self.epoch, self.profile, self.seed, self.port = epoch, profile, seed, port
        self.faults = set(PROFILE_FAULTS[profile] if faults is None else faults)
        unknown = self.faults - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {', '.join(FAULTS)}")
        self.portals = build_portals(epoch, seed, profile, portals, reports)
        if "companions" not in self.faults:
            for portal in self.portals:
                portal.docs = [d for d in portal.docs if d.kind not in COMPANION_KINDS]
        self._place_faults()
        self.routes: dict[str, dict[str, Page]] = {}
        for portal in self.portals:
            family = FAMILIES[portal.spec.family]
            routes = {route_key(*_split(k)): page for k, page in family.routes(portal, self).items()}
            routes["/robots.txt"] = Page(lambda _, p=portal: self._robots(p), "text/plain; charset=utf-8")
            # A column behind a firewall rule: lets a crawler's "blocked" classification be tested.
            routes["/blocked/index.html"] = Page(lambda _: "<h1>403 Forbidden</h1>".encode(), status=403)
            self._apply_faults(portal, routes)
            self.routes[portal.spec.host] = routes
        self._manifest: dict | None = None
        self.routes[SPAM_HOST] = {"/ndbg/1.html": Page(lambda _: _spam_page(), "text/html; charset=utf-8")}

    # ---- URLs ------------------------------------------------------------------------------

    def base(self, portal: Portal) -> str:
        return f"http://{portal.spec.host}:{self.port}" if self.port else f"http://{portal.spec.host}"

    def absolute(self, portal: Portal, path: str) -> str:
        return path if path.startswith("http") else self.base(portal) + path

    def column_url(self, portal: Portal) -> str:
        return self.absolute(portal, FAMILIES[portal.spec.family].column_url(portal))

    def document_urls(self, portal: Portal, doc: Doc) -> list[str]:
        return [self.absolute(portal, p) for p in FAMILIES[portal.spec.family].document_urls(doc)]

    # ---- list pages ------------------------------------------------------------------------

    def list_chunks(self, portal: Portal, href, path) -> list[list[tuple[str, str, str]]]:
        """The column's pages of (title, href, date), with the links the faults add."""
        size = portal.page_size
        links = [(d.title, href(d), d.published.isoformat()) for d in portal.docs]
        chunks = [links[i:i + size] for i in range(0, len(links), size)] or [[]]
        first = next((d for d in portal.docs if d.kind == "report"), None)
        if "duplicates" in self.faults and first:
            chunks[0].append((first.title, self.absolute(portal, path(first)), first.published.isoformat()))
        if portal.spec.family == "trs" and self.profile != "scale":
            extra = chunks[-1]
            if "offhost" in self.faults:
                port = f":{self.port}" if self.port else ""
                extra.append(("国务院政府信息公开工作年度报告", "http://www.gov.cn/zhengce/xxgk/ndbg.htm", "2024-03-01"))
                extra.append((f"{portal.spec.site_name}2023年政府信息公开工作年度报告（镜像）",
                              f"http://{SPAM_HOST}{port}/ndbg/1.html", "2024-03-02"))
            if "redirect_loop" in self.faults:
                extra.append(("2019年政府信息公开工作年度报告（备用链接）", "/loop/a.html", "2020-03-01"))
        return chunks

    # ---- faults ----------------------------------------------------------------------------

    def _place_faults(self) -> None:
        """Each fault on one document of one portal family, chosen deterministically."""
        if self.profile == "scale":
            return
        by_family = {p.spec.family: p for p in self.portals}

        def pick(family: str, want_attachment: bool = False, kind: str = "pdf") -> Doc | None:
            portal = by_family.get(family)
            if portal is None:
                return None
            for doc in portal.reports:
                if doc.status in ("unchanged",) and not doc.seed_stem and not doc.break_rule and not doc.faults and (
                        not want_attachment or doc.shape in (kind, "article+pdf")):
                    return doc
            return None

        placements = {"slow": pick("hanweb"), "reset": pick("gkmlpt"), "truncated": pick("vsb", True),
                      "pdf_as_html": pick("generic", True), "huge": pick("legacy", True), "robots": pick("trs")}
        for fault, doc in placements.items():
            if fault in self.faults and doc is not None:
                doc.faults = (*doc.faults, fault)

    def _apply_faults(self, portal: Portal, routes: dict[str, Page]) -> None:
        family = FAMILIES[portal.spec.family]
        for doc in portal.docs:
            urls = [route_key(*_split(u)) for u in family.document_urls(doc)]
            for fault in doc.faults:
                targets = urls[:1] if fault in ("slow", "reset", "robots") else urls[1:]
                for key in targets:
                    page = routes.get(key)
                    if page is not None and page.status == 302:  # Hanweb: the fault is on the file
                        page = routes.get(page.location)
                    if page is not None:
                        page.faults.add(fault)
        if portal.spec.family == "trs" and "error_once" in self.faults:
            second = route_key("/xxgk/zfxxgknb/index_1.html")
            if second in routes:
                routes[second].faults.add("error_once")
        if "redirect_loop" in self.faults:
            routes["/loop/a.html"] = Page(lambda _: b"", status=302, location="/loop/b.html")
            routes["/loop/b.html"] = Page(lambda _: b"", status=302, location="/loop/a.html")

    def _robots(self, portal: Portal) -> bytes:
        lines = ["User-agent: *", "Disallow: /admin/"]
        family = FAMILIES[portal.spec.family]
        for doc in portal.docs:
            if "robots" in doc.faults:
                lines.append(f"Disallow: {family.document_urls(doc)[0]}")
        return ("\n".join(lines) + "\n").encode()

    # ---- the manifest ----------------------------------------------------------------------

    def manifest(self) -> dict:
        if self._manifest is None:
            self._manifest = self._build_manifest()
        return self._manifest

    def _build_manifest(self) -> dict:
        portals, reports, non_reports = [], [], []
        for portal in self.portals:
            family = FAMILIES[portal.spec.family]
            portals.append({"id": portal.id, "family": portal.spec.family, "host": portal.spec.host,
                            "name": portal.spec.site_name, "region_code": portal.spec.county_code,
                            "home_url": self.absolute(portal, "/"), "column_url": self.column_url(portal),
                            "encoding": portal.spec.encoding})
            for doc in portal.docs:
                entry = {"portal": portal.id, "key": doc.key, "title": doc.title, "urls": self.document_urls(portal, doc)}
                if doc.kind != "report":
                    non_reports.append({**entry, "kind": doc.kind})
                    continue
                record = doc.report.record
                entry.update(agency=doc.agency, year=doc.year, format=record["format"], shape=doc.shape,
                             status=doc.status, revision=doc.revision, faults=list(doc.faults),
                             expect=_expectation(doc), checks_failed=record.get("checks_failed", []),
                             published=doc.published.isoformat())
                if doc.previous_number is not None:
                    old = replace(doc, number=doc.previous_number)
                    entry["previous_urls"] = [self.absolute(portal, p) for p in family.document_urls(old)]
                reports.append(entry)
            for doc in portal.removed:
                reports.append({"portal": portal.id, "key": doc.key, "title": doc.title, "agency": doc.agency,
                                "year": doc.year, "format": doc.fmt, "shape": doc.shape, "status": "removed",
                                "urls": self.document_urls(portal, doc), "faults": [], "expect": "gone"})
        return {"epoch": self.epoch, "profile": self.profile, "seed": self.seed, "faults": sorted(self.faults),
                "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "portals": portals, "reports": reports, "non_reports": non_reports,
                "off_host": [SPAM_HOST, "www.gov.cn"]}

    def etag(self, body: bytes) -> str:
        return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def _split(key: str) -> tuple[str, str]:
    path, _, query = key.partition("?")
    return path, query


def _expectation(doc: Doc) -> str:
    """What a correct crawl ends with for this report."""
    for fault, outcome in (("robots", "robots_blocked"), ("reset", "error"), ("truncated", "error"),
                           ("huge", "too_large")):
        if fault in doc.faults:
            return outcome
    return "captured"


def _spam_page() -> bytes:
    return (f"<html><body><h1>{esc('免费下载 政府信息公开工作年度报告 大全')}</h1>"
            "<a href='http://casino.example/'>赌场</a></body></html>").encode()


CRAWLER_FAMILY = {"legacy": "generic"}  # an ASP site is just a generic list to the crawler

SAMPLE_SETTINGS = {
    # Local portals: no throttling needed, quick retries, a size limit the 20 MB attachment exceeds.
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
    "DOWNLOAD_TIMEOUT": 20,
    "RETRY_BACKOFF_BASE": 0.2,
    "PROGRESS_INTERVAL": 5,
}


def registry_entries(site: Site, discover: bool = False) -> list[dict]:
    """Registry sources for the sample portals: their columns, or (``discover``) their home pages."""
    return [{"id": f"sample-{p.id}", "name": p.spec.site_name, "region": p.spec.county_code,
             "start_url": site.absolute(p, "/") if discover else site.column_url(p),
             "family": "home" if discover else CRAWLER_FAMILY.get(p.spec.family, p.spec.family), "allow_private": True} for p in site.portals]
