"""A plan to the next colour: the fewest concrete activities that get a library there, exactly.

For a library below the best colour, :func:`plan_for` searches the additions
that reach the next colour (and, for a ``merah`` library, the one after):
how many activities of which kind, with how many participants and women
each, which of them with a publication link, reported on time or not. It
answers in plain words (a :class:`~tpbis.message.Message`), never with
indicator ids.

How the search works (all arithmetic exact, with the rubric's own rules):

- Activity kinds that feed exactly the same indicators are one *class*
  (``pelatihan`` and ``pelatihan_tik``; ``promosi`` and ``fasilitasi``;
  ``advokasi`` and ``kemitraan``; ``layanan_digital`` and ``publikasi`` in the
  default rubric); a plan names the class ("pelatihan keterampilan atau
  pelatihan TIK") and its synthetic activities use its first kind.
- "Smallest" is: fewest added activities, then fewest participants in all,
  then fewest publication links, then the simplest kinds (a promotion before
  a training when either will do). Every added engagement activity has the
  same number of participants and women, at most twice the rubric's average
  per activity (participants target ÷ activity target), so the advice reads
  as one number.
- The number of activities is found by trying totals 1, 2, 3 … over the
  classes no other class does better than, each at its most useful (most
  participants, all women, a link each, reported on time); then participants,
  women and links are brought down while the colour still holds, and
  activities are moved to simpler classes while it holds.
- Women: at least the rubric's women's-participation target of each
  activity's participants (half, by default), more only when the colour needs it.
- Reporting on time: ``on_time`` is true when the colour depends on it (the
  plan was checked with the activities reported one day too late, and fell
  short); otherwise the plan holds however late they are reported.
- Partners do not count towards the KPI, so ``partner`` is false.
- Every option is verified before it is returned: the library is rescored by
  :func:`~tpbis.domain.kpi.score_library` with the synthetic activities added
  (dated on the period's last day) and must reach the promised colour.

How it is kept cheap (the answers are those of the plain search; ``tests/domain/test_plan_search.py``
checks them against it): floating point decides unless a composite is within a hair of a
threshold, where exact fractions decide; mixes of frontier activities are read from tables per
situation (one per group of indicators fed by the same classes, by activities added); each
search that varies one thing (participants, women, links, activities moved, reporting) sums the
indicators it does not change once; equal situations, options and words are computed once.

A period that has ended (``as_of`` after its last day) still gets its plan,
as what would have been needed, with status :attr:`PlanStatus.PERIOD_ENDED`
and a message that says so. A colour not reachable within
:data:`MAX_ADDED` more activities is :attr:`PlanStatus.OUT_OF_REACH`.
"""

from __future__ import annotations

import enum
import functools
import math
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from itertools import combinations

import attrs
import pendulum

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.kpi import (
    KindTally,
    KpiRun,
    LibraryResult,
    collector_paused,
    library_colorer,
    library_scorer,
    tally,
)
from tpbis.domain.library import Library
from tpbis.domain.period import Period, month_name
from tpbis.domain.rubric import Color, ColorBand, Measure, Rubric
from tpbis.message import Message

__all__ = [
    "MAX_ADDED",
    "ActivityGroup",
    "Plan",
    "PlanOption",
    "PlanStatus",
    "Planner",
    "plan_activities",
    "plan_for",
    "plans_for",
]

#: The most activities a plan may add; a colour that needs more is out of reach.
MAX_ADDED = 400
#: Participants per activity when the rubric gives no average to go by.
_DEFAULT_PEOPLE = 30
#: The kind that names a class, when a class holds several (the most familiar first).
_PREFERENCE = (
    ActivityKind.PROMOSI, ActivityKind.PELATIHAN, ActivityKind.ADVOKASI, ActivityKind.PUBLIKASI,
    ActivityKind.FASILITASI, ActivityKind.PELATIHAN_TIK, ActivityKind.KEMITRAAN, ActivityKind.LAYANAN_DIGITAL,
)
_HUNDRED = Fraction(100)
#: how close a floating-point composite may come to a threshold before exact arithmetic decides
_MARGIN = 1e-6


@attrs.frozen(kw_only=True)
class ActivityGroup:
    """``count`` activities alike, to be added to a library's reports."""

    kind: ActivityKind
    count: int
    #: participants of each activity (men and women)
    participants: int
    #: women among each activity's participants
    women: int
    #: each activity carries its own publication link
    link: bool
    #: each activity names a partner (never needed for the KPI)
    partner: bool
    #: each activity must be reported within the rubric's timeliness limit
    on_time: bool


@attrs.frozen(kw_only=True)
class PlanOption:
    """One way to reach a colour: the activities to add, and what to tell the library."""

    reaches: Color
    add: tuple[ActivityGroup, ...]
    message: Message

    @property
    def activities(self) -> int:
        """How many activities the option adds."""
        return sum(group.count for group in self.add)

    @property
    def participants(self) -> int:
        """How many participants the option adds in all."""
        return sum(group.count * group.participants for group in self.add)


class PlanStatus(enum.Enum):
    """What a plan can say."""

    #: options to the next colour (and the one after)
    OK = "ok"
    #: already the best colour
    TOP = "top"
    #: the period is over: the options are what would have been needed
    PERIOD_ENDED = "period_ended"
    #: the next colour needs more than :data:`MAX_ADDED` activities
    OUT_OF_REACH = "out_of_reach"


@attrs.frozen(kw_only=True)
class Plan:
    """A library's way to better colours, cheapest first."""

    status: PlanStatus
    options: tuple[PlanOption, ...]
    message: Message


@attrs.frozen
class _Class:
    """Activity kinds that feed the same indicators."""

    kinds: tuple[ActivityKind, ...]
    #: positions of the indicators it feeds
    signature: frozenset[int]
    #: feeds a participants or women's-share indicator
    people: bool
    #: feeds a publication-link indicator
    linkable: bool
    #: its activities always carry a link (a publikasi report without one is rejected)
    link_forced: bool

    @property
    def kind(self) -> ActivityKind:
        return self.kinds[0]


@attrs.frozen
class _Choice:
    """A candidate addition: counts per class, people per activity, linked classes, reporting."""

    counts: tuple[int, ...]
    people: int
    women: int
    linked: frozenset[int]
    on_time: bool = True


class _Mixes:
    """The float composite of every mix of frontier activities at their most useful (before ×100 ÷ total
    weight), for one situation.

    The composite is a sum over groups of indicators fed by the same frontier
    classes, and each group's part depends only on how many activities the mix
    adds to those classes (each at its most useful: most participants, all
    women, a link, on time). So each group is tabulated once by that number and
    a mix costs a few look-ups.
    """

    def __init__(self, planner: Planner, base: Sequence[tuple[int, int]], targets: Sequence[Fraction],
                 cap: int) -> None:
        self._planner = planner
        self._cap = cap
        self._values: dict[int, tuple[list[tuple[int, ...]], list[float]]] = {}
        self._groups: list[tuple[list[tuple[Measure, int, int, int, float]], list[float]]] = []
        for _, positions in planner._slot_groups:
            rows = []
            for position in positions:
                measure, _, weight = planner._shape[position]
                top, bottom = base[position]
                rows.append((measure, weight, top, bottom, float(targets[position])))
            self._groups.append((rows, []))

    def _extend(self, rows: Sequence[tuple[Measure, int, int, int, float]], table: list[float], upto: int) -> None:
        people = self._cap
        for added in range(len(table), upto + 1):
            total = 0.0
            for measure, weight, top, bottom, target in rows:
                if measure is Measure.COUNT or measure is Measure.DISTINCT_PUBLICATION_URLS:
                    top += added
                elif measure is Measure.PARTICIPANTS:
                    top += added * people
                elif measure is Measure.FEMALE_SHARE:
                    top = 100 * (top + added * people)
                    bottom += added * people
                else:
                    top = 100 * (top + added)
                    bottom += added
                if bottom:
                    ratio = top / (bottom * target)
                    total += weight * (1.0 if ratio >= 1.0 else ratio)
            table.append(total)

    def values(self, total: int) -> tuple[list[tuple[int, ...]], list[float]]:
        """The mixes of ``total`` frontier activities, and each one's Σ weight × min(value ÷ target, 1)."""
        found = self._values.get(total)
        if found is None:
            found = self._values[total] = self._new_values(total)
        return found

    def _new_values(self, total: int) -> tuple[list[tuple[int, ...]], list[float]]:
        parts, sums = self._planner._mixes(total)
        values = [0.0] * len(parts)
        for (rows, table), group_sums in zip(self._groups, sums, strict=True):
            if len(table) <= total:
                self._extend(rows, table, total)
            values = list(map(operator.add, values, map(table.__getitem__, group_sums)))
        return parts, values


def _kind_sort(kind: ActivityKind) -> int:
    return _PREFERENCE.index(kind)


class Planner:
    """Plans for the libraries of one period under one rubric; equal situations are planned once."""

    def __init__(self, rubric: Rubric, period: Period) -> None:
        self.rubric = rubric
        self.period = period
        self._indicators = rubric.indicators
        self._scale = period.scale
        self._weights = [i.weight for i in self._indicators]
        self._total_weight = rubric.total_weight
        self._within = max(
            (i.within_days for i in self._indicators if i.measure is Measure.TIMELY_SHARE), default=7
        )
        self._timely = any(i.measure is Measure.TIMELY_SHARE for i in self._indicators)
        self._order = {color: n for n, color in enumerate(Color)}
        self._classes = self._build_classes()
        self._frontier = self._build_frontier()
        self._thresholds = {band.color: self._threshold(band) for band in rubric.bands}
        self._float_for: Sequence[Fraction] = ()
        self._float_targets: tuple[float, ...] = ()
        self._rough_thresholds = {color: float(value) for color, value in self._thresholds.items()}
        #: per indicator: its measure, the classes that feed it, its weight
        self._shape = tuple(
            (indicator.measure, tuple(n for n, c in enumerate(self._classes) if position in c.signature),
             indicator.weight)
            for position, indicator in enumerate(self._indicators)
        )
        #: kind → the positions of the indicators that count it
        self._fed_by = {kind: tuple(n for n, i in enumerate(self._indicators) if kind in i.kinds) for kind in ActivityKind}
        #: measure → the positions of its indicators
        self._positions: dict[Measure, frozenset[int]] = {
            measure: frozenset(n for n, i in enumerate(self._indicators) if i.measure is measure) for measure in Measure
        }
        #: the indicators grouped by the frontier classes that feed them (slots in the frontier)
        slots_of: dict[tuple[int, ...], list[int]] = {}
        for position, (_, members, _) in enumerate(self._shape):
            slots = tuple(j for j, n in enumerate(self._frontier) if n in members)
            slots_of.setdefault(slots, []).append(position)
        self._slot_groups = tuple((slots, tuple(positions)) for slots, positions in slots_of.items())
        #: total → the mixes of that many frontier activities, and per slot group each mix's sum over the group
        self._mixes_of: dict[int, tuple[list[tuple[int, ...]], list[list[int]]]] = {}
        self._cache: dict[object, tuple[tuple[PlanOption, ...], bool]] = {}
        self._option_of: dict[tuple[Color, _Choice], PlanOption] = {}
        self._words_of: dict[tuple[_Class, ActivityGroup], Message] = {}
        self._deadline: Message | None = None
        #: (situation, period ended) → the plan (plans are immutable: equal situations share one)
        self._plan_of: dict[tuple[object, bool], Plan] = {}
        self._targets_of: dict[tuple[object, int], tuple[tuple[Fraction, ...], int]] = {}
        self._alike: dict[tuple[Fraction, ...], int] = {}
        self._score = library_scorer(rubric, period)
        self._color_of = library_colorer(rubric, period)

    # -- classes ---------------------------------------------------------------------------
    def _build_classes(self) -> tuple[_Class, ...]:
        by_signature: dict[frozenset[int], list[ActivityKind]] = {}
        for kind in sorted(ActivityKind, key=_kind_sort):
            signature = frozenset(n for n, i in enumerate(self._indicators) if kind in i.kinds)
            if signature:
                by_signature.setdefault(signature, []).append(kind)
        classes = []
        for signature, kinds in by_signature.items():
            measures = {self._indicators[n].measure for n in signature}
            classes.append(_Class(
                kinds=tuple(kinds),
                signature=signature,
                people=bool(measures & {Measure.PARTICIPANTS, Measure.FEMALE_SHARE}),
                linkable=Measure.DISTINCT_PUBLICATION_URLS in measures,
                link_forced=ActivityKind.PUBLIKASI in kinds and Measure.DISTINCT_PUBLICATION_URLS in measures,
            ))
        # simplest first: fewest indicators fed, then the preferred kind
        classes.sort(key=lambda c: (len(c.signature), _kind_sort(c.kind)))
        return tuple(classes)

    def _build_frontier(self) -> tuple[int, ...]:
        """Classes no other class with the same people-ness does at least as well as."""
        frontier = []
        for n, c in enumerate(self._classes):
            dominated = any(
                m != n and o.people == c.people and o.signature > c.signature
                for m, o in enumerate(self._classes)
            )
            if not dominated:
                frontier.append(n)
        return tuple(frontier)

    # -- base situation --------------------------------------------------------------------
    def _base(self, library: Library, by_kind: Mapping[ActivityKind, KindTally]) -> tuple[tuple[int, int], ...]:
        """Per indicator: (top, bottom) of its value before any addition."""
        # each tally read once (looking kinds up costs more than adding)
        tallies: list[list[KindTally]] = [[] for _ in self._indicators]
        for kind, t in by_kind.items():
            for position in self._fed_by.get(kind, ()):
                tallies[position].append(t)
        base = []
        for indicator, fed in zip(self._indicators, tallies, strict=True):
            measure = indicator.measure
            if measure is Measure.COUNT:
                base.append((sum(t.count for t in fed), 1))
            elif measure is Measure.PARTICIPANTS:
                base.append((sum(t.participants for t in fed), 1))
            elif measure is Measure.DISTINCT_PUBLICATION_URLS:
                base.append((len(set().union(*(t.urls for t in fed))), 1))
            elif measure is Measure.FEMALE_SHARE:
                base.append((sum(t.female for t in fed), sum(t.participants for t in fed)))
            else:
                limit = indicator.within_days
                timely = sum(n for t in fed for d, n in t.delays.items() if d <= limit)
                base.append((timely, sum(t.count for t in fed)))
        return tuple(base)

    def _targets(self, library: Library) -> tuple[Fraction, ...]:
        return tuple(i.target(library, self._scale) for i in self._indicators)

    def _people_cap(self, targets: Sequence[Fraction]) -> int:
        """Participants per activity: at most twice the rubric's average (participants ÷ activities target)."""
        participants = [t for i, t in zip(self._indicators, targets, strict=True) if i.measure is Measure.PARTICIPANTS]
        counts = [
            t for i, t in zip(self._indicators, targets, strict=True)
            if i.measure is Measure.COUNT and any(self._classes[c].people and i.kinds & set(self._classes[c].kinds)
                                                  for c in range(len(self._classes)))
        ]
        if participants and counts:
            return max(1, 2 * math.ceil(max(participants) / max(counts)))
        return _DEFAULT_PEOPLE

    # -- evaluation ------------------------------------------------------------------------
    @staticmethod
    def _threshold(band: ColorBand) -> Fraction:
        """The least exact composite whose half-up rounding to one decimal reaches the band."""
        return (math.ceil(band.minimum * 10) - Fraction(1, 2)) / 10

    def _reaches(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], choice: _Choice,
                 band: ColorBand) -> bool:
        """Whether the composite with ``choice`` added rounds to ``band`` or better."""
        # floats first: they decide unless the composite is within a hair of the threshold
        rough = self._rough(base, targets, choice) - self._rough_thresholds[band.color]
        if rough > _MARGIN:
            return True
        if rough < -_MARGIN:
            return False
        return self._reaches_exactly(base, targets, choice, band)

    def _reaches_exactly(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], choice: _Choice,
                         band: ColorBand) -> bool:
        numerator, denominator = self._weighted(base, targets, choice)
        threshold = self._thresholds[band.color]
        # 100 × numerator ÷ (denominator × W) ≥ threshold
        return 100 * numerator * threshold.denominator >= threshold.numerator * denominator * self._total_weight

    def _reacher(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                 choice: _Choice, positions: Iterable[int], rest: float | None = None) -> Callable[[_Choice], bool]:
        """:meth:`_reaches` for choices that differ from ``choice`` only in what the indicators at
        ``positions`` count: the others are summed once, or given as ``rest`` (the searches vary one
        thing at a time)."""
        float_targets = self._floats(targets)
        moving = sorted(set(positions))
        term = self._term
        if rest is None:
            rest = 0.0
            for position in range(len(self._shape)):
                if position not in moving:
                    rest += term(position, base[position], float_targets[position], choice)
        scale = 100.0 / self._total_weight
        threshold = self._rough_thresholds[band.color]
        rows = [(position, base[position], float_targets[position]) for position in moving]

        def reaches(candidate: _Choice) -> bool:
            total = rest
            for position, situation, target in rows:
                total += term(position, situation, target, candidate)
            rough = scale * total - threshold
            if rough > _MARGIN:
                return True
            if rough < -_MARGIN:
                return False
            return self._reaches_exactly(base, targets, candidate, band)

        return reaches

    def _floats(self, targets: Sequence[Fraction]) -> tuple[float, ...]:
        """``targets`` in floating point (kept for the situation being planned)."""
        if targets is not self._float_for:
            self._float_for = targets
            self._float_targets = tuple(float(t) for t in targets)
        return self._float_targets

    def _terms(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], choice: _Choice,
               positions: Iterable[int], into: list[float]) -> None:
        """Put the float terms (:meth:`_term`) of the indicators at ``positions`` with ``choice`` into ``into``."""
        float_targets = self._floats(targets)
        for position in positions:
            into[position] = self._term(position, base[position], float_targets[position], choice)

    def _term(self, position: int, situation: tuple[int, int], target: float, choice: _Choice) -> float:
        """Weight × min(value ÷ target, 1) of one indicator with ``choice`` added, in floating point
        (as :meth:`_with_choice` counts it; 0 while undefined)."""
        top, bottom = self._top_bottom(position, situation, choice)
        if bottom == 0:
            return 0.0
        ratio = top / (bottom * target)
        return self._shape[position][2] * (1.0 if ratio >= 1.0 else ratio)

    def _top_bottom(self, position: int, situation: tuple[int, int], choice: _Choice) -> tuple[int, int]:
        """The value of one indicator with ``choice`` added, as :meth:`_with_choice` counts it."""
        measure, members, _ = self._shape[position]
        top, bottom = situation
        counts = choice.counts
        added = 0
        for n in members:
            added += counts[n]
        if measure is Measure.COUNT:
            top += added
        elif measure is Measure.PARTICIPANTS:
            top += added * choice.people
        elif measure is Measure.DISTINCT_PUBLICATION_URLS:
            linked = choice.linked
            for n in members:
                if n in linked:
                    top += counts[n]
        elif measure is Measure.FEMALE_SHARE:
            top = 100 * (top + added * choice.women)
            bottom += added * choice.people
        elif choice.on_time:
            top = 100 * (top + added)
            bottom += added
        else:
            top = 100 * top
            bottom += added
        return top, bottom

    def _lowest_reaching(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                         make: Callable[[int], _Choice], positions: Iterable[int], low: int, high: int,
                         rest: float | None = None) -> int:
        """:meth:`_lowest` of ``x`` in ``low…high`` for which ``make(x)`` reaches ``band`` (``make(high)`` does);
        ``x`` as :meth:`_linear` takes it."""
        if low >= high:
            return low
        return self._lowest(low, high, self._linear(base, targets, band, make, positions, low, rest=rest))

    def _linear(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                make: Callable[[int], _Choice], positions: Iterable[int], low: int,
                whole: tuple[int, float] | None = None, rest: float | None = None) -> Callable[[int], bool]:
        """Whether ``make(x)`` reaches ``band``, for a searched quantity ``x`` (participants, women,
        activities kept in a class) that enters the top and the bottom of the indicators at ``positions``
        linearly and no other indicator.

        Those others are summed once (or taken from ``whole``: some ``x`` and the float
        Σ weight × min(value ÷ target, 1) of all indicators for ``make(x)``), and each question is a
        few multiplications (exact arithmetic still decides near the threshold, as in :meth:`_reaches`).
        """
        float_targets = self._floats(targets)
        moving = sorted(set(positions))
        first, second = make(low), make(low + 1)
        # per moving indicator: top = a + b·x, bottom = c + d·x
        rows = []
        for position in moving:
            top, bottom = self._top_bottom(position, base[position], first)
            next_top, next_bottom = self._top_bottom(position, base[position], second)
            b, d = next_top - top, next_bottom - bottom
            rows.append((self._shape[position][2], top - b * low, b, bottom - d * low, d, float_targets[position]))
        if whole is not None:
            # the others' sum from the whole one of some x: take the moving ones' terms away
            x, rest = whole
            for weight, a, b, c, d, target in rows:
                bottom = c + d * x
                if bottom:
                    ratio = (a + b * x) / (bottom * target)
                    rest -= weight * (1.0 if ratio >= 1.0 else ratio)
        elif rest is None:
            rest = 0.0
            for position in range(len(self._shape)):
                if position not in moving:
                    rest += self._term(position, base[position], float_targets[position], first)
        scale = 100.0 / self._total_weight
        threshold = self._rough_thresholds[band.color]

        def holds(x: int) -> bool:
            total = rest
            for weight, a, b, c, d, target in rows:
                bottom = c + d * x
                if bottom:
                    ratio = (a + b * x) / (bottom * target)
                    total += weight * (1.0 if ratio >= 1.0 else ratio)
            rough = scale * total - threshold
            if rough > _MARGIN:
                return True
            if rough < -_MARGIN:
                return False
            return self._reaches_exactly(base, targets, make(x), band)

        return holds

    def _with_choice(
        self, base: Sequence[tuple[int, int]], choice: _Choice
    ) -> Iterator[tuple[int, int, int, int]]:
        """``(position, weight, value numerator, value denominator)`` of each indicator with ``choice``
        added, exactly as the score counts them; indicators still undefined (denominator 0) are left out."""
        counts = choice.counts
        linked = choice.linked
        for position, (measure, members, weight) in enumerate(self._shape):
            top, bottom = base[position]
            added = 0
            links = 0
            for n in members:
                count = counts[n]
                if count:
                    added += count
                    if n in linked:
                        links += count
            if measure is Measure.COUNT:
                top += added
            elif measure is Measure.PARTICIPANTS:
                top += added * choice.people
            elif measure is Measure.DISTINCT_PUBLICATION_URLS:
                top += links
            elif measure is Measure.FEMALE_SHARE:
                top = 100 * (top + added * choice.women)
                bottom += added * choice.people
            else:
                top = 100 * (top + added) if choice.on_time else 100 * top
                bottom += added
            if bottom == 0:
                continue
            yield position, weight, top, bottom

    def _rough(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], choice: _Choice) -> float:
        """The composite with ``choice`` added, in floating point (an error far below :data:`_MARGIN`)."""
        if targets is not self._float_for:
            self._float_for = targets
            self._float_targets = tuple(float(t) for t in targets)
        float_targets = self._float_targets
        total = 0.0
        for position, weight, top, bottom in self._with_choice(base, choice):
            ratio = top / (bottom * float_targets[position])
            total += weight * (1.0 if ratio >= 1.0 else ratio)
        return 100.0 * total / self._total_weight

    def _weighted(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction],
                  choice: _Choice) -> tuple[int, int]:
        """Σ weight × min(value ÷ target, 1) with ``choice`` added, as an exact (numerator, denominator)."""
        numerator, denominator = 0, 1  # Σ weight × min(value ÷ target, 1), exactly
        for position, weight, top, bottom in self._with_choice(base, choice):
            target = targets[position]
            over = top * target.denominator
            under = bottom * target.numerator
            if over >= under:
                numerator += weight * denominator
            else:
                numerator = numerator * under + weight * over * denominator
                denominator *= under
        return numerator, denominator

    # -- search ----------------------------------------------------------------------------
    def _compositions(self, total: int, slots: int) -> Iterator[tuple[int, ...]]:
        if slots == 1:
            yield (total,)
            return
        for first in range(total, -1, -1):
            for rest in self._compositions(total - first, slots - 1):
                yield (first, *rest)

    def _mixes(self, total: int) -> tuple[list[tuple[int, ...]], list[list[int]]]:
        """The mixes of ``total`` frontier activities (:meth:`_compositions` order), and per slot group
        each mix's activities in the group's slots."""
        found = self._mixes_of.get(total)
        if found is None:
            parts = list(self._compositions(total, len(self._frontier)))
            sums = [[sum(part[j] for j in slots) for part in parts] for slots, _ in self._slot_groups]
            found = self._mixes_of[total] = (parts, sums)
        return found

    def _spread(self, counts: Sequence[int], over: Sequence[int]) -> tuple[int, ...]:
        full = [0] * len(self._classes)
        for n, count in zip(over, counts, strict=True):
            full[n] = count
        return tuple(full)

    def _all_links(self, counts: Sequence[int]) -> frozenset[int]:
        return frozenset(n for n, c in enumerate(self._classes) if c.linkable and counts[n])

    def _smallest(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                  cap: int, start: int, mixes: _Mixes) -> _Choice | None:
        """The smallest addition reaching ``band``, or None within :data:`MAX_ADDED` activities."""
        frontier = self._frontier
        if not frontier:
            return None
        frontier_links = [self._classes[n].linkable for n in frontier]
        people_slots = [j for j, people in enumerate(self._classes[n].people for n in frontier) if people]
        scale = 100.0 / self._total_weight
        threshold = self._rough_thresholds[band.color]

        def reaching(total: int, *, every: bool) -> list[tuple[tuple[int, ...], float]]:
            """The mixes of ``total`` frontier activities that reach the band, at their most useful
            (with their Σ weight × min(value ÷ target, 1))."""
            parts, values = mixes.values(total)
            found: list[tuple[tuple[int, ...], float]] = []
            if scale * max(values) - threshold < -_MARGIN:
                return found
            for part, value in zip(parts, values, strict=True):
                # the float composite decides unless it is within a hair of the threshold (as _reaches)
                rough = scale * value - threshold
                if rough < -_MARGIN:
                    continue
                counts = self._spread(part, frontier)
                if rough <= _MARGIN:
                    most = cap if any(part[j] for j in people_slots) else 0
                    linked = frozenset(
                        n for n, c, link in zip(frontier, part, frontier_links, strict=True) if c and link
                    )
                    if not self._reaches(base, targets, _Choice(counts, most, most, linked), band):
                        continue
                found.append((counts, value))
                if not every:
                    break
            return found

        least = self._least_total(band, mixes)
        if least is None:
            return None
        # Reaching is monotone in the total (one more activity never lowers a score at its most
        # useful), so gallop up from the lower bound, then halve the gap.
        low, step = max(start, least), 1
        high = low
        while not reaching(high, every=False):
            low = high + 1
            if low > MAX_ADDED:
                return None
            high = min(high + step, MAX_ADDED)
            step *= 2
        total = self._lowest(low, high, lambda n: bool(reaching(n, every=False)))
        feasible = reaching(total, every=True)
        # fewest participants first (cheap); women and links only for the vectors that tie there. A vector
        # whose participants cannot come down to the fewest so far is left out after one check.
        people: dict[tuple[int, ...], int] = {}
        fewest: int | None = None
        for counts, value in feasible:
            many = self._people_count(counts)
            most = cap if fewest is None or not many else min(cap, fewest // many)
            found = self._fewest_people(base, targets, band, counts, cap, most, value)
            if found is not None:
                people[counts] = found
                fewest = found * many if fewest is None else min(fewest, found * many)
        refined = [
            self._refine(base, targets, band, counts, p)
            for counts, p in people.items() if p * self._people_count(counts) == fewest
        ]
        best = min(refined, key=self._cost)
        return self._finish(base, targets, band, best)

    def _least_total(self, band: ColorBand, mixes: _Mixes) -> int | None:
        """A lower bound on the activities needed (None: more than :data:`MAX_ADDED`).

        Each indicator's score, at the most useful additions, rises by no more
        with each further activity than with the first (counts and links are
        capped lines, the shares are concave), so n activities of a class add
        at most n times what its first one adds. In floating point, rounded down
        by a hair: a bound one too low only starts the search one step earlier.
        """
        scale = 100.0 / self._total_weight
        now = mixes.values(0)[1][0]
        best = scale * (max(mixes.values(1)[1]) - now)
        if best <= 0:
            return None
        needed = self._rough_thresholds[band.color] - scale * now
        least = max(1, math.ceil(needed / best - 1e-6))
        return least if least <= MAX_ADDED else None

    def _has_people(self, counts: Sequence[int]) -> bool:
        return any(count and self._classes[n].people for n, count in enumerate(counts))

    def _people_count(self, counts: Sequence[int]) -> int:
        return sum(count for n, count in enumerate(counts) if self._classes[n].people)

    def _cost(self, choice: _Choice) -> tuple[int, int, int, int]:
        links = sum(choice.counts[n] for n in choice.linked)
        simplicity = sum(count * len(self._classes[n].signature) for n, count in enumerate(choice.counts))
        return (sum(choice.counts), choice.people * self._people_count(choice.counts), links, simplicity)

    @staticmethod
    def _lowest(low: int, high: int, holds: Callable[[int], bool]) -> int:
        """The lowest value in ``low…high`` for which the monotone ``holds`` is true (``holds(high)`` is)."""
        while low < high:
            middle = (low + high) // 2
            if holds(middle):
                high = middle
            else:
                low = middle + 1
        return low

    def _women_floor(self, people: int, targets: Sequence[Fraction]) -> int:
        shares = [t for i, t in zip(self._indicators, targets, strict=True) if i.measure is Measure.FEMALE_SHARE]
        if not shares or people == 0:
            return 0
        return min(people, math.ceil(people * max(shares) / 100))

    def _fewest_people(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                       counts: tuple[int, ...], cap: int, most: int | None = None,
                       whole: float | None = None) -> int | None:
        """The fewest participants per engagement activity for these counts (0 without any);
        None when more than ``most`` (at most ``cap``, which reaches) are needed. ``whole``: the float
        Σ weight × min(value ÷ target, 1) of the counts at their most useful, when known."""
        if not self._has_people(counts):
            return 0
        most = cap if most is None else most
        if most < 1:
            return None
        links = self._all_links(counts)
        holds = self._linear(base, targets, band, lambda p: _Choice(counts, p, p, links),
                             self._positions[Measure.PARTICIPANTS] | self._positions[Measure.FEMALE_SHARE], 1,
                             None if whole is None else (cap, whole))
        if most < cap and not holds(most):
            return None
        return self._lowest(1, most, holds)

    def _refine(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                counts: tuple[int, ...], people: int) -> _Choice:
        """Fewest women above the floor, then fewest links, for these counts and participants."""
        links = self._all_links(counts)
        floor = self._women_floor(people, targets)
        women = 0
        if people:
            women = self._lowest_reaching(base, targets, band, lambda w: _Choice(counts, people, w, links),
                                          self._positions[Measure.FEMALE_SHARE], floor, people)
        choice = _Choice(counts, people, women, links)
        return self._fewest_links(base, targets, band, choice)

    def _fewest_links(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                      choice: _Choice, rest: float | None = None) -> _Choice:
        """The fewest links that keep ``choice`` reaching (``rest``: the float terms of the other indicators)."""
        forced = frozenset(n for n in choice.linked if self._classes[n].link_forced)
        optional = sorted(choice.linked - forced)
        subsets = [
            forced | frozenset(subset)
            for size in range(len(optional) + 1)
            for subset in combinations(optional, size)
        ]
        subsets.sort(key=lambda s: sum(choice.counts[n] for n in s))
        if len(subsets) == 1:
            return choice
        reaches = self._reacher(base, targets, band, choice, self._positions[Measure.DISTINCT_PUBLICATION_URLS], rest)
        # the last is all of them (the only one with as many links): ``choice`` whether it reaches or not
        for subset in subsets[:-1]:
            candidate = _Choice(choice.counts, choice.people, choice.women, subset, choice.on_time)
            if reaches(candidate):
                return candidate
        return choice

    def _finish(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                choice: _Choice) -> _Choice:
        """Move activities to simpler classes where the colour still holds; then links and reporting."""
        counts = list(choice.counts)
        links_all = frozenset(n for n, c in enumerate(self._classes) if c.linkable)
        everything = range(len(self._shape))
        # the float term of each indicator, kept up to date as activities move (each search below
        # varies a few indicators and takes the others from here)
        terms = [0.0] * len(self._shape)
        self._terms(base, targets, choice, everything, terms)
        links = self._positions[Measure.DISTINCT_PUBLICATION_URLS]
        for n, rich in enumerate(self._classes):
            for m, simple in enumerate(self._classes):
                if m >= n or simple.people != rich.people or not simple.signature < rich.signature:
                    continue
                if not counts[n]:
                    break
                # moving changes the indicators only one of the two classes feeds, and the links
                changed = rich.signature ^ simple.signature
                moving = changed | links
                keep = self._lowest_reaching(
                    base, targets, band, functools.partial(self._keeping, choice, tuple(counts), n, m, links_all),
                    moving, 0, counts[n], rest=sum(t for p, t in enumerate(terms) if p not in moving))
                moved_count = counts[n] - keep
                if moved_count:
                    counts[n] -= moved_count
                    counts[m] += moved_count
                    self._terms(base, targets, _Choice(tuple(counts), choice.people, choice.women, choice.linked),
                                changed, terms)
        final = tuple(counts)
        chosen = _Choice(final, choice.people, choice.women, self._all_links(final))
        chosen = self._fewest_links(base, targets, band, chosen,
                                    sum(t for p, t in enumerate(terms) if p not in links))
        if self._timely:
            late = _Choice(chosen.counts, chosen.people, chosen.women, chosen.linked, on_time=False)
            self._terms(base, targets, chosen, links, terms)
            timely = self._positions[Measure.TIMELY_SHARE]
            rest = sum(t for p, t in enumerate(terms) if p not in timely)
            if self._reacher(base, targets, band, chosen, timely, rest)(late):
                chosen = late
        return chosen

    @staticmethod
    def _keeping(choice: _Choice, counts: tuple[int, ...], rich: int, simple: int, links: frozenset[int],
                 kept: int) -> _Choice:
        """``choice`` with all but ``kept`` of the ``rich`` class moved to the ``simple`` one.

        It reaches for ``kept = counts[rich]`` (nothing moved); it can only fail as more move.
        """
        moved = list(counts)
        moved[simple] += moved[rich] - kept
        moved[rich] = kept
        linked = links & frozenset(i for i, c in enumerate(moved) if c)
        return _Choice(tuple(moved), choice.people, choice.women, linked)

    # -- plans -----------------------------------------------------------------------------
    def plan(
        self,
        result: LibraryResult,
        by_kind: Mapping[ActivityKind, KindTally],
        *,
        as_of: pendulum.Date | None = None,
        check: bool = True,
    ) -> Plan:
        """The plan of one scored library, given the tallies it was scored from.

        ``check=False`` skips making sure the tallies give the result (for
        callers that tallied the very activities the run was scored from).

        Raises:
            ValueError: rescoring ``by_kind`` does not give ``result`` (the wrong activities were given).
        """
        library = result.library
        if self._order[result.color] == 0:
            return Plan(status=PlanStatus.TOP, options=(), message=Message("gap.top", color=_color(result.color)))
        if check and self._score(library, by_kind).composite_exact != result.composite_exact:
            msg = f"the activities given for {library.id!r} are not those its result was scored from"
            raise ValueError(msg)
        base = self._base(library, by_kind)
        targets, alike = self._targets_and_key(library)
        ended = as_of is not None and as_of > self.period.end
        key = (base, alike, result.color)
        plan = self._plan_of.get((key, ended))
        if plan is None:
            found = self._cache.get(key)
            if found is None:
                found = self._cache[key] = self._options(library, by_kind, base, targets, result.color)
            plan = self._plan_of[key, ended] = self._plan(*found, result.color, ended=ended)
        return plan

    def _plan(self, options: tuple[PlanOption, ...], reached: bool, color: Color, *, ended: bool) -> Plan:
        if not reached:
            band = self.rubric.next_band(color)
            assert band is not None
            message = Message("plan.out_of_reach", color=_color(band.color), limit=MAX_ADDED)
            return Plan(status=PlanStatus.OUT_OF_REACH, options=options, message=message)
        if ended:
            message = Message("plan.ended", period=self.period.title, plan=options[0].message)
            return Plan(status=PlanStatus.PERIOD_ENDED, options=options, message=message)
        return Plan(status=PlanStatus.OK, options=options, message=options[0].message)

    def _targets_and_key(self, library: Library) -> tuple[tuple[Fraction, ...], int]:
        """The library's targets, and a number equal for equal targets (a cheap part of the cache key)."""
        found = self._targets_of.get((library.kind, library.level))
        if found is None:
            targets = self._targets(library)
            alike = self._alike.setdefault(targets, len(self._alike))
            found = self._targets_of[library.kind, library.level] = (targets, alike)
        return found

    def _options(self, library: Library, by_kind: Mapping[ActivityKind, KindTally],
                 base: tuple[tuple[int, int], ...], targets: tuple[Fraction, ...],
                 color: Color) -> tuple[tuple[PlanOption, ...], bool]:
        cap = self._people_cap(targets)
        mixes = _Mixes(self, base, targets, cap)
        options: list[PlanOption] = []
        start = 1
        current = color
        for _ in range(2):
            band = self.rubric.next_band(current)
            if band is None:
                break
            choice = self._smallest(base, targets, band, cap, start, mixes)
            if choice is None:
                break
            option = self._option(band.color, choice)
            if not self._verified(library, by_kind, option, band.color):
                break
            options.append(option)
            start = sum(choice.counts)
            current = band.color
        return tuple(options), bool(options)

    def _option(self, color: Color, choice: _Choice) -> PlanOption:
        """The option of ``choice`` and its words (equal choices share one: building the words is costly)."""
        key = (color, choice)
        option = self._option_of.get(key)
        if option is None:
            option = self._option_of[key] = self._new_option(color, choice)
        return option

    def _new_option(self, color: Color, choice: _Choice) -> PlanOption:
        groups = []
        for n, count in enumerate(choice.counts):
            if not count:
                continue
            klass = self._classes[n]
            groups.append((klass, ActivityGroup(
                kind=klass.kind,
                count=count,
                participants=choice.people if klass.people else 0,
                women=choice.women if klass.people else 0,
                link=n in choice.linked,
                partner=False,
                on_time=choice.on_time and self._timely,
            )))
        # the people activities first (the heart of the programme), then by how many
        groups.sort(key=lambda pair: (not pair[0].people, -pair[1].count, _kind_sort(pair[1].kind)))
        add = tuple(group for _, group in groups)
        return PlanOption(reaches=color, add=add, message=self._message(color, groups))

    def _message(self, color: Color, groups: Sequence[tuple[_Class, ActivityGroup]]) -> Message:
        items = [self._group_words(klass, group) for klass, group in groups]
        listed = items[-1]
        if len(items) > 1:
            listed = Message("plan.and", first=items[-2], rest=items[-1])
            for item in reversed(items[:-2]):
                listed = Message("text.comma_list", first=item, rest=listed)
        if self._deadline is None:
            end = self.period.end
            self._deadline = Message("period.day", day=end.day, month=month_name(end.month), year=end.year)
        on_time = any(group.on_time for _, group in groups)
        timely = Message.plural("plan.timely", self._within) if on_time else Message.literal("")
        return Message("plan.option", items=listed, deadline=self._deadline, color=_color(color), timely=timely)

    def _group_words(self, klass: _Class, group: ActivityGroup) -> Message:
        """What one group of an option says (messages are immutable: equal groups share theirs)."""
        found = self._words_of.get((klass, group))
        if found is not None:
            return found
        kinds = [_kind_label(self.rubric, k) for k in klass.kinds]
        kind = kinds[-1]
        for other in reversed(kinds[:-1]):
            kind = Message("plan.kind_or", first=other, rest=kind)
        what = Message.plural("plan.group", group.count, kind=kind)
        details: list[Message] = []
        if group.participants:
            details.append(Message.plural("plan.people", group.participants))
            if group.women:
                # the share, not only the count: more participants with the same women would
                # lower the women's share and miss the colour (found by a hostile review)
                share = -(-100 * group.women // group.participants)
                details.append(Message.plural("plan.women", group.women, share=share))
        if group.link:
            details.append(Message("plan.link.one" if group.count == 1 else "plan.link.each"))
        if details:
            chained = details[-1]
            for detail in reversed(details[:-1]):
                chained = Message("text.comma_list", first=detail, rest=chained)
            what = Message("plan.details", what=what, details=chained)
        self._words_of[klass, group] = what
        return what

    def _verified(self, library: Library, by_kind: Mapping[ActivityKind, KindTally], option: PlanOption,
                  color: Color) -> bool:
        """Rescore the library with the option's activities added: does it reach ``color``?

        The KPI engine's own arithmetic decides (:func:`~tpbis.domain.kpi.library_colorer`), not the search's.
        """
        # the kinds the option adds to are copied; the others are only read
        merged = dict(by_kind)
        added: dict[ActivityKind, KindTally] = {}
        late = self._within + 1
        serial = 0
        for group in option.add:
            t = added.get(group.kind)
            if t is None:
                found = by_kind.get(group.kind)
                t = added[group.kind] = merged[group.kind] = _copy(found) if found is not None else KindTally()
            count = group.count
            t.count += count
            t.participants += count * group.participants
            t.female += count * group.women
            delay = 0 if group.on_time else late
            t.delays[delay] = t.delays.get(delay, 0) + count
            if group.link:
                t.urls.update(f"tpbis-plan:{serial + n}" for n in range(1, count + 1))
            serial += count
        return self._order[self._color_of(library, merged)] <= self._order[color]


def _copy(t: KindTally) -> KindTally:
    return KindTally(count=t.count, participants=t.participants, female=t.female,
                     delays=dict(t.delays), urls=set(t.urls))


def _color(color: Color) -> Message:
    return Message(f"color.{color.value}")


def _kind_label(rubric: Rubric, kind: ActivityKind) -> Message:
    """The kind's short label as it reads inside a sentence ("pelatihan TIK", "skills training")."""
    info = rubric.kind_info(kind)
    return Message.literal(_inner(info.label.split(" (", 1)[0]), _inner(info.label_en.split(" (", 1)[0]))


def _inner(text: str) -> str:
    """Lower-case the first letter, unless the first word is an acronym (TIK, ICT)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:].isupper():
        return text
    return text[:1].lower() + text[1:]


def _tallies_of(result: LibraryResult, period: Period,
                activities: Iterable[Activity] | Mapping[ActivityKind, KindTally]) -> Mapping[ActivityKind, KindTally]:
    if isinstance(activities, Mapping):
        return activities
    return tally(activities, period).get(result.library.id, {})


def plan_for(
    result: LibraryResult,
    rubric: Rubric,
    period: Period,
    *,
    activities: Iterable[Activity] | Mapping[ActivityKind, KindTally] = (),
    as_of: pendulum.Date | None = None,
    planner: Planner | None = None,
) -> Plan:
    """The plan of one scored library: the fewest activities to add for the next colour (and the one after).

    Args:
        result: the library's KPI for ``period`` under ``rubric``.
        rubric: the rubric it was scored with.
        period: the period it was scored for.
        activities: the activities it was scored from (all libraries' will do; others are ignored),
            or the library's own tallies for the period (:func:`~tpbis.domain.kpi.tally`).
        as_of: today, to say whether the period has ended; None to not say.
        planner: a :class:`Planner` for this rubric and period, shared across libraries (faster).

    Raises:
        ValueError: ``activities`` do not give ``result`` when rescored.
    """
    planner = planner if planner is not None else Planner(rubric, period)
    return planner.plan(result, _tallies_of(result, period, activities), as_of=as_of)


def plans_for(
    run: KpiRun,
    activities: Iterable[Activity] | Mapping[str, Mapping[ActivityKind, KindTally]],
    *,
    as_of: pendulum.Date | None = None,
) -> dict[str, Plan]:
    """The plan of every library of a run, by library id (activities are tallied once)."""
    planner = Planner(run.rubric, run.period)
    tallies = activities if isinstance(activities, Mapping) else tally(activities, run.period)
    empty: dict[ActivityKind, KindTally] = {}
    with collector_paused():  # many short-lived objects, no cycles
        return {
            r.library.id: planner.plan(r, tallies.get(r.library.id, empty), as_of=as_of, check=not isinstance(
                activities, Mapping))
            for r in run.results
        }


def plan_activities(option: PlanOption, library: Library, period: Period, rubric: Rubric) -> tuple[Activity, ...]:
    """The option's activities as reports: dated the period's last day, each with its own link.

    On-time groups are reported the same day; the others one day after the
    rubric's timeliness limit (the plan holds even then).
    """
    late = max((i.within_days for i in rubric.indicators if i.measure is Measure.TIMELY_SHARE), default=7) + 1
    day = period.end
    found: list[Activity] = []
    for group in option.add:
        for _ in range(group.count):
            serial = len(found) + 1
            reported_on = day if group.on_time else day.add(days=late)
            reported_at = pendulum.datetime(reported_on.year, reported_on.month, reported_on.day, 12,
                                            tz=library.timezone)
            found.append(Activity(
                library_id=library.id,
                date=day,
                title=f"Rencana {group.kind.value} {serial}",
                kind=group.kind,
                participants_male=group.participants - group.women,
                participants_female=group.women,
                partners=("Mitra",) if group.partner else (),
                publication_urls=(f"https://plan.tpbis.invalid/{library.id}/{serial}",) if group.link else (),
                reported_at=reported_at,
                reported_on=reported_on,
                source=SourceRef(tab="plan", row=0),
            ))
    return tuple(found)
