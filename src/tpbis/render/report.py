"""A self-contained HTML report for one period: colours per region, score distribution,
monthly trend, a compact table per kabupaten/kota, the libraries that have not reported,
award shortlists over the programme year to date and the data problems to fix, per library.

The page needs no network to view: CSS is inline and charts are inline SVG
drawn here in Python. It reads well on a phone (the charts scale with their
``viewBox``) and prints in a few A4 pages (``@media print``).

>>> import tpbis
>>> from tpbis.report import build_report_data, render_report
>>> inputs = tpbis.load_inputs("examples/kepri-2024.xlsx")  # doctest: +SKIP
>>> data = build_report_data(inputs, tpbis.default_rubric(), tpbis.Period.parse("2024-09"))  # doctest: +SKIP
>>> html = render_report(data, lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import pendulum

from tpbis.domain.activity import Activity
from tpbis.domain.awards import CategoryResult, ContestResult
from tpbis.domain.kpi import KpiRun, LibraryResult, gap_advice
from tpbis.domain.period import Period, month_name
from tpbis.domain.problems import Problem
from tpbis.domain.text import normalize_label as normalize_text
from tpbis.errors import ConfigError
from tpbis.message import Message
from tpbis.render.html import Advice, page

if TYPE_CHECKING:  # the data type only: the report is built above the service (tpbis.report)
    from tpbis.service import AwardsReport

__all__ = [
    "Advice",
    "ReportData",
    "awards_period",
    "default_advice",
    "display_names",
    "filter_report",
    "not_reported",
    "previous_period",
    "regencies",
    "render_report",
    "trend_periods",
]

#: Activities before this day are outside the programme (SPEC §3.1 ``date.before_program``).
_PROGRAMME_START = pendulum.Date(2018, 1, 1)


def default_advice(result: LibraryResult) -> Message | None:
    """How ``result``'s library reaches the next colour (:func:`tpbis.domain.kpi.gap_advice`)."""
    return gap_advice(result.gap)


@attrs.frozen(kw_only=True)
class ReportData:
    """What the report shows: the period's KPI, the year's trend, awards to date and who has problems."""

    #: the KPI of the report's period
    run: KpiRun
    #: one run per calendar month from January of the period's last year up to its end
    trend: tuple[KpiRun, ...]
    #: awards over the programme year to date (:func:`awards_period`), with every data problem
    awards: AwardsReport
    #: the KPI of the previous period of the same length, None when the data does not reach back to it
    previous: KpiRun | None = None
    #: :attr:`Problem.where` of a problem → the id of the registered library the row names
    owners: Mapping[tuple[str | None, str, int], str] = attrs.field(factory=dict)
    #: the kabupaten/kota the report is limited to (:func:`filter_report`), None for all
    regency: str | None = None
    #: the accepted activities of the one parse (the plans to the next colour count them)
    activities: Sequence[Activity] = ()

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every data problem of the responses and the contest entries."""
        return self.awards.problems

    def owner(self, problem: Problem) -> str | None:
        """The id of the library whose row has ``problem``, when the row names a registered one."""
        return self.owners.get(problem.where)


def trend_periods(period: Period) -> list[Period]:
    """The months from 1 January of ``period``'s end year up to its end (the last one may be partial)."""
    start = pendulum.Date(period.end.year, 1, 1)
    return Period.range(start, period.end).months()


def awards_period(period: Period) -> Period:
    """The programme year to date at ``period``'s end: 1 January of its year up to its end.

    Awards are judged over this, even in a monthly report: a library eligible over the
    year is not ineligible because one month was quiet.
    """
    start = pendulum.Date(period.end.year, 1, 1)
    if period.start == start:
        return period
    return Period.range(start, period.end)


def _month_end(day: pendulum.Date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def previous_period(period: Period) -> Period | None:
    """The period of the same length just before ``period`` (None before the programme began).

    Whole calendar months shift by their number of months (September → August,
    Q3 → Q2, a year → the year before); any other range shifts by its number of days.
    """
    start, end = period.start, period.end
    if start.day == 1 and _month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start.subtract(months=months)
        last = start.subtract(days=1)
        if first < _PROGRAMME_START:
            return None
        if months == 1:
            return Period.month(first.year, first.month)
        if months == 3 and first.month % 3 == 1:
            return Period.quarter(first.year, first.month // 3 + 1)
        if months == 6 and first.month in (1, 7):
            return Period.semester(first.year, 1 if first.month == 1 else 2)
        if months == 12 and first.month == 1:
            return Period.year(first.year)
        return Period.range(first, last)
    days = (end - start).days + 1
    first = start.subtract(days=days)
    if first < _PROGRAMME_START:
        return None
    return Period.range(first, start.subtract(days=1))


def regencies(results: Iterable[LibraryResult]) -> list[str]:
    """The kabupaten/kota names of ``results``, in first-seen order."""
    return list(dict.fromkeys(r.library.regency for r in results if r.library.regency))


def _regency_key(name: str) -> str:
    return normalize_text(name)


def _keep_run(run: KpiRun, keep: Collection[str]) -> KpiRun:
    return attrs.evolve(run, results=tuple(r for r in run.results if r.library.id in keep))


def _keep_category(result: CategoryResult, keep: Collection[str]) -> CategoryResult:
    return attrs.evolve(result, entries=tuple(e for e in result.entries if e.library.id in keep))


def _keep_contest(result: ContestResult, keep: Collection[str]) -> ContestResult:
    return attrs.evolve(result, standings=tuple(s for s in result.standings if s.entry.library_id in keep))


def filter_report(data: ReportData, regency: str) -> ReportData:
    """The report limited to the libraries of one kabupaten/kota (matched ignoring case and spacing).

    Award ranks stay the province's: a regency sees where its libraries stand among all.

    Raises:
        ConfigError: no registered library is in ``regency`` (the message lists those that are).
    """
    wanted = _regency_key(regency)
    keep = {r.library.id for r in data.run.results if r.library.regency and _regency_key(r.library.regency) == wanted}
    if not keep:
        choices = ", ".join(regencies(data.run.results)) or "-"
        raise ConfigError.from_catalogue("report.unknown_regency", regency=regency, choices=choices)
    name = next(r.library.regency for r in data.run.results if r.library.id in keep)
    awards = data.awards
    kept_awards = attrs.evolve(
        awards,
        run=_keep_run(awards.run, keep),
        categories=tuple(_keep_category(c, keep) for c in awards.categories),
        contests=tuple(_keep_contest(c, keep) for c in awards.contests),
        problems=tuple(p for p in awards.problems if data.owner(p) in keep),
    )
    return attrs.evolve(
        data,
        run=_keep_run(data.run, keep),
        trend=tuple(_keep_run(r, keep) for r in data.trend),
        awards=kept_awards,
        previous=None if data.previous is None else _keep_run(data.previous, keep),
        regency=name,
    )


def not_reported(data: ReportData) -> list[LibraryResult]:
    """Registered libraries with no accepted activity in the report's period, in registry order."""
    return [r for r in data.run.results if r.activity_count == 0]


def display_names(results: Iterable[LibraryResult]) -> dict[str, str]:
    """Each library's name as shown: where two libraries share a name, their regency and id are added."""
    listed = list(results)
    seen: dict[str, int] = {}
    for result in listed:
        key = normalize_text(result.library.name)
        seen[key] = seen.get(key, 0) + 1
    names: dict[str, str] = {}
    for result in listed:
        library = result.library
        if seen[normalize_text(library.name)] > 1:
            where = ", ".join(x for x in (library.regency, library.id) if x)
            names[library.id] = f"{library.name} ({where})"
        else:
            names[library.id] = library.name
    return names


def render_report(
    data: ReportData, *, lang: str = "id", cards: bool = False, advice: Advice = default_advice
) -> str:
    """The report as one HTML document (a string), in Indonesian or English (``lang="en"``).

    Args:
        data: what :func:`build_report_data` (and maybe :func:`filter_report`) gave.
        lang: ``id`` or ``en``.
        cards: also show a card per library with every indicator (the default is a compact table).
        advice: what each library should do next, shown on its card.
    """
    from tpbis._version import __version__  # late: package metadata is slow to load

    counts = data.awards.counts
    summary = Message.plural(
        "cli.summary", counts.rows, accepted=counts.accepted, rejected=counts.rejected,
        duplicates=counts.duplicates, blank=counts.blank,
    ).render(lang)
    year = data.awards.run.period
    awards_note = Message(
        "report.awards.ytd", year=year.end.year,
        end=Message("period.day_month", day=year.end.day, month=month_name(year.end.month)),
    )
    return page(
        run=data.run,
        trend=data.trend,
        previous=data.previous,
        categories=data.awards.categories,
        contests=data.awards.contests,
        problems=data.problems,
        owners=data.owners,
        names=display_names(data.run.results),
        silent=not_reported(data),
        regency=data.regency,
        awards_note=awards_note.render(lang),
        summary=summary,
        version=__version__,
        lang=lang,
        cards=cards,
        advice=advice,
    )
