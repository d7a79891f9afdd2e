"""Award eligibility, ranking and jury contests (SPEC §6).

Categories, criteria and ranking formulas are rubric data
(:class:`~tpbis.domain.rubric.AwardCategory`, defined with the rubric and
re-exported here); this module evaluates them over one period using that
period's KPI. Every library of a category's level appears in the result:
eligible ones ranked 1…n, ineligible ones with each unmet criterion, its
actual and required value, and a plain-language explanation.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Protocol, runtime_checkable

import attrs
import pendulum

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.kpi import KpiRun, LibraryResult, score_library, tally
from tpbis.domain.library import Library
from tpbis.domain.numbers import round_half_up
from tpbis.domain.period import Period
from tpbis.domain.rubric import (
    AwardCategory,
    Color,
    Contest,
    Criterion,
    Metric,
    Rubric,
)
from tpbis.domain.text import english_singular, normalize_label
from tpbis.message import InBothLanguages, Message

__all__ = [
    "AwardEntry",
    "AwardTally",
    "AwardTallying",
    "CategoryResult",
    "ContestEntry",
    "ContestResult",
    "ContestStanding",
    "Metric",  # re-exported: examples/custom_rubric.py and the docs import it from here
    "Unmet",
    "WhatIf",
    "award_tally",
    "evaluate_awards",
    "evaluate_category",
    "evaluate_contest",
    "jury_score",
    "metric_value",
    "ranking_score",
    "what_if",
]

@attrs.frozen(kw_only=True)
class Unmet(InBothLanguages):
    """A criterion a library does not meet."""

    criterion: Criterion
    actual: Fraction | Color | None
    required: Fraction | Color
    #: why, in words (rendered at the edge)
    message: Message


@attrs.frozen(kw_only=True)
class AwardEntry:
    """One library in one category."""

    library: Library
    eligible: bool
    rank: int | None
    score: Decimal
    composite: Decimal
    color: Color
    activity_count: int
    unmet: tuple[Unmet, ...] = ()


@attrs.frozen(kw_only=True)
class CategoryResult:
    """A category at one level: ranked eligible entries, then the ineligible ones by id."""

    category: AwardCategory
    level: int
    entries: tuple[AwardEntry, ...]

    @property
    def shortlist(self) -> tuple[AwardEntry, ...]:
        """The eligible entries in rank order."""
        return tuple(e for e in self.entries if e.eligible)


@attrs.frozen(kw_only=True)
class AwardTally:
    """What the award metrics need of one library's activities of one kind in a period."""

    count: int = 0
    #: participants, men and women
    participants: int = 0
    #: activities with a documentation link
    documented: int = 0
    #: the partners named, each as :func:`~tpbis.domain.text.normalize_label` gives it
    partners: frozenset[str] = frozenset()


#: One library's award tallies by activity kind.
KindTallies = Mapping[ActivityKind, AwardTally]


@runtime_checkable
class AwardTallying(Protocol):
    """Activities that compute :func:`award_tally` faster than one :class:`Activity` at a time.

    The row parser's result is one: it reads only the two cells the awards need
    (documentation link, partners) instead of rebuilding every activity.
    """

    def award_tally(self, period: Period | None) -> dict[str, dict[ActivityKind, AwardTally]]:
        """The same as :func:`award_tally` over these activities."""
        ...


def award_tally(activities: Iterable[Activity], period: Period | None = None) -> dict[str, dict[ActivityKind, AwardTally]]:
    """Group the activities (those inside ``period``, all without one) by library and kind for the award metrics."""
    if isinstance(activities, AwardTallying):
        return activities.award_tally(period)
    grouped: dict[str, dict[ActivityKind, list[Activity]]] = defaultdict(lambda: defaultdict(list))
    for activity in activities:
        if period is None or period.start <= activity.date <= period.end:
            grouped[activity.library_id][activity.kind].append(activity)
    return {
        library: {kind: _tally_of(acts) for kind, acts in kinds.items()} for library, kinds in grouped.items()
    }


def _tally_of(activities: Sequence[Activity]) -> AwardTally:
    return AwardTally(
        count=len(activities),
        participants=sum(a.participants_male + a.participants_female for a in activities),
        documented=sum(1 for a in activities if a.documentation_url),
        partners=frozenset(normalize_label(p) for a in activities for p in a.partners if p.strip()),
    )


def _kind_tallies(activities: Sequence[Activity] | KindTallies) -> KindTallies:
    """A library's tallies by kind, from its activities or as given."""
    if type(activities) is dict or isinstance(activities, Mapping):  # the ABC check costs ~10× the type's
        return activities
    by_kind: dict[ActivityKind, list[Activity]] = defaultdict(list)
    for activity in activities:
        by_kind[activity.kind].append(activity)
    return {kind: _tally_of(acts) for kind, acts in by_kind.items()}


def _chosen(kinds: frozenset[ActivityKind], tallies: KindTallies) -> list[AwardTally]:
    return [t for kind, t in tallies.items() if kind in kinds]


def metric_value(
    metric: Metric,
    kinds: frozenset[ActivityKind],
    result: LibraryResult,
    activities: Sequence[Activity] | KindTallies,
) -> Fraction | None:
    """The value of ``metric`` for one library; None when undefined (a share of nothing).

    ``activities`` are the library's accepted activities inside the period, or
    their :func:`award_tally` by kind.
    """
    value = _amount(metric, kinds, result, _kind_tallies(activities))
    return value if value is None or type(value) is Fraction else Fraction(value)


@functools.lru_cache(maxsize=4096)
def _exact(composite: Decimal) -> Fraction:
    """A shown composite (one decimal, 0.0–100.0) as a Fraction: made once per value, not per library."""
    return Fraction(composite)


def _amount(metric: Metric, kinds: frozenset[ActivityKind], result: LibraryResult,
            tallies: KindTallies) -> int | Fraction | None:
    """:func:`metric_value`, a whole number left an ``int`` (it compares and adds exactly alike, and
    the awards of a national run ask ~10⁵ of them)."""
    if metric is Metric.COMPOSITE:
        return _exact(result.composite)
    library = result.library
    if metric is Metric.COMPUTERS:
        return library.computers
    if metric is Metric.DIGITAL_COLLECTION:
        return library.digital_collection
    if metric is Metric.PRINT_COLLECTION:
        return library.print_collection
    chosen = _chosen(kinds, tallies)
    if metric is Metric.COUNT:
        return sum(t.count for t in chosen)
    if metric is Metric.PARTICIPANTS:
        return sum(t.participants for t in chosen)
    if metric is Metric.DOCUMENTED_SHARE:
        count = sum(t.count for t in chosen)
        if not count:
            return None
        return Fraction(100 * sum(t.documented for t in chosen), count)
    if metric is Metric.DISTINCT_PARTNERS:
        return len(frozenset().union(*(t.partners for t in chosen)))
    msg = f"metric {metric.value!r} has no numeric value"
    raise ValueError(msg)


_NOTHING = Fraction(0)
_COLOR_ORDER = {Color.HIJAU: 0, Color.KUNING: 1, Color.MERAH: 2}


def _check(
    criterion: Criterion, result: LibraryResult, activities: Sequence[Activity] | KindTallies, rubric: Rubric
) -> Unmet | None:
    if criterion.metric is Metric.COLOR:
        wanted = criterion.color or Color.HIJAU
        if _COLOR_ORDER[result.color] <= _COLOR_ORDER[wanted]:
            return None
        minimum = next(b.minimum for b in rubric.bands if b.color is wanted)
        short = round_half_up(minimum) - result.composite
        message = Message(
            "award.unmet.color",
            color=Message(f"color.{wanted.value}"),
            actual=Message(f"color.{result.color.value}"),
            points=Message.plural("award.points_short", short),
        )
        return Unmet(criterion=criterion, actual=result.color, required=wanted, message=message)
    amount = _amount(criterion.metric, criterion.kinds, result, _kind_tallies(activities))
    required = criterion.minimum or _NOTHING
    if amount is not None and amount >= required:
        return None
    actual = amount if amount is None or type(amount) is Fraction else Fraction(amount)
    if criterion.metric is Metric.DOCUMENTED_SHARE:
        chosen = _chosen(criterion.kinds, _kind_tallies(activities))
        documented = sum(t.documented for t in chosen)
        to_document = max(math.ceil(required * sum(t.count for t in chosen) / 100) - documented, 0)
        message = Message(
            "award.unmet.share",
            required=round_half_up(required),
            actual="-" if actual is None else round_half_up(actual),
            missing=to_document,
            unit=_unit(criterion, to_document),
        )
    else:
        amount = math.ceil(required - (actual or 0))
        message = Message("award.unmet.more", amount=amount, unit=_unit(criterion, amount))
    return Unmet(criterion=criterion, actual=actual, required=required, message=message)


def _unit(criterion: Criterion, amount: int) -> Message:
    """The criterion's unit as the rubric names it in both languages (in English, singular for one)."""
    english = criterion.unit_en or criterion.metric.value
    return Message.literal(criterion.unit or criterion.metric.value, english_singular(english) if amount == 1 else english)


def ranking_score(
    category: AwardCategory, result: LibraryResult, activities: Sequence[Activity] | KindTallies
) -> Fraction:
    """Σ weight × min(value ÷ cap, 1), exact (an undefined value counts 0)."""
    activities = _kind_tallies(activities)
    numerator, denominator = 0, 1  # the sum, reduced once at the end (Fraction reduces at every step)
    for term in category.ranking:
        value = _amount(term.metric, term.kinds, result, activities) or 0
        weight, cap = term.weight, term.cap
        # weight × min(value ÷ cap, 1): the cap is positive, so the minimum is 1 exactly when value ≥ cap
        if value >= cap:
            top, bottom = weight.numerator, weight.denominator
        else:
            exact = Fraction(value)
            top = weight.numerator * exact.numerator * cap.denominator
            bottom = weight.denominator * exact.denominator * cap.numerator
        numerator, denominator = numerator * bottom + top * denominator, denominator * bottom
    return Fraction(numerator, denominator)


def evaluate_category(
    category: AwardCategory,
    level: int,
    run: KpiRun,
    by_library: Mapping[str, Sequence[Activity] | KindTallies],
) -> CategoryResult:
    """Evaluate one category at one level over ``run``'s period.

    ``by_library``: each library's activities inside the period, or their :func:`award_tally` by kind.
    """
    eligible: list[AwardEntry] = []
    ineligible: list[AwardEntry] = []
    for result in run.results:
        if result.library.level != level:
            continue
        activities = _kind_tallies(by_library.get(result.library.id, ()))
        unmet = tuple(
            u for c in category.criteria if (u := _check(c, result, activities, run.rubric)) is not None
        )
        entry = AwardEntry(
            library=result.library,
            eligible=not unmet,
            rank=None,
            score=round_half_up(ranking_score(category, result, activities)),
            composite=result.composite,
            color=result.color,
            activity_count=result.activity_count,
            unmet=unmet,
        )
        (ineligible if unmet else eligible).append(entry)
    eligible.sort(key=lambda e: (-e.score, -e.composite, -e.activity_count, e.library.id))
    ranked = [attrs.evolve(e, rank=i) for i, e in enumerate(eligible, start=1)]
    ineligible.sort(key=lambda e: e.library.id)
    return CategoryResult(category=category, level=level, entries=(*ranked, *ineligible))


def evaluate_awards(
    categories: Iterable[AwardCategory], run: KpiRun, activities: Iterable[Activity] | Mapping[str, KindTallies]
) -> tuple[CategoryResult, ...]:
    """Evaluate every category at each of its levels, using ``run``'s period and KPI.

    The activities are grouped once (:func:`award_tally`); the row parser's result
    does that from its columns without building an :class:`Activity` each. A
    mapping is taken as the tallies already (library id → :data:`KindTallies`).
    """
    by_library: Mapping[str, KindTallies] = (
        activities if isinstance(activities, Mapping) else award_tally(activities, run.period)
    )
    return tuple(
        evaluate_category(category, level, run, by_library)
        for category in categories
        for level in category.levels
    )


# --- jury contests --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ContestEntry:
    """An entry to a jury contest, as read (possibly invalid)."""

    contest: str
    library_id: str
    title: str
    url: str | None
    submitted_at: pendulum.DateTime
    scores: tuple[Fraction, ...]
    row: int = 0


@attrs.frozen(kw_only=True)
class ContestStanding:
    """An entry's place in a contest."""

    entry: ContestEntry
    eligible: bool
    rank: int | None
    score: Decimal | None
    #: reasons an entry is ineligible (rendered at the edge)
    reasons: tuple[Message, ...] = ()


@attrs.frozen(kw_only=True)
class ContestResult:
    """The standings of one contest."""

    contest: Contest
    standings: tuple[ContestStanding, ...]


def jury_score(scores: Sequence[Fraction], trim_from: int = 5) -> Fraction:
    """Mean of the scores; with ``trim_from`` or more, one highest and one lowest dropped."""
    ordered = sorted(scores)
    if len(ordered) >= trim_from:
        ordered = ordered[1:-1]
    return sum(ordered, Fraction(0)) / len(ordered)


def evaluate_contest(
    contest: Contest, entries: Iterable[ContestEntry], registered: Iterable[str]
) -> ContestResult:
    """Score and rank one contest's entries (SPEC §6 jury contests).

    Eligible: a registered library, a URL, submitted by the deadline, at least
    one jury score. Ties: earlier submission first, then sheet row.
    """
    known = set(registered)
    eligible: list[ContestStanding] = []
    others: list[ContestStanding] = []
    for entry in entries:
        if entry.contest != contest.id:
            continue
        reasons: list[Message] = []
        if entry.library_id not in known:
            reasons.append(Message("contest.unregistered", library=entry.library_id))
        if not entry.url:
            reasons.append(Message("contest.no_url"))
        if contest.deadline is not None and entry.submitted_at > contest.deadline:
            reasons.append(Message("contest.late", deadline=contest.deadline.to_datetime_string()))
        if not entry.scores:
            reasons.append(Message("contest.no_scores"))
        score = (
            round_half_up(jury_score(entry.scores, contest.trim_from), contest.decimals)
            if entry.scores else None
        )
        standing = ContestStanding(entry=entry, eligible=not reasons, rank=None, score=score,
                                   reasons=tuple(reasons))
        (others if reasons else eligible).append(standing)
    eligible.sort(key=lambda s: (-(s.score or 0), s.entry.submitted_at, s.entry.row))
    ranked = [attrs.evolve(s, rank=i) for i, s in enumerate(eligible, start=1)]
    others.sort(key=lambda s: s.entry.row)
    return ContestResult(contest=contest, standings=(*ranked, *others))


# --- what if ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class WhatIf:
    """The smallest additions that would make one library eligible for one category.

    Hypothetical activities are dated on the period's last day, reported the
    same day, documented, each with a new publication link and a new partner,
    and with ``participants`` participants, half of them women.
    """

    category: AwardCategory
    library: Library
    eligible_now: bool
    #: for each activity kind: how many of that kind alone would do it (None: not within the limit)
    per_kind: Mapping[ActivityKind, int | None]
    #: a small mix of kinds that does it, found greedily (None: not within the limit)
    combined: Mapping[ActivityKind, int] | None
    #: criteria no activity can change (e.g. computers), still unmet
    blocked: tuple[Unmet, ...] = ()


_ACTIVITY_METRICS = {Metric.COUNT, Metric.PARTICIPANTS, Metric.DOCUMENTED_SHARE, Metric.DISTINCT_PARTNERS}


def _hypothetical(library: Library, kind: ActivityKind, n: int, end: pendulum.Date, participants: int) -> list[Activity]:
    at = pendulum.datetime(end.year, end.month, end.day, 12, tz=library.timezone)
    female = participants // 2
    return [
        Activity(
            library_id=library.id, date=end, title=f"rencana {kind.value} {i}", kind=kind,
            participants_male=participants - female, participants_female=female,
            partners=(f"mitra baru {kind.value} {i}",), documentation_url="https://contoh.invalid/dok",
            publication_urls=(f"https://contoh.invalid/{kind.value}/{i}",),
            reported_at=at, reported_on=end, source=SourceRef(tab="what-if", row=0),
        )
        for i in range(n)
    ]


def _added(base: KindTallies, more: KindTallies) -> KindTallies:
    """``base`` with ``more`` added, kind by kind (the partners as one set)."""
    out = dict(base)
    for kind, extra in more.items():
        had = out.get(kind, AwardTally())
        out[kind] = AwardTally(
            count=had.count + extra.count, participants=had.participants + extra.participants,
            documented=had.documented + extra.documented, partners=had.partners | extra.partners,
        )
    return out


def what_if(
    category: AwardCategory,
    library_id: str,
    run: KpiRun,
    activities: Iterable[Activity],
    *,
    participants: int = 20,
    limit: int = 60,
    tallies: KindTallies | None = None,
) -> WhatIf:
    """What a library would need to add to become eligible for ``category``.

    Args:
        category: the award category.
        library_id: the library.
        run: the KPI of the period (its rubric rescoring the library with additions).
        activities: accepted activities (any period; only the run's period counts).
        participants: participants assumed per added activity.
        limit: the most activities tried, per kind and in the mix.
        tallies: the library's award tallies to start from instead of its activities' (a closed
            period's frozen ones); the activities then feed only its KPI.
    """
    result = run.result(library_id)
    library = result.library
    period = run.period
    mine = [a for a in activities if a.library_id == library_id and period.start <= a.date <= period.end]

    def unmet_with(extra: list[Activity]) -> tuple[Unmet, ...]:
        acts = [*mine, *extra]
        rescored = score_library(library, tally(acts, period).get(library_id, {}), run.rubric, period)
        kinds = _kind_tallies(acts) if tallies is None else _added(tallies, _kind_tallies(extra))
        return tuple(u for c in category.criteria if (u := _check(c, rescored, kinds, run.rubric)) is not None)

    now = unmet_with([])
    blocked = tuple(
        u for u in now if u.criterion.metric not in _ACTIVITY_METRICS and u.criterion.metric is not Metric.COLOR
    )
    if not now or blocked:
        return WhatIf(category=category, library=library, eligible_now=not now,
                      per_kind=dict.fromkeys(ActivityKind), combined=None if now else {}, blocked=blocked)

    def extra_of(counts: Mapping[ActivityKind, int]) -> list[Activity]:
        return [a for k, n in counts.items() for a in _hypothetical(library, k, n, period.end, participants)]

    per_kind: dict[ActivityKind, int | None] = {}
    for kind in ActivityKind:
        per_kind[kind] = next((n for n in range(1, limit + 1) if not unmet_with(extra_of({kind: n}))), None)

    minimum = {band.color: band.minimum for band in run.rubric.bands}

    def distance(unmet: tuple[Unmet, ...], counts: Mapping[ActivityKind, int]) -> Fraction:
        """How far from eligible: the unmet criteria's relative shortfalls, summed."""
        total = Fraction(0)
        for u in unmet:
            if isinstance(u.required, Color):
                acts = [*mine, *extra_of(counts)]
                rescored = score_library(library, tally(acts, period).get(library_id, {}), run.rubric, period)
                wanted = minimum[u.required] or Fraction(1)
                total += max(wanted - rescored.composite_exact, Fraction(0)) / wanted
            elif not isinstance(u.actual, Color):
                required = u.required or Fraction(1)
                total += (required - (u.actual or Fraction(0))) / required
        return total

    counts: dict[ActivityKind, int] = {}
    for _ in range(limit):
        candidates: list[tuple[Fraction, int, ActivityKind]] = []
        for order, kind in enumerate(ActivityKind):
            trial = {**counts, kind: counts.get(kind, 0) + 1}
            unmet = unmet_with(extra_of(trial))
            if not unmet:
                return WhatIf(category=category, library=library, eligible_now=False,
                              per_kind=per_kind, combined=trial)
            candidates.append((distance(unmet, trial), order, kind))
        chosen = min(candidates)[2]
        counts[chosen] = counts.get(chosen, 0) + 1
    return WhatIf(category=category, library=library, eligible_now=False, per_kind=per_kind, combined=None)
