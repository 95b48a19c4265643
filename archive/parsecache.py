"""The parse tables: what the parser made of each distinct document (its bytes and the parser
version), already shaped as archive rows.

Parse workers write them themselves, one transaction per document, so the per-document work —
turning cells and checks into rows, tokenising the text for search — runs in parallel. A report
version names the parse it came from, and the ``cells`` and ``checks`` views show that parse's
rows under the version (schema m006), so the single writer that builds reports copies nothing.
``parses`` holds one row per document (errors too); ``parse_cells``, ``parse_checks`` and
``parse_search`` hold the rows of the documents that parsed.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime, timezone
from decimal import Decimal

from parsers import json_default
from parsers.flat import decimal_text

from .search import row_tokens

TABLES = ("parses", "parse_cells", "parse_checks", "parse_search")
CELL_COLUMNS = ("table_name", "row_key", "col_key", "key", "value", "raw", "flags", "provenance")
CHECK_COLUMNS = ("rule", "severity", "status", "scope", "left_value", "right_value", "delta", "cells", "flags", "detail")
SEARCH_COLUMNS = ("title", "agency", "body", "title_uni", "title_bi", "agency_uni", "agency_bi", "body_uni", "body_bi")
REPORT_COLUMNS = ("agency_type", "agency_level", "report_scope", "title", "format")


def _value(value):
    """A cell's value as SQLite stores it: an integer, or a REAL for amounts with decimals."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _text(value) -> str | None:
    return None if value is None else decimal_text(value) if isinstance(value, Decimal) else str(value)


def check_status(checks: list[dict]) -> str:
    if any(c["status"] == "fail" and c["severity"] in ("E", "W") for c in checks):
        return "fail"
    if any(c["status"] == "pass" for c in checks):
        return "pass"
    return "not_assessable"


def report_fields(record: dict) -> dict:
    """The ``reports`` columns one parse decides (the build adds identity, sources and dates)."""
    report = record["report"]
    region = report.get("region") or {}

    def part(level, field):
        return (region.get(level) or {}).get(field)

    return {"agency": report["agency_name"], "year": report["report_year"],
            **{k: report.get(k) for k in REPORT_COLUMNS},
            "province": part("province", "name"), "province_code": part("province", "code"),
            "city": part("city", "name"), "city_code": part("city", "code"),
            "county": part("county", "name"), "county_code": part("county", "code"),
            "township": part("township", "name"), "published": (report.get("published_date") or {}).get("value"),
            "failed_checks": json.dumps(record["checks_failed"]), "cell_count": len(record["cells"]),
            "check_status": check_status(record["checks"])}


def numbers_digest(cells: list[tuple]) -> dict:
    """The table 二–四 numbers of a parse, summed up so that two years with the same keys can be
    compared without reading their cells: how many, whether any is not 0, and digests of the keys
    and of the keys with their values."""
    numbers = sorted((cell[3], cell[4]) for cell in cells if cell[3][:2] in ("t2", "t3", "t4"))
    return {"count": len(numbers), "nonzero": any(value for _, value in numbers),
            "keys": hashlib.sha1(repr([key for key, _ in numbers]).encode()).hexdigest(),
            "values": hashlib.sha1(repr(numbers).encode()).hexdigest()}


def cache_rows(parse: dict, record: dict | None, flat: dict | None) -> dict:
    """Rows of the four tables for one document; ``parse`` is its ``parses`` row so far."""
    parse = {**parse, "parsed_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if record is None:
        return {"parse": parse, "cells": [], "checks": [], "search": None}
    fields = report_fields(record)
    cells = [(c["table"], c["row_key"], c["col_key"], c["key"], _value(c["value"]), c["raw"],
              json.dumps(c["flags"], ensure_ascii=False) if c["flags"] else None, c["provenance"])
             for c in record["cells"]]
    parse.update(cell_count=fields["cell_count"], failed_checks=fields["failed_checks"],
                 report=json.dumps(fields, ensure_ascii=False),
                 flat=zlib.compress(json.dumps(flat, ensure_ascii=False, default=json_default).encode(), 6),
                 numbers=json.dumps(numbers_digest(cells)))
    checks = [(c["id"], c["severity"], c["status"], c.get("scope"), _text(c["left"]), _text(c["right"]),
               _text(c["delta"]), json.dumps(c["cells"]), json.dumps(c["flags"]), c.get("detail"))
              for c in record["checks"]]
    places = " ".join(p for p in (fields["province"], fields["city"], fields["county"]) if p)
    texts = (fields["title"] or "", f"{fields['agency'] or ''} {places}".strip(),
             "\n".join((record["report"].get("sections") or {}).values()))
    return {"parse": parse, "cells": cells, "checks": checks, "search": (*texts, *row_tokens(*texts))}


def write(conn, rows: dict) -> None:
    """Store one document's rows in one transaction, replacing an earlier parse of the same bytes."""
    parse = rows["parse"]
    key = [parse["sha256"], parse["parser_version"]]
    with conn:
        for table in TABLES:
            conn.execute(f"DELETE FROM {table} WHERE sha256 = ? AND parser_version = ?", key)
        conn.execute(f"INSERT INTO parses ({', '.join(parse)}) VALUES ({', '.join('?' * len(parse))})",
                     list(parse.values()))
        conn.executemany(f"INSERT INTO parse_cells VALUES (?, ?, {', '.join('?' * len(CELL_COLUMNS))})",
                         [(*key, *cell) for cell in rows["cells"]])
        conn.executemany(f"INSERT INTO parse_checks VALUES (?, ?, ?, {', '.join('?' * len(CHECK_COLUMNS))})",
                         [(*key, seq, *check) for seq, check in enumerate(rows["checks"])])
        if rows["search"]:
            conn.execute(f"INSERT INTO parse_search VALUES (?, ?, {', '.join('?' * len(SEARCH_COLUMNS))})",
                         [*key, *rows["search"]])


def load_flat(blob: bytes | None) -> dict | None:
    return None if blob is None else json.loads(zlib.decompress(blob))
