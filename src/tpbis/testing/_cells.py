"""Cell values as Google Sheets stores, parses and renders them.

A stored value is a ``(kind, value)`` pair mirroring ``ExtendedValue``:
``"s"`` string, ``"n"`` number (a float), ``"b"`` boolean, ``"f"`` formula
(the text, with its leading ``=``), ``"e"`` error. ``USER_ENTERED`` input is
parsed like the Sheets UI in the ``en_US`` locale (numbers, booleans, ISO and
US dates, percentages, formulas); ``RAW`` input is kept as it came.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
from collections.abc import Callable
from typing import Any

__all__ = [
    "ERROR_TEXT",
    "Cell",
    "FormulaError",
    "evaluate_formula",
    "f32",
    "format_number",
    "from_serial",
    "json_number",
    "parse_user_entered",
    "to_serial",
]

EPOCH = dt.date(1899, 12, 30)

#: ErrorValue.type → the text a cell shows.
ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
}


class Cell:
    """One stored cell: user-entered value, user-entered format and note."""

    __slots__ = ("fmt", "note", "value")

    def __init__(self) -> None:
        self.value: tuple[str, Any] | None = None
        self.fmt: dict[str, Any] | None = None
        self.note: str | None = None

    def is_empty(self) -> bool:
        """No value, no format, no note."""
        return self.value is None and not self.fmt and not self.note


class FormulaError(Exception):
    """A formula evaluated to an error value (``#DIV/0!`` and friends)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def f32(x: float) -> float:
    """Round to float32 and back to the shortest decimal, as Google stores colours."""
    v = struct.unpack("f", struct.pack("f", x))[0]
    for digits in range(1, 10):
        text = f"{v:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == v:
            return float(text)
    return float(v)


def json_number(x: float) -> float | int:
    """A number as Google writes it in JSON: integral values without a decimal point."""
    if math.isfinite(x) and x == int(x) and abs(x) < 2**53:
        return int(x)
    return x


def to_serial(value: dt.date | dt.datetime) -> float:
    """Date or naive datetime to a Sheets serial number (days since 1899-12-30)."""
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return float((value - EPOCH).days)


def from_serial(serial: float) -> dt.datetime:
    """Sheets serial number to a naive datetime (rounded to the second)."""
    days = math.floor(serial)
    seconds = round((serial - days) * 86400)
    return dt.datetime(1899, 12, 30) + dt.timedelta(days=days, seconds=seconds)


_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _number_text(text: str) -> float | None:
    if not _NUMBER.match(text) or not any(ch.isdigit() for ch in text):
        return None
    return float(text.replace(",", ""))


def parse_user_entered(raw: Any, locale: str = "en_US") -> tuple[tuple[str, Any] | None, dict[str, Any] | None]:
    """Parse a ``USER_ENTERED`` JSON value into a stored value and an automatic number format."""
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return ("b", raw), None
    if isinstance(raw, int | float):
        return ("n", float(raw)), None
    text = str(raw)
    if text == "":
        return None, None
    if text.startswith("'"):
        return ("s", text[1:]), None
    if text.startswith("=") and len(text) > 1:
        return ("f", text), None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return ("b", stripped.upper() == "TRUE"), None
    number = _number_text(stripped)
    if number is not None:
        return ("n", number), None
    if stripped.endswith("%"):
        pct = _number_text(stripped[:-1].strip())
        if pct is not None:
            decimals = len(stripped[:-1].partition(".")[2])
            pattern = "0%" if decimals == 0 else "0." + "0" * decimals + "%"
            return ("n", pct / 100), {"type": "PERCENT", "pattern": pattern}
    m = _ISO_DATE.match(stripped)
    if m:
        try:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if m.group(4) is not None:
                when = dt.datetime(y, mo, d, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0))
                return ("n", to_serial(when)), {"type": "DATE_TIME", "pattern": "yyyy-mm-dd h:mm:ss"}
            return ("n", to_serial(dt.date(y, mo, d))), {"type": "DATE", "pattern": "yyyy-mm-dd"}
        except ValueError:
            pass
    m = _SLASH_DATE.match(stripped)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        month, day = (a, b) if locale.startswith("en_US") else (b, a)
        pattern = "M/d/yyyy" if locale.startswith("en_US") else "d/M/yyyy"
        try:
            return ("n", to_serial(dt.date(y, month, day))), {"type": "DATE", "pattern": pattern}
        except ValueError:
            pass
    return ("s", text), None


def format_general(x: float) -> str:
    """Google's "Automatic" rendering of a number."""
    if not math.isfinite(x):
        return "#NUM!"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    if abs(x) >= 1e15 or (x != 0 and abs(x) < 1e-10):
        mantissa, _, exp = f"{x:.5E}".partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    digits = max(0, 10 - max(0, math.floor(math.log10(abs(x))) + 1))
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


_DATE_TOKENS = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|AM/PM|\"[^\"]*\"|.", re.IGNORECASE)


def _format_date(serial: float, pattern: str) -> str:
    when = from_serial(serial)
    out: list[str] = []
    tokens = _DATE_TOKENS.findall(pattern)
    twelve = any(t.lower() == "am/pm" for t in tokens)
    after_hour = False
    for tok in tokens:
        low = tok.lower()
        if low == "yyyy":
            out.append(f"{when.year:04d}")
        elif low == "yy":
            out.append(f"{when.year % 100:02d}")
        elif low in ("mm", "m"):
            if after_hour:
                out.append(f"{when.minute:02d}" if low == "mm" else str(when.minute))
                after_hour = False
            else:
                out.append(f"{when.month:02d}" if low == "mm" else str(when.month))
        elif low == "mmmm":
            out.append(when.strftime("%B"))
        elif low == "mmm":
            out.append(when.strftime("%b"))
        elif low == "dddd":
            out.append(when.strftime("%A"))
        elif low == "ddd":
            out.append(when.strftime("%a"))
        elif low in ("dd", "d"):
            out.append(f"{when.day:02d}" if low == "dd" else str(when.day))
        elif low in ("hh", "h"):
            hour = when.hour % 12 or 12 if twelve else when.hour
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
            after_hour = True
        elif low in ("ss", "s"):
            out.append(f"{when.second:02d}" if low == "ss" else str(when.second))
        elif low == "am/pm":
            out.append("AM" if when.hour < 12 else "PM")
        elif tok.startswith('"'):
            out.append(tok[1:-1])
        else:
            out.append(tok)
    return "".join(out)


def format_number(x: float, number_format: dict[str, Any] | None) -> str:
    """Render a number with a cell's ``numberFormat`` (dates, percentages, fixed decimals)."""
    if not number_format:
        return format_general(x)
    kind = number_format.get("type", "NUMBER")
    pattern = str(number_format.get("pattern", ""))
    if kind in ("DATE", "DATE_TIME", "TIME"):
        default = {"DATE": "M/d/yyyy", "DATE_TIME": "M/d/yyyy H:mm:ss", "TIME": "h:mm:ss am/pm"}[kind]
        try:
            return _format_date(x, pattern or default)
        except (OverflowError, ValueError):
            return format_general(x)
    if kind == "PERCENT":
        decimals = len(pattern.partition(".")[2].rstrip("%")) if "." in pattern else 0
        return f"{x * 100:.{decimals}f}%"
    if kind in ("NUMBER", "CURRENCY") and pattern:
        core = pattern.split(";")[0]
        decimals = len(core.partition(".")[2].rstrip("\"$ ")) if "." in core else 0
        return f"{x:,.{decimals}f}" if "," in core else f"{x:.{decimals}f}"
    return format_general(x)


# --- formulas -------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(?P<str>\"(?:[^\"]|\"\")*\")"
    r"|(?P<range>\$?[A-Za-z]{1,3}\$?\d+:\$?[A-Za-z]{1,3}\$?\d+)|(?P<ref>\$?[A-Za-z]{1,3}\$?\d+)(?![A-Za-z0-9_(])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)|(?P<op><>|<=|>=|[-+*/^&=<>(),;%]))"
)

Lookup = Callable[[int, int], Any]


def _tokens(text: str) -> list[tuple[str, str]]:
    pos = 0
    out: list[tuple[str, str]] = []
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaError("ERROR", "Formula parse error.")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _ref(text: str) -> tuple[int, int]:
    m = re.match(r"\$?([A-Za-z]+)\$?(\d+)", text)
    assert m
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _num(v: Any) -> float:
    if isinstance(v, FormulaError):
        raise v
    if v is None or v == "":
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float):
        return float(v)
    n = _number_text(str(v).strip())
    if n is None:
        raise FormulaError("VALUE", f"Function expects number values. But '{v}' is a text and cannot be coerced to a number.")
    return n


def _text(v: Any) -> str:
    if isinstance(v, FormulaError):
        raise v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return format_general(v)
    return str(v)


def _flatten(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for a in args:
        if isinstance(a, list):
            out.extend(_flatten(a))
        else:
            out.append(a)
    return out


class _Parser:
    def __init__(self, text: str, lookup: Lookup) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.lookup = lookup

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise FormulaError("ERROR", "Formula parse error.")
        self.i += 1
        return tok

    def parse(self) -> Any:
        value = self.compare()
        if self.peek() is not None:
            raise FormulaError("ERROR", "Formula parse error.")
        return value

    def compare(self) -> Any:
        left = self.concat()
        while (tok := self.peek()) and tok[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.concat()
            a, b = (left, right)
            if isinstance(a, str) or isinstance(b, str):
                a, b = _text(a).lower(), _text(b).lower()
            else:
                a, b = _num(a), _num(b)
            left = {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return left

    def concat(self) -> Any:
        left = self.additive()
        while (tok := self.peek()) and tok[1] == "&":
            self.take()
            left = _text(left) + _text(self.additive())
        return left

    def additive(self) -> Any:
        left = self.term()
        while (tok := self.peek()) and tok[1] in ("+", "-"):
            op = self.take()[1]
            right = self.term()
            left = _num(left) + _num(right) if op == "+" else _num(left) - _num(right)
        return left

    def term(self) -> Any:
        left = self.power()
        while (tok := self.peek()) and tok[1] in ("*", "/"):
            op = self.take()[1]
            right = self.power()
            if op == "*":
                left = _num(left) * _num(right)
            else:
                divisor = _num(right)
                if divisor == 0:
                    raise FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
                left = _num(left) / divisor
        return left

    def power(self) -> Any:
        left = self.unary()
        while (tok := self.peek()) and tok[1] == "^":
            self.take()
            left = _num(left) ** _num(self.unary())
        return left

    def unary(self) -> Any:
        tok = self.peek()
        if tok and tok[1] in ("-", "+"):
            self.take()
            value = _num(self.unary())
            return -value if tok[1] == "-" else value
        value = self.atom()
        if (nxt := self.peek()) and nxt[1] == "%":
            self.take()
            value = _num(value) / 100
        return value

    def atom(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            value = self.lookup(*_ref(text))
            if isinstance(value, FormulaError):
                raise value
            return value
        if kind == "range":
            a, b = text.split(":")
            (r0, c0), (r1, c1) = _ref(a), _ref(b)
            return [
                self.lookup(r, c)
                for r in range(min(r0, r1), max(r0, r1) + 1)
                for c in range(min(c0, c1), max(c0, c1) + 1)
            ]
        if kind == "op" and text == "(":
            value = self.compare()
            self.take(")")
            return value
        if kind == "name":
            upper = text.upper()
            if (nxt := self.peek()) and nxt[1] == "(":
                self.take("(")
                args: list[Any] = []
                if (p := self.peek()) and p[1] != ")":
                    args.append(self.compare())
                    while (p := self.peek()) and p[1] in (",", ";"):
                        self.take()
                        args.append(self.compare())
                self.take(")")
                return _call(upper, args)
            if upper in ("TRUE", "FALSE"):
                return upper == "TRUE"
            raise FormulaError("NAME", f"Unknown range name: '{text}'.")
        raise FormulaError("ERROR", "Formula parse error.")


def _call(name: str, args: list[Any]) -> Any:
    flat = _flatten(args)
    numbers = [_num(v) for v in flat if isinstance(v, int | float) and not isinstance(v, bool)]
    if name == "SUM":
        return float(sum(numbers))
    if name == "AVERAGE":
        if not numbers:
            raise FormulaError("DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error.")
        return sum(numbers) / len(numbers)
    if name in ("MIN", "MAX"):
        return float((min if name == "MIN" else max)(numbers)) if numbers else 0.0
    if name == "COUNT":
        return float(len(numbers))
    if name == "COUNTA":
        return float(sum(1 for v in flat if v not in (None, "")))
    if name in ("CONCATENATE", "CONCAT"):
        return "".join(_text(v) for v in flat)
    if name == "HYPERLINK":
        return _text(args[1]) if len(args) > 1 else _text(args[0]) if args else ""
    if name == "IF":
        cond = args[0] if args else False
        truthy = bool(_num(cond)) if not isinstance(cond, str) else cond != ""
        if truthy:
            return args[1] if len(args) > 1 else True
        return args[2] if len(args) > 2 else False
    if name == "AND":
        return all(bool(_num(v)) for v in flat)
    if name == "OR":
        return any(bool(_num(v)) for v in flat)
    if name == "NOT":
        return not bool(_num(args[0]))
    if name == "ROUND":
        digits = int(_num(args[1])) if len(args) > 1 else 0
        return float(round(_num(args[0]), digits))
    if name == "ABS":
        return abs(_num(args[0]))
    if name == "LEN":
        return float(len(_text(args[0])))
    if name in ("UPPER", "LOWER", "TRIM"):
        s = _text(args[0])
        return s.upper() if name == "UPPER" else s.lower() if name == "LOWER" else " ".join(s.split())
    if name == "DATE":
        return to_serial(dt.date(int(_num(args[0])), int(_num(args[1])), int(_num(args[2]))))
    raise FormulaError("NAME", f"Unknown function: '{name.lower()}'.")


def evaluate_formula(formula: str, lookup: Lookup) -> Any:
    """Evaluate ``=...`` to a float, str or bool; raise :class:`FormulaError` for ``#…`` results.

    ``lookup(row, col)`` returns another cell's effective value (``None`` when empty).
    """
    value = _Parser(formula[1:], lookup).parse()
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, float) and not math.isfinite(value):
        raise FormulaError("NUM", "Result is not a finite number.")
    return value
