"""A sync killed with SIGKILL mid-write, then rerun: the dead holder is detected and the rerun succeeds.

The killed sync runs as a real ``tpbis sync`` process over HTTP against the emulator;
the emulator holds its commit with a ``Retry-After`` so the kill lands after the lock
was taken and before anything was published.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tpbis.adapters.xlsx import read_workbook
from tpbis.service.outputs import output_names
from tpbis.service.state import LOCK_TTL
from tpbis.service.workbook import LOCK_TAB
from tpbis.testing import FaultRule, SheetsEmulator, google_tabs

WORKBOOK = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def emulator() -> Iterator[SheetsEmulator]:
    """A running emulator with the example workbook as a spreadsheet."""
    with SheetsEmulator() as emu:
        yield emu


def _tpbis(emulator: SheetsEmulator, *argv: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TPBIS_SHEETS_EMULATOR_HOST": emulator.host, "PYTHONPATH": str(SRC)}
    env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "tpbis", "--lang", "en", *argv],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.slow
class TestKilledSync:
    """kill -9 during a sync costs the next run at most the lock's expiry, and nothing is half-written."""

    def test_rerun_after_kill_succeeds(self, emulator: SheetsEmulator) -> None:
        """The rerun waits out the dead holder's lock (≤ LOCK_TTL s), breaks it, says so, and publishes."""
        key = emulator.create_spreadsheet("Kepri", sheets=google_tabs(read_workbook(WORKBOOK)), time_zone="Asia/Jakarta")
        # the first batchUpdate takes the lock; the second (the commit) is held for 120 s
        emulator.inject(FaultRule(status=503, retry_after=120, method="POST", path_contains=":batchUpdate", skip=1))
        first = _tpbis(emulator, "sync", key, "--period", "2024-09")
        deadline = time.monotonic() + 60
        while emulator.count(method="POST", path_contains=":batchUpdate") < 2:
            assert time.monotonic() < deadline, "the first sync never reached its commit"
            assert first.poll() is None, first.communicate()
            time.sleep(0.2)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)  # reaps it and closes its pipes
        assert LOCK_TAB in emulator.tabs(key)  # the dead run's lock is left behind
        assert not set(output_names("en")) & set(emulator.tabs(key))  # and nothing was published
        emulator.clear_faults()

        started = time.monotonic()
        second = _tpbis(emulator, "sync", key, "--period", "2024-09")
        out, err = second.communicate(timeout=LOCK_TTL + 60)
        elapsed = time.monotonic() - started
        assert (0, True) == (second.returncode, elapsed < LOCK_TTL + 30), (out, err, elapsed)
        assert "stopped without finishing" in out + err
        titles = emulator.tabs(key)
        assert (True, False) == (set(output_names("en")) <= set(titles), LOCK_TAB in titles)
