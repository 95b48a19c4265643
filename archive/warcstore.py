"""Raw bytes of every capture in gzip WARC files (ISO 28500, written with warcio).

Each crawl run (and each resumed segment of it) appends to its own file under ``DIR/warc/``, so a
file cut short by a killed process never sits in front of later records. A capture row points at
its record by file name and offset.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_DIR = "warc"


@dataclass
class StoredResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def _warc_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcFile:
    """One WARC file being appended to. ``write_*`` return (file name, offset, length)."""

    def __init__(self, directory: str | Path, name: str):
        folder = Path(directory) / WARC_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.name = f"{name}.warc.gz"
        self.path = folder / self.name
        self.file = open(self.path, "ab")
        self.writer = WARCWriter(self.file, gzip=True)
        if self.file.tell() == 0:
            info = self.writer.create_warcinfo_record(self.name, {"software": "nianbao", "format": "WARC File Format 1.1"})
            self.writer.write_record(info)

    def _write(self, records) -> tuple[str, int, int]:
        offset = self.file.tell()
        for record in records:
            self.writer.write_record(record)
        return self.name, offset, self.file.tell() - offset

    def write_response(self, *, url: str, status: int, reason: str, headers: list[tuple[str, str]], body: bytes,
                       method: str, request_headers: list[tuple[str, str]], fetched_at: datetime,
                       request_body: bytes = b"") -> tuple[str, int, int]:
        date = _warc_date(fetched_at)
        record_id = f"<urn:uuid:{uuid.uuid4()}>"
        response = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body),
            http_headers=StatusAndHeaders(f"{status} {reason or ''}".strip(), headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": record_id})
        request = self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(request_body),
            http_headers=StatusAndHeaders(f"{method} {_target(url)} HTTP/1.1", request_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id})
        return self._write([response, request])

    def write_revisit(self, *, url: str, status: int, reason: str, headers: list[tuple[str, str]],
                      sha256: str, refers_to_url: str, refers_to_date: str, fetched_at: datetime,
                      not_modified: bool) -> tuple[str, int, int]:
        """A revisit: the server said 304, or sent the same bytes as the previous capture."""
        profile = ("http://netpreserve.org/warc/1.1/revisit/server-not-modified" if not_modified
                   else "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest")
        record = self.writer.create_revisit_record(
            url, f"sha256:{sha256}", refers_to_url, refers_to_date,
            http_headers=StatusAndHeaders(f"{status} {reason or ''}".strip(), headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": _warc_date(fetched_at), "WARC-Profile": profile})
        return self._write([record])

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        if not self.file.closed:
            self.file.flush()
            self.file.close()


def _target(url: str) -> str:
    from urllib.parse import urlsplit

    split = urlsplit(url)
    return (split.path or "/") + (f"?{split.query}" if split.query else "")


def read_response(directory: str | Path, warc_file: str, offset: int) -> StoredResponse:
    """The response record at ``offset``: its status, headers and body bytes."""
    with open(Path(directory) / WARC_DIR / warc_file, "rb") as f:
        f.seek(offset)
        for record in ArchiveIterator(f):
            if record.rec_type != "response":
                raise ValueError(f"{warc_file}@{offset} is a {record.rec_type} record, not a response")
            http = record.http_headers
            return StoredResponse(record.rec_headers.get_header("WARC-Target-URI"), int(http.get_statuscode()),
                                  list(http.headers), record.content_stream().read())
    raise ValueError(f"no record at {warc_file}@{offset}")
