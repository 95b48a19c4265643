"""Chinese full-text search that still works in a downloaded archive.db opened with plain sqlite3.

Why not a built-in tokenizer: ``unicode61`` treats a run of Chinese characters as one token (so
``复议`` never matches inside ``行政复议决定``), and ``trigram`` silently finds nothing for 1- and
2-character queries. A custom tokenizer would need a loadable extension in every copy. So we
tokenise in Python at index time and store *space-separated tokens* in an FTS5 table whose
tokenizer is the built-in ``unicode61``; any SQLite with FTS5 can query it.

Index (one row per report, ``rowid`` = the report's integer rowid):

- ``report_search`` — contentless FTS5 table (the token strings are not stored, only the index),
  columns ``title_uni title_bi agency_uni agency_bi body_uni body_bi``. Text is NFKC-normalised
  and lower-cased, punctuation and spaces are separators. ``*_uni`` holds every CJK character
  as a token; ``*_bi`` holds, for every CJK character, the character *with its successor in the
  same run* (``政府信息`` → ``政府 府信 信息 息``: the run's last character stands alone, which
  also keeps two runs separated by punctuation from looking adjacent). ASCII words and numbers
  are tokens as they are, in both columns, in text order.
- ``report_search_text(rowid, report_id, title, agency, body)`` — the original text, for snippets
  and for recomputing the old tokens when a row is replaced (a contentless table can only delete
  a row by being told its old tokens).
- ``report_search_meta`` — the tokenizer version the index was built with.

Query (``match_expression``): the query is normalised the same way and split at spaces and
punctuation into terms, all of which must match (AND). A single CJK character searches the
``*_uni`` columns; a longer CJK term is a phrase of the same tokens on the ``*_bi`` columns
(``政府信息公开`` → ``"政府 府信 信息 息公 公开"``), so adjacency is exact. A term mixing words and
CJK is a phrase too (``2023年`` → ``"2023 年"`` on ``*_uni``: the columns' positions are the
same), and a trailing ASCII word is a prefix. Results are exactly the rows whose normalised
title, agency or body contains every term, except that ASCII words match at word starts
(``2023`` finds ``2023年`` but not ``12023``) and, inside a term that mixes ASCII and Chinese,
spaces and punctuation may be skipped (tests/test_search.py checks all this against LIKE).

Order (``ranked_rowids``): first the rows with more of the terms in their title or agency, then
bm25 (title and agency weighted above body, ``RANK_WEIGHTS``, also stored as the table's
``rank``). Terms in more than ``SCORED_TERM_LIMIT`` rows are required but not scored, like stop
words; if no term is selective, newest (highest rowid) first. That keeps a search bounded on a
large archive, where ``复`` or ``政府信息公开`` is in every report: see ``ranked_rowids``.
Snippets (archive/snippets.py) are cut from the original text around the first occurrence of
each term, with the marked spans as offsets (the caller escapes and highlights;
``snippets.highlight()`` does it with 【】). archive/searchtext.py normalises text and splits
queries into terms, for both.

Searching without our Python (plain sqlite3, any language):

    SELECT t.report_id, t.title FROM report_search s JOIN report_search_text t ON t.rowid = s.rowid
    WHERE report_search MATCH '"政府 府信 信息 息公 公开"' ORDER BY s.rank LIMIT 20;

``复`` and ``复议`` can be written as they are (``MATCH '复议'``); longer words need the bigram
phrase, which ``python -m archive.search 政府信息公开`` prints (``ORDER BY rank`` is plain bm25,
without the ordering above). ``SQL_SEARCH_NO_FUNCTIONS`` builds that phrase in SQL for a
one-word query (a Datasette canned query without any plugin); ``register_functions`` adds the
SQL functions behind ``SQL_SEARCH`` for the plugin. DuckDB cannot read FTS5 virtual tables:
there, use ``report_search_text`` with LIKE.
"""

from __future__ import annotations

import json
import operator
import sqlite3
import sys
import unicodedata
from typing import Iterable

from .searchtext import SEGMENT, normalize, query_terms
from .snippets import highlight, make_snippet, term_patterns

TOKENIZER_VERSION = f"1/unicode-{unicodedata.unidata_version}"
FIELDS = ("title", "agency", "body")
COLUMNS = tuple(f"{field}_{kind}" for field in FIELDS for kind in ("uni", "bi"))
HEADING_FIELDS = ("title", "agency")
RANK_WEIGHTS = (10.0, 10.0, 5.0, 5.0, 1.0, 1.0)  # in COLUMNS order: title, agency above body
SCORED_TERM_LIMIT = 10_000  # a term in more rows is not scored by bm25: see ranked_rowids

def _is_cjk(segment: str) -> bool:
    return SEGMENT.fullmatch(segment[0]).group(1) is not None


def _streams(normalized: str) -> tuple[list[str], list[str]]:
    uni: list[str] = []
    bi: list[str] = []
    for match in SEGMENT.finditer(normalized):
        run = match.group(1)
        if run is None:
            word = match.group(0)
            uni.append(word)
            bi.append(word)
            continue
        uni.append(" ".join(run))
        if len(run) > 1:
            bi.append(" ".join(map(operator.add, run, run[1:])))
        bi.append(run[-1])
    return uni, bi


def tokens_for_index(text: str | None, field: str | None = None) -> dict[str, str]:
    """The token strings stored for one text: ``{"uni": ..., "bi": ...}``, or with ``field``
    given, keyed by column name (``{"body_uni": ..., "body_bi": ...}``)."""
    uni, bi = _streams(normalize(text or ""))
    prefix = f"{field}_" if field else ""
    return {f"{prefix}uni": " ".join(uni), f"{prefix}bi": " ".join(bi)}


def row_tokens(title, agency, body) -> list[str]:
    values: list[str] = []
    for text in (title, agency, body):
        tokens = tokens_for_index(text)
        values += [tokens["uni"], tokens["bi"]]
    return values


def _column_filter(kind: str, fields: tuple[str, ...]) -> str:
    return "{" + " ".join(f"{field}_{kind}" for field in fields) + "}"


def _term_expression(term: str, fields: tuple[str, ...] = FIELDS) -> str:
    """One term as a phrase. Bigram columns, except for one CJK character alone or at the end of
    a mixed term (``2023年``): in the bigram stream that character is the first half of a token
    we cannot name, so those use the unigram stream, whose positions are the same."""
    segments = [m.group(0) for m in SEGMENT.finditer(term)]
    ends_with_char = _is_cjk(segments[-1]) and len(segments[-1]) == 1
    if ends_with_char:
        tokens = [t for segment in segments for t in ([*segment] if _is_cjk(segment) else [segment])]
        return f'{_column_filter("uni", fields)} : "{" ".join(tokens)}"'
    tokens: list[str] = []
    for index, segment in enumerate(segments):
        if not _is_cjk(segment):
            tokens.append(segment)
            continue
        tokens += map(operator.add, segment, segment[1:])
        if index < len(segments) - 1:
            tokens.append(segment[-1])  # the run ends before the next word: its last character
    prefix = " *" if not _is_cjk(segments[-1]) else ""  # a word matches at its start
    return f'{_column_filter("bi", fields)} : "{" ".join(tokens)}"{prefix}'


def match_expression(query: str) -> str:
    """The FTS5 MATCH string for a user's query; ValueError if it has nothing searchable."""
    terms = query_terms(query)
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}")
    return " AND ".join(_term_expression(term) for term in terms)


def heading_expressions(query: str) -> list[str]:
    """One MATCH string per term that finds it in the title or agency only (for ranking)."""
    return [_term_expression(term, HEADING_FIELDS) for term in query_terms(query)]


def create_search_table(conn: sqlite3.Connection, table: str = "report_search") -> None:
    """Create the FTS5 index, its text table and meta table (no-op when they exist)."""
    columns = ", ".join(COLUMNS)
    with conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS [{table}_text] (rowid INTEGER PRIMARY KEY, "
                     "report_id TEXT NOT NULL, title TEXT, agency TEXT, body TEXT)")
        conn.execute(f"CREATE TABLE IF NOT EXISTS [{table}_meta] (key TEXT PRIMARY KEY, value TEXT)")
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        if not exists:
            conn.execute(f"CREATE VIRTUAL TABLE [{table}] USING fts5({columns}, content='', "
                         "tokenize='unicode61')")
            rank = "bm25(" + ", ".join(map(str, RANK_WEIGHTS)) + ")"
            conn.execute(f"INSERT INTO [{table}]([{table}], rank) VALUES ('rank', ?)", (rank,))
            conn.execute(f"INSERT OR REPLACE INTO [{table}_meta] VALUES ('tokenizer', ?)",
                         (TOKENIZER_VERSION,))


def _check_version(conn: sqlite3.Connection, table: str) -> None:
    row = conn.execute(f"SELECT value FROM [{table}_meta] WHERE key = 'tokenizer'").fetchone()
    if row is None or row[0] != TOKENIZER_VERSION:
        raise RuntimeError(f"{table} was built with tokenizer {row and row[0]!r}, this is "
                           f"{TOKENIZER_VERSION!r}: call rebuild(conn) first")


def _delete_tokens(conn, table: str, old_rows) -> None:
    placeholders = ", ".join("?" * (len(COLUMNS) + 1))
    conn.executemany(
        f"INSERT INTO [{table}]([{table}], rowid, {', '.join(COLUMNS)}) VALUES ('delete', {placeholders})",
        ([rowid, *row_tokens(title, agency, body)] for rowid, title, agency, body in old_rows),
    )


def index_rows(conn: sqlite3.Connection, rows: Iterable[tuple], table: str = "report_search",
               batch: int = 500) -> int:
    """Index ``(rowid, report_id, title, agency, text)`` rows; a rowid already indexed is replaced
    (unchanged rows are skipped). A row may end with its six ``row_tokens`` already computed.
    Returns the number of rows (re)indexed."""
    _check_version(conn, table)
    insert_fts = (f"INSERT INTO [{table}](rowid, {', '.join(COLUMNS)}) "
                  f"VALUES ({', '.join('?' * (len(COLUMNS) + 1))})")
    insert_text = f"INSERT OR REPLACE INTO [{table}_text] VALUES (?, ?, ?, ?, ?)"
    written = 0
    pending: list[tuple] = []

    def flush() -> int:
        by_rowid = {int(row[0]): row for row in pending}  # the last one wins
        pending.clear()
        marks = ", ".join("?" * len(by_rowid))
        old = conn.execute(f"SELECT rowid, report_id, title, agency, body FROM [{table}_text] "
                           f"WHERE rowid IN ({marks})", list(by_rowid)).fetchall()
        for row in old:
            if tuple(row[1:]) == by_rowid[row[0]][1:5]:
                del by_rowid[row[0]]  # unchanged: a second build changes nothing
        _delete_tokens(conn, table, [(r[0], r[2], r[3], r[4]) for r in old if r[0] in by_rowid])
        fresh = list(by_rowid.values())
        conn.executemany(insert_fts, ([r[0], *(r[5:] or row_tokens(*r[2:5]))] for r in fresh))
        conn.executemany(insert_text, (r[:5] for r in fresh))
        return len(fresh)

    with conn:
        for rowid, *row in rows:
            pending.append((int(rowid), *row))
            if len(pending) >= batch:
                written += flush()
        if pending:
            written += flush()
    return written


def delete_rows(conn: sqlite3.Connection, rowids: Iterable[int], table: str = "report_search") -> None:
    """Remove reports from the index and the text table."""
    _check_version(conn, table)
    with conn:
        for rowid in rowids:
            old = conn.execute(f"SELECT rowid, title, agency, body FROM [{table}_text] WHERE rowid = ?",
                               (rowid,)).fetchall()
            _delete_tokens(conn, table, old)
            conn.execute(f"DELETE FROM [{table}_text] WHERE rowid = ?", (rowid,))


def delete_all(conn: sqlite3.Connection, table: str = "report_search") -> None:
    """Empty the index and the text table (one statement each, unlike delete_rows)."""
    with conn:
        conn.execute(f"INSERT INTO [{table}]([{table}]) VALUES ('delete-all')")
        conn.execute(f"DELETE FROM [{table}_text]")


def rebuild(conn: sqlite3.Connection, table: str = "report_search") -> None:
    """Re-tokenise every row of the text table (after a tokenizer change), then optimise."""
    with conn:
        conn.execute(f"INSERT INTO [{table}]([{table}]) VALUES ('delete-all')")
        conn.execute(f"INSERT OR REPLACE INTO [{table}_meta] VALUES ('tokenizer', ?)", (TOKENIZER_VERSION,))
        rows = conn.execute(f"SELECT rowid, title, agency, body FROM [{table}_text]")
        conn.executemany(f"INSERT INTO [{table}](rowid, {', '.join(COLUMNS)}) VALUES "
                         f"({', '.join('?' * (len(COLUMNS) + 1))})",
                         ([r[0], *row_tokens(*r[1:])] for r in rows))
    optimize(conn, table)


def optimize(conn: sqlite3.Connection, table: str = "report_search") -> None:
    """Merge the index into one segment: smaller file, faster queries. Run once after a build."""
    with conn:
        conn.execute(f"INSERT INTO [{table}]([{table}]) VALUES ('optimize')")


# --- searching -------------------------------------------------------------------------------

def _at_most(conn, table: str, expression: str, count: int) -> bool:
    """Does the expression match at most ``count`` rows? Reads no further than row count + 1."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM [{table}] WHERE [{table}] MATCH ? LIMIT ?)"
    return conn.execute(sql, (expression, count + 1)).fetchone()[0] <= count


def ranked_rowids(conn: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0,
                  table: str = "report_search", scored_limit: int | None = None) -> list[tuple]:
    """The search order as ``(rowid, terms in heading, bm25 or None)`` rows.

    First by how many of the terms the title or agency contains: FTS5's bm25 weights a column's
    term frequency *before* saturating it and normalises by the whole row's length, so column
    weights alone let a body that repeats a word outrank a title that has it once. Then bm25 over
    the query's *selective* terms, those in at most ``SCORED_TERM_LIMIT`` rows. A term in more
    rows is required but not scored, like a stop word: bm25 gives it little weight anyway (its
    IDF is near zero, and clamped to 1e-6 past half the rows), and scoring it would cost a pass
    over all its rows (bm25 counts each phrase's rows first, then scores every match). If no
    term is selective (``公``, ``复议``, ``政府信息公开`` in an archive where every report has
    them) there is nothing to rank by: newest rows (highest rowid) first, read in rowid order
    and stopped after the page; with three or more such terms the heading groups are all terms,
    some, none.
    """
    scored_limit = SCORED_TERM_LIMIT if scored_limit is None else scored_limit
    terms = [_term_expression(term) for term in query_terms(query)]
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}")
    every = " AND ".join(f"({term})" for term in terms)
    heads = heading_expressions(query)
    scored = [term for term in terms if _at_most(conn, table, term, scored_limit)]
    fts = f"[{table}] WHERE [{table}] MATCH ?"
    if scored:
        # "+rowid": a plain rowid IN (...) would be handed to FTS5, which re-runs the MATCH per rowid.
        within = "" if len(scored) == len(terms) else f" AND +rowid IN (SELECT rowid FROM {fts})"
        # A row that matches the query is in "head AND the scored terms" exactly when the head
        # matches it; FTS5 finds those from the selective terms' rows without a full pass.
        selective = " AND ".join(f"({t})" for t in scored)
        in_heading = " + ".join(f"(rowid IN (SELECT rowid FROM {fts}))" for _ in heads)
        params = [f"({head}) AND ({selective})" for head in heads]
        params += [selective] + ([every] if within else [])
        return conn.execute(f"SELECT rowid, {in_heading} AS heading, rank FROM {fts}{within} "
                            f"ORDER BY heading DESC, rank, rowid DESC LIMIT ? OFFSET ?",
                            (*params, limit, offset)).fetchall()
    # Nothing selective: one rowid-ordered read per group, stopping when the page is full. The
    # groups: every term in the title or agency (which implies the query: FTS5 need not check the
    # body phrases on the way), some (one group: per-count groups would cost a pass each), none.
    all_heads = " AND ".join(f"({head})" for head in heads)
    any_head = " OR ".join(f"({head})" for head in heads)
    groups = [(len(heads), all_heads)]
    if len(heads) > 1:
        groups.append((1, f"(({any_head}) AND ({every})) NOT ({all_heads})"))
    groups.append((0, f"({every}) NOT ({any_head})"))
    rows, wanted = [], limit + offset
    for level, expression in groups:
        if len(rows) >= wanted:
            break
        rows += conn.execute(f"SELECT rowid, {level}, NULL FROM {fts} ORDER BY rowid DESC LIMIT ?",
                             (expression, wanted - len(rows))).fetchall()
    return rows[offset:]


def search(conn: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0,
           table: str = "report_search", scored_limit: int | None = None) -> list[dict]:
    """A page of matches in ``ranked_rowids`` order: report_id, score (higher first: the number
    of terms in the title or agency, plus bm25 squashed into [0, 1) when the query has a
    selective term), snippet with ``marks`` ((start, end) of the terms in it), title, agency, rowid."""
    order = ranked_rowids(conn, query, limit, offset, table, scored_limit)
    if not order:
        return []
    texts = {row[0]: row[1:] for row in conn.execute(
        f"SELECT rowid, report_id, title, agency, body FROM [{table}_text] WHERE rowid IN "
        f"({', '.join('?' * len(order))})", [row[0] for row in order])}
    patterns = term_patterns(query)
    results = []
    for rowid, in_heading, rank in order:
        report_id, title, agency, body = texts[rowid]
        text, marks = make_snippet(title, agency, body, patterns)
        relevance = 0.0 if rank is None else -rank / (1 - rank)
        results.append({"report_id": report_id, "score": in_heading + relevance, "snippet": text,
                        "marks": marks, "title": title, "agency": agency, "rowid": rowid})
    return results


# --- SQL without our Python, and SQL functions for the Datasette plugin ---------------------

# A one-word Chinese query (:q) in plain SQL, no functions needed: builds the bigram phrase with
# a recursive CTE (a one-character :q becomes a phrase of that character). Mixed or multi-word
# queries need search_match() or match_expression().
SQL_SEARCH_NO_FUNCTIONS = """
WITH RECURSIVE q(s) AS (SELECT replace(replace(trim(:q), '"', ''), ' ', '')),
bigram(i, token) AS (
  SELECT 1, substr(s, 1, 2) FROM q WHERE length(s) > 0
  UNION ALL SELECT i + 1, substr(s, i + 1, 2) FROM bigram, q WHERE i + 2 <= length(s)
),
phrase(m) AS (SELECT '"' || group_concat(token, ' ') || '"' FROM (SELECT token FROM bigram ORDER BY i))
SELECT t.rowid, t.report_id, t.title, t.agency, -s.rank AS score
FROM report_search s JOIN report_search_text t ON t.rowid = s.rowid
WHERE report_search MATCH (SELECT m FROM phrase)
ORDER BY s.rank LIMIT 20
"""

# With the plugin's functions: any query, the order of search() (see ranked_rowids), snippets.
SQL_SEARCH = """
SELECT t.rowid, t.report_id, t.title, t.agency, search_snippet(t.title, t.agency, t.body, :q) AS snippet
FROM json_each(search_page(:q, 20, 0)) AS page JOIN report_search_text t ON t.rowid = page.value
ORDER BY page.key
"""


def register_functions(conn: sqlite3.Connection, table: str = "report_search") -> None:
    """SQL functions for a Datasette plugin's prepare_connection hook: ``search_match(q)`` (the
    MATCH string), ``search_page(q, limit, offset)`` (a JSON array of rowids in search order)
    and ``search_snippet(title, agency, body, q)`` (the snippet with 【】 around the terms)."""

    def match(query):
        try:
            return match_expression(query or "")
        except ValueError:
            return '""'  # matches nothing: an empty search box is not an error page

    def page(query, limit, offset):
        try:
            return json.dumps([row[0] for row in ranked_rowids(conn, query or "", int(limit), int(offset), table)])
        except ValueError:
            return "[]"

    def snippet(title, agency, body, query):
        return highlight(*make_snippet(title, agency, body, term_patterns(query or "")))

    conn.create_function("search_match", 1, match, deterministic=True)
    conn.create_function("search_page", 3, page)
    conn.create_function("search_snippet", 4, snippet, deterministic=True)


if __name__ == "__main__":  # python -m archive.search 政府信息公开 → the MATCH string
    print(match_expression(" ".join(sys.argv[1:])))
