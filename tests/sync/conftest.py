"""Fixtures for sync tests: the example workbook as Google would hold it, and a checked emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from discovery_tally import assert_valid
from tpbis.adapters.xlsx import read_workbook
from tpbis.testing import SheetsEmulator, google_tabs
from tpbis.testing._discovery import DiscoveryValidator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"


@pytest.fixture(scope="session")
def example_tabs() -> dict[str, list[list[Any]]]:
    """The example workbook's tabs as rows of Google-style cells (dates as serial numbers)."""
    return google_tabs(read_workbook(EXAMPLE))


@pytest.fixture
def emulator(discovery: DiscoveryValidator, monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    """A running emulator that tpbis reaches through TPBIS_SHEETS_EMULATOR_HOST.

    Afterwards every request and response body it saw must validate against discovery.
    """
    with SheetsEmulator() as emu:
        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emu.host)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield emu
    assert_valid(discovery, emu.requests)
