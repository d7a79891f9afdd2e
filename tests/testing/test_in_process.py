"""The emulator in process: real gspread, the Sheets adapter and the Forms client with no socket and no thread."""

# The project convention is `assert expected == actual` (CONVENTIONS.md), which SIM300 calls Yoda.

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import gspread
import pytest
import requests
from gspread.utils import ValueInputOption

from discovery_tally import assert_valid
from tpbis.adapters.forms import FormsClient
from tpbis.adapters.sheets import RetryPolicy, open_spreadsheet
from tpbis.errors import RemoteError
from tpbis.testing import (
    EmulatorRequest,
    FaultRule,
    InProcessAdapter,
    SheetsEmulator,
    emulator_session,
    gspread_client,
)
from tpbis.testing._discovery import DiscoveryValidator


@pytest.fixture
def emu(discovery: DiscoveryValidator) -> Iterator[SheetsEmulator]:
    """An emulator that is never started; afterwards every body it saw must validate against discovery."""
    emulator = SheetsEmulator()
    yield emulator
    assert_valid(discovery, emulator.requests)


@pytest.fixture
def client(emu: SheetsEmulator) -> Iterator[gspread.Client]:
    """A real gspread client answered in process."""
    gc = gspread_client(emu)
    yield gc
    gc.http_client.session.close()


def _no_sleep(waits: list[float]) -> RetryPolicy:
    return RetryPolicy(sleep=waits.append, jitter=lambda: 0.0)


class TestGspreadInProcess:
    """gspread runs unchanged over the in-process adapter."""

    def test_round_trip_without_a_server(self, emu: SheetsEmulator, client: gspread.Client) -> None:
        """Writes and reads go through gspread and land in the emulator; no port was ever bound."""
        sid = emu.create_spreadsheet("Laporan", sheets={"Respons": [["Nama", "Jumlah"]]})
        ws = client.open_by_key(sid).worksheet("Respons")
        ws.update([["Desa Alang", 12]], "A2", value_input_option=ValueInputOption.raw)
        assert [["Nama", "Jumlah"], ["Desa Alang", 12]] == ws.get_all_values(value_render_option="UNFORMATTED_VALUE")
        assert [["Nama", "Jumlah"], ["Desa Alang", 12]] == emu.values(sid, "Respons")
        with pytest.raises(RuntimeError, match="not running"):
            _ = emu.port

    def test_create_through_drive(self, emu: SheetsEmulator, client: gspread.Client) -> None:
        """gspread's create (Drive files.create) and add_worksheet work in process."""
        sh = client.create("Laporan TPBIS")
        sh.add_worksheet("Skor KPI", rows=10, cols=5)
        assert ["Sheet1", "Skor KPI"] == emu.tabs(sh.id)
        assert ["drive.files.create", "sheets.spreadsheets.get", "sheets.spreadsheets.batchUpdate"] == [
            r.api_method for r in emu.requests]

    def test_error_is_gspread_api_error(self, emu: SheetsEmulator, client: gspread.Client) -> None:
        """A missing spreadsheet answers Google's 404, which gspread raises as SpreadsheetNotFound."""
        with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
            client.open_by_key("1" + "x" * 43)
        assert [404] == [r.status for r in emu.requests]


class TestFaultsInProcess:
    """Fault injection lives in the emulator, so it works without HTTP too."""

    def test_sheets_adapter_retries_injected_429(self, emu: SheetsEmulator) -> None:
        """Two 429s with Retry-After: 5 on batchGet are retried by the Sheets adapter, waiting 5 s each."""
        sid = emu.create_spreadsheet("Laporan", sheets={"Respons": [["a", "b"], [1, 2]]})
        emu.inject(FaultRule(status=429, retry_after=5, times=2, path_contains="values:batchGet"))
        waits: list[float] = []
        book = open_spreadsheet(sid, session=emu.session(), policy=_no_sleep(waits))
        tables = book.read(["Respons"])
        assert [[1, 2]] == tables["Respons"].rows
        assert [5.0, 5.0] == waits
        assert ["status 429", "status 429", None] == [r.fault for r in emu.requests if "batchGet" in r.path]

    def test_dropped_connection_raises_connection_error(self, emu: SheetsEmulator) -> None:
        """A dropped connection surfaces as requests.ConnectionError and is logged as a drop."""
        emu.inject(FaultRule(drop=True))
        with emu.session() as session, pytest.raises(requests.ConnectionError):
            session.get("https://sheets.googleapis.com/v4/spreadsheets/abc")
        assert ["drop"] == [r.fault for r in emu.requests]

    def test_forms_storm_is_remote_error(self, emu: SheetsEmulator) -> None:
        """The Forms client in process: a 503 storm ends, after every attempt, in RemoteError."""
        form_id = emu.forms.create("Laporan")
        emu.inject(FaultRule(status=503, times=100, path_contains="/v1/forms"))
        client = FormsClient(emu.session(), policy=RetryPolicy(attempts=3, sleep=lambda _: None))
        with pytest.raises(RemoteError, match="3"):
            client.get(form_id)
        assert 3 == emu.count("GET", "/v1/forms")


class TestServe:
    """serve() is the emulator: a request object in, a response object out."""

    def test_request_object_in_response_object_out(self, emu: SheetsEmulator) -> None:
        """A spreadsheets.create request object answers 200 with the new spreadsheet, and is logged."""
        body = json.dumps({"properties": {"title": "Laporan"}}).encode()
        answer = emu.serve(EmulatorRequest.from_url(
            "POST", "https://sheets.googleapis.com/v4/spreadsheets", {"Content-Type": "application/json"}, body))
        assert 200 == answer.status
        assert "Laporan" == answer.json()["properties"]["title"]
        assert [answer.json()["spreadsheetId"]] == emu.spreadsheet_ids()
        assert ["sheets.spreadsheets.create"] == [r.api_method for r in emu.requests]

    def test_unknown_path_is_googles_404(self, emu: SheetsEmulator) -> None:
        """A path no route knows answers Google's NOT_FOUND error body."""
        answer = emu.serve(EmulatorRequest.from_url("GET", "/v9/nothing"))
        assert (404, "NOT_FOUND") == (answer.status, answer.json()["error"]["status"])

    def test_http_and_in_process_answer_alike(self) -> None:
        """The same calls over HTTP and in process give the same bodies (same seed, same state)."""
        def calls(session: requests.Session) -> list[Any]:
            made = session.post("https://sheets.googleapis.com/v4/spreadsheets",
                                json={"properties": {"title": "t"}}).json()
            sid = made["spreadsheetId"]
            session.put(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/values/Sheet1!A1",
                        params={"valueInputOption": "USER_ENTERED"}, json={"values": [["=1+1", "2024-09-01"]]})
            read = session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/values/Sheet1",
                               params={"valueRenderOption": "UNFORMATTED_VALUE"})
            return [made, read.status_code, read.json()]

        with SheetsEmulator(seed=7) as over_http, emulator_session(over_http.base_url) as session:
            expected = calls(session)
        in_process = SheetsEmulator(seed=7)
        with in_process.session() as session:
            actual = calls(session)
        assert expected == actual
        assert [[2, 45536]] == actual[2]["values"]

    def test_adapter_is_a_requests_base_adapter(self, emu: SheetsEmulator) -> None:
        """The session's Google hosts are served by the in-process adapter."""
        with emu.session() as session:
            adapter = session.get_adapter("https://forms.googleapis.com/v1/forms")
        assert isinstance(adapter, InProcessAdapter)
        assert isinstance(adapter, requests.adapters.BaseAdapter)
