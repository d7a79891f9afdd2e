"""Plans to the next colour: applied as reports, every plan reaches its colour; none is larger than needed."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache
from itertools import product
from pathlib import Path

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.domain.plan_reference import ReferencePlanner

from tpbis.domain.activity import Activity, ActivityKind
from tpbis.domain.kpi import KpiRun, score, tally
from tpbis.domain.period import Period
from tpbis.domain.plan import (
    MAX_ADDED,
    ActivityGroup,
    Planner,
    PlanStatus,
    _Choice,
    plan_activities,
    plan_for,
    plans_for,
)
from tpbis.domain.rubric import Color, Measure
from tpbis.render.documents import kpi_document
from tpbis.rubrics import default_rubric
from tpbis.service import score_inputs
from tpbis.sources import load_inputs
from tpbis.testing.builders import make_activity, make_library, make_registry

K = ActivityKind
ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "examples" / "kepri-2024.xlsx"
PERIODS = ("2024-09", "2024-Q3", "2024")
RANK = {color: n for n, color in enumerate(Color)}
SEPTEMBER = Period.parse("2024-09")


@cache
def example(period_text: str) -> tuple[KpiRun, tuple[Activity, ...]]:
    """The example workbook scored for one period, with its accepted activities."""
    rubric = default_rubric()
    inputs = load_inputs(WORKBOOK, rubric=rubric)
    report = score_inputs(inputs, rubric, [Period.parse(period_text)])
    return report.runs[0], tuple(report.parse.activities)


def rescored_color(run: KpiRun, activities: tuple[Activity, ...], extra: tuple[Activity, ...], library_id: str) -> Color:
    """The library's colour once ``extra`` is reported too."""
    registry = make_registry([run.result(library_id).library])
    return score([*activities, *extra], registry, run.rubric, run.period).result(library_id).color


class TestExamplePlans:
    """Every plan of the example data, applied as reports and rescored, reaches its colour."""

    @pytest.mark.parametrize("period_text", PERIODS)
    def test_every_option_reaches_its_colour(self, period_text: str) -> None:
        """For each library below hijau, each option's activities give the promised colour."""
        run, activities = example(period_text)
        plans = plans_for(run, activities)
        checked = 0
        for result in run.results:
            plan = plans[result.library.id]
            if result.color is Color.HIJAU:
                assert (PlanStatus.TOP, ()) == (plan.status, plan.options)
                continue
            assert PlanStatus.OK == plan.status
            assert plan.options[0].reaches is run.rubric.next_band(result.color).color  # type: ignore[union-attr]
            for option in plan.options:
                extra = plan_activities(option, result.library, run.period, run.rubric)
                assert option.activities == len(extra)
                reached = rescored_color(run, activities, extra, result.library.id)
                assert RANK[reached] <= RANK[option.reaches]
                checked += 1
        assert checked > 0

    @pytest.mark.parametrize("period_text", PERIODS)
    def test_merah_libraries_get_a_second_option_to_hijau(self, period_text: str) -> None:
        """A merah library is told the way to kuning, then the way to hijau."""
        run, activities = example(period_text)
        plans = plans_for(run, activities)
        merah = [r for r in run.results if r.color is Color.MERAH]
        assert merah
        for result in merah:
            assert [Color.KUNING, Color.HIJAU] == [o.reaches for o in plans[result.library.id].options]

    def test_no_option_is_one_activity_too_many(self) -> None:
        """Removing any one activity from any option of September loses the colour."""
        run, activities = example("2024-09")
        plans = plans_for(run, activities)
        for result in run.results:
            for option in plans[result.library.id].options:
                for n, group in enumerate(option.add):
                    fewer = (*option.add[:n], *((attrs.evolve(group, count=group.count - 1),) if group.count > 1 else ()),
                             *option.add[n + 1:])
                    smaller = attrs.evolve(option, add=fewer)
                    extra = plan_activities(smaller, result.library, run.period, run.rubric)
                    reached = rescored_color(run, activities, extra, result.library.id)
                    assert RANK[reached] > RANK[option.reaches]

    def test_fewest_activities_against_brute_force(self) -> None:
        """No mix of fewer activities reaches the colour, even at the most participants, all women and links."""
        run, activities = example("2024-09")
        plans = plans_for(run, activities)
        kinds = (K.PELATIHAN, K.PROMOSI, K.ADVOKASI, K.PUBLIKASI)
        cap = 30  # the plan's most participants per activity for a desa (2 × 720 ÷ 48)
        for result in run.results:
            plan = plans[result.library.id]
            if not plan.options:
                continue
            option = plan.options[0]
            fewer = option.activities - 1
            for counts in product(range(fewer + 1), repeat=len(kinds)):
                if sum(counts) != fewer:
                    continue
                groups = tuple(
                    ActivityGroup(kind=k, count=c, participants=cap if k in (K.PELATIHAN, K.PROMOSI) else 0,
                                  women=cap if k in (K.PELATIHAN, K.PROMOSI) else 0, link=True, partner=False,
                                  on_time=True)
                    for k, c in zip(kinds, counts, strict=True) if c
                )
                if result.library.level != 3:
                    groups = tuple(attrs.evolve(g, participants=g.participants * 2, women=g.women * 2) for g in groups)
                extra = plan_activities(attrs.evolve(option, add=groups), result.library, run.period, run.rubric)
                reached = rescored_color(run, activities, extra, result.library.id)
                assert RANK[reached] > RANK[option.reaches], (result.library.id, counts)


class TestPlanWords:
    """Plans speak plainly: sentence case, no indicator ids, both languages."""

    @pytest.mark.parametrize("period_text", PERIODS)
    def test_no_internal_names_and_sentence_case(self, period_text: str) -> None:
        """Every option reads without indicator ids and starts with a capital letter."""
        run, activities = example(period_text)
        # "peserta" and "publikasi" are words too; an id shows as itself with "_" or in brackets
        ids = [i.id for i in run.rubric.indicators if "_" in i.id] + [f"({i.id})" for i in run.rubric.indicators]
        for plan in plans_for(run, activities).values():
            for option in plan.options:
                for lang in ("id", "en"):
                    text = option.message.render(lang)
                    assert [] == [i for i in ids if i in text]
                    assert text[0].isupper()

    def test_a_training_option_in_both_languages(self) -> None:
        """The words say how many of which kind, the participants, the women, the link, the deadline."""
        library = make_library("desa-a")
        run = score([], make_registry([library]), default_rubric(), SEPTEMBER)
        plan = plan_for(run.results[0], default_rubric(), SEPTEMBER)
        first = plan.options[0]
        assert (Color.KUNING, 1) == (first.reaches, len(first.add))
        group = first.add[0]
        expected_id = (
            f"Adakan {group.count} kegiatan pelatihan keterampilan atau pelatihan TIK lagi (masing-masing "
            f"≥ {group.participants} peserta, ≥ {group.women} perempuan, dan perempuan sedikitnya "
            f"{-(-100 * group.women // group.participants)} % dari semua peserta, dengan tautan publikasi) "
            "sampai 30 September 2024 untuk mencapai kuning. Laporkan setiap kegiatan paling lambat 7 hari "
            "setelah kegiatan."
        )
        assert (K.PELATIHAN, True, True) == (group.kind, group.link, group.on_time)
        assert expected_id == first.message.render("id")
        assert first.message.render("en").startswith(f"Hold {group.count} more skills training or ICT training")

    def test_one_publication_when_a_link_is_enough(self) -> None:
        """A library a few points short is told to publish once, with a link, however late it reports."""
        library = make_library("desa-a")
        acts = [
            make_activity("desa-a", f"2024-09-0{n + 2}", kind, male=7, female=7, delay_days=0, title=f"k{n}")
            for n, kind in enumerate((K.PELATIHAN, K.PROMOSI, K.PROMOSI, K.PROMOSI))
        ]
        run = score(acts, make_registry([library]), default_rubric(), SEPTEMBER)
        result = run.results[0]
        assert (Color.KUNING, "78.7") == (result.color, str(result.composite))
        plan = plan_for(result, default_rubric(), SEPTEMBER, activities=acts)
        expected = (ActivityGroup(kind=K.PUBLIKASI, count=1, participants=0, women=0, link=True, partner=False,
                                  on_time=False),)
        assert expected == plan.options[0].add
        assert ("Adakan 1 kegiatan publikasi atau layanan digital lagi (dengan tautan publikasi) "
                "sampai 30 September 2024 untuk mencapai hijau.") == plan.message.render("id")

    def test_women_at_least_the_share_target(self) -> None:
        """Each engagement activity has at least the women's-share target (half) of its participants."""
        run, activities = example("2024-09")
        share_kinds = frozenset().union(
            *(i.kinds for i in run.rubric.indicators if i.measure is Measure.FEMALE_SHARE)
        )
        for plan in plans_for(run, activities).values():
            for option in plan.options:
                for group in option.add:
                    if group.kind in share_kinds:
                        assert group.women >= Fraction(group.participants, 2)


class TestPlanStatus:
    """Green is the top, an ended period says so, an unreachable colour says so."""

    def test_green_library_is_top(self) -> None:
        """Nothing to plan for a hijau library."""
        run, activities = example("2024-09")
        result = next(r for r in run.results if r.color is Color.HIJAU)
        plan = plan_for(result, run.rubric, run.period, activities=activities)
        assert (PlanStatus.TOP, (), "Sudah hijau.") == (plan.status, plan.options, plan.message.render("id"))

    def test_period_ended_keeps_the_options(self) -> None:
        """After the period, the plan is what it would have needed, and says so."""
        run, activities = example("2024-09")
        result = next(r for r in run.results if r.color is Color.MERAH)
        during = plan_for(result, run.rubric, run.period, activities=activities, as_of=pendulum.date(2024, 9, 15))
        after = plan_for(result, run.rubric, run.period, activities=activities, as_of=pendulum.date(2024, 10, 1))
        assert (PlanStatus.OK, PlanStatus.PERIOD_ENDED) == (during.status, after.status)
        assert during.options == after.options
        assert after.message.render("id").startswith("September 2024 sudah berakhir; yang sebenarnya dibutuhkan: Adakan")

    def test_out_of_reach(self) -> None:
        """A colour that needs more than MAX_ADDED activities is out of reach, with no option."""
        base = default_rubric()
        timely = attrs.evolve(base.indicator("ketepatan_pelaporan"), weight=1)
        rubric = attrs.evolve(base, indicators=(timely,))
        library = make_library("desa-a")
        late = [make_activity("desa-a", "2024-09-01", K.PUBLIKASI, title=f"t{n}", delay_days=20,
                              publication_urls=[f"https://x.id/{n}"]) for n in range(3 * MAX_ADDED)]
        result = score(late, make_registry([library]), rubric, SEPTEMBER).results[0]
        plan = plan_for(result, rubric, SEPTEMBER, activities=late)
        assert (PlanStatus.OUT_OF_REACH, ()) == (plan.status, plan.options)
        assert "Warna kuning tidak terjangkau" in plan.message.render("id")

    def test_wrong_activities_are_refused(self) -> None:
        """Activities that do not give the result are a ValueError, not a wrong plan."""
        run, _ = example("2024-09")
        result = next(r for r in run.results if r.color is Color.KUNING)
        with pytest.raises(ValueError, match="not those its result was scored from"):
            plan_for(result, run.rubric, run.period, activities=())


class TestPlanner:
    """One planner per run: equal situations planned once, fast enough for 10,000 libraries."""

    def test_equal_situations_share_a_plan(self) -> None:
        """Libraries that reported nothing get the same options."""
        libraries = [make_library(f"desa-{n}") for n in range(3)]
        run = score([], make_registry(libraries), default_rubric(), SEPTEMBER)
        planner = Planner(run.rubric, run.period)
        options = {planner.plan(r, {}).options for r in run.results}
        assert 1 == len(options)

    def test_tallies_and_activities_give_the_same_plan(self) -> None:
        """The activities or their tallies: the same plan."""
        run, activities = example("2024")
        result = next(r for r in run.results if r.color is Color.MERAH)
        by_kind = tally(activities, run.period)[result.library.id]
        assert plan_for(result, run.rubric, run.period, activities=activities) == plan_for(
            result, run.rubric, run.period, activities=by_kind
        )


class TestPlanJson:
    """The KPI JSON carries each result's plan (keys added, none changed)."""

    def test_plan_keys(self) -> None:
        """plan_status and plan on every result; the options as the brief's shape."""
        run, _ = example("2024-09")
        rubric = run.rubric
        report = score_inputs(load_inputs(WORKBOOK, rubric=rubric), rubric, [run.period])
        document = kpi_document(report.runs[0], report.parse.counts, report.parse.problems,
                                plans=plans_for(report.runs[0], report.parse.activities))
        plain = kpi_document(report.runs[0], report.parse.counts, report.parse.problems)
        assert {k for r in plain["results"] for k in r} | {"plan", "plan_status"} == {
            k for r in document["results"] for k in r
        }
        by_id = {r["library_id"]: r for r in document["results"]}
        assert ("top", []) == (by_id["kepri"]["plan_status"], by_id["kepri"]["plan"])
        first = by_id["kab-bintan"]["plan"][0]
        assert {"reaches", "add", "text_id", "text_en"} == set(first)
        assert "hijau" == first["reaches"]
        assert {"kind", "count", "participants", "women", "link", "partner", "on_time"} == set(first["add"][0])
        assert re.match(r"Adakan \d", first["text_id"])
        assert re.match(r"Hold \d", first["text_en"])


class TestWordsKeepTheShare:
    """Following the words with more participants must still reach the colour (found by a hostile review)."""

    def test_more_participants_with_the_stated_share_still_reach(self) -> None:
        """Twice the participants, women at the stated share: the promised colour is still reached."""
        library = make_library("desa-a")
        registry = make_registry([library])
        run = score([], registry, default_rubric(), SEPTEMBER)
        option = plan_for(run.results[0], default_rubric(), SEPTEMBER).options[0]
        text = option.message.render("en")
        share = int(text.split("women at least ")[1].split(" %")[0])
        acts = []
        for group in option.add:
            people = 2 * group.participants
            women = -(-people * share // 100)
            acts += [
                make_activity("desa-a", "2024-09-20", group.kind, male=people - women, female=women,
                              delay_days=0, title=f"{group.kind.value}{n}",
                              publication_urls=(f"https://x.id/{group.kind.value}/{n}",) if group.link else ())
                for n in range(group.count)
            ]
        assert option.reaches == score(acts, registry, default_rubric(), SEPTEMBER).results[0].color


class TestSearchArithmetic:
    """The search's fast evaluator of frontier mixes agrees with the general one (hypothesis)."""

    @settings(max_examples=300, deadline=None)
    @given(
        data=st.data(),
        kind=st.sampled_from(["desa", "kelurahan", "kabupaten", "provinsi", "tbm"]),
        month=st.sampled_from(["2024-09", "2024-Q3", "2024"]),
    )
    def test_mixes_score_as_choices(self, data: st.DataObject, kind: str, month: str) -> None:
        rubric = default_rubric()
        period = Period.parse(month)
        planner = Planner(rubric, period)
        library = make_library("x", kind=kind)
        targets = planner._targets(library)
        base = tuple(
            (data.draw(st.integers(0, 500)), data.draw(st.integers(0, 50) if indicator.measure in
                                                      (Measure.FEMALE_SHARE, Measure.TIMELY_SHARE) else st.just(1)))
            for indicator in rubric.indicators
        )
        frontier = planner._frontier
        part = tuple(data.draw(st.lists(st.integers(0, 12), min_size=len(frontier), max_size=len(frontier))))
        people = data.draw(st.integers(0, 80))
        for band in rubric.bands:
            fast = ReferencePlanner(rubric, period)._rough_of_parts(base, targets, band)(part, people)
            linked = frozenset(n for n, c in zip(frontier, part, strict=True) if c and planner._classes[n].linkable)
            choice = _Choice(planner._spread(part, frontier), people, people, linked)
            slow = planner._rough(base, targets, choice) - float(planner._thresholds[band.color])
            assert fast == pytest.approx(slow, abs=1e-9)
