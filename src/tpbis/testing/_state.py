"""The state one emulator holds, shared by its APIs: spreadsheets, Drive files, tokens, clock, ids.

A spreadsheet is also a Drive file, and a form can be linked to a
spreadsheet, so the APIs (:mod:`~tpbis.testing._drive`,
:mod:`~tpbis.testing._sheets`, :mod:`~tpbis.testing._forms`,
:mod:`~tpbis.testing._oauth`) each take this one object rather than each other.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tpbis.testing._a1 import quote_title
from tpbis.testing._errors import random_id
from tpbis.testing._model import Spreadsheet

__all__ = ["FOLDER_MIME", "FORM_MIME", "SPREADSHEET_MIME", "DriveFile", "EmulatorState"]

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
FORM_MIME = "application/vnd.google-apps.form"


@dataclass
class DriveFile:
    """A Drive file's metadata (a spreadsheet's content lives in its :class:`Spreadsheet`)."""

    id: str
    name: str
    mime_type: str
    created: str
    modified: str
    parents: list[str] = field(default_factory=list)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    trashed: bool = False
    #: the shared drive holding the file (``None``: someone's My Drive)
    drive_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``File`` resource."""
        out = {
            "kind": "drive#file",
            "id": self.id,
            "name": self.name,
            "mimeType": self.mime_type,
            "createdTime": self.created,
            "modifiedTime": self.modified,
            "parents": list(self.parents),
            "trashed": self.trashed,
        }
        if self.drive_id is not None:
            out["driveId"] = self.drive_id
        return out


class EmulatorState:
    """Everything one emulator remembers; guarded by :attr:`lock`."""

    def __init__(self, *, seed: int = 0, require_auth: bool = False) -> None:
        self.rng = random.Random(seed)
        self.require_auth = require_auth
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.tokens: set[str] = set()
        #: tokens issued to a service account acting as itself (a JWT grant without ``sub``): no Drive storage
        self.service_tokens: set[str] = set()
        #: MIME type → what makes an empty file of it for Drive ``files.create`` (forms register theirs)
        self.creators: dict[str, Callable[[str, Sequence[str]], DriveFile]] = {}
        #: the wall clock at construction; :meth:`now` never goes backwards from it
        self.clock = dt.datetime.now(dt.UTC)

    def now(self) -> str:
        """The current instant (strictly later than the previous call), RFC 3339 with milliseconds, like Drive."""
        current = dt.datetime.now(dt.UTC)
        self.clock = max(current, self.clock + dt.timedelta(milliseconds=1))
        return self.clock.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.clock.microsecond // 1000:03d}Z"

    def shared_drive_of(self, parents: Sequence[str]) -> str | None:
        """The shared drive a new file with these parents lands in (``None``: the creator's My Drive)."""
        for parent in parents:
            folder = self.files.get(parent)
            if folder is not None and folder.drive_id is not None:
                return folder.drive_id
        return None

    def new_folder(self, name: str, *, shared_drive: bool = False, parents: Sequence[str] = ()) -> DriveFile:
        """A Drive folder; ``shared_drive`` puts it in a new shared drive (files there need no owner quota)."""
        now = self.now()
        folder = DriveFile(random_id(self.rng, 33), name, FOLDER_MIME, now, now, list(parents))
        folder.drive_id = ("0A" + random_id(self.rng, 17)[1:]) if shared_drive else self.shared_drive_of(parents)
        self.files[folder.id] = folder
        return folder

    def new_spreadsheet(self, title: str, *, locale: str = "en_US", time_zone: str = "Etc/GMT",
                        parents: Sequence[str] = ()) -> Spreadsheet:
        """An empty spreadsheet (no tabs yet) and its Drive file."""
        sid = random_id(self.rng)
        book = Spreadsheet(sid, title, self.rng, locale=locale, time_zone=time_zone)
        self.spreadsheets[sid] = book
        now = self.now()
        self.files[sid] = DriveFile(sid, title, SPREADSHEET_MIME, now, now, list(parents),
                                    drive_id=self.shared_drive_of(parents))
        return book

    def seed_spreadsheet(self, title: str, *, sheets: Mapping[str, Sequence[Sequence[Any]]] | None,
                         time_zone: str, locale: str, rows: int, cols: int) -> str:
        """A spreadsheet with tabs of ``RAW`` values (see :meth:`SheetsEmulator.create_spreadsheet`)."""
        with self.lock:
            book = self.new_spreadsheet(title, locale=locale, time_zone=time_zone)
            tabs = dict(sheets) if sheets else {"Sheet1": []}
            for index, (tab, data) in enumerate(tabs.items()):
                height = max(rows, len(data))
                width = max(cols, max((len(r) for r in data), default=0))
                book.add_sheet(tab, rows=height, cols=width, sheet_id=0 if index == 0 else None)
                if data:
                    book.write(f"{quote_title(tab)}!A1", [list(r) for r in data], "RAW", "ROWS")
            return book.id

    def touch(self, book: Spreadsheet | str) -> None:
        """Mark a spreadsheet's (or any file's, by id) Drive file modified."""
        f = self.files.get(book if isinstance(book, str) else book.id)
        if f is not None:
            f.modified = self.now()

    def is_service_account(self, headers: Mapping[str, str]) -> bool:
        """Whether the request's bearer token was issued to a service account acting as itself."""
        auth = headers.get("authorization", "")
        return auth.lower().startswith("bearer ") and auth[7:] in self.service_tokens
