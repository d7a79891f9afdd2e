"""The report page: sections of HTML around the SVG charts, with inline CSS.

Every string that comes from data (library, region, indicator and award
names, problem messages and cell values) goes through :func:`html.escape`;
every fixed text comes from the catalogue in :mod:`tpbis.i18n`.

National scale: with more than :data:`SUMMARY_FROM` libraries (and no
``--regency``), the libraries section is a summary view (one table row per
kabupaten/kota, then only the :data:`WATCH_PER_REGION` lowest composites of
each) and the problems section lists the :data:`PROBLEM_OWNERS` libraries
with the most problem rows, :data:`PROBLEMS_PER_LIBRARY_SUMMARY` problems
each. So a 10,000-library report stays around 1 MB (its per-library tables
alone were ~5 MB). A report of one kabupaten/kota (``--regency``) always
lists every library.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from html import escape

from tpbis.domain.awards import CategoryResult, ContestResult
from tpbis.domain.kpi import IndicatorResult, KpiRun, LibraryResult, Rollup, gap_advice
from tpbis.domain.kpi import rollup as rollup_of
from tpbis.domain.period import Period, month_name
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Color, Rubric
from tpbis.i18n import t
from tpbis.message import Message, language
from tpbis.render import _svg
from tpbis.render._labels import label as _label
from tpbis.render._svg import COLORS, INK, Band
from tpbis.render.rows import joined
from tpbis.render.text import severity_counts

__all__ = [
    "PROBLEMS_PER_LIBRARY", "PROBLEMS_PER_LIBRARY_SUMMARY", "PROBLEM_OWNERS", "SUMMARY_FROM", "WATCH_PER_REGION",
    "Advice", "colored_css", "number_text", "page", "problem_counts", "problem_kind",
    "problem_table",
]

#: Above this many libraries the report shows the summary view (see the module's docstring).
SUMMARY_FROM = 1000
#: In the summary view: the lowest composites listed per kabupaten/kota.
WATCH_PER_REGION = 3
#: In the summary view: how many libraries' problems are listed (most problem rows first) ...
PROBLEM_OWNERS = 100
#: ... and how many problems of each.
PROBLEMS_PER_LIBRARY_SUMMARY = 5

#: What a library should do next, as a message (None: nothing to say).
Advice = Callable[[LibraryResult], "Message | None"]


def _gap_message(result: LibraryResult) -> Message | None:
    return gap_advice(result.gap)

_TOP = 5  # ranked libraries shown per award category and level
_NEAR = 2  # near misses shown per award category and level
_BINS = 10  # histogram bins over 0…100

_CSS = """
:root { --ink: #1a1a1a; --muted: #5a6270; --line: #d0d4da; --paper: #ffffff; --tint: #f4f6f8;
  --hijau: %(hijau)s; --kuning: %(kuning)s; --merah: %(merah)s; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%%; }
body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
.wrap { max-width: 1120px; margin: 0 auto; padding: 0 14px 32px; }
header.top { padding: 18px 0 6px; border-bottom: 3px solid var(--ink); margin-bottom: 10px; }
h1 { font-size: 1.45rem; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 1.2rem; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.02rem; margin: 18px 0 6px; }
h4 { font-size: .95rem; margin: 0; }
p { margin: 4px 0 8px; }
.muted { color: var(--muted); font-size: .9rem; }
.tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin: 12px 0 6px; }
.tile { border-radius: 8px; padding: 10px 12px; }
.tile b { display: block; font-size: 1.9rem; line-height: 1.1; }
.tile span { font-size: .9rem; }
.tile-hijau, .badge-hijau { background: var(--hijau); color: %(ink_hijau)s; }
.tile-kuning, .badge-kuning { background: var(--kuning); color: %(ink_kuning)s; }
.tile-merah, .badge-merah { background: var(--merah); color: %(ink_merah)s; }
nav.toc { font-size: .9rem; margin: 8px 0; }
nav.toc ol { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; }
nav.toc a { color: #1f4f86; }
figure { margin: 6px 0 12px; }
figcaption { font-size: .85rem; color: var(--muted); margin-top: 2px; }
svg.chart { display: block; width: 100%%; height: auto; max-width: 640px; }
svg.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
.legend { list-style: none; padding: 0; margin: 4px 0 8px; display: flex; flex-wrap: wrap; gap: 4px 14px;
  font-size: .88rem; }
.sw { display: inline-block; width: .9em; height: .9em; border-radius: 2px; vertical-align: -1px;
  margin-right: 4px; }
.sw-hijau { background: var(--hijau); } .sw-kuning { background: var(--kuning); }
.sw-merah { background: var(--merah); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%%, 440px), 1fr));
  gap: 0 28px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%%, 320px), 1fr));
  gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--paper); }
.card h3 { margin-top: 0; }
.lib { border-left-width: 6px; }
.lib-hijau { border-left-color: var(--hijau); } .lib-kuning { border-left-color: var(--kuning); }
.lib-merah { border-left-color: var(--merah); }
.lib header { display: flex; justify-content: space-between; align-items: flex-start; gap: 8px; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: .8rem; font-weight: 600;
  white-space: nowrap; }
.composite { display: flex; align-items: center; gap: 8px; margin: 6px 0; }
.composite strong { font-size: 1.15rem; min-width: 3.2em; text-align: right; }
svg.scorebar { display: inline-block; width: 100%%; height: 10px; border-radius: 2px; }
.composite svg.scorebar { height: 12px; }
table { border-collapse: collapse; width: 100%%; font-size: .86rem; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--tint); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
ul.ind { list-style: none; margin: 4px 0 0; padding: 0; font-size: .84rem; }
ul.ind li { display: grid; grid-template-columns: 1fr 2.8em; column-gap: 8px; align-items: center;
  padding: 2px 0; border-top: 1px solid var(--tint); }
ul.ind .ih { grid-column: 1 / -1; display: flex; justify-content: space-between; gap: 8px; }
ul.ind .iv { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
ul.ind .is { text-align: right; font-size: .78rem; color: var(--muted);
  font-variant-numeric: tabular-nums; }
ul.ind svg.scorebar { height: 7px; }
.gap { font-size: .84rem; color: var(--muted); margin: 6px 0 0; }
ol.rank { margin: 4px 0; padding-left: 1.6em; }
ol.rank li { padding: 2px 0; }
ol.rank .score { float: right; font-variant-numeric: tabular-nums; font-weight: 600; margin-left: 8px; }
ul.near { margin: 4px 0; padding-left: 1.2em; font-size: .85rem; color: var(--muted); }
.cell-wrap { overflow-wrap: anywhere; }
code { font-size: .85em; background: var(--tint); padding: 0 3px; border-radius: 3px; }
footer { margin-top: 30px; font-size: .8rem; color: var(--muted); border-top: 1px solid var(--line);
  padding-top: 8px; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  .tile b { font-size: 1.5rem; }
  table.stack thead { display: none; }
  table.stack tr { display: block; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 8px;
    padding: 4px 6px; }
  table.stack td { display: block; border: 0; padding: 1px 0; }
  table.stack td.k { display: inline-block; margin-right: 12px; }
  table.stack td.k::before, table.stack td.v::before { content: attr(data-label) ": "; font-weight: 600;
    color: var(--muted); }
}
@media print {
  @page { size: A4; margin: 10mm 11mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 8pt; line-height: 1.25; }
  .wrap { max-width: none; padding: 0; }
  nav.toc { display: none; }
  header.top { padding-top: 0; }
  h1 { font-size: 14pt; }
  h2 { font-size: 11pt; margin: 10px 0 4px; }
  h3 { font-size: 9pt; margin: 6px 0 2px; }
  h4 { font-size: 8.5pt; }
  p { margin: 2px 0 4px; }
  .muted { font-size: 7.5pt; }
  .tiles { margin: 4px 0; }
  .tile { padding: 3px 8px; }
  .tile b { font-size: 14pt; display: inline; margin-right: 6px; }
  h2, h3, h4 { break-after: avoid; }
  figure, .card, tr, .tiles { break-inside: avoid; }
  .grid2, .print2 { display: grid; grid-template-columns: 1fr 1fr; gap: 0 16px; }
  .grid2 > section > h2 { margin-top: 6px; }
  figure { margin: 2px 0 4px; }
  svg.chart { max-width: 100%%; max-height: 6.2cm; }
  .legend { margin: 2px 0; font-size: 7.5pt; }
  table { font-size: 7.5pt; }
  th, td { padding: 1px 4px; }
  .cards { grid-template-columns: repeat(3, 1fr); gap: 6px; }
  .card { padding: 4px 6px; }
  .card h3 { font-size: 8.5pt; }
  ol.rank, ul.near { font-size: 7.5pt; }
  ol.rank li { padding: 0; }
  .regions { columns: 2; column-gap: 16px; }
  .region { break-inside: avoid; }
  #masalah figure { display: none; }
  ul.silent { columns: 3; margin: 0; }
  a { color: inherit; text-decoration: none; }
}
"""


def colored_css(template: str) -> str:
    """``template`` with the traffic-light colours filled in (``%(hijau)s``, ``%(ink_hijau)s``, …)."""
    return template % {
        **{c.value: COLORS[c] for c in Color},
        **{f"ink_{c.value}": INK[c] for c in Color},
    }


def _css() -> str:
    return colored_css(_CSS)


def number_text(value: Decimal | int | None) -> str:
    """A shown number: whole values without decimals, others with one; None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, Decimal) and value != value.to_integral():
        return str(value)
    return str(int(value))


def _words(lang: str) -> dict[Color, str]:
    return {c: t(f"color.{c.value}", lang) for c in Color}


def _band_number(value: Fraction) -> str:
    return _svg.fmt(float(value))


def _legend(rubric: Rubric, lang: str) -> tuple[str, list[Band]]:
    """The colour legend in words (``hijau ≥ 80`` …) and the band lines for charts."""
    items: list[str] = []
    lines: list[Band] = []
    bands = rubric.bands
    for index, band in enumerate(bands):
        word = t(f"color.{band.color.value}", lang)
        if band.minimum > 0:
            text = t("report.band.at_least", lang, color=word, minimum=_band_number(band.minimum))
            lines.append((float(band.minimum), band.color, text))
        else:
            text = t("report.band.below", lang, color=word, maximum=_band_number(bands[index - 1].minimum))
        items.append(f'<li><span class="sw sw-{band.color.value}" aria-hidden="true"></span>{escape(text)}</li>')
    return f'<ul class="legend">{"".join(items)}</ul>', lines


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _period_label(period: Period, lang: str) -> str:
    return period.title.render(lang)


def _header(run: KpiRun, lang: str, summary: str, title: str) -> str:
    counts = Counter(r.color for r in run.results)
    provinces = sorted({r.library.province for r in run.results})
    subtitle = Message.plural(
        "report.subtitle", len(run.results), region=", ".join(provinces) or "–", rubric=run.rubric.ref,
    ).render(lang)
    tiles = "".join(
        f'<div class="tile tile-{c.value}"><b>{counts.get(c, 0)}</b><span>{escape(t(f"color.{c.value}", lang))}'
        f"</span></div>"
        for c in Color
    )
    return (
        f'<header class="top"><h1>{escape(title)}</h1><p class="muted">{escape(subtitle)}</p>'
        f'<div class="tiles">{tiles}</div><p class="muted">{escape(summary)}</p></header>'
    )


_SECTIONS = (
    ("wilayah", "report.section.overview"),
    ("sebaran", "report.section.distribution"),
    ("tren", "report.section.trend"),
    ("perpustakaan", "report.section.libraries"),
    ("belum-lapor", "report.section.not_reported"),
    ("penghargaan", "report.section.awards"),
    ("masalah", "report.section.problems"),
)


def _toc(lang: str) -> str:
    links = "".join(f'<li><a href="#{anchor}">{escape(t(key, lang))}</a></li>' for anchor, key in _SECTIONS)
    return f'<nav class="toc" aria-label="{escape(t("report.contents", lang))}"><ol>{links}</ol></nav>'


def _rollup_note(rollup: Rollup, lang: str) -> str:
    return Message.plural("report.rollup_note", rollup.libraries, mean=number_text(rollup.mean)).render(lang)


def _overview(run: KpiRun, lang: str, legend: str) -> str:
    rows: list[tuple[str, Mapping[Color, int], str]] = []
    totals: list[tuple[str, Mapping[Color, int], str]] = []
    for rollup in run.rollups():
        if rollup.regency is not None:
            rows.append((rollup.regency, rollup.colors, _rollup_note(rollup, lang)))
        else:
            label = t("report.province_total", lang, province=rollup.province)
            totals.append((label, rollup.colors, _rollup_note(rollup, lang)))
    svg = _svg.stacked_rows([*rows, *totals], title=t("report.chart.overview", lang), color_words=_words(lang))
    return (
        f'<section id="wilayah"><h2>{escape(t("report.section.overview", lang))}</h2>{legend}'
        f"{_figure(svg, t('report.chart.overview', lang))}</section>"
    )


def _distribution(run: KpiRun, lang: str, legend: str, bands: list[Band]) -> str:
    bins: list[Counter[Color]] = [Counter() for _ in range(_BINS)]
    for result in run.results:
        index = min(int(result.composite * _BINS // 100), _BINS - 1)
        bins[max(index, 0)][result.color] += 1
    svg = _svg.histogram(
        bins, title=t("report.chart.histogram", lang), bands=bands, axis_label=t("report.axis.score", lang),
        color_words=_words(lang),
    )
    return (
        f'<section id="sebaran"><h2>{escape(t("report.section.distribution", lang))}</h2>{legend}'
        f"{_figure(svg, t('report.histogram.note', lang))}</section>"
    )


def _month_short(period: Period, lang: str) -> str:
    return month_name(period.start.month).render(lang)[:3]


def _trend(trend: Sequence[KpiRun], lang: str, legend: str, bands: list[Band]) -> str:
    columns = [(_month_short(r.period, lang), Counter(x.color for x in r.results)) for r in trend]
    medians = [
        (_month_short(r.period, lang), float(statistics.median(x.composite for x in r.results)) if r.results else None)
        for r in trend
    ]
    counts_svg = _svg.stacked_columns(columns, title=t("report.chart.trend_counts", lang), color_words=_words(lang))
    median_svg = _svg.line_chart(medians, title=t("report.chart.trend_median", lang), bands=bands)
    return (
        f'<section id="tren"><h2>{escape(t("report.section.trend", lang))}</h2>{legend}'
        f'<div class="grid2">{_figure(counts_svg, t("report.chart.trend_counts", lang))}'
        f"{_figure(median_svg, t('report.chart.trend_median', lang))}</div>"
        f'<p class="muted">{escape(t("report.trend.note", lang))}</p></section>'
    )


_LEVELS = {1: "report.level_one", 2: "report.level_two", 3: "report.level_three"}


def _level(level: int, lang: str) -> str:
    key = _LEVELS.get(level)
    return t(key, lang) if key else f"{t('col.level', lang)} {level}"


def _category_card(result: CategoryResult, lang: str, names: Mapping[str, str]) -> str:
    category = result.category
    label = _label(category).render(lang)
    shortlist = result.shortlist
    parts = [
        f'<div class="card award"><h3>{escape(label)}</h3><p class="muted">{escape(_level(result.level, lang))} · '
        f"{escape(t('report.awards.eligible', lang, eligible=len(shortlist), total=len(result.entries)))}</p>"
    ]
    if shortlist:
        items = "".join(
            f'<li><span class="score">{number_text(e.score)}</span>{escape(names.get(e.library.id, e.library.name))}</li>'
            for e in shortlist[:_TOP]
        )
        parts.append(f'<ol class="rank">{items}</ol>')
        if len(shortlist) > _TOP:
            parts.append(f'<p class="muted">{escape(t("awards.more", lang, count=len(shortlist) - _TOP))}</p>')
    else:
        parts.append(f'<p class="muted">{escape(t("awards.none", lang))}</p>')
    near = sorted((e for e in result.entries if not e.eligible), key=lambda e: (len(e.unmet), -e.score))[:_NEAR]
    if near:
        items = "".join(
            f"<li>{escape(names.get(e.library.id, e.library.name))}: "
            f"{escape(joined((u.message for u in e.unmet), lang))}</li>"
            for e in near
        )
        parts.append(f'<p class="muted"><b>{escape(t("report.awards.near", lang))}</b></p><ul class="near">{items}</ul>')
    parts.append("</div>")
    return "".join(parts)


def _contest_card(result: ContestResult, names: Mapping[str, str], lang: str) -> str:
    contest = result.contest
    label = _label(contest).render(lang)
    ranked = [s for s in result.standings if s.eligible]
    parts = [
        f'<div class="card award"><h3>{escape(label)}</h3><p class="muted">'
        f"{escape(t('report.awards.eligible', lang, eligible=len(ranked), total=len(result.standings)))}</p>"
    ]
    if ranked:
        items = "".join(
            f'<li><span class="score">{"–" if s.score is None else s.score}</span>'
            f"{escape(t('report.awards.entry', lang, title=s.entry.title, library=names.get(s.entry.library_id, s.entry.library_id)))}</li>"
            for s in ranked[:_TOP]
        )
        parts.append(f'<ol class="rank">{items}</ol>')
    else:
        parts.append(f'<p class="muted">{escape(t("awards.none", lang))}</p>')
    parts.append("</div>")
    return "".join(parts)


def _awards(
    run: KpiRun, categories: Sequence[CategoryResult], contests: Sequence[ContestResult], lang: str,
    names: Mapping[str, str], note: str | None,
) -> str:
    cards = "".join(_category_card(c, lang, names) for c in categories)
    note = note or t("report.awards.period", lang, period=_period_label(run.period, lang))
    out = [
        f'<section id="penghargaan"><h2>{escape(t("report.section.awards", lang))}</h2>',
        f'<p class="ytd"><b>{escape(note)}</b></p>',
        f'<div class="cards">{cards}</div>',
    ]
    if contests:
        out.append(f"<h3>{escape(t('report.awards.contests', lang))}</h3>")
        out.append(f'<div class="cards">{"".join(_contest_card(c, names, lang) for c in contests)}</div>')
    out.append("</section>")
    return "".join(out)


def _indicator_item(result: IndicatorResult, lang: str) -> str:
    indicator = result.indicator
    label = _label(indicator).render(lang)
    score = number_text(result.shown_score)
    return (
        f'<li><span class="ih"><span>{escape(label)}</span>'
        f'<span class="iv">{number_text(result.shown_value)} / {number_text(result.shown_target)}</span></span>'
        f"{_svg.score_bar(float(result.shown_score), label=f'{label}: {score}')}"
        f'<span class="is">{score}</span></li>'
    )


def _library_card(result: LibraryResult, lang: str, advice: Advice) -> str:
    library = result.library
    color = result.color
    word = t(f"color.{color.value}", lang)
    meta = [library.kind.value]
    if library.village:
        meta.append(library.village)
    meta.append(Message.plural("report.activities", result.activity_count).render(lang))
    items = "".join(_indicator_item(i, lang) for i in result.indicators)
    advised = advice(result)
    return (
        f'<article class="card lib lib-{color.value}" id="lib-{escape(library.id)}">'
        f'<header><h4>{escape(library.name)}</h4><span class="badge badge-{color.value}">{escape(word)}</span></header>'
        f'<p class="muted">{escape(" · ".join(meta))}</p>'
        f'<div class="composite"><strong>{number_text(result.composite)}</strong>'
        f"{_svg.score_bar(float(result.composite), COLORS[color], label=f'{word} {result.composite}')}</div>"
        f'<ul class="ind">{items}</ul>'
        f'<p class="gap">{escape(advised.render(lang) if advised is not None else "")}</p></article>'
    )


def _weights(rubric: Rubric, lang: str) -> str:
    return ", ".join(
        f"{_label(indicator).render(lang)} {indicator.weight}"
        for indicator in rubric.indicators
    )


def _change(result: LibraryResult, before: LibraryResult | None) -> str:
    """The composite's change since the previous period (``+7.5``, ``−3``, ``0``), or a dash without one."""
    if before is None:
        return "–"
    delta = result.composite - before.composite
    if delta == 0:
        return "0"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{number_text(abs(delta))}"


def _regions(results: Sequence[LibraryResult], lang: str) -> dict[str, list[LibraryResult]]:
    groups: dict[str, list[LibraryResult]] = {}
    provincial = t("report.provincial_level", lang)
    for result in results:
        groups.setdefault(result.library.regency or provincial, []).append(result)
    return groups


def _region_table(
    results: Sequence[LibraryResult], previous: Mapping[str, LibraryResult] | None,
    problem_rows: Mapping[str, int], names: Mapping[str, str], lang: str,
) -> str:
    columns = [
        t("col.library_name", lang), t("col.color", lang), t("col.composite", lang), t("report.col.change", lang),
        t("report.col.activities", lang), t("report.col.problem_rows", lang),
    ]
    head = "".join(
        f'<th class="{"num" if index > 1 else ""}">{escape(c)}</th>' for index, c in enumerate(columns)
    )
    rows = []
    for result in results:
        library = result.library
        word = t(f"color.{result.color.value}", lang)
        before = None if previous is None else previous.get(library.id)
        change = _change(result, before) if previous is not None else "–"
        cells = [
            f'<td class="v name" data-label="{escape(columns[0])}">{escape(names.get(library.id, library.name))}'
            f' <span class="muted">{escape(library.kind.value)}</span></td>',
            f'<td class="k" data-label="{escape(columns[1])}"><span class="badge badge-{result.color.value}">'
            f"{escape(word)}</span></td>",
            f'<td class="k num" data-label="{escape(columns[2])}"><b>{number_text(result.composite)}</b></td>',
            f'<td class="k num" data-label="{escape(columns[3])}">{escape(change)}</td>',
            f'<td class="k num" data-label="{escape(columns[4])}">{result.activity_count}</td>',
            f'<td class="k num" data-label="{escape(columns[5])}">{problem_rows.get(library.id, 0) or "–"}</td>',
        ]
        rows.append(f'<tr class="lib-row" data-library="{escape(library.id)}">{"".join(cells)}</tr>')
    return f'<table class="stack overview"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _summary_view(
    run: KpiRun, before: Mapping[str, LibraryResult] | None, problem_rows: Mapping[str, int],
    names: Mapping[str, str], lang: str,
) -> str:
    """National scale: one row per kabupaten/kota, then the few lowest composites of each."""
    note = t("report.summary.note", lang, libraries=len(run.results), watch=WATCH_PER_REGION)
    columns = [
        t("col.regency", lang), t("col.libraries", lang), *(t(f"color.{c.value}", lang) for c in Color),
        t("col.mean", lang), t("report.col.activities", lang), t("report.col.problem_rows", lang),
    ]
    head = "".join(f'<th class="{"num" if i else ""}">{escape(c)}</th>' for i, c in enumerate(columns))
    regions = _regions(run.results, lang)
    rows = []
    for region, results in regions.items():
        rollup = rollup_of(results)[0]
        values = [
            len(results), *(rollup.colors[c] for c in Color), number_text(rollup.mean),
            sum(r.activity_count for r in results), sum(problem_rows.get(r.library.id, 0) for r in results),
        ]
        cells = "".join(
            f'<td class="k num" data-label="{escape(c)}">{v}</td>' for c, v in zip(columns[1:], values, strict=True)
        )
        rows.append(f'<tr><td class="v name" data-label="{escape(columns[0])}">{escape(region)}</td>{cells}</tr>')
    out = [
        f'<p class="muted">{escape(note)}</p>',
        f'<table class="stack overview summary"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>',
        f"<h3>{escape(t('report.summary.watch', lang, watch=WATCH_PER_REGION))}</h3>",
        '<div class="regions">',
    ]
    for region, results in regions.items():
        lowest = sorted(results, key=lambda r: (r.composite, r.library.id))[:WATCH_PER_REGION]
        out.append(f'<div class="region"><h4>{escape(region)}</h4>')
        out.append(_region_table(lowest, before, problem_rows, names, lang))
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def _libraries(
    run: KpiRun, previous: KpiRun | None, problem_rows: Mapping[str, int], names: Mapping[str, str],
    lang: str, *, cards: bool, advice: Advice, summary: bool = False,
) -> str:
    before = None if previous is None else {r.library.id: r for r in previous.results}
    if previous is None:
        note = t("report.change.none", lang)
    else:
        note = t("report.change.since", lang, period=_period_label(previous.period, lang))
    out = [
        f'<section id="perpustakaan"><h2>{escape(t("report.section.libraries", lang))}</h2>',
        f'<p class="muted">{escape(note)}</p>',
    ]
    if summary:
        out.append(_summary_view(run, before, problem_rows, names, lang))
    else:
        out.append('<div class="regions">')
        for region, results in _regions(run.results, lang).items():
            rollup = rollup_of(results)[0]
            words = ", ".join(
                f"{rollup.colors[c]} {t(f'color.{c.value}', lang)}" for c in Color if rollup.colors[c]
            )
            out.append(f'<div class="region"><h3>{escape(region)}</h3>')
            out.append(f'<p class="muted">{escape(_rollup_note(rollup, lang))} · {escape(words)}</p>')
            out.append(_region_table(results, before, problem_rows, names, lang))
            out.append("</div>")
        out.append("</div>")
    if cards:
        out.append(f"<h3>{escape(t('report.cards', lang))}</h3>")
        out.append(f'<p class="muted">{escape(t("report.libraries.note", lang, weights=_weights(run.rubric, lang)))}</p>')
        out.append(f'<div class="cards">{"".join(_library_card(r, lang, advice) for r in run.results)}</div>')
    out.append("</section>")
    return "".join(out)


def _silent(
    silent: Sequence[LibraryResult], problem_rows: Mapping[str, int], names: Mapping[str, str], run: KpiRun,
    lang: str,
) -> str:
    period = _period_label(run.period, lang)
    out = [f'<section id="belum-lapor"><h2>{escape(t("report.section.not_reported", lang))}</h2>']
    if not silent:
        out.append(f"<p>{escape(t('report.not_reported.none', lang, period=period))}</p></section>")
        return "".join(out)
    head = Message.plural("report.not_reported.summary", len(silent), total=len(run.results), period=period)
    out.append(f"<p>{escape(head.render(lang))}</p>")
    for region, results in _regions(silent, lang).items():
        items = []
        for result in results:
            library = result.library
            text = escape(names.get(library.id, library.name))
            rejected = problem_rows.get(library.id, 0)
            if rejected:
                hint = Message.plural("report.not_reported.rows", rejected).render(lang)
                text += f' <span class="muted">({escape(hint)})</span>'
            items.append(f"<li>{text}</li>")
        out.append(f'<h3>{escape(region)}</h3><ul class="silent">{"".join(items)}</ul>')
    out.append("</section>")
    return "".join(out)


#: Short plain names of the problem kinds, for the chart: what the respondent did, never the code.
_KINDS = {
    "library.unknown": "report.problem_kind.library_unknown",
    "library.ambiguous": "report.problem_kind.library_ambiguous",
    "date.invalid": "report.problem_kind.date_invalid",
    "date.future": "report.problem_kind.date_future",
    "date.before_program": "report.problem_kind.date_before_program",
    "timestamp.invalid": "report.problem_kind.timestamp_invalid",
    "kind.unknown": "report.problem_kind.kind_unknown",
    "title.missing": "report.problem_kind.title_missing",
    "participants.invalid": "report.problem_kind.participants_invalid",
    "publication.missing": "report.problem_kind.publication_missing",
    "url.invalid": "report.problem_kind.url_invalid",
    "activity.duplicate": "report.problem_kind.activity_duplicate",
    "activity.possible_duplicate": "report.problem_kind.activity_duplicate",
    "submission.excluded": "report.problem_kind.submission_excluded",
    "contest.unknown": "report.problem_kind.contest_unknown",
    "contest.score_invalid": "report.problem_kind.contest_score_invalid",
    "contest.timestamp_invalid": "report.problem_kind.contest_timestamp_invalid",
    "contest.library_unknown": "report.problem_kind.contest_library_unknown",
    "contest.url_missing": "report.problem_kind.contest_url_missing",
}


def problem_kind(problem: Problem, lang: str) -> str:
    """A short plain name for what is wrong with a row (``Tanggal tidak terbaca``), never its code."""
    return t(_KINDS.get(problem.code, "report.problem_kind.other"), lang)


def problem_counts(
    problems: Sequence[Problem], owners: Mapping[tuple[str | None, str, int], str]
) -> dict[str, int]:
    """Rows with problems per library id (a row with several problems counts once)."""
    rows: dict[str, set[tuple[str | None, str, int]]] = {}
    for problem in problems:
        owner = owners.get(problem.where)
        if owner is not None:
            rows.setdefault(owner, set()).add(problem.where)
    return {owner: len(found) for owner, found in rows.items()}


#: How many problem rows the report lists per library (the rest: Masalah Data tab, JSON, CSV).
PROBLEMS_PER_LIBRARY = 20


def problem_table(problems: Sequence[Problem], lang: str) -> str:
    """One table row per problem: where (tab, row, column), what to fix (in words), and the cell's text;
    and, after where, the submission id when any problem's row has one."""
    columns = [t("report.col.where", lang), t("col.column", lang), t("report.col.fix", lang), t("col.value", lang)]
    with_ids = any(p.response_id for p in problems)  # an export's or a form's rows: name the submission too
    if with_ids:
        columns.insert(1, t("col.submission_id", lang))
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    rows = []
    for problem in sorted(problems, key=lambda p: (p.tab, p.row, p.column)):
        where = t("report.problem.where", lang, tab=problem.tab, row=problem.row) if problem.tab else str(problem.row)
        cells = [where, problem.column, problem.message.render(lang), problem.value]
        kinds = ["k", "k", "m", "v"]
        if with_ids:
            cells.insert(1, problem.response_id or "")
            kinds.insert(1, "k")
        tds = "".join(
            f'<td data-label="{escape(label)}" class="cell-wrap {kind}">{escape(cell)}</td>'
            for kind, label, cell in zip(kinds, columns, cells, strict=True)
        )
        css = "err" if problem.severity is Severity.ERROR else "warn"
        rows.append(f'<tr class="{css}">{tds}</tr>')
    return f'<table class="stack problems"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _problems(
    problems: Sequence[Problem], owners: Mapping[tuple[str | None, str, int], str], run: KpiRun,
    names: Mapping[str, str], lang: str, *, summary: bool = False,
) -> str:
    out = [f'<section id="masalah"><h2>{escape(t("report.section.problems", lang))}</h2>']
    if not problems:
        out.append(f"<p>{escape(t('report.problems.none', lang))}</p></section>")
        return "".join(out)
    errors, warnings = severity_counts(tuple(problems))
    out.append(f"<p>{escape(Message.plural('report.problems.summary', errors, warnings=warnings).render(lang))}</p>")
    by_kind = Counter((problem_kind(p, lang), p.severity) for p in problems)
    ordered = sorted(by_kind.items(), key=lambda item: (-item[1], item[0][0]))
    bars = [
        (f"{kind} ({t(f'severity.{severity.value}', lang)})", count, severity.value)
        for (kind, severity), count in ordered
    ]
    out.append(f"<h3>{escape(t('report.problems.by_kind', lang))}</h3>")
    out.append(_figure(_svg.hbars(bars, title=t("report.chart.problems", lang)), t("report.chart.problems", lang)))
    out.append(f"<h3>{escape(t('report.problems.rows', lang))}</h3>")
    grouped: dict[str | None, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(owners.get(problem.where), []).append(problem)
    regency = {r.library.id: r.library.regency for r in run.results}
    order = {r.library.id: index for index, r in enumerate(run.results)}
    listed = sorted(grouped, key=lambda o: (o is None, order.get(o or "", len(order)), o or ""))
    per_library = PROBLEMS_PER_LIBRARY
    if summary and len(listed) > PROBLEM_OWNERS:  # the libraries with the most problem rows, in registry order
        most = sorted(listed, key=lambda o: (o is None, -len(grouped[o]), order.get(o or "", len(order))))
        chosen = set(most[:PROBLEM_OWNERS])
        note = t("report.summary.problems", lang, shown=PROBLEM_OWNERS, more=len(listed) - PROBLEM_OWNERS)
        out.append(f'<p class="muted">{escape(note)}</p>')
        listed = [o for o in listed if o in chosen]
        per_library = PROBLEMS_PER_LIBRARY_SUMMARY
    for owner in listed:
        found = grouped[owner]
        if owner is None:
            title = t("report.problems.unattributed", lang)
        else:
            where = regency.get(owner)
            title = names.get(owner, owner) + (f" — {where}" if where else "")
        count = Message.plural("report.problems.count", len(found)).render(lang)
        out.append(f'<div class="owner"><h4>{escape(title)} <span class="muted">· {escape(count)}</span></h4>')
        # the top problems per library (errors first, then by row); the full list stays in the
        # Masalah Data tab, the JSON and `tpbis score --problems`, so a report of a national
        # year (hundreds of thousands of problems) stays a readable, printable size
        top = sorted(found, key=lambda p: (p.severity is not Severity.ERROR, p.tab, p.row))[:per_library]
        out.append(problem_table(top, lang))
        if len(found) > len(top):
            more = Message.plural("report.problems.more", len(found) - len(top))
            out.append(f'<p class="muted">{escape(more.render(lang))}</p>')
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def page(
    *,
    run: KpiRun,
    trend: Sequence[KpiRun],
    categories: Sequence[CategoryResult],
    contests: Sequence[ContestResult],
    problems: Sequence[Problem],
    summary: str,
    version: str,
    lang: str,
    previous: KpiRun | None = None,
    owners: Mapping[tuple[str | None, str, int], str] | None = None,
    names: Mapping[str, str] | None = None,
    silent: Sequence[LibraryResult] = (),
    regency: str | None = None,
    awards_note: str | None = None,
    cards: bool = False,
    advice: Advice | None = None,
) -> str:
    """The whole HTML document."""
    owners = owners or {}
    names = names if names is not None else {r.library.id: r.library.name for r in run.results}
    rows = problem_counts(problems, owners)
    national = not regency and len(run.results) > SUMMARY_FROM  # the summary view
    legend, bands = _legend(run.rubric, lang)
    title = t("report.title", lang, period=_period_label(run.period, lang))
    if regency:
        title = f"{title} · {regency}"
    footer = t(
        "report.footer", lang, version=version, rubric=run.rubric.stamp, start=run.period.start.isoformat(),
        end=run.period.end.isoformat(),
    )
    body = "".join([
        _header(run, lang, summary, title),
        _toc(lang),
        '<div class="grid2">',
        _overview(run, lang, legend),
        _distribution(run, lang, legend, bands),
        "</div>",
        _trend(trend, lang, legend, bands),
        _libraries(run, previous, rows, names, lang, cards=cards, advice=advice or _gap_message,
                   summary=national),
        _silent(silent, rows, names, run, lang),
        _awards(run, categories, contests, lang, names, awards_note),
        _problems(problems, owners, run, names, lang, summary=national),
    ])
    return (
        f'<!DOCTYPE html>\n<html lang="{language(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="tpbis {escape(version)}">\n'
        f"<title>{escape(title)}</title>\n<style>{_css()}</style>\n</head>\n<body>\n"
        f'<div class="wrap">{body}<footer>{escape(footer)}</footer></div>\n</body>\n</html>\n'
    )
