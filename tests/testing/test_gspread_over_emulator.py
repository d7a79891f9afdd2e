"""Real gspread and google-auth code, over real HTTP, against the emulator."""

# The project convention is `assert expected == actual` (CONVENTIONS.md), which SIM300 calls Yoda.

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import gspread
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2 import service_account
from gspread.http_client import BackOffHTTPClient
from gspread.utils import DateTimeOption, ValueInputOption, ValueRenderOption

from tpbis.testing import (
    EMULATOR_HOST_ENV,
    FaultRule,
    SheetsEmulator,
    emulator_host_from_env,
    emulator_session,
    gspread_client,
)


@pytest.fixture
def client(emulator: SheetsEmulator) -> Iterator[gspread.Client]:
    """A gspread client whose Google traffic goes to the emulator."""
    gc = gspread_client(emulator.base_url)
    yield gc
    gc.http_client.session.close()


class TestWorkbookRoundTrip:
    """gspread's everyday calls behave against the emulator as against Google."""

    def test_create_and_add_worksheet(self, client: gspread.Client, emulator: SheetsEmulator) -> None:
        """A spreadsheet created through Drive gets Sheet1; add_worksheet adds a sized tab."""
        sh = client.create("Laporan TPBIS")
        ws = sh.add_worksheet("Skor KPI", rows=10, cols=5)
        assert ["Sheet1", "Skor KPI"] == emulator.tabs(sh.id)
        assert {"rowCount": 10, "columnCount": 5} == emulator.sheet_properties(sh.id, "Skor KPI")["gridProperties"]
        assert (10, 5) == (ws.row_count, ws.col_count)

    def test_raw_keeps_formula_text(self, client: gspread.Client, emulator: SheetsEmulator) -> None:
        """RAW stores ``=HYPERLINK(...)`` and ``"42"`` as text; nothing is parsed."""
        sid = emulator.create_spreadsheet("t")
        ws = client.open_by_key(sid).sheet1
        ws.update([['=HYPERLINK("http://x", "x")', "42", 7]], "A1", value_input_option=ValueInputOption.raw)
        assert [['=HYPERLINK("http://x", "x")', "42", 7]] == emulator.values(sid, "Sheet1")
        assert {"stringValue": '=HYPERLINK("http://x", "x")'} == emulator.cell(sid, "Sheet1", 0, 0)["userEnteredValue"]

    def test_user_entered_parses_like_google(self, client: gspread.Client, emulator: SheetsEmulator) -> None:
        """USER_ENTERED turns formulas, numbers, booleans and ISO dates into typed cells."""
        sid = emulator.create_spreadsheet("t")
        ws = client.open_by_key(sid).sheet1
        ws.update([['=HYPERLINK("http://x", "label")', "0042", "true", "2024-09-10", "=1/0"]], "A1",
                  value_input_option=ValueInputOption.user_entered)
        assert [["label", "42", "TRUE", "2024-09-10", "#DIV/0!"]] == ws.get_all_values()
        assert [["label", 42, True, 45545, "#DIV/0!"]] == emulator.values(sid, "Sheet1")
        formulas = ws.get("A1:B1", value_render_option=ValueRenderOption.formula)
        assert [['=HYPERLINK("http://x", "label")', 42]] == formulas

    def test_batch_get_unformatted_serial(self, client: gspread.Client, emulator: SheetsEmulator) -> None:
        """One values:batchGet returns every tab, numbers unformatted and dates as serials."""
        sid = emulator.create_spreadsheet("t", sheets={"Respons": [["Tanggal", "Peserta"]], "Registry": [["id"], ["desa-a"]]})
        sh = client.open_by_key(sid)
        sh.worksheet("Respons").update([["2024-09-10", "12"]], "A2", value_input_option=ValueInputOption.user_entered)
        emulator.clear_requests()
        got = sh.values_batch_get(["Respons", "Registry"], params={
            "valueRenderOption": ValueRenderOption.unformatted, "dateTimeRenderOption": DateTimeOption.serial_number})
        assert [
            {"range": "Respons!A1:Z1000", "majorDimension": "ROWS", "values": [["Tanggal", "Peserta"], [45545, 12]]},
            {"range": "Registry!A1:Z1000", "majorDimension": "ROWS", "values": [["id"], ["desa-a"]]},
        ] == got["valueRanges"]
        assert 1 == emulator.count()

    def test_batch_clear_keeps_formats(self, client: gspread.Client, emulator: SheetsEmulator) -> None:
        """batch_clear empties values in the ranges and leaves formats alone."""
        sid = emulator.create_spreadsheet("t", sheets={"S": [["a", "b", "c"], ["d", "e", "f"]]})
        emulator.set_cell(sid, "S", 0, 0, "a", fmt={"backgroundColor": {"red": 1}})
        ws = client.open_by_key(sid).worksheet("S")
        result = ws.batch_clear(["A1:B1", "C2"])
        assert ["S!A1:B1", "S!C2"] == result["clearedRanges"]
        assert [["", "", "c"], ["d", "e"]] == emulator.values(sid, "S")
        assert {"red": 1} == emulator.background_color(sid, "S", 0, 0)

    def test_format_colours_are_float32(self, client: gspread.Client, emulator: SheetsEmulator) -> None:
        """Background colours come back rounded to float32 and without zero channels."""
        sid = emulator.create_spreadsheet("t")
        ws = client.open_by_key(sid).sheet1
        ws.format("A2:B2", {"backgroundColor": {"red": 0.8, "green": 0.123456789, "blue": 0}})
        assert {"red": 0.8, "green": 0.12345679} == emulator.background_color(sid, "Sheet1", 1, 1)
        assert emulator.background_color(sid, "Sheet1", 0, 0) is None

    def test_hide_worksheet(self, client: gspread.Client, emulator: SheetsEmulator) -> None:
        """A tab can be hidden, but never the last visible one (Google's 400)."""
        sid = emulator.create_spreadsheet("t", sheets={"Respons": [], "_tpbis": []})
        sh = client.open_by_key(sid)
        sh.worksheet("_tpbis").hide()
        assert emulator.sheet_properties(sid, "_tpbis")["hidden"] is True
        with pytest.raises(gspread.exceptions.APIError) as caught:
            sh.worksheet("Respons").hide()
        assert "You can't hide all the sheets in a document." in str(caught.value)


class TestFaults:
    """Injected faults reach gspread exactly as Google's would."""

    def test_backoff_client_retries_429(self, emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
        """BackOffHTTPClient retries two 429s and the third attempt lands."""
        sleeps: list[float] = []
        monkeypatch.setattr("gspread.http_client.time.sleep", sleeps.append)
        sid = emulator.create_spreadsheet("t")
        gc = gspread_client(emulator.base_url, http_client=BackOffHTTPClient)
        try:
            ws = gc.open_by_key(sid).sheet1
            emulator.inject(FaultRule(status=429, retry_after=1, times=2, method="POST", path_contains=":batchUpdate"))
            ws.format("A1", {"backgroundColor": {"green": 1}})
        finally:
            gc.http_client.session.close()
        assert [2, 4] == sleeps
        assert 3 == emulator.count("POST", ":batchUpdate")
        assert {"green": 1} == emulator.background_color(sid, "Sheet1", 0, 0)

    def test_retry_after_header_and_body(self, emulator: SheetsEmulator) -> None:
        """A 429 carries Retry-After and a RESOURCE_EXHAUSTED body; the next request succeeds."""
        sid = emulator.create_spreadsheet("t")
        emulator.inject(FaultRule(status=429, retry_after=3, times=1))
        url = f"https://sheets.googleapis.com/v4/spreadsheets/{sid}"
        with emulator_session(emulator.base_url) as session:
            first = session.get(url)
            second = session.get(url)
        assert (429, "3", "RESOURCE_EXHAUSTED") == (first.status_code, first.headers["Retry-After"],
                                                    first.json()["error"]["status"])
        assert 200 == second.status_code

    @pytest.mark.parametrize(("status", "google_status"), [(500, "INTERNAL"), (503, "UNAVAILABLE")])
    def test_server_errors_are_google_shaped(self, emulator: SheetsEmulator, status: int, google_status: str) -> None:
        """5xx faults surface in gspread as APIError with Google's error body."""
        sid = emulator.create_spreadsheet("t")
        emulator.inject(FaultRule(status=status, path_contains="/values"))
        gc = gspread_client(emulator.base_url)
        try:
            ws = gc.open_by_key(sid).sheet1
            with pytest.raises(gspread.exceptions.APIError) as caught:
                ws.get_all_values()
        finally:
            gc.http_client.session.close()
        assert (status, google_status) == (caught.value.code, caught.value.error["status"])

    def test_dropped_connection(self, emulator: SheetsEmulator) -> None:
        """A dropped connection is a transport error, not an HTTP answer."""
        sid = emulator.create_spreadsheet("t")
        emulator.inject(FaultRule(drop=True, method="GET"))
        with emulator_session(emulator.base_url) as session, pytest.raises(requests.ConnectionError):
            session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}")
        assert "drop" == emulator.requests[-1].fault


class TestRequestBudget:
    """Large writes and reads cost a fixed number of requests."""

    def test_fifty_thousand_rows_round_trip(self, client: gspread.Client, emulator: SheetsEmulator) -> None:
        """50,000 rows go up in one values.update and come back in one batchGet."""
        sid = emulator.create_spreadsheet("t", sheets={"Skor KPI": []})
        sh = client.open_by_key(sid)
        rows = [[f"lib-{i}", i, i % 7 == 0, "=HYPERLINK(\"x\")"] for i in range(50_000)]
        emulator.clear_requests()
        sh.values_update("'Skor KPI'!A1", params={"valueInputOption": "RAW"}, body={"values": rows})
        got = sh.values_batch_get(["'Skor KPI'"], params={"valueRenderOption": "UNFORMATTED_VALUE"})
        assert rows == got["valueRanges"][0]["values"]
        assert [("PUT", 200), ("GET", 200)] == [(r.method, r.status) for r in emulator.requests]
        assert 50_000 == emulator.sheet_properties(sid, "Skor KPI")["gridProperties"]["rowCount"]


def _service_account_info(token_uri: str) -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {
        "type": "service_account",
        "project_id": "tpbis-test",
        "private_key_id": "0" * 40,
        "private_key": pem,
        "client_email": "tpbis@tpbis-test.iam.gserviceaccount.com",
        "client_id": "1" * 21,
        "token_uri": token_uri,
    }


class TestServiceAccount:
    """google-auth's service-account flow gets its token from the emulator."""

    def test_token_then_gspread(self, tmp_path: Path) -> None:
        """Credentials from a key file obtain a token at <emulator>/token and gspread uses it."""
        with SheetsEmulator(require_auth=True) as emu:
            key_file = tmp_path / "sa.json"
            key_file.write_text(json.dumps(_service_account_info(f"{emu.base_url}/token")))
            creds = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(key_file), scopes=["https://www.googleapis.com/auth/spreadsheets"])
            sid = emu.create_spreadsheet("t", sheets={"Respons": [["a"]]})
            gc = gspread_client(emu.base_url, credentials=creds)
            try:
                values = gc.open_by_key(sid).worksheet("Respons").get_all_values()
            finally:
                gc.http_client.session.close()
            token_calls = [r for r in emu.requests if r.path == "/token"]
            assert [["a"]] == values
            assert 1 == len(token_calls)
            assert "urn:ietf:params:oauth:grant-type:jwt-bearer" == token_calls[0].body["grant_type"]
            assert creds.token.startswith("ya29.emulator-")

    def test_missing_token_is_401(self) -> None:
        """With require_auth, a request without a bearer token gets Google's 401."""
        with SheetsEmulator(require_auth=True) as emu, emulator_session(emu.base_url) as session:
            sid = emu.create_spreadsheet("t")
            response = session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}")
        assert (401, "UNAUTHENTICATED") == (response.status_code, response.json()["error"]["status"])


class TestEnvironment:
    """The lead's adapter finds a running emulator through the environment."""

    def test_host_from_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """TPBIS_SHEETS_EMULATOR_HOST is returned as host:port."""
        monkeypatch.setenv(EMULATOR_HOST_ENV, "127.0.0.1:8765")
        assert "127.0.0.1:8765" == emulator_host_from_env()

    def test_host_unset(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """No variable, no emulator."""
        monkeypatch.delenv(EMULATOR_HOST_ENV, raising=False)
        assert emulator_host_from_env() is None

    def test_session_accepts_host(self, emulator: SheetsEmulator) -> None:
        """emulator_session takes the bare host:port the variable holds."""
        with emulator_session(emulator.host) as session:
            response = session.get("https://www.googleapis.com/drive/v3/files",
                                   params={"q": 'mimeType="application/vnd.google-apps.spreadsheet"'})
        assert {"kind": "drive#fileList", "incompleteSearch": False, "files": []} == response.json()
