"""The one spider: walks every selected portal of the registry with its CMS family and turns every
response — list page, API answer, detail page, attachment, error — into a capture. It never parses
a report; ``nianbao build`` does that from the captures."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Request

from .. import dns
from ..families import FAMILIES
from ..links import anchors, is_attachment
from ..registry import default_registry, load_registry, select
from ..store import CaptureStore

HTML_TYPES = ("text/html", "application/xhtml")
# Every status reaches the callbacks (and becomes a capture) except redirects, which Scrapy follows.
HANDLED_STATUSES = [304, *range(400, 600)]


class PortalsSpider(scrapy.Spider):
    name = "portals"

    def __init__(self, registry: str | None = None, source: str = "", family: str | None = None,
                 region: str | None = None, archive: str = "archive", run_id: str | None = None,
                 worker: str = "w0", **kwargs):
        super().__init__(**kwargs)
        self.registry_path = str(registry or default_registry("sample"))
        ids = [s for s in (source.split(",") if isinstance(source, str) else source) if s]
        self.sources = {s.id: s for s in select(load_registry(self.registry_path), ids, family, region)}
        if not self.sources:
            raise ValueError("no source matches the filters")
        self.archive_dir = archive
        self.requested_run_id = run_id
        self.worker = worker
        self.allowed_hosts = frozenset(h for s in self.sources.values() for h in s.allowed_hosts)
        self.private_hosts = frozenset(h for s in self.sources.values() if s.allow_private for h in s.allowed_hosts)
        dns.ALLOWED_PRIVATE_HOSTS.update(self.private_hosts)
        self.store: CaptureStore | None = None
        self._followed: set[str] = set()  # detail and attachment URLs already requested

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    def _opened(self, spider):
        # A resumed crawl (same JOBDIR) continues its run. Scrapy saves spider.state only on a clean
        # close, so the run id is written to the job dir at once: a SIGKILL must not lose it.
        run_id = self.requested_run_id
        jobdir = self.crawler.settings.get("JOBDIR")
        marker = Path(jobdir) / "nianbao-run-id" if jobdir else None
        if run_id is None and marker is not None and marker.exists():
            run_id = marker.read_text().strip()
        run_id = run_id or _new_run_id()
        if marker is not None:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(run_id)
        self.store = CaptureStore(self.archive_dir, run_id, registry=self.registry_path, worker=self.worker,
                                  commit_every=self.crawler.settings.getint("NIANBAO_COMMIT_EVERY", 200))
        if self.shared_queue:
            from ..workers import Workers

            self.workers = Workers(self.crawler.settings["NIANBAO_REDIS_URL"], run_id, self.worker)
            self.workers.busy()  # before the first response: a worker starting later must not stop at once
        self.logger.info("run %s: %d sources, archive %s%s", run_id, len(self.sources), self.archive_dir,
                         " (resumed)" if self.store.resumed else "")

    @property
    def shared_queue(self) -> bool:
        return bool(self.crawler.settings.get("NIANBAO_REDIS_URL"))

    def _idle(self, spider):
        """Once the columns are walked, ask again for documents earlier runs captured that no list
        links any more: a 404 then records that the report was taken down. (Workers on a shared
        queue skip this: each only knows its own archive; the next single crawl does it.)"""
        if self.shared_queue:
            self.workers.wait_for_others()  # raises DontCloseSpider while another worker is busy
            return
        if getattr(self, "_rechecked", False) or self.store is None:
            return
        self._rechecked = True
        requested = self.store.urls_in_run()
        rechecks = [(url, source_id) for url, source_id in self.store.previous_documents()
                    if url not in requested and source_id in self.sources]
        for url, source_id in rechecks:
            request = self.request(url, self.sources[source_id], role="recheck", callback=self.parse_attachment)
            self.crawler.engine.crawl(request)
        if rechecks:
            self.logger.info("rechecking %d documents no list links any more", len(rechecks))
            raise DontCloseSpider

    def _closed(self, spider, reason):
        if self.store is not None:
            self.store.close(reason, self.crawler.stats.get_stats(), self.sources)

    # ---- requests ---------------------------------------------------------------------------

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        for source in self.sources.values():
            yield from FAMILIES[source.family].start(self, source)

    def request(self, url: str, source, *, role: str, step: tuple[str, str] | None = None, callback=None,
                referer: str | None = None, method: str = "GET", formdata: dict | None = None,
                meta: dict | None = None, anchor: str | None = None, list_date: str | None = None,
                link_kind: str | None = None, dont_filter: bool = False) -> Request:
        meta = {**(meta or {}), "source_id": source.id, "role": role, "anchor_text": anchor, "list_date": list_date,
                "link_kind": link_kind, "handle_httpstatus_list": HANDLED_STATUSES}
        if step:
            meta["family"], meta["step"] = step
            callback = self.parse_step
        if source.max_bytes:
            meta["download_maxsize"] = source.max_bytes
        self._stats(source.id).requests += 1
        headers = {"Referer": referer} if referer else None
        if formdata is not None:
            return FormRequest(url, method=method, formdata=formdata, callback=callback, errback=self.on_error,
                               meta=meta, headers=headers, dont_filter=dont_filter)
        return Request(url, method=method, callback=callback or self.parse_detail, errback=self.on_error,
                       meta=meta, headers=headers, dont_filter=dont_filter)

    def follow_detail(self, response, url: str, text: str, day: str | None, kind: str):
        """A link from a list to a report (or companion) page, if its host may be followed."""
        source = self.source_of(response)
        stats = self._stats(source.id)
        if (urlsplit(url).hostname or "").lower() not in source.allowed_hosts:
            stats.offsite_links += 1
            return
        if kind == "report":
            stats.report_links += 1
        if url in self._followed:
            return
        self._followed.add(url)
        shared = self.shared_queue
        role = "attachment" if is_attachment(url) else "detail"
        # dont_filter: our own set removes duplicate links, and Scrapy's dupefilter would otherwise
        # swallow a redirect loop silently instead of letting it fail (and be recorded) at REDIRECT_MAX_TIMES.
        # With a shared queue (several workers) the shared dupefilter must see every request.
        yield self.request(url, source, role=role, referer=response.url, anchor=text, list_date=day, link_kind=kind,
                           callback=self.parse_attachment if role == "attachment" else self.parse_detail,
                           dont_filter=not shared)

    def source_of(self, response):
        return self.sources[response.meta["source_id"]]

    def note(self, response, message: str) -> None:
        source_id = response.meta["source_id"]
        self._stats(source_id).notes.append(message)
        self.logger.warning("%s: %s (%s)", source_id, message, response.url)

    def _stats(self, source_id: str):
        return self.store.stats[source_id]

    # ---- callbacks --------------------------------------------------------------------------

    def parse_step(self, response):
        yield from self._capture(response)
        readable = self._readable(response)
        if readable is None:
            return
        family = FAMILIES[response.meta["family"]]
        yield from getattr(family, f"parse_{response.meta['step']}")(self, readable)

    def parse_detail(self, response):
        yield from self._capture(response)
        readable = self._readable(response)
        if readable is None or not _is_html(readable):
            return
        source = self.source_of(response)
        for url, text, _ in anchors(readable):
            if is_attachment(url) and url not in self._followed and \
                    (urlsplit(url).hostname or "").lower() in source.allowed_hosts:
                self._followed.add(url)
                yield self.request(url, source, role="attachment", referer=response.url, anchor=text,
                                   link_kind=response.meta.get("link_kind"), callback=self.parse_attachment,
                                   dont_filter=not self.shared_queue)

    def parse_attachment(self, response):
        yield from self._capture(response)

    def on_error(self, failure):
        request = failure.request
        refused = (urlsplit(request.url).hostname or "").lower() in dns.REFUSED_HOSTS
        error = "private_address" if refused else _error_type(failure)
        stats = self._stats(request.meta["source_id"])
        stats.errors[error] += 1
        if request.meta.get("role") in ("list", "home") and stats.start_outcome is None:
            stats.start_outcome = error
        self.logger.info("%s: %s (%s)", request.url, error, failure.getErrorMessage()[:200])
        yield self._item(request, None, error=error)

    # ---- captures ---------------------------------------------------------------------------

    def _capture(self, response):
        if self.shared_queue:
            self.workers.busy()
        meta = response.meta
        stats = self._stats(meta["source_id"])
        if meta.get("role") in ("list", "home") and stats.start_outcome is None:
            stats.start_outcome = str(response.status)
        if meta.get("replayed"):
            return
        stats.responses[str(response.status)] += 1
        yield self._item(response.request, response)

    def _readable(self, response):
        """The response to read links from: a 304 reads the previously captured bytes."""
        if response.status == 200:
            return response
        if response.status == 304:
            stored = self.store.previous_body(response.request.url)
            if stored is not None:
                return response.replace(status=200, body=stored.body)
        return None

    def _item(self, request, response, error: str | None = None) -> dict:
        meta = request.meta
        source = self.sources[meta["source_id"]]
        item = {
            "fingerprint": self.crawler.request_fingerprinter.fingerprint(request).hex(),
            "source_id": source.id, "region_code": source.region, "url": meta.get("redirect_urls", [request.url])[0],
            "final_url": response.url if response is not None else None, "method": request.method,
            "referer": (request.headers.get("Referer") or b"").decode("latin-1") or None,
            "anchor_text": meta.get("anchor_text"), "list_date": meta.get("list_date"), "role": meta.get("role"),
            "link_kind": meta.get("link_kind"), "error": error,
            "request_headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in request.headers.items() for v in vs],
            "request_body": request.body,
        }
        if response is not None:
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
            header = lambda name: (response.headers.get(name) or b"").decode("latin-1") or None  # noqa: E731
            item.update(status=response.status, headers=headers, body=response.body,
                        content_type=header("Content-Type"), etag=header("ETag"), last_modified=header("Last-Modified"),
                        content_disposition=header("Content-Disposition"))
        return item


def _is_html(response) -> bool:
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return content_type.startswith(HTML_TYPES) and not response.body.lstrip()[:5] == b"%PDF-"


def _error_type(failure) -> str:
    """A short, stable name for why a request got no response."""
    from scrapy import exceptions as scrapy_errors
    from twisted.internet import error as net_errors
    from twisted.internet.defer import CancelledError
    from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

    message = failure.getErrorMessage().lower()
    if failure.check(scrapy_errors.IgnoreRequest):
        for marker, kind in (("robots.txt", "robots"), ("offsite", "offsite"), ("private", "private_address"),
                             ("redirect", "redirect_loop")):
            if marker in message:
                return kind
        return "ignored"
    if "private address" in message:
        return "private_address"
    if failure.check(scrapy_errors.CannotResolveHostError, net_errors.DNSLookupError):
        return "dns"
    if failure.check(scrapy_errors.DownloadCancelledError, CancelledError) and "size" in message:
        return "too_large"
    if failure.check(scrapy_errors.DownloadTimeoutError, net_errors.TimeoutError, net_errors.TCPTimedOutError):
        return "timeout"
    if failure.check(scrapy_errors.DownloadConnectionRefusedError, net_errors.ConnectionRefusedError):
        return "connection_refused"
    if failure.check(scrapy_errors.ResponseDataLossError) or "dataloss" in message or "data loss" in message:
        return "truncated"
    if failure.check(scrapy_errors.DownloadFailedError, ResponseFailed, ResponseNeverReceived,
                     net_errors.ConnectionLost, net_errors.ConnectionDone):
        return "connection"
    return type(failure.value).__name__


def _new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
