"""Provinces for the national roll-up tests: the Kepri example workbook, renamed per province."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tpbis.adapters.xlsx import read_workbook
from tpbis.testing import google_tabs

ROOT = Path(__file__).resolve().parents[2]
KEPRI = ROOT / "examples" / "kepri-2024.xlsx"

_TABS: dict[str, list[list[Any]]] | None = None


def kepri_tabs() -> dict[str, list[list[Any]]]:
    """The example workbook's tabs as rows (read once)."""
    global _TABS
    if _TABS is None:
        _TABS = google_tabs(read_workbook(KEPRI))
    return {name: [list(row) for row in rows] for name, rows in _TABS.items()}


def province_tabs(code: str, name: str, *, every: int = 0) -> dict[str, list[list[Any]]]:
    """The example workbook as province ``name``: library ids prefixed with ``code``, the registry's
    province renamed; ``every`` > 0 drops every ``every``-th response (provinces then differ)."""
    tabs = kepri_tabs()
    registry = tabs["Perpustakaan"]
    header = registry[0]
    id_col, province_col = header.index("id"), header.index("provinsi")
    for row in registry[1:]:
        row[id_col] = f"{code}-{row[id_col]}"
        row[province_col] = name
    if every:
        responses = tabs["Respons Formulir 1"]
        tabs["Respons Formulir 1"] = [responses[0], *(r for i, r in enumerate(responses[1:], 1) if i % every)]
    return tabs


def write_xlsx(path: Path, tabs: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """Save ``tabs`` as an ``.xlsx`` file."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in tabs.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


class ManualClock:
    """A clock that moves only when someone sleeps (shared by the limiter, the retries and the emulator)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(seconds, 0.0)
            self.slept += max(seconds, 0.0)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
