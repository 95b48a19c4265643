"""The flat key contract of ``nianbao parse --flat`` and the gold files (spec/record-keys.md)."""

from __future__ import annotations

from decimal import Decimal

_FORMATS = {"F2021": "F2021", "F2019": "F2019", "LEGACY_STATS": "LEGACY", "LEGACY_FREE": "LEGACY"}


def _name(part: dict | None) -> str | None:
    return part["name"] if part else None


def flatten(record: dict) -> dict:
    report = record["report"]
    region = report.get("region") or {}
    flat: dict = {
        "is_report": report["is_report"],
        "agency": report["agency_name"],
        "year": report["report_year"],
        "format": _FORMATS.get(report["format"], "UNKNOWN"),
        "province": _name(region.get("province")),
        "city": _name(region.get("city")),
        "county": _name(region.get("county")),
        "county_code": region["county"]["code"] if region.get("county") else None,
    }
    published = report.get("published_date")
    if published and published["source"] == "text":
        flat["published"] = published["value"]
    for cell in record["cells"]:
        value = cell["value"]
        if isinstance(value, Decimal) or cell["col_key"] == "amount":
            value = None if value is None else _decimal_text(value)
        flat[cell["key"]] = value
    flat["checks_failed"] = record["checks_failed"]
    return flat


def _decimal_text(value) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text
