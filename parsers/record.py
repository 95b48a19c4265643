"""Assembling the record of spec §9.6 from blocks: tables, sections, metadata, region, checks."""

from __future__ import annotations

import re

from .blocks import Block
from .checks import failed_rule_ids, run_checks
from .metadata import (agency_and_year, agency_kind, contacts, find_title, is_companion_or_notice,
                       page_date, report_year, signoff_date, stat_period, template_ref)
from .normalize import for_matching
from .region import resolve_region
from .rows import rows_of
from .sections import split_sections
from .tables import Tables, interpret_tables

PARSER_VERSION = "0.1.0"

_F2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年收费金额|逾期不补正|逾期未按收费通知|国办公开办函〔?2021〕?30号")
_F2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/减|第二十条第\(九\)项|政府集中采购|〔2019〕60号")
_LEGACY_STATS = re.compile(r"政府信息公开情况统计表|申请答复数|同意公开答复数|维持具体行政行为数|被依法纠错数|回应解读情况|依申请公开信息收取的费用")
_LEGACY_FREE = re.compile(r"国务院令第492号|政府信息公开的收费及减免情况|因政府信息公开申请行政复议、提起行政诉讼的情况|一、概述")
_REPORT_WORDS = re.compile(r"年度报告|年报|年度工作报告")


def detect_format(text: str) -> str:
    flat = "".join(text.split())  # every whitespace out: str.split() splits on what \s matches
    if _F2021.search(flat):
        return "F2021"
    if _F2019.search(flat):
        return "F2019"
    if _LEGACY_STATS.search(flat):
        return "LEGACY_STATS"
    if _LEGACY_FREE.search(flat):
        return "LEGACY_FREE"
    return "UNKNOWN"


def _level(kind: str | None, region: dict) -> str | None:
    if kind in ("街道", "镇", "乡", "苏木"):
        return "township"
    return region.get("level")


def build_record(blocks: list[Block], *, source_kind: str, url: str | None = None,
                 region_hint: str | None = None, page_count: int | None = None,
                 link_text: str | None = None, list_date: str | None = None) -> dict:
    rows = rows_of(blocks)
    text = "\n".join("\t".join(r.cells) for r in rows)
    paragraphs = "\n".join(r.cells[0] for r in rows if not r.in_table and len(r.cells) == 1)
    prose = for_matching(paragraphs).replace(" ", "").replace("\n", "")
    tables: Tables = interpret_tables(rows)
    sections = split_sections(rows)
    title = find_title(rows) or (link_text.strip() if link_text else None)
    agency, title_year = agency_and_year(title)
    fmt = detect_format(text)
    signed = signoff_date(rows)
    published = {"value": signed, "source": "text"} if signed else None
    if not published:
        meta = page_date(rows) or list_date
        published = {"value": meta, "source": "page_meta"} if meta else None
    matchable = for_matching(text)
    period = stat_period(matchable)
    year = report_year(title_year, period, published["value"] if published else None)
    kind = agency_kind(agency)
    # Without an agency there is nothing to place (a 解读 page, a list): the portal's region will do.
    region = resolve_region(matchable if agency else "", agency=agency, hint=region_hint)
    level = _level(kind, region)
    checks = run_checks(tables, prose, level)
    has_tables = bool(tables.cells)
    is_report = bool(title and _REPORT_WORDS.search(title) and not is_companion_or_notice(title)
                     and (has_tables or len(sections) >= 3 or fmt.startswith("LEGACY")))
    flags = []
    if tables.anchors_found and not has_tables:
        flags.append("tables_missing")
    report = {
        "is_report": is_report,
        "source_url": url,
        "source_kind": source_kind,
        "page_count": page_count,
        "format": fmt,
        "table_formats": tables.formats,
        "title": title,
        "agency_name": agency,
        "agency_type": kind,
        "agency_level": level,
        "report_scope": "government_aggregate" if kind == "人民政府" else "agency",
        "region": region,
        "report_year": year,
        "stat_period": period,
        "published_date": published,
        "template_ref": template_ref(text),
        "contacts": contacts(matchable),
        "sections": sections,
        "flags": flags,
        "warnings": tables.warnings,
        "parser_version": PARSER_VERSION,
    }
    if fmt.startswith("LEGACY"):
        from .legacy import legacy_totals

        report["legacy"] = legacy_totals(rows, prose)
    cells = [{"table": c.table, "row_key": c.row_key, "col_key": c.col_key, "key": c.flat_key,
              "value": c.value, "raw": c.raw, "flags": c.flags, "provenance": c.where} for c in tables.cells]
    return {"report": report, "cells": cells, "checks": checks, "checks_failed": failed_rule_ids(checks)}
