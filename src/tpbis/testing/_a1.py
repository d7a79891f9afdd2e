"""A1 notation as Google Sheets reads and writes it.

Parsing accepts what the Sheets API accepts in a ``range`` path or body field
(``Sheet1``, ``'Sheet 1'!A1:B2``, ``A:C``, ``2:5``, ``A1:C``, ``$A$1``);
formatting reproduces what Google returns (titles quoted only when needed,
a single cell written as ``B1`` rather than ``B1:B1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["A1Error", "A1Range", "column_index", "column_letters", "format_range", "parse_a1", "quote_title"]

_CELL = re.compile(r"^\$?([A-Za-z]*)\$?([0-9]*)$")
_SIMPLE_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^(?:[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$")


class A1Error(ValueError):
    """The text is not a range Google could parse."""


@dataclass(frozen=True)
class A1Range:
    """A parsed range: a sheet title (or ``None`` for the first sheet) and half-open bounds.

    ``None`` in a bound means unbounded on that side (it expands to the grid).
    """

    title: str | None
    start_row: int | None = None
    start_col: int | None = None
    end_row: int | None = None
    end_col: int | None = None
    single_cell: bool = False


def column_letters(index: int) -> str:
    """Zero-based column index to letters: 0 → ``A``, 26 → ``AA``."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Column letters to a zero-based index: ``A`` → 0, ``AA`` → 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def quote_title(title: str) -> str:
    """Quote a sheet title the way Google does in returned ranges."""
    if _SIMPLE_TITLE.match(title) and not _LOOKS_LIKE_REF.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _split_title(text: str) -> tuple[str | None, str | None]:
    """Split ``'Sheet'!A1`` into title and cell part; either may be ``None``."""
    if text.startswith("'"):
        i = 1
        out = []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    out.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(out), None
                if rest.startswith("!"):
                    return "".join(out), rest[1:]
                raise A1Error(text)
            out.append(ch)
            i += 1
        raise A1Error(text)
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def _parse_cells(cells: str) -> tuple[int | None, int | None, int | None, int | None]:
    """Bounds (start_row, start_col, end_row, end_col) of ``A1:B2``-style text."""
    first, sep, second = cells.partition(":")
    m1 = _CELL.match(first)
    if not m1 or not (m1.group(1) or m1.group(2)):
        raise A1Error(cells)
    c1, r1 = m1.group(1), m1.group(2)
    if r1 and int(r1) == 0:
        raise A1Error(cells)
    if not sep:
        if not (c1 and r1):
            raise A1Error(cells)
        row, col = int(r1) - 1, column_index(c1)
        return row, col, row + 1, col + 1
    m2 = _CELL.match(second)
    if not m2 or not (m2.group(1) or m2.group(2)):
        raise A1Error(cells)
    c2, r2 = m2.group(1), m2.group(2)
    if r2 and int(r2) == 0:
        raise A1Error(cells)
    start_row = int(r1) - 1 if r1 else None
    start_col = column_index(c1) if c1 else None
    end_row = int(r2) if r2 else None
    end_col = column_index(c2) + 1 if c2 else None
    if (not c1 and not c2) or (not r1 and not r2):  # "2:5": whole rows
        pass
    elif not c1 or not r1:  # "A:C5" style is unusual; Google rejects most of them
        if not r1 and c1 and r2 and c2:
            start_row = None
        else:
            raise A1Error(cells)
    # Google normalises reversed corners (B2:A1 → A1:B2).
    if start_row is not None and end_row is not None and end_row - 1 < start_row:
        start_row, end_row = end_row - 1, start_row + 1
    if start_col is not None and end_col is not None and end_col - 1 < start_col:
        start_col, end_col = end_col - 1, start_col + 1
    return start_row, start_col, end_row, end_col


def parse_a1(text: str, titles: frozenset[str] | set[str] = frozenset()) -> A1Range:
    """Parse a range; a bare word naming an existing sheet means that whole sheet."""
    text = text.strip()
    if not text:
        raise A1Error(text)
    title, cells = _split_title(text)
    if title is not None and cells is None:
        return A1Range(title)
    if title is None and cells is not None:
        if cells in titles:
            return A1Range(cells)
        return A1Range(None, *_parse_cells(cells), single_cell=":" not in cells)
    assert cells is not None
    return A1Range(title, *_parse_cells(cells), single_cell=":" not in cells)


def format_range(title: str, start_row: int, start_col: int, end_row: int, end_col: int) -> str:
    """Google's rendering of resolved half-open bounds, e.g. ``Sheet1!A1:Z1000``."""
    first = f"{column_letters(start_col)}{start_row + 1}"
    prefix = quote_title(title) + "!"
    if end_row - start_row <= 1 and end_col - start_col <= 1:
        return prefix + first
    return f"{prefix}{first}:{column_letters(end_col - 1)}{end_row}"
