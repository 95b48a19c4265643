"""A small bar chart of one agency's requests across years, as geometry for an inline SVG.

Drawn on the server so the page needs no JavaScript and no CDN (the site must work offline and
in archives). The template turns the numbers below into ``<rect>`` and ``<text>`` elements;
nothing here is HTML, so autoescape covers the labels.
"""

from __future__ import annotations

WIDTH, HEIGHT = 360, 160
TOP, BOTTOM, SIDE = 22, 26, 12  # room for the value labels above and the years below
MAX_BAR = 44


def bars(points: list[tuple[int, float | None]], current_year: int | None = None,
         width: int = WIDTH, height: int = HEIGHT) -> dict:
    """``points`` are (year, value or None) in year order. Returns the SVG size, the baseline and
    one bar per year with its rectangle, label positions and whether it is the report's year."""
    plot_h = height - TOP - BOTTOM
    slot = (width - 2 * SIDE) / max(len(points), 1)
    bar_w = min(MAX_BAR, slot * 0.7)
    top = max((v for _, v in points if v is not None), default=0) or 1
    out = []
    for index, (year, value) in enumerate(points):
        h = 0.0 if value is None else plot_h * max(value, 0) / top
        x = SIDE + index * slot + (slot - bar_w) / 2
        y = TOP + plot_h - h
        label = "—" if value is None else (str(int(value)) if float(value).is_integer() else str(value))
        out.append({"year": year, "value": value, "label": label, "x": round(x, 1), "y": round(y, 1),
                    "w": round(bar_w, 1), "h": round(h, 1), "cx": round(x + bar_w / 2, 1),
                    "label_y": round(y - 5, 1), "year_y": height - BOTTOM + 16, "current": year == current_year})
    return {"width": width, "height": height, "baseline": TOP + plot_h, "bars": out}
