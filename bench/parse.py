"""Parse throughput per input kind, against plain pdfplumber measured in the same run.

    python bench/parse.py [--repeat N] [--fixtures DIR] [--shared DIR]

Prints documents/s (and pages/s for PDFs) for every input kind found under the fixture folder
and for the real PDFs of ../shared/peer-fixtures, then the ratio of our PDF parse to the
baseline "pdfplumber: open + extract_text + extract_tables on every page" over the same PDFs,
and the cell accuracy of both routes on the PDFs that have gold values. One process, one core.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import DocumentError, flatten, parse_document  # noqa: E402
from parsers.cells import classify  # noqa: E402
from parsers.evaluate import score  # noqa: E402
from parsers.normalize import compact  # noqa: E402
from parsers.extract.pdf import extract_pdf_tables  # noqa: E402
from parsers.record import build_record  # noqa: E402
from parsers.sniff import sniff_kind  # noqa: E402


def cold_caches() -> None:
    """Label and cell caches start empty on every run, as for a document never seen before."""
    compact.cache_clear()
    classify.cache_clear()


def timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        cold_caches()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def pdfplumber_baseline(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def page_count(data: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(data))


def collect(fixtures: Path, shared: Path) -> dict[str, list[Path]]:
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(fixtures.rglob("*")):
        if path.is_file() and not path.name.endswith(".json") and "bad" not in path.parts:
            kind = sniff_kind(path.read_bytes()[:1 << 20] if path.suffix != ".pdf" else path.read_bytes())
            if kind in ("doc", "wps"):
                continue  # LibreOffice conversion dominates; measured separately below when present
            by_kind[kind].append(path)
    for path in sorted((shared / "peer-fixtures").rglob("*.pdf")):
        by_kind["pdf (real)"].append(path)
    return by_kind


def gold_for(path: Path, shared: Path) -> dict | None:
    for folder in (path.parent, shared / "gold" / "peer", shared / "gold" / "seeds"):
        gold = folder / f"{path.stem}.expected.json"
        if gold.exists():
            return json.loads(gold.read_text("utf-8"))
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per document; the best is kept")
    ap.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "fixtures")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()

    by_kind = collect(args.fixtures, args.shared)
    print(f"{'kind':<12} {'docs':>5} {'pages':>6} {'seconds':>8} {'docs/s':>8} {'pages/s':>8}")
    pdfs: list[Path] = []
    for kind, paths in by_kind.items():
        total, pages = 0.0, 0
        for path in paths:
            data = path.read_bytes()
            try:
                total += timed(lambda: parse_document(data), args.repeat)
            except DocumentError:
                continue
            if kind.startswith("pdf"):
                pages += page_count(data)
                pdfs.append(path)
        pages_s = f"{pages / total:8.1f}" if pages else f"{'-':>8}"
        print(f"{kind:<12} {len(paths):>5} {pages or '-':>6} {total:8.3f} {len(paths) / total:8.1f} {pages_s}")

    if not pdfs:
        return
    ours = base = 0.0
    pages = 0
    for path in pdfs:
        data = path.read_bytes()
        ours += timed(lambda: parse_document(data), args.repeat)
        base += timed(lambda: pdfplumber_baseline(data), args.repeat)
        pages += page_count(data)
    print(f"\nPDF, same {len(pdfs)} files / {pages} pages:")
    print(f"  ours      {ours:8.3f} s  {pages / ours:8.1f} pages/s")
    print(f"  pdfplumber baseline (open + extract_text + extract_tables, every page) {base:8.3f} s  {pages / base:8.1f} pages/s")
    print(f"  ratio (baseline time / our time): {base / ours:.1f}x")

    right = total = right_geo = total_geo = 0
    for path in pdfs:
        gold = gold_for(path, args.shared)
        if not gold:
            continue
        data = path.read_bytes()
        fast = score(path.stem, gold, flatten(parse_document(data)))
        geometry = score(path.stem, gold, flatten(build_record(extract_pdf_tables(data, list(range(page_count(data)))), source_kind="pdf")))
        right, total = right + fast.cells_right, total + fast.cells_total
        right_geo, total_geo = right_geo + geometry.cells_right, total_geo + geometry.cells_total
    if total:
        print(f"  cell accuracy on gold PDFs: ours {right}/{total} ({100 * right / total:.1f}%), "
              f"pdfplumber tables on every page {right_geo}/{total_geo} ({100 * right_geo / total_geo:.1f}%)")


if __name__ == "__main__":
    main()
