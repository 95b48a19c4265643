"""Wide views of tables 二, 三 and 四: one row per report version and table row, one column per
table column, as the report prints them — generated from the parser's schema file, so they never
disagree with the cell keys.

``t2_wide`` (the 2021 template's table 二), ``t2_2019_wide`` (the 2019 template's), ``t3_wide`` and
``t4_wide`` (row_key: review, litigation.direct, litigation.after_review). Each reads ``cells``
only, so the same views work on the working archive and on a release. Each row's values are
looked up by key rather than pivoted with GROUP BY, so a page of the view is read without
grouping the whole table first.
"""

from __future__ import annotations

from parsers.schema import T3_COLS, T4_COLS, schema


def columns() -> dict[str, tuple[str, tuple[str, ...]]]:
    """View name → (the cells' table_name, its columns in printed order)."""
    spec = schema()
    return {"t2_wide": ("t2", tuple(spec["table2"]["F2021"]["cols"])),
            "t2_2019_wide": ("t2_2019", tuple(spec["table2"]["F2019"]["cols"])),
            "t3_wide": ("t3", T3_COLS), "t4_wide": ("t4", T4_COLS)}


def view_sql(name: str, table: str, cols: tuple[str, ...]) -> str:
    values = ",\n  ".join(
        f"(SELECT value FROM cells c WHERE c.report_id = r.report_id AND c.version = r.version "
        f"AND c.key = '{table}.' || r.row_key || '.{col}') AS [{col}]" for col in cols)
    return (f"CREATE VIEW {name} AS SELECT report_id, version, row_key,\n  {values}\n"
            f"FROM (SELECT DISTINCT report_id, version, row_key FROM cells WHERE table_name = '{table}') r")


def ensure(db) -> None:
    """Create the views, or re-create one whose definition the schema file has changed."""
    have = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    for name, (table, cols) in columns().items():
        sql = view_sql(name, table, cols)
        if have.get(name) != sql:
            db.execute(f"DROP VIEW IF EXISTS {name}")
            db.execute(sql)
