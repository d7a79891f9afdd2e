"""Readers for single cell values (SPEC §3.1): dates, timestamps, counts, lists, URLs, text.

Cells arrive as ``str | int | float | bool | datetime | date | None`` (Sheets
``UNFORMATTED_VALUE``, openpyxl, CSV). Every reader is pure and total: it
returns ``None`` (or an empty list) for what it cannot read and never raises on
a cell value.

This is the hot path when a file has a million rows, so text dates are
memoised in bounded module-level dicts (form dates repeat a great deal), the
common shapes are recognised by character checks before any regex, and aware
date-times are built with the ``pendulum.DateTime`` constructor and a cached
zone (about 20× cheaper than ``pendulum.datetime(...)``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Final
from urllib.parse import urlsplit

import pendulum

from tpbis.domain.text import normalize_label
from tpbis.errors import ConfigError

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MONTHS",
    "is_blank",
    "is_http_url",
    "is_plausible_year",
    "normalize_text",
    "parse_date",
    "parse_timestamp",
    "parse_whole_number",
    "plain_url_identity",
    "review_rejected",
    "split_partners",
    "split_urls",
]

#: Month names a respondent may type (lower case) → month number: Indonesian and
#: English full names and their 3-letter forms, plus ``agt`` and ``ags`` for August.
MONTHS: Final[dict[str, int]] = {
    **{name: number for number, name in enumerate((
        "januari", "februari", "maret", "april", "mei", "juni",
        "juli", "agustus", "september", "oktober", "november", "desember",
    ), start=1)},
    **{name: number for number, name in enumerate((
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ), start=1)},
    **{name: number for number, name in enumerate((
        "jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov", "des",
    ), start=1)},
    **{name: number for number, name in enumerate((
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ), start=1)},
    "agt": 8,
    "ags": 8,
}

#: Whole numbers a count cell may hold (SPEC §3.1).
MAX_WHOLE_NUMBER: Final = 100_000
#: Longest digit text (past leading zeros) that can be in range: checked before ``int()``,
#: which refuses texts over 4300 digits and is quadratic below that.
_MAX_DIGITS: Final = len(str(MAX_WHOLE_NUMBER))

#: The years a row's date or timestamp may fall in; any other is a typo or junk
#: (``31/12/9999``, ``0001-01-01T00:00+14:00``), and near year 1 or 9999 moving
#: the instant to another zone leaves the calendar (``OverflowError``). The row
#: reader checks this before any zone conversion: ``date.invalid`` / ``timestamp.invalid``.
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2200

# Spreadsheet serial numbers count days from 1899-12-30 (Sheets, and Excel after
# its 1900 leap-year bug). Only 0 … 9999-12-31 map to a date.
_SERIAL_EPOCH: Final = dt.datetime(1899, 12, 30)
_SERIAL_EPOCH_ORDINAL: Final = _SERIAL_EPOCH.toordinal()
_SERIAL_END: Final = dt.date(9999, 12, 31).toordinal() - _SERIAL_EPOCH_ORDINAL + 1
_MS_PER_DAY: Final = 86_400_000
_fromordinal: Final = dt.date.fromordinal

# Bounded memo tables: cleared when full, so memory stays flat however big the file.
_CACHE_SIZE: Final = 65_536
_dates_day_first: dict[str, pendulum.Date | None] = {}
_dates_month_first: dict[str, pendulum.Date | None] = {}
_normalized: dict[str, str] = {}
_Zone = pendulum.Timezone | pendulum.FixedTimezone
_zones: dict[str, _Zone] = {}
_offsets: dict[int, pendulum.FixedTimezone] = {}

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NUMERIC_DATE = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})")
_NAMED_DATE = re.compile(r"([0-9]{1,2})\s+([A-Za-z]+)\s+([0-9]{4})")
_HOURS: Final = {**{f"{h:02d}": h for h in range(24)}, **{str(h): h for h in range(10)}}
_SIXTY: Final = {f"{n:02d}": n for n in range(60)}
_ISO_TIMESTAMP = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]"
    r"([0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?"
)
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}([.,])[0-9]{3}(?:\1[0-9]{3})*")
_PARTNER_SEPARATORS = re.compile(r"[,;\n]")
_URL_SEPARATORS = re.compile(r"[\s,;]+")
_NOT_WORD = re.compile(r"[^\w\s]|_")
# ASCII fast path of _NOT_WORD for str.translate.
_ASCII_NOT_WORD: Final = {
    code: " " for code in range(128) if not (chr(code).isalnum() or chr(code).isspace())
}


def is_plausible_year(year: int) -> bool:
    """Whether a date's or timestamp's year is one a report can mean (:data:`FIRST_YEAR` … :data:`LAST_YEAR`)."""
    return FIRST_YEAR <= year <= LAST_YEAR


def is_blank(value: object) -> bool:
    """Whether a cell is empty: ``None`` or text of only whitespace."""
    if value is None:
        return True
    return isinstance(value, str) and not value.strip()


# --- dates ----------------------------------------------------------------------


def parse_date(value: object, *, day_first: bool = True) -> pendulum.Date | None:
    """Read an activity date from a cell, or ``None`` when it is not one.

    Accepted (SPEC §3.1): spreadsheet serial numbers (days since 1899-12-30, the
    time of day ignored), ``datetime.date``/``datetime.datetime`` cells (their
    own calendar date), and text ``YYYY-MM-DD``, ``D/M/YYYY``, ``D-M-YYYY``
    (``M/D/YYYY`` when ``day_first`` is false) or ``D <month> YYYY`` with an
    Indonesian or English month name or 3-letter form (see :data:`MONTHS`).
    Impossible dates (``31/02/2024``), booleans and anything else give ``None``.
    """
    if type(value) is str:
        cache = _dates_day_first if day_first else _dates_month_first
        try:
            return cache[value]
        except KeyError:
            pass
        result = _date_from_text(value, day_first)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[value] = result
        return result
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _date_from_days(value) if 0 <= value < _SERIAL_END else None
    if isinstance(value, float):
        # Rounded like a timestamp, so a cell's date and date-time always agree.
        millis = _serial_millis(value)
        return None if millis is None else _date_from_days(millis // _MS_PER_DAY)
    if isinstance(value, dt.datetime):
        return pendulum.Date(value.year, value.month, value.day)
    if isinstance(value, pendulum.Date):
        return value
    if isinstance(value, dt.date):
        return pendulum.Date(value.year, value.month, value.day)
    if isinstance(value, str):  # a str subclass
        return parse_date(str(value), day_first=day_first)
    return None


def _date_from_days(days: int) -> pendulum.Date:
    # date.fromordinal is C; pendulum.Date.fromordinal goes through Python and is 4× slower.
    day = _fromordinal(_SERIAL_EPOCH_ORDINAL + days)
    return pendulum.Date(day.year, day.month, day.day)


def _serial_millis(serial: float) -> int | None:
    """A serial date-time as whole milliseconds since 1899-12-30 (Sheets' precision)."""
    if not 0 <= serial < _SERIAL_END:  # also rejects NaN and infinities
        return None
    millis = round(serial * _MS_PER_DAY)
    return millis if millis < _SERIAL_END * _MS_PER_DAY else None


def _make_date(year: int, month: int, day: int) -> pendulum.Date | None:
    try:
        return pendulum.Date(year, month, day)
    except ValueError:
        return None


def _date_from_text(text: str, day_first: bool) -> pendulum.Date | None:
    text = text.strip()
    if not 8 <= len(text) <= 40:  # "1/1/2024" … "30 September 2024" with generous spacing
        return None
    first = text[0]
    if not ("0" <= first <= "9"):
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        if match := _ISO_DATE.fullmatch(text):
            return _make_date(int(match[1]), int(match[2]), int(match[3]))
        return None
    if match := _NUMERIC_DATE.fullmatch(text):
        a, b, year = int(match[1]), int(match[3]), int(match[4])
        return _make_date(year, b, a) if day_first else _make_date(year, a, b)
    if match := _NAMED_DATE.fullmatch(text):
        month = MONTHS.get(match[2].lower())
        if month is None:
            return None
        return _make_date(int(match[3]), month, int(match[1]))
    return None


# --- timestamps -----------------------------------------------------------------


def _zone(name: str) -> _Zone:
    zone = _zones.get(name)
    if zone is None:
        try:
            zone = pendulum.timezone(name)
        except Exception as exc:  # pendulum raises several kinds for unknown names
            raise ConfigError(
                f"Zona waktu '{name}' tidak dikenal; gunakan misalnya Asia/Jakarta, Asia/Makassar atau Asia/Jayapura.",
                f"Time zone '{name}' is unknown; use e.g. Asia/Jakarta, Asia/Makassar or Asia/Jayapura.",
            ) from exc
        _zones[name] = zone
    return zone


def _fixed(offset_minutes: int) -> pendulum.FixedTimezone:
    zone = _offsets.get(offset_minutes)
    if zone is None:
        zone = _offsets[offset_minutes] = pendulum.FixedTimezone(offset_minutes * 60)
    return zone


def parse_timestamp(
    value: object, tz: str, *, day_first: bool = True
) -> pendulum.DateTime | None:
    """Read a form timestamp as an aware date-time, or ``None`` when it is not one.

    Accepted (SPEC §3.1): serial numbers (the fraction is the time of day,
    rounded to the millisecond), a date in any text form :func:`parse_date`
    reads followed by a space and ``H:MM``/``HH:MM[:SS[.fff]]``, and ISO 8601
    ``2024-09-21T14:05:33[.fff]`` (``T`` or a space) with an optional offset
    ``Z``, ``+07:00`` or ``+0700``. Without an offset the wall time is in ``tz``;
    with one it is kept as written. Naive ``datetime`` cells are in ``tz``,
    ``date`` cells are midnight in ``tz``, aware ``datetime`` cells are kept.

    Raises:
        ConfigError: ``tz`` is not a known time zone name (bad configuration, not bad data).
    """
    zone = _zones.get(tz) or _zone(tz)
    if type(value) is str:
        return _timestamp_from_text(value, zone, day_first)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return pendulum.DateTime(
                value.year, value.month, value.day, value.hour, value.minute, value.second,
                value.microsecond, tzinfo=zone, fold=value.fold,
            )
        if isinstance(value, pendulum.DateTime):
            return value
        try:
            return pendulum.instance(value)
        except (ValueError, OverflowError):
            return None
    if isinstance(value, dt.date):
        return pendulum.DateTime(value.year, value.month, value.day, tzinfo=zone)
    if isinstance(value, int | float):
        millis = _serial_millis(value)
        if millis is None:
            return None
        days, millis = divmod(millis, _MS_PER_DAY)
        day = _fromordinal(_SERIAL_EPOCH_ORDINAL + days)
        seconds, millis = divmod(millis, 1000)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return pendulum.DateTime(
            day.year, day.month, day.day, hour, minute, second, millis * 1000, tzinfo=zone,
        )
    if isinstance(value, str):  # a str subclass
        return _timestamp_from_text(str(value), zone, day_first)
    return None


def _clock(text: str) -> tuple[int, int, int, int] | None:
    """``H:MM``, ``HH:MM``, ``H:MM:SS`` or ``HH:MM:SS``, optionally ``.fff`` → (h, m, s, µs)."""
    # Dict lookups of the 2-digit fields validate and convert at once; about 4×
    # faster than isdigit + int() or a regex on the 1M-row path.
    colon = text.find(":", 1, 3)
    if colon < 0:
        return None
    hour = _HOURS.get(text[:colon])
    rest = text[colon + 1:]
    size = len(rest)
    micro = 0
    minute: int | None
    second: int | None
    if size == 2:
        minute, second = _SIXTY.get(rest), 0
    elif size >= 5 and rest[2] == ":":
        minute, second = _SIXTY.get(rest[:2]), _SIXTY.get(rest[3:5])
        if size > 5:
            fraction = rest[6:]
            if rest[5] != "." or not (0 < len(fraction) <= 9 and fraction.isdigit() and fraction.isascii()):
                return None
            micro = int(fraction[:6].ljust(6, "0"))  # finer than microseconds is truncated
    else:
        return None
    if hour is None or minute is None or second is None:
        return None
    return hour, minute, second, micro


def _timestamp_from_text(
    text: str, zone: _Zone, day_first: bool
) -> pendulum.DateTime | None:
    text = text.strip()
    space = text.rfind(" ")
    if space > 0:
        clock = _clock(text[space + 1:])
        if clock is not None:
            day = parse_date(text[:space], day_first=day_first)
            if day is None:
                return None
            hour, minute, second, micro = clock
            return pendulum.DateTime(
                day.year, day.month, day.day, hour, minute, second, micro, tzinfo=zone,
            )
    if len(text) < 16 or text[4] != "-":
        return None
    match = _ISO_TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    day = parse_date(match[1])
    clock = _clock(match[2])
    if day is None or clock is None:
        return None
    offset = match[3]
    if offset is None:
        tzinfo: _Zone = zone
    elif offset == "Z":
        tzinfo = pendulum.UTC
    else:
        hours, minutes = int(offset[1:3]), int(offset[-2:])
        if hours > 23 or minutes > 59:
            return None
        tzinfo = _fixed((hours * 60 + minutes) * (-1 if offset[0] == "-" else 1))
    hour, minute, second, micro = clock
    return pendulum.DateTime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=tzinfo)


# --- numbers --------------------------------------------------------------------


def parse_whole_number(value: object) -> int | None:
    """Read a participant count: a whole number 0…100000, blank meaning 0.

    A number cell must be integral (``45.0`` is 45). Text is ASCII digits,
    optionally grouped in threes by ``.`` or ``,`` used consistently
    (``1.250`` and ``1,250`` are 1250). Anything else — ``25 orang``, ``-3``,
    ``+3``, ``2,5``, ``1.25``, booleans, dates — or a value out of range is ``None``.
    """
    if type(value) is str:
        text = value.strip()
        if text.isdigit() and text.isascii():
            if len(text) > _MAX_DIGITS:  # never hand int() a long text (it refuses 4300+ digits)
                text = text.lstrip("0") or "0"
                if len(text) > _MAX_DIGITS:
                    return None
            number = int(text)
        elif not text:
            return 0
        elif len(text) <= _MAX_DIGITS + _MAX_DIGITS // 3 and _THOUSANDS.fullmatch(text):
            number = int(text.replace(text[-4], ""))
        else:
            return None
    elif value is None:
        return 0
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            return None
        number = int(value)
    elif isinstance(value, str):  # a str subclass
        return parse_whole_number(str(value))
    else:
        return None
    return number if 0 <= number <= MAX_WHOLE_NUMBER else None


# --- lists and URLs -------------------------------------------------------------


def split_partners(value: object) -> list[str]:
    """Partner names from a cell: split on ``,`` ``;`` and newlines, trimmed, empties dropped."""
    if is_blank(value):
        return []
    if not isinstance(value, str):
        return [str(value)]
    return [part for raw in _PARTNER_SEPARATORS.split(value) if (part := raw.strip())]


def split_urls(value: object) -> list[str]:
    """Links from a cell: split on whitespace, ``,`` and ``;``; empties dropped."""
    if is_blank(value):
        return []
    if not isinstance(value, str):
        return [str(value)]
    return [part for part in _URL_SEPARATORS.split(value) if part]


# The usual shape of a link, ASCII only: scheme, dotted host without port or user
# info, then printable non-space characters. Every text it matches is one that
# is_http_url accepts, and url_identity on it is plain string slicing; anything
# else takes the general path (tests/parsing/test_values.py checks both agree).
_PLAIN_URL = re.compile(r"([Hh][Tt][Tt][Pp][Ss]?)://([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)([/?#][!-+\--:<-~]*)?")
#: _PLAIN_URL without its groups: a cheaper yes/no.
_PLAIN_URL_SHAPE = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/?#][!-+\--:<-~]*)?")
_WHITESPACE = re.compile(r"\s")
# A plain link already in its normal form (lower-case scheme and host, no fragment,
# no trailing "/", no empty query): its identity is itself. Neither pattern admits
# "," or ";", so a cell they match whole is one link (split_urls splits on those).
_NORMAL_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)+"
    r"(?:/[!\"$-+\--:<->@-~]*[!\"$-+\-.0-:<->@-~])?"
    r"(?:\?[!\"$-+\--:<-~]+)?"
)
_NORMAL_URL_OR_EMPTY = re.compile(f"(?:{_NORMAL_URL.pattern})?")
# A link in normal form but for one trailing "/" (and no query): its identity drops the "/".
_SLASHED_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)+"
    r"(?:/[!\"$-+\--:<->@-~]*[!\"$-+\-.0-:<->@-~])?/"
)


def plain_url_identity(text: str) -> str | None:
    """The :func:`~tpbis.domain.text.url_identity` of a plain ``http(s)://host.name/...`` link, or ``None`` for any other text.

    A fast path: ``None`` means "ask :func:`is_http_url` and :func:`~tpbis.domain.text.url_identity`", not "invalid".
    """
    match = _PLAIN_URL.fullmatch(text)
    if match is None:
        return None
    scheme, host, rest = match.groups()
    if rest:
        rest = rest.split("#", 1)[0]
        path, _, query = rest.partition("?")
        if path.endswith("/"):
            path = path[:-1]
        rest = f"{path}?{query}" if query else path
        return f"{scheme.lower()}://{host.lower()}{rest}"
    return f"{scheme.lower()}://{host.lower()}"


def is_http_url(text: str) -> bool:
    """Whether ``text`` is an absolute http(s) URL with a real host and no spaces.

    The scheme is ``http`` or ``https`` in any case; the host is ``localhost``
    or contains a dot between non-empty labels (``ig.com``, ``10.0.0.1``); a
    port, when present, must be a number.
    """
    if not text:
        return False
    if _PLAIN_URL.fullmatch(text) is not None:
        return True
    if _WHITESPACE.search(text) is not None:
        return False
    if not text[:8].lower().startswith(("https://", "http://")):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a non-numeric or out-of-range port
    except ValueError:
        return False
    if not host:
        return False
    return host == "localhost" or "." in host.strip(".")


# --- text -----------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Text for comparing titles and library names.

    Casefolded; every character that is neither alphanumeric nor whitespace
    (Unicode-aware, so ``_`` too) becomes a space; whitespace runs collapse to
    one space; trimmed. ``"Perpus. Desa  Teluk-Bakau"`` → ``"perpus desa teluk bakau"``.
    """
    cached = _normalized.get(text)
    if cached is not None:
        return cached
    folded = text.casefold()
    # str.translate is several times faster than the regex for the usual ASCII text.
    cleaned = folded.translate(_ASCII_NOT_WORD) if folded.isascii() else _NOT_WORD.sub(" ", folded)
    result = " ".join(cleaned.split())
    if len(_normalized) >= _CACHE_SIZE:
        _normalized.clear()
    _normalized[text] = result
    return result


# --- review status --------------------------------------------------------------

#: Review verdicts that exclude a submission (SPEC §3.1 ``excluded``), compared by
#: :func:`~tpbis.domain.text.normalize_label`: ODK Central's ``ReviewState``
#: (``approved``, ``hasIssues``, ``edited`` or ``rejected``; only the last excludes),
#: KoBoToolbox's ``_validation_status`` as its label (``Not Approved``) or its uid
#: (``validation_status_not_approved``), and the same in Indonesian.
REJECTED_REVIEW_STATES: Final = frozenset({
    "rejected", "not approved", "validation_status_not_approved", "ditolak", "tidak disetujui",
})


def review_rejected(value: object) -> bool:
    """Whether a review status cell says a reviewer rejected the submission."""
    return isinstance(value, str) and normalize_label(value) in REJECTED_REVIEW_STATES

