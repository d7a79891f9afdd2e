"""The faster plan search gives exactly the plans of the search it replaced (kept as an oracle, hypothesis)."""

from __future__ import annotations

from fractions import Fraction

import attrs
import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.domain.plan_reference import ReferencePlanner

from tpbis.domain.activity import ActivityKind
from tpbis.domain.kpi import KindTally, library_scorer
from tpbis.domain.period import Period
from tpbis.domain.plan import Planner, _Mixes
from tpbis.domain.rubric import Measure, Rubric
from tpbis.rubrics import default_rubric
from tpbis.testing.builders import make_library

K = ActivityKind


def _rubrics() -> tuple[Rubric, ...]:
    """The default rubric and variants with other class structures (more frontier classes, no timeliness,
    other weights and targets), so the search's shortcuts meet more than one shape."""
    base = default_rubric()

    def changed(indicator_id: str, **fields: object) -> tuple[object, ...]:
        return tuple(attrs.evolve(i, **fields) if i.id == indicator_id else i for i in base.indicators)

    no_timely = tuple(i for i in base.indicators if i.measure is not Measure.TIMELY_SHARE)
    split = tuple(
        attrs.evolve(i, kinds=frozenset({K.ADVOKASI})) if i.id == "advokasi_kemitraan"
        else attrs.evolve(i, kinds=i.kinds - {K.PROMOSI}) if i.id == "partisipasi_perempuan"
        else i
        for i in base.indicators
    )
    heavy = tuple(
        attrs.evolve(i, weight=i.weight * 3, targets={level: t * 2 for level, t in i.targets.items()})
        if i.measure in (Measure.DISTINCT_PUBLICATION_URLS, Measure.FEMALE_SHARE, Measure.PARTICIPANTS) else i
        for i in base.indicators
    )
    strict = changed("partisipasi_perempuan", targets={1: Fraction(70), 2: Fraction(65), 3: Fraction(60)})
    return (
        base,
        attrs.evolve(base, indicators=no_timely),
        attrs.evolve(base, indicators=split),
        attrs.evolve(base, indicators=heavy),
        attrs.evolve(base, indicators=strict),
    )


RUBRICS = _rubrics()
PERIODS = tuple(Period.parse(p) for p in ("2024-09", "2024-Q3", "2024"))


@st.composite
def tallies(draw: st.DrawFn) -> dict[ActivityKind, KindTally]:
    """A library's tallies: a few kinds, any counts, participants, women, delays and links."""
    found: dict[ActivityKind, KindTally] = {}
    for kind in draw(st.lists(st.sampled_from(list(ActivityKind)), max_size=5, unique=True)):
        count = draw(st.integers(0, 40))
        participants = draw(st.integers(0, 60 * count))
        female = draw(st.integers(0, participants))
        on_time = draw(st.integers(0, count))
        delays = {d: n for d, n in ((0, on_time), (draw(st.integers(8, 30)), count - on_time)) if n}
        urls = {f"u{n}" for n in range(draw(st.integers(0, count)))}
        found[kind] = KindTally(count=count, participants=participants, female=female, delays=delays, urls=urls)
    return found


class TestSameAsTheOracle:
    """Every plan of the faster search equals the old search's, on generated situations."""

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        by_kind=tallies(),
        rubric=st.sampled_from(RUBRICS),
        period=st.sampled_from(PERIODS),
        kind=st.sampled_from(["desa", "kelurahan", "kabupaten", "provinsi", "tbm"]),
        ended=st.booleans(),
    )
    def test_same_plan(self, by_kind: dict[ActivityKind, KindTally], rubric: Rubric, period: Period, kind: str,
                       ended: bool) -> None:
        library = make_library("x", kind=kind)
        result = library_scorer(rubric, period)(library, by_kind)
        as_of = period.end.add(days=1) if ended else pendulum.date(2024, 9, 1)
        fast = Planner(rubric, period).plan(result, by_kind, as_of=as_of)
        oracle = ReferencePlanner(rubric, period).plan(result, by_kind, as_of=as_of)
        assert oracle == fast
        assert [o.message.render("en") for o in oracle.options] == [o.message.render("en") for o in fast.options]

    @settings(max_examples=100, deadline=None)
    @given(data=st.data(), rubric=st.sampled_from(RUBRICS), period=st.sampled_from(PERIODS),
           cap=st.integers(1, 80), total=st.integers(0, 30))
    def test_mix_tables_score_as_the_general_evaluator(self, data: st.DataObject, rubric: Rubric, period: Period,
                                                       cap: int, total: int) -> None:
        """The tables the search reads mixes from agree with the general float evaluator of mixes."""
        planner = Planner(rubric, period)
        library = make_library("x", kind=data.draw(st.sampled_from(["desa", "kabupaten", "provinsi"])))
        targets = planner._targets(library)
        base = tuple(
            (data.draw(st.integers(0, 500)), data.draw(st.integers(0, 50) if indicator.measure in
                                                      (Measure.FEMALE_SHARE, Measure.TIMELY_SHARE) else st.just(1)))
            for indicator in rubric.indicators
        )
        band = rubric.bands[0]
        general = ReferencePlanner(rubric, period)._rough_of_parts(base, targets, band)
        people_slots = [j for j, n in enumerate(planner._frontier) if planner._classes[n].people]
        parts, values = _Mixes(planner, base, targets, cap).values(total)
        scale = 100.0 / rubric.total_weight
        for part, value in zip(parts, values, strict=True):
            most = cap if any(part[j] for j in people_slots) else 0
            assert abs(general(part, most) - (scale * value - float(planner._thresholds[band.color]))) < 1e-9
