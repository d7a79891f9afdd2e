"""Fixtures for sync tests: the example workbook as Google would hold it, and a checked emulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tpbis.adapters.xlsx import read_workbook
from tpbis.testing import SheetsEmulator
from tpbis.testing._discovery import DiscoveryValidator, discovery_documents_dir, validate_log

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"
_EPOCH = dt.datetime(1899, 12, 30)


def serial(value: Any) -> Any:
    """A cell as Google Sheets stores it: dates and times become serial numbers."""
    if isinstance(value, dt.datetime):
        return (value.replace(tzinfo=None) - _EPOCH) / dt.timedelta(days=1)
    if isinstance(value, dt.date):
        return (dt.datetime(value.year, value.month, value.day) - _EPOCH).days
    return value


@pytest.fixture(scope="session")
def example_tabs() -> dict[str, list[list[Any]]]:
    """The example workbook's tabs as rows of Google-style cells."""
    return {
        name: [list(table.header), *([serial(c) for c in row] for row in table.rows)]
        for name, table in read_workbook(EXAMPLE).items()
    }


@pytest.fixture(scope="session")
def discovery() -> DiscoveryValidator:
    """Validators built from Google's discovery documents."""
    if discovery_documents_dir() is None:
        pytest.skip("google-api-python-client (discovery documents) is not installed")
    return DiscoveryValidator.google()


@pytest.fixture
def emulator(discovery: DiscoveryValidator, monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    """A running emulator that tpbis reaches through TPBIS_SHEETS_EMULATOR_HOST.

    Afterwards every request and response body it saw must validate against discovery.
    """
    with SheetsEmulator() as emu:
        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emu.host)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield emu
    assert validate_log(discovery, emu.requests) == []
