"""The sync service on the in-memory and XLSX adapters, and its request budget at 50,000 rows."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pendulum
import pytest

from tpbis.adapters.memory import MemoryWorkbook
from tpbis.adapters.sheets import open_spreadsheet
from tpbis.adapters.xlsx import XlsxWorkbook, read_workbook
from tpbis.domain.period import Period
from tpbis.errors import SourceError
from tpbis.rubrics import default_rubric
from tpbis.service.sync import SyncOptions, default_periods, sync
from tpbis.testing import SheetsEmulator, repeat_responses

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"

NOW = pendulum.datetime(2024, 10, 2, 9, 0, tz="UTC")


def options(**kwargs: Any) -> SyncOptions:
    """September 2024 under the default rubric."""
    return SyncOptions(periods=(Period.parse("2024-09"),), rubric=default_rubric(), owner="t", now=NOW, **kwargs)


class TestMemoryWorkbook:
    """The service runs unchanged on the in-memory adapter."""

    def test_sync_and_rerun(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """First run writes (lock + outputs), the second finds nothing changed."""
        book = MemoryWorkbook.from_tables(example_tabs)
        assert ("written", "unchanged") == (sync(book, options()).status, sync(book, options()).status)
        assert 2 == book.writes
        assert "_tpbis" in book.hidden

    def test_missing_registry_tab(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """Without 'Perpustakaan' the sync stops before reading anything else."""
        tabs = {k: v for k, v in example_tabs.items() if k != "Perpustakaan"}
        with pytest.raises(SourceError, match="Perpustakaan"):
            sync(MemoryWorkbook.from_tables(tabs), options())

    def test_english_output(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """lang=en names tabs and headers in English."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, options(lang="en"))
        assert {"KPI Scores", "Regional Summary", "Awards", "Data Problems"} <= set(book.tabs)

    def test_default_periods(self) -> None:
        """This month and the year to date."""
        month, year = default_periods(pendulum.date(2026, 11, 25))
        assert (month.key, str(year.start), str(year.end)) == ("2026-11", "2026-01-01", "2026-11-25")


class TestXlsx:
    """`tpbis sync FILE.xlsx` writes the output tabs into the workbook (or a copy)."""

    def test_output_copy_leaves_original(self, tmp_path: Path) -> None:
        """--output writes a copy; the original keeps only its own tabs."""
        source = tmp_path / "kepri.xlsx"
        shutil.copy(EXAMPLE, source)
        copy = tmp_path / "hasil.xlsx"
        sync(XlsxWorkbook(source, copy), options())
        assert {"Respons Formulir 1", "Perpustakaan", "Lomba"} == set(read_workbook(source))
        tabs = read_workbook(copy)
        assert {"Skor KPI", "Rekap Wilayah", "Penghargaan", "Masalah Data", "_tpbis"} <= set(tabs)
        assert 33 == len(tabs["Skor KPI"].rows)

    def test_fingerprint_is_stable_across_processes(self, tmp_path: Path) -> None:
        """Two processes with different hash seeds agree: the second run is 'unchanged'."""
        book = tmp_path / "kepri.xlsx"
        shutil.copy(EXAMPLE, book)
        command = [sys.executable, "-m", "tpbis", "sync", str(book), "--period", "2024-09"]
        outputs = []
        for seed in ("1", "2"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            outputs.append(done.stdout.splitlines()[0])
        assert outputs[0].startswith("Sinkronisasi selesai")
        assert outputs[1].startswith("Tidak ada perubahan")


def big_responses(example_tabs: dict[str, list[list[Any]]], rows: int) -> dict[str, list[list[Any]]]:
    """The example responses repeated (titles numbered) up to ``rows`` data rows."""
    responses = example_tabs["Respons Formulir 1"]
    title = responses[0].index("Nama Kegiatan")
    return {**example_tabs, "Respons Formulir 1": repeat_responses(responses, rows, title_column=title)}


class TestRequestBudget:
    """The number of requests does not grow with the number of rows."""

    @pytest.mark.slow
    def test_fifty_thousand_rows(self, emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> None:
        """50,000 responses: 2 reads, lock write + check, addSheet, 1 atomic write — 7 requests."""
        key = emulator.create_spreadsheet("Nasional", sheets=big_responses(example_tabs, 50_000), time_zone="Asia/Jakarta")
        emulator.clear_requests()
        result = sync(open_spreadsheet(key), options())
        assert (50_000, 7) == (result.report.parse.counts.rows, len(emulator.requests))
