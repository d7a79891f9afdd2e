"""Rubric invariants hold for a rubric built in Python, not only for one read from TOML."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs
import pytest

from tpbis.domain.activity import ActivityKind
from tpbis.domain.library import LibraryKind
from tpbis.domain.rubric import (
    Color,
    Contest,
    Criterion,
    Indicator,
    Metric,
    RankingTerm,
    rubric_content,
    rubric_digest,
)
from tpbis.domain.text import normalize_label
from tpbis.rubrics import default_rubric

RUBRIC = default_rubric()


def _indicator(**changes: Any) -> Indicator:
    return attrs.evolve(RUBRIC.indicators[0], **changes)


class TestIndicatorInvariants:
    """An Indicator refuses weights, targets and kinds the loader refuses."""

    def test_all_zero_weights_refused(self) -> None:
        """A rubric whose weights are all 0 cannot be built (it would divide by zero when scoring)."""
        with pytest.raises(ValueError, match=r"Indicator 'kegiatan_pelibatan': weight must be above 0, found 0"):
            attrs.evolve(RUBRIC, indicators=tuple(attrs.evolve(i, weight=0) for i in RUBRIC.indicators))

    def test_negative_weight_refused(self) -> None:
        """A negative weight names the indicator and the value."""
        with pytest.raises(ValueError, match=r"weight must be above 0, found -5"):
            _indicator(weight=-5)

    def test_zero_level_target_refused(self) -> None:
        """A level target of 0 is refused, naming the level."""
        with pytest.raises(ValueError, match=r"targets must be above 0 \(level 2\), found 0"):
            _indicator(targets={1: Fraction(1), 2: Fraction(0), 3: Fraction(3)})

    def test_missing_level_target_refused(self) -> None:
        """Targets must cover levels 1, 2 and 3."""
        with pytest.raises(ValueError, match=r"one target for each level 1, 2, 3, found \[1, 2\]"):
            _indicator(targets={1: Fraction(1), 2: Fraction(2)})

    def test_zero_kind_target_refused(self) -> None:
        """A per-library-kind target must be above 0 too."""
        with pytest.raises(ValueError, match=r"kind_targets must be above 0 \(desa\), found 0"):
            _indicator(kind_targets={LibraryKind.DESA: Fraction(0)})

    def test_no_kinds_refused(self) -> None:
        """An indicator counts at least one activity kind."""
        with pytest.raises(ValueError, match=r"kinds must be non-empty"):
            _indicator(kinds=frozenset())

    def test_negative_within_days_refused(self) -> None:
        """within_days is 0 or more."""
        with pytest.raises(ValueError, match=r"within_days"):
            _indicator(within_days=-1)


class TestRubricInvariants:
    """A Rubric refuses incomplete kinds, disordered bands and repeated ids."""

    def test_valid_rubric_rebuilds_equal(self) -> None:
        """Rebuilding the default rubric field by field gives an equal rubric."""
        assert RUBRIC == attrs.evolve(RUBRIC)

    def test_bands_out_of_order_refused(self) -> None:
        """Bands must be hijau, kuning, merah, best first."""
        with pytest.raises(ValueError, match=r"bands must be hijau, kuning, merah once each, best first, "
                                             r"found \['kuning', 'hijau', 'merah'\]"):
            attrs.evolve(RUBRIC, bands=(RUBRIC.bands[1], RUBRIC.bands[0], RUBRIC.bands[2]))

    def test_band_missing_refused(self) -> None:
        """Bands must cover every colour."""
        with pytest.raises(ValueError, match=r"bands must be hijau, kuning, merah"):
            attrs.evolve(RUBRIC, bands=RUBRIC.bands[:2])

    def test_rising_minimums_refused(self) -> None:
        """Band minimums fall from best to worst."""
        bands = (RUBRIC.bands[0], attrs.evolve(RUBRIC.bands[1], minimum=Fraction(90)), RUBRIC.bands[2])
        with pytest.raises(ValueError, match=r"minimums falling from best to worst, found \['80', '90', '0'\]"):
            attrs.evolve(RUBRIC, bands=bands)

    def test_missing_kind_labels_refused(self) -> None:
        """Every activity kind needs its labels."""
        kinds = tuple(info for info in RUBRIC.kinds if info.kind is not ActivityKind.PUBLIKASI)
        with pytest.raises(ValueError, match=r"kinds must be the labels of every activity kind once, found missing publikasi"):
            attrs.evolve(RUBRIC, kinds=kinds)

    def test_no_indicators_refused(self) -> None:
        """A rubric has at least one indicator."""
        with pytest.raises(ValueError, match=r"indicators must be at least one indicator"):
            attrs.evolve(RUBRIC, indicators=())

    def test_repeated_indicator_id_refused(self) -> None:
        """Indicator ids are distinct."""
        with pytest.raises(ValueError, match=r"kegiatan_pelibatan used twice"):
            attrs.evolve(RUBRIC, indicators=(*RUBRIC.indicators, RUBRIC.indicators[0]))

    def test_award_and_contest_sharing_an_id_refused(self) -> None:
        """Awards and contests do not share ids."""
        contest = Contest(id=RUBRIC.awards[0].id, label="x", label_en="x")
        with pytest.raises(ValueError, match=rf"{RUBRIC.awards[0].id} used twice"):
            attrs.evolve(RUBRIC, contests=(*RUBRIC.contests, contest))

    def test_label_naming_two_kinds_refused(self) -> None:
        """One label cannot name two activity kinds."""
        kinds = (attrs.evolve(RUBRIC.kinds[0], aliases=("Promosi",)), *RUBRIC.kinds[1:])
        with pytest.raises(ValueError, match=r"names two activity kinds"):
            attrs.evolve(RUBRIC, kinds=kinds)


class TestAwardInvariants:
    """Award categories, criteria, ranking terms and contests check themselves."""

    def test_level_outside_one_to_three_refused(self) -> None:
        """Award levels are among 1, 2, 3."""
        with pytest.raises(ValueError, match=r"levels must be levels among 1, 2, 3, found \[4\]"):
            attrs.evolve(RUBRIC.awards[0], levels=(4,))

    def test_no_ranking_refused(self) -> None:
        """A category ranks by at least one term."""
        with pytest.raises(ValueError, match=r"ranking must be non-empty"):
            attrs.evolve(RUBRIC.awards[0], ranking=())

    def test_colour_ranking_refused(self) -> None:
        """Colour cannot be a ranking term."""
        with pytest.raises(ValueError, match=r"colour cannot be ranked"):
            RankingTerm(metric=Metric.COLOR, weight=Fraction(1), cap=Fraction(1))

    def test_zero_cap_refused(self) -> None:
        """A ranking cap of 0 would divide by zero."""
        with pytest.raises(ValueError, match=r"cap must be above 0, found 0"):
            RankingTerm(metric=Metric.COUNT, weight=Fraction(1), cap=Fraction(0))

    def test_colour_criterion_without_colour_refused(self) -> None:
        """A colour criterion names its colour."""
        with pytest.raises(ValueError, match=r"needs color"):
            Criterion(metric=Metric.COLOR)

    def test_count_criterion_without_minimum_refused(self) -> None:
        """A numeric criterion names its minimum."""
        with pytest.raises(ValueError, match=r"metric count needs a minimum"):
            Criterion(metric=Metric.COUNT)

    def test_colour_criterion_accepted(self) -> None:
        """A well-formed colour criterion builds and is named by its metric."""
        assert "color" == Criterion(metric=Metric.COLOR, color=Color.HIJAU).name

    def test_small_jury_trim_refused(self) -> None:
        """Trimming needs at least three judges."""
        with pytest.raises(ValueError, match=r"trim_from"):
            Contest(id="c", label="c", label_en="c", trim_from=2)


class TestNormalizeLabel:
    """One comparison of labels, names and headers."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("  Pelatihan   TIK ", "pelatihan tik"), ("KEPULAUAN\tRIAU", "kepulauan riau"), ("Straße", "strasse"), ("", "")],
    )
    def test_casefolds_and_collapses(self, text: str, expected: str) -> None:
        """Casefolded, whitespace collapsed and trimmed."""
        assert expected == normalize_label(text)

    def test_rubric_kind_lookup_uses_it(self) -> None:
        """A kind label in any case and spacing is recognised."""
        assert ActivityKind.PELATIHAN_TIK == RUBRIC.kind_of("  PELATIHAN   tik ")



class TestDigest:
    """Rubric.digest: a short SHA-256 of the content, for a rubric built in Python too."""

    def test_rebuilt_rubric_has_the_same_digest(self) -> None:
        """An equal rubric built field by field has the same digest."""
        rebuilt = attrs.evolve(RUBRIC)
        assert (RUBRIC.digest, 12) == (rebuilt.digest, len(rebuilt.digest))

    def test_changed_weight_changes_it(self) -> None:
        """Another weight, same name and version: another digest."""
        heavier = attrs.evolve(RUBRIC, indicators=(_indicator(weight=30), *RUBRIC.indicators[1:]))
        assert (RUBRIC.ref, False) == (heavier.ref, heavier.digest == RUBRIC.digest)

    def test_kind_order_inside_an_indicator_does_not_matter(self) -> None:
        """Kinds are a set: their order is not content."""
        first = _indicator(kinds=frozenset([ActivityKind.PROMOSI, ActivityKind.PELATIHAN]))
        second = _indicator(kinds=frozenset([ActivityKind.PELATIHAN, ActivityKind.PROMOSI]))
        one = attrs.evolve(RUBRIC, indicators=(first, *RUBRIC.indicators[1:]))
        two = attrs.evolve(RUBRIC, indicators=(second, *RUBRIC.indicators[1:]))
        assert one.digest == two.digest

    def test_content_leaves_out_name_and_version(self) -> None:
        """rubric_content holds the numbers and labels but not the identity."""
        content = rubric_content(RUBRIC)
        assert ("name" in content, "version" in content, "96") == (
            False, False, content["indicators"][0]["targets"]["1"],  # type: ignore[index]
        )

    def test_stamp(self) -> None:
        """The stamp outputs show: name@version · sha256:digest."""
        assert f"tpbis-default@1 · sha256:{rubric_digest(RUBRIC)}" == RUBRIC.stamp
