"""Loads ``schema/f2021.yaml``: the row and column keys of tables 二, 三 and 四, read once."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

T3_COLS = ("natural", "commercial", "research", "public_interest", "legal_service", "other_org", "total")
T4_GROUPS = ("review", "litigation.direct", "litigation.after_review")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")
T4_KEYS = tuple(f"{g}.{c}" for g in T4_GROUPS for c in T4_COLS)


@cache
def schema() -> dict:
    text = resources.files("parsers").joinpath("schema/f2021.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def t3_rows() -> dict[str, dict]:
    """Table-三 rows in template order, each with a compiled ``regex``."""
    rows = {}
    for key, spec in schema()["table3"]["rows"].items():
        rows[key] = {**spec, "regex": re.compile(spec["match"])}
    return rows


def t3_template(with_other_subitems: bool = True) -> list[str]:
    """The data rows a complete F2021 table 三 has, in order (no aggregate rows)."""
    keys = [k for k, spec in t3_rows().items() if not spec.get("aggregate")]
    if not with_other_subitems:
        keys = [k for k in keys if not k.startswith("result.other.")]
    return keys


@cache
def t2_rows(fmt: str) -> dict[str, dict]:
    rows = {}
    for key, spec in schema()["table2"][fmt]["rows"].items():
        rows[key] = {**spec, "regex": re.compile(spec["match"])}
    return rows
