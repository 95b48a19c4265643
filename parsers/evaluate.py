"""Scoring a flat record against a gold ``*.expected.json`` (only the keys the gold file has)."""

from __future__ import annotations

from dataclasses import dataclass, field

META_KEYS = ("is_report", "agency", "year", "format", "province", "city", "county", "county_code", "published", "checks_failed")


@dataclass
class Score:
    name: str
    cells_total: int = 0
    cells_right: int = 0
    meta_total: int = 0
    meta_right: int = 0
    mismatches: list[tuple[str, object, object]] = field(default_factory=list)  # (key, expected, got)
    error: str | None = None


def is_cell_key(key: str) -> bool:
    return key.startswith(("t2.", "t2_2019.", "t3.", "t4."))


def score(name: str, gold: dict, flat: dict) -> Score:
    result = Score(name)
    for key, expected in sorted(gold.items()):
        if key.startswith("_"):
            continue
        got = flat.get(key, "<absent>")
        right = got == expected
        if is_cell_key(key):
            result.cells_total += 1
            result.cells_right += right
        else:
            result.meta_total += 1
            result.meta_right += right
        if not right:
            result.mismatches.append((key, expected, got))
    return result
