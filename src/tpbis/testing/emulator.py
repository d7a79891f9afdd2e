"""A local, Google-faithful emulator of Sheets v4, Drive v3 and the OAuth token endpoint.

It serves Google's own paths on one port (``/v4/spreadsheets/...``,
``/drive/v3/files...``, ``/token``), so a recorded request replays by swapping
only scheme and host, and real gspread / google-auth code runs against it over
real HTTP (see :func:`tpbis.testing.emulator_session`)::

    with SheetsEmulator() as emu:
        sid = emu.create_spreadsheet("Laporan", sheets={"Respons": [["a", "b"]]})
        emu.inject(FaultRule(status=429, retry_after=1, times=2, path_contains=":batchUpdate"))
        ...
        assert emu.values(sid, "Respons") == [["a", "b"]]

Run it standalone with ``python -m tpbis.testing.emulator --port 8765``.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import json
import random
import re
import socket
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tpbis.testing._a1 import quote_title
from tpbis.testing._fieldmask import FieldMaskError, parse_mask, project
from tpbis.testing._forms import FormsStore
from tpbis.testing._model import (
    ApiError,
    Sheet,
    Spreadsheet,
    bad_request,
    normalise_format,
    not_found,
    random_id,
)

__all__ = ["FaultRule", "RecordedRequest", "SheetsEmulator", "main"]

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"

_FAULT_MESSAGES = {
    429: ("Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' "
          "of service 'sheets.googleapis.com' for consumer 'project_number:0'.", "RESOURCE_EXHAUSTED"),
    500: ("Internal error encountered.", "INTERNAL"),
    502: ("Bad Gateway", "UNAVAILABLE"),
    503: ("The service is currently unavailable.", "UNAVAILABLE"),
    504: ("The request timed out.", "DEADLINE_EXCEEDED"),
}


@dataclass
class FaultRule:
    """Make matching requests fail: an HTTP error (with optional ``Retry-After``) or a dropped connection.

    Args:
        status: HTTP status to answer with (429, 500, 503, …); ignored when ``drop`` is set.
        retry_after: seconds to put in a ``Retry-After`` header.
        times: how many matching requests fail; afterwards the rule is spent.
        method: only requests with this HTTP method (any if ``None``).
        path_contains: only requests whose path (percent-decoded) contains this text.
        skip: let this many matching requests through before failing.
        drop: close the connection without sending any response.
    """

    status: int = 503
    retry_after: float | None = None
    times: int = 1
    method: str | None = None
    path_contains: str | None = None
    skip: int = 0
    drop: bool = False
    fired: int = field(default=0, init=False)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is in scope (regardless of remaining ``times``)."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path

    @property
    def spent(self) -> bool:
        """No failures left to inject."""
        return self.fired >= self.times


@dataclass
class RecordedRequest:
    """One request the emulator received and what it answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    response: Any = None
    api_method: str | None = None
    fault: str | None = None


# --- drive files ---------------------------------------------------------------


@dataclass
class _DriveFile:
    id: str
    name: str
    mime_type: str
    created: str
    modified: str
    parents: list[str] = field(default_factory=list)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    trashed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "drive#file",
            "id": self.id,
            "name": self.name,
            "mimeType": self.mime_type,
            "createdTime": self.created,
            "modifiedTime": self.modified,
            "parents": list(self.parents),
            "trashed": self.trashed,
        }


def _drive_not_found(file_id: str) -> ApiError:
    message = f"File not found: {file_id}."
    return ApiError(404, message, body={"error": {
        "code": 404,
        "message": message,
        "errors": [{"message": message, "domain": "global", "reason": "notFound",
                    "location": "fileId", "locationType": "parameter"}],
    }})


_Q_CLAUSE = re.compile(
    r"""^\s*(?:(?P<field>\w+)\s*(?P<op>=|!=|contains)\s*(?P<q1>['"])(?P<value>.*?)(?P=q1)"""
    r"""|(?P<q2>['"])(?P<parent>.*?)(?P=q2)\s+in\s+parents|parents\s+in\s+(?P<q3>['"])(?P<parent2>.*?)(?P=q3)"""
    r"""|trashed\s*=\s*(?P<trashed>true|false))\s*$""",
    re.IGNORECASE,
)


def _drive_query_matches(q: str, f: _DriveFile) -> bool:
    if not q.strip():
        return not f.trashed
    clauses = re.split(r"\s+and\s+", q, flags=re.IGNORECASE)
    wants_trashed: bool | None = None
    for clause in clauses:
        m = _Q_CLAUSE.match(clause)
        if m is None:
            raise ApiError(400, "Invalid Value", body={"error": {"code": 400, "message": "Invalid Value", "errors": [
                {"message": "Invalid Value", "domain": "global", "reason": "invalid", "location": "q",
                 "locationType": "parameter"}]}})
        if m.group("trashed"):
            wants_trashed = m.group("trashed").lower() == "true"
        elif m.group("parent") is not None or m.group("parent2") is not None:
            parent = m.group("parent") if m.group("parent") is not None else m.group("parent2")
            if parent not in f.parents:
                return False
        else:
            name, op, value = m.group("field"), m.group("op").lower(), m.group("value")
            actual = {"name": f.name, "mimeType": f.mime_type}.get(name)
            if actual is None:
                return False
            ok = actual == value if op == "=" else actual != value if op == "!=" else value in actual
            if not ok:
                return False
    return f.trashed == bool(wants_trashed)


# --- the emulator -----------------------------------------------------------------


class SheetsEmulator:
    """A Sheets v4 / Drive v3 / OAuth token server on ``127.0.0.1`` with an ephemeral port.

    State lives in memory per instance. Use as a context manager (or call
    :meth:`start` / :meth:`stop`). ``require_auth=True`` makes API requests
    without a token issued by ``/token`` fail with Google's 401.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, seed: int = 0, require_auth: bool = False) -> None:
        self._host = host
        self._port = port
        self._rng = random.Random(seed)
        self.require_auth = require_auth
        self._lock = threading.RLock()
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._files: dict[str, _DriveFile] = {}
        self._tokens: set[str] = set()
        self._faults: list[FaultRule] = []
        self._log: list[RecordedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._clock = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        #: Forms v1 state and test helpers (``tpbis.testing._forms``)
        self.forms = FormsStore(self)

    # lifecycle -------------------------------------------------------------------

    def start(self) -> SheetsEmulator:
        """Bind and serve in a background thread."""
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), _Handler)
        server.emulator = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="tpbis-sheets-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every open connection and join the threads."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()
        self._server = self._thread = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; use it as a context manager or call start()")
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``, the value for ``TPBIS_SHEETS_EMULATOR_HOST``."""
        return f"{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}"

    # request log and faults ---------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def count(self, method: str | None = None, path_contains: str | None = None) -> int:
        """How many logged requests match (token requests included)."""
        with self._lock:
            return sum(1 for r in self._log if (method is None or r.method == method.upper())
                       and (path_contains is None or path_contains in r.path))

    def clear_requests(self) -> None:
        """Forget the request log."""
        with self._lock:
            self._log.clear()

    def inject(self, rule: FaultRule) -> FaultRule:
        """Schedule a fault; rules are checked in the order they were injected."""
        with self._lock:
            self._faults.append(rule)
        return rule

    def clear_faults(self) -> None:
        """Remove all fault rules."""
        with self._lock:
            self._faults.clear()

    # seeding and inspection helpers -----------------------------------------------

    def _now(self) -> str:
        self._clock += dt.timedelta(milliseconds=17)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self._clock.microsecond // 1000:03d}Z"

    def _new_spreadsheet(self, title: str, *, locale: str = "en_US", time_zone: str = "Etc/GMT",
                         parents: Sequence[str] = ()) -> Spreadsheet:
        sid = random_id(self._rng)
        book = Spreadsheet(sid, title, self._rng, locale=locale, time_zone=time_zone)
        self._spreadsheets[sid] = book
        now = self._now()
        self._files[sid] = _DriveFile(sid, title, SPREADSHEET_MIME, now, now, list(parents))
        return book

    def create_spreadsheet(self, title: str = "Untitled spreadsheet", *,
                           sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                           time_zone: str = "Etc/GMT", locale: str = "en_US",
                           rows: int = 1000, cols: int = 26) -> str:
        """Create a spreadsheet directly (no HTTP); returns its id.

        ``sheets`` maps tab titles to rows of values, stored as ``RAW`` input
        would be (strings stay strings). Grids are at least ``rows`` × ``cols``.
        Without ``sheets`` the spreadsheet has one empty ``Sheet1`` like Google's.
        """
        with self._lock:
            book = self._new_spreadsheet(title, locale=locale, time_zone=time_zone)
            tabs = dict(sheets) if sheets else {"Sheet1": []}
            for index, (tab, data) in enumerate(tabs.items()):
                height = max(rows, len(data))
                width = max(cols, max((len(r) for r in data), default=0))
                book.add_sheet(tab, rows=height, cols=width, sheet_id=0 if index == 0 else None)
                if data:
                    book.write(f"{quote_title(tab)}!A1", [list(r) for r in data], "RAW", "ROWS")
            return book.id

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self._spreadsheets.get(spreadsheet_id)
        if book is None:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r} in this emulator")
        return book

    def _tab(self, spreadsheet_id: str, tab: str) -> tuple[Spreadsheet, Sheet]:
        book = self._book(spreadsheet_id)
        sheet = next((s for s in book.sheets if s.title == tab), None)
        if sheet is None:
            raise KeyError(f"no tab {tab!r} in spreadsheet {spreadsheet_id!r}")
        return book, sheet

    def spreadsheet_ids(self) -> list[str]:
        """Ids of all spreadsheets, in creation order."""
        with self._lock:
            return list(self._spreadsheets)

    def spreadsheet_properties(self, spreadsheet_id: str) -> dict[str, Any]:
        """``SpreadsheetProperties`` as the API returns them."""
        with self._lock:
            return self._book(spreadsheet_id).properties_json()

    def tabs(self, spreadsheet_id: str) -> list[str]:
        """Tab titles in order."""
        with self._lock:
            return [s.title for s in self._book(spreadsheet_id).sheets]

    def sheet_properties(self, spreadsheet_id: str, tab: str) -> dict[str, Any]:
        """``SheetProperties`` of a tab as the API returns them (``hidden``, ``gridProperties``, …)."""
        with self._lock:
            book, sheet = self._tab(spreadsheet_id, tab)
            return sheet.properties(book.sheets.index(sheet))

    def values(self, spreadsheet_id: str, tab: str, *, render: str = "UNFORMATTED_VALUE") -> list[list[Any]]:
        """A tab's values, trimmed as ``values.get`` trims them (default: unformatted, serial dates)."""
        with self._lock:
            book, sheet = self._tab(spreadsheet_id, tab)
            return list(book.read(quote_title(sheet.title), "ROWS", render, "SERIAL_NUMBER").get("values", []))

    def cell(self, spreadsheet_id: str, tab: str, row: int, col: int) -> dict[str, Any]:
        """``CellData`` of one cell (zero-based indices): values, formats, note."""
        with self._lock:
            book, sheet = self._tab(spreadsheet_id, tab)
            return book.cell_json(sheet, row, col)

    def cell_format(self, spreadsheet_id: str, tab: str, row: int, col: int) -> dict[str, Any]:
        """The cell's ``userEnteredFormat`` (empty if none)."""
        return dict(self.cell(spreadsheet_id, tab, row, col).get("userEnteredFormat", {}))

    def background_color(self, spreadsheet_id: str, tab: str, row: int, col: int) -> dict[str, float] | None:
        """The cell's user-entered background colour (float32-rounded, zero channels omitted), if set."""
        color = self.cell_format(spreadsheet_id, tab, row, col).get("backgroundColor")
        return dict(color) if color is not None else None

    def set_cell(self, spreadsheet_id: str, tab: str, row: int, col: int, value: Any = None, *,
                 fmt: Mapping[str, Any] | None = None, note: str | None = None) -> None:
        """Seed one cell directly (value stored as ``RAW`` input; a ``=…`` string stays text)."""
        with self._lock:
            book, sheet = self._tab(spreadsheet_id, tab)
            cell = sheet.writable(row, col)
            cell.value, _ = book._stored(value, "RAW")
            if fmt is not None:
                cell.fmt = normalise_format(dict(fmt)) or None
            if note is not None:
                cell.note = note or None
            sheet.row_count = max(sheet.row_count, row + 1)
            sheet.col_count = max(sheet.col_count, col + 1)
            sheet.prune(row, col)

    # Forms (tpbis.testing._forms) -----------------------------------------------------

    def submit_form_response(self, form_id: str, answers: Mapping[str, Any], *,
                             submitted_at: dt.datetime | None = None, email: str | None = None,
                             response_id: str | None = None) -> str:
        """Submit a response to a form as a respondent would (answers by question id); returns its id."""
        with self._lock:
            return self.forms.submit(form_id, answers, submitted_at=submitted_at, email=email,
                                     response_id=response_id)

    # HTTP dispatch -------------------------------------------------------------------

    def _pick_fault(self, method: str, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self._faults:
                if rule.spent or not rule.matches(method, path):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.fired += 1
                return rule
        return None

    def _record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    def handle(self, method: str, raw_path: str, query: dict[str, list[str]], headers: Mapping[str, str],
               body: Any) -> tuple[int, Any, dict[str, str], str | None]:
        """Answer one request: ``(status, json body or None, extra headers, api method id)``."""
        try:
            with self._lock:
                return self._dispatch(method, raw_path, query, headers, body)
        except ApiError as err:
            return err.code, err.to_json(), {}, None

    def _check_auth(self, headers: Mapping[str, str]) -> None:
        if not self.require_auth:
            return
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        if token not in self._tokens:
            if token:
                raise ApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                               "login cookie or other valid authentication credential. See "
                               "https://developers.google.com/identity/sign-in/web/devconsole-project.")
            raise ApiError(401, "Request is missing required authentication credential. Expected OAuth 2 access "
                           "token, login cookie or other valid authentication credential. See "
                           "https://developers.google.com/identity/sign-in/web/devconsole-project.")

    def _dispatch(self, method: str, raw_path: str, query: dict[str, list[str]], headers: Mapping[str, str],
                  body: Any) -> tuple[int, Any, dict[str, str], str | None]:
        if raw_path in ("/token", "/oauth2/v4/token"):
            return self._token(method, body)
        if raw_path.startswith("/v4/spreadsheets"):
            self._check_auth(headers)
            return self._sheets(method, raw_path[len("/v4/spreadsheets"):], query, body)
        if raw_path.startswith("/v1/forms"):
            self._check_auth(headers)
            return self.forms.handle(method, raw_path[len("/v1/forms"):], query, body)
        if raw_path.startswith("/drive/v3/files"):
            self._check_auth(headers)
            return self._drive(method, raw_path[len("/drive/v3/files"):], query, body)
        raise not_found()

    # OAuth ------------------------------------------------------------------------

    def _token(self, method: str, body: Any) -> tuple[int, Any, dict[str, str], str | None]:
        if method != "POST":
            return 405, {"error": "invalid_request", "error_description": "Only POST is allowed."}, {}, "oauth2.token"
        form = body if isinstance(body, dict) else {}
        grant = form.get("grant_type")
        if grant not in ("urn:ietf:params:oauth:grant-type:jwt-bearer", "refresh_token", "client_credentials",
                         "urn:ietf:params:oauth:grant-type:token-exchange"):
            return 400, {"error": "unsupported_grant_type", "error_description": f"Invalid grant_type: {grant or ''}"}, {}, "oauth2.token"
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer" and str(form.get("assertion", "")).count(".") != 2:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, {}, "oauth2.token"
        token = "ya29.emulator-" + "".join(self._rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(24))
        self._tokens.add(token)
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}, {}, "oauth2.token"

    # Drive --------------------------------------------------------------------------

    def _drive(self, method: str, rest: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any, dict[str, str], str | None]:
        fields = query["fields"][0] if query.get("fields") else None
        parts = [unquote(p) for p in rest.strip("/").split("/")] if rest.strip("/") else []
        if not parts:
            if method == "POST":
                return self._drive_create(body or {}, fields)
            if method == "GET":
                return self._drive_list(query, fields)
        elif len(parts) == 1:
            f = self._files.get(parts[0])
            if f is None or (f.trashed and method != "DELETE"):
                raise _drive_not_found(parts[0])
            if method == "GET":
                return 200, self._drive_fields(f.to_json(), fields, ("kind", "id", "name", "mimeType")), {}, "drive.files.get"
            if method == "DELETE":
                del self._files[f.id]
                self._spreadsheets.pop(f.id, None)
                return 204, None, {}, "drive.files.delete"
            if method == "PATCH":
                data = body or {}
                if data.get("name"):
                    f.name = str(data["name"])
                    if f.id in self._spreadsheets:
                        self._spreadsheets[f.id].title = f.name
                if "trashed" in data:
                    f.trashed = bool(data["trashed"])
                f.modified = self._now()
                return 200, self._drive_fields(f.to_json(), fields, ("kind", "id", "name", "mimeType")), {}, "drive.files.update"
        elif len(parts) >= 2 and parts[1] == "permissions":
            return self._drive_permissions(method, parts, body, fields)
        raise ApiError(404, "Not Found")

    def _drive_fields(self, resource: dict[str, Any], fields: str | None, default: Sequence[str]) -> dict[str, Any]:
        if not fields:
            return {k: resource[k] for k in default if k in resource}
        try:
            return dict(project(resource, parse_mask(fields)))
        except FieldMaskError:
            raise bad_request(f"Invalid field selection {fields}") from None

    def _drive_create(self, body: dict[str, Any], fields: str | None) -> tuple[int, Any, dict[str, str], str | None]:
        name = str(body.get("name") or "Untitled")
        mime = str(body.get("mimeType") or "application/octet-stream")
        parents = [str(p) for p in body.get("parents") or []]
        if mime == SPREADSHEET_MIME:
            book = self._new_spreadsheet(name, parents=parents)
            book.add_sheet("Sheet1", sheet_id=0)
            f = self._files[book.id]
        else:
            now = self._now()
            f = _DriveFile(random_id(self._rng, 33), name, mime, now, now, parents)
            self._files[f.id] = f
        return 200, self._drive_fields(f.to_json(), fields, ("kind", "id", "name", "mimeType")), {}, "drive.files.create"

    def _drive_list(self, query: dict[str, list[str]], fields: str | None) -> tuple[int, Any, dict[str, str], str | None]:
        q = (query.get("q") or [""])[0]
        size = int((query.get("pageSize") or ["100"])[0])
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        matched = [f for f in self._files.values() if _drive_query_matches(q, f)]
        page = matched[start:start + size]
        result: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                                  "files": [f.to_json() for f in page]}
        if start + size < len(matched):
            result["nextPageToken"] = str(start + size)
        if fields:
            result = self._drive_fields(result, fields, ())
        else:
            result["files"] = [{k: f[k] for k in ("kind", "id", "name", "mimeType")} for f in result["files"]]
        return 200, result, {}, "drive.files.list"

    def _drive_permissions(self, method: str, parts: list[str], body: Any, fields: str | None) -> tuple[int, Any, dict[str, str], str | None]:
        f = self._files.get(parts[0])
        if f is None:
            raise _drive_not_found(parts[0])
        default = ("kind", "id", "type", "role")
        if len(parts) == 2 and method == "GET":
            perms = [{"kind": "drive#permission", **p} for p in f.permissions]
            result = {"kind": "drive#permissionList", "permissions": perms}
            if fields:
                return 200, self._drive_fields(result, fields, ()), {}, "drive.permissions.list"
            result["permissions"] = [{k: p[k] for k in default if k in p} for p in perms]
            return 200, result, {}, "drive.permissions.list"
        if len(parts) == 2 and method == "POST":
            data = body or {}
            perm = {"id": str(self._rng.randint(10**19, 10**20 - 1)), "type": data.get("type", "user"),
                    "role": data.get("role", "reader")}
            for key in ("emailAddress", "domain", "allowFileDiscovery"):
                if key in data:
                    perm[key] = data[key]
            f.permissions.append(perm)
            return 200, self._drive_fields({"kind": "drive#permission", **perm}, fields, default), {}, "drive.permissions.create"
        if len(parts) == 3:
            found = next((p for p in f.permissions if p["id"] == parts[2]), None)
            if found is None:
                raise ApiError(404, f"Permission not found: {parts[2]}.")
            if method == "DELETE":
                f.permissions.remove(found)
                return 204, None, {}, "drive.permissions.delete"
            if method == "GET":
                return 200, self._drive_fields({"kind": "drive#permission", **found}, fields, default), {}, "drive.permissions.get"
        raise ApiError(404, "Not Found")

    # Sheets ------------------------------------------------------------------------

    def _touch(self, book: Spreadsheet) -> None:
        f = self._files.get(book.id)
        if f is not None:
            f.modified = self._now()

    def _sheets(self, method: str, rest: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any, dict[str, str], str | None]:
        def one(name: str, default: str | None = None) -> str | None:
            values = query.get(name)
            return values[0] if values else default

        if rest in ("", "/") and method == "POST":
            return 200, self._sheets_create(body or {}), {}, "sheets.spreadsheets.create"
        m = re.match(r"^/([^/:]+)(.*)$", rest)
        if m is None:
            raise not_found()
        book = self._spreadsheets.get(unquote(m.group(1)))
        tail = m.group(2)
        if book is None:
            raise not_found()
        data = body if isinstance(body, dict) else {}
        result: dict[str, Any]
        if tail == "" and method == "GET":
            include = (one("includeGridData", "false") or "false").lower() == "true"
            result = book.to_json(include_grid=include, ranges=[unquote(r) for r in query.get("ranges", [])],
                                  fields=one("fields"))
            return 200, result, {}, "sheets.spreadsheets.get"
        if tail == ":batchUpdate" and method == "POST":
            replies = book.batch_update(list(data.get("requests") or []))
            self._touch(book)
            result = {"spreadsheetId": book.id, "replies": replies}
            if data.get("includeSpreadsheetInResponse"):
                result["updatedSpreadsheet"] = book.to_json(include_grid=bool(data.get("responseIncludeGridData")),
                                                            ranges=data.get("responseRanges") or [])
            return 200, result, {}, "sheets.spreadsheets.batchUpdate"
        if tail == "/values:batchGet" and method == "GET":
            major = one("majorDimension", "ROWS") or "ROWS"
            ranges = query.get("ranges", [])
            result = {"spreadsheetId": book.id}
            if ranges:
                result["valueRanges"] = [book.read(unquote(r), major, one("valueRenderOption", "") or "",
                                                   one("dateTimeRenderOption", "") or "") for r in ranges]
            return 200, result, {}, "sheets.spreadsheets.values.batchGet"
        if tail == "/values:batchUpdate" and method == "POST":
            return 200, self._values_batch_update(book, data), {}, "sheets.spreadsheets.values.batchUpdate"
        if tail == "/values:batchClear" and method == "POST":
            cleared = [book.clear(str(r)) for r in data.get("ranges") or []]
            self._touch(book)
            return 200, {"spreadsheetId": book.id, "clearedRanges": cleared}, {}, "sheets.spreadsheets.values.batchClear"
        vm = re.match(r"^/values/(.+?)(:append|:clear)?$", tail)
        if vm is None:
            raise not_found()
        a1 = unquote(vm.group(1))
        verb = vm.group(2)
        if verb is None and method == "GET":
            result = book.read(a1, one("majorDimension", "ROWS") or "ROWS", one("valueRenderOption", "") or "",
                               one("dateTimeRenderOption", "") or "")
            return 200, result, {}, "sheets.spreadsheets.values.get"
        if verb is None and method == "PUT":
            option = one("valueInputOption")
            written = book.write(a1, data.get("values"), option, data.get("majorDimension"))
            self._touch(book)
            result = {"spreadsheetId": book.id, **_public(written)}
            if (one("includeValuesInResponse", "false") or "").lower() == "true":
                result["updatedData"] = book.read(written["updatedRange"], "ROWS",
                                                  one("responseValueRenderOption", "") or "",
                                                  one("responseDateTimeRenderOption", "") or "")
            return 200, result, {}, "sheets.spreadsheets.values.update"
        if verb == ":append" and method == "POST":
            appended = book.append(a1, data.get("values"), one("valueInputOption"), data.get("majorDimension"),
                                   one("insertDataOption"))
            self._touch(book)
            updates = {"spreadsheetId": book.id, **_public(appended["updates"])}
            if (one("includeValuesInResponse", "false") or "").lower() == "true":
                updates["updatedData"] = book.read(updates["updatedRange"], "ROWS",
                                                   one("responseValueRenderOption", "") or "",
                                                   one("responseDateTimeRenderOption", "") or "")
            result = {"spreadsheetId": book.id}
            if "tableRange" in appended:
                result["tableRange"] = appended["tableRange"]
            result["updates"] = updates
            return 200, result, {}, "sheets.spreadsheets.values.append"
        if verb == ":clear" and method == "POST":
            cleared_range = book.clear(a1)
            self._touch(book)
            return 200, {"spreadsheetId": book.id, "clearedRange": cleared_range}, {}, "sheets.spreadsheets.values.clear"
        raise not_found()

    def _sheets_create(self, body: dict[str, Any]) -> dict[str, Any]:
        props = body.get("properties") or {}
        book = self._new_spreadsheet(str(props.get("title") or "Untitled spreadsheet"),
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
        self._touch(book)
        result: dict[str, Any] = {"spreadsheetId": book.id}
        if cells:
            result.update({"totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols),
                           "totalUpdatedCells": cells, "totalUpdatedSheets": len(sheets)})
        if responses:
            result["responses"] = responses
        return result


def _public(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not k.startswith("_")}


# --- HTTP plumbing ---------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    emulator: SheetsEmulator

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self._workers: set[threading.Thread] = set()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self._connections.add(request)
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        with self._conn_lock:
            self._workers = {t for t in self._workers if t.is_alive()}
            self._workers.add(thread)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every keep-alive connection so its thread ends, then join them."""
        with self._conn_lock:
            conns = list(self._connections)
            workers = list(self._workers)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for worker in workers:
            worker.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer headers and body into one write, and don't wait for delayed ACKs (40 ms per request otherwise).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet; the emulator keeps its own log."""

    def _serve(self) -> None:
        emulator = self.server.emulator
        split = urlsplit(self.path)
        raw_path = split.path
        query = parse_qs(split.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        body: Any = None
        bad_json = False
        if raw:
            if ctype == "application/x-www-form-urlencoded":
                body = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
            else:
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    bad_json = True
        path = unquote(raw_path)
        rule = emulator._pick_fault(self.command, path)
        entry = RecordedRequest(self.command, raw_path, query, body, 0)
        if rule is not None and rule.drop:
            entry.fault = "drop"
            emulator._record(entry)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        extra: dict[str, str] = {}
        api_method: str | None = None
        if rule is not None:
            message, status_text = _FAULT_MESSAGES.get(rule.status, ("Fault injected.", "UNKNOWN"))
            status, payload = rule.status, {"error": {"code": rule.status, "message": message, "status": status_text}}
            if rule.retry_after is not None:
                extra["Retry-After"] = f"{rule.retry_after:g}"
            entry.fault = f"status {rule.status}"
        elif bad_json:
            status, payload = 400, ApiError(400, "Invalid JSON payload received.").to_json()
        else:
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload, extra, api_method = emulator.handle(self.command, raw_path, query, headers, body)
        entry.status, entry.response, entry.api_method = status, copy.deepcopy(payload), api_method
        emulator._record(entry)
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        if data:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator in the foreground until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tpbis.testing.emulator", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--require-auth", action="store_true", help="reject API requests without a /token token")
    args = parser.parse_args(argv)
    emulator = SheetsEmulator(host=args.host, port=args.port, require_auth=args.require_auth).start()
    print(f"tpbis Sheets emulator on {emulator.base_url}  (export TPBIS_SHEETS_EMULATOR_HOST={emulator.host})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
