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
``*_uni`` columns; anything longer is a phrase of the same tokens on the ``*_bi`` columns
(``政府信息公开`` → ``"政府 府信 信息 息公 公开"``), so adjacency is exact; a trailing ASCII word
or single CJK character inside a mixed term is a prefix (``2023年`` → ``"2023 年"*``). Results
are exactly the rows whose normalised title, agency or body contains every term, except that
ASCII words match at word starts (``2023`` finds ``2023年`` but not ``12023``), as in every
search engine. Ranking is bm25 with title and agency weighted above body (``RANK_WEIGHTS``,
also stored as the table's ``rank`` so ``ORDER BY rank`` works in plain SQL). Snippets are cut
from the original text around the first occurrence of each term, with the marked spans given as
offsets (the caller escapes and highlights; ``highlight()`` does it with 【】).

Searching without our Python (plain sqlite3, any language):

    SELECT t.report_id, t.title FROM report_search s JOIN report_search_text t ON t.rowid = s.rowid
    WHERE report_search MATCH '"政府 府信 信息 息公 公开"' ORDER BY s.rank LIMIT 20;

``复`` and ``复议`` can be written as they are (``MATCH '复议'``); longer words need the bigram
phrase, which ``python -m archive.search 政府信息公开`` prints. ``SQL_SEARCH_NO_FUNCTIONS`` builds
that phrase in SQL for a one-word query (a Datasette canned query without any plugin), and
``register_functions`` adds ``search_match(q)`` and ``search_snippet(text, q)`` for the plugin.
DuckDB cannot read FTS5 virtual tables: there, use ``report_search_text`` with LIKE.
"""

from __future__ import annotations

import operator
import re
import sqlite3
import sys
import unicodedata
from functools import lru_cache
from typing import Iterable

TOKENIZER_VERSION = f"1/unicode-{unicodedata.unidata_version}"
FIELDS = ("title", "agency", "body")
COLUMNS = tuple(f"{field}_{kind}" for field in FIELDS for kind in ("uni", "bi"))
RANK_WEIGHTS = (10.0, 10.0, 5.0, 5.0, 1.0, 1.0)  # in COLUMNS order: title, agency above body
SNIPPET_WIDTH = 30

# Scripts written without spaces: every character is searchable on its own. Only word
# characters are ever tokens, so punctuation inside these ranges (・, ゠) stays a separator.
_CJK = (
    "\u3005\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U000323af"
)
_SEGMENT = re.compile(f"([{_CJK}]+)|[^\\W_{_CJK}]+")  # a CJK run (group 1) or a word
_TERM = re.compile(r"[^\W_]+")  # what a query is split into: runs between spaces/punctuation
_WORD_GAP = r"[\W_]*"


def normalize(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) and lower case, as index and query see it."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_cjk(segment: str) -> bool:
    return _SEGMENT.fullmatch(segment[0]).group(1) is not None


def _streams(normalized: str) -> tuple[list[str], list[str]]:
    uni: list[str] = []
    bi: list[str] = []
    for match in _SEGMENT.finditer(normalized):
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


def _row_tokens(title, agency, body) -> list[str]:
    values: list[str] = []
    for text in (title, agency, body):
        tokens = tokens_for_index(text)
        values += [tokens["uni"], tokens["bi"]]
    return values


def query_terms(query: str) -> list[str]:
    """The normalised terms of a query, in order, without duplicates."""
    terms: list[str] = []
    for term in _TERM.findall(normalize(query or "")):
        if term not in terms:
            terms.append(term)
    return terms


def _column_filter(kind: str) -> str:
    return "{" + " ".join(c for c in COLUMNS if c.endswith(kind)) + "}"


def _term_expression(term: str) -> str:
    segments = [m.group(0) for m in _SEGMENT.finditer(term)]
    if len(segments) == 1 and len(term) == 1 and _is_cjk(term):
        return f'{_column_filter("_uni")} : "{term}"'
    tokens: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if not _is_cjk(segment):
            tokens.append(segment)
            continue
        tokens += map(operator.add, segment, segment[1:])
        if not last or len(segment) == 1:
            tokens.append(segment[-1])
    prefix = not _is_cjk(segments[-1]) or len(segments[-1]) == 1
    return f'{_column_filter("_bi")} : "{" ".join(tokens)}"' + (" *" if prefix else "")


def match_expression(query: str) -> str:
    """The FTS5 MATCH string for a user's query; ValueError if it has nothing searchable."""
    terms = query_terms(query)
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}")
    return " AND ".join(_term_expression(term) for term in terms)


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
        ([rowid, *_row_tokens(title, agency, body)] for rowid, title, agency, body in old_rows),
    )


def index_rows(conn: sqlite3.Connection, rows: Iterable[tuple], table: str = "report_search",
               batch: int = 500) -> int:
    """Index ``(rowid, report_id, title, agency, text)`` rows; a rowid already indexed is replaced
    (unchanged rows are skipped). Returns the number of rows (re)indexed."""
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
            if tuple(row[1:]) == by_rowid[row[0]][1:]:
                del by_rowid[row[0]]  # unchanged: a second build changes nothing
        _delete_tokens(conn, table, [(r[0], r[2], r[3], r[4]) for r in old if r[0] in by_rowid])
        fresh = list(by_rowid.values())
        conn.executemany(insert_fts, ([r[0], *_row_tokens(*r[2:5])] for r in fresh))
        conn.executemany(insert_text, fresh)
        return len(fresh)

    with conn:
        for rowid, report_id, title, agency, text in rows:
            pending.append((int(rowid), report_id, title, agency, text))
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


def rebuild(conn: sqlite3.Connection, table: str = "report_search") -> None:
    """Re-tokenise every row of the text table (after a tokenizer change), then optimise."""
    with conn:
        conn.execute(f"INSERT INTO [{table}]([{table}]) VALUES ('delete-all')")
        conn.execute(f"INSERT OR REPLACE INTO [{table}_meta] VALUES ('tokenizer', ?)", (TOKENIZER_VERSION,))
        rows = conn.execute(f"SELECT rowid, title, agency, body FROM [{table}_text]")
        conn.executemany(f"INSERT INTO [{table}](rowid, {', '.join(COLUMNS)}) VALUES "
                         f"({', '.join('?' * (len(COLUMNS) + 1))})",
                         ([r[0], *_row_tokens(*r[1:])] for r in rows))
    optimize(conn, table)


def optimize(conn: sqlite3.Connection, table: str = "report_search") -> None:
    """Merge the index into one segment: smaller file, faster queries. Run once after a build."""
    with conn:
        conn.execute(f"INSERT INTO [{table}]([{table}]) VALUES ('optimize')")


# --- searching -------------------------------------------------------------------------------

def search(conn: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0,
           table: str = "report_search") -> list[dict]:
    """Ranked matches for a user's query: report_id, score (higher is better), snippet with
    ``marks`` (start, end offsets of the matched terms in it), title, agency, rowid."""
    expression = match_expression(query)
    rows = conn.execute(
        f"SELECT m.rowid, m.score, t.report_id, t.title, t.agency, t.body FROM "
        f"(SELECT rowid, rank AS score FROM [{table}] WHERE [{table}] MATCH ? "
        f" ORDER BY rank LIMIT ? OFFSET ?) AS m JOIN [{table}_text] t ON t.rowid = m.rowid "
        f"ORDER BY m.score", (expression, limit, offset)).fetchall()
    patterns = term_patterns(query)
    results = []
    for rowid, score, report_id, title, agency, body in rows:
        text, marks = make_snippet(title, agency, body, patterns)
        results.append({"report_id": report_id, "score": -score, "snippet": text, "marks": marks,
                        "title": title, "agency": agency, "rowid": rowid})
    return results


def term_patterns(query: str) -> list[re.Pattern]:
    """One regex per query term, to find it in normalised text (the gaps that the index ignores
    between an ASCII word and its neighbours are allowed)."""
    patterns = []
    for term in query_terms(query):
        segments = [re.escape(m.group(0)) for m in _SEGMENT.finditer(term)]
        patterns.append(re.compile(_WORD_GAP.join(segments)))
    return patterns


@lru_cache(maxsize=4096)
def _normalize_char(char: str) -> str:
    return normalize(char)


def _normalized_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Normalised text and, where normalising changed its length, the original offset of every
    normalised character (None means the offsets are the same)."""
    fast = normalize(text)
    if len(fast) == len(text):
        return fast, None
    parts, offsets = [], []
    for index, char in enumerate(text):
        mapped = _normalize_char(char)
        parts.append(mapped)
        offsets += [index] * len(mapped)
    offsets.append(len(text))
    return "".join(parts), offsets


def _find_spans(text: str, patterns: list[re.Pattern], first_only: bool) -> list[tuple[int, int, int]]:
    """(start, end, pattern number) in the original text of each term's first or every match."""
    normalized, offsets = _normalized_with_offsets(text)
    spans = []
    for number, pattern in enumerate(patterns):
        for match in pattern.finditer(normalized):
            start, end = match.span()
            if offsets is not None:
                start, end = offsets[start], offsets[end - 1] + 1
            spans.append((start, end, number))
            if first_only:
                break
    return sorted(spans)


def make_snippet(title: str | None, agency: str | None, body: str | None,
                 patterns: list[re.Pattern], width: int = SNIPPET_WIDTH) -> tuple[str, list[tuple[int, int]]]:
    """A readable snippet of the original text: a window of about ``width`` characters around the
    first occurrence of each term (in the body, else the title, else the agency), windows joined
    by …, and the (start, end) offsets of every term occurrence inside it."""
    windows: list[list] = []  # [text, start, end], in display order
    missing = set(range(len(patterns)))
    for text in (body or "", title or "", agency or ""):
        if not missing:
            break
        first = len(windows)
        todo = sorted(missing)
        for start, end, number in _find_spans(text, [patterns[n] for n in todo], True):
            missing.discard(todo[number])
            before = max(4, (width - (end - start)) // 3)
            after = max(4, width - (end - start) - before)
            start, end = max(0, start - before), min(len(text), end + after)
            if len(windows) > first and start <= windows[-1][2]:
                windows[-1][2] = max(windows[-1][2], end)
            else:
                windows.append([text, start, end])
    if not windows:
        text = body or title or ""
        windows.append([text, 0, min(len(text), width)])
    snippet, marks = "", []
    for number, (text, start, end) in enumerate(windows):
        if number or start > 0:
            snippet += "…"
        base = len(snippet)
        piece = text[start:end]
        snippet += piece.translate(_FLATTEN)
        marks += [(base + s, base + e) for s, e, _ in _find_spans(piece, patterns, False)]
    if windows[-1][2] < len(windows[-1][0]):
        snippet += "…"
    return snippet, _merge(marks)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(snippet: str, marks: list[tuple[int, int]], open: str = "【", close: str = "】") -> str:
    """The snippet with every mark wrapped (escape the pieces first if the output is HTML)."""
    out, last = [], 0
    for start, end in marks:
        out += [snippet[last:start], open, snippet[start:end], close]
        last = end
    return "".join(out) + snippet[last:]


_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u3000": " "})


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

# The same with the plugin's function: any query, plus a snippet.
SQL_SEARCH = """
SELECT t.rowid, t.report_id, t.title, t.agency, search_snippet(t.title, t.agency, t.body, :q) AS snippet,
       -m.score AS score
FROM (SELECT rowid, rank AS score FROM report_search WHERE report_search MATCH search_match(:q)
      ORDER BY rank LIMIT 20) AS m JOIN report_search_text t ON t.rowid = m.rowid
ORDER BY m.score
"""


def _sql_match(query):
    try:
        return match_expression(query or "")
    except ValueError:
        return '""'  # matches nothing, instead of an error page for an empty search box


def _sql_snippet(title, agency, body, query):
    return highlight(*make_snippet(title, agency, body, term_patterns(query or "")))


def register_functions(conn: sqlite3.Connection) -> None:
    """search_match(q) → MATCH string; search_snippet(title, agency, body, q) → 【】-marked snippet."""
    conn.create_function("search_match", 1, _sql_match, deterministic=True)
    conn.create_function("search_snippet", 4, _sql_snippet, deterministic=True)


if __name__ == "__main__":  # python -m archive.search 政府信息公开 → the MATCH string
    print(match_expression(" ".join(sys.argv[1:])))
