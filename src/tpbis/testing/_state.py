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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tpbis.testing._a1 import quote_title
from tpbis.testing._errors import random_id
from tpbis.testing._model import Spreadsheet

__all__ = ["FOLDER_MIME", "SPREADSHEET_MIME", "DriveFile", "EmulatorState"]

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"


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

    def to_json(self) -> dict[str, Any]:
        """The ``File`` resource."""
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


class EmulatorState:
    """Everything one emulator remembers; guarded by :attr:`lock`."""

    def __init__(self, *, seed: int = 0, require_auth: bool = False) -> None:
        self.rng = random.Random(seed)
        self.require_auth = require_auth
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.tokens: set[str] = set()
        self.clock = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

    def now(self) -> str:
        """The next modification instant (each call a little later), RFC 3339 with milliseconds."""
        self.clock += dt.timedelta(milliseconds=17)
        return self.clock.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.clock.microsecond // 1000:03d}Z"

    def new_spreadsheet(self, title: str, *, locale: str = "en_US", time_zone: str = "Etc/GMT",
                        parents: Sequence[str] = ()) -> Spreadsheet:
        """An empty spreadsheet (no tabs yet) and its Drive file."""
        sid = random_id(self.rng)
        book = Spreadsheet(sid, title, self.rng, locale=locale, time_zone=time_zone)
        self.spreadsheets[sid] = book
        now = self.now()
        self.files[sid] = DriveFile(sid, title, SPREADSHEET_MIME, now, now, list(parents))
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

    def touch(self, book: Spreadsheet) -> None:
        """Mark a spreadsheet's Drive file modified."""
        f = self.files.get(book.id)
        if f is not None:
            f.modified = self.now()
