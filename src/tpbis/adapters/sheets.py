"""Google Sheets as a workbook, through gspread's HTTP client and google-auth.

Request budget (see :mod:`tpbis.service.sync`): :meth:`SheetsWorkbook.info`
is one spreadsheet GET, :meth:`SheetsWorkbook.read` one ``values:batchGet``
(``UNFORMATTED_VALUE`` + ``SERIAL_NUMBER``: dates arrive as serial numbers,
never as locale text), :meth:`SheetsWorkbook.write` one ``:batchUpdate`` for
missing tabs (only when some are missing) plus one atomic ``:batchUpdate``
that resizes each tab and writes its cells with ``updateCells``. Values are
sent as typed ``userEnteredValue`` (the RAW equivalent: a title typed as
``=HYPERLINK(…)`` lands as text). A payload above :data:`PAYLOAD_LIMIT` bytes
is split into several ``:batchUpdate`` calls, row blocks in order, with the
state tab last.

Every request goes through :class:`RetryingHTTPClient`, gspread's client over
the transport the Forms client uses too (:mod:`tpbis.adapters._transport`):
408/429/5xx, timeouts and dropped connections are retried with exponential
backoff and full jitter, honouring ``Retry-After``, bounded in attempts and
total time; what is left maps to one tpbis exception the same way for both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

import gspread
import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.utils import extract_id_from_url

from tpbis.adapters._transport import (
    SHEETS,
    RetryingTransport,
    RetryPolicy,
    google_error,
    unreachable_error,
)
from tpbis.adapters.google import SHEETS_SCOPE, google_session, load_credentials
from tpbis.domain.rubric import Color
from tpbis.errors import AuthError, RemoteError, SourceError
from tpbis.parsing.table import Cell, Table
from tpbis.service.workbook import OutputTab, OutValue, WorkbookInfo

__all__ = [
    "PAYLOAD_LIMIT",
    "TRAFFIC_LIGHT",
    "RetryPolicy",
    "RetryingHTTPClient",
    "SheetsWorkbook",
    "open_spreadsheet",
    "spreadsheet_key",
]

#: Largest ``:batchUpdate`` body sent in one request (bytes of JSON). Google
#: documents no hard cap below 10 MB but recommends about 2 MB; 4 MB keeps a
#: 50,000-row sync in one atomic write and stays far from the limit.
PAYLOAD_LIMIT = 4_000_000

#: Light traffic-light fills (Google Sheets' own light green / yellow / red 2).
TRAFFIC_LIGHT = {
    Color.HIJAU: {"red": 0.7176471, "green": 0.88235295, "blue": 0.8039216},
    Color.KUNING: {"red": 0.9882353, "green": 0.9098039, "blue": 0.69803923},
    Color.MERAH: {"red": 0.95686275, "green": 0.78039217, "blue": 0.7647059},
}

_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{20,}$")
_CELL_FIELDS = "userEnteredValue,userEnteredFormat.backgroundColor,userEnteredFormat.textFormat.bold"


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client over the shared :class:`~tpbis.adapters._transport.RetryingTransport`.

    An error left after the retries is raised as gspread's ``APIError`` (with
    ``tpbis_attempts``), as gspread's own code expects; :class:`SheetsWorkbook`
    maps it with :func:`~tpbis.adapters._transport.google_error`.
    """

    def __init__(self, auth: Any, session: requests.Session | None = None) -> None:
        super().__init__(auth, session)
        self.transport = RetryingTransport()

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy (settable)."""
        return self.transport.policy

    @policy.setter
    def policy(self, value: RetryPolicy) -> None:
        self.transport.policy = value

    @property
    def sent(self) -> int:
        """Requests sent, retries included."""
        return self.transport.sent

    @property
    def retried(self) -> int:
        """Retries made."""
        return self.transport.retried

    def request(
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        """Send, retrying transient failures; raises ``APIError`` for an error left after the retries."""
        response, attempts = self.transport.send(lambda: self.session.request(
            method=method, url=endpoint, json=json, params=params, data=data, files=files, headers=headers,
            timeout=self.timeout,
        ))
        if response.ok:
            return response
        error = APIError(response)
        error.tpbis_attempts = attempts  # type: ignore[attr-defined]
        raise error


def spreadsheet_key(source: str) -> str:
    """The spreadsheet key in a URL, or ``source`` itself when it is a key.

    Raises:
        SourceError: ``source`` is neither.
    """
    text = source.strip()
    if "://" in text:
        try:
            return extract_id_from_url(text)
        except gspread.exceptions.NoValidUrlKeyFound:
            raise SourceError.from_catalogue("error.bad_spreadsheet", source=source) from None
    if _KEY_RE.match(text):
        return text
    raise SourceError.from_catalogue("error.bad_spreadsheet", source=source)


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _cell_json(value: OutValue, fill: Color | None, bold: bool) -> dict[str, Any]:
    cell: dict[str, Any] = {}
    if isinstance(value, bool):
        cell["userEnteredValue"] = {"boolValue": value}
    elif isinstance(value, int | float):
        cell["userEnteredValue"] = {"numberValue": value}
    elif value is not None and value != "":
        cell["userEnteredValue"] = {"stringValue": str(value)}
    if fill is not None or bold:
        fmt: dict[str, Any] = {}
        if fill is not None:
            fmt["backgroundColor"] = TRAFFIC_LIGHT[fill]
        if bold:
            fmt["textFormat"] = {"bold": True}
        cell["userEnteredFormat"] = fmt
    return cell


class SheetsWorkbook:
    """A Google spreadsheet behind the workbook port.

    Args:
        key: the spreadsheet key.
        http: a gspread HTTP client (normally a :class:`RetryingHTTPClient`).
        account: who the credentials are (named in a 403 message).
        payload_limit: largest ``:batchUpdate`` body in bytes.
    """

    def __init__(self, key: str, http: HTTPClient, *, account: str = "", payload_limit: int = PAYLOAD_LIMIT) -> None:
        self.key = key
        self.http = http
        self.account = account
        self.payload_limit = payload_limit
        self._sheet_ids: dict[str, int] = {}
        self._hidden: dict[str, bool] = {}

    # errors ------------------------------------------------------------------------

    def _call(self, step: str, fn: Callable[[], Any]) -> Any:
        from google.auth.exceptions import RefreshError, TransportError

        try:
            return fn()
        except APIError as err:
            reason = str(err.error.get("message", "")) if isinstance(err.error, dict) else str(err)
            raise google_error(SHEETS, step, err.response.status_code, reason, resource=self.key,
                               account=self.account, attempts=getattr(err, "tpbis_attempts", 1)) from None
        except (requests.ConnectionError, requests.Timeout) as err:
            raise unreachable_error(SHEETS, step, err) from None
        except (RefreshError, TransportError) as err:
            reason = str(err.args[0]) if err.args else type(err).__name__
            raise AuthError.from_catalogue("auth.refresh_failed", reason=reason[:200]) from None

    # the port ----------------------------------------------------------------------

    def info(self) -> WorkbookInfo:
        """One spreadsheet GET: title, time zone, tabs (and their ids)."""
        fields = "properties(title,timeZone),sheets.properties(sheetId,title,hidden)"
        meta = self._call("spreadsheets.get", lambda: self.http.fetch_sheet_metadata(self.key, {"fields": fields}))
        self._sheet_ids = {}
        self._hidden = {}
        for sheet in meta.get("sheets", []):
            props = sheet.get("properties", {})
            self._sheet_ids[props["title"]] = int(props.get("sheetId", 0))
            self._hidden[props["title"]] = bool(props.get("hidden", False))
        props = meta.get("properties", {})
        return WorkbookInfo(title=props.get("title", self.key), tabs=tuple(self._sheet_ids), timezone=props.get("timeZone"))

    def read(self, tabs: Sequence[str]) -> dict[str, Table]:
        """One ``values:batchGet`` of whole tabs, unformatted, dates as serial numbers."""
        if not self._sheet_ids:
            self.info()
        names = [t for t in tabs if t in self._sheet_ids]
        if not names:
            return {}
        params: dict[str, Any] = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS",
        }
        body = self._call(
            "values.batchGet", lambda: self.http.values_batch_get(self.key, [_quote(n) for n in names], params)
        )
        tables: dict[str, Table] = {}
        for name, value_range in zip(names, body.get("valueRanges", []), strict=False):
            values: list[list[Cell]] = value_range.get("values", [])
            header = tuple("" if h is None else str(h) for h in (values[0] if values else ()))
            tables[name] = Table(name=name, header=header, rows=values[1:])
        return tables

    def write(self, tabs: Sequence[OutputTab]) -> int:
        """Create missing tabs, then rewrite every tab whole; returns the number of requests."""
        if not self._sheet_ids:
            self.info()
        sent = 0
        missing = [tab for tab in tabs if tab.name not in self._sheet_ids]
        if missing:
            add = [{"addSheet": {"properties": {"title": tab.name, "hidden": tab.hidden}}} for tab in missing]
            try:
                reply = self._call("batchUpdate addSheet", lambda: self.http.batch_update(self.key, {"requests": add}))
            except RemoteError:
                # A dropped connection may have applied it: look again before failing.
                self.info()
                if any(tab.name not in self._sheet_ids for tab in missing):
                    raise
            else:
                for answer in reply.get("replies", []):
                    props = answer["addSheet"]["properties"]
                    self._sheet_ids[props["title"]] = int(props["sheetId"])
                    self._hidden[props["title"]] = bool(props.get("hidden", False))
            sent += 1
        for batch in self._batches(tabs):
            self._call("batchUpdate updateCells", lambda b=batch: self.http.batch_update(self.key, {"requests": b}))  # type: ignore[misc]
            sent += 1
        return sent

    def _batches(self, tabs: Sequence[OutputTab]) -> list[list[dict[str, Any]]]:
        """The write requests, split into bodies under the payload limit (order kept)."""
        batches: list[list[dict[str, Any]]] = [[]]
        size = 0
        for request, length in self._requests(tabs):
            if batches[-1] and size + length > self.payload_limit:
                batches.append([])
                size = 0
            batches[-1].append(request)
            size += length
        return batches

    def _requests(self, tabs: Sequence[OutputTab]) -> list[tuple[dict[str, Any], int]]:
        """Each tab's resize and its cells in row blocks of at most half the payload limit, with sizes."""
        out: list[tuple[dict[str, Any], int]] = []
        block_limit = max(self.payload_limit // 2, 1)
        for tab in tabs:
            sheet_id = self._sheet_ids[tab.name]
            grid = tab.grid()
            width = max(tab.width, 1)
            height = max(len(grid), 2)  # a frozen header needs one more row
            resize = {"updateSheetProperties": {
                "properties": {
                    "sheetId": sheet_id,
                    "hidden": tab.hidden,
                    "gridProperties": {"rowCount": height, "columnCount": width, "frozenRowCount": 1},
                },
                "fields": "hidden,gridProperties(rowCount,columnCount,frozenRowCount)",
            }}
            out.append((resize, len(json.dumps(resize))))
            fills = {(r + 1, c): color for r, c, color in tab.fills}
            start, size = 0, 0
            rows: list[dict[str, Any]] = []
            for r in range(height):
                row: dict[str, Any] = {}
                if r < len(grid):
                    row["values"] = [_cell_json(v, fills.get((r, c)), r == 0) for c, v in enumerate(grid[r])]
                length = len(json.dumps(row, separators=(",", ":"))) + 1
                if rows and size + length > block_limit:
                    out.append(self._cells(sheet_id, start, r, width, rows, size))
                    start, size, rows = r, 0, []
                rows.append(row)
                size += length
            out.append(self._cells(sheet_id, start, height, width, rows, size))
        return out

    @staticmethod
    def _cells(
        sheet_id: int, start: int, end: int, width: int, rows: list[dict[str, Any]], size: int
    ) -> tuple[dict[str, Any], int]:
        """One ``updateCells`` over rows ``start``…``end`` (cells beyond the data are cleared)."""
        request = {"updateCells": {
            "range": {"sheetId": sheet_id, "startRowIndex": start, "endRowIndex": end,
                      "startColumnIndex": 0, "endColumnIndex": width},
            "rows": rows,
            "fields": _CELL_FIELDS,
        }}
        return request, size + 200


def open_spreadsheet(
    source: str,
    *,
    credentials: str | None = None,
    policy: RetryPolicy | None = None,
    timeout: float = 120.0,
    session: requests.Session | None = None,
) -> SheetsWorkbook:
    """A :class:`SheetsWorkbook` for a spreadsheet URL or key.

    Uses :func:`tpbis.adapters.google.load_credentials` (service account,
    ADC, or the emulator when ``TPBIS_SHEETS_EMULATOR_HOST`` is set) with only
    the spreadsheets scope, unless a ready ``session`` is given (for instance
    one whose Google traffic an in-process emulator answers).

    Raises:
        SourceError: ``source`` is not a spreadsheet URL or key.
        AuthError: no usable credentials.
    """
    key = spreadsheet_key(source)
    if session is None:
        creds = load_credentials([SHEETS_SCOPE], credentials)
        session = google_session([SHEETS_SCOPE], credentials=creds)
    else:
        creds = getattr(session, "credentials", None)
    http = RetryingHTTPClient(None, session)
    if policy is not None:
        http.policy = policy
    http.set_timeout((10.0, timeout))
    account = str(getattr(creds, "service_account_email", "") or "")
    return SheetsWorkbook(key, http, account=account)
