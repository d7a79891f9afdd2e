"""The sync service on the in-memory and XLSX adapters, and its request budget at 50,000 rows."""

from __future__ import annotations

import ast
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
from tpbis.parsing.rows import Counts
from tpbis.parsing.table import Table
from tpbis.rubrics import default_rubric
from tpbis.service import score as score_service
from tpbis.service.options import ReadOptions
from tpbis.service.state import SyncState, SyncStatus, read_state, state_cells
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
        """50,000 responses: 2 reads, the lock, 1 atomic write — 4 requests."""
        key = emulator.create_spreadsheet("Nasional", sheets=big_responses(example_tabs, 50_000), time_zone="Asia/Jakarta")
        emulator.clear_requests()
        result = sync(open_spreadsheet(key), options())
        assert (50_000, 4) == (result.report.parse.counts.rows, len(emulator.requests))


class TestSpreadsheetZone:
    """The spreadsheet's own time zone applies only when no setting names one."""

    def zone_used(self, example_tabs: dict[str, list[list[Any]]], read: ReadOptions,
                  monkeypatch: pytest.MonkeyPatch) -> str:
        """The zone the sync parsed with, on a workbook whose metadata says Asia/Makassar."""
        seen: list[str] = []
        parse = score_service.parse_responses

        def recording(*args: Any, **kwargs: Any) -> Any:
            seen.append(kwargs["sheet_timezone"])
            return parse(*args, **kwargs)

        monkeypatch.setattr(score_service, "parse_responses", recording)
        book = MemoryWorkbook.from_tables(example_tabs)
        book.timezone = "Asia/Makassar"
        sync(book, options(read=read, dry_run=True))
        return seen[0]

    def test_unset_takes_the_spreadsheet_zone(
        self, example_tabs: dict[str, list[list[Any]]], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No setting: the spreadsheet's metadata decides."""
        assert "Asia/Makassar" == self.zone_used(example_tabs, ReadOptions(), monkeypatch)

    def test_setting_beats_the_spreadsheet(
        self, example_tabs: dict[str, list[list[Any]]], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A zone from a flag, variable or tpbis.toml wins over the metadata."""
        assert "Asia/Jayapura" == self.zone_used(example_tabs, ReadOptions(sheet_timezone="Asia/Jayapura"), monkeypatch)


#: What tpbis 0.1.0 (string-dict state) left in ``_tpbis`` after a complete sync.
PREVIOUS_STATE = (
    ("format", "tpbis-state/1"), ("status", "complete"), ("fingerprint", "abc"), ("rubric", "tpbis-default@1"),
    ("periods", "2024-09, 2024-01-01..2024-10-02"), ("lang", "id"), ("tpbis_version", "0.1.0"),
    ("last_complete_at", "2024-10-02T09:00:00Z"), ("last_complete_fingerprint", "abc"),
    ("last_complete_counts", "rows=1843 accepted=1787 rejected=48 duplicates=5 blank=3"),
    ("lock_owner", ""), ("lock_expires", ""),
)


class TestSyncState:
    """The typed _tpbis state reads and writes the same cells as before."""

    def test_reads_the_previous_format(self) -> None:
        """A state written by the string-dict version structures to the same values."""
        state = read_state(Table(name="_tpbis", header=("key", "value"), rows=PREVIOUS_STATE))
        expected = SyncState(
            status=SyncStatus.COMPLETE, fingerprint="abc", rubric="tpbis-default@1",
            periods=("2024-09", "2024-01-01..2024-10-02"), lang="id", tpbis_version="0.1.0",
            last_complete_at=pendulum.datetime(2024, 10, 2, 9, 0, tz="UTC"), last_complete_fingerprint="abc",
            last_complete_counts=Counts(rows=1843, accepted=1787, rejected=48, duplicates=5, blank=3),
        )
        assert expected == state

    def test_writes_the_same_cells(self) -> None:
        """The previous version's rows come back in the same order (counts gain excluded); the lock moved out."""
        state = read_state(Table(name="_tpbis", header=("key", "value"), rows=PREVIOUS_STATE))
        kept = [
            (key, f"{value} excluded=0" if key == "last_complete_counts" else value)
            for key, value in PREVIOUS_STATE if not key.startswith("lock_")
        ]
        expected = (*kept, ("tabs", ""), ("outputs", ""), ("activities", "0"), ("history_rows", "0"), ("history_digest", ""))
        assert expected == state_cells(state)

    def test_unreadable_cells_count_as_empty(self) -> None:
        """An edited tab: unknown status is not complete, an unreadable number is 0, extra keys go."""
        rows = (("status", "selesai"), ("activities", "banyak"), ("lock_owner", "budi"), ("catatan", "x"))
        state = read_state(Table(name="_tpbis", header=("key", "value"), rows=rows))
        assert (SyncStatus.NONE, 0, SyncState()) == (state.status, state.activities, state)

    def test_absent_tab_is_the_empty_state(self) -> None:
        """No _tpbis tab: nothing synced yet."""
        assert SyncState() == read_state(None)

    def test_sync_writes_a_typed_state(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """After a sync the tab reads back as complete, with this run's counts, time and tabs; the lock is gone."""
        book = MemoryWorkbook.from_tables(example_tabs)
        result = sync(book, options())
        state = read_state(book.read(["_tpbis"])["_tpbis"])
        assert (SyncStatus.COMPLETE, NOW, result.report.parse.counts, result.fingerprint, False) == (
            state.status, state.last_complete_at, state.last_complete_counts,
            state.last_complete_fingerprint, "_tpbis_lock" in book.tabs,
        )
        assert ("Skor KPI", "Rekap Wilayah", "Penghargaan", "Masalah Data", "_tpbis") == state.tabs


class TestLayers:
    """The service is composed by its callers: it imports no adapter."""

    def test_service_imports_no_adapter(self) -> None:
        """No module under tpbis/service imports tpbis.adapters, tpbis.sources or tpbis.cli (even lazily)."""
        service = Path(__file__).resolve().parents[2] / "src" / "tpbis" / "service"
        found = []
        for path in sorted(service.glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                found += [f"{path.name}: {n}" for n in names
                          if n.startswith(("tpbis.adapters", "tpbis.sources", "tpbis.cli"))]
        assert [] == found


class TestMemoryLock:
    """The in-memory workbook keeps the same lock contract as Google Sheets."""

    def test_live_lock_stops_and_stale_lock_is_broken(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A lock with a fresh heartbeat stops the sync (exit 3); one a minute old is broken and reported."""
        from tpbis.errors import LockError
        from tpbis.service.state import LockRecord, lock_cells

        def seeded(heartbeat: pendulum.DateTime) -> MemoryWorkbook:
            book = MemoryWorkbook.from_tables(example_tabs)
            rows = lock_cells(LockRecord(run="run-x", since=heartbeat, heartbeat=heartbeat))
            book.tabs["_tpbis_lock"] = [["key", "value"], *[list(r) for r in rows]]
            return book

        with pytest.raises(LockError) as info:
            sync(seeded(NOW.subtract(seconds=5)), options())
        result = sync(seeded(NOW.subtract(seconds=61)), options())
        assert (3, "written", "run-x") == (
            info.value.exit_code, result.status, result.broken_lock.run if result.broken_lock else ""
        )

    def test_lock_taken_meanwhile_is_contended(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A lock tab that appeared after info(): lock() refuses, nothing is written."""
        from tpbis.service.workbook import LockContended, OutputTab

        book = MemoryWorkbook.from_tables(example_tabs)
        book.info()
        book.tabs["_tpbis_lock"] = [["key", "value"], ["run", "run-y"]]
        claim = OutputTab(name="_tpbis_lock", header=("key", "value"), rows=(("run", "run-z"),), hidden=True)
        with pytest.raises(LockContended):
            book.lock(claim, replace=True)
        assert [["key", "value"], ["run", "run-y"]] == book.tabs["_tpbis_lock"]
