"""Every capture item goes to the archive: bytes to the WARC file, a row to archive.db."""


class CapturePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        outcome = self.crawler.spider.store.write(item)
        return {"url": item["url"], "status": item.get("status"), "error": item.get("error"), "outcome": outcome}
