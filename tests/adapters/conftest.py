"""Fixtures for adapter tests: a small registry, the default rubric, and an emulator checked against discovery."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tpbis.domain.library import Registry
from tpbis.domain.rubric import Rubric
from tpbis.rubrics import default_rubric
from tpbis.testing import SheetsEmulator, make_library, make_registry
from tpbis.testing._discovery import DiscoveryValidator, validate_log

#: How many Forms request and response bodies were validated against forms.v1 discovery.
VALIDATED: dict[str, int] = {"bodies": 0}


@pytest.fixture
def emulator(discovery: DiscoveryValidator) -> Iterator[SheetsEmulator]:
    """A running emulator; afterwards every body it saw must validate against discovery."""
    with SheetsEmulator() as emu:
        yield emu
    log = emu.requests
    assert validate_log(discovery, log) == []
    forms = [r for r in log if r.api_method and r.api_method.startswith("forms.") and r.fault is None]
    VALIDATED["bodies"] += sum((r.body is not None) + (r.response is not None) for r in forms)


@pytest.fixture
def rubric() -> Rubric:
    """The default rubric."""
    return default_rubric()


@pytest.fixture
def registry() -> Registry:
    """Four libraries in two regencies, one pair sharing a name."""
    return make_registry([
        make_library("desa-a", name="Perpustakaan Desa Alang", regency="Kabupaten Bintan"),
        make_library("desa-b", name="Perpustakaan Desa Busung", regency="Kabupaten Bintan"),
        make_library("kel-c", kind="kelurahan", name="Perpustakaan Kelurahan Sei Jang", regency="Kota Tanjungpinang"),
        make_library("tbm-d", kind="tbm", name="TBM Pelita", regency="Kota Tanjungpinang"),
    ])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many Forms bodies were validated against discovery."""
    if VALIDATED["bodies"]:
        terminalreporter.write_line(f"forms.v1 discovery: {VALIDATED['bodies']} Forms request/response bodies validated")
