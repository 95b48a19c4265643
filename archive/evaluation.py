"""``nianbao eval``: find the document of every gold file, parse it, score it, sum it up."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from parsers import DocumentError, flatten, parse_document
from parsers.evaluate import Score, score

GOLD_SUFFIX = ".expected.json"


@dataclass
class EvalReport:
    documents: list[Score] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def total(self, attr: str) -> tuple[int, int]:
        return (sum(getattr(d, f"{attr}_right") for d in self.documents),
                sum(getattr(d, f"{attr}_total") for d in self.documents))

    def lines(self, show_mismatches: bool = True) -> list[str]:
        out = []
        for doc in self.documents:
            if doc.error:
                out.append(f"{doc.name}: ERROR {doc.error}")
                continue
            out.append(f"{doc.name}: cells {doc.cells_right}/{doc.cells_total} {_pct(doc.cells_right, doc.cells_total)}"
                       f"  metadata {doc.meta_right}/{doc.meta_total} {_pct(doc.meta_right, doc.meta_total)}")
            if show_mismatches:
                out += [f"    {key}: expected {exp!r}, got {got!r}" for key, exp, got in doc.mismatches]
        for name in self.missing:
            out.append(f"{name}: no document found")
        cells, meta = self.total("cells"), self.total("meta")
        out.append(f"overall: {len(self.documents)} documents; cells {cells[0]}/{cells[1]} {_pct(*cells)}; "
                   f"metadata {meta[0]}/{meta[1]} {_pct(*meta)}")
        return out


def _pct(right: int, total: int) -> str:
    return f"({100 * right / total:.1f}%)" if total else "(-)"


def find_document(name: str, doc_dirs: list[Path]) -> Path | None:
    for folder in doc_dirs:
        for path in sorted(folder.rglob(f"{name}.*")):
            if path.is_file() and not path.name.endswith(GOLD_SUFFIX) and path.stem == name:
                return path
    return None


def evaluate_dirs(gold_dirs: list[Path], doc_dirs: list[Path]) -> EvalReport:
    report = EvalReport()
    for folder in gold_dirs:
        for gold_path in sorted(folder.rglob(f"*{GOLD_SUFFIX}")):
            name = gold_path.name[: -len(GOLD_SUFFIX)]
            doc = find_document(name, doc_dirs)
            if doc is None:
                report.missing.append(name)
                continue
            gold = json.loads(gold_path.read_text("utf-8"))
            try:
                flat = flatten(parse_document(doc.read_bytes()))
            except DocumentError as error:
                failed = score(name, gold, {})
                failed.error = str(error)
                report.documents.append(failed)
                continue
            report.documents.append(score(name, gold, flat))
    return report
