"""What every extractor returns: the document as an ordered list of paragraphs and tables.

Extractors (one module per input kind in ``parsers.extract``) only turn bytes into these blocks;
everything that knows about annual reports (sections, table labels, checks) works on blocks, so a
new input kind never touches the interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """One line or paragraph of running text, as printed (not normalised)."""

    text: str
    where: str = ""  # provenance: "line 12", "page 2", "p 7", "sheet 1 row 4"


@dataclass(frozen=True)
class Table:
    """A table as a grid of cell strings, in reading order.

    Merged cells: a cell covered by a *rowspan* repeats the spanning cell's text (so every table-三
    row carries its group label); a cell covered by a *colspan* is ``""`` (so a value spanning three
    columns is counted once). Blank cells are ``""``. Text inside a cell keeps its line breaks.
    """

    rows: list[list[str]] = field(default_factory=list)
    where: str = ""  # provenance of the table: "table 3", "page 2-3", "lines 40-120"


Block = Paragraph | Table
