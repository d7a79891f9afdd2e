"""Closed periods: ``tpbis close`` freezes a period's published results; a late row is reported, not applied."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pendulum
import pytest

from tpbis.adapters.memory import MemoryWorkbook
from tpbis.adapters.sheets import RetryPolicy, SheetsWorkbook, open_spreadsheet
from tpbis.adapters.xlsx import read_workbook
from tpbis.cli import main
from tpbis.domain.period import Period
from tpbis.errors import RemoteError
from tpbis.history import (
    HISTORY_COLUMNS,
    HISTORY_TAB,
    Event,
    closures,
    latest_snapshots,
    read_history,
)
from tpbis.i18n import t
from tpbis.parsing.table import Table
from tpbis.report import build_report_data
from tpbis.rubrics import default_rubric
from tpbis.service.close import CLOSED_CHANGED
from tpbis.service.options import ReadOptions
from tpbis.service.score import inputs_from_tables
from tpbis.service.sync import SyncOptions, SyncResult, sync
from tpbis.testing import FaultRule, SheetsEmulator

NOW = pendulum.datetime(2024, 10, 2, 9, 0, tz="UTC")
LATER = pendulum.datetime(2024, 10, 9, 9, 0, tz="UTC")
SEPTEMBER = Period.parse("2024-09")
RESPONSES = "Respons Formulir 1"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"
#: 1 September 2024 and 5 October 2024 (10:00) as spreadsheet serial numbers
SEPT_1, OCT_5 = 45536, 45570 + 10 / 24


def options(owner: str, now: pendulum.DateTime = NOW, periods: tuple[Period, ...] = (SEPTEMBER,),
            **kwargs: Any) -> SyncOptions:
    """September 2024 (or ``periods``) under the default rubric."""
    return SyncOptions(rubric=default_rubric(), owner=owner, periods=periods, now=now, **kwargs)


def closing(owner: str, now: pendulum.DateTime = NOW, *, reopen: bool = False) -> SyncOptions:
    """``tpbis close --period 2024-09`` (or ``--reopen``)."""
    return SyncOptions(rubric=default_rubric(), owner=owner, periods=(), now=now,
                       event=Event.REOPEN if reopen else Event.CLOSE, closing=SEPTEMBER)


def scores(result: SyncResult) -> dict[str, tuple[Any, Any]]:
    """Skor KPI as library id → (composite, colour) of September."""
    tab = result.tabs[0]
    composite, color = tab.header.index("Skor"), tab.header.index("Warna")
    return {str(row[0]): (row[composite], row[color]) for row in tab.rows}


def weakest(tabs: dict[str, list[list[Any]]], result: SyncResult) -> tuple[str, list[list[Any]]]:
    """The September library with the lowest composite that reported in September, and its September rows."""
    assert result.report is not None
    run = result.report.runs[0]
    rows = tabs[RESPONSES]
    sheet_rows: dict[str, list[int]] = {}
    for activity in result.report.parse.activities:
        if SEPTEMBER.start <= activity.date <= SEPTEMBER.end:
            sheet_rows.setdefault(activity.library_id, []).append(activity.source.row)
    for scored in sorted(run.results, key=lambda r: r.composite):
        if scored.library.id in sheet_rows:
            return scored.library.id, [rows[n - 1] for n in sheet_rows[scored.library.id]]
    raise AssertionError("no library reported in September")


def late_rows(rows: list[list[Any]], n: int = 12) -> list[list[Any]]:
    """``n`` new September reports copied from ``rows``, sent on 5 October (after the close)."""
    out = []
    for i in range(n):
        row = list(rows[i % len(rows)])
        row[0], row[4] = OCT_5, f"Kegiatan susulan {i}"
        row[6], row[7] = 30, 30
        out.append(row)
    return out


def problems(result: SyncResult) -> list[Any]:
    """The closed-period differences of a sync."""
    assert result.awards is not None
    return [p for p in result.awards.problems if p.code == CLOSED_CHANGED]


class TestCloseInMemory:
    """Close, a late report, the frozen outputs and the difference problem, then reopen."""

    def test_late_row_is_reported_not_applied_until_reopen(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """The closed September keeps its published values; the problem names the library, values and late rows."""
        tabs = copy.deepcopy(example_tabs)
        book = MemoryWorkbook.from_tables(tabs)
        published = sync(book, options("run-1"))
        library, mine = weakest(tabs, published)
        closed = sync(book, closing("close-1"))
        assert ("written", ("2024-09",)) == (closed.status, closed.closed)
        assert scores(published) == scores(closed)
        first_new = len(book.tabs[RESPONSES]) + 1  # the sheet row of the first late report
        book.tabs[RESPONSES].extend(late_rows(mine))
        late = sync(book, options("run-2", LATER))
        found = problems(late)
        assert scores(published) == scores(late)  # nothing applied
        assert [library] == [library for p in found if library in p.message.render("en")]
        message = found[0].message.render("en")
        old = published.report.runs[0].result(library) if published.report else None
        assert old is not None
        assert f"{old.color.value} {old.composite}" in message
        assert str(first_new) in message
        assert found[0].row == first_new
        assert 0 == late.history_added  # a closed period publishes nothing new
        reopened = sync(book, closing("open-1", LATER, reopen=True))
        assert scores(reopened)[library] != scores(published)[library]
        assert ((), []) == (reopened.closed, problems(reopened))
        assert {} == closures(read_history(Table(name=HISTORY_TAB, header=HISTORY_COLUMNS,
                                                 rows=book.tabs[HISTORY_TAB][1:])))
        latest = latest_snapshots(read_history(Table(name=HISTORY_TAB, header=HISTORY_COLUMNS,
                                                     rows=book.tabs[HISTORY_TAB][1:])), "2024-09")
        assert float(latest[library].composite or 0) == scores(reopened)[library][0]

    def test_closing_twice_writes_nothing(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A second close says when the period was closed and leaves the workbook as it was."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, options("run-1"))
        sync(book, closing("close-1"))
        before = copy.deepcopy(book.tabs)
        again = sync(book, closing("close-2", LATER))
        assert ("already_closed", "close-1", NOW, before) == (
            again.status, again.closure.run if again.closure else "", again.closure.at if again.closure else None,
            book.tabs)
        reopen = sync(book, closing("open-1", LATER, reopen=True))
        assert "not_closed" == sync(book, closing("open-2", LATER, reopen=True)).status
        assert "written" == reopen.status

    def test_closing_a_period_never_synced(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """It is scored, published and frozen in one commit: sync rows, then close rows with the same values."""
        book = MemoryWorkbook.from_tables(example_tabs)
        result = sync(book, closing("close-1"))
        snapshots = read_history(Table(name=HISTORY_TAB, header=HISTORY_COLUMNS, rows=book.tabs[HISTORY_TAB][1:]))
        events = [s.event for s in snapshots]
        libraries = len(result.report.runs[0].results) if result.report else 0
        assert [Event.SYNC] * libraries + [Event.CLOSE] * libraries == events
        frozen = closures(snapshots)["2024-09"]
        assert {k: (float(s.composite or 0), s.color.value if s.color else "") for k, s in frozen.snapshots.items()} \
            == scores(result)

    def test_history_of_format_1_gains_a_header_row(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A Riwayat tab written before ``event`` existed: its rows still read, and the close is readable."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, options("run-1"))
        old_header = list(HISTORY_COLUMNS[:-2])
        book.tabs[HISTORY_TAB] = [old_header, *([*row[:-2]] for row in book.tabs[HISTORY_TAB][1:])]
        for row in book.tabs[HISTORY_TAB][1:]:
            row[0] = "1"
        kept = copy.deepcopy(book.tabs[HISTORY_TAB])
        sync(book, closing("close-1"))
        grid = book.tabs[HISTORY_TAB]
        snapshots = read_history(Table(name=HISTORY_TAB, header=tuple(grid[0]), rows=grid[1:]))
        assert (kept, list(HISTORY_COLUMNS)) == (grid[: len(kept)], list(grid[len(kept)]))
        assert {Event.SYNC, Event.CLOSE} == {s.event for s in snapshots}
        assert "run-1" == snapshots[0].run
        assert "2024-09" in closures(snapshots)

    def test_edited_rows_do_not_move_the_awards(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """Partners and documentation links removed from September's rows after the close (reported before
        it): the KPI does not change, the awards keep the tallies frozen with the close. A closure written
        before the ``awards`` column (format 1.1) evaluates the edited rows: the test can tell them apart."""
        tabs = copy.deepcopy(example_tabs)
        book = MemoryWorkbook.from_tables(tabs)
        sync(book, options("run-1"))
        closed = sync(book, closing("close-1"))
        frozen = award_table(closed)
        assert closed.report is not None
        september = {a.source.row for a in closed.report.parse.activities
                     if SEPTEMBER.start <= a.date <= SEPTEMBER.end}
        for row in september:
            book.tabs[RESPONSES][row - 1][8:10] = ["", ""]  # Mitra yang Terlibat, Tautan Dokumentasi
        edited = sync(book, options("run-2", LATER))
        assert (frozen, scores(closed)) == (award_table(edited), scores(edited))
        grid = book.tabs[HISTORY_TAB]
        assert all(row[HISTORY_COLUMNS.index("awards")] for row in grid[1:] if row[-2] == "close")
        for row in grid[1:]:  # the same history as format 1.1 wrote it: no award tallies
            row[-1] = ""
        old_format = sync(book, options("run-3", LATER, force=True))
        assert award_table(old_format) != frozen


def award_table(result: SyncResult) -> list[tuple[str, int, str, bool, int | None, str]]:
    """Every award entry of a sync: category, level, library, eligible, rank and score."""
    assert result.awards is not None
    return [(c.category.id, c.level, e.library.id, e.eligible, e.rank, str(e.score))
            for c in result.awards.categories for e in c.entries]


@pytest.fixture
def key(emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> str:
    """The example workbook as a Google spreadsheet."""
    return emulator.create_spreadsheet("TPBIS Kepri 2024", sheets=example_tabs, time_zone="Asia/Jakarta")


def sheets(emulator: SheetsEmulator, key: str, attempts: int = 6) -> SheetsWorkbook:
    """The spreadsheet through gspread over the in-process transport."""
    return open_spreadsheet(key, session=emulator.session(),
                            policy=RetryPolicy(attempts=attempts, sleep=lambda _: None))


class TestCloseOnSheets:
    """The same on Google Sheets (emulated): frozen outputs, the difference problem, an atomic close."""

    def test_late_row_on_sheets(self, emulator: SheetsEmulator, key: str,
                                example_tabs: dict[str, list[list[Any]]]) -> None:
        """After the close, a late report leaves Skor KPI as published and lists the difference."""
        published = sync(sheets(emulator, key), options("run-1"))
        library, mine = weakest(example_tabs, published)
        sync(sheets(emulator, key), closing("close-1"))
        skor = emulator.values(key, "Skor KPI")
        start = len(emulator.values(key, RESPONSES))
        for offset, row in enumerate(late_rows(mine)):
            for column, value in enumerate(row):
                emulator.set_cell(key, RESPONSES, start + offset, column, value)
        late = sync(sheets(emulator, key), options("run-2", LATER))
        masalah = emulator.values(key, "Masalah Data")
        assert ("written", skor) == (late.status, emulator.values(key, "Skor KPI"))
        assert any(CLOSED_CHANGED in row and library in " ".join(map(str, row)) for row in masalah)
        sync(sheets(emulator, key), closing("open-1", LATER, reopen=True))
        assert skor != emulator.values(key, "Skor KPI")

    def test_second_close_sends_no_write(self, emulator: SheetsEmulator, key: str) -> None:
        """Closing a closed period only reads."""
        sync(sheets(emulator, key), options("run-1"))
        sync(sheets(emulator, key), closing("close-1"))
        emulator.clear_requests()
        again = sync(sheets(emulator, key), closing("close-2"))
        assert ("already_closed", 0) == (again.status, emulator.count("POST"))

    def test_fault_at_the_close_commit_changes_nothing(self, emulator: SheetsEmulator, key: str) -> None:
        """The close's commit fails: outputs, state and history stay as they were; a retry closes."""
        sync(sheets(emulator, key), options("run-1"))
        names = ("Skor KPI", "_tpbis", HISTORY_TAB)
        before = {name: emulator.values(key, name) for name in names}
        emulator.inject(FaultRule(status=500, skip=3, times=1))  # GET, batchGet, lock, then the commit
        with pytest.raises(RemoteError):
            sync(sheets(emulator, key, attempts=1), closing("close-1"))
        emulator.clear_faults()
        assert before == {name: emulator.values(key, name) for name in names}
        assert "written" == sync(sheets(emulator, key), closing("close-2")).status
        history = emulator.values(key, HISTORY_TAB)
        assert "close-2" == closures(read_history(Table(name=HISTORY_TAB, header=tuple(history[0]),
                                                        rows=history[1:])))["2024-09"].run


def published(table: Table) -> list[tuple[Any, ...]]:
    """Skor KPI's rows without the plan column (advice computed from the frozen values, shares stored rounded)."""
    gap = table.header.index(t("col.gap", "id"))
    return [tuple(c for i, c in enumerate(row) if i != gap) for row in table.rows]


class TestCloseCommandOnXlsx:
    """``tpbis close`` on an .xlsx, then ``sync`` and ``score`` respect the closure; ``--reopen`` applies."""

    def test_cli_close_sync_reopen(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The published values stay through a late report (with the problem in Masalah Data) until reopened."""
        path = tmp_path / "kepri.xlsx"
        path.write_bytes(EXAMPLE.read_bytes())
        assert 0 == main(["sync", str(path), "--period", "2024-09", "--format", "json"])
        skor = read_workbook(path)["Skor KPI"]
        assert 0 == main(["close", str(path), "--period", "2024-09"])
        assert "2024-09" in capsys.readouterr().out
        book = openpyxl.load_workbook(path)
        sheet = book[RESPONSES]
        library = skor.rows[-1][0]
        name = read_workbook(path)["Perpustakaan"]
        library_name = next(r[1] for r in name.rows if r[0] == library)
        for i in range(12):
            sheet.append([pendulum.datetime(2024, 10, 5, 10).naive(), "x@example.com", library_name,
                          pendulum.date(2024, 9, 20), f"Kegiatan susulan {i}", "Promosi layanan", 30, 30, "",
                          "https://example.com/d", ""])
        book.save(path)
        assert 0 == main(["sync", str(path), "--period", "2024-09"])
        after = read_workbook(path)
        assert published(skor) == published(after["Skor KPI"])
        assert any(CLOSED_CHANGED in row for row in after["Masalah Data"].rows)
        capsys.readouterr()
        assert 0 == main(["score", str(path), "--period", "2024-09", "--format", "json"])
        document = json.loads(capsys.readouterr().out)
        shown = {r["library_id"]: (r["composite"], r["color"]) for r in document["results"]}
        composite, color = skor.header.index("Skor"), skor.header.index("Warna")
        assert {str(r[0]): (r[composite], r[color]) for r in skor.rows} == shown  # score shows the frozen values
        assert [library] == [p["message_en"].split("(")[1].split(")")[0] for p in document["problems"]
                             if p["code"] == CLOSED_CHANGED]
        assert 0 == main(["close", str(path), "--period", "2024-09"])  # idempotent
        assert 0 == main(["close", str(path), "--period", "2024-09", "--reopen"])
        assert published(skor) != published(read_workbook(path)["Skor KPI"])


class TestHistoryFeedsScoreAndReport:
    """``score`` and ``report`` take earlier months from the Riwayat history when it has them."""

    def test_report_trend_reads_history(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A snapshot value that differs from a rescore shows the snapshot's; a month without one is rescored."""
        book = MemoryWorkbook.from_tables(example_tabs)
        sync(book, SyncOptions(rubric=default_rubric(), owner="run-aug", periods=(Period.parse("2024-08"),), now=NOW))
        grid = book.tabs[HISTORY_TAB]
        composite = HISTORY_COLUMNS.index("composite")
        library = str(grid[1][HISTORY_COLUMNS.index("library_id")])
        grid[1][composite] = 12.3
        tables = book.read(list(book.info().tabs))
        inputs = inputs_from_tables(tables, source="kepri", read=ReadOptions())
        history = read_history(tables[HISTORY_TAB])
        data = build_report_data(inputs, default_rubric(), SEPTEMBER, history=history)
        plain = build_report_data(inputs, default_rubric(), SEPTEMBER)
        months = [run.period.key for run in data.trend]
        august, july = months.index("2024-08"), months.index("2024-07")
        assert Decimal("12.3") == data.trend[august].result(library).composite
        assert Decimal("12.3") != plain.trend[august].result(library).composite
        assert [r.composite for r in plain.trend[july].results] == [r.composite for r in data.trend[july].results]

    def test_score_change_from_history(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """``score --format json`` compares with the August snapshot in Riwayat, not a rescore."""
        path = tmp_path / "kepri.xlsx"
        path.write_bytes(EXAMPLE.read_bytes())
        assert 0 == main(["sync", str(path), "--period", "2024-08", "--format", "json"])
        book = openpyxl.load_workbook(path)
        sheet = book[HISTORY_TAB]
        column = HISTORY_COLUMNS.index("composite") + 1
        library = sheet.cell(row=2, column=HISTORY_COLUMNS.index("library_id") + 1).value
        sheet.cell(row=2, column=column).value = 12.3
        book.save(path)
        capsys.readouterr()
        assert 0 == main(["score", str(path), "--period", "2024-09", "--format", "json"])
        document = json.loads(capsys.readouterr().out)
        found = next(r for r in document["results"] if library in json.dumps(r))
        previous = found["change"]["previous_period"]
        assert ("history", 12.3) == (previous["source"], previous["previous"]["composite"])
