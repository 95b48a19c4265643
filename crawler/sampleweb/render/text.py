"""The text layouts of report-format.md §9.2, as extractors and OCR tools leave them."""

from __future__ import annotations

import random
import re

from ..reports import T3_GROUP_LABELS, Report
from .grid import Grid, grids


def _text_document(report: Report, table_lines, *, gap: bool, markdown: bool = False,
                   lead_blank: bool = False) -> bytes:
    """The whole report as text: prose lines as printed, each table through ``table_lines``."""
    out: list[str] = [""] if lead_blank else []
    for kind, text in report.blocks:
        if kind == "table":
            if gap and out and out[-1] != "":
                out.append("")
            out += table_lines(text)
            out.append("")
            continue
        if kind == "title":
            lines = text.split("\n")
            out += [f"# {line}" for line in lines] if markdown else lines
        elif kind == "heading" and markdown:
            out.append(f"## {text}")
        else:
            out.append(text)
        if gap:
            out.append("")
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


def _full_rows(grid: Grid, join_lines: str = " ") -> list[list[str]]:
    """Every grid position's text; covered positions (colspan or rowspan) are ``""``."""
    return [[cell.text.replace("\n", join_lines) if role == "origin" else "" for cell, role in row]
            for row in grid.matrix()]


def _docx_rows(grid: Grid) -> list[list[str]]:
    """The cells a DOCX row holds: spanning cells once, a vertical-merge continuation as ``""``."""
    out = []
    for row in grid.matrix():
        cells, last = [], None
        for cell, role in row:
            if cell is last:
                continue
            last = cell
            cells.append(cell.text if role == "origin" else "")
        out.append(cells)
    return out


def render_text(report: Report, **options) -> bytes:
    """A seed's own extracted text; for synthetic reports the Tika layout."""
    if report.source_text is not None:
        return report.source_text.encode("utf-8")
    return render_text_tika(report, **options)


def render_text_tika(report: Report, **_) -> bytes:
    """Apache Tika's DOCX text: one cell per line after a tab, a blank line ends a row."""
    tables = grids(report, t3_header="words", t4_header="chars")

    def lines(name: str) -> list[str]:
        out = []
        for row in _docx_rows(tables[name]):
            for text in row:
                first, *rest = text.split("\n")
                out.append("\t" + first)
                out += rest
            out.append("")
        return out

    return _text_document(report, lines, gap=False, lead_blank=True)


def render_text_tabs(report: Report, *, split_group: str | None = "not_processed", **_) -> bytes:
    """PDF text with tab-separated cells, one row per line (seeds 001/004).

    Colspans leave padding cells; for some rows the empty leading cells of a merged column are
    dropped, so the label sits in column 0 instead of 1. ``split_group`` prints that group label
    across a page break (``(五) 不`` … blank line … ``予处理``), as in seed 004.
    """
    tables = grids(report, t3_header="plain", t4_header="words", total_top=True, halfwidth=True)
    rng = random.Random(f"tabs:{report.name}")
    split_label = T3_GROUP_LABELS.get(split_group or "", None)

    def lines(name: str) -> list[str]:
        grid = tables[name]
        rows = _full_rows(grid)
        out, carry = [], None
        for r, row in enumerate(rows):
            row = list(row)
            broken = False
            if carry is not None:
                row[carry[0]] = carry[1]
                carry = None
            if name == "t3" and split_label:
                lab = re.sub(r"^（(.)）", r"(\1) ", split_label)
                if lab in row:
                    c = row.index(lab)
                    row[c], carry, broken = lab[:-3], (c, lab[-3:]), True
            if r >= grid.header_rows and row[0] == "" and rng.random() < 0.3:
                k = next((i for i, t in enumerate(row) if t), 0)
                row = row[k:] + [""] * k
            out.append("\t".join(row))
            if broken:
                out.append("")
        return out

    return _text_document(report, lines, gap=True, lead_blank=True)


def render_text_pipes(report: Report, **_) -> bytes:
    """Rows as ``a | b | c`` (a table extractor's plain dump)."""
    tables = grids(report, t3_header="plain", t4_header="plain")
    return _text_document(report, lambda n: [" | ".join(row).rstrip() for row in _full_rows(tables[n])], gap=True)


def render_text_markdown(report: Report, **_) -> bytes:
    """Markdown: ``#`` title, ``##`` headings, pipe tables with a ``|---|`` line under the first row."""
    tables = grids(report, t3_header="plain", t4_header="plain")

    def lines(name: str) -> list[str]:
        rows = [[t.replace("|", "\\|") for t in row] for row in _full_rows(tables[name])]
        md = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        return md + ["| " + " | ".join(row) + " |" for row in rows[1:]]

    return _text_document(report, lines, gap=True, markdown=True)


def render_text_cell_pipe(report: Report, **_) -> bytes:
    """One cell per line, each ending in `` |``; a blank line ends a row."""
    tables = grids(report, t3_header="plain", t4_header="plain")

    def lines(name: str) -> list[str]:
        out = []
        for row in _full_rows(tables[name]):
            out += [f"{text} |" for text in row]
            out.append("")
        return out

    return _text_document(report, lines, gap=True)


def render_text_split_headers(report: Report, **_) -> bytes:
    """Tab rows whose header cells are split over several lines (``商业`` / ``企业``, ``结`` / ``果`` / …)."""
    tables = grids(report, t3_header="words", t4_header="chars")

    def lines(name: str) -> list[str]:
        grid = tables[name]
        out = []
        for r, row in enumerate(grid.matrix()):
            texts = [cell.text if role == "origin" else "" for cell, role in row]
            if r < grid.header_rows:
                parts = [t.split("\n") for t in texts]
                for i in range(max(len(p) for p in parts)):
                    out.append("\t".join(p[i] if i < len(p) else "" for p in parts))
            else:
                out.append("\t".join(t.replace("\n", "") for t in texts))
        return out

    return _text_document(report, lines, gap=True)
