"""Inline SVG charts for the HTML report: pure functions from numbers and labels to markup.

Every chart scales with the page through its ``viewBox`` (CSS gives it the
width), carries a ``<title>`` for screen readers, and escapes every label it
is given. Rectangles of a traffic-light colour carry ``data-color`` so tests
(and curious readers of the source) can tell what was drawn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from tpbis.domain.rubric import Color

__all__ = [
    "COLORS",
    "INK",
    "WIDTH",
    "Band",
    "fmt",
    "hbars",
    "histogram",
    "line_chart",
    "score_bar",
    "stacked_columns",
    "stacked_rows",
]

#: Traffic-light fills chosen for contrast: white text on green and red (≥ 5:1), dark text on yellow.
COLORS: dict[Color, str] = {Color.HIJAU: "#1b7a3a", Color.KUNING: "#f0b400", Color.MERAH: "#c0392b"}
#: Text colour on each fill.
INK: dict[Color, str] = {Color.HIJAU: "#ffffff", Color.KUNING: "#1a1a1a", Color.MERAH: "#ffffff"}
#: Neutral bars (indicator scores, problem counts): not a traffic-light colour on purpose.
NEUTRAL = "#3f6c9e"
GRID = "#d0d4da"
AXIS = "#5a6270"
WIDTH = 420
_FONT = 13

#: A band line: position on the score axis (0…100), its colour and its label.
Band = tuple[float, Color, str]


def fmt(value: float) -> str:
    """A number for SVG attributes: short, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _open(height: float, title: str, css: str) -> list[str]:
    return [
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {fmt(height)}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = _FONT,
          fill: str = "#1a1a1a", weight: str = "normal") -> str:
    return (
        f'<text x="{fmt(x)}" y="{fmt(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )


def _segment(color: Color, x: float, y: float, width: float, height: float, label: str) -> str:
    return (
        f'<rect class="seg seg-{color.value}" data-color="{color.value}" x="{fmt(x)}" y="{fmt(y)}" '
        f'width="{fmt(width)}" height="{fmt(height)}" fill="{COLORS[color]}">'
        f"<title>{escape(label)}</title></rect>"
    )


def _ticks(maximum: int, wanted: int = 5) -> list[int]:
    """Whole-number ticks 0…top covering ``maximum`` with about ``wanted`` steps."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / wanted
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(maximum / step) * step
    return list(range(0, top + 1, step))


def _width(text: str, size: int, *, bold: bool = False) -> float:
    """A generous estimate of a text's width in a sans-serif font (no font metrics here)."""
    return len(text) * size * (0.62 if bold else 0.56)


def stacked_rows(
    rows: Sequence[tuple[str, Mapping[Color, int], str]],
    *,
    title: str,
    color_words: Mapping[Color, str],
) -> str:
    """One 100 % bar per row (label above it, a note on the right), split by colour.

    Each segment shows its count when wide enough; its ``<title>`` names the colour in words.
    """
    row_height = 46
    bar_height = 20
    # A long label and its note would collide on a narrow chart: the note then gets its own line.
    split = [_width(label, _FONT, bold=True) + _width(note, 12) + 12 > WIDTH for label, _, note in rows]
    height = row_height * len(rows) + 16 * sum(split) + 4
    out = _open(height, title, "chart-rows")
    top = 0
    for (label, counts, note), own_line in zip(rows, split, strict=True):
        out.append(_text(0, top + 15, label, weight="bold"))
        if own_line:
            top += 16
            out.append(_text(0, top + 15, note, size=12, fill=AXIS))
        else:
            out.append(_text(WIDTH, top + 15, note, anchor="end", size=12, fill=AXIS))
        total = sum(counts.values())
        y = top + 21
        top += row_height
        if total == 0:
            out.append(f'<rect x="0" y="{y}" width="{WIDTH}" height="{bar_height}" fill="{GRID}"/>')
            continue
        x = 0.0
        for color in Color:
            count = counts.get(color, 0)
            if not count:
                continue
            width = WIDTH * count / total
            out.append(_segment(color, x, y, width, bar_height, f"{color_words[color]}: {count}"))
            if width >= 16:
                out.append(_text(x + width / 2, y + 15, str(count), anchor="middle", fill=INK[color],
                                 weight="bold"))
            x += width
    out.append("</svg>")
    return "\n".join(out)


def _band_line_v(x: float, top: float, bottom: float, label: str) -> list[str]:
    return [
        f'<line class="band-line" x1="{fmt(x)}" x2="{fmt(x)}" y1="{fmt(top)}" y2="{fmt(bottom)}" '
        f'stroke="{AXIS}" stroke-width="1.5" stroke-dasharray="5 4"/>',
        _text(x + 3, top + 11, label, size=11, fill=AXIS),
    ]


def _count_grid(ticks: Sequence[int], left: float, right: float, top: float, plot_h: float) -> list[str]:
    """Horizontal grid lines with their count labels, for a count axis from 0 to ``ticks[-1]``."""
    out: list[str] = []
    for tick in ticks:
        y = top + plot_h - plot_h * tick / ticks[-1]
        out.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{fmt(y)}" y2="{fmt(y)}" stroke="{GRID}"/>')
        out.append(_text(left - 5, y + 4, str(tick), anchor="end", size=11, fill=AXIS))
    return out


def histogram(
    bins: Sequence[Mapping[Color, int]],
    *,
    title: str,
    bands: Sequence[Band],
    axis_label: str,
    color_words: Mapping[Color, str],
) -> str:
    """Columns over 0…100 (equal-width bins), each stacked by colour, with dashed band lines."""
    left, right, top, bottom = 34, 16, 8, 32
    plot_w, plot_h = WIDTH - left - right, 190
    height = top + plot_h + bottom
    ticks = _ticks(max((sum(b.values()) for b in bins), default=0))
    y_max = ticks[-1]
    out = _open(height, title, "chart-histogram")
    out += _count_grid(ticks, left, right, top, plot_h)
    width = plot_w / len(bins)
    step = 100 / len(bins)
    for index, counts in enumerate(bins):
        x = left + index * width
        y: float = top + plot_h
        low = step * index
        for color in reversed(Color):
            count = counts.get(color, 0)
            if not count:
                continue
            h = plot_h * count / y_max
            y -= h
            label = f"{fmt(low)}–{fmt(low + step)}: {count} {color_words[color]}"
            out.append(_segment(color, x + 1.5, y, width - 3, h, label))
        total = sum(counts.values())
        if total:
            out.append(_text(x + width / 2, y - 4, str(total), anchor="middle", size=11, fill=AXIS))
    for index in range(len(bins) + 1):
        if index % 2 == 0:
            x = left + index * width
            out.append(_text(x, top + plot_h + 15, fmt(step * index), anchor="middle", size=11, fill=AXIS))
    out.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{AXIS}"/>')
    for value, _, label in bands:
        out += _band_line_v(left + plot_w * value / 100, top, top + plot_h, label)
    out.append(_text(left + plot_w / 2, height - 2, axis_label, anchor="middle", size=12, fill=AXIS))
    out.append("</svg>")
    return "\n".join(out)


def stacked_columns(
    columns: Sequence[tuple[str, Mapping[Color, int]]],
    *,
    title: str,
    color_words: Mapping[Color, str],
) -> str:
    """One column per label (e.g. month), stacked by colour, counts written inside."""
    left, right, top, bottom = 34, 4, 8, 22
    plot_w, plot_h = WIDTH - left - right, 190
    height = top + plot_h + bottom
    ticks = _ticks(max((sum(c.values()) for _, c in columns), default=0))
    y_max = ticks[-1]
    out = _open(height, title, "chart-columns")
    out += _count_grid(ticks, left, right, top, plot_h)
    slot = plot_w / max(len(columns), 1)
    bar = min(slot * 0.72, 48)
    for index, (label, counts) in enumerate(columns):
        x = left + index * slot + (slot - bar) / 2
        y: float = top + plot_h
        for color in reversed(Color):
            count = counts.get(color, 0)
            if not count:
                continue
            h = plot_h * count / y_max
            y -= h
            out.append(_segment(color, x, y, bar, h, f"{label}: {count} {color_words[color]}"))
            if h >= 13 and bar >= 14:
                out.append(_text(x + bar / 2, y + h / 2 + 4, str(count), anchor="middle", size=11,
                                 fill=INK[color]))
        out.append(_text(left + index * slot + slot / 2, top + plot_h + 15, label, anchor="middle", size=11,
                         fill=AXIS))
    out.append("</svg>")
    return "\n".join(out)


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    bands: Sequence[Band],
) -> str:
    """Values on a 0…100 axis joined by a line, with dashed horizontal band lines; None leaves a gap.

    Band labels sit in the right margin, clear of the points.
    """
    left, right, top, bottom = 34, 78, 10, 22
    plot_w, plot_h = WIDTH - left - right, 170
    height = top + plot_h + bottom
    out = _open(height, title, "chart-line")

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / 100

    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        out.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{fmt(y)}" y2="{fmt(y)}" stroke="{GRID}"/>')
        out.append(_text(left - 5, y + 4, str(tick), anchor="end", size=11, fill=AXIS))
    for minimum, color, label in bands:
        y = y_of(minimum)
        out.append(f'<line class="band-line" x1="{left}" x2="{WIDTH - right}" y1="{fmt(y)}" y2="{fmt(y)}" '
                   f'stroke="{COLORS[color]}" stroke-width="2" stroke-dasharray="6 4"/>')
        out.append(_text(WIDTH - right + 4, y + 4, label, size=11, fill=AXIS))
    slot = plot_w / max(len(points), 1)
    runs: list[list[str]] = [[]]
    for index, (label, point) in enumerate(points):
        x = left + index * slot + slot / 2
        out.append(_text(x, top + plot_h + 15, label, anchor="middle", size=11, fill=AXIS))
        if point is None:
            runs.append([])
        else:
            runs[-1].append(f"{fmt(x)},{fmt(y_of(point))}")
    for run in runs:
        if len(run) > 1:
            out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="#1a1a1a" stroke-width="2"/>')
    for index, (_, point) in enumerate(points):
        if point is None:
            continue
        x = left + index * slot + slot / 2
        y = y_of(point)
        out.append(f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="3.5" fill="#1a1a1a"/>')
        out.append(_text(x, y - 8 if point < 90 else y + 17, fmt(point), anchor="middle", size=11))
    out.append("</svg>")
    return "\n".join(out)


def hbars(rows: Sequence[tuple[str, int, str]], *, title: str) -> str:
    """Horizontal bars of counts, one per (label, count, kind); kind is a CSS class suffix."""
    row_height = 40
    height = row_height * len(rows) + 2
    maximum = max((count for _, count, _ in rows), default=1) or 1
    out = _open(height, title, "chart-hbars")
    for index, (label, count, kind) in enumerate(rows):
        top = index * row_height
        out.append(_text(0, top + 14, label))
        width = (WIDTH - 40) * count / maximum
        out.append(f'<rect class="hbar hbar-{escape(kind)}" x="0" y="{top + 20}" width="{fmt(width)}" '
                   f'height="14" fill="{NEUTRAL if kind != "error" else "#6b4c9a"}"/>')
        out.append(_text(width + 5, top + 32, str(count), size=12, weight="bold"))
    out.append("</svg>")
    return "\n".join(out)


def score_bar(score: float, fill: str = NEUTRAL, *, label: str = "") -> str:
    """A small 0…100 bar for a table cell."""
    return (
        f'<svg class="scorebar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label or fmt(score))}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="100" height="10" fill="#e6e9ee"/>'
        f'<rect width="{fmt(max(0.0, min(score, 100.0)))}" height="10" fill="{fill}"/></svg>'
    )
