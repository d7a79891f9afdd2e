"""The output tab's worksheet part: the same bytes as the plain cell-by-cell writer, whatever the cells hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tpbis.adapters._xlsx_package import _HEAD, REL_NS, _cell, _column, sheet_xml
from tpbis.domain.rubric import Color
from tpbis.ports import OutputTab

STYLES = {"bold": 1, "hijau": 2, "kuning": 3, "merah": 4}


def plain_sheet_xml(tab: OutputTab, styles: dict[str, int]) -> bytes:
    """The writer as it was: every cell through ``_cell`` (the reference)."""
    fills = {(r + 1, c): styles[color.value] for r, c, color in tab.fills}
    out = [
        _HEAD,
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{REL_NS}">',
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews><sheetData>',
    ]
    for r, row in enumerate(tab.grid()):
        cells = []
        for c, value in enumerate(row):
            style = styles["bold"] if r == 0 else fills.get((r, c), 0)
            cells.append(_cell(f"{_column(c + 1)}{r + 1}", value, style))
        out.append(f'<row r="{r + 1}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


values = st.one_of(
    st.none(), st.just(""), st.text(max_size=8), st.sampled_from(["hijau", "a & b", "<x>", "=1+1", "\x01", "\ufffe"]),
    st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
)


@st.composite
def output_tabs(draw: st.DrawFn) -> OutputTab:
    width = draw(st.integers(1, 30))
    header = tuple(draw(st.lists(st.text(max_size=5), min_size=1, max_size=width)))
    rows = tuple(tuple(draw(st.lists(values, max_size=width))) for _ in range(draw(st.integers(0, 12))))
    fills = tuple(
        (draw(st.integers(0, max(len(rows) - 1, 0))), draw(st.integers(0, width - 1)), draw(st.sampled_from(Color)))
        for _ in range(draw(st.integers(0, 6)))
    )
    return OutputTab(name="Skor KPI", header=header, rows=rows, fills=fills)


@settings(max_examples=300)
@given(output_tabs())
def test_same_bytes_as_the_plain_writer(tab: OutputTab) -> None:
    """Text (repeated, escaped, illegal characters), numbers, booleans, blanks and fills: the same part."""
    assert plain_sheet_xml(tab, STYLES) == sheet_xml(tab, STYLES)
