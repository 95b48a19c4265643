"""Checks across one agency's reports of consecutive years (spec §5): the carry chain of table 三,
the in-force chain of table 二, and numbers copied unchanged from the year before. They belong to
the later year's current version rather than to a parse, so they live in ``cross_checks``, which
the ``checks`` view shows beside each version's own checks."""

from __future__ import annotations

import json

from parsers.schema import T3_COLS

from .assemble import insert_many

_CURRENT = "FROM checks c WHERE c.report_id = reports.id AND c.version = reports.current_version"
STATUS_FROM_CHECKS = (f"(CASE WHEN EXISTS (SELECT 1 {_CURRENT} AND c.status = 'fail' AND c.severity IN ('E', 'W')) "
                      f"THEN 'fail' WHEN EXISTS (SELECT 1 {_CURRENT} AND c.status = 'pass') THEN 'pass' "
                      f"ELSE 'not_assessable' END)")


CHAIN_KEYS = (*(f"t3.apply.{row}.{col}" for row in ("carried_in", "carried_out") for col in T3_COLS),
              *(f"t2.{row}.{col}" for row in ("regulations", "normative_docs") for col in ("in_force", "issued", "repealed")))


def _chain_values(db, report_id: str, version: int) -> dict:
    return dict(db.execute(f"SELECT key, value FROM cells WHERE report_id = ? AND version = ? AND key IN "
                           f"({', '.join('?' * len(CHAIN_KEYS))})", [report_id, version, *CHAIN_KEYS]))


def _numbers_compared(db, prev: tuple, this: tuple) -> tuple[int, bool, bool]:
    """Of the table 二–四 keys both years have: how many, whether all hold the same value, and
    whether this year has any number other than 0. Years with the same keys compare their
    parses' digests (parsecache.numbers_digest); others compare cells."""
    before, after = json.loads(prev[3] or "null"), json.loads(this[3] or "null")
    if before and after and before["keys"] == after["keys"]:
        return after["count"], before["values"] == after["values"], after["nonzero"]
    shared, same, nonzero = db.execute(
        "SELECT COUNT(*), TOTAL(a.value IS b.value), MAX(a.value IS NOT NULL AND a.value != 0) FROM cells a "
        "JOIN cells b ON b.report_id = ? AND b.version = ? AND b.key = a.key "
        "WHERE a.report_id = ? AND a.version = ? AND a.key >= 't2' AND a.key < 't5'",
        [prev[0], prev[1], this[0], this[1]]).fetchone()
    return shared, same == shared, bool(nonzero)


def _row(report_id, version, rule, severity, status, left=None, right=None, cells=(), scope=None, detail=None):
    delta = left - right if left is not None and right is not None else None
    return {"report_id": report_id, "version": version, "rule": rule, "severity": severity, "status": status,
            "scope": scope, "left_value": None if left is None else str(left),
            "right_value": None if right is None else str(right), "delta": None if delta is None else str(delta),
            "cells": json.dumps(list(cells)), "flags": "[]", "detail": detail}


def pair_checks(prev: tuple, this: tuple, numbers: tuple[int, bool, bool]) -> list[dict]:
    """Checks of ``this`` (report id, version, chain values, year) against the year before;
    ``numbers`` is what ``_numbers_compared`` found."""
    p_id, _, p_values, p_year = prev
    t_id, t_version, t_values, t_year = this
    out = []
    for col in T3_COLS:
        carried_in, carried_out = t_values.get(f"t3.apply.carried_in.{col}"), p_values.get(f"t3.apply.carried_out.{col}")
        if carried_in is None or carried_out is None:
            continue
        out.append(_row(t_id, t_version, "T3.carry_chain", "W", "pass" if carried_in == carried_out else "fail",
                        carried_in, carried_out, [f"t3.apply.carried_in.{col}", f"{p_id}#t3.apply.carried_out.{col}"],
                        scope=col, detail=f"{t_year} 上年结转 vs {p_year} 结转下年度"))
    for row in ("regulations", "normative_docs"):
        now, before = t_values.get(f"t2.{row}.in_force"), p_values.get(f"t2.{row}.in_force")
        issued, repealed = t_values.get(f"t2.{row}.issued"), t_values.get(f"t2.{row}.repealed")
        if None in (now, before, issued, repealed):
            continue
        expected = before + issued - repealed
        out.append(_row(t_id, t_version, "T2.in_force_chain", "I", "pass" if now == expected else "fail", now,
                        expected, [f"t2.{row}.in_force"], scope=row, detail="approximate: amendments and expiry break it"))
    shared, same, nonzero = numbers
    if shared >= 20 and nonzero:
        out.append(_row(t_id, t_version, "R.duplicate_numbers", "I", "fail" if same else "pass",
                        detail=f"every number equals {p_year}'s" if same else None))
    return out


def refresh(db, report_ids: set[str]) -> None:
    """Recompute the cross-year checks of every agency series a touched report belongs to."""
    conn = db.conn
    series = {tuple(r) for r in conn.execute(
        f"SELECT region_code, agency FROM reports WHERE id IN ({', '.join('?' * len(report_ids))})", list(report_ids))}
    in_series: list[str] = []
    rows: list[dict] = []
    for region_code, agency in sorted(series):
        reports = conn.execute(
            "SELECT r.id, r.current_version, r.year, p.numbers FROM reports r LEFT JOIN report_versions v "
            "ON v.report_id = r.id AND v.version = r.current_version LEFT JOIN parses p ON p.sha256 = v.sha256 "
            "AND p.parser_version = v.parser_version WHERE r.region_code = ? AND r.agency = ? ORDER BY r.year",
            [region_code, agency]).fetchall()
        in_series += [r[0] for r in reports]
        values = {}
        for before, after in zip(reports, reports[1:]):
            if after[2] != before[2] + 1:
                continue
            for rid, version, *_ in (before, after):
                if rid not in values:
                    values[rid] = _chain_values(db, rid, version)
            rows += pair_checks((before[0], before[1], values[before[0]], before[2]),
                                (after[0], after[1], values[after[0]], after[2]), _numbers_compared(db, before, after))
    chunks = [in_series[start:start + 500] for start in range(0, len(in_series), 500)]
    for ids in chunks:
        conn.execute(f"DELETE FROM cross_checks WHERE report_id IN ({', '.join('?' * len(ids))})", ids)
    insert_many(conn, "cross_checks", rows)
    for ids in chunks:  # a cross-year failure fails the report; one mended by a revision no longer does
        conn.execute(f"UPDATE reports SET check_status = {STATUS_FROM_CHECKS} WHERE id IN ({', '.join('?' * len(ids))}) "
                     f"AND check_status IS NOT {STATUS_FROM_CHECKS}", ids)
