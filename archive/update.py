"""``nianbao update``: the periodic job — crawl (incremental) + build + release, safe under cron.

A lock file keeps two updates from overlapping; the run report (new reports, new versions, gone
reports, failed sources with their classification, failed parses, time taken) is printed and
stored in the ``runs`` table; the exit status is non-zero when the crawl or any source failed.
``--due`` crawls only the sources whose last crawl is older than the season asks: reports appear
mostly in January–March, so weekly then and monthly otherwise.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler.registry import default_registry, load_registry

from .build import build
from .release import release
from .schema import open_archive

LOCK_NAME = ".nianbao-update.lock"


class Locked(RuntimeError):
    """Another update holds the archive's lock."""


def interval_for(when: datetime) -> timedelta:
    """How old a source's last crawl may be: a week in the publishing season (Jan–Mar), else a month."""
    return timedelta(days=7) if when.month <= 3 else timedelta(days=30)


@contextmanager
def update_lock(archive_dir: Path):
    archive_dir.mkdir(parents=True, exist_ok=True)
    handle = open(archive_dir / LOCK_NAME, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise Locked(f"another update is running on {archive_dir} (pid {holder}); not starting a second one") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def due_sources(archive_dir: Path, source_ids: list[str], now: datetime) -> list[str]:
    db_path = archive_dir / "archive.db"
    if not db_path.exists():
        return source_ids
    db = open_archive(archive_dir)
    last = dict(db.execute("SELECT s.source_id, MAX(r.finished_at) FROM run_sources s JOIN runs r ON r.id = s.run_id "
                           "WHERE r.finished_at IS NOT NULL GROUP BY s.source_id").fetchall())
    db.close()
    limit = interval_for(now)
    return [sid for sid in source_ids if sid not in last or now - datetime.fromisoformat(last[sid]) >= limit]


@dataclass
class RunReport:
    crawl_run: str | None = None
    new_reports: list[str] = field(default_factory=list)
    new_versions: list[dict] = field(default_factory=list)
    gone_reports: list[str] = field(default_factory=list)
    failed_sources: list[dict] = field(default_factory=list)
    failed_parses: list[dict] = field(default_factory=list)
    skipped_sources: list[str] = field(default_factory=list)
    crawl_finish: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.crawl_finish in ("finished", None) and not self.failed_sources

    def lines(self) -> list[str]:
        out = [f"nianbao update — crawl run {self.crawl_run or '(none)'}: {self.crawl_finish or 'nothing due'}, "
               f"{self.seconds:.0f}s"]
        out.append(f"  new reports ({len(self.new_reports)}): " + ", ".join(self.new_reports[:8])
                   + (" …" if len(self.new_reports) > 8 else ""))
        out.append(f"  new versions ({len(self.new_versions)}): " + ", ".join(
            f"{v['report_id']} v{v['version']} ({v['changed']} keys)" for v in self.new_versions[:6])
                   + (" …" if len(self.new_versions) > 6 else ""))
        out.append(f"  gone reports ({len(self.gone_reports)}): " + ", ".join(self.gone_reports[:8]))
        out.append(f"  failed sources ({len(self.failed_sources)}): " + ", ".join(
            f"{s['source_id']} ({s['classification']})" for s in self.failed_sources))
        out.append(f"  failed parses ({len(self.failed_parses)}): " + ", ".join(
            f"{p['url']}: {p['error']}" for p in self.failed_parses[:4]))
        if self.skipped_sources:
            out.append(f"  not due ({len(self.skipped_sources)}): " + ", ".join(self.skipped_sources[:8]))
        out.append("  status: " + ("ok" if self.ok else "FAILED"))
        return out


def collect(archive_dir: Path, run_id: str) -> RunReport:
    db = open_archive(archive_dir)
    q = lambda sql, *p: db.execute(sql, list(p)).fetchall()  # noqa: E731
    report = RunReport(crawl_run=run_id)
    report.crawl_finish = (q("SELECT finish_reason FROM runs WHERE id = ?", run_id) or [[None]])[0][0]
    report.new_reports = [r[0] for r in q(
        "SELECT v.report_id FROM report_versions v JOIN captures c ON c.id = v.capture_id "
        "WHERE c.run_id = ? AND v.reason = 'first' ORDER BY v.report_id", run_id)]
    report.new_versions = [{"report_id": r[0], "version": r[1], "changed": r[2]} for r in q(
        "SELECT v.report_id, v.version, v.changed_count FROM report_versions v JOIN captures c ON c.id = v.capture_id "
        "WHERE c.run_id = ? AND v.reason != 'first' ORDER BY v.report_id", run_id)]
    report.gone_reports = [r[0] for r in q(
        "SELECT DISTINCT s.report_id FROM report_sources s JOIN reports r ON r.id = s.report_id "
        "JOIN captures c ON c.url = s.url AND c.run_id = ? AND c.fetched_at = s.gone_at WHERE r.gone_at IS NOT NULL", run_id)]
    report.failed_sources = [{"source_id": r[0], "classification": r[1]} for r in q(
        "SELECT source_id, classification FROM run_sources WHERE run_id = ? AND classification IS NOT NULL "
        "ORDER BY source_id", run_id)]
    report.failed_parses = [{"url": r[0], "error": r[1]} for r in q(
        "SELECT c.url, p.error FROM captures c JOIN parses p ON p.sha256 = c.sha256 WHERE c.run_id = ? "
        "AND p.error IS NOT NULL", run_id)]
    db.close()
    return report


def update(*, archive_dir: Path, registry: Path | None = None, release_dir: Path | None = None, due: bool = False,
           extra_crawl_args: list[str] = (), say=print) -> RunReport:
    started, started_at = time.monotonic(), datetime.now(timezone.utc).isoformat(timespec="seconds")
    registry = Path(registry or default_registry("sample"))
    with update_lock(archive_dir):
        sources = [s.id for s in load_registry(registry)]
        chosen = due_sources(archive_dir, sources, datetime.now(timezone.utc)) if due else sources
        skipped = [s for s in sources if s not in chosen]
        run_id = None
        if chosen:
            run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-u{os.getpid()}"
            command = [sys.executable, "-m", "archive", "crawl", "--registry", str(registry), "--archive",
                       str(archive_dir), "--run-id", run_id, *extra_crawl_args]
            if due:
                command += [arg for sid in chosen for arg in ("--source", sid)]
            say(f"crawling {len(chosen)} source(s) …")
            subprocess.run(command, stdout=sys.stderr)  # the crawl's own output is progress, not the report
            say("building …")
            build(archive_dir)
            if release_dir:
                say("writing the release …")
                release(archive_dir, release_dir)
            report = collect(archive_dir, run_id)
        else:
            report = RunReport()
        report.skipped_sources = skipped
        report.seconds = time.monotonic() - started
        db = open_archive(archive_dir)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        stored = json.dumps(report.__dict__, ensure_ascii=False, default=str)
        db["runs"].insert({"id": f"update-{run_id or now}", "kind": "update", "started_at": started_at,
                           "finished_at": now, "finish_reason": "ok" if report.ok else "failed",
                           "registry": str(registry), "report": stored}, replace=True)
        if run_id:
            db["runs"].update(run_id, {"report": stored})
        db.close()
    return report
