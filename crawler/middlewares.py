"""Downloader middlewares: stay on registered hosts, ask conditionally, replay what a resumed run
already captured, and back off before retrying."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.response import Response
from scrapy.responsetypes import responsetypes


class _CrawlerAware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class HostPolicyMiddleware(_CrawlerAware):
    """Only hosts of registered portals are fetched, whatever a page links to."""

    def process_request(self, request: Request):
        spider = self.crawler.spider
        host = (urlsplit(request.url).hostname or "").lower()
        if host not in spider.allowed_hosts:
            raise IgnoreRequest(f"offsite: {host} is not a registered host")


class ReplayMiddleware(_CrawlerAware):
    """A request this run already captured (before a kill) is answered from the WARC file, so a
    resumed crawl re-reads list pages without fetching or capturing anything twice."""

    def process_request(self, request: Request):
        spider = self.crawler.spider
        store = spider.store
        if store is None or not store.resumed:
            return None
        done = store.captured_in_run(spider.crawler.request_fingerprinter.fingerprint(request).hex())
        if done is None:
            return None
        _, status, warc_file, offset, warc_type = done
        if status == 200 and warc_type == "response" and warc_file:
            stored = store.stored(warc_file, offset)
            cls = responsetypes.from_args(headers=dict(stored.headers), url=request.url, body=stored.body)
            request.meta["replayed"] = True
            return cls(url=request.url, status=200, headers=stored.headers, body=stored.body, request=request)
        if status == 304 or warc_type == "revisit":
            request.meta["replayed"] = True
            return Response(url=request.url, status=304, request=request)
        raise IgnoreRequest("already captured in this run")


class ConditionalRequestMiddleware(_CrawlerAware):
    """Documents captured before are asked for with If-None-Match / If-Modified-Since; list pages
    are always fetched in full."""

    ROLES = ("detail", "attachment", "recheck")

    def process_request(self, request: Request):
        spider = self.crawler.spider
        if request.meta.get("role") not in self.ROLES or spider.store is None:
            return None
        prev = spider.store.previous.get(request.url)
        if not prev:
            return None
        if prev.get("etag") and b"If-None-Match" not in request.headers:
            request.headers["If-None-Match"] = prev["etag"]
        if prev.get("last_modified") and b"If-Modified-Since" not in request.headers:
            request.headers["If-Modified-Since"] = prev["last_modified"]
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with a pause that doubles on every attempt (RETRY_BACKOFF_BASE seconds)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)

    async def _pause(self, result, request):
        if isinstance(result, Request) and self.base > 0:
            attempt = result.meta.get("retry_times", 1)
            await asyncio.sleep(self.base * 2 ** (attempt - 1))
        return result

    async def process_response(self, request, response):
        return await self._pause(super().process_response(request, response), request)

    async def process_exception(self, request, exception):
        return await self._pause(super().process_exception(request, exception), request)
