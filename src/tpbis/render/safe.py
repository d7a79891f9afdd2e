"""Safe output: spreadsheet cells that cannot become formulas, terminal text that cannot steer the terminal.

Library names, activity titles and problem values come from people filling in
a form; this module keeps them inert wherever tpbis writes them out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Final, TextIO

__all__ = [
    "EXCEL_CELL_LIMIT",
    "FORMULA_PREFIXES",
    "SHEETS_CELL_LIMIT",
    "cap_cell",
    "csv_cell",
    "csv_text",
    "terminal_text",
    "write_csv",
]

#: Google Sheets holds at most 50,000 characters in one cell ("Files you can store in
#: Google Drive", https://support.google.com/drive/answer/37603: "Cells: 50,000 characters").
SHEETS_CELL_LIMIT: Final = 50_000

#: Excel shows and keeps at most 32,767 characters in one cell ("Excel specifications and
#: limits": "Total number of characters that a cell can contain: 32,767 characters").
EXCEL_CELL_LIMIT: Final = 32_767

#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")

# ESC-introduced sequences (CSI ... final byte, OSC/DCS/PM/APC/SOS ... ST or BEL, and two-byte
# escapes), their 8-bit C1 forms, then any other C0/C1 control character except newline.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # other escapes
    r"|[\x00-\x09\x0b-\x1f\x7f-\x9f]"  # any other control character, newline kept
    # bidirectional overrides and isolates: an unclosed U+202E in a name would show the score
    # and colour printed after it reversed (Unicode TR9; "Trojan Source", CVE-2021-42574)
    r"|[\u202a-\u202e\u2066-\u2069]"
)


def cap_cell(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in a visible marker ``… [+N]`` (N characters cut).

    A spreadsheet refuses or silently truncates longer cells; the marker makes the cut
    visible in any language. Text within the limit is returned unchanged.

    >>> cap_cell("abcdefghij", 8)
    'ab… [+8]'
    >>> cap_cell("abc", 8)
    'abc'
    """
    if len(text) <= limit:
        return text
    keep = limit
    while True:  # the marker's length depends on how much is cut
        marker = f"… [+{len(text) - keep}]"
        if keep + len(marker) <= limit:
            return text[:keep] + marker
        keep = limit - len(marker)


def csv_cell(value: object) -> object:
    """``value`` made safe for a spreadsheet cell: text that would start a formula gets a leading ``'``.

    Numbers stay numbers (``-3.5`` is written from a number, not from someone's text);
    only strings are changed.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(header: Sequence[object], rows: Iterable[Sequence[object]], out: TextIO) -> None:
    """``header`` and ``rows`` as CSV on ``out``, every cell through :func:`csv_cell`."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in header])
    writer.writerows([csv_cell(c) for c in row] for row in rows)


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """:func:`write_csv` into a string."""
    buffer = io.StringIO()
    write_csv(header, rows, buffer)
    return buffer.getvalue()


def terminal_text(text: str) -> str:
    """``text`` without terminal control sequences or C0/C1 control characters (newlines kept).

    A library named ``"\\x1b]0;pwn\\x07Perpus"`` prints as ``"Perpus"``; tabs and
    carriage returns go too, so a value cannot overwrite what was printed before it, and
    bidirectional overrides (U+202A–U+202E, U+2066–U+2069), so it cannot reverse what follows.

    >>> terminal_text("a\\x1b[2Jb\\x07c\\nd")
    'abc\\nd'
    """
    return _SEQUENCE.sub("", text)
