"""Sheets v4 ``spreadsheets`` and ``spreadsheets.values`` routes over the in-memory model (:mod:`._model`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from tpbis.testing._errors import ApiError, bad_request, not_found, not_implemented
from tpbis.testing._model import Spreadsheet
from tpbis.testing._state import EmulatorState
from tpbis.testing._wire import Call, Reply, Route, route

__all__ = ["SheetsApi"]

_BOOK = r"/v4/spreadsheets/(?P<id>[^/:]+)"
#: an A1 range in the path, not ending in a ``:verb``
_RANGE = r"/values/(?P<range>.+?)(?<!:append)(?<!:clear)"


class SheetsApi:
    """Spreadsheets: create, get, batchUpdate, and the values methods."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        """The Sheets routes, then Google's 404 for anything else under ``/v4/spreadsheets``."""
        return [
            route("POST", r"/v4/spreadsheets/?", self._create, api="sheets.spreadsheets.create"),
            route("GET", _BOOK, self._get, api="sheets.spreadsheets.get"),
            route("POST", _BOOK + r":batchUpdate", self._batch_update, api="sheets.spreadsheets.batchUpdate"),
            route("GET", _BOOK + r"/values:batchGet", self._values_batch_get, api="sheets.spreadsheets.values.batchGet"),
            route("POST", _BOOK + r"/values:batchUpdate",
                  lambda m, call: (200, self._values_batch_update(self._book(m), _data(call)), {},
                                   "sheets.spreadsheets.values.batchUpdate"),
                  api="sheets.spreadsheets.values.batchUpdate"),
            route("POST", _BOOK + r"/values:batchClear", self._values_batch_clear, api="sheets.spreadsheets.values.batchClear"),
            route("GET", _BOOK + _RANGE, self._values_get, api="sheets.spreadsheets.values.get"),
            route("PUT", _BOOK + _RANGE, self._values_update, api="sheets.spreadsheets.values.update"),
            route("POST", _BOOK + r"/values/(?P<range>.+?):append", self._values_append, api="sheets.spreadsheets.values.append"),
            route("POST", _BOOK + r"/values/(?P<range>.+?):clear", self._values_clear, api="sheets.spreadsheets.values.clear"),
            route("POST", _BOOK + r"/developerMetadata:search", self._metadata_search,
                  api="sheets.spreadsheets.developerMetadata.search"),
            route("GET", _BOOK + r"/developerMetadata/(?P<meta>\d+)", self._metadata_get),
            route(None, _BOOK + r"(?P<rest>[/:].*)", self._unknown),
            route(None, r"/v4/spreadsheets(?P<rest>/.*)?", self._unknown),
        ]

    def _book(self, match: re.Match[str]) -> Spreadsheet:
        book = self.state.spreadsheets.get(unquote(match["id"]))
        if book is None:
            raise not_found()
        return book

    def _unknown(self, match: re.Match[str], call: Call) -> Reply:
        """A missing spreadsheet is Google's 404; a method the emulator lacks on a real one is a 501 naming it."""
        if match.groupdict().get("id") is not None:
            self._book(match)
            raise not_implemented(f"Sheets {call.method} spreadsheets/{{id}}{unquote(match['rest'] or '')}")
        raise not_found()

    def _metadata_search(self, match: re.Match[str], call: Call) -> Reply:
        book = self._book(match)
        found = book.search_developer_metadata(list(_data(call).get("dataFilters") or []))
        result = {"matchedDeveloperMetadata": found} if found else {}
        return 200, result, {}, "sheets.spreadsheets.developerMetadata.search"

    def _metadata_get(self, match: re.Match[str], _call: Call) -> Reply:
        book = self._book(match)
        meta = next((m for m in book.developer_metadata if m["metadataId"] == int(match["meta"])), None)
        if meta is None:
            raise not_found()
        return 200, meta, {}, "sheets.spreadsheets.developerMetadata.get"

    def _create(self, _match: re.Match[str], call: Call) -> Reply:
        return 200, self._sheets_create(call.body or {}), {}, "sheets.spreadsheets.create"

    def _get(self, match: re.Match[str], call: Call) -> Reply:
        book = self._book(match)
        include = (call.one("includeGridData", "false") or "false").lower() == "true"
        result = book.to_json(include_grid=include, ranges=[unquote(r) for r in call.query.get("ranges", [])],
                              fields=call.one("fields"))
        return 200, result, {}, "sheets.spreadsheets.get"

    def _batch_update(self, match: re.Match[str], call: Call) -> Reply:
        book = self._book(match)
        data = _data(call)
        replies = book.batch_update(list(data.get("requests") or []))
        self.state.touch(book)
        result: dict[str, Any] = {"spreadsheetId": book.id, "replies": replies}
        if data.get("includeSpreadsheetInResponse"):
            result["updatedSpreadsheet"] = book.to_json(include_grid=bool(data.get("responseIncludeGridData")),
                                                        ranges=data.get("responseRanges") or [])
        return 200, result, {}, "sheets.spreadsheets.batchUpdate"

    def _values_batch_get(self, match: re.Match[str], call: Call) -> Reply:
        book = self._book(match)
        major = call.one("majorDimension", "ROWS") or "ROWS"
        ranges = call.query.get("ranges", [])
        result: dict[str, Any] = {"spreadsheetId": book.id}
        if ranges:
            result["valueRanges"] = [book.read(unquote(r), major, call.one("valueRenderOption", "") or "",
                                               call.one("dateTimeRenderOption", "") or "") for r in ranges]
        return 200, result, {}, "sheets.spreadsheets.values.batchGet"

    def _values_batch_clear(self, match: re.Match[str], call: Call) -> Reply:
        book = self._book(match)
        cleared = [book.clear(str(r)) for r in _data(call).get("ranges") or []]
        self.state.touch(book)
        return 200, {"spreadsheetId": book.id, "clearedRanges": cleared}, {}, "sheets.spreadsheets.values.batchClear"

    def _values_get(self, match: re.Match[str], call: Call) -> Reply:
        book = self._book(match)
        result = book.read(unquote(match["range"]), call.one("majorDimension", "ROWS") or "ROWS",
                           call.one("valueRenderOption", "") or "", call.one("dateTimeRenderOption", "") or "")
        return 200, result, {}, "sheets.spreadsheets.values.get"

    def _values_update(self, match: re.Match[str], call: Call) -> Reply:
        book = self._book(match)
        data = _data(call)
        written = book.write(unquote(match["range"]), data.get("values"), call.one("valueInputOption"),
                             data.get("majorDimension"))
        self.state.touch(book)
        result = {"spreadsheetId": book.id, **_public(written)}
        if (call.one("includeValuesInResponse", "false") or "").lower() == "true":
            result["updatedData"] = book.read(written["updatedRange"], "ROWS",
                                              call.one("responseValueRenderOption", "") or "",
                                              call.one("responseDateTimeRenderOption", "") or "")
        return 200, result, {}, "sheets.spreadsheets.values.update"

    def _values_append(self, match: re.Match[str], call: Call) -> Reply:
        book = self._book(match)
        data = _data(call)
        appended = book.append(unquote(match["range"]), data.get("values"), call.one("valueInputOption"),
                               data.get("majorDimension"), call.one("insertDataOption"))
        self.state.touch(book)
        updates = {"spreadsheetId": book.id, **_public(appended["updates"])}
        if (call.one("includeValuesInResponse", "false") or "").lower() == "true":
            updates["updatedData"] = book.read(updates["updatedRange"], "ROWS",
                                               call.one("responseValueRenderOption", "") or "",
                                               call.one("responseDateTimeRenderOption", "") or "")
        result: dict[str, Any] = {"spreadsheetId": book.id}
        if "tableRange" in appended:
            result["tableRange"] = appended["tableRange"]
        result["updates"] = updates
        return 200, result, {}, "sheets.spreadsheets.values.append"

    def _values_clear(self, match: re.Match[str], _call: Call) -> Reply:
        book = self._book(match)
        cleared_range = book.clear(unquote(match["range"]))
        self.state.touch(book)
        return 200, {"spreadsheetId": book.id, "clearedRange": cleared_range}, {}, "sheets.spreadsheets.values.clear"

    def _sheets_create(self, body: dict[str, Any]) -> dict[str, Any]:
        props = body.get("properties") or {}
        book = self.state.new_spreadsheet(str(props.get("title") or "Untitled spreadsheet"),
                                     locale=str(props.get("locale") or "en_US"),
                                     time_zone=str(props.get("timeZone") or "Etc/GMT"))
        sheets = body.get("sheets") or [{}]
        for i, entry in enumerate(sheets):
            sp = (entry or {}).get("properties") or {}
            grid = sp.get("gridProperties") or {}
            title = sp.get("title")
            if title is not None and book.sheet_by_title(str(title)):
                raise bad_request(f'A sheet with the name "{title}" already exists. Please enter another name.')
            book.add_sheet(None if title is None else str(title), rows=int(grid.get("rowCount", 1000)),
                           cols=int(grid.get("columnCount", 26)),
                           sheet_id=int(sp["sheetId"]) if sp.get("sheetId") is not None else (0 if i == 0 else None),
                           hidden=bool(sp.get("hidden", False)))
        return book.to_json()

    def _values_batch_update(self, book: Spreadsheet, data: dict[str, Any]) -> dict[str, Any]:
        option = data.get("valueInputOption")
        if not option:
            raise bad_request("'valueInputOption' is required but not specified")
        responses: list[dict[str, Any]] = []
        rows: set[tuple[int, int]] = set()
        cols: set[tuple[int, int]] = set()
        sheets: set[int] = set()
        cells = 0
        snapshot = {s.sheet_id: s.snapshot() for s in book.sheets}
        try:
            for entry in data.get("data") or []:
                written = book.write(str(entry.get("range", "")), entry.get("values"), option, entry.get("majorDimension"))
                response = {"spreadsheetId": book.id, **_public(written)}
                if data.get("includeValuesInResponse"):
                    response["updatedData"] = book.read(written["updatedRange"], "ROWS",
                                                        data.get("responseValueRenderOption") or "",
                                                        data.get("responseDateTimeRenderOption") or "")
                responses.append(response)
                if written.get("updatedCells"):
                    sid = written["_sheet"]
                    sheets.add(sid)
                    rows.update((sid, r) for r in written["_rows"])
                    cols.update((sid, c) for c in written["_cols"])
                    cells += written["updatedCells"]
        except ApiError:
            for s in book.sheets:
                s.restore(snapshot[s.sheet_id])
            raise
        self.state.touch(book)
        result: dict[str, Any] = {"spreadsheetId": book.id}
        if cells:
            result.update({"totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols),
                           "totalUpdatedCells": cells, "totalUpdatedSheets": len(sheets)})
        if responses:
            result["responses"] = responses
        return result


def _data(call: Call) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def _public(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not k.startswith("_")}
