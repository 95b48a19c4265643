"""Scrapy settings for the nianbao crawler: polite and safe by default, switched by settings.

A registry file may override any of these under ``settings:`` (the sample registry turns the
throttle off, for example); ``nianbao crawl`` applies them.
"""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Polite
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; archive of 政府信息公开工作年度报告)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"

# Safe
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
REDIRECT_MAX_TIMES = 10
TWISTED_DNS_RESOLVER = "crawler.dns.PolicyResolver"
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Retries, with back-off
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.HostPolicyMiddleware": 50,
    "crawler.middlewares.ReplayMiddleware": 60,
    "crawler.middlewares.ConditionalRequestMiddleware": 70,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {"crawler.pipelines.CapturePipeline": 100}
EXTENSIONS = {"crawler.extensions.Progress": 500}
PROGRESS_INTERVAL = 10.0

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
