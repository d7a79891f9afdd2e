"""Reporting periods (SPEC §4): inclusive date ranges with a label and a scale.

A period is built from its canonical text (``2024-09``, ``2024-Q3``, ``2024-S2``,
``2024`` or ``2024-01-01..2024-09-25``) or from the matching constructor. Its
:attr:`~Period.scale` says how many months it is worth, so that annual targets
can be scaled to it exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from fractions import Fraction
from typing import Any

import attrs
import pendulum

from tpbis.errors import PeriodError
from tpbis.message import Message

__all__ = ["MAX_YEAR", "MIN_YEAR", "MONTH_NAMES_EN", "MONTH_NAMES_ID", "Period", "month_name"]

#: The years a period may lie in; anything else is a typo (``202`` or ``20244``).
MIN_YEAR = 2000
MAX_YEAR = 2100

MONTH_NAMES_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
MONTH_NAMES_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_ROMAN = ("I", "II", "III", "IV")

_FORMS = "2024-09, 2024-Q3, 2024-S2, 2024"
_FORMS_ID = f"{_FORMS} atau 2024-01-01..2024-09-25"
_FORMS_EN = f"{_FORMS} or 2024-01-01..2024-09-25"

_YEAR = re.compile(r"([0-9]{4})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_PART = re.compile(r"([0-9]{4})-([QqSs])([0-9])")
_RANGE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\s*\.\.\s*([0-9]{4}-[0-9]{2}-[0-9]{2})")


def _check_day(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, pendulum.Date) or isinstance(value, dt.datetime):
        msg = f"Period.{attribute.name} must be a pendulum.Date, not {type(value).__name__}"
        raise TypeError(msg)
    _check_year(value.year)


def _check_order(instance: Period, _attribute: attrs.Attribute[Any], value: pendulum.Date) -> None:
    if value < instance.start:
        raise PeriodError(
            f"Periode tidak sah: tanggal akhir {value.isoformat()} sebelum tanggal awal {instance.start.isoformat()}.",
            f"Invalid period: end date {value.isoformat()} is before start date {instance.start.isoformat()}.",
        )


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            f"Tahun {year} di luar rentang periode {MIN_YEAR}–{MAX_YEAR}.",
            f"Year {year} is outside the period range {MIN_YEAR}–{MAX_YEAR}.",
        )


def _as_date(value: dt.date) -> pendulum.Date:
    if isinstance(value, dt.datetime):
        msg = f"a period is made of dates, not date-times ({value!r})"
        raise TypeError(msg)
    if isinstance(value, pendulum.Date):
        return value
    return pendulum.Date(value.year, value.month, value.day)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_name(month: int) -> Message:
    """The name of ``month`` (1…12) as a message: ``Agustus`` in Indonesian, ``August`` in English."""
    return Message(f"month.{MONTH_NAMES_EN[month - 1].lower()}")


def _day_title(day: dt.date, *, month: bool = True, year: bool = True) -> Message:
    if month and year:
        return Message("period.day", day=day.day, month=month_name(day.month), year=day.year)
    if month:
        return Message("period.day_month", day=day.day, month=month_name(day.month))
    return Message("period.day_only", day=day.day)


def _range_title(start: dt.date, end: dt.date) -> Message:
    if start == end:
        return _day_title(start)
    same_year = start.year == end.year
    same_month = same_year and start.month == end.month
    head = _day_title(start, month=not same_month, year=not same_year)
    return Message("period.range", start=head, end=_day_title(end))


def _labels(title: Message) -> dict[str, str]:
    """The ``label`` and ``label_en`` fields of a period called ``title``."""
    return {"label": title.render("id"), "label_en": title.render("en")}


@attrs.frozen(kw_only=True)
class Period:
    """An inclusive date range ``[start, end]`` with Indonesian and English labels.

    Build one with :meth:`parse` or the constructors :meth:`month`,
    :meth:`quarter`, :meth:`semester`, :meth:`year` and :meth:`range`.
    Both ends lie in the years 2000…2100.
    """

    start: pendulum.Date = attrs.field(validator=_check_day)
    end: pendulum.Date = attrs.field(validator=[_check_day, _check_order])
    label: str
    label_en: str
    key: str

    @property
    def title(self) -> Message:
        """The period's name as a message (its :attr:`label` in Indonesian, :attr:`label_en` in English)."""
        return Message.literal(self.label, self.label_en)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """One calendar month, e.g. ``Period.month(2024, 9)`` is ``2024-09`` (September 2024)."""
        _check_year(year)
        if not 1 <= month <= 12:
            raise PeriodError(
                f"Bulan {month} tidak ada; gunakan 1 sampai 12.",
                f"Month {month} does not exist; use 1 to 12.",
            )
        return cls(
            start=pendulum.Date(year, month, 1),
            end=pendulum.Date(year, month, _last_day(year, month)),
            **_labels(Message("period.month", month=month_name(month), year=year)),
            key=f"{year:04d}-{month:02d}",
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """A quarter (*triwulan*) 1…4, e.g. ``2024-Q3`` is July–September 2024."""
        _check_year(year)
        if not 1 <= quarter <= 4:
            raise PeriodError(
                f"Triwulan {quarter} tidak ada; gunakan 1 sampai 4.",
                f"Quarter {quarter} does not exist; use 1 to 4.",
            )
        first = 3 * quarter - 2
        return cls(
            start=pendulum.Date(year, first, 1),
            end=pendulum.Date(year, first + 2, _last_day(year, first + 2)),
            **_labels(Message("period.quarter", quarter=Message.literal(_ROMAN[quarter - 1], str(quarter)),
                              year=year)),
            key=f"{year:04d}-Q{quarter}",
        )

    @classmethod
    def semester(cls, year: int, semester: int) -> Period:
        """A half year 1 or 2, e.g. ``2024-S2`` is July–December 2024."""
        _check_year(year)
        if semester not in (1, 2):
            raise PeriodError(
                f"Semester {semester} tidak ada; gunakan 1 atau 2.",
                f"Half {semester} does not exist; use 1 or 2.",
            )
        first = 6 * semester - 5
        return cls(
            start=pendulum.Date(year, first, 1),
            end=pendulum.Date(year, first + 5, _last_day(year, first + 5)),
            **_labels(Message("period.semester", half=semester, year=year)),
            key=f"{year:04d}-S{semester}",
        )

    @classmethod
    def year(cls, year: int) -> Period:
        """A calendar year, e.g. ``2024`` is 1 January–31 December 2024."""
        _check_year(year)
        return cls(
            start=pendulum.Date(year, 1, 1),
            end=pendulum.Date(year, 12, 31),
            **_labels(Message("period.year", year=year)),
            key=f"{year:04d}",
        )

    @classmethod
    def range(cls, start: dt.date, end: dt.date) -> Period:
        """Any inclusive range of days, e.g. ``2024-01-01..2024-09-25``.

        Raises:
            PeriodError: ``end`` is before ``start`` or a year is outside 2000…2100.
            TypeError: ``start`` or ``end`` is a date-time rather than a date.
        """
        first, last = _as_date(start), _as_date(end)
        _check_year(first.year)
        _check_year(last.year)
        return cls(
            start=first,
            end=last,
            **_labels(_range_title(first, last)),
            key=f"{first.isoformat()}..{last.isoformat()}",
        )

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period from its canonical text.

        Accepted (surrounding whitespace ignored, ``Q``/``S`` in either case):
        ``2024-09``, ``2024-Q3``, ``2024-S2``, ``2024`` and
        ``2024-01-01..2024-09-25``.

        Raises:
            PeriodError: the text is none of those forms or names no real period.
        """
        stripped = text.strip()
        try:
            if match := _YEAR.fullmatch(stripped):
                return cls.year(int(match[1]))
            if match := _MONTH.fullmatch(stripped):
                return cls.month(int(match[1]), int(match[2]))
            if match := _PART.fullmatch(stripped):
                year, number = int(match[1]), int(match[3])
                if match[2] in "Qq":
                    return cls.quarter(year, number)
                return cls.semester(year, number)
            if match := _RANGE.fullmatch(stripped):
                try:
                    start = dt.date.fromisoformat(match[1])
                    end = dt.date.fromisoformat(match[2])
                except ValueError as exc:
                    raise PeriodError(
                        f"Tanggal tidak ada ({exc}).", f"Date does not exist ({exc})."
                    ) from None
                return cls.range(start, end)
        except PeriodError as exc:
            raise PeriodError(
                f"Periode '{text}' tidak dikenali: {exc.message_id} Gunakan {_FORMS_ID}.",
                f"Period '{text}' not recognised: {exc.message_en} Use {_FORMS_EN}.",
            ) from None
        raise PeriodError(
            f"Periode '{text}' tidak dikenali; gunakan {_FORMS_ID}.",
            f"Period '{text}' not recognised; use {_FORMS_EN}.",
        )

    def __contains__(self, day: object) -> bool:
        """Whether ``day`` (a ``pendulum.Date`` or ``datetime.date``) lies inside the period.

        Raises:
            TypeError: ``day`` is a date-time; convert it to a local date first,
                since which day an instant falls on depends on the time zone.
        """
        if isinstance(day, dt.datetime):
            msg = "a period contains dates; convert the date-time to a local date first"
            raise TypeError(msg)
        if not isinstance(day, dt.date):
            return False
        return self.start <= day <= self.end

    @property
    def scale(self) -> Fraction:
        """The period in month-equivalents (SPEC §4), exactly.

        The sum over the calendar months touched of days inside ÷ days in that
        month: a month is 1, a quarter 3, a year 12; 2024-01-01..2024-09-25 is 8 + 25/30.
        """
        start, end = self.start, self.end
        first_days = _last_day(start.year, start.month)
        if (start.year, start.month) == (end.year, end.month):
            return Fraction(end.day - start.day + 1, first_days)
        # Months strictly between the first and last are whole: 1 each.
        between = (end.year * 12 + end.month) - (start.year * 12 + start.month) - 1
        head = Fraction(first_days - start.day + 1, first_days)
        tail = Fraction(end.day, _last_day(end.year, end.month))
        return head + tail + between

    def months(self) -> list[Period]:
        """The calendar months the period touches, each clipped to the period.

        A month wholly inside is a month period (``2024-09``); a partial one is a range.
        """
        parts: list[Period] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            whole = Period.month(year, month)
            first = max(whole.start, self.start)
            last = min(whole.end, self.end)
            parts.append(whole if (first, last) == (whole.start, whole.end) else Period.range(first, last))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return parts
