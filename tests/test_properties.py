"""Property tests: the parser never crashes and loses nothing; scores are bounded and monotone."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from strategies import activities, cells
from tpbis.domain.activity import Activity
from tpbis.domain.kpi import score
from tpbis.domain.period import Period
from tpbis.domain.plan import PlanStatus, plan_activities, plan_for
from tpbis.domain.rubric import Color, Measure
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import parse_responses
from tpbis.rubrics import default_rubric
from tpbis.testing.builders import make_library, make_registry, responses_table

REGISTRY = make_registry([
    make_library("a", name="Perpustakaan Desa Teluk Bakau"),
    make_library("b", kind="kota", name="Perpustakaan Kota Batam", regency="Kota Batam"),
    make_library("c", kind="provinsi", name="Perpustakaan Provinsi", province="Papua"),
])
PERIODS = [Period.parse(p) for p in ("2024-09", "2024-Q2", "2024", "2024-01-01..2024-09-25")]
COUNTING = (Measure.COUNT, Measure.PARTICIPANTS, Measure.DISTINCT_PUBLICATION_URLS)

#: A review status column, usually a verdict an ODK or KoBo export holds, sometimes anything.
review_states = st.one_of(
    st.sampled_from(["rejected", "Not Approved", "validation_status_not_approved", "approved", "hasIssues", ""]),
    cells,
)
rows = st.lists(st.fixed_dictionaries({**dict.fromkeys(Field, cells), Field.REVIEW_STATUS: review_states}), max_size=12)


class TestParserProperties:
    """Whatever the cells hold, the parser answers with an account of every row."""

    @given(rows)
    def test_never_crashes_and_accounts_for_every_row(self, data: list[dict[Field, object]]) -> None:
        """rows = accepted + rejected + duplicates + blank + excluded, and errors reject."""
        result = parse_responses(responses_table(data), REGISTRY, default_rubric())  # type: ignore[arg-type]
        c = result.counts
        assert c.rows == c.accepted + c.rejected + c.duplicates + c.blank + c.excluded
        excluded_rows = {p.row for p in result.problems if p.code == "submission.excluded"}
        assert c.excluded == len(excluded_rows)
        assert not excluded_rows & {a.source.row for a in result.activities}
        assert len(result.activities) == c.accepted
        assert c.rows <= len(data)
        error_rows = {p.row for p in result.problems if p.severity.value == "error"}
        assert c.rejected == len(error_rows)
        assert not error_rows & {a.source.row for a in result.activities}


class TestScoreProperties:
    """Scores stay within 0…100 and never fall when an activity is added."""

    @given(st.lists(activities(), max_size=40), st.sampled_from(PERIODS))
    def test_scores_bounded(self, acts: list[Activity], period: Period) -> None:
        """Every indicator score and composite lies in 0…100."""
        run = score(acts, REGISTRY, default_rubric(), period)
        for result in run.results:
            assert 0 <= result.composite_exact <= 100
            assert all(0 <= r.score <= 100 for r in result.indicators)

    @given(st.lists(activities(), max_size=30), activities(), st.sampled_from(PERIODS))
    def test_adding_an_activity_never_lowers_a_count(
        self, acts: list[Activity], extra: Activity, period: Period
    ) -> None:
        """Count, participant and link indicators are monotone in the activities."""
        before = score(acts, REGISTRY, default_rubric(), period)
        after = score([*acts, extra], REGISTRY, default_rubric(), period)
        for old, new in zip(before.results, after.results, strict=True):
            for o, n in zip(old.indicators, new.indicators, strict=True):
                if o.indicator.measure in COUNTING:
                    assert (n.value or Fraction(0)) >= (o.value or Fraction(0))
                    assert n.score >= o.score


class TestPlanProperties:
    """Whatever a library reported, applying any option of its plan gives the colour it promises."""

    @given(st.lists(activities(), max_size=40), st.sampled_from(PERIODS))
    def test_every_option_reaches_its_colour(self, acts: list[Activity], period: Period) -> None:
        """Rescoring with an option's activities added reaches (at least) the option's colour."""
        rubric = default_rubric()
        rank = {color: n for n, color in enumerate(Color)}
        run = score(acts, REGISTRY, rubric, period)
        for result in run.results:
            plan = plan_for(result, rubric, period, activities=acts)
            if result.color is Color.HIJAU:
                assert PlanStatus.TOP == plan.status
                continue
            assert PlanStatus.OK == plan.status
            assert rank[plan.options[0].reaches] == rank[result.color] - 1
            for option in plan.options:
                extra = plan_activities(option, result.library, period, rubric)
                after = score([*acts, *extra], REGISTRY, rubric, period).result(result.library.id)
                assert rank[after.color] <= rank[option.reaches]

