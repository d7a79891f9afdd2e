"""Hostile review of ``tpbis close``: edited rows, hand-edited history, odd sources and commands."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import openpyxl
import pendulum
import pytest

from tpbis.adapters.memory import MemoryWorkbook
from tpbis.adapters.xlsx import read_workbook
from tpbis.cli import main
from tpbis.domain.period import Period
from tpbis.history import HISTORY_COLUMNS, Event
from tpbis.rubrics import shipped_rubric
from tpbis.service.close import CLOSED_CHANGED
from tpbis.service.sync import SyncOptions, SyncResult, sync

RESPONSES = "Respons Formulir 1"
NOW = pendulum.datetime(2024, 10, 2, 9, 0, tz="UTC")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"


def closed_workbook(tmp_path: Path) -> Path:
    """The example workbook with September 2024 synced and closed."""
    path = tmp_path / "kepri.xlsx"
    path.write_bytes(EXAMPLE.read_bytes())
    assert 0 == main(["sync", str(path), "--period", "2024-09"])
    assert 0 == main(["close", str(path), "--period", "2024-09"])
    return path


def edit_september(path: Path) -> str:
    """Raise the participants of every September row of a library not at hijau; its id."""
    skor = read_workbook(path)["Skor KPI"]
    color = skor.header.index("Warna")
    library = next(str(r[0]) for r in skor.rows if r[color] != "hijau" and r[skor.header.index("Skor")])
    names = {str(r[0]): str(r[1]) for r in read_workbook(path)["Perpustakaan"].rows}
    book = openpyxl.load_workbook(path)
    edited = 0
    for row in book[RESPONSES].iter_rows(min_row=2):
        day: Any = row[3].value
        if row[2].value == names[library] and hasattr(day, "month") and (day.year, day.month) == (2024, 9):
            row[6].value = 500
            edited += 1
    assert edited
    book.save(path)
    return library


def shown(result: SyncResult) -> list[tuple[Any, Any]]:
    """Skor KPI's composite and colour, row by row."""
    header = result.tabs[0].header
    return [(r[header.index("Skor")], r[header.index("Warna")]) for r in result.tabs[0].rows]


class TestEditedRowOfAClosedPeriod:
    """An existing row of a closed period edited by hand: every command shows the frozen values."""

    @pytest.mark.parametrize("command", ["report", "rapor"])
    def test_report_and_rapor_do_not_crash(self, tmp_path: Path, command: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
        """The plan of a frozen result is worked out from the frozen values, not checked against a rescore."""
        path = closed_workbook(tmp_path)
        edit_september(path)
        capsys.readouterr()
        out = tmp_path / ("r.html" if command == "report" else "rapor")
        assert 0 == main([command, str(path), "--period", "2024-09", "--output", str(out)])
        assert out.exists()


class TestRubricChangedAfterTheClose:
    """The rubric in force for a closed period changes later (a new ``[[rubrics]]`` entry, a ``--rubric``)."""

    def test_closed_period_keeps_its_rubric(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """Skor KPI names the rubric the period was closed with, its scores use it, and nothing is 'changed'."""
        book = MemoryWorkbook.from_tables(copy.deepcopy(example_tabs))
        first = shipped_rubric("tpbis-default@1")
        september = (Period.parse("2024-09"),)
        published = sync(book, SyncOptions(rubric=first, owner="run-1", periods=september, now=NOW))
        sync(book, SyncOptions(rubric=first, owner="close-1", periods=(), now=NOW, event=Event.CLOSE,
                               closing=september[0]))
        later = sync(book, SyncOptions(rubric=shipped_rubric("tpbis-default@2"), owner="run-2", periods=september,
                                       now=NOW.add(days=7)))
        assert later.report is not None
        assert later.awards is not None
        assert [first.digest] == [run.rubric.digest for run in later.report.runs]
        assert [] == [p for p in later.awards.problems if p.code == CLOSED_CHANGED]
        stamp = published.tabs[0].header.index("Rubrik") + 1  # the change columns rescore August with @2
        assert [r[:stamp] for r in published.tabs[0].rows] == [r[:stamp] for r in later.tabs[0].rows]


class TestHandEditedFrozenValues:
    """The ``indicators`` cell of the close rows edited by hand: no traceback, no impossible score."""

    def test_nan_infinity_and_negative(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """NaN and Infinity (valid JSON words) are no value; a negative value scores 0, never below."""
        path = closed_workbook(tmp_path)
        book = openpyxl.load_workbook(path)
        sheet = book["Riwayat"]
        column = HISTORY_COLUMNS.index("indicators") + 1
        for line in range(2, sheet.max_row + 1):
            sheet.cell(line, column).value = '{"peserta": -5, "publikasi": Infinity, "kegiatan_pelibatan": NaN}'
        book.save(path)
        assert 0 == main(["sync", str(path), "--period", "2024-09", "--force"])
        capsys.readouterr()
        assert 0 == main(["score", str(path), "--period", "2024-09", "--format", "json"])
        document = json.loads(capsys.readouterr().out)
        scores = [i["score"] for r in document["results"] for i in r["indicators"].values()]
        assert scores
        assert min(scores) >= 0


class TestRegistryChangedAfterTheClose:
    """A library frozen in a closed period is later removed from the registry tab."""

    def test_removed_library_is_reported(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """Its published result leaves the outputs: a period.closed_changed warning names it."""
        book = MemoryWorkbook.from_tables(copy.deepcopy(example_tabs))
        september = Period.parse("2024-09")
        rubric = shipped_rubric("tpbis-default@1")
        sync(book, SyncOptions(rubric=rubric, owner="run-1", periods=(september,), now=NOW))
        sync(book, SyncOptions(rubric=rubric, owner="close-1", periods=(), now=NOW, event=Event.CLOSE,
                               closing=september))
        registry = book.tabs["Perpustakaan"]
        gone = str(registry.pop()[0])
        later = sync(book, SyncOptions(rubric=rubric, owner="run-2", periods=(september,), now=NOW.add(days=7)))
        assert later.awards is not None
        found = [p for p in later.awards.problems if p.code == CLOSED_CHANGED]
        assert [gone] == [p.message.params["library"] for p in found]


class TestSameDatesOtherKey:
    """A period written as a date range is the named period with the same dates."""

    def test_range_of_a_closed_year_is_frozen(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """Closing 2024-01-01..2024-12-31 closes 2024; a sync of either shows the frozen values."""
        book = MemoryWorkbook.from_tables(copy.deepcopy(example_tabs))
        rubric = shipped_rubric("tpbis-default@1")
        year, dates = Period.parse("2024"), Period.parse("2024-01-01..2024-12-31")
        closed = sync(book, SyncOptions(rubric=rubric, owner="close-1", periods=(), now=NOW, event=Event.CLOSE,
                                        closing=dates))
        assert ("written", ("2024",)) == (closed.status, closed.closed)
        again = sync(book, SyncOptions(rubric=rubric, owner="close-2", periods=(), now=NOW, event=Event.CLOSE,
                                       closing=year))
        assert "already_closed" == again.status
        book.tabs[RESPONSES] = book.tabs[RESPONSES][:-200]  # rows removed: the data now give other values
        for period in (year, dates):
            later = sync(book, SyncOptions(rubric=rubric, owner=f"run-{period.key}", periods=(period,),
                                           now=NOW.add(days=7), force=True))
            assert later.awards is not None
            assert (period.key,) == later.closed
            assert shown(closed) == shown(later)
            assert [p for p in later.awards.problems if p.code == CLOSED_CHANGED]


class TestHistoryTabRenamedInCase:
    """The user renames ``Riwayat`` to ``RIWAYAT`` (Excel and Google Sheets names ignore case)."""

    def test_history_kept_and_closure_still_holds(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The next sync appends below its rows (nothing overwritten) and the period stays closed."""
        path = closed_workbook(tmp_path)
        book = openpyxl.load_workbook(path)
        book["Riwayat"].title = "renamed"
        book["renamed"].title = "RIWAYAT"
        book.save(path)
        before = [list(r) for r in openpyxl.load_workbook(path)["RIWAYAT"].iter_rows(values_only=True)]
        edit_september(path)
        assert 0 == main(["sync", str(path), "--period", "2024-09"])
        after = openpyxl.load_workbook(path)
        assert ["RIWAYAT"] == [n for n in after.sheetnames if n.casefold() == "riwayat"]
        rows = [list(r) for r in after["RIWAYAT"].iter_rows(values_only=True)]
        assert before == rows[: len(before)]
        assert any(CLOSED_CHANGED in row for row in read_workbook(path)["Masalah Data"].rows)
        capsys.readouterr()
        assert 0 == main(["--lang", "en", "close", str(path), "--period", "2024-09"])
        assert "already closed" in capsys.readouterr().out
