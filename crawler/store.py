"""The crawler's side of the archive: capture rows in archive.db, raw bytes in WARC files.

It knows, from earlier runs, the last capture of every URL (for conditional requests and revisit
records) and, within this run, what is already captured (so a resumed run neither loses nor
repeats a capture). Rows are committed in batches, always after the WARC bytes they point at are
flushed: a killed crawl leaves at worst WARC records no row points at, never a row without bytes.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from archive.schema import open_archive
from archive.warcstore import StoredResponse, WarcFile, read_response

COMMIT_EVERY = 200
COMMIT_SECONDS = 2.0


@dataclass
class SourceStats:
    requests: int = 0
    responses: Counter = field(default_factory=Counter)
    captures: int = 0
    new_documents: int = 0
    report_links: int = 0
    offsite_links: int = 0
    errors: Counter = field(default_factory=Counter)
    start_outcome: str | None = None  # how the source's first page went
    notes: list[str] = field(default_factory=list)

    def classification(self) -> str | None:
        """Why a source yielded nothing (None when it yielded report links)."""
        if self.report_links:
            return None
        outcome = self.start_outcome or "not_fetched"
        if outcome in ("dns", "private_address", "offsite", "robots"):
            return {"dns": "dns_failure"}.get(outcome, outcome)
        if outcome in ("403", "412", "401", "429"):
            return "blocked"
        if outcome == "404":
            return "column_404"
        if outcome in ("200", "304"):
            return "no_links"
        if outcome.isdigit():
            return f"http_{outcome}"
        return outcome


class CaptureStore:
    def __init__(self, directory: str | Path, run_id: str, *, registry: str = "", worker: str = "w0",
                 resumed: bool = False, commit_every: int = COMMIT_EVERY):
        self.directory = Path(directory)
        self.run_id, self.worker = run_id, worker
        self.db = open_archive(self.directory)
        self.conn = self.db.conn
        existing = self.db["runs"].count_where("id = ?", [run_id])
        segment = self.db.execute("SELECT COUNT(DISTINCT warc_file) FROM captures WHERE run_id = ?", [run_id]).fetchone()[0]
        self.warc = WarcFile(self.directory, f"{run_id}-{worker}-{segment + int(existing > 0)}")
        now = _now()
        if not existing:
            self.db["runs"].insert({"id": run_id, "kind": "crawl", "started_at": now, "registry": registry,
                                    "worker": worker})
        self.conn.commit()
        self.previous = self._previous_captures()
        self.this_run = {row[0]: row[1:] for row in self.conn.execute(
            "SELECT fingerprint, id, status, warc_file, warc_offset, warc_type FROM captures WHERE run_id = ?", [run_id])}
        self.known_sha = {(url, sha) for url, sha in self.conn.execute(
            "SELECT url, sha256 FROM captures WHERE sha256 IS NOT NULL")}
        self.stats: dict[str, SourceStats] = defaultdict(SourceStats)
        self.pending = 0
        self.commit_every = commit_every
        self.last_commit = time.monotonic()
        self.resumed = resumed or bool(existing)

    def _previous_captures(self) -> dict[str, dict]:
        """URL → its latest capture with bytes (status 200), from earlier runs."""
        rows = self.conn.execute(
            "SELECT url, id, sha256, etag, last_modified, warc_file, warc_offset, fetched_at FROM captures "
            "WHERE run_id != ? AND warc_type = 'response' AND status = 200 ORDER BY id", [self.run_id])
        return {r[0]: {"id": r[1], "sha256": r[2], "etag": r[3], "last_modified": r[4], "warc_file": r[5],
                       "warc_offset": r[6], "fetched_at": r[7]} for r in rows}

    # ---- reading back -----------------------------------------------------------------------

    def stored(self, warc_file: str, offset: int) -> StoredResponse:
        return read_response(self.directory, warc_file, offset)

    def previous_body(self, url: str) -> StoredResponse | None:
        prev = self.previous.get(url)
        return self.stored(prev["warc_file"], prev["warc_offset"]) if prev else None

    def captured_in_run(self, fingerprint: str) -> tuple | None:
        """(id, status, warc_file, offset, warc_type) of this run's capture of that request."""
        return self.this_run.get(fingerprint)

    def urls_in_run(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT url FROM captures WHERE run_id = ?", [self.run_id])} | {
            row[0] for row in self.conn.execute("SELECT final_url FROM captures WHERE run_id = ? AND final_url IS NOT NULL",
                                                [self.run_id])}

    def previous_documents(self) -> list[tuple[str, str]]:
        """(url, source) of every detail page and attachment earlier runs fetched successfully."""
        return list(self.conn.execute(
            "SELECT DISTINCT url, source_id FROM captures WHERE run_id != ? AND role IN ('detail', 'attachment') "
            "AND status IN (200, 304)", [self.run_id]))

    # ---- writing ----------------------------------------------------------------------------

    def write(self, item: dict) -> str | None:
        """Store one capture (WARC + row). Returns ``new``, ``changed``, ``same`` or None if the
        request was already captured in this run."""
        fingerprint = item["fingerprint"]
        if fingerprint in self.this_run:
            return None
        fetched = datetime.now(timezone.utc)
        body: bytes | None = item.pop("body", None)
        row = {k: item.get(k) for k in (
            "source_id", "region_code", "fingerprint", "url", "final_url", "method", "referer", "anchor_text",
            "list_date", "role", "link_kind", "status", "error", "content_type", "etag", "last_modified",
            "content_disposition")}
        row.update(run_id=self.run_id, fetched_at=fetched.isoformat(timespec="seconds"))
        outcome = None
        prev = self.previous.get(item["url"])
        if body is not None and item.get("status") == 200:
            sha = hashlib.sha256(body).hexdigest()
            row.update(sha256=sha, content_length=len(body))
            if prev and prev["sha256"] == sha:
                outcome = "same"
                where = self.warc.write_revisit(
                    url=item["url"], status=200, reason="OK", headers=item["headers"], sha256=sha,
                    refers_to_url=item["url"], refers_to_date=prev["fetched_at"], fetched_at=fetched, not_modified=False)
                row.update(warc_type="revisit", revisit_of=prev["id"])
            else:
                outcome = "changed" if prev else "new"
                where = self.warc.write_response(
                    url=item["url"], status=200, reason="OK", headers=item["headers"], body=body,
                    method=item.get("method") or "GET", request_headers=item.get("request_headers") or [],
                    request_body=item.get("request_body") or b"", fetched_at=fetched)
                row["warc_type"] = "response"
        elif item.get("status") == 304 and prev:
            outcome = "same"
            row.update(sha256=prev["sha256"], revisit_of=prev["id"], warc_type="revisit")
            where = self.warc.write_revisit(
                url=item["url"], status=304, reason="Not Modified", headers=item["headers"], sha256=prev["sha256"],
                refers_to_url=item["url"], refers_to_date=prev["fetched_at"], fetched_at=fetched, not_modified=True)
        elif body is not None and item.get("status") is not None:
            row["content_length"] = len(body)
            row["sha256"] = hashlib.sha256(body).hexdigest()
            where = self.warc.write_response(
                url=item["url"], status=item["status"], reason=item.get("reason") or "", headers=item["headers"],
                body=body, method=item.get("method") or "GET", request_headers=item.get("request_headers") or [],
                request_body=item.get("request_body") or b"", fetched_at=fetched)
            row["warc_type"] = "response"
        else:
            where = (None, None, None)
        row["warc_file"], row["warc_offset"], row["warc_length"] = where
        if outcome in ("new", "changed") and (item["url"], row["sha256"]) not in self.known_sha:
            self.stats[item["source_id"]].new_documents += 1
            self.known_sha.add((item["url"], row["sha256"]))
        cursor = self.conn.execute(
            f"INSERT OR IGNORE INTO captures ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
        self.this_run[fingerprint] = (cursor.lastrowid, row["status"], row["warc_file"], row["warc_offset"],
                                      row.get("warc_type"))
        self.stats[item["source_id"]].captures += 1
        self.pending += 1
        if self.pending >= self.commit_every or time.monotonic() - self.last_commit > COMMIT_SECONDS:
            self.commit()
        return outcome

    def commit(self) -> None:
        self.warc.flush()
        self.conn.commit()
        self.pending = 0
        self.last_commit = time.monotonic()

    def close(self, finish_reason: str, scrapy_stats: dict, sources: dict) -> None:
        """Write the run's stats, per source, with a classification of every source that yielded nothing."""
        self.commit()
        for source_id, stats in self.stats.items():
            source = sources.get(source_id)
            if source is not None:
                self.db["sources"].upsert({"id": source.id, "name": source.name, "region_code": source.region,
                                           "family": source.family, "start_url": source.start_url,
                                           "last_seen": _now()}, pk="id")
            self.db["run_sources"].upsert({
                "run_id": self.run_id, "source_id": source_id, "requests": stats.requests,
                "responses": json.dumps(dict(stats.responses)), "captures": stats.captures,
                "new_documents": stats.new_documents, "report_links": stats.report_links,
                "errors": json.dumps(dict(stats.errors)), "status": stats.start_outcome,
                "classification": stats.classification()}, pk=("run_id", "source_id"))
        self.db["runs"].update(self.run_id, {"finished_at": _now(), "finish_reason": finish_reason,
                                             "stats": json.dumps(scrapy_stats, default=str)})
        self.conn.commit()
        self.warc.close()
        self.db.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
