"""Emulator behaviour the cassettes do not cover, checked over raw HTTP."""

# The project convention is `assert expected == actual` (CONVENTIONS.md), which SIM300 calls Yoda.

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import tpbis.testing
from tpbis.testing import FaultRule, SheetsEmulator, emulator_session
from tpbis.testing._a1 import format_range, parse_a1, quote_title
from tpbis.testing._cells import f32, format_number
from tpbis.testing._discovery import DiscoveryValidator

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"


@pytest.fixture
def http(emulator: SheetsEmulator) -> Iterator[requests.Session]:
    """A requests session routed to the emulator."""
    with emulator_session(emulator.base_url) as session:
        yield session


def batch(http: requests.Session, sid: str, *requests_: dict[str, Any]) -> requests.Response:
    """POST a spreadsheets.batchUpdate."""
    return http.post(f"{SHEETS}/{sid}:batchUpdate", json={"requests": list(requests_)})


class TestExports:
    """tpbis.testing re-exports exactly its public names."""

    def test_all_matches_public_names(self) -> None:
        """__all__ is sorted and lists every public attribute except submodules."""
        public = {n for n in dir(tpbis.testing) if not n.startswith("_")}
        assert sorted(tpbis.testing.__all__) == tpbis.testing.__all__
        assert set(tpbis.testing.__all__) == public - {"builders", "emulator"}


class TestA1:
    """A1 notation is parsed and rendered as Google does."""

    def test_quote_title(self) -> None:
        """Plain titles stay bare; spaces, quotes and cell-like titles are quoted."""
        assert ["Sheet1", "'Skor KPI'", "'It''s'", "'A1'"] == [quote_title(t) for t in ("Sheet1", "Skor KPI", "It's", "A1")]

    def test_round_trip(self) -> None:
        """A quoted title with an escaped quote and a reversed range normalise."""
        parsed = parse_a1("'It''s'!B2:A1")
        assert "'It''s'!A1:B2" == format_range("It's", parsed.start_row or 0, parsed.start_col or 0,
                                               parsed.end_row or 0, parsed.end_col or 0)

    def test_float32(self) -> None:
        """Colours are float32: 0.8 stays 0.8, extra precision is dropped."""
        assert [0.8, 0.12345679, 1.0] == [f32(0.8), f32(0.123456789), f32(1.0)]

    def test_number_formats(self) -> None:
        """Dates, percentages and plain numbers render like the Sheets UI."""
        assert ["2024-09-10", "12%", "0.3333333333", "42"] == [
            format_number(45545, {"type": "DATE", "pattern": "yyyy-mm-dd"}),
            format_number(0.12, {"type": "PERCENT", "pattern": "0%"}),
            format_number(1 / 3, None),
            format_number(42.0, None),
        ]


class TestValues:
    """values.* endpoints."""

    def test_columns_major_dimension(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """majorDimension=COLUMNS transposes reads and writes."""
        sid = emulator.create_spreadsheet("t", sheets={"S": [["a", "b"], ["c"]]})
        got = http.get(f"{SHEETS}/{sid}/values/S!A1:B2", params={"majorDimension": "COLUMNS"}).json()
        assert [["a", "c"], ["b"]] == got["values"]

    def test_read_beyond_grid(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """Reading past the grid is Google's 400 "exceeds grid limits"."""
        sid = emulator.create_spreadsheet("t")
        response = http.get(f"{SHEETS}/{sid}/values/Sheet1!A1001")
        assert 400 == response.status_code
        assert "exceeds grid limits. Max rows: 1000, max columns: 26" in response.json()["error"]["message"]

    def test_write_past_explicit_range(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """Data larger than an explicit range is rejected, naming the first column outside."""
        sid = emulator.create_spreadsheet("t")
        response = http.put(f"{SHEETS}/{sid}/values/Sheet1!A1:B1", params={"valueInputOption": "RAW"},
                            json={"values": [["a", "b", "c"]]})
        assert "Requested writing within range [Sheet1!A1:B1], but tried writing to column [C]" == response.json()["error"]["message"]

    def test_missing_value_input_option(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """valueInputOption is required."""
        sid = emulator.create_spreadsheet("t")
        response = http.put(f"{SHEETS}/{sid}/values/Sheet1!A1", json={"values": [["a"]]})
        assert (400, "'valueInputOption' is required but not specified") == (
            response.status_code, response.json()["error"]["message"])

    def test_append_insert_rows(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """INSERT_ROWS pushes rows below the table down; the response names the table."""
        sid = emulator.create_spreadsheet("t", sheets={"S": [["h"], ["1"], [], ["below"]]})
        got = http.post(f"{SHEETS}/{sid}/values/S!A1:append", params={
            "valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, json={"values": [["2"]]}).json()
        assert ("S!A1:A2", "S!A3") == (got["tableRange"], got["updates"]["updatedRange"])
        assert [["h"], ["1"], ["2"], [], ["below"]] == emulator.values(sid, "S")

    def test_batch_update_totals(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """values:batchUpdate totals count distinct rows, columns and sheets."""
        sid = emulator.create_spreadsheet("t", sheets={"A": [], "B": []})
        got = http.post(f"{SHEETS}/{sid}/values:batchUpdate", json={"valueInputOption": "RAW", "data": [
            {"range": "A!A1", "values": [["x", "y"]]}, {"range": "B!A1", "values": [["z"], ["w"]]}]}).json()
        assert (3, 3, 4, 2) == (got["totalUpdatedRows"], got["totalUpdatedColumns"], got["totalUpdatedCells"],
                                got["totalUpdatedSheets"])


class TestBatchUpdate:
    """spreadsheets.batchUpdate requests."""

    def test_unknown_request_is_400(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """An unknown request kind is rejected like Google's JSON parser does."""
        sid = emulator.create_spreadsheet("t")
        response = batch(http, sid, {"frobnicate": {}})
        assert (400, "INVALID_ARGUMENT") == (response.status_code, response.json()["error"]["status"])
        assert "Unknown name \"frobnicate\"" in response.json()["error"]["message"]

    def test_batch_is_atomic(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """When one request fails nothing in the batch is applied."""
        sid = emulator.create_spreadsheet("t")
        response = batch(http, sid, {"addSheet": {"properties": {"title": "New"}}}, {"deleteSheet": {"sheetId": 99}})
        assert (400, "Invalid requests[1].deleteSheet: No grid with id: 99") == (
            response.status_code, response.json()["error"]["message"])
        assert ["Sheet1"] == emulator.tabs(sid)

    def test_update_cells_beyond_grid(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """updateCells outside the grid is a 400, as Google answers."""
        sid = emulator.create_spreadsheet("t", rows=2, cols=3)
        response = batch(http, sid, {"updateCells": {
            "range": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 3},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}], "fields": "userEnteredValue"}})
        assert "Invalid requests[0].updateCells: Range (Sheet1!A3:C3) exceeds grid limits. Max rows: 2, max columns: 3" == (
            response.json()["error"]["message"])

    def test_dimensions(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """appendDimension, insertDimension and deleteDimension move data and resize the grid."""
        sid = emulator.create_spreadsheet("t", sheets={"S": [["a"], ["b"]]}, rows=2, cols=1)
        response = batch(http, sid,
                         {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 3}},
                         {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}},
                         {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}})
        assert 200 == response.status_code
        assert [[], ["b"]] == emulator.values(sid, "S")
        assert 5 == emulator.sheet_properties(sid, "S")["gridProperties"]["rowCount"]

    def test_repeat_cell_colour_and_grid_data(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """repeatCell colours read back through includeGridData with Google's *Style twin."""
        sid = emulator.create_spreadsheet("t")
        batch(http, sid, {"repeatCell": {"range": {"sheetId": 0, "endRowIndex": 1, "endColumnIndex": 1},
                                         "cell": {"userEnteredFormat": {"backgroundColor": {"red": 0.8}}},
                                         "fields": "userEnteredFormat.backgroundColor"}})
        got = http.get(f"{SHEETS}/{sid}", params={"ranges": "Sheet1!A1",
                                                  "fields": "sheets(data(rowData(values(userEnteredFormat))))"}).json()
        assert {"sheets": [{"data": [{"rowData": [{"values": [{"userEnteredFormat": {
            "backgroundColor": {"red": 0.8}, "backgroundColorStyle": {"rgbColor": {"red": 0.8}}}}]}]}]}]} == got


class TestSpreadsheets:
    """spreadsheets.create and get."""

    def test_create_with_tabs(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """spreadsheets.create honours title, time zone and tab sizes; the first tab gets id 0."""
        got = http.post(SHEETS, json={"properties": {"title": "Laporan", "timeZone": "Asia/Jakarta"}, "sheets": [
            {"properties": {"title": "Respons", "gridProperties": {"rowCount": 5, "columnCount": 3}}},
            {"properties": {"title": "_tpbis", "hidden": True}}]}).json()
        assert ("Laporan", "Asia/Jakarta") == (got["properties"]["title"], got["properties"]["timeZone"])
        assert [(0, "Respons", 5, 3, False), (got["sheets"][1]["properties"]["sheetId"], "_tpbis", 1000, 26, True)] == [
            (p["sheetId"], p["title"], p["gridProperties"]["rowCount"], p["gridProperties"]["columnCount"],
             p.get("hidden", False)) for p in (s["properties"] for s in got["sheets"])]

    def test_missing_spreadsheet(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """An unknown id is Google's 404 body."""
        response = http.get(f"{SHEETS}/nope")
        assert (404, {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}) == (
            response.status_code, response.json())


class TestServer:
    """Server plumbing: OAuth, faults, shutdown."""

    def test_token_endpoint(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """Any JWT-bearer grant gets a Bearer token valid for 3599 s."""
        got = http.post("https://oauth2.googleapis.com/token", data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "a.b.c"}).json()
        assert (3599, "Bearer") == (got["expires_in"], got["token_type"])

    def test_fault_skip_and_times(self, emulator: SheetsEmulator, http: requests.Session) -> None:
        """A rule lets `skip` requests through, fails `times`, then is spent."""
        sid = emulator.create_spreadsheet("t")
        emulator.inject(FaultRule(status=500, skip=1, times=2, method="GET"))
        codes = [http.get(f"{SHEETS}/{sid}").status_code for _ in range(4)]
        assert [200, 500, 500, 200] == codes

    def test_stop_with_open_keepalive_connection(self) -> None:
        """Stopping while a client keeps a connection open neither hangs nor leaks."""
        emu = SheetsEmulator().start()
        session = emulator_session(emu.base_url)
        assert 404 == session.get(f"{SHEETS}/missing").status_code
        emu.stop()
        session.close()

    def test_discovery_rejects_unknown_property(self, discovery: DiscoveryValidator) -> None:
        """The validator flags property names Google does not know."""
        assert ["ValueRange.value: unknown property"] == discovery.validate_response(
            "sheets.spreadsheets.values.get", {"range": "A1", "value": []})

    def test_command_line(self) -> None:
        """``python -m tpbis.testing.emulator --port 0`` serves until interrupted."""
        src = Path(tpbis.testing.__file__).resolve().parents[2]
        env = {**os.environ, "PYTHONPATH": str(src)}
        proc = subprocess.Popen([sys.executable, "-m", "tpbis.testing.emulator", "--port", "0"],
                                stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            host = line.split("TPBIS_SHEETS_EMULATOR_HOST=")[1].strip(" )\n")
            with emulator_session(host) as session:
                status = session.get("https://sheets.googleapis.com/v4/spreadsheets/none").status_code
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            if proc.stdout is not None:
                proc.stdout.close()
        assert 404 == status
