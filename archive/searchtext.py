"""How the search sees text: normalised (NFKC, lower case), split into CJK runs and words, and a
query into terms. Shared by the index (archive/search.py) and the snippets (archive/snippets.py)."""

from __future__ import annotations

import re
import unicodedata

# Scripts written without spaces: every character is searchable on its own. Only word
# characters are ever tokens, so punctuation inside these ranges (・, ゠) stays a separator.
_CJK = (
    "\u3005\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U000323af"
)
SEGMENT = re.compile(f"([{_CJK}]+)|[^\\W_{_CJK}]+")  # a CJK run (group 1) or a word
_TERM = re.compile(r"[^\W_]+")  # what a query is split into: runs between spaces/punctuation
WORD_GAP = r"[\W_]*"


def normalize(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) and lower case, as index and query see it."""
    return unicodedata.normalize("NFKC", text).lower()


def query_terms(query: str) -> list[str]:
    """The normalised terms of a query, in order, without duplicates."""
    terms: list[str] = []
    for term in _TERM.findall(normalize(query or "")):
        if term not in terms:
            terms.append(term)
    return terms
