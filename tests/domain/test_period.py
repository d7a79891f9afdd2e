"""Periods (SPEC §4): constructors, parsing, labels, membership, scale and months."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpbis.domain.period import Period
from tpbis.errors import ConfigError, PeriodError

D = pendulum.Date

in_range_days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


class TestParse:
    """Each canonical text gives the right range, labels and key."""

    @pytest.mark.parametrize(
        ("text", "start", "end", "label", "label_en", "key"),
        [
            ("2024-09", D(2024, 9, 1), D(2024, 9, 30), "September 2024", "September 2024", "2024-09"),
            ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "Februari 2024", "February 2024", "2024-02"),
            ("2023-02", D(2023, 2, 1), D(2023, 2, 28), "Februari 2023", "February 2023", "2023-02"),
            ("2024-08", D(2024, 8, 1), D(2024, 8, 31), "Agustus 2024", "August 2024", "2024-08"),
            ("2024-Q1", D(2024, 1, 1), D(2024, 3, 31), "Triwulan I 2024", "Quarter 1 2024", "2024-Q1"),
            ("2024-Q2", D(2024, 4, 1), D(2024, 6, 30), "Triwulan II 2024", "Quarter 2 2024", "2024-Q2"),
            ("2024-Q3", D(2024, 7, 1), D(2024, 9, 30), "Triwulan III 2024", "Quarter 3 2024", "2024-Q3"),
            ("2024-Q4", D(2024, 10, 1), D(2024, 12, 31), "Triwulan IV 2024", "Quarter 4 2024", "2024-Q4"),
            ("2024-S1", D(2024, 1, 1), D(2024, 6, 30), "Semester 1 2024", "Half 1 2024", "2024-S1"),
            ("2024-S2", D(2024, 7, 1), D(2024, 12, 31), "Semester 2 2024", "Half 2 2024", "2024-S2"),
            ("2024", D(2024, 1, 1), D(2024, 12, 31), "Tahun 2024", "Year 2024", "2024"),
            (
                "2024-01-01..2024-09-25", D(2024, 1, 1), D(2024, 9, 25),
                "1 Januari–25 September 2024", "1 January–25 September 2024", "2024-01-01..2024-09-25",
            ),
        ],
    )
    def test_forms(self, text: str, start: D, end: D, label: str, label_en: str, key: str) -> None:
        """The SPEC forms parse to their range, Indonesian and English labels and key."""
        expected = Period(start=start, end=end, label=label, label_en=label_en, key=key)
        assert expected == Period.parse(text)

    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("  2024-09\n", "2024-09"),
            ("2024-q3", "2024-Q3"),
            ("2024-s2", "2024-S2"),
            ("\t2024 ", "2024"),
            ("2024-01-01 .. 2024-09-25", "2024-01-01..2024-09-25"),
        ],
    )
    def test_lenient_spelling(self, text: str, key: str) -> None:
        """Whitespace is trimmed, Q/S are case-insensitive, and the key is canonical."""
        assert key == Period.parse(text).key

    def test_parse_equals_constructor(self) -> None:
        """Parsing and the named constructors build equal periods."""
        expected = [Period.month(2024, 9), Period.quarter(2024, 3), Period.semester(2024, 2),
                    Period.year(2024), Period.range(dt.date(2024, 1, 1), dt.date(2024, 9, 25))]
        actual = [Period.parse(t) for t in ("2024-09", "2024-Q3", "2024-S2", "2024", "2024-01-01..2024-09-25")]
        assert expected == actual

    @pytest.mark.parametrize(
        "text",
        [
            "", "   ", "2024-13", "2024-00", "2024-9", "24-09", "2024-Q0", "2024-Q5", "2024-S0", "2024-S3",
            "2024-H1", "Q3-2024", "2024/09", "September 2024", "1999", "2101", "20244",
            "2024-02-30..2024-03-01", "2024-09-25..2024-01-01", "2024-01-01..", "2024-01-01...2024-02-01",
            "2024-1-1..2024-9-25", "1999-12-01..2000-01-31", "2100-12-01..2101-01-31", "２０２４",
        ],
    )
    def test_rejects(self, text: str) -> None:
        """Anything but the five forms, impossible dates and out-of-range years raise PeriodError."""
        with pytest.raises(PeriodError):
            Period.parse(text)

    def test_error_is_bilingual_and_lists_forms(self) -> None:
        """The error message names the text and the accepted forms in Indonesian and English."""
        with pytest.raises(PeriodError) as caught:
            Period.parse("2024-13")
        expected = (
            "Periode '2024-13' tidak dikenali: Bulan 13 tidak ada; gunakan 1 sampai 12. "
            "Gunakan 2024-09, 2024-Q3, 2024-S2, 2024 atau 2024-01-01..2024-09-25.",
            "Period '2024-13' not recognised: Month 13 does not exist; use 1 to 12. "
            "Use 2024-09, 2024-Q3, 2024-S2, 2024 or 2024-01-01..2024-09-25.",
        )
        assert expected == (caught.value.message_id, caught.value.message_en)

    def test_unrecognised_shape_message(self) -> None:
        """A text of no known shape gets the plain 'not recognised; use …' message."""
        with pytest.raises(PeriodError) as caught:
            Period.parse("bulan lalu")
        expected = (
            "Periode 'bulan lalu' tidak dikenali; gunakan 2024-09, 2024-Q3, 2024-S2, 2024 atau 2024-01-01..2024-09-25.",
            "Period 'bulan lalu' not recognised; use 2024-09, 2024-Q3, 2024-S2, 2024 or 2024-01-01..2024-09-25.",
        )
        assert expected == (caught.value.message_id, caught.value.message_en)

    def test_period_error_is_config_error(self) -> None:
        """A bad period is bad configuration (exit code 2), not bad data."""
        with pytest.raises(ConfigError):
            Period.parse("nope")

    @given(st.text(max_size=30))
    def test_never_crashes(self, text: str) -> None:
        """Arbitrary text either parses to a period whose key parses back to it, or raises PeriodError."""
        try:
            period = Period.parse(text)
        except PeriodError:
            return
        assert period == Period.parse(period.key)


class TestConstructors:
    """The named constructors validate their arguments."""

    @pytest.mark.parametrize(
        "build",
        [
            lambda: Period.month(2024, 0),
            lambda: Period.month(2024, 13),
            lambda: Period.quarter(2024, 0),
            lambda: Period.quarter(2024, 5),
            lambda: Period.semester(2024, 3),
            lambda: Period.year(1999),
            lambda: Period.year(2101),
            lambda: Period.month(2101, 1),
            lambda: Period.range(dt.date(2024, 9, 2), dt.date(2024, 9, 1)),
            lambda: Period.range(dt.date(1999, 12, 31), dt.date(2024, 9, 1)),
            lambda: Period.range(dt.date(2024, 12, 31), dt.date(2101, 1, 1)),
        ],
    )
    def test_invalid(self, build: object) -> None:
        """Out-of-range numbers, years outside 2000…2100 and reversed ranges raise PeriodError."""
        with pytest.raises(PeriodError):
            build()  # type: ignore[operator]

    def test_year_bounds_inclusive(self) -> None:
        """2000 and 2100 themselves are allowed."""
        expected = ("2000", "2100")
        assert expected == (Period.year(2000).key, Period.year(2100).key)

    def test_range_accepts_stdlib_dates(self) -> None:
        """datetime.date ends become pendulum.Date ends."""
        period = Period.range(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
        assert (pendulum.Date, pendulum.Date) == (type(period.start), type(period.end))

    def test_range_rejects_datetimes(self) -> None:
        """A date-time is not a day; passing one is a programming error."""
        with pytest.raises(TypeError):
            Period.range(dt.datetime(2024, 1, 1), dt.date(2024, 1, 31))

    def test_direct_construction_validates_order(self) -> None:
        """The start ≤ end invariant holds even when built directly or evolved."""
        with pytest.raises(PeriodError):
            attrs.evolve(Period.month(2024, 9), end=D(2024, 8, 31))

    def test_direct_construction_validates_type(self) -> None:
        """Ends must be pendulum dates."""
        with pytest.raises(TypeError):
            Period(start=dt.date(2024, 1, 1), end=D(2024, 1, 2), label="x", label_en="x", key="x")  # type: ignore[arg-type]

    def test_frozen(self) -> None:
        """Periods are immutable values."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            Period.year(2024).label = "x"  # type: ignore[misc]


class TestRangeLabels:
    """Range labels name only what changes between the two ends."""

    @pytest.mark.parametrize(
        ("start", "end", "label", "label_en"),
        [
            (dt.date(2024, 9, 1), dt.date(2024, 9, 25), "1–25 September 2024", "1–25 September 2024"),
            (dt.date(2024, 1, 1), dt.date(2024, 9, 25), "1 Januari–25 September 2024", "1 January–25 September 2024"),
            (dt.date(2023, 12, 1), dt.date(2024, 9, 25), "1 Desember 2023–25 September 2024",
             "1 December 2023–25 September 2024"),
            (dt.date(2024, 5, 17), dt.date(2024, 5, 17), "17 Mei 2024", "17 May 2024"),
            (dt.date(2024, 10, 2), dt.date(2024, 11, 3), "2 Oktober–3 November 2024", "2 October–3 November 2024"),
        ],
    )
    def test_label(self, start: dt.date, end: dt.date, label: str, label_en: str) -> None:
        """Same month, same year, different years and single days are labelled as in SPEC."""
        period = Period.range(start, end)
        assert (label, label_en) == (period.label, period.label_en)

    def test_en_dash(self) -> None:
        """The separator is an en dash (U+2013)."""
        assert "\u2013" in Period.parse("2024-01-01..2024-09-25").label


class TestContains:
    """A period contains the days from start to end inclusive."""

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (D(2024, 6, 30), False),
            (D(2024, 7, 1), True),
            (D(2024, 8, 15), True),
            (D(2024, 9, 30), True),
            (D(2024, 10, 1), False),
            (dt.date(2024, 7, 1), True),
            (dt.date(2024, 10, 1), False),
        ],
    )
    def test_bounds(self, day: dt.date, expected: bool) -> None:
        """Both ends are inside; the days either side are not; stdlib dates work too."""
        assert expected == (day in Period.parse("2024-Q3"))

    def test_not_a_date(self) -> None:
        """Non-dates are simply not members."""
        assert "2024-07-01" not in Period.parse("2024-Q3")

    def test_datetime_rejected(self) -> None:
        """An instant has no day until a time zone is chosen, so it is refused."""
        with pytest.raises(TypeError):
            _ = pendulum.datetime(2024, 7, 1) in Period.parse("2024-Q3")


class TestScale:
    """Scale is exact month-equivalents (SPEC §4)."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2024-09", Fraction(1)),
            ("2024-02", Fraction(1)),
            ("2024-Q1", Fraction(3)),
            ("2024-Q3", Fraction(3)),
            ("2024-S2", Fraction(6)),
            ("2024", Fraction(12)),
            ("2023", Fraction(12)),
            ("2024-01-01..2024-09-25", 8 + Fraction(25, 30)),
            ("2024-02-01..2024-02-15", Fraction(15, 29)),
            ("2023-02-01..2023-02-14", Fraction(1, 2)),
            ("2024-09-25..2024-09-25", Fraction(1, 30)),
            ("2023-12-17..2024-01-15", Fraction(15, 31) + Fraction(15, 31)),
            ("2023-11-16..2024-02-29", Fraction(15, 30) + 3),
            ("2023-01-01..2024-12-31", Fraction(24)),
        ],
    )
    def test_scale(self, text: str, expected: Fraction) -> None:
        """Months, quarters, years, leap February, partial months and year-crossing ranges."""
        assert expected == Period.parse(text).scale

    def test_scale_is_fraction(self) -> None:
        """Scale is an exact Fraction, not a float."""
        assert Period.parse("2024-01-01..2024-09-25").scale.__class__ is Fraction

    @given(in_range_days, in_range_days)
    def test_bounded_by_month_count(self, a: dt.date, b: dt.date) -> None:
        """A range is worth more than (months touched − 2) and at most the months touched."""
        period = Period.range(min(a, b), max(a, b))
        touched = len(period.months())
        assert touched - 2 < period.scale <= touched

    @given(in_range_days, in_range_days, in_range_days)
    def test_additive(self, a: dt.date, b: dt.date, c: dt.date) -> None:
        """Splitting a range in two adjacent ranges splits its scale exactly."""
        first, middle, last = sorted((a, b, c))
        if middle == last:
            return
        whole = Period.range(first, last).scale
        parts = Period.range(first, middle).scale + Period.range(middle + dt.timedelta(days=1), last).scale
        assert whole == parts


class TestMonths:
    """The calendar months a period touches, clipped to it."""

    def test_quarter(self) -> None:
        """A quarter is its three whole months."""
        expected = ["2024-07", "2024-08", "2024-09"]
        assert expected == [m.key for m in Period.parse("2024-Q3").months()]

    def test_clipped_across_years(self) -> None:
        """Partial first and last months are clipped ranges; whole months are month periods."""
        months = Period.parse("2023-12-17..2024-02-10").months()
        expected = ["2023-12-17..2023-12-31", "2024-01", "2024-02-01..2024-02-10"]
        assert expected == [m.key for m in months]

    def test_single_day(self) -> None:
        """A one-day period touches one month: itself."""
        period = Period.parse("2024-09-25..2024-09-25")
        assert [period] == period.months()

    @given(in_range_days, in_range_days)
    def test_partition(self, a: dt.date, b: dt.date) -> None:
        """The months are contiguous, cover the period exactly and sum to its scale."""
        period = Period.range(min(a, b), max(a, b))
        months = period.months()
        contiguous = all(x.end + dt.timedelta(days=1) == y.start for x, y in itertools.pairwise(months))
        assert (period.start, period.end, True, period.scale) == (
            months[0].start, months[-1].end, contiguous, sum((m.scale for m in months), Fraction(0)),
        )
