"""Progress on long crawls: one line every few seconds with what is captured so far."""

from __future__ import annotations

import time

from scrapy import signals
from twisted.internet import task


class Progress:
    def __init__(self, crawler, interval: float):
        self.crawler, self.interval = crawler, interval
        self.loop = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler, crawler.settings.getfloat("PROGRESS_INTERVAL", 10.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider):
        if self.interval > 0:
            self.loop = task.LoopingCall(self.report, spider)
            self.loop.start(self.interval, now=False)

    def report(self, spider):
        stats = self.crawler.stats
        store = getattr(spider, "store", None)
        captures = sum(s.captures for s in store.stats.values()) if store else 0
        errors = sum(sum(s.errors.values()) for s in store.stats.values()) if store else 0
        pending = len(self.crawler.engine.slot.scheduler) if self.crawler.engine and self.crawler.engine.slot else 0
        spider.logger.info("progress: %d captures, %d errors, %d requests queued, %d responses, %.0fs",
                           captures, errors, pending, stats.get_value("response_received_count", 0),
                           time.monotonic() - self.started)

    def closed(self, spider):
        if self.loop and self.loop.running:
            self.loop.stop()
