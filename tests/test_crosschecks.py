"""Cross-year checks on a small archive written directly: the carry chain, copied numbers, and the
report status they decide, in both directions."""

from __future__ import annotations

import json

import pytest

from archive import crosschecks, parsecache
from archive.schema import open_archive
from parsers import PARSER_VERSION
from parsers.schema import T3_COLS

A, B = "230112/阿城区司法局/2022", "230112/阿城区司法局/2023"


def _numbers(carried_out: int, carried_in: int, other: int) -> dict:
    values = {f"t3.apply.carried_out.{col}": carried_out for col in T3_COLS}
    values.update({f"t3.apply.carried_in.{col}": carried_in for col in T3_COLS})
    values.update({f"t3.apply.new.{col}": other + i for i, col in enumerate(T3_COLS)})
    values.update({f"t4.review.{col}": other for col in ("upheld", "corrected", "other", "pending", "total")})
    return values


@pytest.fixture(params=["digests", "cells"])
def db(request, tmp_path):
    """Years compared by their parses' digests of the numbers, or (no digest stored) by their cells."""
    db = open_archive(tmp_path)
    db.with_digests = request.param == "digests"
    for report_id, year in ((A, 2022), (B, 2023)):
        db.execute("INSERT INTO reports (id, agency, region_code, year, current_version, check_status) "
                   "VALUES (?, '阿城区司法局', '230112', ?, 1, 'pass')", [report_id, year])
    yield db
    db.close()


def _write_cells(db, report_id: str, values: dict) -> None:
    """Version 1 of the report becomes a parse of these values, whose own checks all pass."""
    sha256 = f"{report_id}:{sorted(values.items())}"
    parse = [sha256, PARSER_VERSION]
    db.execute("INSERT OR REPLACE INTO report_versions (report_id, version, sha256, parser_version) VALUES (?, 1, ?, ?)",
               [report_id, *parse])
    db.conn.executemany("INSERT OR REPLACE INTO parse_cells (sha256, parser_version, key, value) VALUES (?, ?, ?, ?)",
                        [(*parse, key, value) for key, value in values.items()])
    db.execute("INSERT OR REPLACE INTO parse_checks (sha256, parser_version, seq, rule, severity, status) "
               "VALUES (?, ?, 0, 'T3.balance', 'E', 'pass')", parse)
    digest = parsecache.numbers_digest([(None, None, None, key, value) for key, value in values.items()])
    db.execute("INSERT OR REPLACE INTO parses (sha256, parser_version, numbers) VALUES (?, ?, ?)",
               [*parse, json.dumps(digest) if db.with_digests else None])


def _checks(db, rule: str) -> list[tuple]:
    return db.execute("SELECT report_id, scope, status, left_value, right_value FROM checks WHERE rule = ? "
                      "ORDER BY scope", [rule]).fetchall()


def _status(db, report_id: str) -> str:
    return db.execute("SELECT check_status FROM reports WHERE id = ?", [report_id]).fetchone()[0]


def test_a_broken_carry_chain_fails_the_later_report_and_a_mended_one_passes_again(db):
    _write_cells(db, A, _numbers(carried_out=5, carried_in=0, other=3))
    _write_cells(db, B, _numbers(carried_out=0, carried_in=4, other=7))
    with db.conn:
        crosschecks.refresh(db, {B})
    chain = _checks(db, "T3.carry_chain")
    assert [c[:3] for c in chain] == [(B, col, "fail") for col in sorted(T3_COLS)]
    assert chain[0][3:] == ("4", "5")
    assert (_status(db, A), _status(db, B)) == ("pass", "fail")

    _write_cells(db, B, _numbers(carried_out=0, carried_in=5, other=7))  # a revision that carries over right
    with db.conn:
        crosschecks.refresh(db, {B})
    assert {c[2] for c in _checks(db, "T3.carry_chain")} == {"pass"}
    assert len(_checks(db, "T3.carry_chain")) == len(T3_COLS)  # replaced, not added
    assert _status(db, B) == "pass"


def test_numbers_copied_from_the_year_before_are_flagged(db):
    _write_cells(db, A, _numbers(carried_out=5, carried_in=1, other=3))
    _write_cells(db, B, _numbers(carried_out=5, carried_in=5, other=3))
    with db.conn:
        crosschecks.refresh(db, {A})
    assert _checks(db, "R.duplicate_numbers") == [(B, None, "pass", None, None)]  # carried_in differs

    _write_cells(db, B, _numbers(carried_out=5, carried_in=1, other=3))
    with db.conn:
        crosschecks.refresh(db, {A})
    assert _checks(db, "R.duplicate_numbers") == [(B, None, "fail", None, None)]
    assert _status(db, B) == "fail"  # the copied numbers also break the carry chain (W)
