"""Search result snippets: a window of the original text around the first occurrence of each
query term, with the offsets of every occurrence in it to mark (archive/search.py finds the rows)."""

from __future__ import annotations

import re
from functools import lru_cache

from .searchtext import SEGMENT, WORD_GAP, normalize, query_terms

SNIPPET_WIDTH = 30


def term_patterns(query: str) -> list[re.Pattern]:
    """One regex per query term, to find it in normalised text (the gaps that the index ignores
    between an ASCII word and its neighbours are allowed)."""
    patterns = []
    for term in query_terms(query):
        segments = [re.escape(m.group(0)) for m in SEGMENT.finditer(term)]
        patterns.append(re.compile(WORD_GAP.join(segments)))
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
