"""``nianbao crawl`` as a library call: one Scrapy crawl of the selected sources into an archive."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from .registry import RegistryError, default_registry, load_registry, registry_settings, select


def crawl_settings(registry: str | Path, jobdir: str | None = None, overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(registry_settings(registry), priority="project")
    # A source's own delay becomes its host's download slot (Scrapy keeps one slot per host).
    slots = {s.host: {"delay": s.delay} for s in load_registry(registry) if s.delay is not None}
    if slots:
        settings.set("DOWNLOAD_SLOTS", {**slots, **settings.getdict("DOWNLOAD_SLOTS")}, priority="project")
    if jobdir:
        settings.set("JOBDIR", str(jobdir), priority="cmdline")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def redis_settings(url: str, run_id: str) -> dict:
    """A shared scheduler and dupefilter in Redis (scrapy-redis): several workers, one queue per run."""
    return {"SCHEDULER": "scrapy_redis.scheduler.Scheduler", "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "REDIS_URL": url, "SCHEDULER_PERSIST": True, "SCHEDULER_IDLE_BEFORE_CLOSE": 1,
            "SCHEDULER_QUEUE_KEY": f"nianbao:{run_id}:requests", "SCHEDULER_DUPEFILTER_KEY": f"nianbao:{run_id}:dupefilter",
            "NIANBAO_REDIS_URL": url,
            # A worker killed mid-crawl loses only what it had in flight: its captures are committed at once.
            "NIANBAO_COMMIT_EVERY": 1}


def run_crawl(*, registry: str | Path | None = None, sources=(), family: str | None = None, region: str | None = None,
              archive: str | Path = "archive", jobdir: str | None = None, overrides: dict | None = None,
              run_id: str | None = None, worker: str = "w0", redis_url: str | None = None) -> str:
    """Crawl and return the finish reason. Raises RegistryError for a bad registry or selection."""
    registry = Path(registry or default_registry("sample"))
    select(load_registry(registry), list(sources), family, region)  # fail early, before Scrapy starts
    settings = crawl_settings(registry, jobdir, overrides)
    if redis_url:
        if not run_id:
            raise RegistryError("--redis needs --run-id: every worker of one crawl must name the same run")
        settings.update(redis_settings(redis_url, run_id), priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler("portals")
    process.crawl(crawler, registry=str(registry), source=",".join(sources), family=family, region=region,
                  archive=str(archive), run_id=run_id, worker=worker)
    process.start()
    return crawler.stats.get_value("finish_reason") or "unknown"
