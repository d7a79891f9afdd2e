"""Excel date cells without importing openpyxl (its package import costs ~0.1 s of start-up).

Number formats that show dates, serial day numbers and ISO 8601 text, with
the same results as openpyxl's ``styles.numbers.is_date_format``,
``utils.datetime.from_excel`` and ``utils.datetime.from_ISO8601`` (openpyxl
2010-2024, MIT licence), from which they are adapted;
``tests/adapters/test_xlsx_dates.py`` checks them against openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

__all__ = ["CALENDAR_MAC_1904", "CALENDAR_WINDOWS_1900", "from_excel", "from_iso8601", "is_builtin_date", "is_date_format"]

CALENDAR_WINDOWS_1900: Final = dt.datetime(1899, 12, 30)
CALENDAR_MAC_1904: Final = dt.datetime(1904, 1, 1)
_SECONDS_PER_DAY: Final = 86400

#: The built-in number formats (ids 0–49 of ECMA-376) that show a date or a time.
_BUILTIN_DATES: Final = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})

# anything in quotes, or in square brackets except [h] [hh] [m] [mm] [s] [ss]
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")

_ISO = re.compile(
    r"""
(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?
(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?""",
    re.VERBOSE,
)
_ISO_DURATION = re.compile(r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?")


def is_builtin_date(format_id: int) -> bool:
    """Whether built-in number format ``format_id`` shows a date or time."""
    return format_id in _BUILTIN_DATES


def is_date_format(code: str | None) -> bool:
    """Whether a number format code shows a date or time (its first section decides)."""
    if code is None:
        return False
    first = _STRIP.sub("", code.split(";")[0])
    return _DATE_LETTER.search(first) is not None


def from_excel(value: float, epoch: dt.datetime = CALENDAR_WINDOWS_1900) -> dt.datetime | dt.time:
    """A serial day number as a date-time (a time of day for values in [0, 1))."""
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * _SECONDS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return dt.time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == CALENDAR_WINDOWS_1900:
        day += 1  # Excel's 29 February 1900
    return epoch + dt.timedelta(days=day) + diff


def from_iso8601(text: str) -> dt.datetime | dt.date | dt.time | dt.timedelta | None:
    """An ISO 8601 date, time, date-time or ``PT…`` duration (ECMA-376 18.17.4).

    Raises:
        ValueError: not one of those.
    """
    if not text:
        return None
    match = _ISO.match(text)
    if match and any(match.groups()):
        parts: dict[str, int | str] = match.groupdict(0)
        numbers = {key: int(parts[key]) if parts[key] else 0 for key in ("year", "month", "day", "hour", "minute",
                                                                             "second")}
        micro = int(float(parts["microsecond"]) * 1_000_000) if parts["microsecond"] else 0
        if not parts["date"]:
            return dt.time(numbers["hour"], numbers["minute"], numbers["second"], micro)
        if not parts["time"]:
            return dt.date(numbers["year"], numbers["month"], numbers["day"])
        return dt.datetime(numbers["year"], numbers["month"], numbers["day"], numbers["hour"], numbers["minute"],
                           numbers["second"], micro)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        found = {key: float(value) if value else 0 for key, value in match.groupdict(0).items()}
        return dt.timedelta(**found)
    msg = f"Invalid datetime value {text}"
    raise ValueError(msg)
