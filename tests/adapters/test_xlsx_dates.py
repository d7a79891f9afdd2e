"""The XLSX reader's date helpers give openpyxl's results (they replace its imports, for start-up time)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpbis.adapters import _xlsx_dates as ours

numbers = pytest.importorskip("openpyxl.styles.numbers")
dates = pytest.importorskip("openpyxl.utils.datetime")

_FORMAT_PIECES = ["d", "m", "y", "h", "s", "mm", "yyyy", '"day"', "[Red]", "[h]", "[mm]", "[$-409]", "0.00", "#",
                  "_)", "\\d", ";", "@", "General", "AM/PM", ":", "-", "/", " ", "E+00", "%"]


@given(st.lists(st.sampled_from(_FORMAT_PIECES), max_size=8).map("".join))
def test_date_formats(code: str) -> None:
    assert ours.is_date_format(code) == bool(numbers.is_date_format(code))


def test_builtin_formats() -> None:
    for format_id in range(200):
        expected = bool(numbers.is_date_format(numbers.BUILTIN_FORMATS.get(format_id, "General")))
        assert ours.is_builtin_date(format_id) == expected, format_id


@given(st.floats(min_value=-1000, max_value=2_900_000, allow_nan=False), st.booleans())
def test_serial_days(value: float, mac: bool) -> None:
    epoch = (ours.CALENDAR_MAC_1904, dates.CALENDAR_MAC_1904) if mac else (
        ours.CALENDAR_WINDOWS_1900, dates.CALENDAR_WINDOWS_1900)
    try:
        expected: object = dates.from_excel(value, epoch[1])
    except (OverflowError, ValueError) as error:
        expected = type(error)
    try:
        found: object = ours.from_excel(value, epoch[0])
    except (OverflowError, ValueError) as error:
        found = type(error)
    assert found == expected


_ISO_TEXT = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1)).map(lambda d: d.isoformat(timespec="milliseconds")),
    st.dates().map(dt.date.isoformat),
    st.times().map(lambda t: t.isoformat(timespec="seconds")),
    st.from_regex(r"PT(\d{1,3}H)?(\d{1,3}M)?(\d{1,3}(\.\d{1,3})?S)?", fullmatch=True),
    st.from_regex(r"[0-9T:.Z-]{0,22}", fullmatch=True),
    st.text(max_size=12),
)


@given(_ISO_TEXT)
def test_iso_text(text: str) -> None:
    try:
        expected: object = dates.from_ISO8601(text)
    except (ValueError, TypeError) as error:
        expected = type(error)
    try:
        found: object = ours.from_iso8601(text)
    except (ValueError, TypeError) as error:
        found = type(error)
    assert found == expected
