"""The Riwayat history: appended by each sync inside its atomic commit, read back, and the change it feeds."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pendulum
import pytest

from tpbis.adapters.memory import MemoryWorkbook
from tpbis.adapters.sheets import RetryPolicy, SheetsWorkbook, open_spreadsheet
from tpbis.cli import main
from tpbis.domain.period import Period
from tpbis.errors import RemoteError
from tpbis.history import HISTORY_COLUMNS, HISTORY_TAB, latest_snapshots, read_history
from tpbis.parsing.table import Table
from tpbis.rubrics import default_rubric
from tpbis.service.sync import SyncOptions, SyncResult, sync
from tpbis.testing import FaultRule, SheetsEmulator

NOW = pendulum.datetime(2024, 10, 2, 9, 0, tz="UTC")
AUGUST, SEPTEMBER = Period.parse("2024-08"), Period.parse("2024-09")
RESPONSES = "Respons Formulir 1"


def options(period: Period, owner: str, **kwargs: Any) -> SyncOptions:
    """One month under the default rubric, at a fixed instant."""
    return SyncOptions(rubric=default_rubric(), owner=owner, periods=(period,), now=NOW, **kwargs)


def history_of(book: MemoryWorkbook) -> Table:
    """The Riwayat tab of an in-memory workbook."""
    return book.read([HISTORY_TAB])[HISTORY_TAB]


def scores(result: SyncResult) -> dict[str, dict[str, Any]]:
    """Skor KPI as library id → {header: cell}."""
    tab = result.tabs[0]
    return {str(row[0]): dict(zip(tab.header, row, strict=False)) for row in tab.rows}


def sheets(emulator: SheetsEmulator, key: str, attempts: int = 6) -> SheetsWorkbook:
    """The spreadsheet through gspread over the in-process transport."""
    return open_spreadsheet(key, session=emulator.session(),
                            policy=RetryPolicy(attempts=attempts, sleep=lambda _: None))


@pytest.fixture
def key(emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> str:
    """The example workbook as a Google spreadsheet."""
    return emulator.create_spreadsheet("TPBIS Kepri 2024", sheets=example_tabs, time_zone="Asia/Jakarta")


class TestHistoryRoundTrip:
    """Two syncs over two months: the history holds both, and the change is their difference."""

    def test_two_months_in_memory(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """August then September: one snapshot per library each, Δ = September − August from the history."""
        book = MemoryWorkbook.from_tables(example_tabs)
        first = sync(book, options(AUGUST, "run-aug"))
        second = sync(book, options(SEPTEMBER, "run-sep"))
        snapshots = read_history(history_of(book))
        libraries = len(second.report.runs[0].results) if second.report is not None else 0
        assert (libraries, libraries) == (first.history_added, second.history_added)
        assert ["2024-08", "2024-09"] == sorted({s.period for s in snapshots})
        august, september = latest_snapshots(snapshots, "2024-08"), latest_snapshots(snapshots, "2024-09")
        rows = scores(second)
        delta = "Δ Komposit (periode sebelumnya)"
        expected = {lib: float(september[lib].composite - august[lib].composite)  # type: ignore[operator]
                    for lib in september}
        assert expected == {lib: rows[lib][delta] for lib in september}
        moved = {lib: rows[lib]["Perubahan (periode sebelumnya)"] for lib in september}
        assert set(moved.values()) <= {"naik", "turun", "tetap"}

    def test_columns_and_format(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """The tab starts with the documented header; each row says its format, rubric, digest and run."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, options(SEPTEMBER, "run-1"))
        table = history_of(book)
        first = read_history(table)[0]
        rubric = default_rubric()
        assert HISTORY_COLUMNS == table.header
        assert ("1.2", "run-1", rubric.ref, rubric.digest, "2024-09", NOW) == (
            first.format, first.run, first.rubric, first.digest, first.period, first.at)
        assert {i.id for i in rubric.indicators} == set(first.indicators)

    def test_two_months_on_sheets(self, emulator: SheetsEmulator, key: str) -> None:
        """On Google Sheets too: the second sync appends below the first one's rows, which stay as they were."""
        sync(sheets(emulator, key), options(AUGUST, "run-aug"))
        before = emulator.values(key, HISTORY_TAB)
        sync(sheets(emulator, key), options(SEPTEMBER, "run-sep"))
        after = emulator.values(key, HISTORY_TAB)
        periods = {row[HISTORY_COLUMNS.index("period")] for row in after[1:]}
        assert (before, {"2024-08", "2024-09"}) == (after[: len(before)], periods)
        assert len(before) * 2 - 1 == len(after)


class TestHistoryInTheCommit:
    """The append is part of the sync's one atomic commit and costs no extra request."""

    def test_request_budget_unchanged(self, emulator: SheetsEmulator, key: str) -> None:
        """A changed input with history still takes 2 reads + lock + commit; an unchanged rerun 2 reads."""
        sync(sheets(emulator, key), options(SEPTEMBER, "run-1"))
        emulator.set_cell(key, RESPONSES, 5, 3, "Rapat warga")
        emulator.clear_requests()
        result = sync(sheets(emulator, key), options(SEPTEMBER, "run-2"))
        assert ("written", 4, 2) == (result.status, len(emulator.requests), emulator.count("POST", ":batchUpdate"))
        emulator.clear_requests()
        rerun = sync(sheets(emulator, key), options(SEPTEMBER, "run-3"))
        assert ("unchanged", 2, 0) == (rerun.status, len(emulator.requests), rerun.history_added)

    def test_fault_at_the_commit_changes_nothing(self, emulator: SheetsEmulator, key: str) -> None:
        """The commit fails: neither the outputs nor the history change."""
        sync(sheets(emulator, key), options(AUGUST, "run-1"))
        before = {name: emulator.values(key, name) for name in ("Skor KPI", "_tpbis", HISTORY_TAB)}
        emulator.clear_requests()
        emulator.inject(FaultRule(status=500, skip=3, times=1))  # GET, batchGet, lock, then the commit
        with pytest.raises(RemoteError):
            sync(sheets(emulator, key, attempts=1), options(SEPTEMBER, "run-2"))
        emulator.clear_faults()
        assert before == {name: emulator.values(key, name) for name in ("Skor KPI", "_tpbis", HISTORY_TAB)}

    def test_unchanged_rerun_appends_nothing(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A rerun over the same input leaves the history as it was, even when forced."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, options(SEPTEMBER, "run-1"))
        rows = copy.deepcopy(book.tabs[HISTORY_TAB])
        again = sync(book, options(SEPTEMBER, "run-2"))
        forced = sync(book, options(SEPTEMBER, "run-3", force=True))
        assert ("unchanged", "written", 0, rows) == (again.status, forced.status, forced.history_added,
                                                     book.tabs[HISTORY_TAB])

    def test_hand_edit_is_reported_not_rewritten(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A row removed by hand is reported; what is there is kept, the new rows go below it."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, options(AUGUST, "run-1"))
        del book.tabs[HISTORY_TAB][2]
        kept = copy.deepcopy(book.tabs[HISTORY_TAB])
        result = sync(book, options(SEPTEMBER, "run-2"))
        assert (True, kept) == (result.history_edited, book.tabs[HISTORY_TAB][: len(kept)])
        assert len(kept) + result.history_added == len(book.tabs[HISTORY_TAB])
        clean = sync(book, options(Period.parse("2024-07"), "run-3"))
        assert (False, True) == (clean.history_edited, clean.history_added > 0)

    def test_emptied_tab_gets_one_header(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A Riwayat tab emptied by hand is written from its first row again: one header, then the rows."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, options(AUGUST, "run-1"))
        book.tabs[HISTORY_TAB] = [[""] * len(HISTORY_COLUMNS)]
        result = sync(book, options(SEPTEMBER, "run-2"))
        rows = book.tabs[HISTORY_TAB]
        assert (True, [list(HISTORY_COLUMNS)], result.history_added) == (
            result.history_edited, [list(r) for r in rows if r[0] == "format"], len(rows) - 1)
        assert {s.period for s in read_history(history_of(book))} == {"2024-09"}

    def test_emptied_tab_on_sheets(self, emulator: SheetsEmulator, key: str) -> None:
        """The same on Google Sheets: the cleared tab's first row is the header again."""
        sync(sheets(emulator, key), options(AUGUST, "run-1"))
        for r, row in enumerate(emulator.values(key, HISTORY_TAB)):
            for c, _ in enumerate(row):
                emulator.set_cell(key, HISTORY_TAB, r, c, None)
        result = sync(sheets(emulator, key), options(SEPTEMBER, "run-2"))
        after = emulator.values(key, HISTORY_TAB)
        assert (list(HISTORY_COLUMNS), result.history_added + 1) == (after[0][: len(HISTORY_COLUMNS)], len(after))
        assert [row for row in after[1:] if row[0] == "format"] == []

    def test_emptied_tab_in_xlsx(self, tmp_path: Path) -> None:
        """The same in an .xlsx workbook whose Riwayat rows were deleted."""
        import openpyxl

        path = tmp_path / "kepri.xlsx"
        path.write_bytes((Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx").read_bytes())
        assert 0 == main(["sync", str(path), "--period", "2024-08"])
        book = openpyxl.load_workbook(path)
        book[HISTORY_TAB].delete_rows(1, book[HISTORY_TAB].max_row)
        book.save(path)
        assert 0 == main(["sync", str(path), "--period", "2024-09"])
        rows = list(openpyxl.load_workbook(path, read_only=True)[HISTORY_TAB].iter_rows(values_only=True))
        assert [r[0] for r in rows].count("format") == 1
        assert (rows[0][: len(HISTORY_COLUMNS)], {r[4] for r in rows[1:]}) == (HISTORY_COLUMNS, {"2024-09"})


class TestHistoryExport:
    """``tpbis history export`` writes the snapshots as CSV, JSON or Parquet."""

    @pytest.fixture
    def source(self, example_tabs: dict[str, list[list[Any]]], tmp_path: Path) -> Path:
        """A CSV of a Riwayat tab after two syncs."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, options(AUGUST, "run-aug"))
        sync(book, options(SEPTEMBER, "run-sep"))
        path = tmp_path / "riwayat.csv"
        import csv

        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(book.tabs[HISTORY_TAB])
        return path

    def test_json(self, source: Path, tmp_path: Path) -> None:
        """JSON: one object per snapshot with the indicators as an object."""
        out = tmp_path / "h.json"
        assert 0 == main(["history", "export", str(source), "--format", "json", "--output", str(out)])
        items = json.loads(out.read_text(encoding="utf-8"))
        assert ({"2024-08", "2024-09"}, "run-sep") == ({i["period"] for i in items}, items[-1]["run"])
        assert isinstance(items[0]["indicators"], dict)
        assert isinstance(items[0]["composite"], float)

    def test_csv(self, source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """CSV on standard output: the documented columns, one line per snapshot."""
        assert 0 == main(["history", "export", str(source), "--format", "csv"])
        lines = capsys.readouterr().out.splitlines()
        rows = source.read_text(encoding="utf-8").splitlines()
        assert (",".join(HISTORY_COLUMNS), len(rows)) == (lines[0], len(lines))

    def test_parquet(self, source: Path, tmp_path: Path) -> None:
        """Parquet (with the ``history`` extra): same rows, composite as a float column."""
        parquet = pytest.importorskip("pyarrow.parquet")
        out = tmp_path / "h.parquet"
        assert 0 == main(["history", "export", str(source), "--format", "parquet", "--output", str(out)])
        table = parquet.read_table(out)
        rows = source.read_text(encoding="utf-8").splitlines()
        assert (list(HISTORY_COLUMNS), len(rows) - 1) == (table.column_names, table.num_rows)
        assert Decimal(str(table.column("composite")[0].as_py())) >= 0

    def test_no_history_tab(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An XLSX without Riwayat: one message, exit 2."""
        from tpbis.adapters.xlsx import XlsxWorkbook  # noqa: F401  # the xlsx extra is installed

        path = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"
        assert 2 == main(["history", "export", str(path), "--format", "csv"])
        assert "Riwayat" in capsys.readouterr().err
