"""Drive v3 ``files`` and ``permissions``: the subset gspread and tpbis use, on the emulator's shared state."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from tpbis.testing._errors import (
    ApiError,
    bad_request,
    not_implemented,
    random_id,
    storage_quota_exceeded,
)
from tpbis.testing._fieldmask import FieldMaskError, parse_mask, project
from tpbis.testing._model import Sheet
from tpbis.testing._state import FOLDER_MIME, SPREADSHEET_MIME, DriveFile, EmulatorState
from tpbis.testing._wire import Call, Reply, Route, route

__all__ = ["DriveApi"]

_FILES = r"/drive/v3/files"
_DEFAULT = ("kind", "id", "name", "mimeType")


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


def _drive_query_matches(q: str, f: DriveFile) -> bool:
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


class DriveApi:
    """Drive files (spreadsheets and others) and their permissions."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        """The Drive routes, most specific first, then Drive's own 404 for anything else under ``/files``."""
        return [
            route("POST", _FILES + r"/?", self._create_route, api="drive.files.create"),
            route("GET", _FILES + r"/?", lambda _m, call: self._drive_list(call.query, call.one("fields"))),
            route(None, _FILES + r"/(?P<file>[^/]+)/?", self._file),
            route("POST", _FILES + r"/(?P<file>[^/]+)/copy", self._copy, api="drive.files.copy"),
            route(None, _FILES + r"/(?P<file>[^/]+)/permissions(?P<rest>/.*)?", self._permissions),
            route(None, _FILES + r"/(?P<file>[^/]+)/(?P<what>[^/]+)(/.*)?", self._unknown),
            route(None, r"/drive/v3/(?P<what>[^/?]+).*", self._unknown),
        ]

    @staticmethod
    def _unknown(match: re.Match[str], call: Call) -> Reply:
        """Drive methods the emulator does not perform: a 501 naming them, not a 404 that reads like a bad id."""
        raise not_implemented(f"Drive {call.method} {match['what']}")

    def _create_route(self, _match: re.Match[str], call: Call) -> Reply:
        body = call.body if isinstance(call.body, dict) else {}
        parents = [str(p) for p in body.get("parents") or []]
        self._check_parents(parents, call)
        if self.state.is_service_account(call.headers) and self.state.shared_drive_of(parents) is None:
            raise storage_quota_exceeded()
        return self._drive_create(body, call.one("fields"))

    def _check_parents(self, parents: list[str], call: Call) -> None:
        """A parent in a shared drive is invisible without ``supportsAllDrives=true``, as on Drive."""
        all_drives = (call.one("supportsAllDrives", "false") or "").lower() == "true"
        for parent in parents:
            folder = self.state.files.get(parent)
            if folder is None or folder.trashed or (folder.drive_id is not None and not all_drives):
                raise _drive_not_found(parent)

    def _copy(self, match: re.Match[str], call: Call) -> Reply:
        """``files.copy`` of a spreadsheet: a new spreadsheet with the same tabs, cells and formats."""
        file_id = unquote(match["file"])
        source = self.state.files.get(file_id)
        if source is None or source.trashed:
            raise _drive_not_found(file_id)
        book = self.state.spreadsheets.get(file_id)
        if book is None:
            raise not_implemented(f"Drive files.copy of {source.mime_type}")
        body = call.body if isinstance(call.body, dict) else {}
        parents = [str(p) for p in body.get("parents") or source.parents]
        self._check_parents(parents, call)
        if self.state.is_service_account(call.headers) and self.state.shared_drive_of(parents) is None:
            raise storage_quota_exceeded()
        name = str(body.get("name") or f"Copy of {source.name}")
        copy_ = self.state.new_spreadsheet(name, locale=book.locale, time_zone=book.time_zone, parents=parents)
        copy_.sheets = [_copy_sheet(s) for s in book.sheets]
        f = self.state.files[copy_.id]
        return 200, self._drive_fields(f.to_json(), call.one("fields"), _DEFAULT), {}, "drive.files.copy"

    def _file(self, match: re.Match[str], call: Call) -> Reply:
        """``files.get`` / ``files.delete`` / ``files.update``."""
        method, fields = call.method, call.one("fields")
        file_id = unquote(match["file"])
        f = self.state.files.get(file_id)
        if f is None or (f.trashed and method != "DELETE"):
            raise _drive_not_found(file_id)
        if method == "GET":
            return 200, self._drive_fields(f.to_json(), fields, _DEFAULT), {}, "drive.files.get"
        if method == "DELETE":
            del self.state.files[f.id]
            self.state.spreadsheets.pop(f.id, None)
            return 204, None, {}, "drive.files.delete"
        if method == "PATCH":
            data = call.body or {}
            if data.get("name"):
                f.name = str(data["name"])
                if f.id in self.state.spreadsheets:
                    self.state.spreadsheets[f.id].title = f.name
            if "trashed" in data:
                f.trashed = bool(data["trashed"])
            f.modified = self.state.now()
            return 200, self._drive_fields(f.to_json(), fields, _DEFAULT), {}, "drive.files.update"
        raise not_implemented(f"Drive {method} files/{{fileId}}")

    def _permissions(self, match: re.Match[str], call: Call) -> Reply:
        rest = (match["rest"] or "").strip("/")
        parts = [unquote(match["file"]), "permissions", *([unquote(p) for p in rest.split("/")] if rest else [])]
        return self._drive_permissions(call.method, parts, call.body, call.one("fields"))

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
            book = self.state.new_spreadsheet(name, parents=parents)
            book.add_sheet("Sheet1", sheet_id=0)
            f = self.state.files[book.id]
        elif mime in self.state.creators:
            f = self.state.creators[mime](name, parents)
        elif mime == FOLDER_MIME:
            f = self.state.new_folder(name, parents=parents)
        else:
            now = self.state.now()
            f = DriveFile(random_id(self.state.rng, 33), name, mime, now, now, parents,
                          drive_id=self.state.shared_drive_of(parents))
            self.state.files[f.id] = f
        return 200, self._drive_fields(f.to_json(), fields, ("kind", "id", "name", "mimeType")), {}, "drive.files.create"

    def _drive_list(self, query: dict[str, list[str]], fields: str | None) -> tuple[int, Any, dict[str, str], str | None]:
        q = (query.get("q") or [""])[0]
        size = int((query.get("pageSize") or ["100"])[0])
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        matched = [f for f in self.state.files.values() if _drive_query_matches(q, f)]
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
        f = self.state.files.get(parts[0])
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
            perm = {"id": str(self.state.rng.randint(10**19, 10**20 - 1)), "type": data.get("type", "user"),
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


def _copy_sheet(sheet: Sheet) -> Sheet:
    """A tab with the same id, title, grid, cells and dimension metadata (cells are copy-on-write)."""
    twin = Sheet(sheet_id=sheet.sheet_id, title=sheet.title)
    twin.restore(sheet.snapshot())
    return twin
