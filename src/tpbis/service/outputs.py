"""The output tabs of a sync (DESIGN "Outputs"), rendered from KPI runs and awards."""

from __future__ import annotations

from collections.abc import Sequence

from tpbis.domain.kpi import KpiRun
from tpbis.domain.problems import Problem
from tpbis.domain.rubric import Color
from tpbis.history import Change, Changes
from tpbis.i18n import t
from tpbis.message import Message
from tpbis.ports import OutputTab, OutValue
from tpbis.render import awards_rows, kpi_rows, number
from tpbis.render.rows import joined
from tpbis.service.score import AwardsReport
from tpbis.service.state import SyncState, state_cells

__all__ = [
    "STATE_TAB",
    "awards_tab",
    "output_names",
    "problems_tab",
    "regions_tab",
    "scores_tab",
    "state_tab",
]

#: The hidden tab holding sync state and the lock (machine-readable, not translated).
STATE_TAB = "_tpbis"


def output_names(lang: str) -> tuple[str, str, str, str]:
    """The visible output tabs' names in ``lang``: scores, regions, awards, problems."""
    return (
        t("tab.scores", lang), t("tab.regions", lang), t("tab.awards", lang), t("tab.problems", lang),
    )


def _cell(value: object) -> OutValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def scores_tab(runs: Sequence[KpiRun], lang: str, changes: Sequence[Changes] | None = None) -> OutputTab:
    """``Skor KPI``: one row per library × period, the colour cell coloured.

    With ``changes`` (one per run, see :func:`tpbis.history.changes`), four more columns: the
    move and the composite difference against the previous period, then against a year earlier.
    """
    header: list[str] = []
    rows: list[tuple[OutValue, ...]] = []
    fills: list[tuple[int, int, Color]] = []
    for index, run in enumerate(runs):
        header, body = kpi_rows(run, lang)
        color_column = len(header) - 2
        found = changes[index] if changes is not None else None
        for result, cells in zip(run.results, body, strict=True):
            fills.append((len(rows), color_column, result.color))
            extra = _change_cells(found.get(result.library.id), lang) if found is not None else ()
            rows.append((*(_cell(c) for c in cells), run.rubric.stamp, *extra))  # which rubric scored the row
    change_header = (
        t("col.change_previous", lang), t("col.delta_previous", lang),
        t("col.change_year", lang), t("col.delta_year", lang),
    ) if changes is not None else ()
    return OutputTab(name=t("tab.scores", lang), header=(*header, t("col.rubric", lang), *change_header),
                     rows=tuple(rows), fills=tuple(fills))


def _change_cells(change: Change | None, lang: str) -> tuple[OutValue, ...]:
    """Move and composite difference against the previous period and a year earlier (blank: nothing then)."""
    out: list[OutValue] = []
    for comparison in (change.previous, change.year_earlier) if change is not None else (None, None):
        if comparison is None:
            out += ["", ""]
        else:
            out += [comparison.transition.message.render(lang), number(comparison.delta_composite)]
    return tuple(out)


def regions_tab(runs: Sequence[KpiRun], lang: str) -> OutputTab:
    """``Rekap Wilayah``: per period, per kabupaten/kota then per province."""
    header = (
        t("col.period", lang), t("col.province", lang), t("col.regency", lang), t("col.libraries", lang),
        t("color.hijau", lang), t("color.kuning", lang), t("color.merah", lang), t("col.mean", lang),
    )
    rows: list[tuple[OutValue, ...]] = []
    fills: list[tuple[int, int, Color]] = []
    for run in runs:
        label = run.period.title.render(lang)
        for region in run.rollups():
            for column, color in ((4, Color.HIJAU), (5, Color.KUNING), (6, Color.MERAH)):
                if region.colors.get(color):
                    fills.append((len(rows), column, color))
            rows.append((
                label, region.province, region.regency or t("word.all_regencies", lang), region.libraries,
                region.colors.get(Color.HIJAU, 0), region.colors.get(Color.KUNING, 0),
                region.colors.get(Color.MERAH, 0), number(region.mean),
            ))
    return OutputTab(name=t("tab.regions", lang), header=header, rows=tuple(rows), fills=tuple(fills))


def awards_tab(awards: AwardsReport | None, lang: str) -> OutputTab:
    """``Penghargaan``: categories × level × library, then jury-contest standings."""
    name = t("tab.awards", lang)
    if awards is None:
        return OutputTab(name=name, header=(t("col.award", lang),), rows=())
    header, body = awards_rows(awards.categories, lang)
    rows = [tuple(_cell(c) for c in r) for r in body]
    label = awards.run.period.title.render(lang)
    header = [t("col.period", lang), *header]
    rows = [(label, *r) for r in rows]
    for contest in awards.contests:
        contest_label = Message.literal(contest.contest.label, contest.contest.label_en).render(lang)
        for standing in contest.standings:
            reasons = joined(standing.reasons, lang)
            rows.append((
                label, contest_label, "", standing.rank if standing.rank is not None else "",
                standing.entry.library_id, standing.entry.title, float(standing.score) if standing.score is not None else "",
                t("word.yes" if standing.eligible else "word.no", lang), reasons,
            ))
    return OutputTab(name=t("tab.awards", lang), header=tuple(header), rows=tuple(rows))


def problems_tab(problems: Sequence[Problem], lang: str) -> OutputTab:
    """``Masalah Data``: one row per problem, so the team can fix the data at the source.

    Next to the row number is the row's submission id (an export's instance id, a Forms response id; blank
    for a sheet row), so a problem can be found in KoBoToolbox, ODK Central or the form's responses.
    """
    header: tuple[str, ...] = (
        t("col.tab", lang), t("col.row", lang), t("col.submission_id", lang), t("col.column", lang),
        t("col.code", lang), t("col.severity", lang), t("col.message", lang), t("col.value", lang),
    )
    rows: tuple[tuple[OutValue, ...], ...] = tuple(
        (p.tab, p.row, p.response_id or "", p.column, p.code, t(f"severity.{p.severity.value}", lang),
         p.message.render(lang), p.value)
        for p in problems
    )
    if any(p.source is not None for p in problems):  # a run over several sources: the source comes first
        header = (t("col.source", lang), *header)
        rows = tuple((p.source or "", *row) for p, row in zip(problems, rows, strict=True))
    return OutputTab(name=t("tab.problems", lang), header=header, rows=rows)


def state_tab(state: SyncState) -> OutputTab:
    """The hidden ``_tpbis`` tab: one ``key | value`` row per field of the state, in order."""
    return OutputTab(name=STATE_TAB, header=("key", "value"), rows=state_cells(state), hidden=True)
