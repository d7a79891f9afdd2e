"""Google Sheets as a workbook, through gspread's HTTP client and google-auth.

Request budget (see :mod:`tpbis.service.sync`): :meth:`SheetsWorkbook.info`
is one spreadsheet GET, :meth:`SheetsWorkbook.read` one ``values:batchGet``
(``UNFORMATTED_VALUE`` + ``SERIAL_NUMBER``: dates arrive as serial numbers,
never as locale text), :meth:`SheetsWorkbook.lock` one ``:batchUpdate``, and
:meth:`SheetsWorkbook.commit` one atomic ``:batchUpdate`` that adds missing
tabs, resizes each tab, writes its cells with ``updateCells``, deletes tabs no
longer written and releases the lock. Values are sent as typed
``userEnteredValue`` (the RAW equivalent: a title typed as ``=HYPERLINK(…)``
lands as text). An output whose body would pass :data:`PAYLOAD_LIMIT` bytes
(measured as ``requests`` serialises it) is written to hidden staging tabs,
one request per chunk, and swapped in by the last one.

Every request goes through :class:`RetryingHTTPClient`, gspread's client over
the transport the Forms client uses too (:mod:`tpbis.adapters._transport`):
408/429/5xx, timeouts and dropped connections are retried with exponential
backoff and full jitter, honouring ``Retry-After``, bounded in attempts and
total time; what is left maps to one tpbis exception the same way for both.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any, Protocol

import attrs
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
from tpbis.errors import AuthError, SourceError
from tpbis.parsing.table import Cell, Table
from tpbis.ports import (
    LOCK_TAB,
    STAGING_PREFIX,
    Commit,
    LockContended,
    OutputTab,
    OutValue,
    WorkbookInfo,
)
from tpbis.render.safe import SHEETS_CELL_LIMIT, cap_cell

__all__ = [
    "DRIVE_FILES",
    "DRIVE_METADATA_SCOPE",
    "LOCK_IDS",
    "PAYLOAD_LIMIT",
    "TRAFFIC_LIGHT",
    "Limiter",
    "RetryPolicy",
    "RetryingHTTPClient",
    "SheetsWorkbook",
    "open_spreadsheet",
    "spreadsheet_key",
]

#: Largest ``:batchUpdate`` body sent in one request: bytes of JSON exactly as
#: ``requests`` sends it (``json.dumps`` default separators, ASCII). Google
#: documents no hard cap below 10 MB but recommends about 2 MB; 4 MB keeps a
#: 50,000-row sync in one request and stays far from the limit.
PAYLOAD_LIMIT = 4_000_000

#: Light traffic-light fills (Google Sheets' own light green / yellow / red 2).
TRAFFIC_LIGHT = {
    Color.HIJAU: {"red": 0.7176471, "green": 0.88235295, "blue": 0.8039216},
    Color.KUNING: {"red": 0.9882353, "green": 0.9098039, "blue": 0.69803923},
    Color.MERAH: {"red": 0.95686275, "green": 0.78039217, "blue": 0.7647059},
}

#: The lock tab's sheet ids: a new lock takes the first, one replacing a stale lock the id it does not have.
LOCK_IDS = range(1_900_000_000, 2_000_000_000)


def lock_sheet_id(token: str) -> int:
    """The lock tab's sheet id for ``token``: stable, in :data:`LOCK_IDS` (clear of the ids tpbis gives tabs)."""
    digest = int(hashlib.sha256(token.encode()).hexdigest()[:12], 16)
    return LOCK_IDS.start + digest % len(LOCK_IDS)

#: Drive v3 ``files`` (``files.get`` with ``fields=modifiedTime`` tells whether a spreadsheet changed).
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files/"
#: Lets a national roll-up ask Drive for ``modifiedTime`` (metadata only: no file contents).
DRIVE_METADATA_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"
_SHEETS_HOST = "sheets.googleapis.com"


class Limiter(Protocol):
    """What :class:`RetryingHTTPClient` waits on before a Sheets read (a token bucket)."""

    def acquire(self) -> float:
        """Wait for a turn; returns the seconds waited."""
        ...

    def slow_down(self) -> None:
        """Google answered 429: send less from now on."""
        ...


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
        #: waits before each attempt of a Sheets read (``GET``), e.g. a shared
        #: :class:`~tpbis.adapters.ratelimit.TokenBucket`; ``None``: no client-side limit
        self.limiter: Limiter | None = None

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
        """Send, retrying transient failures; raises ``APIError`` for an error left after the retries.

        With a :attr:`limiter`, every attempt of a Sheets read first waits for its turn, and a 429 slows
        the limiter down for every client that shares it.
        """
        limiter = self.limiter if method.upper() == "GET" and _SHEETS_HOST in endpoint else None

        def call() -> requests.Response:
            if limiter is None:
                return self.session.request(
                    method=method, url=endpoint, json=json, params=params, data=data, files=files, headers=headers,
                    timeout=self.timeout,
                )
            limiter.acquire()
            response = self.session.request(
                method=method, url=endpoint, json=json, params=params, data=data, files=files, headers=headers,
                timeout=self.timeout,
            )
            if response.status_code == 429:
                limiter.slow_down()  # the quota is smaller than the limiter thought: every worker slows down
            return response

        response, attempts = self.transport.send(call)
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
        cell["userEnteredValue"] = {"stringValue": cap_cell(str(value), SHEETS_CELL_LIMIT)}
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
        #: each tab's grid width (an append wider than it grows the grid first)
        self._columns: dict[str, int] = {}
        self._order: list[str] = []
        #: ids chosen for tabs a commit adds (known once it is applied)
        self._planned: dict[str, int] = {}
        #: staging tabs of the commit under way (removed by :meth:`unlock` after a failure)
        self._staged: list[int] = []
        #: the lock tab this run created
        self._lock_id: int | None = None

    # errors ------------------------------------------------------------------------

    def _call(self, step: str, fn: Callable[[], Any], *, rejected: Callable[[], bool] | None = None) -> Any:
        """Run ``fn``, mapping errors to tpbis exceptions; a 400 goes to ``rejected`` first, when given.

        ``rejected`` may raise (e.g. :class:`LockContended`), return ``True``
        (the request did apply after all: a retry of one that had) or
        ``False`` (the 400 stands).
        """
        from google.auth.exceptions import RefreshError, TransportError

        try:
            return fn()
        except APIError as err:
            if rejected is not None and err.response.status_code == 400 and rejected():
                raise _Accepted from None
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
        fields = "properties(title,timeZone),sheets.properties(sheetId,title,hidden,gridProperties.columnCount)"
        meta = self._call("spreadsheets.get", lambda: self.http.fetch_sheet_metadata(self.key, {"fields": fields}))
        self._sheet_ids = {}
        self._hidden = {}
        self._columns = {}
        self._order = []
        for sheet in meta.get("sheets", []):
            props = sheet.get("properties", {})
            self._sheet_ids[props["title"]] = int(props.get("sheetId", 0))
            self._hidden[props["title"]] = bool(props.get("hidden", False))
            if "columnCount" in props.get("gridProperties", {}):
                self._columns[props["title"]] = int(props["gridProperties"]["columnCount"])
            self._order.append(props["title"])
        props = meta.get("properties", {})
        return WorkbookInfo(title=props.get("title", self.key), tabs=tuple(self._sheet_ids), timezone=props.get("timeZone"))

    def modified_time(self) -> str | None:
        """One Drive ``files.get`` with ``fields=modifiedTime``: when the spreadsheet last changed (RFC 3339).

        ``None`` when Drive will not say (credentials without a Drive scope, or
        not shared: :meth:`info` then reports what is wrong).

        Raises:
            SourceError: no such spreadsheet (deleted).
            RemoteError: Google stayed unavailable.
        """
        def get() -> Any:
            try:
                return self.http.request("get", DRIVE_FILES + self.key,
                                         params={"fields": "modifiedTime", "supportsAllDrives": "true"}).json()
            except APIError as err:
                if err.response.status_code in (401, 403):
                    return {}
                raise

        body = self._call("drive.files.get", get)
        value = body.get("modifiedTime") if isinstance(body, dict) else None
        return str(value) if value else None

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
        """Create or rewrite every tab whole, atomically (see :meth:`commit`); returns the number of requests."""
        return self.commit(Commit(tabs=tuple(tabs)))

    # the lock ----------------------------------------------------------------------

    def lock(self, claim: OutputTab, *, replace: bool, epoch: str = "") -> int:
        """One ``:batchUpdate``: [delete the stale lock tab seen by :meth:`info`,] add :data:`LOCK_TAB` with ``claim``.

        Compare-and-swap from what Google documents:

        * a batchUpdate is all or nothing: "Each request is validated before
          being applied. If any request is not valid then the entire request
          will fail and nothing will be applied." (developers.google.com/
          workspace/sheets/api/reference/rest/v4/spreadsheets/batchUpdate);
        * AddSheetRequest: "It is an error to specify the ID of a sheet that
          already exists." The lock tab's id is derived (:func:`lock_sheet_id`):
          a fresh lock's from ``epoch`` (the published result the sync read), a
          lock that replaces a stale one's from the stale lock's id. So of two
          syncs that read the same result and add the lock exactly one
          succeeds, and of two breaking the same stale lock the second one's
          ``deleteSheet`` names a sheet that is gone: 400, nothing applied.
          And a stale run whose lock was broken can never delete a later
          lock (its id differs), so its late commit fails whole instead of
          overwriting a newer result;
        * titles are unique too: Google answers an ``addSheet`` with a title
          in use with 400 'A sheet with the name "…" already exists. Please
          enter another name.' (as reported in e.g.
          theoephraim/node-google-spreadsheet#150 and
          asimlqt/php-google-spreadsheet-client#170; the emulator answers the
          same), a second guard.

        Raises:
            LockContended: someone else got there first; nothing changed.
        """
        if not self._sheet_ids:
            self.info()
        requests: list[dict[str, Any]] = []
        seen = self._sheet_ids.get(LOCK_TAB)
        lock_id = lock_sheet_id(f"replaces {seen}" if replace and seen is not None else f"fresh {epoch}")
        if replace and seen is not None:
            requests.append({"deleteSheet": {"sheetId": seen}})
        requests.append(self._add_sheet(claim, lock_id, claim.name))
        data = _Rows.of(claim)
        requests.append(data.cells(lock_id, 0, data.height)[0])

        def contended() -> bool:
            # A retried request may have been applied the first time: then the lock is ours.
            self.info()
            mine = self._sheet_ids.get(LOCK_TAB)
            table = self.read([LOCK_TAB]).get(LOCK_TAB) if mine is not None else None
            if table is not None and _same_values(claim.grid(), [table.header, *table.rows]):
                return True
            raise LockContended(LOCK_TAB)

        if self._send("batchUpdate lock", requests, rejected=contended):
            self._sheet_ids[LOCK_TAB] = lock_id
            self._lock_id = lock_id
        else:
            self._lock_id = self._sheet_ids[LOCK_TAB]
        return 1

    def unlock(self) -> None:
        """Best effort: delete what this run staged and its lock (each alone if together fails)."""
        staged = [{"deleteSheet": {"sheetId": i}} for i in self._staged]
        lock = [{"deleteSheet": {"sheetId": self._lock_id}}] if self._lock_id is not None else []
        for batch in ([*staged, *lock], staged, lock):
            if not batch:
                continue
            try:
                self._send("batchUpdate unlock", batch)
            except Exception:
                continue
            break
        self._staged = []
        self._lock_id = None

    # writing -----------------------------------------------------------------------

    def commit(self, commit: Commit) -> int:
        """Write ``commit`` so that readers see the old tabs or the new ones, never a mix.

        An output that fits one request body (:attr:`payload_limit`, counted
        as the bytes ``requests`` sends: ``json.dumps`` with its default
        separators) is written in place by one ``:batchUpdate`` that also
        adds missing tabs, deletes ``commit.remove`` and releases the lock.
        A larger one goes to hidden staging tabs, one chunk per request (each
        with a lock heartbeat, which fails once the lock is no longer ours),
        and the last request deletes the old tabs, renames the staging tabs
        into their place (same positions), un-hides them and releases the lock.
        """
        if not self._sheet_ids:
            self.info()
        self._planned = {}
        removals = self._removals(commit)
        rows = [_Rows.of(tab) for tab in commit.tabs]
        whole = self._in_place(commit, removals, rows)
        if sum(size for _, size in whole) + len('{"requests": []}') + 2 * (len(whole) - 1) <= self.payload_limit:
            self._send("batchUpdate updateCells", [r for r, _ in whole],
                       rejected=self._lost_lock if commit.release else None)
            self._after(commit, {})
            return 1
        # a history tab created by this commit is staged and swapped in like the outputs
        fresh = tuple(a for a in commit.append if a.start == 0 or a.tab.name not in self._sheet_ids)
        if fresh:
            commit = attrs.evolve(commit, tabs=(*commit.tabs, *(a.tab for a in fresh)),
                                  append=tuple(a for a in commit.append if a not in fresh))
            rows = [_Rows.of(tab) for tab in commit.tabs]
        return self._staged_commit(commit, removals, rows)

    def _removals(self, commit: Commit) -> list[dict[str, Any]]:
        """Deletes of the lock (on release) and of the tabs to remove, first in the final request."""
        out: list[dict[str, Any]] = []
        if commit.release:
            if self._lock_id is None:
                raise LockContended(LOCK_TAB)
            out.append({"deleteSheet": {"sheetId": self._lock_id}})
        written = {tab.name for tab in commit.tabs}
        out += [{"deleteSheet": {"sheetId": self._sheet_ids[name]}}
                for name in commit.remove if name in self._sheet_ids and name not in written and name != LOCK_TAB]
        return out

    def _in_place(
        self, commit: Commit, removals: list[dict[str, Any]], rows: list[_Rows]
    ) -> list[tuple[dict[str, Any], int]]:
        requests = [(r, _request_size(r)) for r in removals]
        for tab, data in zip(commit.tabs, rows, strict=True):
            sheet_id = self._sheet_ids.get(tab.name)
            if sheet_id is None:
                sheet_id = self._new_id()
                self._planned[tab.name] = sheet_id
                add = self._add_sheet(tab, sheet_id, tab.name)
            else:
                add = self._resize(tab, sheet_id)
            requests.append((add, _request_size(add)))
            requests.append(data.cells(sheet_id, 0, data.height))
        requests += [(r, _request_size(r)) for r in self._appends(commit)]
        return requests

    def _appends(self, commit: Commit) -> list[dict[str, Any]]:
        """``commit.append`` as requests: grow the grid by the new rows, write them below the rows read.

        (Not ``appendCells``: "after the last row with data" would also count a row
        someone typed below since the read, and the emulator does not perform it;
        the service read the tab in the same sync, under the lock.)
        """
        out: list[dict[str, Any]] = []
        for append in commit.append:
            tab = append.tab
            sheet_id = self._sheet_ids.get(tab.name)
            if sheet_id is None or append.start == 0:
                if sheet_id is None:
                    sheet_id = self._new_id()
                    self._planned[tab.name] = sheet_id
                    out.append(self._add_sheet(tab, sheet_id, tab.name))
                else:  # there but empty
                    out.append(self._resize(tab, sheet_id))
                data = _Rows.of(tab)
                out.append(data.cells(sheet_id, 0, data.height)[0])
                continue
            if not tab.rows:
                continue
            body = _Rows.of(OutputTab(name=tab.name, header=(), rows=tab.rows))
            out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": len(tab.rows)}})
            narrow = max(tab.width, 1) - self._columns.get(tab.name, max(tab.width, 1))
            if narrow > 0:  # a tab an older tpbis wrote with fewer columns (or one deleted by hand)
                out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS", "length": narrow}})
            out.append(_update_cells(sheet_id, tab, append.start, append.start + len(tab.rows),
                                     body.rows[1:len(tab.rows) + 1]))
        return out

    def _after(self, commit: Commit, renamed: dict[str, int]) -> None:
        """Bookkeeping once a commit is applied."""
        for name in commit.remove:
            self._sheet_ids.pop(name, None)
        self._sheet_ids.update(self._planned)
        self._sheet_ids.update(renamed)
        for tab in (*commit.tabs, *(a.tab for a in commit.append)):
            self._hidden[tab.name] = tab.hidden
        for tab in commit.tabs:
            self._columns[tab.name] = max(tab.width, 1)
        for append in commit.append:
            self._columns[append.tab.name] = max(self._columns.get(append.tab.name, 0), append.tab.width, 1)
        self._planned = {}
        self._staged = []
        if commit.release:
            self._sheet_ids.pop(LOCK_TAB, None)
            self._lock_id = None

    def _staged_commit(self, commit: Commit, removals: list[dict[str, Any]], rows: list[_Rows]) -> int:
        self._planned = {}  # ids the in-place plan chose are not used
        token = secrets.token_hex(4)
        staging: dict[str, int] = {}
        for tab in commit.tabs:
            staging[tab.name] = self._new_id()
            self._staged.append(staging[tab.name])
        adds = [self._add_sheet(_hidden(tab), staging[tab.name], f"{STAGING_PREFIX}{token}_{n}")
                for n, tab in enumerate(commit.tabs)]
        heartbeat = self._heartbeat(commit)
        room = self.payload_limit - (_request_size(heartbeat) + 2 if heartbeat is not None else 0)
        chunks: list[list[dict[str, Any]]] = [list(adds)]
        used = _body_size(adds)
        for tab, data in zip(commit.tabs, rows, strict=True):
            start = 0
            while start < data.height:
                free = room - used - data.overhead - (2 if chunks[-1] else 0)
                end, size = start, 0
                while end < data.height:
                    length = data.sizes[end] + (2 if end > start else 0)
                    if size + length > free and not (end == start and not chunks[-1]):
                        break
                    size += length
                    end += 1
                if end == start:
                    chunks.append([])
                    used = _body_size([])
                    continue
                request, length = data.cells(staging[tab.name], start, end)
                used += length + (2 if chunks[-1] else 0)
                chunks[-1].append(request)
                start = end
        swap = list(removals)
        swap += [{"deleteSheet": {"sheetId": self._sheet_ids[tab.name]}}
                 for tab in commit.tabs if tab.name in self._sheet_ids]
        order = self._final_order(commit, removals)
        moves: list[tuple[int, dict[str, Any]]] = []
        for tab in commit.tabs:
            props: dict[str, Any] = {"sheetId": staging[tab.name], "title": tab.name, "hidden": tab.hidden}
            fields = "title,hidden"
            if tab.name in order:
                props["index"] = order[tab.name]
                fields += ",index"
            moves.append((order.get(tab.name, len(self._order) + len(moves)),
                          {"updateSheetProperties": {"properties": props, "fields": fields}}))
        swap += [request for _, request in sorted(moves, key=lambda m: m[0])]
        swap += self._appends(commit)
        if _body_size([*chunks[-1], *swap]) <= self.payload_limit:
            chunks[-1] += swap
        else:
            chunks.append(swap)
        rejected = self._lost_lock if (commit.release or heartbeat is not None) else None
        for number, chunk in enumerate(chunks, 1):
            beat = self._heartbeat(commit) if number < len(chunks) else None
            self._send(f"batchUpdate {number}/{len(chunks)}", [*chunk, beat] if beat is not None else chunk,
                       rejected=rejected)
        self._after(commit, staging)
        return len(chunks)

    def _final_order(self, commit: Commit, removals: list[dict[str, Any]]) -> dict[str, int]:
        """Index each replaced tab should have after the swap (where the old one was)."""
        deleted = {r["deleteSheet"]["sheetId"] for r in removals}
        written = {tab.name for tab in commit.tabs}
        order: dict[str, int] = {}
        position = 0
        for name in self._order:
            if self._sheet_ids.get(name) in deleted or name.startswith(STAGING_PREFIX):
                continue
            if name in written:
                order[name] = position
            position += 1
        return order

    def _heartbeat(self, commit: Commit) -> dict[str, Any] | None:
        if commit.heartbeat is None or self._lock_id is None:
            return None
        return self._heartbeat_cells(commit.heartbeat())

    def _lost_lock(self) -> bool:
        """A 400 while holding the lock: if the lock tab is gone or not ours, say so; else the 400 stands."""
        self.info()
        if self._lock_id is None or self._sheet_ids.get(LOCK_TAB) != self._lock_id:
            self._staged = [i for i in self._staged if i in self._sheet_ids.values()]
            raise LockContended(LOCK_TAB)
        return False

    # request bodies ------------------------------------------------------------------

    def _send(self, step: str, requests: list[dict[str, Any]], *, rejected: Callable[[], bool] | None = None) -> bool:
        """One ``:batchUpdate``; ``True`` when applied, ``False`` when ``rejected`` accepted a 400."""
        try:
            self._call(step, lambda: self.http.batch_update(self.key, {"requests": requests}), rejected=rejected)
        except _Accepted:
            return False
        return True

    def _new_id(self) -> int:
        used = {*self._sheet_ids.values(), *self._planned.values(), *self._staged}
        while True:
            candidate = _random.randrange(1, LOCK_IDS.start)  # lock ids have their own range
            if candidate not in used:
                return candidate

    @staticmethod
    def _add_sheet(tab: OutputTab, sheet_id: int, title: str) -> dict[str, Any]:
        grid = tab.grid()
        return {"addSheet": {"properties": {
            "sheetId": sheet_id, "title": title, "hidden": tab.hidden,
            "gridProperties": {"rowCount": _height(grid), "columnCount": max(tab.width, 1), "frozenRowCount": 1},
        }}}

    @staticmethod
    def _resize(tab: OutputTab, sheet_id: int) -> dict[str, Any]:
        return {"updateSheetProperties": {
            "properties": {
                "sheetId": sheet_id,
                "hidden": tab.hidden,
                "gridProperties": {"rowCount": _height(tab.grid()), "columnCount": max(tab.width, 1),
                                   "frozenRowCount": 1},
            },
            "fields": "hidden,gridProperties(rowCount,columnCount,frozenRowCount)",
        }}

    def _heartbeat_cells(self, tab: OutputTab) -> dict[str, Any]:
        data = _Rows.of(tab)
        assert self._lock_id is not None
        return data.cells(self._lock_id, 0, data.height)[0]


@attrs.frozen
class _Rows:
    """A tab's ``RowData`` (header bold, traffic-light fills) and each row's size in the body."""

    tab: OutputTab
    rows: list[dict[str, Any]]
    sizes: list[int]
    #: the size of an ``updateCells`` of this tab without rows
    overhead: int

    @property
    def height(self) -> int:
        return len(self.rows)

    @classmethod
    def of(cls, tab: OutputTab) -> _Rows:
        grid = tab.grid()
        fills = {(r + 1, c): color for r, c, color in tab.fills}
        rows: list[dict[str, Any]] = []
        for r in range(_height(grid)):
            rows.append(
                {"values": [_cell_json(v, fills.get((r, c)), r == 0) for c, v in enumerate(grid[r])]}
                if r < len(grid) else {}
            )
        sizes = [len(json.dumps(row)) for row in rows]
        empty = _update_cells(0, tab, 0, 0, [])
        return cls(tab, rows, sizes, len(json.dumps(empty)))

    def cells(self, sheet_id: int, start: int, end: int) -> tuple[dict[str, Any], int]:
        """One ``updateCells`` over rows ``start``…``end`` and its exact size in the body."""
        request = _update_cells(sheet_id, self.tab, start, end, self.rows[start:end])
        size = (len(json.dumps(_update_cells(sheet_id, self.tab, start, end, [])))
                + sum(self.sizes[start:end]) + 2 * max(end - start - 1, 0))
        return request, size


def _update_cells(sheet_id: int, tab: OutputTab, start: int, end: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One ``updateCells`` (cells beyond the data in the range are cleared: no value under the field mask)."""
    return {"updateCells": {
        "range": {"sheetId": sheet_id, "startRowIndex": start, "endRowIndex": end,
                  "startColumnIndex": 0, "endColumnIndex": max(tab.width, 1)},
        "rows": rows,
        "fields": _CELL_FIELDS,
    }}


_random = random.SystemRandom()


class _Accepted(Exception):
    pass


def _hidden(tab: OutputTab) -> OutputTab:
    """``tab`` as a hidden tab (staging tabs stay hidden until the swap)."""
    return OutputTab(name=tab.name, header=tab.header, rows=tab.rows, fills=tab.fills, hidden=True)


def _height(grid: Sequence[object]) -> int:
    return max(len(grid), 2)  # a frozen header needs one more row


def _request_size(request: Mapping[str, Any]) -> int:
    """Bytes of one request inside the body, as ``requests`` serialises it (``json.dumps`` defaults)."""
    return len(json.dumps(request))


def _row_size(row: Mapping[str, Any]) -> int:
    return len(json.dumps(row))


def _body_size(requests: Sequence[Mapping[str, Any]]) -> int:
    """Bytes of ``{"requests": [...]}`` exactly as ``requests`` sends it (ASCII: ensure_ascii)."""
    return len('{"requests": []}') + sum(_request_size(r) for r in requests) + 2 * max(len(requests) - 1, 0)


def _same_values(expected: Sequence[Sequence[object]], actual: Sequence[Sequence[object]]) -> bool:
    def norm(rows: Sequence[Sequence[object]]) -> list[list[str]]:
        out = [["" if c is None else str(c) for c in row] for row in rows]
        for row in out:
            while row and row[-1] == "":
                row.pop()
        while out and not out[-1]:
            out.pop()
        return out

    return norm(expected) == norm(actual)


def open_spreadsheet(
    source: str,
    *,
    credentials: str | None = None,
    policy: RetryPolicy | None = None,
    timeout: float = 120.0,
    session: requests.Session | None = None,
    limiter: Limiter | None = None,
) -> SheetsWorkbook:
    """A :class:`SheetsWorkbook` for a spreadsheet URL or key.

    ``limiter`` (e.g. a :class:`~tpbis.adapters.ratelimit.TokenBucket` shared
    by several workbooks) makes every Sheets read wait for its turn.

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
    http.limiter = limiter
    http.set_timeout((10.0, timeout))
    account = str(getattr(creds, "service_account_email", "") or "")
    return SheetsWorkbook(key, http, account=account)
