"""Google behaviour beyond the cassettes: discovery-checked input, 501s, validation, metadata, publishing.

Driven through ``googleapiclient`` (Google's own discovery-based client, pointed at the emulator with
``client_options={"api_endpoint": ...}``) so the request shapes are Google's, not ours.
"""

# The project convention is `assert expected == actual` (CONVENTIONS.md), which SIM300 calls Yoda.

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tpbis.testing import SheetsEmulator

discovery = pytest.importorskip("googleapiclient.discovery")
errors = pytest.importorskip("googleapiclient.errors")
httplib2 = pytest.importorskip("httplib2")


def _service(emulator: SheetsEmulator, name: str, version: str, http: Any) -> Any:
    # api_endpoint replaces rootUrl *and* servicePath: Drive's paths are relative to /drive/v3/.
    endpoint = emulator.base_url + ("/drive/v3/" if name == "drive" else "")
    return discovery.build(name, version, http=http, static_discovery=True,
                           client_options={"api_endpoint": endpoint})


def _error(call: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(errors.HttpError) as caught:
        call.execute()
    return caught.value.resp.status, json.loads(caught.value.content)["error"]


@pytest.fixture
def http() -> Iterator[Any]:
    """One httplib2 connection pool, closed afterwards."""
    pool = httplib2.Http()
    yield pool
    pool.close()


@pytest.fixture
def sheets(emulator: SheetsEmulator, http: Any) -> Any:
    """googleapiclient's Sheets v4 service on the emulator."""
    return _service(emulator, "sheets", "v4", http).spreadsheets()


class TestGoogleApiClient:
    """A dozen common integrator calls through googleapiclient get Google's answers."""

    def test_common_calls(self, emulator: SheetsEmulator, sheets: Any, http: Any) -> None:
        """create, values update/get/append/batchGet/clear, batchUpdate kinds, metadata search, Drive get/copy."""
        book = sheets.create(body={"properties": {"title": "Laporan"}}).execute()
        sid = book["spreadsheetId"]
        values = sheets.values()
        values.update(spreadsheetId=sid, range="Sheet1!A1", valueInputOption="USER_ENTERED",
                      body={"values": [["Nama", "Jumlah"], ["A", "1200.5"]]}).execute()
        appended = values.append(spreadsheetId=sid, range="Sheet1!A1", valueInputOption="RAW",
                                 body={"values": [["B", 7]]}).execute()
        got = values.get(spreadsheetId=sid, range="Sheet1", valueRenderOption="UNFORMATTED_VALUE").execute()
        assert ("Sheet1!A1:B2", [["Nama", "Jumlah"], ["A", 1200.5], ["B", 7]]) == (
            appended["tableRange"], got["values"])
        replies = sheets.batchUpdate(spreadsheetId=sid, body={"requests": [
            {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 1,
                                      "endColumnIndex": 2},
                            "cell": {"userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}}},
                            "fields": "userEnteredFormat.numberFormat"}},
            {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "Salinan"}},
            {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "endRowIndex": 1},
                                                      "description": "header"}}},
            {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "tpbis", "metadataValue": "v1",
                                                               "location": {"sheetId": 0},
                                                               "visibility": "DOCUMENT"}}},
        ]}).execute()["replies"]
        assert ["Salinan", "header", "tpbis"] == [replies[1]["duplicateSheet"]["properties"]["title"],
                                                  replies[2]["addProtectedRange"]["protectedRange"]["description"],
                                                  replies[3]["createDeveloperMetadata"]["developerMetadata"]["metadataKey"]]
        formatted = values.batchGet(spreadsheetId=sid, ranges=["Sheet1!B2:B3", "Salinan!A1:B1"]).execute()
        assert [[["1,200.50"], ["7.00"]], [["Nama", "Jumlah"]]] == [r["values"] for r in formatted["valueRanges"]]
        found = sheets.developerMetadata().search(spreadsheetId=sid, body={"dataFilters": [
            {"developerMetadataLookup": {"metadataKey": "tpbis"}}]}).execute()
        assert ["v1"] == [m["developerMetadata"]["metadataValue"] for m in found["matchedDeveloperMetadata"]]
        values.clear(spreadsheetId=sid, range="Salinan", body={}).execute()
        assert "values" not in values.get(spreadsheetId=sid, range="Salinan").execute()
        drive = _service(emulator, "drive", "v3", http).files()
        copied = drive.copy(fileId=sid, body={"name": "Salinan laporan"}).execute()
        assert [["Nama", "Jumlah"], ["A", "1,200.50"], ["B", "7.00"]] == values.get(
            spreadsheetId=copied["id"], range="Sheet1").execute()["values"]
        meta = drive.get(fileId=sid, fields="createdTime,modifiedTime").execute()
        created = dt.datetime.fromisoformat(meta["createdTime"].replace("Z", "+00:00"))
        assert meta["modifiedTime"] > meta["createdTime"]
        assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=5)

    def test_forms_publish_through_googleapiclient(self, emulator: SheetsEmulator, http: Any) -> None:
        """A new form is unpublished; setPublishSettings publishes it; forms.get shows it."""
        forms = _service(emulator, "forms", "v1", http).forms()
        form = forms.create(body={"info": {"title": "Laporan"}}).execute()
        assert {"isPublished": False, "isAcceptingResponses": False} == form["publishSettings"]["publishState"]
        with pytest.raises(ValueError, match="not accepting responses"):
            emulator.submit_form_response(form["formId"], {})
        forms.setPublishSettings(formId=form["formId"], body={"publishSettings": {"publishState": {
            "isPublished": True, "isAcceptingResponses": True}}, "updateMask": "publishState"}).execute()
        assert {"isPublished": True, "isAcceptingResponses": True} == forms.get(
            formId=form["formId"]).execute()["publishSettings"]["publishState"]
        assert emulator.submit_form_response(form["formId"], {}).startswith("ACYDBN")


class TestRefusedInput:
    """What Google refuses with 400 INVALID_ARGUMENT, the emulator refuses the same way."""

    def test_values_not_a_list_of_lists(self, sheets: Any) -> None:
        """A flat values list is refused with Google's recorded ListValue message and field violation."""
        sid = sheets.create(body={}).execute()["spreadsheetId"]
        status, error = _error(sheets.values().update(spreadsheetId=sid, range="A1", valueInputOption="RAW",
                                                      body={"values": ["x"]}))
        message = "Invalid value at 'data.values[0]' (type.googleapis.com/google.protobuf.ListValue), \"x\""
        assert (400, "INVALID_ARGUMENT", message) == (status, error["status"], error["message"])
        assert [{"field": "data.values[0]", "description": message}] == error["details"][0]["fieldViolations"]

    def test_unknown_field_and_bad_enum(self, sheets: Any) -> None:
        """An unknown body field and an invalid enum in a batchUpdate are named, snake_case, like Google."""
        sid = sheets.create(body={}).execute()["spreadsheetId"]
        status, error = _error(sheets.batchUpdate(spreadsheetId=sid, body={"requests": [
            {"addSheet": {"properties": {"title": "x", "sheetType": "TABLE", "colour": 1}}}]}))
        assert 400 == status
        assert [
            "Invalid value at 'requests[0].add_sheet.properties.sheet_type' "
            "(type.googleapis.com/google.apps.sheets.v4.SheetType), \"TABLE\"",
            "Invalid JSON payload received. Unknown name \"colour\" at 'requests[0].add_sheet.properties': "
            "Cannot find field.",
        ] == error["message"].split("\n")

    def test_bad_query_enum(self, emulator: SheetsEmulator, http: Any) -> None:
        """An invalid valueInputOption gets Google's enum message."""
        sid = emulator.create_spreadsheet("t")
        response, content = http.request(f"{emulator.base_url}/v4/spreadsheets/{sid}/values/A1?valueInputOption=RAWW",
                                         "PUT", body=json.dumps({"values": [["a"]]}),
                                         headers={"Content-Type": "application/json"})
        assert (400, "Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4."
                     "ValueInputOption), \"RAWW\"") == (response.status, json.loads(content)["error"]["message"])


class TestDataValidation:
    """setDataValidation stores rules; a strict rule refuses a violating write with 400."""

    def test_strict_list_refuses_write(self, emulator: SheetsEmulator, sheets: Any) -> None:
        """A value outside a strict ONE_OF_LIST is refused and nothing is written; a listed one is accepted."""
        sid = emulator.create_spreadsheet("t")
        sheets.batchUpdate(spreadsheetId=sid, body={"requests": [{"setDataValidation": {
            "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 10, "startColumnIndex": 0, "endColumnIndex": 1},
            "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Ya"},
                                                                     {"userEnteredValue": "Tidak"}]},
                     "strict": True}}}]}).execute()
        status, error = _error(sheets.values().update(spreadsheetId=sid, range="A2", valueInputOption="USER_ENTERED",
                                                      body={"values": [["Mungkin"]]}))
        assert (400, "The data you entered in cell A2 violates the data validation rules set on this cell. "
                     "Please enter one of the following values: Ya, Tidak.") == (status, error["message"])
        sheets.values().update(spreadsheetId=sid, range="A2", valueInputOption="RAW",
                               body={"values": [["Ya"]]}).execute()
        assert [[], ["Ya"]] == emulator.values(sid, "Sheet1")


class TestNotImplemented:
    """Methods the emulator lacks answer 501 naming them, never a 404 that reads like a wrong id."""

    def test_unknown_sheets_method_is_501(self, emulator: SheetsEmulator, http: Any) -> None:
        """A path under an existing spreadsheet the emulator does not serve is UNIMPLEMENTED; a missing one 404."""
        sid = emulator.create_spreadsheet("t")
        response, content = http.request(f"{emulator.base_url}/v4/spreadsheets/{sid}:getByDataFilter", "POST",
                                          body="{}", headers={"Content-Type": "application/json"})
        missing, _ = http.request(f"{emulator.base_url}/v4/spreadsheets/nope:getByDataFilter", "POST", body="{}",
                                  headers={"Content-Type": "application/json"})
        error = json.loads(content)["error"]
        assert (501, "UNIMPLEMENTED", True, 404) == (response.status, error["status"],
                                                     ":getByDataFilter" in error["message"], missing.status)

    def test_unknown_drive_method_is_501(self, emulator: SheetsEmulator, http: Any) -> None:
        """Drive files.export is named in a 501."""
        sid = emulator.create_spreadsheet("t")
        response, content = http.request(f"{emulator.base_url}/drive/v3/files/{sid}/export?mimeType=x")
        assert (501, True) == (response.status, "export" in json.loads(content)["error"]["message"])


class TestEffectiveFormat:
    """Colours in effectiveFormat are the user's colour, not filled from the white default."""

    def test_red_background_keeps_zero_channels(self, emulator: SheetsEmulator, sheets: Any) -> None:
        """A pure red background reads back as {red: 1} in effectiveFormat, not white."""
        sid = emulator.create_spreadsheet("t", sheets={"Sheet1": [["x"]]})
        sheets.batchUpdate(spreadsheetId=sid, body={"requests": [{"repeatCell": {
            "range": {"sheetId": 0, "endRowIndex": 1, "endColumnIndex": 1},
            "cell": {"userEnteredFormat": {"backgroundColor": {"red": 1, "green": 0, "blue": 0}}},
            "fields": "userEnteredFormat.backgroundColor"}}]}).execute()
        got = sheets.get(spreadsheetId=sid, ranges=["A1"], includeGridData=True).execute()
        effective = got["sheets"][0]["data"][0]["rowData"][0]["values"][0]["effectiveFormat"]
        assert ({"red": 1}, {"rgbColor": {"red": 1}}) == (effective["backgroundColor"],
                                                          effective["backgroundColorStyle"])
