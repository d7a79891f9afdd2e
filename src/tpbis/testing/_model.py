"""In-memory spreadsheets and the Sheets v4 operations on them, as Google performs them.

Everything here is pure state manipulation; errors are raised as
:class:`ApiError` carrying Google's HTTP code, status and message. The HTTP
layer lives in :mod:`tpbis.testing._sheets` (routes) over
:mod:`tpbis.testing.emulator`; the ``batchUpdate`` requests in
:mod:`tpbis.testing._sheets_batch`.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tpbis.testing._a1 import A1Error, column_letters, format_range, parse_a1, quote_title
from tpbis.testing._cells import (
    ERROR_TEXT,
    Cell,
    FormulaError,
    evaluate_formula,
    f32,
    format_number,
    json_number,
    parse_user_entered,
)
from tpbis.testing._defaults import DEFAULT_FORMAT, SPREADSHEET_THEME
from tpbis.testing._errors import ApiError, bad_request, not_found, random_id
from tpbis.testing._fieldmask import FieldMaskError, Mask, apply_update, parse_mask, project

__all__ = ["ApiError", "Sheet", "Spreadsheet", "bad_request", "not_found", "random_id"]

MAX_CELLS = 10_000_000
DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
ROW_PIXELS = 21
COL_PIXELS = 100

_COLOR_KEYS = ("backgroundColor", "foregroundColor", "color", "tabColor")


# --- colours and formats -----------------------------------------------------


def _norm_color(color: Any) -> dict[str, Any]:
    if not isinstance(color, dict):
        return {}
    out: dict[str, Any] = {}
    for key in ("red", "green", "blue", "alpha"):
        value = color.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value != 0:
            out[key] = json_number(f32(float(value)))
    return out


def normalise_format(fmt: Any) -> dict[str, Any]:
    """Normalise a CellFormat like Google: float32 colours, zero channels dropped, ``*Style`` twins filled."""
    if not isinstance(fmt, dict):
        return {}
    out: dict[str, Any] = {}
    for key, value in fmt.items():
        if value is None:
            continue
        if key in _COLOR_KEYS:
            out[key] = _norm_color(value)
            if key + "Style" not in fmt:
                out[key + "Style"] = {"rgbColor": _norm_color(value)}
        elif key.endswith("Style") and key[:-5] in _COLOR_KEYS and isinstance(value, dict):
            if "rgbColor" in value:
                out[key] = {"rgbColor": _norm_color(value["rgbColor"])}
                if key[:-5] not in fmt:
                    out[key[:-5]] = _norm_color(value["rgbColor"])
            else:
                out[key] = copy.deepcopy(value)
        elif isinstance(value, dict):
            out[key] = normalise_format(value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def expand_color_mask(mask: Mask | None) -> Mask | None:
    """Make a mask touching ``xColor`` also touch ``xColorStyle`` (and back), as Google keeps them in sync."""
    if mask is None:
        return None
    out: Mask = {}
    for key, sub in mask.items():
        out[key] = expand_color_mask(sub)
        if key in _COLOR_KEYS:
            out[key + "Style"] = None
        elif key.endswith("Style") and key[:-5] in _COLOR_KEYS:
            out[key[:-5]] = None
    return out


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``; a colour replaces the default whole (its zero channels are omitted, not white's)."""
    out = copy.deepcopy(base)
    for key, value in top.items():
        is_color = key in _COLOR_KEYS or (key.endswith("Style") and key[:-5] in _COLOR_KEYS)
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not is_color:
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _satisfies(condition: dict[str, Any], value: tuple[str, Any]) -> bool:
    """Whether a stored value meets a ``BooleanCondition`` (types the emulator does not check pass)."""
    kind, stored = value
    kind_of = condition.get("type")
    operands = [str(v.get("userEnteredValue", "")) for v in condition.get("values") or []]
    if kind_of == "ONE_OF_LIST":
        return _display(value) in operands
    if kind_of == "BOOLEAN":
        return kind == "b"
    if kind_of and kind_of.startswith("NUMBER_"):
        if kind != "n":
            return False
        try:
            bounds = [float(v) for v in operands]
        except ValueError:
            return True  # a formula operand: not evaluated
        x = float(stored)
        tests = {"NUMBER_GREATER": lambda: x > bounds[0], "NUMBER_GREATER_THAN_EQ": lambda: x >= bounds[0],
                 "NUMBER_LESS": lambda: x < bounds[0], "NUMBER_LESS_THAN_EQ": lambda: x <= bounds[0],
                 "NUMBER_EQ": lambda: x == bounds[0], "NUMBER_NOT_EQ": lambda: x != bounds[0],
                 "NUMBER_BETWEEN": lambda: bounds[0] <= x <= bounds[1],
                 "NUMBER_NOT_BETWEEN": lambda: not bounds[0] <= x <= bounds[1]}
        test = tests.get(kind_of)
        return True if test is None or not bounds else bool(test())
    if kind_of == "TEXT_CONTAINS":
        return bool(operands) and operands[0] in _display(value)
    if kind_of == "TEXT_NOT_CONTAINS":
        return bool(operands) and operands[0] not in _display(value)
    return True


def _display(value: tuple[str, Any]) -> str:
    kind, stored = value
    if kind == "b":
        return "TRUE" if stored else "FALSE"
    if kind == "n":
        return str(json_number(stored))
    return str(stored)


# --- sheets --------------------------------------------------------------------


@dataclass
class Sheet:
    """One tab: properties plus sparse cells ``cells[row][col]``."""

    sheet_id: int
    title: str
    row_count: int = DEFAULT_ROWS
    col_count: int = DEFAULT_COLS
    hidden: bool = False
    grid_extra: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    cells: dict[int, dict[int, Cell]] = field(default_factory=dict)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: (row, col) → ``DataValidationRule`` (``setDataValidation``)
    validation: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    #: ``ProtectedRange`` resources (``addProtectedRange``)
    protected: list[dict[str, Any]] = field(default_factory=list)

    def properties(self, index: int) -> dict[str, Any]:
        """``SheetProperties`` in Google's key order."""
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.col_count}
        grid.update({k: v for k, v in self.grid_extra.items() if v not in (0, False, None)})
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        props.update(copy.deepcopy(self.extra))
        return props

    def get(self, row: int, col: int) -> Cell | None:
        """The stored cell, if any."""
        r = self.cells.get(row)
        return r.get(col) if r else None

    def writable(self, row: int, col: int) -> Cell:
        """A fresh copy of the cell put in place (copy-on-write keeps batch snapshots cheap)."""
        old = self.get(row, col)
        cell = Cell()
        if old is not None:
            cell.value, cell.fmt, cell.note = old.value, old.fmt, old.note
        self.cells.setdefault(row, {})[col] = cell
        return cell

    def prune(self, row: int, col: int) -> None:
        """Drop a cell that holds nothing."""
        r = self.cells.get(row)
        if r is not None and col in r and r[col].is_empty():
            del r[col]
            if not r:
                del self.cells[row]

    def snapshot(self) -> tuple[Any, ...]:
        """Cheap copy of everything a batch update may change."""
        return (
            self.title, self.row_count, self.col_count, self.hidden, copy.deepcopy(self.grid_extra),
            copy.deepcopy(self.extra), {r: dict(cols) for r, cols in self.cells.items()},
            dict(self.row_meta), dict(self.col_meta), dict(self.validation), copy.deepcopy(self.protected),
        )

    def restore(self, snap: tuple[Any, ...]) -> None:
        """Undo to a :meth:`snapshot`."""
        (self.title, self.row_count, self.col_count, self.hidden, self.grid_extra, self.extra,
         self.cells, self.row_meta, self.col_meta, self.validation, self.protected) = snap

    # dimension edits -----------------------------------------------------------

    def insert(self, dimension: str, start: int, count: int) -> None:
        """Insert empty rows or columns before ``start``."""
        if dimension == "ROWS":
            self.cells = {(r + count if r >= start else r): cols for r, cols in self.cells.items()}
            self.row_meta = {(r + count if r >= start else r): m for r, m in self.row_meta.items()}
            self.row_count += count
        else:
            self.cells = {r: {(c + count if c >= start else c): v for c, v in cols.items()} for r, cols in self.cells.items()}
            self.col_meta = {(c + count if c >= start else c): m for c, m in self.col_meta.items()}
            self.col_count += count

    def delete(self, dimension: str, start: int, end: int) -> None:
        """Delete rows or columns ``[start, end)``."""
        n = end - start

        def move(i: int) -> int | None:
            return i if i < start else None if i < end else i - n

        if dimension == "ROWS":
            self.cells = {m: cols for r, cols in self.cells.items() if (m := move(r)) is not None}
            self.row_meta = {m: v for r, v in self.row_meta.items() if (m := move(r)) is not None}
            self.row_count -= n
        else:
            new: dict[int, dict[int, Cell]] = {}
            for r, cols in self.cells.items():
                row = {m: v for c, v in cols.items() if (m := move(c)) is not None}
                if row:
                    new[r] = row
            self.cells = new
            self.col_meta = {m: v for c, v in self.col_meta.items() if (m := move(c)) is not None}
            self.col_count -= n


@dataclass
class Bounds:
    """A resolved range on one sheet; ``explicit_*`` tell whether the request bounded it."""

    sheet: Sheet
    r0: int
    c0: int
    r1: int
    c1: int
    explicit_rows: bool = False
    explicit_cols: bool = False

    def a1(self) -> str:
        """Google's rendering of these bounds."""
        return format_range(self.sheet.title, self.r0, self.c0, self.r1, self.c1)


# --- spreadsheets ----------------------------------------------------------------


class Spreadsheet:
    """A spreadsheet with its tabs, and the Sheets v4 operations on it."""

    def __init__(self, spreadsheet_id: str, title: str, rng: random.Random, *, locale: str = "en_US",
                 time_zone: str = "Etc/GMT") -> None:
        self.id = spreadsheet_id
        self.title = title
        self.locale = locale
        self.time_zone = time_zone
        self.auto_recalc = "ON_CHANGE"
        self.rng = rng
        self.sheets: list[Sheet] = []
        #: ``DeveloperMetadata`` resources (``createDeveloperMetadata``)
        self.developer_metadata: list[dict[str, Any]] = []

    # lookup --------------------------------------------------------------------

    def new_sheet_id(self) -> int:
        """A random unused sheet id, like Google's."""
        used = {s.sheet_id for s in self.sheets}
        while True:
            candidate = self.rng.randint(1, 2**31 - 1)
            if candidate not in used:
                return candidate

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        """The tab with this id."""
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        """The tab with this title (Google matches titles case-insensitively)."""
        exact = next((s for s in self.sheets if s.title == title), None)
        return exact or next((s for s in self.sheets if s.title.lower() == title.lower()), None)

    def add_sheet(self, title: str | None = None, *, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS,
                  sheet_id: int | None = None, index: int | None = None, hidden: bool = False) -> Sheet:
        """Add a tab (no validation beyond uniqueness; used by helpers and ``addSheet``)."""
        if title is None:
            n = len(self.sheets) + 1
            while self.sheet_by_title(f"Sheet{n}"):
                n += 1
            title = f"Sheet{n}"
        sheet = Sheet(sheet_id=self.new_sheet_id() if sheet_id is None else sheet_id, title=title,
                      row_count=rows, col_count=cols, hidden=hidden)
        self.sheets.insert(len(self.sheets) if index is None else min(index, len(self.sheets)), sheet)
        return sheet

    def total_cells(self) -> int:
        """Cells in all grids (Google caps this at ten million)."""
        return sum(s.row_count * s.col_count for s in self.sheets)

    def resolve(self, text: str, *, for_write: bool = False) -> Bounds:
        """Resolve an A1 range against the grid; reads beyond the grid are a 400 like Google's."""
        titles = {s.title for s in self.sheets}
        try:
            parsed = parse_a1(text, titles)
        except A1Error:
            raise bad_request(f"Unable to parse range: {text}") from None
        if parsed.title is None:
            sheet = self.sheets[0]
        else:
            found = self.sheet_by_title(parsed.title)
            if found is None:
                raise bad_request(f"Unable to parse range: {text}")
            sheet = found
        r0 = parsed.start_row or 0
        c0 = parsed.start_col or 0
        # A single cell is where writing starts, not a bound on it.
        explicit_rows = parsed.end_row is not None and not parsed.single_cell
        explicit_cols = parsed.end_col is not None and not parsed.single_cell
        if not for_write and (r0 >= sheet.row_count or c0 >= sheet.col_count):
            raise bad_request(
                f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.col_count}"
            )
        r1 = parsed.end_row if parsed.end_row is not None else sheet.row_count
        c1 = parsed.end_col if parsed.end_col is not None else sheet.col_count
        if not for_write:
            r1, c1 = min(r1, sheet.row_count), min(c1, sheet.col_count)
        return Bounds(sheet, r0, c0, max(r1, r0 + 1), max(c1, c0 + 1), explicit_rows, explicit_cols)

    # cell values ---------------------------------------------------------------

    def effective(self, sheet: Sheet, row: int, col: int, depth: int = 0) -> Any:
        """A cell's computed value: float, str, bool, ``FormulaError`` or ``None``."""
        cell = sheet.get(row, col)
        if cell is None or cell.value is None:
            return None
        kind, value = cell.value
        if kind == "f":
            if depth > 50:
                return FormulaError("REF", "Circular dependency detected.")
            try:
                return evaluate_formula(value, lambda r, c: self.effective(sheet, r, c, depth + 1))
            except FormulaError as err:
                return err
            except (RecursionError, ValueError, OverflowError, IndexError):
                return FormulaError("ERROR", "Formula parse error.")
        if kind == "e":
            return FormulaError(value.get("type", "ERROR"), value.get("message", ""))
        return value

    def render(self, sheet: Sheet, row: int, col: int, value_render: str, dt_render: str) -> Any:
        """One cell as the values API returns it; ``""`` for empty."""
        cell = sheet.get(row, col)
        if cell is None or cell.value is None:
            return ""
        if value_render == "FORMULA" and cell.value[0] == "f":
            return cell.value[1]
        value = self.effective(sheet, row, col)
        if value is None:
            return ""
        if isinstance(value, FormulaError):
            return ERROR_TEXT.get(value.kind, "#ERROR!")
        if isinstance(value, bool):
            return value if value_render != "FORMATTED_VALUE" else ("TRUE" if value else "FALSE")
        if isinstance(value, float):
            number_format = (cell.fmt or {}).get("numberFormat")
            if value_render == "FORMATTED_VALUE":
                return format_number(value, number_format)
            is_date = isinstance(number_format, dict) and number_format.get("type") in ("DATE", "TIME", "DATE_TIME")
            if is_date and dt_render == "FORMATTED_STRING":
                return format_number(value, number_format)
            return json_number(value)
        return value

    def read(self, text: str, major: str, value_render: str, dt_render: str) -> dict[str, Any]:
        """``ValueRange`` for ``values.get``: trailing empties trimmed, no ``values`` when empty."""
        value_render = value_render or "FORMATTED_VALUE"
        dt_render = dt_render or "SERIAL_NUMBER"
        if value_render not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
            raise bad_request(f"Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), \"{value_render}\"")
        if dt_render not in ("SERIAL_NUMBER", "FORMATTED_STRING"):
            raise bad_request(f"Invalid value at 'date_time_render_option' (type.googleapis.com/google.apps.sheets.v4.DateTimeRenderOption), \"{dt_render}\"")
        b = self.resolve(text)
        result: dict[str, Any] = {"range": b.a1(), "majorDimension": major or "ROWS"}
        grid: list[list[Any]] = []
        sheet = b.sheet
        for r in range(b.r0, b.r1):
            cols = sheet.cells.get(r)
            if not cols:
                grid.append([])
                continue
            row = [self.render(sheet, r, c, value_render, dt_render) if c in cols else "" for c in range(b.c0, b.c1)]
            grid.append(row)
        if (major or "ROWS") == "COLUMNS":
            width = b.c1 - b.c0
            grid = [[row[c] if c < len(row) else "" for row in grid] for c in range(width)]
        values = []
        for row in grid:
            end = len(row)
            while end and row[end - 1] == "":
                end -= 1
            values.append(row[:end])
        while values and not values[-1]:
            values.pop()
        if values:
            result["values"] = values
        return result

    def _stored(self, raw: Any, option: str) -> tuple[tuple[str, Any] | None, dict[str, Any] | None]:
        if isinstance(raw, dict | list):
            raise bad_request(f"Invalid values[0][0]: list_value/struct_value {raw!r}")
        if option == "USER_ENTERED":
            return parse_user_entered(raw, self.locale)
        if raw is None or raw == "":
            return None, None
        if isinstance(raw, bool):
            return ("b", raw), None
        if isinstance(raw, int | float):
            return ("n", float(raw)), None
        return ("s", str(raw)), None

    def write(self, text: str, values: Any, option: str | None, major: str | None) -> dict[str, Any]:
        """``values.update`` for one range; returns ``UpdateValuesResponse`` (minus spreadsheetId)."""
        if option not in ("RAW", "USER_ENTERED"):
            if not option:
                raise bad_request("'valueInputOption' is required but not specified")
            raise bad_request(f"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"{option}\"")
        b = self.resolve(text, for_write=True)
        rows = [list(r) if isinstance(r, list) else [r] for r in (values or [])]
        if (major or "ROWS") == "COLUMNS":
            width = max((len(r) for r in rows), default=0)
            rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        if height == 0 or width == 0:
            return {"updatedRange": format_range(b.sheet.title, b.r0, b.c0, b.r0 + 1, b.c0 + 1)}
        if b.explicit_rows and b.r0 + height > b.r1:
            raise bad_request(f"Requested writing within range [{b.a1()}], but tried writing to row [{b.r0 + height}]")
        if b.explicit_cols and b.c0 + width > b.c1:
            raise bad_request(
                f"Requested writing within range [{b.a1()}], but tried writing to column [{column_letters(b.c0 + width - 1)}]"
            )
        sheet = b.sheet
        grow_rows = max(0, b.r0 + height - sheet.row_count)
        grow_cols = max(0, b.c0 + width - sheet.col_count)
        if grow_rows or grow_cols:
            if self.total_cells() + grow_rows * (sheet.col_count + grow_cols) + grow_cols * sheet.row_count > MAX_CELLS:
                raise bad_request(f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells.")
            sheet.row_count += grow_rows
            sheet.col_count += grow_cols
        touched_rows: set[int] = set()
        touched_cols: set[int] = set()
        count = 0
        for i, row in enumerate(rows):
            for j, raw in enumerate(row):
                if raw is None:
                    continue
                value, auto_format = self._stored(raw, option)
                r, c = b.r0 + i, b.c0 + j
                self._check_validation(sheet, r, c, value)
                cell = sheet.writable(r, c)
                cell.value = value
                if auto_format and not (cell.fmt or {}).get("numberFormat"):
                    cell.fmt = {**(cell.fmt or {}), "numberFormat": auto_format}
                sheet.prune(r, c)
                touched_rows.add(i)
                touched_cols.add(j)
                count += 1
        return {
            "updatedRange": format_range(sheet.title, b.r0, b.c0, b.r0 + height, b.c0 + width),
            "updatedRows": len(touched_rows),
            "updatedColumns": len(touched_cols),
            "updatedCells": count,
            "_sheet": sheet.sheet_id,
            "_rows": {b.r0 + i for i in touched_rows},
            "_cols": {b.c0 + j for j in touched_cols},
        }

    def clear(self, text: str) -> str:
        """``values.clear``: values go, formats and notes stay; returns the cleared range."""
        b = self.resolve(text)
        sheet = b.sheet
        for r in list(sheet.cells):
            if b.r0 <= r < b.r1:
                for c in [c for c in sheet.cells[r] if b.c0 <= c < b.c1]:
                    if sheet.cells[r][c].value is not None:
                        sheet.writable(r, c).value = None
                        sheet.prune(r, c)
        return b.a1()

    def append(self, text: str, values: Any, option: str | None, major: str | None, insert: str | None) -> dict[str, Any]:
        """``values.append``: find the table in the range and write after it, growing the grid."""
        if option not in ("RAW", "USER_ENTERED"):
            return self.write(text, values, option, major)  # same error as update
        b = self.resolve(text)
        sheet = b.sheet
        start = next(((r, c) for r in sorted(sheet.cells) if b.r0 <= r < b.r1
                      for c in sorted(sheet.cells[r]) if b.c0 <= c < b.c1 and sheet.cells[r][c].value is not None), None)
        response: dict[str, Any] = {}
        if start is not None:
            # Google grows the table from the first value in the range, down and right, while it stays contiguous.
            top, left = start
            bottom, right = top, left

            def filled(r: int, c: int) -> bool:
                cell = sheet.get(r, c)
                return cell is not None and cell.value is not None

            grown = True
            while grown:
                grown = False
                if bottom + 1 < sheet.row_count and any(filled(bottom + 1, c) for c in range(left, right + 1)):
                    bottom += 1
                    grown = True
                if right + 1 < sheet.col_count and any(filled(r, right + 1) for r in range(top, bottom + 1)):
                    right += 1
                    grown = True
            response["tableRange"] = format_range(sheet.title, top, left, bottom + 1, right + 1)
            start_row, start_col = bottom + 1, left
        else:
            start_row, start_col = b.r0, b.c0
        rows = values or []
        height = len(rows) if (major or "ROWS") == "ROWS" else max((len(r) for r in rows), default=0)
        if (insert or "OVERWRITE") == "INSERT_ROWS" and height:
            sheet.insert("ROWS", min(start_row, sheet.row_count), height)
        target = format_range(sheet.title, start_row, start_col, start_row + 1, start_col + 1)
        written = self.write(f"{quote_title(sheet.title)}!{target.rpartition('!')[2]}", rows, option, major)
        response["updates"] = written
        return response

    # spreadsheet resource ------------------------------------------------------------

    def properties_json(self) -> dict[str, Any]:
        """``SpreadsheetProperties``."""
        return {
            "title": self.title,
            "locale": self.locale,
            "autoRecalc": self.auto_recalc,
            "timeZone": self.time_zone,
            "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
            "spreadsheetTheme": copy.deepcopy(SPREADSHEET_THEME),
        }

    def cell_json(self, sheet: Sheet, row: int, col: int) -> dict[str, Any]:
        """``CellData`` for one cell."""
        cell = sheet.get(row, col)
        out: dict[str, Any] = {}
        if cell is None:
            return out
        if cell.value is not None:
            kind, value = cell.value
            key = {"s": "stringValue", "n": "numberValue", "b": "boolValue", "f": "formulaValue", "e": "errorValue"}[kind]
            out["userEnteredValue"] = {key: json_number(value) if kind == "n" else value}
            eff = self.effective(sheet, row, col)
            if isinstance(eff, FormulaError):
                out["effectiveValue"] = {"errorValue": {"type": eff.kind, "message": eff.message}}
            elif isinstance(eff, bool):
                out["effectiveValue"] = {"boolValue": eff}
            elif isinstance(eff, float):
                out["effectiveValue"] = {"numberValue": json_number(eff)}
            elif eff is not None:
                out["effectiveValue"] = {"stringValue": eff}
            out["formattedValue"] = self.render(sheet, row, col, "FORMATTED_VALUE", "SERIAL_NUMBER")
        if cell.fmt:
            out["userEnteredFormat"] = copy.deepcopy(cell.fmt)
        if cell.value is not None or cell.fmt:
            out["effectiveFormat"] = _deep_merge(DEFAULT_FORMAT, cell.fmt or {})
        if cell.note:
            out["note"] = cell.note
        return out

    def grid_json(self, b: Bounds) -> dict[str, Any]:
        """``GridData`` for a range, trailing empty cells and rows trimmed."""
        sheet = b.sheet
        data: dict[str, Any] = {}
        if b.r0:
            data["startRow"] = b.r0
        if b.c0:
            data["startColumn"] = b.c0
        rows: list[dict[str, Any]] = []
        for r in range(b.r0, b.r1):
            cols = sheet.cells.get(r)
            if not cols:
                rows.append({})
                continue
            cells = [self.cell_json(sheet, r, c) if c in cols else {} for c in range(b.c0, b.c1)]
            while cells and not cells[-1]:
                cells.pop()
            rows.append({"values": cells} if cells else {})
        while rows and not rows[-1]:
            rows.pop()
        if rows:
            data["rowData"] = rows
        data["rowMetadata"] = [{"pixelSize": ROW_PIXELS, **sheet.row_meta.get(r, {})} for r in range(b.r0, b.r1)]
        data["columnMetadata"] = [{"pixelSize": COL_PIXELS, **sheet.col_meta.get(c, {})} for c in range(b.c0, b.c1)]
        return data

    def to_json(self, *, include_grid: bool = False, ranges: Iterable[str] = (), fields: str | None = None) -> dict[str, Any]:
        """The ``Spreadsheet`` resource; with a field mask ``includeGridData`` is ignored, as documented."""
        mask = None
        if fields:
            try:
                mask = parse_mask(fields)
            except FieldMaskError:
                raise bad_request(f"Invalid field selection {fields}") from None
            sheets_mask = mask.get("sheets", {}) if "*" not in mask else None
            include_grid = sheets_mask is None or "data" in sheets_mask
        ranges = list(ranges)
        sheets: list[dict[str, Any]] = []
        if ranges:
            by_sheet: dict[int, list[Bounds]] = {}
            for text in ranges:
                b = self.resolve(text)
                by_sheet.setdefault(b.sheet.sheet_id, []).append(b)
            for index, sheet in enumerate(self.sheets):
                if sheet.sheet_id in by_sheet:
                    entry: dict[str, Any] = {"properties": sheet.properties(index)}
                    if include_grid:
                        entry["data"] = [self.grid_json(b) for b in by_sheet[sheet.sheet_id]]
                    sheets.append(entry)
        else:
            for index, sheet in enumerate(self.sheets):
                entry = {"properties": sheet.properties(index)}
                if sheet.protected:
                    entry["protectedRanges"] = copy.deepcopy(sheet.protected)
                sheet_meta = [m for m in self.developer_metadata if m["location"].get("sheetId") == sheet.sheet_id]
                if sheet_meta:
                    entry["developerMetadata"] = copy.deepcopy(sheet_meta)
                if include_grid:
                    entry["data"] = [self.grid_json(Bounds(sheet, 0, 0, sheet.row_count, sheet.col_count))]
                sheets.append(entry)
        body = {
            "spreadsheetId": self.id,
            "properties": self.properties_json(),
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit",
        }
        book_meta = [m for m in self.developer_metadata if m["location"].get("spreadsheet")]
        if book_meta:
            body["developerMetadata"] = copy.deepcopy(book_meta)
        return project(body, mask) if mask is not None else body

    # batchUpdate -----------------------------------------------------------------

    def batch_update(self, requests: list[Any]) -> list[dict[str, Any]]:
        """Apply ``spreadsheets.batchUpdate`` requests atomically; returns the replies."""
        if not requests:
            raise bad_request("Must specify at least one request.")
        snapshot = (self.title, self.locale, self.time_zone, self.auto_recalc, list(self.sheets),
                    {s.sheet_id: s.snapshot() for s in self.sheets}, copy.deepcopy(self.developer_metadata))
        try:
            return [self._apply(i, request) for i, request in enumerate(requests)]
        except Exception:
            self.title, self.locale, self.time_zone, self.auto_recalc, sheets, snaps, self.developer_metadata = snapshot
            self.sheets = sheets
            for s in self.sheets:
                s.restore(snaps[s.sheet_id])
            raise

    def _apply(self, i: int, request: Any) -> dict[str, Any]:
        if not isinstance(request, dict) or len([k for k, v in request.items() if v is not None]) != 1:
            raise bad_request(f"Invalid requests[{i}]: exactly one kind of request must be set.")
        kind, body = next((k, v) for k, v in request.items() if v is not None)
        handler = getattr(self, "_req_" + kind, None)
        if handler is None:
            if kind in _KNOWN_REQUESTS:
                raise ApiError(501, f"Invalid requests[{i}].{kind}: not supported by the tpbis Sheets emulator.")
            raise ApiError(
                400,
                f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field.",
            )
        where = f"Invalid requests[{i}].{kind}: "
        try:
            reply = handler(body or {}, where)
        except ApiError as err:
            if not err.message.startswith("Invalid requests["):
                err.message = where + err.message
            raise
        return reply if reply else {}

    def _sheet(self, sheet_id: Any) -> Sheet:
        sheet = self.sheet_by_id(int(sheet_id or 0))
        if sheet is None:
            raise bad_request(f"No grid with id: {int(sheet_id or 0)}")
        return sheet

    def _grid_range(self, rng: dict[str, Any], *, allow_beyond: bool = False) -> Bounds:
        sheet = self._sheet(rng.get("sheetId"))
        r0 = int(rng.get("startRowIndex") or 0)
        c0 = int(rng.get("startColumnIndex") or 0)
        r1 = int(rng["endRowIndex"]) if rng.get("endRowIndex") is not None else sheet.row_count
        c1 = int(rng["endColumnIndex"]) if rng.get("endColumnIndex") is not None else sheet.col_count
        if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
            raise bad_request("Invalid range.")
        if not allow_beyond and (r1 > sheet.row_count or c1 > sheet.col_count):
            text = format_range(sheet.title, r0, c0, max(r1, r0 + 1), max(c1, c0 + 1))
            raise bad_request(f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.col_count}")
        return Bounds(sheet, r0, c0, r1, c1)

    def _check_title(self, title: Any, exclude: Sheet | None = None) -> str:
        if not isinstance(title, str) or not title.strip():
            raise bad_request("Sheet title cannot be empty.")
        other = self.sheet_by_title(title)
        if other is not None and other is not exclude:
            raise bad_request(f'A sheet with the name "{title}" already exists. Please enter another name.')
        return title

    def _req_addSheet(self, body: dict[str, Any], where: str) -> dict[str, Any]:
        props = body.get("properties") or {}
        grid = props.get("gridProperties") or {}
        if props.get("sheetType", "GRID") != "GRID":
            raise ApiError(501, f"{where}only GRID sheets are supported by the tpbis Sheets emulator.")
        title = self._check_title(props["title"]) if props.get("title") is not None else None
        sheet_id = props.get("sheetId")
        if sheet_id is not None and self.sheet_by_id(int(sheet_id)) is not None:
            raise bad_request(f"A sheet with id {sheet_id} already exists.")
        rows = int(grid.get("rowCount", DEFAULT_ROWS))
        cols = int(grid.get("columnCount", DEFAULT_COLS))
        if self.total_cells() + rows * cols > MAX_CELLS:
            raise bad_request(f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells.")
        sheet = self.add_sheet(title, rows=rows, cols=cols, sheet_id=None if sheet_id is None else int(sheet_id),
                               index=props.get("index"), hidden=bool(props.get("hidden", False)))
        for key in ("frozenRowCount", "frozenColumnCount", "hideGridlines", "rowGroupControlAfter", "columnGroupControlAfter"):
            if key in grid:
                sheet.grid_extra[key] = grid[key]
        for key in ("tabColor", "tabColorStyle", "rightToLeft"):
            if key in props:
                sheet.extra[key] = props[key]
        if self.sheets and all(s.hidden for s in self.sheets):
            raise bad_request("You can't hide all the sheets in a document.")
        return {"addSheet": {"properties": sheet.properties(self.sheets.index(sheet))}}

    def _req_deleteSheet(self, body: dict[str, Any], where: str) -> None:
        sheet = self._sheet(body.get("sheetId"))
        if len(self.sheets) == 1:
            raise bad_request("You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        if all(s.hidden for s in self.sheets):
            raise bad_request("You can't remove all the visible sheets in a document.")

    def _req_updateSheetProperties(self, body: dict[str, Any], where: str) -> None:
        props = body.get("properties") or {}
        mask_text = body.get("fields")
        if not mask_text:
            raise bad_request("At least one field must be updated with 'fields'.")
        mask = parse_mask(mask_text)
        sheet = self._sheet(props.get("sheetId"))
        everything = "*" in mask
        if everything or "title" in mask:
            sheet.title = self._check_title(props.get("title"), exclude=sheet)
        if everything or "index" in mask:
            index = int(props.get("index") or 0)
            self.sheets.remove(sheet)
            self.sheets.insert(max(0, min(index, len(self.sheets))), sheet)
        if everything or "hidden" in mask:
            sheet.hidden = bool(props.get("hidden", False))
            if all(s.hidden for s in self.sheets):
                raise bad_request("You can't hide all the sheets in a document.")
        if everything or "gridProperties" in mask:
            grid = props.get("gridProperties") or {}
            sub = None if everything else mask["gridProperties"]
            keys = list(grid) if sub is None else list(sub)
            for key in keys:
                value = grid.get(key)
                if key == "rowCount":
                    self._resize(sheet, "ROWS", int(value or 0))
                elif key == "columnCount":
                    self._resize(sheet, "COLUMNS", int(value or 0))
                elif value is None:
                    sheet.grid_extra.pop(key, None)
                else:
                    sheet.grid_extra[key] = value
        for key in ("tabColor", "tabColorStyle", "rightToLeft"):
            if everything or key in mask:
                if props.get(key) is None:
                    sheet.extra.pop(key, None)
                else:
                    sheet.extra[key] = normalise_format({key: props[key]})[key] if key != "rightToLeft" else props[key]

    def _resize(self, sheet: Sheet, dimension: str, size: int) -> None:
        if size < 1:
            raise bad_request(f"Invalid value for {'rowCount' if dimension == 'ROWS' else 'columnCount'}: must be at least 1.")
        current = sheet.row_count if dimension == "ROWS" else sheet.col_count
        if size > current:
            if dimension == "ROWS":
                sheet.row_count = size
            else:
                sheet.col_count = size
        elif size < current:
            sheet.delete(dimension, size, current)
        if self.total_cells() > MAX_CELLS:
            raise bad_request(f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells.")

    def _req_updateSpreadsheetProperties(self, body: dict[str, Any], where: str) -> None:
        props = body.get("properties") or {}
        mask_text = body.get("fields")
        if not mask_text:
            raise bad_request("At least one field must be updated with 'fields'.")
        mask = parse_mask(mask_text)
        everything = "*" in mask
        for key, attr in (("title", "title"), ("locale", "locale"), ("timeZone", "time_zone"), ("autoRecalc", "auto_recalc")):
            if everything or key in mask:
                value = props.get(key)
                if value is not None:
                    setattr(self, attr, str(value))

    def _apply_cell(self, sheet: Sheet, r: int, c: int, data: dict[str, Any], mask: Mask | None) -> None:
        cell = sheet.writable(r, c)
        everything = mask is None or "*" in mask
        if everything or "userEnteredValue" in (mask or {}):
            uev = data.get("userEnteredValue") or {}
            if "stringValue" in uev:
                cell.value = ("s", str(uev["stringValue"])) if uev["stringValue"] != "" else None
            elif "numberValue" in uev:
                cell.value = ("n", float(uev["numberValue"]))
            elif "boolValue" in uev:
                cell.value = ("b", bool(uev["boolValue"]))
            elif "formulaValue" in uev:
                cell.value = ("f", str(uev["formulaValue"]))
            elif "errorValue" in uev:
                cell.value = ("e", dict(uev["errorValue"]))
            else:
                cell.value = None
        if everything or "userEnteredFormat" in (mask or {}):
            sub = None if everything else (mask or {}).get("userEnteredFormat")
            fmt = copy.deepcopy(cell.fmt or {})
            apply_update(fmt, normalise_format(data.get("userEnteredFormat")), expand_color_mask(sub))
            cell.fmt = fmt or None
        if everything or "note" in (mask or {}):
            note = data.get("note")
            cell.note = note if note else None
        sheet.prune(r, c)

    def _cell_mask(self, body: dict[str, Any]) -> Mask | None:
        text = body.get("fields")
        if not text:
            raise bad_request("At least one field must be updated with 'fields'.")
        try:
            mask = parse_mask(text)
        except FieldMaskError:
            raise bad_request(f"Invalid field mask: {text}") from None
        allowed = {"*", "userEnteredValue", "userEnteredFormat", "note"}
        unsupported = set(mask) - allowed
        if unsupported:
            raise ApiError(501, f"fields {sorted(unsupported)} are not supported by the tpbis Sheets emulator.")
        return mask

    def _req_repeatCell(self, body: dict[str, Any], where: str) -> None:
        mask = self._cell_mask(body)
        b = self._grid_range(body.get("range") or {})
        data = body.get("cell") or {}
        for r in range(b.r0, b.r1):
            for c in range(b.c0, b.c1):
                self._apply_cell(b.sheet, r, c, data, mask)

    def _req_updateCells(self, body: dict[str, Any], where: str) -> None:
        mask = self._cell_mask(body)
        rows = body.get("rows") or []
        if body.get("range") is not None:
            b = self._grid_range(body["range"])
        elif body.get("start") is not None:
            start = body["start"]
            sheet = self._sheet(start.get("sheetId"))
            r0, c0 = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
            height = len(rows)
            width = max((len((row or {}).get("values") or []) for row in rows), default=0)
            b = self._grid_range({"sheetId": sheet.sheet_id, "startRowIndex": r0, "startColumnIndex": c0,
                                  "endRowIndex": r0 + max(height, 1), "endColumnIndex": c0 + max(width, 1)})
        else:
            raise bad_request("Either 'range' or 'start' must be set.")
        explicit = body.get("range") is not None
        for r in range(b.r0, b.r1):
            i = r - b.r0
            row_values = ((rows[i] or {}).get("values") or []) if i < len(rows) else []
            for c in range(b.c0, b.c1):
                j = c - b.c0
                if j < len(row_values):
                    self._apply_cell(b.sheet, r, c, row_values[j] or {}, mask)
                elif explicit:
                    self._apply_cell(b.sheet, r, c, {}, mask)

    def _dimension_range(self, rng: dict[str, Any]) -> tuple[Sheet, str, int, int]:
        sheet = self._sheet(rng.get("sheetId"))
        dimension = rng.get("dimension")
        if dimension not in ("ROWS", "COLUMNS"):
            raise bad_request("dimension must be ROWS or COLUMNS.")
        size = sheet.row_count if dimension == "ROWS" else sheet.col_count
        start = int(rng.get("startIndex") or 0)
        end = int(rng["endIndex"]) if rng.get("endIndex") is not None else size
        if start < 0 or end < start:
            raise bad_request("Invalid dimension range.")
        return sheet, dimension, start, end

    def _req_appendDimension(self, body: dict[str, Any], where: str) -> None:
        sheet = self._sheet(body.get("sheetId"))
        length = int(body.get("length") or 0)
        if length < 1:
            raise bad_request("length must be at least 1.")
        dimension = body.get("dimension")
        if dimension not in ("ROWS", "COLUMNS"):
            raise bad_request("dimension must be ROWS or COLUMNS.")
        self._resize(sheet, dimension, (sheet.row_count if dimension == "ROWS" else sheet.col_count) + length)

    def _req_insertDimension(self, body: dict[str, Any], where: str) -> None:
        sheet, dimension, start, end = self._dimension_range(body.get("range") or {})
        size = sheet.row_count if dimension == "ROWS" else sheet.col_count
        if start > size:
            raise bad_request(f"Range ({start}) exceeds grid limits.")
        sheet.insert(dimension, start, end - start)
        if self.total_cells() > MAX_CELLS:
            raise bad_request(f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells.")

    def _req_deleteDimension(self, body: dict[str, Any], where: str) -> None:
        sheet, dimension, start, end = self._dimension_range(body.get("range") or {})
        size = sheet.row_count if dimension == "ROWS" else sheet.col_count
        if end > size:
            raise bad_request(f"Range exceeds grid limits. Max {'rows' if dimension == 'ROWS' else 'columns'}: {size}")
        if start == 0 and end == size:
            raise bad_request("You can't delete all the rows on the sheet." if dimension == "ROWS"
                              else "You can't delete all the columns on the sheet.")
        sheet.delete(dimension, start, end)

    def _req_updateDimensionProperties(self, body: dict[str, Any], where: str) -> None:
        sheet, dimension, start, end = self._dimension_range(body.get("range") or {})
        mask_text = body.get("fields")
        if not mask_text:
            raise bad_request("At least one field must be updated with 'fields'.")
        mask = parse_mask(mask_text)
        props = body.get("properties") or {}
        meta = sheet.row_meta if dimension == "ROWS" else sheet.col_meta
        for i in range(start, end):
            current = dict(meta.get(i, {}))
            apply_update(current, props, mask)
            meta[i] = current

    def _req_setDataValidation(self, body: dict[str, Any], where: str) -> None:
        """Store (or with no ``rule``, clear) a rule on every cell of the range; strict rules refuse writes."""
        b = self._grid_range(body.get("range") or {})
        rule = body.get("rule")
        if rule is not None and not (rule.get("condition") or {}).get("type"):
            raise bad_request("condition.type is required.")
        for r in range(b.r0, b.r1):
            for c in range(b.c0, b.c1):
                if rule is None:
                    b.sheet.validation.pop((r, c), None)
                else:
                    b.sheet.validation[(r, c)] = copy.deepcopy(rule)

    def _check_validation(self, sheet: Sheet, row: int, col: int, value: tuple[str, Any] | None) -> None:
        rule = sheet.validation.get((row, col))
        if rule is None or not rule.get("strict") or value is None or _satisfies(rule.get("condition") or {}, value):
            return
        where = f"{column_letters(col)}{row + 1}"
        message = f"The data you entered in cell {where} violates the data validation rules set on this cell."
        condition = rule.get("condition") or {}
        if condition.get("type") == "ONE_OF_LIST":
            listed = ", ".join(str(v.get("userEnteredValue", "")) for v in condition.get("values") or [])
            message += f" Please enter one of the following values: {listed}."
        raise bad_request(message)

    def _req_addProtectedRange(self, body: dict[str, Any], where: str) -> dict[str, Any]:
        """Store a protected range (no editor is ever refused: the emulator has one user)."""
        protected = copy.deepcopy(body.get("protectedRange") or {})
        rng = protected.get("range") or {}
        b = self._grid_range(rng)
        protected["range"] = {k: v for k, v in (("sheetId", b.sheet.sheet_id), ("startRowIndex", rng.get("startRowIndex")),
                              ("endRowIndex", rng.get("endRowIndex")), ("startColumnIndex", rng.get("startColumnIndex")),
                              ("endColumnIndex", rng.get("endColumnIndex"))) if v is not None}
        protected["protectedRangeId"] = self.rng.randint(1, 2**31 - 1)
        protected.setdefault("requestingUserCanEdit", True)
        b.sheet.protected.append(protected)
        return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}

    def _req_duplicateSheet(self, body: dict[str, Any], where: str) -> dict[str, Any]:
        """Copy a tab (cells, formats, notes, metadata, validation) under a new title and id."""
        source = self._sheet(body.get("sourceSheetId"))
        title = body.get("newSheetName")
        if title is not None:
            title = self._check_title(title)
        else:
            n = 1
            while self.sheet_by_title(f"Copy of {source.title}" + (f" {n}" if n > 1 else "")):
                n += 1
            title = f"Copy of {source.title}" + (f" {n}" if n > 1 else "")
        new_id = body.get("newSheetId")
        if new_id is not None and self.sheet_by_id(int(new_id)) is not None:
            raise bad_request(f"A sheet with id {new_id} already exists.")
        if self.total_cells() + source.row_count * source.col_count > MAX_CELLS:
            raise bad_request(f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells.")
        twin = Sheet(sheet_id=self.new_sheet_id() if new_id is None else int(new_id), title=title)
        twin.restore(source.snapshot())
        twin.title, twin.protected = title, []
        index = body.get("insertSheetIndex")
        self.sheets.insert(len(self.sheets) if index is None else min(int(index), len(self.sheets)), twin)
        return {"duplicateSheet": {"properties": twin.properties(self.sheets.index(twin))}}

    def _req_createDeveloperMetadata(self, body: dict[str, Any], where: str) -> dict[str, Any]:
        """Store developer metadata on the spreadsheet, a sheet, or a row/column range."""
        meta = copy.deepcopy(body.get("developerMetadata") or {})
        if not meta.get("metadataKey"):
            raise bad_request("developer_metadata.metadata_key is required.")
        if not meta.get("visibility"):
            raise bad_request("developer_metadata.visibility is required.")
        location = meta.get("location") or {}
        if "sheetId" in location:
            self._sheet(location["sheetId"])
            location["locationType"] = "SHEET"
        elif "dimensionRange" in location:
            self._dimension_range(location["dimensionRange"])
            location["locationType"] = location["dimensionRange"]["dimension"][:-1]
        else:
            location = {"spreadsheet": True, "locationType": "SPREADSHEET"}
        meta["location"] = location
        used = {m["metadataId"] for m in self.developer_metadata}
        if meta.get("metadataId") is None:
            meta["metadataId"] = next(i for i in iter(lambda: self.rng.randint(1, 2**31 - 1), 0) if i not in used)
        elif meta["metadataId"] in used:
            raise bad_request(f"Developer metadata with ID {meta['metadataId']} already exists.")
        self.developer_metadata.append(meta)
        return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}

    def search_developer_metadata(self, filters: list[Any]) -> list[dict[str, Any]]:
        """``developerMetadata.search`` with ``developerMetadataLookup`` filters (key, id, value, visibility)."""
        found: list[dict[str, Any]] = []
        for data_filter in filters:
            lookup = (data_filter or {}).get("developerMetadataLookup")
            if lookup is None:
                raise ApiError(501, "developerMetadata.search with a range filter (a1Range/gridRange) is a Google "
                                    "API request the tpbis emulator does not implement.")
            for meta in self.developer_metadata:
                checks = (("metadataKey", "metadataKey"), ("metadataId", "metadataId"),
                          ("metadataValue", "metadataValue"), ("visibility", "visibility"))
                if all(lookup.get(k) is None or lookup[k] == meta.get(m) for k, m in checks) and meta not in [
                        f["developerMetadata"] for f in found]:
                    found.append({"developerMetadata": copy.deepcopy(meta), "dataFilters": [copy.deepcopy(data_filter)]})
        return found

    def _req_autoResizeDimensions(self, body: dict[str, Any], where: str) -> None:
        dims = body.get("dimensions") or {}
        self._dimension_range(dims)  # validated; sizes are a rendering concern

    def iter_values(self, sheet: Sheet) -> Iterator[tuple[int, int, Cell]]:
        """All stored cells of a sheet, row-major."""
        for r in sorted(sheet.cells):
            for c in sorted(sheet.cells[r]):
                yield r, c, sheet.cells[r][c]


#: Request kinds Google knows (from the discovery document) that the emulator does not perform.
_KNOWN_REQUESTS = frozenset({
    "addBanding", "addChart", "addConditionalFormatRule", "addDataSource", "addDimensionGroup", "addFilterView",
    "addNamedRange", "addProtectedRange", "addSlicer", "addTable", "appendCells", "autoFill", "clearBasicFilter",
    "copyPaste", "createDeveloperMetadata", "cutPaste", "deleteBanding", "deleteConditionalFormatRule",
    "deleteDataSource", "deleteDeveloperMetadata", "deleteDimensionGroup", "deleteDuplicates", "deleteEmbeddedObject",
    "deleteFilterView", "deleteNamedRange", "deleteProtectedRange", "deleteRange", "deleteTable", "duplicateFilterView",
    "duplicateSheet", "findReplace", "insertRange", "mergeCells", "moveDimension", "pasteData", "randomizeRange",
    "refreshDataSource", "setBasicFilter", "setDataValidation", "sortRange", "textToColumns", "trimWhitespace",
    "unmergeCells", "updateBanding", "updateBorders", "updateChartSpec", "updateConditionalFormatRule",
    "updateDataSource", "updateDeveloperMetadata", "updateDimensionGroup", "updateEmbeddedObjectBorder",
    "updateEmbeddedObjectPosition", "updateFilterView", "updateNamedRange", "updateProtectedRange", "updateSlicerSpec",
    "updateTable", "cancelDataSourceRefresh",
})
