"""The SVG chart helpers: one segment per colour present, sizes proportional, labels escaped."""

from __future__ import annotations

import re

from tpbis.domain.rubric import Color
from tpbis.render import _svg

H, K, M = Color.HIJAU, Color.KUNING, Color.MERAH
WORDS = {H: "hijau", K: "kuning", M: "merah"}


def rects(svg: str, color: Color) -> list[dict[str, str]]:
    """The attributes of the segments of one colour."""
    return [
        dict(re.findall(r'(\w+)="([^"]*)"', match))
        for match in re.findall(rf'<rect class="seg seg-{color.value}"([^>]*)>', svg)
    ]


class TestStackedRows:
    """The per-region 100 % bars."""

    def test_one_segment_per_colour_present(self) -> None:
        """A row with 1 hijau, 0 kuning and 2 merah has a hijau and a merah segment, no kuning."""
        svg = _svg.stacked_rows([("Kab. A", {H: 1, K: 0, M: 2}, "3")], title="t", color_words=WORDS)
        assert (1, 0, 1) == (len(rects(svg, H)), len(rects(svg, K)), len(rects(svg, M)))

    def test_widths_are_proportional(self) -> None:
        """Segments split the full width by count, in the order hijau, kuning, merah."""
        svg = _svg.stacked_rows([("Kab. A", {H: 1, K: 1, M: 2}, "4")], title="t", color_words=WORDS)
        quarter = _svg.WIDTH / 4
        assert [("0", _svg.fmt(quarter)), (_svg.fmt(quarter), _svg.fmt(quarter)),
                (_svg.fmt(2 * quarter), _svg.fmt(2 * quarter))] == [
            (r["x"], r["width"]) for c in (H, K, M) for r in rects(svg, c)
        ]

    def test_colour_named_in_words(self) -> None:
        """Each segment's tooltip names its colour, not only its fill."""
        svg = _svg.stacked_rows([("Kab. A", {K: 3}, "3")], title="t", color_words=WORDS)
        assert "<title>kuning: 3</title>" in svg

    def test_long_label_puts_the_note_on_its_own_line(self) -> None:
        """A long region name does not collide with its note: the chart grows by one line."""
        short = _svg.stacked_rows([("Kab. A", {H: 1}, "1 perpustakaan")], title="t", color_words=WORDS)
        long = _svg.stacked_rows(
            [("Kabupaten Kepulauan Anambas Sebelah Utara", {H: 1}, "5 perpustakaan · rata-rata 64.3")],
            title="t", color_words=WORDS,
        )
        height = re.compile(r'viewBox="0 0 \d+ ([\d.]+)"')
        assert 16 == float(height.search(long)[1]) - float(height.search(short)[1])  # type: ignore[index]

    def test_labels_escaped(self) -> None:
        """Region names and the chart title are text, not markup."""
        svg = _svg.stacked_rows([("<b>A</b>", {H: 1}, "&")], title="<script>", color_words=WORDS)
        assert "<b>" not in svg
        assert "<script>" not in svg
        assert "&lt;b&gt;A&lt;/b&gt;" in svg


class TestHistogram:
    """Score bins stacked by colour."""

    def test_segments_and_band_lines(self) -> None:
        """One segment per (bin, colour) present, and one dashed line per band."""
        bins = [{M: 2}, {}, {}, {}, {}, {K: 1}, {}, {K: 1}, {H: 1, K: 1}, {H: 3}]
        svg = _svg.histogram(bins, title="t", bands=[(50.0, K, "kuning ≥ 50"), (80.0, H, "hijau ≥ 80")],
                             axis_label="Skor", color_words=WORDS)
        assert (2, 3, 1) == (len(rects(svg, H)), len(rects(svg, K)), len(rects(svg, M)))
        assert 2 == svg.count('class="band-line"')

    def test_taller_bin_taller_bar(self) -> None:
        """Three libraries draw a bar three times as tall as one."""
        svg = _svg.histogram([{H: 1}, {H: 3}], title="t", bands=[], axis_label="", color_words=WORDS)
        one, three = (float(r["height"]) for r in rects(svg, H))
        assert 3 == round(three / one)


class TestOthers:
    """Columns, line, bars."""

    def test_columns_one_label_per_month(self) -> None:
        """Each column has its label under it."""
        svg = _svg.stacked_columns([("Jan", {H: 1}), ("Feb", {M: 1})], title="t", color_words=WORDS)
        assert (">Jan</text>" in svg, ">Feb</text>" in svg) == (True, True)

    def test_line_gap_for_missing_value(self) -> None:
        """A None value breaks the line into two runs."""
        svg = _svg.line_chart([("a", 10.0), ("b", 20.0), ("c", None), ("d", 30.0), ("e", 40.0)], title="t",
                              bands=[])
        assert 2 == svg.count("<polyline")

    def test_score_bar_clamped(self) -> None:
        """Scores above 100 fill the bar, not more."""
        assert 'width="100" height="10" fill="#123456"' in _svg.score_bar(130.0, "#123456")

    def test_ticks_cover_the_maximum(self) -> None:
        """Axis ticks are whole, start at 0 and reach at least the maximum."""
        assert ([0, 1], [0, 5, 10, 15], [0, 10, 20, 30, 40]) == (
            _svg._ticks(0), _svg._ticks(11), _svg._ticks(33)
        )
