"""Cell-value readers (SPEC §3.1): blanks, dates, timestamps, whole numbers, lists, URLs, text."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import urlsplit

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpbis.domain.period import MONTH_NAMES_EN, MONTH_NAMES_ID
from tpbis.domain.text import url_identity
from tpbis.errors import ConfigError
from tpbis.parsing import values
from tpbis.parsing.values import (
    MONTHS,
    is_blank,
    is_http_url,
    is_plausible_year,
    normalize_text,
    parse_date,
    parse_timestamp,
    parse_whole_number,
    plain_url_identity,
    split_partners,
    split_urls,
)

D = pendulum.Date
WITA = "Asia/Makassar"

#: Anything a cell may hold, and then some (aware date-times, huge numbers, NaN).
any_cell = st.one_of(
    st.text(),
    st.integers(),
    st.floats(),
    st.none(),
    st.booleans(),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
    st.dates(),
    st.sampled_from(["21/09/2024 14:05:33", "2024-09-21T14:05:33+09:00", "21 Agt 2024", "1.250", "9:05"]),
)
four_digit_years = st.dates(min_value=dt.date(1000, 1, 1))


def stamp(value: pendulum.DateTime | None) -> tuple[str, str | None] | None:
    """A timestamp as (ISO text with offset, zone name), to compare wall time and zone exactly."""
    return None if value is None else (value.isoformat(), value.timezone_name)


class TestIsBlank:
    """Blank means None or whitespace-only text."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, True), ("", True), ("   ", True), ("\t\n", True), ("\xa0", True),
            ("x", False), (" 0 ", False), (0, False), (0.0, False), (False, False),
            (dt.date(2024, 1, 1), False),
        ],
    )
    def test_blank(self, value: object, expected: bool) -> None:
        """Zero, False and dates are values, not blanks."""
        assert expected == is_blank(value)


FULL_NAMES = {**{n.lower(): i for i, n in enumerate(MONTH_NAMES_ID, 1)},
              **{n.lower(): i for i, n in enumerate(MONTH_NAMES_EN, 1)}}
SHORT_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7,
    "agu": 8, "agt": 8, "ags": 8, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11,
    "des": 12, "dec": 12,
}


class TestMonths:
    """The month-name table."""

    def test_exactly_full_and_short_names(self) -> None:
        """Indonesian and English full names and 3-letter forms (agu/agt/ags for August), nothing else."""
        assert {**FULL_NAMES, **SHORT_NAMES} == MONTHS

    def test_no_extra_spellings(self) -> None:
        """Sept, Peb and Pebruari are not month names."""
        expected: list[int | None] = [None, None, None]
        assert expected == [MONTHS.get(n) for n in ("sept", "peb", "pebruari")]


class TestParseDate:
    """Activity dates in every SPEC form, and nothing else."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            # serial numbers: days since 1899-12-30, fraction ignored
            (45556, D(2024, 9, 21)),
            (45556.0, D(2024, 9, 21)),
            (45556.99, D(2024, 9, 21)),
            (45556.58719907407, D(2024, 9, 21)),
            (0, D(1899, 12, 30)),
            (1, D(1899, 12, 31)),
            (61, D(1900, 3, 1)),
            (2958465, D(9999, 12, 31)),
            # ISO
            ("2024-09-21", D(2024, 9, 21)),
            ("2024-02-29", D(2024, 2, 29)),
            ("  2024-09-21 ", D(2024, 9, 21)),
            # D/M/YYYY and D-M-YYYY, day first
            ("21/09/2024", D(2024, 9, 21)),
            ("21/9/2024", D(2024, 9, 21)),
            ("1/2/2024", D(2024, 2, 1)),
            ("01/02/2024", D(2024, 2, 1)),
            ("21-09-2024", D(2024, 9, 21)),
            ("21-9-2024", D(2024, 9, 21)),
            ("29/02/2024", D(2024, 2, 29)),
            # D <month> YYYY, Indonesian and English, full and 3-letter, any case
            ("21 Agustus 2024", D(2024, 8, 21)),
            ("21 agustus 2024", D(2024, 8, 21)),
            ("21 AGUSTUS 2024", D(2024, 8, 21)),
            ("21 Agu 2024", D(2024, 8, 21)),
            ("21 Agt 2024", D(2024, 8, 21)),
            ("21 Ags 2024", D(2024, 8, 21)),
            ("21 Aug 2024", D(2024, 8, 21)),
            ("21 August 2024", D(2024, 8, 21)),
            ("1 Mei 2024", D(2024, 5, 1)),
            ("1 May 2024", D(2024, 5, 1)),
            ("5 Okt 2024", D(2024, 10, 5)),
            ("5 Oct 2024", D(2024, 10, 5)),
            ("25 Des 2024", D(2024, 12, 25)),
            ("25 Dec 2024", D(2024, 12, 25)),
            ("25 Desember 2024", D(2024, 12, 25)),
            ("3 Februari 2024", D(2024, 2, 3)),
            ("03 Sep 2024", D(2024, 9, 3)),
            ("3  September   2024", D(2024, 9, 3)),
            # cells that already are dates
            (dt.date(2024, 9, 21), D(2024, 9, 21)),
            (D(2024, 9, 21), D(2024, 9, 21)),
            (dt.datetime(2024, 9, 21, 23, 59), D(2024, 9, 21)),
            (pendulum.datetime(2024, 9, 21, 23, 59, tz=WITA), D(2024, 9, 21)),
        ],
    )
    def test_accepted(self, value: object, expected: D) -> None:
        """Serials, ISO, D/M/YYYY, D-M-YYYY, D <month> YYYY and date cells read as that day."""
        actual = parse_date(value)
        assert (expected, pendulum.Date) == (actual, type(actual))

    @pytest.mark.parametrize(
        "value",
        [
            None, True, False, "", "  ", "45556", "45556.5", "2023-02-29", "31/02/2024", "29/02/2023",
            "32/01/2024", "0/1/2024", "1/13/2024", "00/00/0000", "2024-9-21", "2024/09/21", "21/09/24",
            "21/09-2024", "21.09.2024", "3 Sept 2024", "3 Sept. 2024", "21 Agt. 2024", "21 Pebruari 2024",
            "Agustus 21 2024", "21 Agustus", "21 Agustus 24", "21Agustus2024", "Sabtu, 21 September 2024",
            "21/09/2024 14:05", "2024-09-21T00:00:00", "２１/０９/２０２４", "21/09/2024x", "tanggal",
            -1, -0.5, 2958466, 1e300, float("nan"), float("inf"), float("-inf"),
        ],
    )
    def test_rejected(self, value: object) -> None:
        """Impossible dates, other shapes (incl. bare number text and 'Sept'), booleans and bad serials give None."""
        assert parse_date(value) is None

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            ("9/10/2024", True, D(2024, 10, 9)),
            ("9/10/2024", False, D(2024, 9, 10)),
            ("9/21/2024", False, D(2024, 9, 21)),
            ("9/21/2024", True, None),
            ("21/9/2024", False, None),
            ("09-21-2024", False, D(2024, 9, 21)),
            ("2024-09-21", False, D(2024, 9, 21)),
            ("21 Agt 2024", False, D(2024, 8, 21)),
        ],
    )
    def test_day_first(self, text: str, day_first: bool, expected: D | None) -> None:
        """day_first=False reads M/D/YYYY; ISO and named months are unaffected."""
        assert expected == parse_date(text, day_first=day_first)

    def test_day_first_caches_are_separate(self) -> None:
        """The same text read both ways is memoised per order."""
        assert (D(2024, 10, 9), D(2024, 9, 10), D(2024, 10, 9)) == (
            parse_date("9/10/2024"), parse_date("9/10/2024", day_first=False), parse_date("9/10/2024"),
        )

    def test_cache_is_bounded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """However many distinct texts arrive, the memo table stays within its size."""
        monkeypatch.setattr(values, "_CACHE_SIZE", 10)
        monkeypatch.setattr(values, "_dates_day_first", {})
        results = [parse_date(f"{day}/1/2024") for day in range(1, 32)]
        expected = (31, True)
        assert expected == (sum(r is not None for r in results), len(values._dates_day_first) <= 10)

    def test_str_subclass(self) -> None:
        """A str subclass is read like text."""

        class Text(str):
            __slots__ = ()

        assert D(2024, 9, 21) == parse_date(Text("21/09/2024"))

    @given(any_cell)
    def test_never_raises(self, value: object) -> None:
        """Any cell gives a pendulum.Date or None."""
        assert type(parse_date(value)) in (D, type(None))

    @given(four_digit_years, st.booleans())
    def test_round_trip_numeric(self, day: dt.date, day_first: bool) -> None:
        """D/M/YYYY (or M/D/YYYY) and D-M-YYYY text of any date reads back as that date."""
        first, second = (day.day, day.month) if day_first else (day.month, day.day)
        assert (day, day) == (
            parse_date(f"{first}/{second}/{day.year}", day_first=day_first),
            parse_date(f"{first:02d}-{second:02d}-{day.year}", day_first=day_first),
        )

    @given(four_digit_years, st.sampled_from([MONTH_NAMES_ID, MONTH_NAMES_EN]), st.booleans())
    def test_round_trip_named(self, day: dt.date, names: tuple[str, ...], short: bool) -> None:
        """ISO and D <month> YYYY text (full or 3-letter) reads back as that date."""
        month = names[day.month - 1][:3] if short else names[day.month - 1]
        assert (day, day) == (parse_date(day.isoformat()), parse_date(f"{day.day} {month} {day.year}"))

    @given(st.integers(min_value=0, max_value=2958465))
    def test_serial_round_trip(self, serial: int) -> None:
        """An integer serial is that many days after 1899-12-30."""
        assert dt.date(1899, 12, 30) + dt.timedelta(days=serial) == parse_date(serial)


class TestParseTimestamp:
    """Form timestamps become aware date-times (SPEC §3.1)."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            # serials: the fraction is the time of day, in the sheet's zone, to the millisecond
            (45556, ("2024-09-21T00:00:00+08:00", WITA)),
            (45556.5871875, ("2024-09-21T14:05:33+08:00", WITA)),
            (45556.58719907407, ("2024-09-21T14:05:34+08:00", WITA)),  # = 50734 s after midnight
            (45556.5871875 + 0.5 / 86_400_000 * 0.9, ("2024-09-21T14:05:33+08:00", WITA)),
            (45556.99999999999, ("2024-09-22T00:00:00+08:00", WITA)),
            (45556.25 + 0.123 / 86400, ("2024-09-21T06:00:00.123000+08:00", WITA)),
            # a date in any text form, a space, H:MM[:SS]
            ("21/09/2024 14:05:33", ("2024-09-21T14:05:33+08:00", WITA)),
            ("21/09/2024 14:05", ("2024-09-21T14:05:00+08:00", WITA)),
            ("21/9/2024 9:05:33", ("2024-09-21T09:05:33+08:00", WITA)),
            ("21/9/2024 9:05", ("2024-09-21T09:05:00+08:00", WITA)),
            ("21-09-2024 00:00:00", ("2024-09-21T00:00:00+08:00", WITA)),
            ("21 Agt 2024 23:59:59", ("2024-08-21T23:59:59+08:00", WITA)),
            ("21 September 2024 14:05:33.250", ("2024-09-21T14:05:33.250000+08:00", WITA)),
            ("  21/09/2024  14:05:33 ", ("2024-09-21T14:05:33+08:00", WITA)),
            ("2024-09-21 14:05:33", ("2024-09-21T14:05:33+08:00", WITA)),
            # ISO 8601 with or without an offset
            ("2024-09-21T14:05:33", ("2024-09-21T14:05:33+08:00", WITA)),
            ("2024-09-21T14:05", ("2024-09-21T14:05:00+08:00", WITA)),
            ("2024-09-21T14:05:33.5", ("2024-09-21T14:05:33.500000+08:00", WITA)),
            ("2024-09-21T14:05:33.1234567", ("2024-09-21T14:05:33.123456+08:00", WITA)),
            ("2024-09-21T14:05:33+09:00", ("2024-09-21T14:05:33+09:00", "+09:00")),
            ("2024-09-21T14:05:33+0900", ("2024-09-21T14:05:33+09:00", "+09:00")),
            ("2024-09-21T14:05:33-03:30", ("2024-09-21T14:05:33-03:30", "-03:30")),
            ("2024-09-21T14:05:33Z", ("2024-09-21T14:05:33+00:00", "UTC")),
            ("2024-09-21 14:05:33+07:00", ("2024-09-21T14:05:33+07:00", "+07:00")),
            ("2024-09-21T14:05:33.75+07:00", ("2024-09-21T14:05:33.750000+07:00", "+07:00")),
            # cells that are dates or date-times
            (dt.datetime(2024, 9, 21, 14, 5, 33), ("2024-09-21T14:05:33+08:00", WITA)),
            (dt.date(2024, 9, 21), ("2024-09-21T00:00:00+08:00", WITA)),
            (dt.datetime(2024, 9, 21, 14, 5, 33, tzinfo=dt.timezone(dt.timedelta(hours=9))),
             ("2024-09-21T14:05:33+09:00", "+09:00")),
            (dt.datetime(2024, 9, 21, 14, 5, 33, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta")),
             ("2024-09-21T14:05:33+07:00", "Asia/Jakarta")),
            (pendulum.datetime(2024, 9, 21, 14, 5, 33, tz="Asia/Jayapura"),
             ("2024-09-21T14:05:33+09:00", "Asia/Jayapura")),
        ],
    )
    def test_accepted(self, value: object, expected: tuple[str, str]) -> None:
        """Serials, date + time text and ISO 8601 read in the sheet's zone unless they carry an offset."""
        assert expected == stamp(parse_timestamp(value, WITA))

    def test_returns_pendulum(self) -> None:
        """The result is an aware pendulum.DateTime."""
        actual = parse_timestamp("21/09/2024 14:05:33", WITA)
        assert (pendulum.DateTime, True) == (type(actual), actual is not None and actual.tzinfo is not None)

    def test_same_instant_across_forms(self) -> None:
        """Serial, local text and ISO with an offset name the same instant."""
        instants = {
            parse_timestamp(45556.5871875, "Asia/Jakarta"),
            parse_timestamp("21/09/2024 14:05:33", "Asia/Jakarta"),
            parse_timestamp("2024-09-21T14:05:33+07:00", WITA),
            parse_timestamp("2024-09-21T07:05:33Z", WITA),
            parse_timestamp("9/21/2024 15:05:33", WITA, day_first=False),
        }
        assert [pendulum.datetime(2024, 9, 21, 7, 5, 33)] == list(instants)

    def test_day_first(self) -> None:
        """The date part follows day_first; ISO does not."""
        expected = (("2024-09-21T14:05:33+08:00", WITA), None, ("2024-09-21T14:05:33+08:00", WITA))
        assert expected == (
            stamp(parse_timestamp("9/21/2024 14:05:33", WITA, day_first=False)),
            stamp(parse_timestamp("9/21/2024 14:05:33", WITA)),
            stamp(parse_timestamp("2024-09-21T14:05:33", WITA, day_first=False)),
        )

    @pytest.mark.parametrize(
        "value",
        [
            None, True, False, "", "  ", "21/09/2024", "2024-09-21", "45556.5", "31/02/2024 14:05",
            "21/09/2024 24:00", "21/09/2024 14:60", "21/09/2024 14:05:60", "21/09/2024 14:5",
            "21/09/2024 140:05", "21/09/2024 14:05:3", "21/09/2024 14.05", "21/09/2024 14:05:33.",
            "21/09/2024 14:05:33.1234567890", "21/09/2024 14:05:33,5", "21/09/2024 14:05:33+07:00",
            "21/09/2024T14:05:33", "21 Sept 2024 14:05", "2024-09-21T14:05:33+24:00",
            "2024-09-21T14:05:33+07:60", "2024-09-21T14:05:33+7", "2024-09-21T14:05:33 +07:00",
            "2024-09-21T9:05:33", "2024-09-21t14:05:33", "2024-09-21T14:05:33z", "20240921T140533",
            "2024-W38-6T14:05", "２１/０９/２０２４ １４:０５", "21/09/2024 １４:０５", "14:05:33",
            -1, -0.001, 2958466, float("nan"), float("inf"),
        ],
    )
    def test_rejected(self, value: object) -> None:
        """Date-only text, impossible dates or clocks and other shapes give None."""
        assert parse_timestamp(value, WITA) is None

    def test_unknown_zone(self) -> None:
        """An unknown zone name is a configuration error, not bad data."""
        with pytest.raises(ConfigError):
            parse_timestamp("21/09/2024 14:05:33", "Asia/Bandung")

    @given(any_cell, st.sampled_from(["Asia/Jakarta", WITA, "Asia/Jayapura", "UTC"]), st.booleans())
    def test_never_raises(self, value: object, tz: str, day_first: bool) -> None:
        """Any cell gives an aware pendulum.DateTime or None."""
        actual = parse_timestamp(value, tz, day_first=day_first)
        assert True is (actual is None or (type(actual) is pendulum.DateTime and actual.tzinfo is not None))

    @given(st.datetimes(min_value=dt.datetime(1000, 1, 1)), st.booleans())
    def test_round_trip_text(self, moment: dt.datetime, day_first: bool) -> None:
        """D/M/YYYY HH:MM:SS text of any wall time reads back as that wall time in the sheet's zone."""
        moment = moment.replace(microsecond=0)
        first, second = (moment.day, moment.month) if day_first else (moment.month, moment.day)
        text = f"{first}/{second}/{moment.year} {moment:%H:%M:%S}"
        expected = (pendulum.instance(moment, tz=WITA).isoformat(), WITA)
        assert expected == stamp(parse_timestamp(text, WITA, day_first=day_first))

    @given(st.datetimes(min_value=dt.datetime(1899, 12, 30), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)))
    def test_round_trip_serial(self, moment: dt.datetime) -> None:
        """A float serial of any millisecond-precision wall time reads back exactly."""
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        serial = (moment - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
        actual = parse_timestamp(serial, WITA)
        assert moment == (None if actual is None else actual.naive())

    @given(st.datetimes(min_value=dt.datetime(1899, 12, 30), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)))
    def test_date_agrees_with_timestamp(self, moment: dt.datetime) -> None:
        """A serial's date is the date of its timestamp (same rounding)."""
        serial = (moment - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
        stamped = parse_timestamp(serial, WITA)
        assert (None if stamped is None else stamped.date()) == parse_date(serial)


class TestParseWholeNumber:
    """Participant counts: whole numbers 0…100000, blank is 0 (SPEC §3.1)."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, 0), ("", 0), ("   ", 0),
            (0, 0), (45, 45), (45.0, 45), (100_000, 100_000), (100_000.0, 100_000),
            ("0", 0), ("25", 25), (" 25 ", 25), ("007", 7), ("100000", 100_000),
            ("1.250", 1250), ("1,250", 1250), ("100.000", 100_000), ("99,999", 99_999), ("12.500", 12_500),
        ],
    )
    def test_accepted(self, value: object, expected: int) -> None:
        """Integral numbers, digit text and consistent thousands groups of three."""
        assert expected == parse_whole_number(value)

    @pytest.mark.parametrize(
        "value",
        [
            "25 orang", "-3", "+3", "2,5", "2.5", "1.25", "1.2500", "1,25", ",250", "1.250,000", "1,250.000",
            "1.250.", "1..250", "1 250", "0.250", "01.250", "12.500.000", "100001", "100.001", "²",
            "٣", "25.0", "1e3", "0x10", "satu", "1_000",
            -1, -3, 100_001, 2.5, 45.000001, -0.0 - 1, float("nan"), float("inf"),
            True, False, dt.date(2024, 1, 1), dt.datetime(2024, 1, 1), [25],
        ],
    )
    def test_rejected(self, value: object) -> None:
        """Words, signs, decimals, bad grouping, out-of-range values, booleans and dates give None."""
        assert parse_whole_number(value) is None

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            pytest.param("9" * 5000, None, id="5000-nines"),
            pytest.param("1" + "0" * 4400, None, id="1e4400"),
            pytest.param("9" * 4300, None, id="4300-nines"),
            pytest.param("1" + "0" * 6, None, id="1e6"),
            pytest.param("0" * 5000 + "7", 7, id="zeros-then-7"),
            pytest.param("0" * 5000, 0, id="5000-zeros"),
            pytest.param("0" * 4400 + "100000", 100_000, id="zeros-then-100000"),
            pytest.param("0" * 10 + "100001", None, id="zeros-then-100001"),
            pytest.param("1." + ".".join(["000"] * 2000), None, id="2000-thousands-groups"),
            pytest.param(10**5000, None, id="int-1e5000"),
            pytest.param(1e308, None, id="float-1e308"),
        ],
    )
    def test_huge_values_are_bounded(self, value: object, expected: int | None) -> None:
        """Thousands of digits never reach int() (which refuses over 4300): out of range, or the leading zeros dropped."""
        assert expected == parse_whole_number(value)

    @given(st.integers(min_value=0, max_value=100_000), st.sampled_from(["", ".", ","]))
    def test_round_trip(self, number: int, separator: str) -> None:
        """Any count written plainly or with thousands separators reads back."""
        text = f"{number:,}".replace(",", separator)
        assert number == parse_whole_number(text)

    @given(any_cell)
    def test_never_raises(self, value: object) -> None:
        """Any cell gives an int within 0…100000 or None."""
        actual = parse_whole_number(value)
        assert True is (actual is None or (type(actual) is int and 0 <= actual <= 100_000))


class TestPlausibleYear:
    """Years a report's date or timestamp can mean: 1900…2200."""

    @pytest.mark.parametrize(("year", "expected"), [
        (1, False), (1899, False), (1900, True), (2024, True), (2200, True), (2201, False), (9999, False),
    ])
    def test_bounds(self, year: int, expected: bool) -> None:
        """Inside FIRST_YEAR…LAST_YEAR only."""
        assert (expected, 1900, 2200) == (is_plausible_year(year), values.FIRST_YEAR, values.LAST_YEAR)


class TestSplit:
    """Partner and URL lists."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, []),
            ("  ", []),
            ("PKK Desa; Karang Taruna", ["PKK Desa", "Karang Taruna"]),
            ("A, B;C\nD\r\nE", ["A", "B", "C", "D", "E"]),
            (" ;, A ,, ;\n", ["A"]),
            ("Dinas Pendidikan Kab. Bintan", ["Dinas Pendidikan Kab. Bintan"]),
            (12, ["12"]),
        ],
    )
    def test_partners(self, value: object, expected: list[str]) -> None:
        """Split on , ; and newlines; trimmed; empties dropped; non-text kept whole."""
        assert expected == split_partners(value)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, []),
            ("", []),
            ("https://a.id/1 https://b.id/2", ["https://a.id/1", "https://b.id/2"]),
            ("https://a.id/1,https://b.id/2;https://c.id/3\nhttps://d.id/4",
             ["https://a.id/1", "https://b.id/2", "https://c.id/3", "https://d.id/4"]),
            (" https://a.id/1 ,, ; ", ["https://a.id/1"]),
            ("instagram.com/p/x", ["instagram.com/p/x"]),
        ],
    )
    def test_urls(self, value: object, expected: list[str]) -> None:
        """Split on whitespace , and ;; empties dropped."""
        assert expected == split_urls(value)


class TestUrls:
    """http(s) checks and publication-link identity."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("https://ig.com/p/1", True),
            ("http://perpusdes.id", True),
            ("HTTPS://Example.COM/Path", True),
            ("https://localhost:8080/x", True),
            ("http://10.0.0.1/x", True),
            ("https://example.com.", True),
            ("https://ig.com/p/1?x=1#frag", True),
            ("instagram.com/p/x", False),
            ("ftp://example.com/x", False),
            ("https://", False),
            ("https:///path", False),
            ("https://nodot/x", False),
            ("https://./x", False),
            ("https://ig.com/p 1", False),
            (" https://ig.com/p/1", False),
            ("https://ig.com:abc/", False),
            ("https://[::1/", False),
            ("mailto:a@b.id", False),
            ("", False),
        ],
    )
    def test_is_http_url(self, text: str, expected: bool) -> None:
        """http/https in any case with a dotted host or localhost and no spaces."""
        assert expected == is_http_url(text)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("https://ig.com/p/1", "https://ig.com/p/1"),
            ("  HTTPS://IG.com/p/1/  ", "https://ig.com/p/1"),
            ("https://ig.com/P/Abc/", "https://ig.com/P/Abc"),
            ("https://ig.com/p/1//", "https://ig.com/p/1/"),
            ("https://ig.com/p/1#comments", "https://ig.com/p/1"),
            ("https://ig.com/p/1/?igsh=AbC#x", "https://ig.com/p/1?igsh=AbC"),
            ("https://ig.com/", "https://ig.com"),
            ("https://User@IG.com:443/p", "https://User@ig.com:443/p"),
        ],
    )
    def test_normalize_url(self, text: str, expected: str) -> None:
        """Trimmed, scheme and host lower-cased, fragment and one trailing slash dropped."""
        assert expected == url_identity(text)

    def test_same_identity(self) -> None:
        """Spellings of one post share an identity."""
        spellings = ["https://ig.com/p/1", "HTTPS://IG.COM/p/1/", " https://ig.com/p/1#x "]
        assert {"https://ig.com/p/1"} == {url_identity(s) for s in spellings}


def _reference_is_http_url(text: str) -> bool:
    """is_http_url as it was before its regex fast path (the general definition)."""
    if not text or any(ch.isspace() for ch in text):
        return False
    if not text[:8].lower().startswith(("https://", "http://")):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _ = parts.port
    except ValueError:
        return False
    if not host:
        return False
    return host == "localhost" or "." in host.strip(".")


url_like = st.builds(
    "".join,
    st.lists(
        st.sampled_from([
            "http", "HTTPS", "https", "://", ":", "/", "//", "ig", "IG", ".", "com", "-", "?", "#", "=", "&",
            "p", "P", "1", "@", "[", "]", "%20", " ", "\t", "\u00a0", "é", "localhost", ":8080", "\x01", "~",
        ]),
        max_size=12,
    ),
) | st.text(max_size=30) | st.builds(
    lambda scheme, host, rest: f"{scheme}://{host}{rest}",
    st.sampled_from(["http", "https", "HTTPS", "Http", "ftp"]),
    st.sampled_from(["ig.com", "IG.com", "a-b.desa.id", "localhost", "10.0.0.1", "ig..com", "ig.com:80", "u@ig.com"]),
    st.text(st.sampled_from("/?#=&.-_~%aZ1 é\t:@[]"), max_size=12),
)


class TestUrlFastPaths:
    """The regex fast paths for links agree with the general definitions."""

    @given(url_like)
    def test_is_http_url_unchanged(self, text: str) -> None:
        """is_http_url answers as the general definition does."""
        assert _reference_is_http_url(text) == is_http_url(text)

    @given(url_like)
    def test_plain_identity_is_normalize_url(self, text: str) -> None:
        """Where the plain-link path answers, the link is valid and its identity is url_identity's."""
        identity = plain_url_identity(text)
        if identity is not None:
            assert (True, url_identity(text)) == (_reference_is_http_url(text), identity)

    @given(url_like)
    def test_normal_form_is_its_own_identity(self, text: str) -> None:
        """A link the normal-form pattern accepts is valid and is its own identity."""
        if values._NORMAL_URL.fullmatch(text):
            assert (True, text) == (_reference_is_http_url(text), url_identity(text))

    @given(url_like)
    def test_plain_shape_is_plain(self, text: str) -> None:
        """The group-less plain-link pattern accepts exactly what the plain-link pattern does."""
        assert (values._PLAIN_URL.fullmatch(text) is None) == (values._PLAIN_URL_SHAPE.fullmatch(text) is None)

    @given(url_like)
    def test_slashed_form_drops_its_slash(self, text: str) -> None:
        """A link the slashed-normal-form pattern accepts is valid and its identity drops the last "/"."""
        if values._SLASHED_URL.fullmatch(text):
            assert (True, text[:-1]) == (_reference_is_http_url(text), url_identity(text))

    @pytest.mark.parametrize(
        "text",
        [
            "https://ig.com/p/1", "http://a.b?q=1", "https://x.y/a/b.html?q=/#", "https://x.y/%C3%A9",
            "HTTPS://IG.com/P/1/", "https://ig.com/p/1/?x=1#top", "https://ig.com/", "https://ig.com//", "http://a.b?",
        ],
    )
    def test_fast_paths_taken(self, text: str) -> None:
        """Usual links take the plain-link path and get url_identity's identity."""
        assert url_identity(text) == plain_url_identity(text)

    def test_normal_form_examples(self) -> None:
        """Lower-case links without fragment or trailing slash are in normal form; others are not."""
        normal = [values._NORMAL_URL.fullmatch(t) is not None for t in (
            "https://ig.com/p/1", "https://ig.com/p/1?x=1", "https://IG.com/p/1", "https://ig.com/p/1/",
            "https://ig.com/p/1#x", "https://ig.com/", "https://ig.com/p?",
        )]
        assert [True, True, False, False, False, False, False] == normal


class TestNormalizeText:
    """Titles and library names compared casefolded, without punctuation."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Pelatihan Canva", "pelatihan canva"),
            ("  Perpus. Desa   Teluk-Bakau ", "perpus desa teluk bakau"),
            ("TBM_Pelita (Busung)!", "tbm pelita busung"),
            ("Straße", "strasse"),
            ("Pelatihan\tTIK\n2024", "pelatihan tik 2024"),
            ("Café «Baca»", "café baca"),
            ("“Mendongeng” – Hari Anak", "mendongeng hari anak"),
            ("...", ""),
            ("", ""),
        ],
    )
    def test_normalize(self, text: str, expected: str) -> None:
        """Casefold, punctuation to space (Unicode-aware), whitespace collapsed, trimmed."""
        assert expected == normalize_text(text)

    @given(st.text())
    def test_idempotent_and_clean(self, text: str) -> None:
        """Normalising twice changes nothing, and the result has only alphanumerics and single spaces."""
        once = normalize_text(text)
        assert (once, True) == (
            normalize_text(once),
            all(ch.isalnum() or ch == " " for ch in once) and "  " not in once and once == once.strip(),
        )

    @given(st.text())
    def test_ascii_fast_path_matches_regex(self, text: str) -> None:
        """The str.translate fast path agrees with the general rule."""
        folded = text.casefold()
        expected = " ".join("".join(ch if ch.isalnum() or ch.isspace() else " " for ch in folded).split())
        assert expected == normalize_text(text)
