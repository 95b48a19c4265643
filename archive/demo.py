"""``nianbao demo``: the whole job on the embedded default, with no internet.

Serve the sample portals locally → crawl them → build archive.db → write the release → serve the
archive with Datasette. Each step is the same command a real deployment runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

from crawler.registry import write_registry
from crawler.sampleweb.server import SampleServer, free_port
from crawler.sampleweb.site import SAMPLE_SETTINGS, registry_entries


def _step(command: list[str], say: Callable[[str], None]) -> None:
    say("$ nianbao " + " ".join(command))
    result = subprocess.run([sys.executable, "-m", "archive", *command])
    if result.returncode != 0:
        raise RuntimeError(f"nianbao {command[0]} failed with status {result.returncode}")


def run_demo(workdir: Path, *, sample_port: int = 8765, say: Callable[[str], None] = print) -> dict:
    """Crawl the local sample portals and build; returns the paths. The portals stop afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    server = SampleServer(("127.0.0.1", free_port(sample_port)), {"profile": "normal"})
    server.serve_in_thread()
    try:
        manifest = server.site.manifest()
        (workdir / "sample-manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        say(f"sample portals on http://127.0.0.1:{server.port}/ : {len(manifest['portals'])} portals, "
            f"{len(manifest['reports'])} reports (manifest: {workdir / 'sample-manifest.json'})")
        registry = workdir / "registry.yaml"
        write_registry(registry, registry_entries(server.site), settings=SAMPLE_SETTINGS,
                       comment="The demo's sample portals.")
        archive = workdir  # WORKDIR/archive.db and WORKDIR/warc/
        _step(["crawl", "--registry", str(registry), "--archive", str(archive)], say)
    finally:
        server.shutdown()
        server.server_close()
    _step(["build", "--archive", str(archive)], say)
    _step(["release", "--archive", str(archive), "--out", str(workdir / "release")], say)
    return {"archive": workdir, "db": workdir / "archive.db", "release": workdir / "release",
            "manifest": workdir / "sample-manifest.json"}
