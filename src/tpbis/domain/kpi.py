"""The KPI engine (SPEC §5): exact indicator values, scores, composite and colour.

Every registered library gets a result, including those that reported
nothing; every result explains itself (value, target and score per indicator,
the rows counted, and what the library lacks for the next colour).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from typing import Literal, Protocol, overload, runtime_checkable

import attrs

from tpbis.domain.activity import Activity, ActivityKind
from tpbis.domain.library import Library, Registry
from tpbis.domain.numbers import round_half_up
from tpbis.domain.period import Period
from tpbis.domain.rubric import Color, ColorBand, Indicator, Measure, Rubric
from tpbis.domain.text import english_singular, url_identity
from tpbis.message import Message

__all__ = [
    "Gap",
    "GapOption",
    "GapTerm",
    "IndicatorResult",
    "KindTally",
    "KpiRun",
    "LibraryResult",
    "Rollup",
    "SelfTallying",
    "gap_advice",
    "gap_terms",
    "gap_terms_advice",
    "rollup",
    "score",
    "tally",
]

_HUNDRED = Fraction(100)


@attrs.define
class KindTally:
    """What one library did of one activity kind in a period."""

    count: int = 0
    participants: int = 0
    female: int = 0
    rows: list[int] = attrs.Factory(list)
    #: reporting delay in days (local date of reported_at − activity date) → activities
    delays: dict[int, int] = attrs.Factory(dict)
    #: normalised publication URL identities
    urls: set[str] = attrs.Factory(set)
    #: rows that carried at least one publication URL
    url_rows: list[int] = attrs.Factory(list)


@runtime_checkable
class SelfTallying(Protocol):
    """Activities that group themselves by library and kind faster than one by one.

    The row parser's result is one (it keeps compact columns); :func:`tally`
    asks it instead of reading every :class:`Activity`.
    """

    def tally(self, period: Period) -> dict[str, dict[ActivityKind, KindTally]]:
        """The same as :func:`tally` over these activities."""
        ...


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector.

    Scoring a large file makes hundreds of thousands of short-lived objects and
    no reference cycles; the collector would only re-scan what is alive (it
    doubles the time at a million rows). Reference counting still frees everything.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def tally(
    activities: Iterable[Activity], period: Period
) -> dict[str, dict[ActivityKind, KindTally]]:
    """Group the activities inside ``period`` by library and kind, in one pass.

    Activities that can tally themselves (:class:`SelfTallying`, as the row
    parser's compact columns do) are asked to, without building an
    :class:`Activity` each.
    """
    if isinstance(activities, SelfTallying):
        with collector_paused():
            return activities.tally(period)
    start, end = period.start, period.end
    tallies: dict[str, dict[ActivityKind, KindTally]] = defaultdict(dict)
    for activity in activities:
        day = activity.date
        if day < start or day > end:
            continue
        by_kind = tallies[activity.library_id]
        t = by_kind.get(activity.kind)
        if t is None:
            t = by_kind[activity.kind] = KindTally()
        t.count += 1
        t.participants += activity.participants_male + activity.participants_female
        t.female += activity.participants_female
        t.rows.append(activity.source.row)
        delay = activity.reported_on.toordinal() - day.toordinal()
        t.delays[delay] = t.delays.get(delay, 0) + 1
        if activity.publication_urls:
            t.urls.update(url_identity(url) for url in activity.publication_urls)
            t.url_rows.append(activity.source.row)
    return tallies


@attrs.frozen(kw_only=True)
class IndicatorResult:
    """One indicator of one library: exact value, target and score."""

    indicator: Indicator
    #: None when undefined (a share with nothing to divide by)
    value: Fraction | None
    target: Fraction
    score: Fraction
    rows: tuple[int, ...]

    @property
    def id(self) -> str:
        """The indicator id."""
        return self.indicator.id

    @property
    def shown_value(self) -> int | Decimal | None:
        """Counts as integers, percentages rounded half up to one decimal."""
        if self.value is None:
            return None
        if self.indicator.measure.is_percentage:
            return round_half_up(self.value)
        return int(self.value)

    @property
    def shown_target(self) -> Decimal:
        """The target rounded half up to one decimal."""
        return round_half_up(self.target)

    @property
    def shown_score(self) -> Decimal:
        """The score rounded half up to one decimal."""
        return round_half_up(self.score)


@attrs.frozen(kw_only=True)
class GapOption:
    """What one indicator alone would take to close a library's gap."""

    indicator: Indicator
    #: how much more of the indicator's value is needed; None when it cannot close the gap alone
    extra: Fraction | None
    #: the most composite points this indicator can still add
    max_points: Fraction
    #: ``extra`` as a share of the indicator's period target: how options are compared
    effort: Fraction | None


@attrs.frozen(kw_only=True)
class Gap:
    """How far a library is from the next colour, and the cheapest ways there."""

    next_color: Color
    #: points short, on the rounded composite (e.g. 80.0 − 72.5 = 7.5)
    points: Decimal
    #: options that close the gap alone, cheapest first, then the others by points they add
    options: tuple[GapOption, ...]


@attrs.frozen(kw_only=True)
class LibraryResult:
    """The KPI of one library for one period."""

    library: Library
    period: Period
    indicators: tuple[IndicatorResult, ...]
    #: Σ weight × score ÷ Σ weight, unrounded
    composite_exact: Fraction
    composite: Decimal
    color: Color
    #: accepted activities of any kind in the period
    activity_count: int
    #: the rubric scored with (for :attr:`gap`); not part of equality
    _rubric: Rubric = attrs.field(alias="rubric", eq=False, repr=False)

    @functools.cached_property
    def gap(self) -> Gap | None:
        """How far from the next colour, and the cheapest ways there (None when hijau).

        Computed on first use: most runs never ask, and it is the costliest part of a result.
        """
        return _gap(self._rubric, self.color, self.composite_exact, self.composite, self.indicators)

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of one indicator."""
        for result in self.indicators:
            if result.id == indicator_id:
                return result
        raise KeyError(indicator_id)


@attrs.frozen(kw_only=True)
class Rollup:
    """Colours and mean composite over the libraries of one region."""

    province: str
    #: the kabupaten/kota, or None for the whole province
    regency: str | None
    libraries: int
    colors: Mapping[Color, int]
    #: mean of the rounded composites, rounded half up to one decimal; None with no libraries
    mean: Decimal | None


@attrs.frozen(kw_only=True)
class KpiRun:
    """The KPI of every registered library for one period under one rubric."""

    rubric: Rubric
    period: Period
    results: tuple[LibraryResult, ...]

    def result(self, library_id: str) -> LibraryResult:
        """The result of one library."""
        for result in self.results:
            if result.library.id == library_id:
                return result
        raise KeyError(library_id)

    def rollups(self) -> tuple[Rollup, ...]:
        """Roll-ups per kabupaten/kota, then per province."""
        return rollup(self.results)


_NOTHING = Fraction(0)

#: One option of a gap as plain values: (indicator, extra, numerator, denominator of max_points).
GapTerm = tuple[Indicator, Fraction | None, int, int]


def gap_terms(result: LibraryResult) -> tuple[Color, Decimal, list[GapTerm]] | None:
    """:attr:`LibraryResult.gap` as plain values, without building a :class:`GapOption` each.

    The next colour, the points short and the options in the gap's order, each as
    ``(indicator, extra, n, d)`` with ``max_points = n / d`` (not reduced). For
    writers of many results (the JSON document); ``gap`` is built from the same terms.
    """
    found = _gap_terms(result._rubric, result.color, result.composite_exact, result.indicators)
    if found is None:
        return None
    band, terms = found
    shown_minimum = _rubric_facts(result._rubric)[0][result.color][1]  # type: ignore[index]  # not None: a band above
    return band.color, shown_minimum - result.composite, terms


#: id(rubric) → (rubric, colour → (its next band, that band's rounded minimum), total weight); a rubric is frozen
_FACTS: dict[int, tuple[Rubric, dict[Color, tuple[ColorBand, Decimal] | None], int]] = {}


def _rubric_facts(rubric: Rubric) -> tuple[dict[Color, tuple[ColorBand, Decimal] | None], int]:
    """What every gap reads of ``rubric``, worked out once per rubric (the entry keeps the rubric, so its id
    is not reused meanwhile)."""
    found = _FACTS.get(id(rubric))
    if found is None:
        if len(_FACTS) >= 64:
            _FACTS.clear()
        bands: dict[Color, tuple[ColorBand, Decimal] | None] = {}
        for band in rubric.bands:
            above = rubric.next_band(band.color)
            bands[band.color] = None if above is None else (above, round_half_up(above.minimum))
        found = _FACTS[id(rubric)] = (rubric, bands, rubric.total_weight)
    return found[1], found[2]


def _gap_terms(
    rubric: Rubric, color: Color, composite_exact: Fraction, results: Sequence[IndicatorResult],
) -> tuple[ColorBand, list[GapTerm]] | None:
    """The next band, and the options to it: those that close the gap alone, cheapest first (by the extra
    as a share of the target), then the others by the points they add, most first (indicator id on ties)."""
    bands, total_weight = _rubric_facts(rubric)
    above = bands[color]
    if above is None:
        return None
    band = above[0]
    # the exact composite points to gain, needed = minimum − 1/20 − composite = gained ÷ below, in integers
    minimum = band.minimum
    below = 20 * minimum.denominator * composite_exact.denominator
    gained = ((20 * minimum.numerator - minimum.denominator) * composite_exact.denominator
              - 20 * minimum.denominator * composite_exact.numerator)
    closing: list[tuple[Fraction, str, GapTerm]] = []
    others: list[tuple[int, int, Indicator]] = []
    for result in results:
        score = result.score
        indicator = result.indicator
        # max_points = weight × (100 − score) ÷ total_weight = top ÷ (score's denominator × total_weight)
        top = indicator.weight * (100 * score.denominator - score.numerator)
        if top <= 0:  # the indicator is full: it adds nothing, so it is no option
            continue
        if top * below < gained * score.denominator * total_weight:  # max_points < needed: not alone
            others.append((top, score.denominator, indicator))
            continue
        # the score needed, score + needed × total_weight ÷ weight, and the value it takes, score_needed ×
        # target ÷ 100 = over ÷ under (integers, not reduced); current: the value now (none counts as 0)
        target = result.target
        weight = indicator.weight
        over = (score.numerator * below * weight + gained * total_weight * score.denominator) * target.numerator
        under = score.denominator * below * weight * target.denominator * 100
        current = result.value or _NOTHING
        if indicator.measure.is_percentage:  # percentages move in shown tenths: ⌈(needed − current) × 10⌉ ÷ 10
            tenths = -(-10 * (over * current.denominator - current.numerator * under) // (under * current.denominator))
            extra = Fraction(tenths, 10)
        else:  # ⌈value needed⌉ − the whole value now, at least one
            numerator, denominator = current.numerator, current.denominator
            whole = numerator // denominator if numerator >= 0 else -(-numerator // denominator)  # int(current)
            extra = Fraction(max(-(-over // under) - whole, 1))
        term = (indicator, extra, top, score.denominator * total_weight)
        effort = Fraction(extra.numerator * target.denominator, extra.denominator * target.numerator)
        closing.append((effort, indicator.id, term))
    closing.sort(key=lambda c: (c[0], c[1]))
    if len(others) > 1:  # compared exactly over a common denominator of the scores
        common = math.lcm(*(denominator for _, denominator, _ in others))
        others.sort(key=lambda o: (-o[0] * (common // o[1]), o[2].id))
    return band, [
        *(term for _, _, term in closing),
        *((indicator, None, top, denominator * total_weight) for top, denominator, indicator in others),
    ]


def _gap(
    rubric: Rubric, color: Color, composite_exact: Fraction, composite: Decimal,
    results: Sequence[IndicatorResult],
) -> Gap | None:
    found = _gap_terms(rubric, color, composite_exact, results)
    if found is None:
        return None
    band, terms = found
    targets = {id(r.indicator): r.target for r in results} if terms and terms[0][1] is not None else {}
    return Gap(
        next_color=band.color,
        points=round_half_up(band.minimum) - composite,
        options=tuple(
            GapOption(
                indicator=indicator, extra=extra, max_points=Fraction(top, bottom),
                effort=None if extra is None else extra / targets[id(indicator)],
            )
            for indicator, extra, top, bottom in terms
        ),
    )


def gap_advice(gap: Gap | None, options: int = 2) -> Message:
    """Plain words for how a library reaches the next colour: the points short, then up to ``options`` ways.

    >>> gap_advice(None).render("en")
    'Already green.'
    """
    if gap is None:
        return Message("gap.top", color=Message(f"color.{Color.HIJAU.value}"))
    return _advice(gap.next_color, gap.points, [(o.indicator, o.extra) for o in gap.options[:options]])


def gap_terms_advice(terms: tuple[Color, Decimal, Sequence[GapTerm]] | None, options: int = 2) -> Message:
    """:func:`gap_advice` of the gap whose :func:`gap_terms` are ``terms``."""
    if terms is None:
        return gap_advice(None, options)
    color, points, found = terms
    return _advice(color, points, [(indicator, extra) for indicator, extra, _, _ in found[:options]])


def _advice(color: Color, short: Decimal, ways: Sequence[tuple[Indicator, Fraction | None]]) -> Message:
    points = Message.plural("gap.points", short, color=Message(f"color.{color.value}"))
    steps: list[Message] = []
    for indicator, extra in ways:
        if extra is None:
            continue
        amount = str(round_half_up(extra)) if indicator.measure.is_percentage else str(int(extra))
        english = english_singular(indicator.unit_en) if amount == "1" else indicator.unit_en  # "1.0" stays plural
        unit = Message.literal(indicator.unit, english)
        steps.append(Message("gap.option", amount=amount, unit=unit, indicator=indicator.id))
    if not steps:
        return points
    chained = Message("gap.step", step=steps[-1])
    for step in reversed(steps[:-1]):
        chained = Message("gap.steps", first=step, rest=chained)
    return Message("gap.advice", points=points, steps=chained)


def _rows(indicator: Indicator, tally: KindTally) -> list[int]:
    """The sheet rows that fed ``indicator``'s value."""
    return tally.url_rows if indicator.measure is Measure.DISTINCT_PUBLICATION_URLS else tally.rows


def score_library(
    library: Library,
    by_kind: Mapping[ActivityKind, KindTally],
    rubric: Rubric,
    period: Period,
) -> LibraryResult:
    """Score one library from its tallies for ``period``."""
    return _score_library(library, by_kind, rubric, period)


def library_scorer(rubric: Rubric, period: Period) -> Callable[[Library, Mapping[ActivityKind, KindTally]], LibraryResult]:
    """:func:`score_library` for many libraries of one rubric and period (its targets worked out once)."""
    plan = _Plan(rubric, period)
    return lambda library, by_kind: _score_library(library, by_kind, rubric, period, plan)


def library_colorer(rubric: Rubric, period: Period) -> Callable[[Library, Mapping[ActivityKind, KindTally]], Color]:
    """The colour :func:`score_library` gives, by the same arithmetic, without building the result's
    indicators and rows (a plan checks thousands of options this way)."""
    plan = _Plan(rubric, period)
    return lambda library, by_kind: _score_library(library, by_kind, rubric, period, plan, color_only=True)


class _Plan:
    """What scoring one period under one rubric needs per indicator, worked out once per run."""

    __slots__ = ("colors", "empty", "groups", "indicators", "period", "rubric", "targets", "total_weight")

    def __init__(self, rubric: Rubric, period: Period) -> None:
        self.rubric = rubric
        self.period = period
        self.total_weight = rubric.total_weight
        kinds_of = [tuple(k for k in ActivityKind if k in indicator.kinds) for indicator in rubric.indicators]
        numbered = {kinds: number for number, kinds in enumerate(dict.fromkeys(kinds_of))}
        #: how many distinct sets of kinds the indicators read (several indicators often read the same)
        self.groups = len(numbered)
        #: (indicator, its kinds in a fixed order, measure, weight, the number of its set of kinds)
        self.indicators = tuple(
            (indicator, kinds, indicator.measure, indicator.weight, numbered[kinds])
            for indicator, kinds in zip(rubric.indicators, kinds_of, strict=True)
        )
        #: (indicator position, library kind) → target for the period
        self.targets: dict[tuple[int, object], Fraction] = {}
        #: library kind → the indicator results of a library that reported nothing
        self.empty: dict[object, tuple[tuple[IndicatorResult, ...], Fraction]] = {}
        #: rounded composite → colour
        self.colors: dict[Decimal, Color] = {}

    def target(self, position: int, indicator: Indicator, library: Library) -> Fraction:
        key = (position, library.kind)
        target = self.targets.get(key)
        if target is None:
            target = self.targets[key] = indicator.target(library, self.period.scale)
        return target


_ZERO = Fraction(0)
_SMALL = [Fraction(n) for n in range(1024)]


def _fraction(number: int) -> Fraction:
    return _SMALL[number] if 0 <= number < len(_SMALL) else Fraction(number)


@overload
def _score_library(library: Library, by_kind: Mapping[ActivityKind, KindTally], rubric: Rubric, period: Period,
                   plan: _Plan | None = None, *, color_only: Literal[False] = False) -> LibraryResult: ...


@overload
def _score_library(library: Library, by_kind: Mapping[ActivityKind, KindTally], rubric: Rubric, period: Period,
                   plan: _Plan | None = None, *, color_only: Literal[True]) -> Color: ...


def _score_library(  # one flat loop over the indicators
    library: Library,
    by_kind: Mapping[ActivityKind, KindTally],
    rubric: Rubric,
    period: Period,
    plan: _Plan | None = None,
    *,
    color_only: bool = False,
) -> LibraryResult | Color:
    """:func:`score_library`, with exact integer arithmetic where the value is a whole number
    (``color_only``: only the colour, from the same sums; the indicators' results are not built)."""
    if plan is None:
        plan = _Plan(rubric, period)
    cached = None if by_kind or color_only else plan.empty.get(library.kind)
    if cached is not None:
        results, composite_exact = cached
    else:
        found: list[IndicatorResult] = []
        # per set of kinds (see _Plan.groups): its tallies, and its rows merged (2 × set + URL rows?)
        by_group: list[list[KindTally] | None] = [None] * plan.groups
        merged: dict[int, tuple[int, ...]] = {}
        numerator, denominator = 0, 1  # Σ weight × score, exactly
        for position, (indicator, kinds, measure, weight, group) in enumerate(plan.indicators):
            tallies = by_group[group]
            if tallies is None:
                tallies = by_group[group] = [t for k in kinds if (t := by_kind.get(k)) is not None]
            target = plan.target(position, indicator, library)
            # value = top / bottom (None when undefined); score = 100 × min(value ÷ target, 1)
            top: int | None
            bottom = 1
            if measure is Measure.COUNT:
                top = sum(t.count for t in tallies)
            elif measure is Measure.PARTICIPANTS:
                top = sum(t.participants for t in tallies)
            elif measure is Measure.DISTINCT_PUBLICATION_URLS:
                if len(tallies) == 1:
                    top = len(tallies[0].urls)
                else:
                    top = len(set().union(*(t.urls for t in tallies)))
            elif measure is Measure.FEMALE_SHARE:
                bottom = sum(t.participants for t in tallies)
                top = 100 * sum(t.female for t in tallies) if bottom else None
            else:  # TIMELY_SHARE
                bottom = sum(t.count for t in tallies)
                limit = indicator.within_days
                within = limit.__ge__  # delay ≤ limit, tested in C
                top = (
                    100 * sum(sum(map(t.delays.__getitem__, filter(within, t.delays))) for t in tallies)
                    if bottom else None
                )
            if top is None:
                value, indicator_score = None, _ZERO
            else:
                # value ÷ target = top·q ÷ (bottom·p) for target p/q
                over = top * target.denominator
                under = bottom * target.numerator
                if over >= under:
                    numerator += weight * 100 * denominator
                else:
                    numerator = numerator * under + weight * 100 * over * denominator
                    denominator *= under
                if not color_only:
                    value = _fraction(top) if bottom == 1 else Fraction(top, bottom)
                    indicator_score = _HUNDRED if over >= under else Fraction(100 * over, under)
            if color_only:
                continue
            # One list is in sheet order already; several are merged (once per library for the same kinds).
            urls = measure is Measure.DISTINCT_PUBLICATION_URLS
            merged_key = 2 * group + urls
            rows = merged.get(merged_key)
            if rows is None:
                lists = [t.url_rows for t in tallies] if urls else [t.rows for t in tallies]
                rows = tuple(lists[0]) if len(lists) == 1 else tuple(sorted(chain.from_iterable(lists)))
                merged[merged_key] = rows
            found.append(IndicatorResult(
                indicator=indicator, value=value, target=target, score=indicator_score, rows=rows,
            ))
        results = tuple(found)
        composite_exact = Fraction(numerator, denominator * plan.total_weight)
        if not by_kind and not color_only:
            plan.empty[library.kind] = (results, composite_exact)
    composite = round_half_up(composite_exact)
    color = plan.colors.get(composite)
    if color is None:
        color = plan.colors[composite] = rubric.color_for(Fraction(composite))
    if color_only:
        return color
    return LibraryResult(
        library=library,
        period=period,
        indicators=results,
        composite_exact=composite_exact,
        composite=composite,
        color=color,
        activity_count=sum(t.count for t in by_kind.values()),
        rubric=rubric,
    )


def score(
    activities: Iterable[Activity],
    registry: Registry,
    rubric: Rubric,
    period: Period,
) -> KpiRun:
    """Score every registered library for ``period``.

    Activities of libraries not in the registry are ignored (the parser never
    produces them). Results follow registry order.
    """
    with collector_paused():
        return _score_run(activities, registry, rubric, period)


def _score_run(activities: Iterable[Activity], registry: Registry, rubric: Rubric, period: Period) -> KpiRun:
    tallies = tally(activities, period)
    empty: dict[ActivityKind, KindTally] = {}
    plan = _Plan(rubric, period)
    return KpiRun(
        rubric=rubric,
        period=period,
        results=tuple(
            _score_library(library, tallies.get(library.id, empty), rubric, period, plan)
            for library in registry
        ),
    )


def _rollup(province: str, regency: str | None, results: Sequence[LibraryResult]) -> Rollup:
    colors = dict.fromkeys(Color, 0)
    for result in results:
        colors[result.color] += 1
    mean = (
        round_half_up(sum((Fraction(r.composite) for r in results), Fraction(0)) / len(results))
        if results
        else None
    )
    return Rollup(province=province, regency=regency, libraries=len(results), colors=colors, mean=mean)


def rollup(results: Iterable[LibraryResult]) -> tuple[Rollup, ...]:
    """Roll up per kabupaten/kota (in first-seen order), then per province."""
    by_regency: dict[tuple[str, str], list[LibraryResult]] = defaultdict(list)
    by_province: dict[str, list[LibraryResult]] = defaultdict(list)
    for result in results:
        library = result.library
        by_province[library.province].append(result)
        if library.regency:
            by_regency[(library.province, library.regency)].append(result)
    return (
        *(_rollup(p, r, rs) for (p, r), rs in by_regency.items()),
        *(_rollup(p, None, rs) for p, rs in by_province.items()),
    )
