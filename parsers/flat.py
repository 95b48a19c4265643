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
            value = None if value is None else decimal_text(value)
        flat[cell["key"]] = value
    flat["checks_failed"] = record["checks_failed"]
    return flat


def decimal_text(value) -> str:
    """A decimal as plain digits (``12.36``, ``0.5``, never ``1.2E+1``): how money is written out."""
    return format(Decimal(value).normalize(), "f")


def json_default(value):
    """``json.dumps(default=…)`` for records: Decimals become their digits."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
