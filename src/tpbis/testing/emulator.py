"""A local, Google-faithful emulator of Sheets v4, Drive v3 and the OAuth token endpoint.

It serves Google's own paths on one port (``/v4/spreadsheets/...``,
``/drive/v3/files...``, ``/token``), so a recorded request replays by swapping
only scheme and host, and real gspread / google-auth code runs against it over
real HTTP (see :func:`tpbis.testing.emulator_session`) or in process, without
a socket (see :meth:`SheetsEmulator.session`)::

    with SheetsEmulator() as emu:
        sid = emu.create_spreadsheet("Laporan", sheets={"Respons": [["a", "b"]]})
        emu.inject(FaultRule(status=429, retry_after=1, times=2, path_contains=":batchUpdate"))
        ...
        assert emu.values(sid, "Respons") == [["a", "b"]]

The emulator is one function, :meth:`SheetsEmulator.serve`: an
:class:`~tpbis.testing.EmulatorRequest` in, an
:class:`~tpbis.testing.EmulatorResponse` out. It picks faults, routes the
request through one table (method + path pattern → handler) built from the
OAuth, Drive, Sheets and Forms modules, and logs it. The HTTP server
(:mod:`._http`) and the in-process ``requests`` adapter (:mod:`._inprocess`)
are thin shells over it.

Run it standalone with ``python -m tpbis.testing.emulator --port 8765``.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from tpbis.testing._a1 import quote_title
from tpbis.testing._discovery import google_validator, invalid_argument
from tpbis.testing._drive import DriveApi
from tpbis.testing._errors import ApiError, not_found
from tpbis.testing._forms import FormsStore
from tpbis.testing._http import EmulatorServer
from tpbis.testing._model import Sheet, Spreadsheet, normalise_format
from tpbis.testing._oauth import OAuthApi
from tpbis.testing._quota import Quota
from tpbis.testing._sheets import SheetsApi
from tpbis.testing._state import FOLDER_MIME, FORM_MIME, SPREADSHEET_MIME, EmulatorState
from tpbis.testing._wire import Call, EmulatorRequest, EmulatorResponse, Reply, RouteTable

if TYPE_CHECKING:
    import requests

__all__ = ["KNOWN_DIFFERENCES", "FaultRule", "RecordedRequest", "SheetsEmulator", "main"]

#: Where the emulator knowingly differs from Google (printed with the conformance report).
KNOWN_DIFFERENCES = (
    "Input validation: enum type names in 400 messages are derived from field names "
    "(google.apps.sheets.v4.<FieldName>); the body prefix 'data.' is used for values.update/append only; "
    "unknown query parameters are not refused.",
    "Strict data validation checks ONE_OF_LIST, BOOLEAN, NUMBER_* and TEXT_(NOT_)CONTAINS; other condition "
    "types (dates, custom formulas, ONE_OF_RANGE) accept any value. Rules are not returned in grid data.",
    "Protected ranges are stored and returned, but never refuse a write (the emulator has one user).",
    "developerMetadata.search supports developerMetadataLookup filters only; range filters answer 501.",
    "Drive files.copy copies spreadsheets only (other types: 501); Drive permissions are not enforced.",
    "FORMATTED_VALUE renders Automatic, 0.00, #,##0(.00), 0%, 0.00% and date patterns (yyyy-mm-dd, dd/mm/yyyy, "
    "M/d/yyyy, times); currency symbols, conditional sections and locales other than en_US are approximated.",
    "values.append finds the table from the first non-empty cell of the range, growing down and right while "
    "contiguous (Google: 'Appending values' guide); Google's exact rules for gaps are not documented.",
    "Forms: an API-created form starts unpublished (Google, forms created after 31 January 2026); "
    "forms.create?unpublished=false publishes it at once; responses come only from the test helper.",
    "A service account acting as itself gets Drive's 403 storageQuotaExceeded for any new file outside a shared "
    "drive (forms.create included); older projects that still have storage are not modelled.",
    "Methods and batchUpdate request kinds not listed in docs/pages/how-to/google-form.en.md answer 501 UNIMPLEMENTED.",
    "Per-minute quotas (enforce_quota, off by default) count Sheets requests in a sliding 60-second window per bearer "
    "token and per project, reads = GET; Google refills per minute and does not document its window. Refused requests "
    "are not counted; no Retry-After header is sent. Drive and OAuth quotas are not modelled.",
)

__all__ += ["FOLDER_MIME", "FORM_MIME", "SPREADSHEET_MIME"]

_FAULT_MESSAGES = {
    429: ("Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' "
          "of service 'sheets.googleapis.com' for consumer 'project_number:0'.", "RESOURCE_EXHAUSTED"),
    403: ("The caller does not have permission", "PERMISSION_DENIED"),
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


# --- the emulator -----------------------------------------------------------------


class SheetsEmulator:
    """Sheets v4 / Drive v3 / Forms v1 / OAuth token endpoint, in memory.

    Serve it over HTTP on ``127.0.0.1`` with an ephemeral port (use as a
    context manager, or call :meth:`start` / :meth:`stop`), or in process
    with :meth:`session` (no start needed). State lives in memory per
    instance. ``require_auth=True`` makes API requests without a token issued
    by ``/token`` fail with Google's 401. Request bodies and enum query
    parameters are checked against Google's discovery documents on the way in
    (unknown fields, wrong JSON types, invalid enum values get Google's 400
    INVALID_ARGUMENT), when google-api-python-client is installed;
    ``validate=False`` turns that off.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, seed: int = 0, require_auth: bool = False,
                 validate: bool = True) -> None:
        self._host = host
        #: checks request bodies against Google's discovery documents (when google-api-python-client is installed)
        self._validator = google_validator() if validate else None
        self._port = port
        self._state = EmulatorState(seed=seed, require_auth=require_auth)
        self._faults: list[FaultRule] = []
        #: per-minute Sheets quotas (:meth:`enforce_quota`); ``None``: unlimited
        self.quota: Quota | None = None
        self._log: list[RecordedRequest] = []
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None
        self._oauth = OAuthApi(self._state)
        #: Forms v1 state and test helpers (``tpbis.testing._forms``)
        self.forms = FormsStore(self._state)
        self._routes = RouteTable([
            *self._oauth.routes(),
            *SheetsApi(self._state).routes(),
            *self.forms.routes(),
            *DriveApi(self._state).routes(),
        ])

    @property
    def require_auth(self) -> bool:
        """Whether API requests need a token issued by ``/token``."""
        return self._state.require_auth

    @require_auth.setter
    def require_auth(self, value: bool) -> None:
        self._state.require_auth = value

    # lifecycle -------------------------------------------------------------------

    def start(self) -> SheetsEmulator:
        """Bind and serve over HTTP in a background thread."""
        if self._server is not None:
            return self
        server = EmulatorServer((self._host, self._port), self)
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

    # in process ----------------------------------------------------------------------

    def mount(self, session: requests.Session) -> requests.Session:
        """Answer ``session``'s Google traffic in process (no socket); returns the same session."""
        from tpbis.testing._inprocess import mount_in_process

        return mount_in_process(session, self)

    def session(self) -> requests.Session:
        """A new ``requests.Session`` whose Google traffic this emulator answers in process."""
        import requests

        return self.mount(requests.Session())

    # request log and faults ---------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the request log, oldest first."""
        with self._state.lock:
            return list(self._log)

    def count(self, method: str | None = None, path_contains: str | None = None) -> int:
        """How many logged requests match (token requests included)."""
        with self._state.lock:
            return sum(1 for r in self._log if (method is None or r.method == method.upper())
                       and (path_contains is None or path_contains in r.path))

    def clear_requests(self) -> None:
        """Forget the request log."""
        with self._state.lock:
            self._log.clear()

    def inject(self, rule: FaultRule) -> FaultRule:
        """Schedule a fault; rules are checked in the order they were injected."""
        with self._state.lock:
            self._faults.append(rule)
        return rule

    def enforce_quota(self, *, reads_per_user: int | None = 60, reads_per_project: int | None = 300,
                      writes_per_user: int | None = None, writes_per_project: int | None = None,
                      clock: Callable[[], float] | None = None) -> Quota:
        """Answer Sheets requests over a per-minute quota with Google's 429 ``RESOURCE_EXHAUSTED``.

        Defaults are Google's read limits (60 per minute per user, 300 per
        project); ``clock`` (seconds, monotonic) drives the sliding one-minute
        window, so a test can move time instead of waiting. Refused requests
        are logged with ``fault="quota"``; ``quota.refused`` counts them.
        """
        quota = Quota(reads_per_user=reads_per_user, reads_per_project=reads_per_project,
                      writes_per_user=writes_per_user, writes_per_project=writes_per_project)
        if clock is not None:
            quota.clock = clock
        with self._state.lock:
            self.quota = quota
        return quota

    def touch(self, spreadsheet_id: str) -> None:
        """Mark a spreadsheet changed now (its Drive ``modifiedTime`` moves), as an edit in the browser would."""
        with self._state.lock:
            self._book(spreadsheet_id)
            self._state.touch(spreadsheet_id)

    def delete_spreadsheet(self, spreadsheet_id: str) -> None:
        """Delete a spreadsheet and its Drive file (later requests for it answer 404)."""
        with self._state.lock:
            self._book(spreadsheet_id)
            self._state.spreadsheets.pop(spreadsheet_id)
            self._state.files.pop(spreadsheet_id, None)

    def clear_faults(self) -> None:
        """Remove all fault rules."""
        with self._state.lock:
            self._faults.clear()

    # seeding and inspection helpers -----------------------------------------------

    def create_spreadsheet(self, title: str = "Untitled spreadsheet", *,
                           sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                           time_zone: str = "Etc/GMT", locale: str = "en_US",
                           rows: int = 1000, cols: int = 26) -> str:
        """Create a spreadsheet directly (no HTTP); returns its id.

        ``sheets`` maps tab titles to rows of values, stored as ``RAW`` input
        would be (strings stay strings). Grids are at least ``rows`` × ``cols``.
        Without ``sheets`` the spreadsheet has one empty ``Sheet1`` like Google's.
        """
        return self._state.seed_spreadsheet(title, sheets=sheets, time_zone=time_zone, locale=locale,
                                            rows=rows, cols=cols)

    def create_folder(self, name: str, *, shared_drive: bool = False) -> str:
        """Create a Drive folder directly (no HTTP); ``shared_drive`` makes it the root of a new shared drive.

        A service account acting as itself can create files only under a shared-drive folder.
        """
        with self._state.lock:
            return self._state.new_folder(name, shared_drive=shared_drive).id

    def drive_file(self, file_id: str) -> dict[str, Any]:
        """A Drive file's metadata as ``files.get`` with ``fields=*`` returns it."""
        with self._state.lock:
            found = self._state.files.get(file_id)
            if found is None:
                raise KeyError(f"no Drive file {file_id!r} in this emulator")
            return found.to_json()

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self._state.spreadsheets.get(spreadsheet_id)
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
        with self._state.lock:
            return list(self._state.spreadsheets)

    def spreadsheet_properties(self, spreadsheet_id: str) -> dict[str, Any]:
        """``SpreadsheetProperties`` as the API returns them."""
        with self._state.lock:
            return self._book(spreadsheet_id).properties_json()

    def tabs(self, spreadsheet_id: str) -> list[str]:
        """Tab titles in order."""
        with self._state.lock:
            return [s.title for s in self._book(spreadsheet_id).sheets]

    def sheet_properties(self, spreadsheet_id: str, tab: str) -> dict[str, Any]:
        """``SheetProperties`` of a tab as the API returns them (``hidden``, ``gridProperties``, …)."""
        with self._state.lock:
            book, sheet = self._tab(spreadsheet_id, tab)
            return sheet.properties(book.sheets.index(sheet))

    def values(self, spreadsheet_id: str, tab: str, *, render: str = "UNFORMATTED_VALUE") -> list[list[Any]]:
        """A tab's values, trimmed as ``values.get`` trims them (default: unformatted, serial dates)."""
        with self._state.lock:
            book, sheet = self._tab(spreadsheet_id, tab)
            return list(book.read(quote_title(sheet.title), "ROWS", render, "SERIAL_NUMBER").get("values", []))

    def cell(self, spreadsheet_id: str, tab: str, row: int, col: int) -> dict[str, Any]:
        """``CellData`` of one cell (zero-based indices): values, formats, note."""
        with self._state.lock:
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
        with self._state.lock:
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
            self._state.touch(book)

    # Forms (tpbis.testing._forms) -----------------------------------------------------

    def submit_form_response(self, form_id: str, answers: Mapping[str, Any], *,
                             submitted_at: dt.datetime | None = None, email: str | None = None,
                             response_id: str | None = None) -> str:
        """Submit a response to a form as a respondent would (answers by question id); returns its id."""
        with self._state.lock:
            return self.forms.submit(form_id, answers, submitted_at=submitted_at, email=email,
                                     response_id=response_id)

    # serving ---------------------------------------------------------------------------

    def serve(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request: pick a fault, else route it; log it either way."""
        body, bad_json = request.parsed_body()
        rule = self._pick_fault(request.method, unquote(request.path))
        entry = RecordedRequest(request.method, request.path, request.query, body, 0)
        if rule is not None and rule.drop:
            entry.fault = "drop"
            self._record(entry)
            return EmulatorResponse(0, drop=True)
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
        elif (over := self._over_quota(request)) is not None:
            status, payload = 429, over
            entry.fault = "quota"
        else:
            status, payload, extra, api_method = self.handle(request.method, request.path, request.query,
                                                             request.headers, body)
        entry.status, entry.response, entry.api_method = status, copy.deepcopy(payload), api_method
        self._record(entry)
        return EmulatorResponse.from_reply(status, payload, extra)

    def _over_quota(self, request: EmulatorRequest) -> dict[str, Any] | None:
        with self._state.lock:
            if self.quota is None:
                return None
            return self.quota.admit(request.method, request.path, request.headers)

    def _pick_fault(self, method: str, path: str) -> FaultRule | None:
        with self._state.lock:
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
        with self._state.lock:
            self._log.append(entry)

    def handle(self, method: str, raw_path: str, query: dict[str, list[str]], headers: Mapping[str, str],
               body: Any) -> Reply:
        """Route one parsed request: ``(status, json body or None, extra headers, api method id)``."""
        try:
            with self._state.lock:
                found = self._routes.find(method, raw_path)
                if found is None:
                    raise not_found()
                chosen, match = found
                if chosen.auth:
                    self._oauth.check(headers)
                if chosen.api is not None and self._validator is not None:
                    violations = self._validator.request_violations(chosen.api, body, query)
                    if violations:
                        return 400, invalid_argument(violations), {}, None
                return chosen.handler(match, Call(method, raw_path, query, headers, body))
        except ApiError as err:
            return err.code, err.to_json(), {}, None


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
