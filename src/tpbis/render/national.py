"""The national report page: a small summary view (tiles and tables, no per-library charts).

The roll-up (:mod:`tpbis.service.national`) hands over plain tables
(:class:`Section`); every cell is escaped here, every fixed text comes from
the catalogue through the caller. The page reuses the report's CSS colours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import attrs

from tpbis.domain.rubric import Color
from tpbis.i18n import t
from tpbis.message import language
from tpbis.render.html import colored_css

__all__ = ["Section", "national_page"]

_CSS = """
:root { --ink: #1a1a1a; --muted: #5a6270; --line: #d0d4da; --tint: #f4f6f8;
  --hijau: %(hijau)s; --kuning: %(kuning)s; --merah: %(merah)s; }
body { margin: 0; color: var(--ink); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 14px 32px; }
header { padding: 18px 0 6px; border-bottom: 3px solid var(--ink); margin-bottom: 10px; }
h1 { font-size: 1.45rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 26px 0 8px; }
.muted { color: var(--muted); }
.tiles { display: flex; gap: 10px; flex-wrap: wrap; margin: 10px 0; }
.tile { padding: 8px 14px; border-radius: 6px; min-width: 110px; }
.tile b { display: block; font-size: 1.4rem; }
.tile-hijau { background: var(--hijau); } .tile-kuning { background: var(--kuning); }
.tile-merah { background: var(--merah); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--tint); }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.c-hijau { background: var(--hijau); } td.c-kuning { background: var(--kuning); }
td.c-merah { background: var(--merah); }
footer { margin-top: 28px; color: var(--muted); font-size: .85rem; }
"""

Cell = str | int | float | bool | None


@attrs.frozen(kw_only=True)
class Section:
    """One table of the page: a heading, a note, header and rows; ``fills`` colour cells (row, column)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    fills: Mapping[tuple[int, int], Color] = attrs.field(factory=dict)


def _cell(value: Cell, fill: Color | None) -> str:
    classes = []
    if isinstance(value, int | float) and not isinstance(value, bool):
        classes.append("n")
        text = f"{value:g}" if isinstance(value, float) else str(value)
    else:
        text = "–" if value is None else str(value)
    if fill is not None:
        classes.append(f"c-{fill.value}")
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{attr}>{escape(text)}</td>"


def _table(section: Section) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in section.header)
    body = "".join(
        "<tr>" + "".join(_cell(v, section.fills.get((r, c))) for c, v in enumerate(row)) + "</tr>"
        for r, row in enumerate(section.rows)
    )
    note = f'<p class="muted">{escape(section.note)}</p>' if section.note else ""
    return (f"<section><h2>{escape(section.title)}</h2>{note}"
            f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></section>')


def national_page(*, title: str, subtitle: str, colors: Mapping[Color, int], sections: Sequence[Section],
                  footer: str, lang: str) -> str:
    """The whole HTML document: title, national colour tiles, then each section's table."""
    tiles = "".join(
        f'<div class="tile tile-{c.value}"><b>{colors.get(c, 0)}</b>{escape(t(f"color.{c.value}", lang))}</div>'
        for c in Color
    )
    body = "".join(_table(s) for s in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{language(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{colored_css(_CSS)}</style>\n</head>\n<body>\n"
        f'<div class="wrap"><header><h1>{escape(title)}</h1><p class="muted">{escape(subtitle)}</p>'
        f'<div class="tiles">{tiles}</div></header>{body}<footer>{escape(footer)}</footer></div>\n</body>\n</html>\n'
    )
