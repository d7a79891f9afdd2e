"""Possible duplicates (the rubric's ``[duplicates]`` rule) and exact duplicates between sources."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.library import LibraryKind
from tpbis.domain.rubric import DuplicateRule
from tpbis.domain.text import url_identity
from tpbis.errors import RubricError
from tpbis.parsing.duplicates import (
    DuplicateMatch,
    _related,
    exact_duplicates,
    possible_duplicates,
    report_order,
    similarity,
)
from tpbis.parsing.values import normalize_text
from tpbis.rubrics import default_rubric, default_text, parse_rubric, shipped_rubric
from tpbis.testing.builders import make_activity, make_library, make_registry

RULE = DuplicateRule()  # the defaults of tpbis-default@2: 3 days, 85, 15 %, across levels
REGISTRY = make_registry([
    make_library("desa-a", regency="Kabupaten Bintan"),
    make_library("desa-b", regency="Kabupaten Bintan"),
    make_library("desa-c", regency="Kota Batam"),
    make_library("kab-bintan", kind=LibraryKind.KABUPATEN, regency="Kabupaten Bintan"),
    make_library("kota-batam", kind=LibraryKind.KOTA, regency="Kota Batam"),
    make_library("prov-kepri", kind=LibraryKind.PROVINSI),
    make_library("desa-riau", province="Riau", regency="Kabupaten Kampar"),
    make_library("prov-riau", kind=LibraryKind.PROVINSI, province="Riau"),
])
TITLE = "Pelatihan Komputer Dasar untuk Ibu-ibu PKK"


def act(library: str = "desa-a", day: str = "2024-09-10", *, title: str = TITLE, people: int = 20,
        row: int = 2, delay: int = 1, kind: ActivityKind = ActivityKind.PELATIHAN_TIK, tab: str = "a") -> Activity:
    activity = make_activity(library, day, kind, male=people // 2, female=people - people // 2, title=title,
                             row=row, delay_days=delay)
    return attrs.evolve(activity, source=SourceRef(tab=tab, row=row))


def pairs(found: Sequence[DuplicateMatch]) -> set[tuple[int, int]]:
    return {(m.position, m.original) for m in found}


class TestExamples:
    """The documented examples: what the rule merges and what it deliberately does not."""

    def test_copied_row_with_edited_title_shifted_date_and_participants(self) -> None:
        """Re-sent through another channel: title edited, 2 days later, +10 % participants: one activity."""
        first = act(row=2, people=20)
        again = act(day="2024-09-12", title="Pelatihan komputer dasar ibu-ibu PKK", people=22, row=5, delay=3,
                    tab="kobo")
        (match,) = possible_duplicates([again, first], REGISTRY, RULE)
        assert (0, 1, 2) == (match.position, match.original, match.day_gap)
        assert match.similarity >= 85

    def test_weekly_class_is_not_merged(self) -> None:
        """Two genuine sessions of a weekly class: same title and people, 7 days apart."""
        assert [] == possible_duplicates([act(), act(day="2024-09-17", row=3)], REGISTRY, RULE)

    def test_same_day_different_titles(self) -> None:
        """Two activities of one kind on one day with very different titles are two activities."""
        other = act(title="Kelas Membuat Konten Instagram", row=3)
        assert [] == possible_duplicates([act(), other], REGISTRY, RULE)

    def test_same_title_participants_far_apart(self) -> None:
        """The same title, but 20 and 60 participants: a second, bigger session."""
        assert [] == possible_duplicates([act(), act(people=60, row=3)], REGISTRY, RULE)

    def test_other_kind_is_not_merged(self) -> None:
        other = act(kind=ActivityKind.PELATIHAN, row=3)
        assert [] == possible_duplicates([act(), other], REGISTRY, RULE)

    def test_village_and_its_regency_library(self) -> None:
        """The kabupaten library reports the activity it ran with the village: caught."""
        village = act("desa-a", row=2)
        regency = act("kab-bintan", day="2024-09-11", title="Pelatihan komputer dasar untuk ibu-ibu PKK desa", row=9,
                      delay=2)
        assert {(1, 0)} == pairs(possible_duplicates([village, regency], REGISTRY, RULE))

    def test_village_and_its_provincial_library(self) -> None:
        assert {(1, 0)} == pairs(possible_duplicates([act(), act("prov-kepri", row=4, delay=2)], REGISTRY, RULE))

    def test_other_regency_or_province_is_not_merged(self) -> None:
        """Kota Batam's library did not run Bintan's village activity; Riau's province is elsewhere."""
        for other in ("kota-batam", "prov-riau", "desa-riau"):
            assert [] == possible_duplicates([act(), act(other, row=4, delay=2)], REGISTRY, RULE), other

    def test_two_villages_are_not_merged(self) -> None:
        """Two village libraries of one regency: two activities, even with one title."""
        assert [] == possible_duplicates([act("desa-a"), act("desa-b", row=3)], REGISTRY, RULE)

    def test_across_levels_off(self) -> None:
        rule = attrs.evolve(RULE, across_levels=False)
        assert [] == possible_duplicates([act(), act("kab-bintan", row=4, delay=2)], REGISTRY, rule)
        assert {(1, 0)} == pairs(possible_duplicates([act(), act(row=4, delay=2)], REGISTRY, rule))

    def test_earliest_report_is_kept(self) -> None:
        """The report made first is the original, whichever row or source it is in."""
        late = act(row=2, delay=5)
        early = act(row=7, delay=1, tab="z")
        assert {(0, 1)} == pairs(possible_duplicates([late, early], REGISTRY, RULE))

    def test_a_duplicate_is_never_an_original(self) -> None:
        """A ~ B and B ~ C but not A ~ C: B is dropped for A, C stays (it is compared with kept reports only)."""
        a = act(day="2024-09-10", row=2, delay=1)
        b = act(day="2024-09-13", row=3, delay=1)
        c = act(day="2024-09-16", row=4, delay=1)
        assert {(1, 0)} == pairs(possible_duplicates([a, b, c], REGISTRY, RULE))

    def test_similarity_is_word_order_insensitive_and_symmetric(self) -> None:
        assert similarity("Bimtek TIK Desa", "desa bimtek tik") == 100
        assert similarity("Pelatihan", "Pelatihan Komputer Dasar") < 85
        assert similarity("a b c d", "x b c") == similarity("x b c", "a b c d")

    def test_participants_tolerance_is_exact(self) -> None:
        rule = DuplicateRule(participants_tolerance=Fraction(10))
        assert rule.participants_close(100, 110)
        assert rule.participants_close(90, 100)
        assert not rule.participants_close(89, 100)
        assert rule.participants_close(0, 0)


class TestExact:
    """Exact duplicates between sources: the SPEC §3.1 key, earliest report kept."""

    def test_same_key_in_two_sources(self) -> None:
        first, second = act(row=2, tab="a"), act(row=2, tab="b", people=90, delay=2)
        (match,) = exact_duplicates([second, first])
        assert (0, 1, True) == (match.position, match.original, match.exact)

    def test_another_title_is_not_exact(self) -> None:
        assert [] == exact_duplicates([act(), act(title="Pelatihan komputer dasar", tab="b")])


# --- exhaustive checks against a quadratic reference ---------------------------------------------

_LIBRARIES = [lib.id for lib in REGISTRY]
_LINKS = [(), (), ("https://ig.example/p/1",), ("HTTPS://IG.EXAMPLE/p/1/",), ("https://fb.example/2",),
          ("https://fb.example/2", "https://ig.example/p/1")]
_TITLES = ["Pelatihan Komputer Dasar 1", "Pelatihan Komputer Dasar 2", "Pelatihan Komputer Dasar", "pelatihan komputer dasar!", "Dasar Komputer Pelatihan",
           "Pelatihan Komputer", "Kelas Menganyam Rotan", "Kelas menganyam rotan warga"]


def _numbers_of(title: str) -> list[int]:
    """The numbers written in a title, sorted."""
    return sorted(int(n) for n in re.findall(r"\d+", normalize_text(title)))


def _matches(rule: DuplicateRule, a: Activity, b: Activity) -> bool:
    """The rule's definition, written out plainly."""
    related = _related(REGISTRY[a.library_id], REGISTRY[b.library_id]) if rule.across_levels \
        else a.library_id == b.library_id
    return (
        related and a.kind is b.kind and abs((a.date - b.date).in_days()) <= rule.window_days
        and similarity(a.title, b.title) >= rule.title_similarity
        and abs(a.participants - b.participants) * 100 <= rule.participants_tolerance * max(a.participants,
                                                                                            b.participants)
        and not (_numbers_of(a.title) and _numbers_of(b.title) and _numbers_of(a.title) != _numbers_of(b.title))
        and not (a.publication_urls and b.publication_urls
                 and {url_identity(u) for u in a.publication_urls}.isdisjoint(map(url_identity, b.publication_urls)))
    )


def _reference(activities: Sequence[Activity], rule: DuplicateRule) -> set[tuple[int, int]]:
    """Quadratic: in report order, each report against every kept one; the earliest match wins."""
    kept: list[int] = []
    found: set[tuple[int, int]] = set()
    for i in report_order(activities):
        original = next((k for k in kept if _matches(rule, activities[i], activities[k])), None)
        if original is None:
            kept.append(i)
        else:
            found.add((i, original))
    return found


@st.composite
def reports(draw: st.DrawFn) -> list[Activity]:
    count = draw(st.integers(0, 14))
    out = []
    for row in range(2, 2 + count):
        out.append(attrs.evolve(act(
            draw(st.sampled_from(_LIBRARIES)),
            f"2024-09-{draw(st.integers(1, 12)):02d}",
            title=draw(st.sampled_from(_TITLES)),
            people=draw(st.sampled_from([0, 9, 10, 11, 20, 40])),
            row=row,
            delay=draw(st.integers(0, 3)),
            kind=draw(st.sampled_from([ActivityKind.PELATIHAN, ActivityKind.PELATIHAN_TIK])),
            tab=draw(st.sampled_from(["a", "b"])),
        ), publication_urls=draw(st.sampled_from(_LINKS))))
    return out


rules = st.builds(DuplicateRule, window_days=st.integers(0, 4), title_similarity=st.sampled_from([60, 85, 100]),
                  participants_tolerance=st.sampled_from([0, 10, 15, 100]), across_levels=st.booleans())


class TestExhaustive:
    """The grouped, windowed scan equals the plain definition, whatever the order of the rows."""

    @settings(max_examples=300, deadline=None)
    @given(reports(), rules)
    def test_equals_reference(self, activities: list[Activity], rule: DuplicateRule) -> None:
        assert _reference(activities, rule) == pairs(possible_duplicates(activities, REGISTRY, rule))

    @settings(max_examples=200, deadline=None)
    @given(reports(), rules, st.randoms(use_true_random=False))
    def test_order_independent(self, activities: list[Activity], rule: DuplicateRule, rnd: random.Random) -> None:
        """Shuffled input, the same reports dropped for the same originals."""
        def named(found: list[DuplicateMatch], acts: list[Activity]) -> set[tuple[object, object]]:
            return {((acts[m.position].source.tab, acts[m.position].source.row),
                     (acts[m.original].source.tab, acts[m.original].source.row)) for m in found}

        shuffled = activities[:]
        rnd.shuffle(shuffled)
        assert named(possible_duplicates(activities, REGISTRY, rule), activities) == named(
            possible_duplicates(shuffled, REGISTRY, rule), shuffled)

    @settings(max_examples=200, deadline=None)
    @given(reports(), rules)
    def test_kept_reports_never_match(self, activities: list[Activity], rule: DuplicateRule) -> None:
        dropped = {m.position for m in possible_duplicates(activities, REGISTRY, rule)}
        kept = [a for i, a in enumerate(activities) if i not in dropped]
        assert not any(_matches(rule, a, b) for i, a in enumerate(kept) for b in kept[i + 1:])


class TestRuleValidation:
    @pytest.mark.parametrize(("field", "value"), [
        ("window_days", -1), ("window_days", 32), ("title_similarity", 0), ("title_similarity", 101),
        ("participants_tolerance", -1), ("participants_tolerance", 101),
    ])
    def test_out_of_range(self, field: str, value: int) -> None:
        with pytest.raises(ValueError, match=field):
            DuplicateRule(**{field: value})  # type: ignore[arg-type]


class TestRubricTable:
    """The ``[duplicates]`` table is rubric data, validated like the rest of the rubric."""

    def test_shipped(self) -> None:
        assert default_rubric().duplicates is None  # tpbis-default@1 is the SPEC: exact duplicates only
        assert "85e0eae43372" == default_rubric().digest
        assert DuplicateRule(window_days=3, title_similarity=85, participants_tolerance=15, across_levels=True) == \
            shipped_rubric("tpbis-default@2").duplicates

    def test_defaults_of_an_empty_table(self) -> None:
        rubric = parse_rubric(default_text() + "\n[duplicates]\n")
        assert DuplicateRule() == rubric.duplicates
        assert rubric.digest != default_rubric().digest

    @pytest.mark.parametrize(("line", "shown"), [
        ("window_days = 40", "$.duplicates.window_days: expected from 0 to 31, found 40"),
        ("title_similarity = 0", "$.duplicates.title_similarity: expected from 1 to 100, found 0"),
        ("participants_tolerance = 150", "$.duplicates.participants_tolerance: expected from 0 to 100, found 150"),
        ('across_levels = "no"', "across_levels"),
        ("window = 3", "window"),
    ])
    def test_invalid(self, line: str, shown: str) -> None:
        with pytest.raises(RubricError) as caught:
            parse_rubric(default_text() + f"\n[duplicates]\n{line}\n", "r.toml")
        assert shown in caught.value.message("en")
