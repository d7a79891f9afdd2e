"""Hostile review of the national roll-up of closed provinces (#13 with #14)."""

from __future__ import annotations

import io
from pathlib import Path

import hypothesis.strategies as st
import openpyxl
from hypothesis import given, settings
from tests.national.conftest import province_tabs
from tests.national.test_national_closed import national, province
from tests.sync.test_close import LATER, options, sheets

from tpbis.cli.main import main
from tpbis.cli.nasional import run_national
from tpbis.config import Settings
from tpbis.domain.period import Period
from tpbis.history import HISTORY_COLUMNS, HISTORY_TAB, Event, closures, read_history
from tpbis.parsing.table import Table
from tpbis.rubrics import default_rubric
from tpbis.service.national import Status, closing_rows
from tpbis.service.sync import SyncOptions, sync
from tpbis.testing import SheetsEmulator


def _edit_frozen(path: Path, library: str, composite: float) -> None:
    """Type another composite over ``library``'s close row in the Riwayat tab (a hand edit)."""
    book = openpyxl.load_workbook(path)
    sheet = book["Riwayat"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if (row[header.index("event")].value, row[header.index("library_id")].value) == ("close", library):
            row[header.index("composite")].value = composite
    book.save(path)


def _rerun(folder: Path) -> tuple[Status, dict[str, str]]:
    run = run_national(folder / "nasional.toml", "2024", err=io.StringIO())
    (result,) = run.results
    return result.status, {row.library_id: row.composite for row in result.libraries}


def test_a_hand_edited_frozen_value_reaches_the_rerun(tmp_path: Path) -> None:
    """A frozen composite typed over in the province's Riwayat shows in the province's own score and in the
    national rerun that keeps its state (the fingerprint covers the frozen values, not only the closing run)."""
    folder = tmp_path / "p"
    path = province(folder, closed=True)
    before = {row.library_id: row.composite for row in national(folder).libraries}
    library = next(iter(before))
    _edit_frozen(path, library, 12.5)
    status, after = _rerun(folder)
    assert (status, after[library], before[library] != "12.5") == (Status.READ, "12.5", True)
    assert {k: v for k, v in after.items() if k != library} == {k: v for k, v in before.items() if k != library}


def test_reopen_and_close_again_each_reach_the_rerun(tmp_path: Path) -> None:
    """A province that reopens its closed year rolls up as scored now; closed again, frozen again (the same
    numbers here, as no row moved): each run reads the province anew and none reuses a stale result."""
    folder = tmp_path / "p"
    path = province(folder, closed=True)
    national(folder)
    _edit_frozen(path, "kepri", 12.5)
    assert _rerun(folder)[1]["kepri"] == "12.5"
    assert 0 == main(["close", str(path), "--period", "2024", "--reopen"])
    status, reopened = _rerun(folder)
    assert (status, reopened["kepri"] != "12.5") == (Status.READ, True)
    assert 0 == main(["close", str(path), "--period", "2024-01-01..2024-12-31"])
    status, closed = _rerun(folder)
    assert (status, closed) == (Status.READ, reopened)


def test_a_closed_sheets_province_costs_no_request_and_its_close_is_picked_up(tmp_path: Path) -> None:
    """On Google Sheets the Riwayat comes in the batchGet the roll-up already makes (as many requests as an
    unclosed province); the close moves the spreadsheet's modifiedTime, so the rerun reads it and rolls the
    frozen year up; a hand edit of a frozen value is picked up the same way."""
    emu = SheetsEmulator()
    key = emu.create_spreadsheet("TPBIS Riau", sheets=province_tabs("p0", "Riau"), time_zone="Asia/Jakarta")
    output = emu.create_spreadsheet("Nasional")
    config = tmp_path / "nasional.toml"
    config.write_text(f'output = "{output}"\n[[provinsi]]\nnama = "Riau"\nspreadsheet = "{key}"\n', encoding="utf-8")
    book = sheets(emu, key)
    sync(book, options("a", periods=(Period.parse("2024"),)))

    def roll() -> tuple[Status, dict[str, str], int]:
        before = len(emu.requests)
        run = run_national(config, "2024", Settings(lang="en"), session_factory=emu.session, err=io.StringIO())
        (result,) = run.results
        reads = sum(1 for r in emu.requests[before:] if r.path.startswith(f"/v4/spreadsheets/{key}"))
        return result.status, {row.library_id: row.composite for row in result.libraries}, reads

    status, open_year, reads_open = roll()
    assert roll()[0] is Status.UNCHANGED
    sync(sheets(emu, key), SyncOptions(rubric=default_rubric(), owner="a", periods=(), now=LATER,
                                       event=Event.CLOSE, closing=Period.parse("2024")))
    status, closed, reads_closed = roll()
    assert (status, closed, reads_closed) == (Status.READ, open_year, reads_open)
    grid = emu.values(key, HISTORY_TAB)
    header = grid[0]
    row = next(i for i, r in enumerate(grid) if r[header.index("event")] == "close")
    emu.set_cell(key, HISTORY_TAB, row, header.index("composite"), 12.5)  # a hand edit moves modifiedTime
    library = grid[row][header.index("library_id")]
    status, edited, _ = roll()
    assert (status, edited[library]) == (Status.READ, "12.5")


_CELLS = st.one_of(
    st.none(), st.integers(-3, 3), st.floats(allow_nan=True), st.booleans(),
    st.sampled_from(["close", " Close ", "REOPEN", "reopen", "sync", "format", "Format", "", "2024", "2024-09",
                     "2024-01-01..2024-12-31", "1.2", "1.1", "1", "2.0", "r1", "r2", "lib-a", "lib-b", "hijau",
                     "55.5", "{}", '{"a": 1}', "2024-10-02T09:00:00Z", "event", "library_id", "period", "run"]),
)


@settings(max_examples=300, deadline=None)
@given(header=st.lists(st.sampled_from([*HISTORY_COLUMNS, "", "note"]), max_size=16),
       rows=st.lists(st.lists(_CELLS, max_size=16), max_size=30))
def test_only_closing_rows_give_the_same_closures(header: list[str], rows: list[list[object]]) -> None:
    """The roll-up reads only the rows that can close or reopen a period (and header rows): the closures are
    those of the whole tab, whatever a person typed into it."""
    table = Table(name=HISTORY_TAB, header=tuple(header), rows=rows)
    assert closures(read_history(closing_rows(table))) == closures(read_history(table))


def test_only_closing_rows_of_a_synced_riwayat(tmp_path: Path) -> None:
    """Of a real Riwayat (two syncs, a close, a reopen, a close) the kept rows give the same closures and are
    only the close and reopen rows."""
    path = province(tmp_path / "p", closed=True)
    assert 0 == main(["close", str(path), "--period", "2024", "--reopen"])
    assert 0 == main(["close", str(path), "--period", "2024"])
    book = openpyxl.load_workbook(path, read_only=True)
    grid = [list(r) for r in book["Riwayat"].iter_rows(values_only=True)]
    book.close()
    table = Table(name=HISTORY_TAB, header=tuple(grid[0]), rows=grid[1:])
    kept = closing_rows(table)
    assert kept is not None
    events = {r[grid[0].index("event")] for r in kept.rows}
    assert (closures(read_history(kept)) == closures(read_history(table)), events) == (True, {"close", "reopen"})
    assert len(kept.rows) < len(table.rows)
