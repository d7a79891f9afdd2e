"""Duplicates across the rows already accepted: exact ones between sources, possible ones by the rubric's rule.

The row parser (:mod:`tpbis.parsing.rows`) drops exact duplicates inside one
source. When several sources are read in one run, or the rubric has a
``[duplicates]`` table (:class:`~tpbis.domain.rubric.DuplicateRule`), the
accepted activities of every source are compared once more, here:

* :func:`exact_duplicates`: the same submission id (KoBo and ODK send an edited
  instance again under its id, so two exports of one form share it), or the same
  library, day, kind and normalised title (the SPEC §3.1 key), in two sources.
* :func:`possible_duplicates`: the same activity seen twice under the rule —
  the same library (or a library and the kabupaten/kota or provincial library
  of its region), the same kind, dates within the window, similar normalised
  titles (:func:`rapidfuzz.fuzz.token_sort_ratio`) and similar participant counts;
  but two reports that both give publication links, none of them shared, are two
  publications (the publications indicator counts links), and two titles that both
  carry numbers, not the same ones ("Sesi 1", "Sesi 2"), are two sessions: never
  one activity seen twice.

Both keep the *earliest report* (by ``reported_at``, then the caller's rank:
source name and row), like SPEC §3.1, so the result depends only on the rows,
not on the order the sources were given. A row matched is compared with the
reports kept so far only: a duplicate is never itself an original, and no two
kept reports match each other.

``token_sort_ratio`` (the Indel similarity of the titles' words sorted) is
symmetric, so which report comes first cannot change a score; it forgives
re-ordered words and small edits ("Pelatihan Komputer untuk Ibu PKK" /
"Pelatihan komputer ibu-ibu PKK") but, unlike ``partial_ratio`` or
``token_set_ratio``, does not score a short title 100 against every longer
title that contains it ("Pelatihan" / "Pelatihan Komputer Dasar").

The scan is grouped and windowed, never quadratic: reports are visited in
report order and each is compared only with the kept reports of the same kind
of its own library and of its partners (the kabupaten/kota and provincial
libraries of its region, or the libraries they serve) whose dates fall in the
window, found by bisection in per-library lists sorted by date. Two village
libraries are never compared.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Hashable, Sequence

import attrs
from rapidfuzz import fuzz

from tpbis.domain.activity import Activity, ActivityKind
from tpbis.domain.kpi import collector_paused
from tpbis.domain.library import Library, Registry
from tpbis.domain.rubric import DuplicateRule
from tpbis.domain.text import url_identity
from tpbis.parsing.registry import regency_key
from tpbis.parsing.values import normalize_text

__all__ = ["DuplicateMatch", "exact_duplicates", "possible_duplicates", "report_order", "similarity"]


@attrs.frozen(kw_only=True)
class DuplicateMatch:
    """A report found to duplicate an earlier one (positions in the sequence given)."""

    #: the duplicate: counted once, with a warning
    position: int
    #: the earliest report kept that it duplicates
    original: int
    #: :func:`similarity` of the normalised titles, 0–100 (100 for an exact duplicate)
    similarity: float
    #: days between the two activity dates
    day_gap: int
    #: an exact duplicate (the SPEC §3.1 key), else a possible one (the rubric's rule)
    exact: bool = False


def similarity(first: str, second: str) -> float:
    """The similarity (0–100) of two titles the rule compares: ``token_sort_ratio`` of the normalised texts."""
    return float(fuzz.token_sort_ratio(normalize_text(first), normalize_text(second), processor=None))


def report_order(activities: Sequence[Activity], ranks: Sequence[Hashable] | None = None) -> list[int]:
    """Positions of ``activities``, earliest report first: by ``reported_at``, then ``ranks``, then position."""
    if ranks is None:
        ranks = [(a.source.tab, a.source.row) for a in activities]
    return sorted(range(len(activities)), key=lambda i: (activities[i].reported_at, ranks[i], i))


def exact_duplicates(activities: Sequence[Activity], ranks: Sequence[Hashable] | None = None) -> list[DuplicateMatch]:
    """The reports with the submission id (an export's instance id, a form's response id) or else the
    SPEC §3.1 key (library, day, kind, normalised title) of an earlier report."""
    with collector_paused():
        return _exact(activities, ranks)


def _exact(activities: Sequence[Activity], ranks: Sequence[Hashable] | None) -> list[DuplicateMatch]:
    kept: dict[tuple[str, int, object, str], int] = {}
    submissions: dict[str, int] = {}
    found: list[DuplicateMatch] = []
    for position in report_order(activities, ranks):
        activity = activities[position]
        ident = activity.source.response_id
        if ident:  # one submission (an export's instance id) in two sources, perhaps edited in between
            first = submissions.setdefault(ident, position)
            if first != position:
                other = activities[first]
                found.append(DuplicateMatch(position=position, original=first,
                                            similarity=similarity(activity.title, other.title),
                                            day_gap=abs(activity.date.toordinal() - other.date.toordinal()),
                                            exact=True))
                continue
        key = (activity.library_id, activity.date.toordinal(), activity.kind, normalize_text(activity.title))
        first = kept.setdefault(key, position)
        if first != position:
            found.append(DuplicateMatch(position=position, original=first, similarity=100.0, day_gap=0, exact=True))
    return found


def _region(library: Library) -> tuple[str, str]:
    """The group of a library's region: its province and (below level 1) its kabupaten/kota."""
    return library.province, "" if library.level == 1 else regency_key(library.regency or "")


def _related(first: Library, second: Library) -> bool:
    """Whether two libraries may report one activity: the same one, or one reports through the other."""
    if first.id == second.id:
        return True
    if first.province != second.province or first.level == second.level:
        return False
    if 1 in (first.level, second.level):
        return True  # the provincial library and any library of its province
    return _region(first) == _region(second)  # a kabupaten/kota library and a library of its regency


_DIGITS = re.compile(r"\d+")


def _numbers(title: str) -> tuple[str, ...]:
    """The numbers written in a normalised title, sorted (``Sesi 01`` and ``sesi 1`` give ``("1",)``)."""
    return tuple(sorted(run.lstrip("0") or "0" for run in _DIGITS.findall(title)))


def _links(activity: Activity) -> frozenset[str]:
    """Its publication links as SPEC §5 compares them."""
    return frozenset(url_identity(url) for url in activity.publication_urls)


class _Kept:
    """The kept reports of one group, sorted by activity day: (day, order, position)."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        self.entries: list[tuple[int, int, int]] = []



def possible_duplicates(
    activities: Sequence[Activity],
    registry: Registry,
    rule: DuplicateRule,
    ranks: Sequence[Hashable] | None = None,
) -> list[DuplicateMatch]:
    """The reports the rule finds to be an earlier kept report seen again (see the module docs).

    Args:
        activities: accepted activities, of one or several sources.
        registry: the libraries, for their region (``rule.across_levels``).
        rule: the rubric's thresholds.
        ranks: a sortable key per activity that orders reports made at the same
            instant (default: its tab and row).
    """
    with collector_paused():
        return _possible(activities, registry, rule, ranks)


def _partners(registry: Registry) -> dict[str, tuple[str, ...]]:
    """Per library, the other libraries it may share a report with (:func:`_related`), by region."""
    by_region: dict[tuple[str, str], list[Library]] = {}
    by_province: dict[str, list[Library]] = {}
    for library in registry:
        by_region.setdefault(_region(library), []).append(library)
        by_province.setdefault(library.province, []).append(library)
    partners: dict[str, tuple[str, ...]] = {}
    for library in registry:
        if library.level == 1:
            near = by_province[library.province]
        else:
            near = [*by_region[_region(library)], *by_region.get((library.province, ""), ())]
        partners[library.id] = tuple(other.id for other in near if other.id != library.id and _related(library, other))
    return partners


def _possible(  # one loop, kept flat for speed
    activities: Sequence[Activity], registry: Registry, rule: DuplicateRule, ranks: Sequence[Hashable] | None
) -> list[DuplicateMatch]:
    window = rule.window_days
    # |a - b| * 100 <= tolerance * max(a, b), in integers: tolerance = numerator / denominator
    numerator, denominator = rule.participants_tolerance.numerator, rule.participants_tolerance.denominator
    cutoff = float(rule.title_similarity)
    # The kept reports by (library, kind); a report is compared with its own library's and its partners'.
    groups: dict[tuple[str, int], _Kept] = {}
    partners = _partners(registry) if rule.across_levels else {}
    titles: dict[int, str] = {}
    links: dict[int, frozenset[str]] = {}  # publication links, computed only for reports a candidate meets

    def links_of(position: int) -> frozenset[str]:
        found = links.get(position)
        if found is None:
            found = links[position] = _links(activities[position])
        return found

    found: list[DuplicateMatch] = []
    kinds = {kind: index for index, kind in enumerate(ActivityKind)}  # group keys hash ints, not enums
    for order, position in enumerate(report_order(activities, ranks)):
        activity = activities[position]
        kind = kinds[activity.kind]
        own = (activity.library_id, kind)
        day = activity.date.toordinal()
        participants = activity.participants
        title = normalize_text(activity.title)
        best: tuple[int, int, float] | None = None  # (order, position, similarity) of the earliest match
        for key in (own, *((other, kind) for other in partners.get(activity.library_id, ()))):
            kept = groups.get(key)
            if kept is None:
                continue
            entries = kept.entries
            low = bisect_left(entries, (day - window,))
            high = bisect_right(entries, (day + window + 1,), low)
            for _, other_order, other in entries[low:high]:
                if best is not None and other_order > best[0]:
                    continue
                count = activities[other].participants
                if abs(participants - count) * 100 * denominator > numerator * max(participants, count):
                    continue
                if activity.publication_urls and activities[other].publication_urls:
                    mine, theirs = links_of(position), links_of(other)
                    if mine.isdisjoint(theirs):
                        continue  # each report links its own publications: two publications, not one seen twice
                score = fuzz.token_sort_ratio(title, titles[other], processor=None, score_cutoff=cutoff)
                if score < rule.title_similarity:
                    continue
                mine_numbers, their_numbers = _numbers(title), _numbers(titles[other])
                if mine_numbers and their_numbers and mine_numbers != their_numbers:
                    continue  # "Sesi 1" and "Sesi 2": two sessions, not one seen twice
                if best is None or other_order < best[0]:
                    best = (other_order, other, score)
        if best is not None:
            other = best[1]
            found.append(DuplicateMatch(position=position, original=other, similarity=best[2],
                                        day_gap=abs(day - activities[other].date.toordinal())))
            continue
        titles[position] = title
        kept = groups.get(own)
        if kept is None:
            kept = groups[own] = _Kept()
        insort(kept.entries, (day, order, position))
    return found
