"""Awards from SPEC §6: criteria at their thresholds, ranking formulas, tie-breaks, contests."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest

from tpbis.domain.activity import Activity, ActivityKind
from tpbis.domain.awards import (
    ContestEntry,
    evaluate_awards,
    evaluate_category,
    evaluate_contest,
    jury_score,
    what_if,
)
from tpbis.domain.kpi import score
from tpbis.domain.library import Library
from tpbis.domain.period import Period
from tpbis.domain.text import english_singular
from tpbis.message import Message
from tpbis.rubrics import default_rubric
from tpbis.testing.builders import make_activity, make_library, make_registry

K = ActivityKind
MONTH = Period.parse("2024-09")
RUBRIC = default_rubric()


def green_base(library_id: str, *, extra: int = 0) -> list[Activity]:
    """Activities that make a level-3 library hijau in September 2024 on their own.

    Monthly targets: 4 engagement, 60 participants, 1 training, 1/3 advocacy, 2 links.
    """
    acts = [
        make_activity(library_id, f"2024-09-{d:02d}", K.PELATIHAN, male=10, female=10, row=d,
                      publication_urls=(f"https://ig.com/{library_id}/{d}",), title=f"Pelatihan {d}")
        for d in range(1, 5 + extra)
    ]
    acts.append(make_activity(library_id, "2024-09-20", K.ADVOKASI, row=40, title="Audiensi kepala desa"))
    return acts


def category_result(category_id: str, libraries: list[Library], acts: list[Activity], level: int = 3):  # type: ignore[no-untyped-def]
    """Evaluate one category at one level."""
    run = score(acts, make_registry(libraries), RUBRIC, MONTH)
    by_library: dict[str, list[Activity]] = {}
    for a in acts:
        by_library.setdefault(a.library_id, []).append(a)
    return evaluate_category(RUBRIC.award(category_id), level, run, by_library)


def promotions(library_id: str, n: int, documented: int, *, participants: int = 10) -> list[Activity]:
    """n promotion activities, the first ``documented`` with a documentation URL."""
    return [
        make_activity(library_id, f"2024-09-{10 + i % 15:02d}", K.PROMOSI, male=participants // 2,
                      female=participants - participants // 2, row=100 + i, title=f"Mendongeng {i}",
                      documentation_url="https://drive.google.com/d" if i < documented else None)
        for i in range(n)
    ]


class TestPlm:
    """plm_nasional: level 3, hijau, ranked by composite."""

    def test_only_level_three_and_green(self) -> None:
        """A green village is invited; a silent one is listed with the colour it lacks."""
        libs = [make_library("a"), make_library("b"), make_library("k", kind="kabupaten")]
        result = category_result("plm_nasional", libs, green_base("a") + green_base("k"))
        assert [("a", True, 1), ("b", False, None)] == [
            (e.library.id, e.eligible, e.rank) for e in result.entries
        ]
        (unmet,) = result.entries[1].unmet
        assert ("color", "hijau", "merah") == (unmet.criterion.name, unmet.required.value, unmet.actual.value)  # type: ignore[union-attr]
        assert "butuh warna hijau (sekarang merah, kurang 80.0 poin)" == unmet.message_id
        assert "needs colour green (now red, 80.0 points short)" == unmet.message_en


class TestPromotion:
    """inovasi_promosi: hijau, ≥ 6 promotions, ≥ 80 % documented."""

    @pytest.mark.parametrize(
        ("n", "documented", "eligible"),
        [(6, 5, True), (5, 5, False), (10, 8, True), (10, 7, False)],
    )
    def test_thresholds(self, n: int, documented: int, eligible: bool) -> None:
        """6 promotions with 5 documented (83 %) pass; 5 promotions or 70 % documented do not."""
        acts = green_base("a") + promotions("a", n, documented)
        (entry,) = category_result("inovasi_promosi", [make_library("a")], acts).entries
        assert eligible == entry.eligible

    def test_score_formula(self) -> None:
        """50·min(n/12,1) + 30·min(p/600,1) + 20·share: 6 promos, 60 people, 5/6 documented."""
        acts = green_base("a") + promotions("a", 6, 5)
        (entry,) = category_result("inovasi_promosi", [make_library("a")], acts).entries
        # 50·6/12 + 30·60/600 + 20·(5/6) = 25 + 3 + 16.67 = 44.67
        assert Decimal("44.7") == entry.score

    def test_explanations(self) -> None:
        """Each unmet criterion gives its actual and required value and plain words."""
        acts = green_base("a") + promotions("a", 4, 2)
        (entry,) = category_result("inovasi_promosi", [make_library("a")], acts).entries
        assert [("count:fasilitasi+promosi", Fraction(4), Fraction(6)), ("documented_share:fasilitasi+promosi", Fraction(50), Fraction(80))] == [
            (u.criterion.name, u.actual, u.required) for u in entry.unmet
        ]
        assert "butuh 2 kegiatan promosi lagi" == entry.unmet[0].message_id
        assert "needs 2 more promotion activities" == entry.unmet[0].message_en
        assert "needs documentation links on 2 more promotion activities (now 50.0 %, at least 80.0 %)" == entry.unmet[1].message_en

    def test_one_more_reads_singular_in_english(self) -> None:
        """One missing activity is "1 more promotion activity", not "activities"; Indonesian is unchanged."""
        acts = green_base("a") + promotions("a", 5, 3)
        (entry,) = category_result("inovasi_promosi", [make_library("a")], acts).entries
        assert ["needs 1 more promotion activity",
                "needs documentation links on 1 more promotion activity (now 60.0 %, at least 80.0 %)"] == [
            u.message_en for u in entry.unmet]
        assert "butuh 1 kegiatan promosi lagi" == entry.unmet[0].message_id


@pytest.mark.parametrize(("plural", "singular"), [
    ("engagement activities", "engagement activity"), ("computers", "computer"), ("CLASSES", "CLASS"),
    ("advocacy/partnership activities", "advocacy/partnership activity"), ("percentage points", "percentage point"),
    ("distinct partners", "distinct partner"), ("status", "status"), ("boxes", "box"),
    ("", ""), ("ACTIVITIES", "ACTIVITY"),
    # words the suffix rules alone got wrong ("1 more priz", "1 more sery", "1 more movy", "1 more hours of training")
    ("prizes", "prize"), ("sizes", "size"), ("series", "series"), ("news items", "news item"), ("news", "news"),
    ("movies", "movie"), ("Cookies", "Cookie"), ("people", "person"), ("PEOPLE", "PERSON"), ("children", "child"),
    ("Women", "Woman"), ("hours of training", "hour of training"), ("copies of books", "copy of books"),
    ("buzzes", "buzz"),
])
def test_english_singular(plural: str, singular: str) -> None:
    """Regular English plurals lose their ending in the last word; other words stay as written."""
    assert singular == english_singular(plural)


class TestDigital:
    """layanan_digital: hijau, ≥ 4 digital activities, ≥ 1 computer."""

    @pytest.mark.parametrize(("n", "computers", "eligible"), [(4, 1, True), (3, 1, False), (4, 0, False)])
    def test_thresholds(self, n: int, computers: int, eligible: bool) -> None:
        """Four ICT/digital activities and one computer are the bar."""
        acts = green_base("a") + [
            make_activity("a", "2024-09-15", K.LAYANAN_DIGITAL, row=200 + i, title=f"Podcast {i}") for i in range(n)
        ]
        (entry,) = category_result("layanan_digital", [make_library("a", computers=computers)], acts).entries
        assert eligible == entry.eligible

    def test_score_formula(self) -> None:
        """40·4/12 + 30·min(p/300,1) + 15·min(c/10,1) + 15·min(d/1000,1) with ICT trainings counted."""
        acts = green_base("a") + [
            make_activity("a", "2024-09-15", K.PELATIHAN_TIK, male=15, female=15, row=300 + i, title=f"Canva {i}")
            for i in range(4)
        ]
        lib = make_library("a", computers=5, digital_collection=2500)
        (entry,) = category_result("layanan_digital", [lib], acts).entries
        # 13.33 + 30·120/300 = 12 + 7.5 + 15 = 47.83
        assert (True, Decimal("47.8")) == (entry.eligible, entry.score)


class TestAdvocacy:
    """advokasi_kemitraan: hijau, ≥ 3 advocacy/partnership, ≥ 2 distinct partners."""

    @pytest.mark.parametrize(
        ("n", "partners", "eligible"),
        [(3, ["PKK", "BUMDes"], True), (2, ["PKK", "BUMDes"], False), (3, ["PKK", " pkk "], False)],
    )
    def test_thresholds(self, n: int, partners: list[str], eligible: bool) -> None:
        """Partners are distinct after casefolding and collapsing whitespace."""
        acts = green_base("a")[:-1] + [
            make_activity("a", "2024-09-21", K.KEMITRAAN, row=400 + i, title=f"MoU {i}", partners=partners)
            for i in range(n)
        ]
        (entry,) = category_result("advokasi_kemitraan", [make_library("a")], acts).entries
        assert eligible == entry.eligible


class TestTies:
    """Ties: higher composite, then more activities, then id."""

    def test_score_then_composite_then_activities_then_id(self) -> None:
        """Equal PLM scores fall back to activities, then id."""
        libs = [make_library(i) for i in ("d", "c", "b", "a")]
        acts = green_base("a") + green_base("b") + green_base("c", extra=1) + green_base("d")
        result = category_result("plm_nasional", libs, acts)
        assert [("c", 1), ("a", 2), ("b", 3), ("d", 4)] == [(e.library.id, e.rank) for e in result.entries]

    def test_equal_award_score_higher_composite_first(self) -> None:
        """Same promotion score; the library with the higher composite ranks first."""
        libs = [make_library("a"), make_library("b")]
        a = green_base("a") + promotions("a", 12, 12, participants=50)
        b = green_base("b")[:-1] + promotions("b", 12, 12, participants=50)  # no advocacy: lower composite
        b += [make_activity("b", "2024-09-02", K.PELATIHAN, row=900, title="x", publication_urls=("https://ig.com/q",))]
        result = category_result("inovasi_promosi", libs, a + b)
        scores = {e.library.id: (e.score, e.composite) for e in result.entries}
        assert scores["a"][0] == scores["b"][0]
        assert scores["a"][1] > scores["b"][1]
        assert ["a", "b"] == [e.library.id for e in result.shortlist]


class TestEvaluateAwards:
    """Every category at each of its levels; every library of the level appears."""

    def test_levels(self) -> None:
        """PLM at level 3; the three innovation awards at levels 2 and 3."""
        libs = [make_library("a"), make_library("k", kind="kota", regency="Kota Batam")]
        run = score([], make_registry(libs), RUBRIC, MONTH)
        results = evaluate_awards(RUBRIC.awards, run, [])
        assert [
            ("plm_nasional", 3), ("inovasi_promosi", 2), ("inovasi_promosi", 3), ("layanan_digital", 2),
            ("layanan_digital", 3), ("advokasi_kemitraan", 2), ("advokasi_kemitraan", 3),
        ] == [(r.category.id, r.level) for r in results]
        assert all(len(r.entries) == 1 for r in results)


class TestJury:
    """Trimmed mean with 5+ judges, two decimals half up, ties by earlier submission."""

    @pytest.mark.parametrize(
        ("scores", "expected"),
        [
            ([80, 90, 70, 85], Fraction(325, 4)),  # 4 judges: plain mean 81.25
            ([80, 90, 70, 85, 100], Fraction(255, 3)),  # 5: drop 100 and 70 → 85
            ([60, 60, 90, 90, 75, 75], Fraction(300, 4)),  # 6: drop one 90 and one 60 → 75
        ],
    )
    def test_trimmed_mean(self, scores: list[int], expected: Fraction) -> None:
        """Only the single highest and single lowest are dropped."""
        assert expected == jury_score([Fraction(s) for s in scores])

    def test_contest_rules(self) -> None:
        """Unregistered, URL-less and late entries are ineligible; ties go to the earlier entry."""
        contest = next(c for c in RUBRIC.contests if c.id == "reels")
        contest = type(contest)(id=contest.id, label=contest.label, label_en=contest.label_en,
                                deadline=pendulum.datetime(2024, 10, 1, tz="Asia/Jakarta"))

        def entry(lib: str, url: str | None, day: int, scores: list[int], row: int) -> ContestEntry:
            return ContestEntry(contest="reels", library_id=lib, title="Reels", url=url,
                                submitted_at=pendulum.datetime(2024, 9, day, tz="Asia/Jakarta"),
                                scores=tuple(Fraction(s) for s in scores), row=row)

        entries = [
            entry("b", "https://ig.com/r/1", 20, [90, 80, 85], 2),
            entry("a", "https://ig.com/r/2", 10, [85, 85, 85], 3),
            entry("x", "https://ig.com/r/3", 5, [99], 4),
            entry("a", None, 6, [99], 5),
            entry("a", "https://ig.com/r/4", 30, [99, 99], 6),
        ]
        late = ContestEntry(contest="reels", library_id="a", title="late", url="https://ig.com/r/5",
                            submitted_at=pendulum.datetime(2024, 10, 2, tz="Asia/Jakarta"),
                            scores=(Fraction(100),), row=7)
        result = evaluate_contest(contest, [*entries, late], ["a", "b"])
        assert [(6, 1, Decimal("99.00")), (3, 2, Decimal("85.00")), (2, 3, Decimal("85.00"))] == [
            (s.entry.row, s.rank, s.score) for s in result.standings if s.eligible
        ]
        reasons = {s.entry.row: [r.render("en") for r in s.reasons] for s in result.standings if not s.eligible}
        assert {
            4: ["library 'x' is not registered"],
            5: ["no link to the entry"],
            7: ["submitted after the deadline 2024-10-01 00:00:00"],
        } == reasons

    def test_rounding_two_decimals_half_up(self) -> None:
        """(80 + 80 + 81.125…) style means round half up to two decimals."""
        contest = RUBRIC.contests[0]
        e = ContestEntry(contest=contest.id, library_id="a", title="t", url="https://x.id/a",
                         submitted_at=pendulum.datetime(2024, 9, 1), scores=(Fraction(80), Fraction(8025, 100)), row=2)
        (standing,) = evaluate_contest(contest, [e], ["a"]).standings
        assert Decimal("80.13") == standing.score  # 80.125 → 80.13


class TestWhatIf:
    """The smallest additions that make a library eligible."""

    def test_digital_needs_four_digital_activities(self) -> None:
        """A green library with one computer and no digital activities needs 4 of one digital kind."""
        lib = make_library("a", computers=2)
        acts = green_base("a")
        run = score(acts, make_registry([lib]), RUBRIC, MONTH)
        answer = what_if(RUBRIC.award("layanan_digital"), "a", run, acts)
        assert (4, 4, None) == (
            answer.per_kind[K.LAYANAN_DIGITAL], answer.per_kind[K.PELATIHAN_TIK], answer.per_kind[K.ADVOKASI],
        )
        assert answer.combined is not None
        assert 4 == sum(answer.combined.values())

    def test_blocked_without_computers(self) -> None:
        """No activity can add a computer: the answer says so."""
        acts = green_base("a")
        run = score(acts, make_registry([make_library("a")]), RUBRIC, MONTH)
        answer = what_if(RUBRIC.award("layanan_digital"), "a", run, acts)
        assert ["computers"] == [u.criterion.name for u in answer.blocked]

    def test_silent_library_reaches_plm(self) -> None:
        """A library with nothing reported can still be shown a mix that makes it hijau."""
        run = score([], make_registry([make_library("a")]), RUBRIC, MONTH)
        answer = what_if(RUBRIC.award("plm_nasional"), "a", run, [])
        assert answer.combined is not None
        rescored_acts = [
            a for k, n in answer.combined.items() for a in
            [make_activity("a", "2024-09-30", k, male=10, female=10, row=i, title=f"t{i}",
                           publication_urls=(f"https://x.id/{k.value}/{i}",), delay_days=0) for i in range(n)]
        ]
        assert "hijau" == score(rescored_acts, make_registry([make_library("a")]), RUBRIC, MONTH).results[0].color.value


class TestMessages:
    """Unmet criteria and contest reasons are messages, rendered at the edge."""

    def test_unmet_colour_is_one_message_with_nested_parts(self) -> None:
        """The colours and the points short are nested messages, not language pairs."""
        libs = [make_library("a"), make_library("b")]
        result = category_result("plm_nasional", libs, green_base("a"))
        (unmet,) = result.entries[1].unmet
        assert ("award.unmet.color", Message("color.hijau"), Message("color.merah")) == (
            unmet.message.key, unmet.message.params["color"], unmet.message.params["actual"],
        )
        assert unmet.message_en == unmet.message.render("en")

    def test_contest_reasons_are_messages(self) -> None:
        """An unregistered library without a link: two reasons, each a catalogue message."""
        entry = ContestEntry(contest="reels", library_id="x", title="t", url=None,
                             submitted_at=pendulum.datetime(2024, 9, 1, tz="Asia/Jakarta"), scores=(), row=2)
        reels = next(c for c in RUBRIC.contests if c.id == "reels")
        result = evaluate_contest(reels, [entry], registered=[])
        assert [
            ("contest.unregistered", "library 'x' is not registered"),
            ("contest.no_url", "no link to the entry"),
            ("contest.no_scores", "no jury scores yet"),
        ] == [(r.key, r.render("en")) for r in result.standings[0].reasons]
