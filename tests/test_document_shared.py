"""The JSON document's shortcuts give what the plain definitions give.

``kpi_document`` renders each distinct message once (:class:`tpbis.message.BilingualTexts`,
plan options by what they add), shows one-decimal numbers by integer arithmetic and
reads gaps from :func:`tpbis.domain.kpi.gap_terms`; each is checked here against the
slow way (``Message.render``, ``float(round_half_up(...))``, ``LibraryResult.gap``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpbis.domain.kpi import (
    GapOption,
    IndicatorResult,
    KpiRun,
    LibraryResult,
    _gap,
    gap_advice,
    gap_terms,
    gap_terms_advice,
    tally,
)
from tpbis.domain.library import LibraryKind
from tpbis.domain.numbers import round_half_up
from tpbis.domain.period import Period
from tpbis.domain.plan import Plan, plans_for
from tpbis.domain.rubric import Color, Rubric
from tpbis.message import BilingualTexts, Message, render
from tpbis.parsing.rows import Counts
from tpbis.render.documents import _tenths_of, kpi_document
from tpbis.rubrics import default_rubric
from tpbis.service import score_inputs
from tpbis.sources import load_inputs
from tpbis.testing.builders import make_library

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "kepri-2024.xlsx"
AS_OF = pendulum.date(2024, 9, 20)


@cache
def example(period: str) -> tuple[KpiRun, dict[str, Plan]]:
    """The example workbook scored for ``period``, with every library's plan."""
    rubric = default_rubric()
    inputs = load_inputs(WORKBOOK, rubric=rubric)
    report = score_inputs(inputs, rubric, [Period.parse(period)])
    run = report.runs[0]
    return run, plans_for(run, tally(report.parse.activities, run.period), as_of=AS_OF)


class TestTenths:
    @given(st.integers(min_value=-(10**30), max_value=10**30), st.integers(min_value=1, max_value=10**30))
    def test_is_the_float_of_the_rounded_decimal(self, numerator: int, denominator: int) -> None:
        """Integer arithmetic gives the very float of ``round_half_up`` (ties away from zero, -0 as 0.0)."""
        expected = float(round_half_up(Fraction(numerator, denominator)))
        found = _tenths_of(numerator, denominator)
        assert (expected, math.copysign(1, expected)) == (found, math.copysign(1, found))

    @pytest.mark.parametrize(("numerator", "denominator"), [(1, 20), (-1, 20), (-1, 21), (3, 40), (10**40 + 5, 100)])
    def test_ties_and_huge_values(self, numerator: int, denominator: int) -> None:
        assert float(round_half_up(Fraction(numerator, denominator))) == _tenths_of(numerator, denominator)


def _literal(text: str) -> Message:
    return Message.literal(text, text.upper())


_leaves = st.builds(_literal, st.sampled_from(["a", "b", "kegiatan", "dua"])) | st.builds(
    lambda amount, unit: Message("award.unmet.more", amount=amount, unit=unit),
    st.one_of(st.integers(0, 3), st.sampled_from([1.0, -0.0, 0.0, Decimal("1.0"), Decimal("1.00"), Fraction(1), "1"])),
    st.builds(_literal, st.sampled_from(["kegiatan", "peserta"])),
)
_trees = st.recursive(
    _leaves,
    lambda inner: st.builds(lambda a, b: Message("text.comma_list", first=a, rest=b), inner, inner)
    | st.builds(lambda a, b: Message("plan.and", first=a, rest=b), inner, inner)
    | st.builds(lambda a: Message("gap.step", step=a), inner),
    max_leaves=8,
)


class TestBilingualTexts:
    @given(st.lists(_trees, min_size=1, max_size=6), st.integers(min_value=1, max_value=12))
    def test_every_message_reads_as_rendered(self, messages: list[Message], limit: int) -> None:
        """Equal parts are shared and equal values of other types told apart, whatever the memory's size."""
        texts = BilingualTexts(limit=limit)
        for message in [*messages, *messages]:
            assert (render(message, "id"), render(message, "en")) == texts(message)

    def test_equal_messages_are_rendered_once(self) -> None:
        """A second, equal message (another object) adds no node; a different one does."""
        texts = BilingualTexts()

        def build(word: str) -> Message:
            return Message("text.comma_list", first=_literal("a"), rest=Message("gap.step", step=_literal(word)))

        first = texts(build("b"))
        known = len(texts._nodes)
        assert (first, known) == (texts(build("b")), len(texts._nodes))
        other = texts(build("c"))
        assert other != first
        assert other == (build("c").render("id"), build("c").render("en"))
        assert len(texts._nodes) == known + 3  # the new leaf and the two messages above it

    def test_a_value_of_another_type_is_rendered_directly(self) -> None:
        texts = BilingualTexts()
        message = Message("award.unmet.more", amount=[1, 2], unit=_literal("x"))
        assert (message.render("id"), message.render("en")) == texts(message)
        assert not texts._nodes


def _reference_gap(rubric: Rubric, color: Color, composite_exact: Fraction, composite: Decimal,
                   results: Sequence[IndicatorResult]) -> tuple[object, ...] | None:
    """The gap as SPEC §5 words it, in plain Fractions (the code before integer arithmetic)."""
    band = rubric.next_band(color)
    if band is None:
        return None
    needed = band.minimum - Fraction(1, 20) - composite_exact
    total_weight = rubric.total_weight
    options = []
    for result in results:
        weight = result.indicator.weight
        max_points = weight * (100 - result.score) / total_weight
        extra: Fraction | None = None
        if max_points >= needed and max_points > 0:
            value_needed = (result.score + needed * total_weight / weight) * result.target / 100
            current = result.value or Fraction(0)
            if result.indicator.measure.is_percentage:
                extra = Fraction(math.ceil((value_needed - current) * 10)) / 10
            else:
                extra = Fraction(max(math.ceil(value_needed) - int(current), 1))
        effort = None if extra is None else extra / result.target
        options.append(GapOption(indicator=result.indicator, extra=extra, max_points=max_points, effort=effort))
    closing = sorted((o for o in options if o.effort is not None), key=lambda o: (o.effort, o.indicator.id))
    others = sorted((o for o in options if o.effort is None and o.max_points > 0),
                    key=lambda o: (-o.max_points, o.indicator.id))
    return band.color, round_half_up(band.minimum) - composite, (*closing, *others)


_fractions = st.builds(Fraction, st.integers(0, 300), st.integers(1, 60))


@st.composite
def _results(draw: st.DrawFn) -> LibraryResult:
    """A library result with arbitrary indicator values and scores (0…100) under the default rubric."""
    rubric = default_rubric()
    indicators = []
    for indicator in rubric.indicators:
        score = draw(st.sampled_from([Fraction(0), Fraction(100)]) | _fractions.filter(lambda f: f <= 100))
        value = None if indicator.measure.is_percentage and draw(st.booleans()) else draw(_fractions)
        indicators.append(IndicatorResult(indicator=indicator, value=value, target=draw(_fractions.filter(bool)),
                                          score=score, rows=()))
    exact = sum((r.indicator.weight * r.score for r in indicators), Fraction(0)) / rubric.total_weight
    composite = round_half_up(exact)
    return LibraryResult(
        library=make_library(kind=draw(st.sampled_from(list(LibraryKind)))), period=Period.parse("2024-09"),
        indicators=tuple(indicators), composite_exact=exact, composite=composite,
        color=rubric.color_for(Fraction(composite)), activity_count=0, rubric=rubric,
    )


class TestGapTerms:
    @given(_results())
    def test_gap_is_the_fraction_definition(self, result: LibraryResult) -> None:
        """The integer comparisons and the common-denominator order give the plain-Fraction gap."""
        gap = _gap(result._rubric, result.color, result.composite_exact, result.composite, result.indicators)
        expected = _reference_gap(
            result._rubric, result.color, result.composite_exact, result.composite, result.indicators)
        assert expected == (None if gap is None else (gap.next_color, gap.points, gap.options))

    @given(_results())
    def test_terms_are_the_gap(self, result: LibraryResult) -> None:
        """``gap_terms`` lists the gap's options, in order, and its advice is the gap's."""
        terms = gap_terms(result)
        gap = result.gap
        if gap is None:
            assert terms is None
        else:
            assert terms is not None
            assert (gap.next_color, gap.points, [(o.indicator, o.extra, o.max_points) for o in gap.options]) == (
                terms[0], terms[1], [(i, extra, Fraction(n, d)) for i, extra, n, d in terms[2]])
        assert gap_advice(gap) == gap_terms_advice(terms)


class TestDocument:
    @pytest.mark.parametrize("period", ["2024-03", "2024-09", "2024-Q3", "2024"])
    def test_equal_plan_options_have_equal_messages(self, period: str) -> None:
        """What the document relies on to render a plan option once: its message follows from what it adds."""
        _, plans = example(period)
        seen: dict[object, Message] = {}
        for plan in plans.values():
            for option in plan.options:
                assert seen.setdefault((option.reaches, option.add), option.message) == option.message

    @pytest.mark.parametrize("period", ["2024-03", "2024-09", "2024"])
    def test_values_and_texts_are_the_plain_ones(self, period: str) -> None:
        """Every shown number and text of the document is the one rendered and rounded the slow way."""
        run, plans = example(period)
        document = kpi_document(run, Counts(rows=0, accepted=0, rejected=0, duplicates=0, blank=0), (), plans=plans)
        for result, item in zip(run.results, document["results"], strict=True):
            shown = {
                r.id: {"value": None if r.shown_value is None else (
                    float(r.shown_value) if isinstance(r.shown_value, Decimal) else r.shown_value),
                    "target": float(r.shown_target), "score": float(r.shown_score)}
                for r in result.indicators
            }
            assert shown == item["indicators"]
            gap = result.gap
            if gap is None:
                assert item["gap"] is None
            else:
                advice = gap_advice(gap)
                assert [float(round_half_up(o.max_points)) for o in gap.options] == [
                    o["max_points"] for o in item["gap"]["options"]]
                assert (advice.render("id"), advice.render("en")) == (
                    item["gap"]["message_id"], item["gap"]["message_en"])
            plan = plans[result.library.id]
            assert [(o.message.render("id"), o.message.render("en")) for o in plan.options] == [
                (o["text_id"], o["text_en"]) for o in item["plan"]]

