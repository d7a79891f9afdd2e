"""Fixtures for the emulator tests: a running emulator whose traffic is checked against discovery."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from discovery_tally import assert_valid
from tpbis.testing import SheetsEmulator
from tpbis.testing._discovery import DiscoveryValidator
from tpbis.testing.emulator import KNOWN_DIFFERENCES

CONFORMANCE_STATS = pytest.StashKey[dict[str, tuple[int, int]]]()


@pytest.fixture
def emulator(discovery: DiscoveryValidator) -> Iterator[SheetsEmulator]:
    """A running emulator; afterwards every body it saw must validate against discovery."""
    with SheetsEmulator() as emu:
        yield emu
    assert_valid(discovery, emu.requests)


@pytest.fixture(scope="session")
def conformance_stats(request: pytest.FixtureRequest) -> dict[str, tuple[int, int]]:
    """Per-cassette (passed, total) counts, printed in the terminal summary."""
    return request.config.stash.setdefault(CONFORMANCE_STATS, {})


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Print the conformance pass rate when the replay ran."""
    stats = config.stash.get(CONFORMANCE_STATS, {})
    if not stats:
        return
    terminalreporter.section("Sheets emulator conformance (gspread cassettes)")
    passed = sum(p for p, _ in stats.values())
    total = sum(t for _, t in stats.values())
    for name, (p, t) in sorted(stats.items()):
        terminalreporter.write_line(f"{p:3d}/{t:<3d} {name}")
    terminalreporter.write_line(f"overall: {passed}/{total} interactions = {100 * passed / max(total, 1):.1f}%")
    terminalreporter.write_line("known differences from Google (tpbis.testing.emulator.KNOWN_DIFFERENCES):")
    for difference in KNOWN_DIFFERENCES:
        terminalreporter.write_line(f"  - {difference}")
