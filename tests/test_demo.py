"""``nianbao demo --no-serve``: the main job end to end on the embedded default."""

import json
import sqlite3
import subprocess
import sys


def test_demo_builds_an_archive_of_every_sample_report(tmp_path):
    work = tmp_path / "demo"
    result = subprocess.run([sys.executable, "-m", "archive", "demo", "--workdir", str(work), "--no-serve"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((work / "sample-manifest.json").read_text())
    conn = sqlite3.connect(work / "archive.db")
    have = set(conn.execute("SELECT agency, year FROM reports"))
    assert {(r["agency"], r["year"]) for r in manifest["reports"]} == have
    assert (work / "release" / "archive.db").exists() and (work / "release" / "manifest.json").exists()
    assert "archive:" in result.stdout
