"""Several crawl workers on one shared scrapy-redis queue: when may a worker stop?

scrapy-redis closes a spider as soon as the shared queue looks empty, but another worker may be
parsing a list page that is about to add requests. Each worker keeps a short-lived "busy" key in
Redis while it handles responses; an idle worker stays open while another worker's key exists.
A killed worker's key expires, so the others do not wait for it forever.
"""

from __future__ import annotations

import time

import redis
from scrapy.exceptions import DontCloseSpider

BUSY_SECONDS = 5


class Workers:
    def __init__(self, url: str, run_id: str, name: str):
        self.redis = redis.Redis.from_url(url)
        self.prefix = f"nianbao:{run_id}:busy:"
        self.name = name
        self.last_busy = 0.0

    def busy(self) -> None:
        now = time.monotonic()
        if now - self.last_busy > 1:  # one write a second is enough
            self.redis.set(self.prefix + self.name, 1, ex=BUSY_SECONDS)
            self.last_busy = now

    def wait_for_others(self) -> None:
        self.redis.delete(self.prefix + self.name)
        others = [k for k in self.redis.scan_iter(self.prefix + "*") if k.decode() != self.prefix + self.name]
        if others:
            time.sleep(0.5)
            raise DontCloseSpider
