"""The plan search as it was before it was made faster: the oracle of ``test_plan_search.py``.

A verbatim copy of ``tpbis.domain.plan.Planner`` at commit b82a2f1 (only renamed);
the faster search must give exactly the same plans.
"""
# ruff: noqa

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from itertools import combinations

import attrs
import pendulum

from tpbis.domain.activity import ActivityKind
from tpbis.domain.kpi import KindTally, LibraryResult, library_scorer
from tpbis.domain.library import Library
from tpbis.domain.period import Period, month_name
from tpbis.domain.plan import (
    MAX_ADDED,
    ActivityGroup,
    Plan,
    PlanOption,
    PlanStatus,
    _Choice,
    _Class,
    _color,
    _copy,
    _kind_label,
    _kind_sort,
)
from tpbis.domain.rubric import Color, ColorBand, Measure, Rubric
from tpbis.message import Message

_DEFAULT_PEOPLE = 30
_MARGIN = 1e-6


class ReferencePlanner:
    """The planner as it was before the search was made faster (commit b82a2f1), kept as the oracle."""

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
        self._cache: dict[object, tuple[tuple[PlanOption, ...], bool]] = {}
        self._score = library_scorer(rubric, period)

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
        base = []
        for indicator in self._indicators:
            tallies = [t for k in ActivityKind if k in indicator.kinds and (t := by_kind.get(k)) is not None]
            measure = indicator.measure
            if measure is Measure.COUNT:
                base.append((sum(t.count for t in tallies), 1))
            elif measure is Measure.PARTICIPANTS:
                base.append((sum(t.participants for t in tallies), 1))
            elif measure is Measure.DISTINCT_PUBLICATION_URLS:
                base.append((len(set().union(*(t.urls for t in tallies))), 1))
            elif measure is Measure.FEMALE_SHARE:
                base.append((sum(t.female for t in tallies), sum(t.participants for t in tallies)))
            else:
                limit = indicator.within_days
                timely = sum(n for t in tallies for d, n in t.delays.items() if d <= limit)
                base.append((timely, sum(t.count for t in tallies)))
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
        numerator, denominator = self._weighted(base, targets, choice)
        threshold = self._thresholds[band.color]
        # 100 × numerator ÷ (denominator × W) ≥ threshold
        return 100 * numerator * threshold.denominator >= threshold.numerator * denominator * self._total_weight

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

    def _composite(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], choice: _Choice) -> Fraction:
        """The exact composite with ``choice`` added."""
        numerator, denominator = self._weighted(base, targets, choice)
        return Fraction(100 * numerator, denominator * self._total_weight)

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

    def _spread(self, counts: Sequence[int], over: Sequence[int]) -> tuple[int, ...]:
        full = [0] * len(self._classes)
        for n, count in zip(over, counts, strict=True):
            full[n] = count
        return tuple(full)

    def _all_links(self, counts: Sequence[int]) -> frozenset[int]:
        return frozenset(n for n, c in enumerate(self._classes) if c.linkable and counts[n])

    def _smallest(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                  cap: int, start: int) -> _Choice | None:
        """The smallest addition reaching ``band``, or None within :data:`MAX_ADDED` activities."""
        frontier = self._frontier
        if not frontier:
            return None
        frontier_people = [self._classes[n].people for n in frontier]
        frontier_links = [self._classes[n].linkable for n in frontier]
        people_slots = [j for j, people in enumerate(frontier_people) if people]
        rough_at = self._rough_of_parts(base, targets, band)

        def reaching(total: int, *, every: bool) -> list[tuple[int, ...]]:
            """The mixes of ``total`` frontier activities that reach the band, at their most useful."""
            found = []
            for part in self._compositions(total, len(frontier)):
                most = cap if any(part[j] for j in people_slots) else 0
                # the float composite decides unless it is within a hair of the threshold (as _reaches)
                rough = rough_at(part, most)
                if rough < -_MARGIN:
                    continue
                counts = self._spread(part, frontier)
                if rough <= _MARGIN:
                    linked = frozenset(
                        n for n, c, link in zip(frontier, part, frontier_links, strict=True) if c and link
                    )
                    if not self._reaches(base, targets, _Choice(counts, most, most, linked), band):
                        continue
                found.append(counts)
                if not every:
                    break
            return found

        least = self._least_total(base, targets, band, cap)
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
        # fewest participants first (cheap); women and links only for the vectors that tie there
        people = {counts: self._fewest_people(base, targets, band, counts, cap) for counts in feasible}
        fewest = min(p * self._people_count(c) for c, p in people.items())
        refined = [
            self._refine(base, targets, band, counts, p)
            for counts, p in people.items() if p * self._people_count(counts) == fewest
        ]
        best = min(refined, key=self._cost)
        return self._finish(base, targets, band, best)

    def _rough_of_parts(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction],
                        band: ColorBand) -> Callable[[tuple[int, ...], int], float]:
        """:meth:`_rough` minus the band's threshold, for mixes of frontier activities at their most useful.

        The search's hot loop: ``part`` counts per frontier class, each with
        ``people`` participants (all women), a link where its class takes one,
        reported on time. Indicators no frontier class feeds are summed once.
        """
        float_targets = [float(t) for t in targets]
        position_of = {n: j for j, n in enumerate(self._frontier)}
        fixed = 0.0
        moving = []
        for position, (measure, members, weight) in enumerate(self._shape):
            top, bottom = base[position]
            slots = tuple(position_of[n] for n in members if n in position_of)
            if not slots:
                if bottom:
                    ratio = top / (bottom * float_targets[position])
                    fixed += weight * (1.0 if ratio >= 1.0 else ratio)
                continue
            linked = tuple(j for j in slots if self._classes[self._frontier[j]].linkable)
            moving.append((measure, slots, linked, weight, top, bottom, float_targets[position]))
        scale = 100.0 / self._total_weight
        threshold = self._rough_thresholds[band.color]
        count, participants, links, women = (Measure.COUNT, Measure.PARTICIPANTS, Measure.DISTINCT_PUBLICATION_URLS,
                                             Measure.FEMALE_SHARE)

        def rough(part: tuple[int, ...], people: int) -> float:
            total = fixed
            for measure, slots, linked, weight, top, bottom, target in moving:
                added = 0
                for j in slots:
                    added += part[j]
                if measure is count:
                    top += added
                elif measure is participants:
                    top += added * people
                elif measure is links:
                    for j in linked:
                        top += part[j]
                elif measure is women:
                    top = 100 * (top + added * people)
                    bottom += added * people
                else:
                    top = 100 * (top + added)
                    bottom += added
                if bottom:
                    ratio = top / (bottom * target)
                    total += weight * (1.0 if ratio >= 1.0 else ratio)
            return scale * total - threshold

        return rough

    def _most_useful(self, counts: tuple[int, ...], cap: int) -> _Choice:
        """``counts`` at their most useful: most participants, all women, a link each, on time."""
        people = cap if self._has_people(counts) else 0
        return _Choice(counts, people, people, self._all_links(counts))

    def _least_total(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                     cap: int) -> int | None:
        """A lower bound on the activities needed (None: more than :data:`MAX_ADDED`).

        Each indicator's score, at the most useful additions, rises by no more
        with each further activity than with the first (counts and links are
        capped lines, the shares are concave), so n activities of a class add
        at most n times what its first one adds.
        """
        empty = (0,) * len(self._classes)
        now = self._composite(base, targets, self._most_useful(empty, cap))
        needed = self._thresholds[band.color] - now
        gains = []
        for n in self._frontier:
            one = tuple(1 if m == n else 0 for m in range(len(self._classes)))
            gains.append(self._composite(base, targets, self._most_useful(one, cap)) - now)
        best = max(gains, default=Fraction(0))
        if best <= 0:
            return None
        least = max(1, math.ceil(needed / best))
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
                       counts: tuple[int, ...], cap: int) -> int:
        """The fewest participants per engagement activity for these counts (0 without any)."""
        if not self._has_people(counts):
            return 0
        links = self._all_links(counts)
        return self._lowest(1, cap, lambda p: self._reaches(base, targets, _Choice(counts, p, p, links), band))

    def _refine(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                counts: tuple[int, ...], people: int) -> _Choice:
        """Fewest women above the floor, then fewest links, for these counts and participants."""
        links = self._all_links(counts)
        floor = self._women_floor(people, targets)
        women = self._lowest(
            floor, people, lambda w: self._reaches(base, targets, _Choice(counts, people, w, links), band)
        ) if people else 0
        choice = _Choice(counts, people, women, links)
        return self._fewest_links(base, targets, band, choice)

    def _fewest_links(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                      choice: _Choice) -> _Choice:
        forced = frozenset(n for n in choice.linked if self._classes[n].link_forced)
        optional = sorted(choice.linked - forced)
        subsets = [
            forced | frozenset(subset)
            for size in range(len(optional) + 1)
            for subset in combinations(optional, size)
        ]
        subsets.sort(key=lambda s: sum(choice.counts[n] for n in s))
        for subset in subsets:
            candidate = attrs.evolve(choice, linked=subset)
            if self._reaches(base, targets, candidate, band):
                return candidate
        return choice

    def _finish(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                choice: _Choice) -> _Choice:
        """Move activities to simpler classes where the colour still holds; then links and reporting."""
        counts = list(choice.counts)
        links_all = frozenset(n for n, c in enumerate(self._classes) if c.linkable)
        for n, rich in enumerate(self._classes):
            for m, simple in enumerate(self._classes):
                if m >= n or simple.people != rich.people or not simple.signature < rich.signature:
                    continue
                if not counts[n]:
                    break

                keep = self._lowest(0, counts[n], functools.partial(
                    self._holds_keeping, base, targets, band, choice, tuple(counts), n, m, links_all))
                moved_count = counts[n] - keep
                counts[n] -= moved_count
                counts[m] += moved_count
        final = tuple(counts)
        chosen = _Choice(final, choice.people, choice.women, self._all_links(final))
        chosen = self._fewest_links(base, targets, band, chosen)
        if self._timely:
            late = attrs.evolve(chosen, on_time=False)
            if self._reaches(base, targets, late, band):
                chosen = late
        return chosen

    def _holds_keeping(self, base: Sequence[tuple[int, int]], targets: Sequence[Fraction], band: ColorBand,
                       choice: _Choice, counts: tuple[int, ...], rich: int, simple: int,
                       links: frozenset[int], kept: int) -> bool:
        """Whether the colour holds with all but ``kept`` of the ``rich`` class moved to the ``simple`` one.

        True for ``kept = counts[rich]`` (nothing moved); it can only fail as more move.
        """
        moved = list(counts)
        moved[simple] += moved[rich] - kept
        moved[rich] = kept
        linked = links & frozenset(i for i, c in enumerate(moved) if c)
        return self._reaches(base, targets, _Choice(tuple(moved), choice.people, choice.women, linked), band)

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
        targets = self._targets(library)
        key = (base, targets, result.color)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._options(library, by_kind, base, targets, result.color)
        options, reached = found
        ended = as_of is not None and as_of > self.period.end
        if not reached:
            band = self.rubric.next_band(result.color)
            assert band is not None
            message = Message("plan.out_of_reach", color=_color(band.color), limit=MAX_ADDED)
            return Plan(status=PlanStatus.OUT_OF_REACH, options=options, message=message)
        if ended:
            message = Message("plan.ended", period=self.period.title, plan=options[0].message)
            return Plan(status=PlanStatus.PERIOD_ENDED, options=options, message=message)
        return Plan(status=PlanStatus.OK, options=options, message=options[0].message)

    def _options(self, library: Library, by_kind: Mapping[ActivityKind, KindTally],
                 base: tuple[tuple[int, int], ...], targets: tuple[Fraction, ...],
                 color: Color) -> tuple[tuple[PlanOption, ...], bool]:
        cap = self._people_cap(targets)
        options: list[PlanOption] = []
        start = 1
        current = color
        for _ in range(2):
            band = self.rubric.next_band(current)
            if band is None:
                break
            choice = self._smallest(base, targets, band, cap, start)
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
        items: list[Message] = []
        for klass, group in groups:
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
            items.append(what)
        listed = items[-1]
        if len(items) > 1:
            listed = Message("plan.and", first=items[-2], rest=items[-1])
            for item in reversed(items[:-2]):
                listed = Message("text.comma_list", first=item, rest=listed)
        end = self.period.end
        deadline = Message("period.day", day=end.day, month=month_name(end.month), year=end.year)
        on_time = any(group.on_time for _, group in groups)
        timely = Message.plural("plan.timely", self._within) if on_time else Message.literal("")
        return Message("plan.option", items=listed, deadline=deadline, color=_color(color), timely=timely)

    def _verified(self, library: Library, by_kind: Mapping[ActivityKind, KindTally], option: PlanOption,
                  color: Color) -> bool:
        """Rescore the library with the option's activities added: does it reach ``color``?"""
        merged = {kind: _copy(t) for kind, t in by_kind.items()}
        late = self._within + 1
        serial = 0
        for group in option.add:
            t = merged.setdefault(group.kind, KindTally())
            for _ in range(group.count):
                serial += 1
                t.count += 1
                t.participants += group.participants
                t.female += group.women
                delay = 0 if group.on_time else late
                t.delays[delay] = t.delays.get(delay, 0) + 1
                if group.link:
                    t.urls.add(f"tpbis-plan:{serial}")
        rescored = self._score(library, merged)
        return self._order[rescored.color] <= self._order[color]


