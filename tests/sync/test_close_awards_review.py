"""Hostile review of the award tallies frozen with a closed period (history format 1.2) and of the emptied Riwayat.

Each test failed before its fix: a Riwayat tab of an older format on Google Sheets (fewer grid columns), a
first row without ``format`` (a note, blanks), an ``awards`` cell longer than a spreadsheet cell, hand-edited
cells, a close that reads fewer SOURCEs than the sync published, ``history export`` read back, reopen rows.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import openpyxl
import pendulum
import pytest
from hypothesis import given, settings
from tests.sync.test_close import (
    EXAMPLE,
    LATER,
    RESPONSES,
    SEPTEMBER,
    award_table,
    closing,
    options,
    sheets,
)

from tpbis.adapters.memory import MemoryWorkbook
from tpbis.adapters.xlsx import read_workbook
from tpbis.cli import main
from tpbis.domain.activity import ActivityKind
from tpbis.domain.awards import AwardTally
from tpbis.domain.period import Period
from tpbis.history import (
    HISTORY_COLUMNS,
    HISTORY_TAB,
    _awards,
    awards_cell,
    closures,
    read_history,
)
from tpbis.parsing.table import Table
from tpbis.render.safe import EXCEL_CELL_LIMIT
from tpbis.service.sync import SyncResult, sync
from tpbis.testing import SheetsEmulator

AWARDS, EVENT = HISTORY_COLUMNS.index("awards"), HISTORY_COLUMNS.index("event")
PARTNERS, DOCUMENTED = 8, 9  # Mitra yang Terlibat, Tautan Dokumentasi (0-based columns of the responses)


def snapshots_of(grid: list[list[Any]]) -> tuple[Any, ...]:
    """The snapshots of a Riwayat grid (its first row the header)."""
    return read_history(Table(name=HISTORY_TAB, header=tuple(grid[0]), rows=grid[1:]))


def strip_september(book: MemoryWorkbook, result: SyncResult) -> None:
    """Remove partners and documentation links from September's rows (reported before the close)."""
    assert result.report is not None
    for activity in result.report.parse.activities:
        if SEPTEMBER.start <= activity.date <= SEPTEMBER.end:
            book.tabs[RESPONSES][activity.source.row - 1][PARTNERS:DOCUMENTED + 1] = ["", ""]


class TestOlderRiwayat:
    """A Riwayat tab an older tpbis wrote, or one a person typed over, keeps working."""

    def test_narrow_tab_on_sheets(self, emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> None:
        """A tab written by format 1.1 has a 14-column grid on Google Sheets: the close (15 columns) grows it
        in its one commit instead of failing with "exceeds grid limits" (the same requests as on a tab this
        tpbis wrote); the closure reads back with its tallies."""
        wide = emulator.create_spreadsheet("k", sheets=example_tabs, time_zone="Asia/Jakarta")
        sync(sheets(emulator, wide), options("run-1"))
        emulator.clear_requests()
        sync(sheets(emulator, wide), closing("close-1"))
        budget = emulator.count("POST")  # a close's requests on a tab this tpbis wrote
        key = emulator.create_spreadsheet("k", sheets=example_tabs, time_zone="Asia/Jakarta")
        sync(sheets(emulator, key), options("run-1"))
        sheet_id = emulator.sheet_properties(key, HISTORY_TAB)["sheetId"]
        reply = emulator.session().post(
            f"https://sheets.googleapis.com/v4/spreadsheets/{key}:batchUpdate",
            json={"requests": [{"deleteDimension": {"range": {
                "sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": AWARDS, "endIndex": AWARDS + 1}}}]})
        assert 200 == reply.status_code
        for row in range(1, len(emulator.values(key, HISTORY_TAB))):
            emulator.set_cell(key, HISTORY_TAB, row, 0, "1.1")
        assert AWARDS == emulator.sheet_properties(key, HISTORY_TAB)["gridProperties"]["columnCount"]
        emulator.clear_requests()
        result = sync(sheets(emulator, key), closing("close-1"))
        assert ("written", budget) == (result.status, emulator.count("POST"))
        frozen = closures(snapshots_of(emulator.values(key, HISTORY_TAB)))["2024-09"]
        assert all(s.awards is not None for s in frozen.snapshots.values())

    @pytest.mark.parametrize("first", [[" "] * len(HISTORY_COLUMNS), ["", "", " "], ["catatan tim provinsi"]])
    def test_first_row_without_format(self, example_tabs: dict[str, list[list[Any]]], first: list[str]) -> None:
        """A header typed over (blanks, a note): the rows appended below a new header read back, so the
        close is seen and an edited row does not move the closed period's awards."""
        book = MemoryWorkbook.from_tables(copy.deepcopy(example_tabs))
        published = sync(book, options("run-1"))
        book.tabs[HISTORY_TAB] = [list(first), [""] * 3]
        closed = sync(book, closing("close-1"))
        assert "2024-09" in closures(snapshots_of(book.tabs[HISTORY_TAB]))
        strip_september(book, published)
        later = sync(book, options("run-2", LATER))
        assert (("2024-09",), award_table(closed)) == (later.closed, award_table(later))


class TestAwardsCell:
    """The ``awards`` cell fits a spreadsheet cell, and a hand-edited one never half-counts."""

    @settings(max_examples=60, deadline=None)
    @given(st.dictionaries(
        st.sampled_from(list(ActivityKind)),
        st.tuples(st.integers(0, 500), st.integers(0, 10**6), st.integers(0, 3000), st.integers(1, 40)),
        max_size=4,
    ))
    def test_cell_fits_and_counts_the_same(self, drawn: dict[ActivityKind, tuple[int, int, int, int]]) -> None:
        """However many and long the partners' names (up to 3,000 of up to 320 characters per kind), the cell
        holds at most 32,767 characters (Excel's limit) and, read back, every award metric counts what it
        counted (distinct partners within and across kinds), or it is empty (the rows up to the close count)."""
        tallies = {
            kind: AwardTally(count=n, participants=p, documented=n // 2,
                             partners=frozenset(f"mitra {i % 4000} {kind.value} " * length for i in range(names)))
            for kind, (n, p, names, length) in drawn.items()
        }
        cell = awards_cell(tallies)
        assert len(cell) <= EXCEL_CELL_LIMIT
        back = _awards(cell)
        if back is None:
            assert cell == ""
            return
        assert {k: (t.count, t.participants, t.documented, len(t.partners)) for k, t in back.items()} == {
            k: (t.count, t.participants, t.documented, len(t.partners)) for k, t in tallies.items()}
        union = frozenset().union(*(t.partners for t in back.values()))
        assert len(union) == len(frozenset().union(*(t.partners for t in tallies.values())))

    def test_names_are_kept_when_they_fit(self) -> None:
        """An ordinary cell keeps the partners' names (readable in the tab)."""
        cell = awards_cell({ActivityKind.PROMOSI: AwardTally(count=2, participants=9, documented=1,
                                                             partners=frozenset({"pkk desa"}))})
        assert '"promosi":[2,9,1,["pkk desa"]]' in cell

    @pytest.mark.parametrize("cell", [
        {"promosi": [2, 9, 1, []], "pelatihan": [-1, 0, 0, []]},
        {"promosi": [2, 9, 1, []], "pelatihan": [1.5, 0, 0, []]},
        {"promosi": [2, 9, 1, []], "pelatihan": {"count": 1}},
        {"promosi": [2, 9, 3, []]},
        {"promosi": [10**30, 9, 1, []]},
        {"promosi": [2, 9, 1, ["a", 7]]},
    ])
    def test_edited_entry_makes_the_cell_unreadable(self, cell: dict[str, Any]) -> None:
        """One entry not as written (negative, fractional, an object, more documented than activities, an
        absurd count, a partner not text): the cell is unreadable (the rows up to the close count), not read
        without that kind (which would count it as nothing)."""
        assert _awards(json.dumps(cell)) is None

    def test_unknown_kind_is_left_out(self) -> None:
        """A kind a later tpbis knows is skipped; the others read."""
        back = _awards(json.dumps({"promosi": [2, 9, 1, ["x"]], "lomba_baru": [1, 1, 1, []]}))
        assert back is not None
        assert [ActivityKind.PROMOSI] == list(back)

    @settings(max_examples=200, deadline=None)
    @given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner,
                                                                                    max_size=5), max_leaves=30))
    def test_any_json_reads_without_error(self, value: Any) -> None:
        """Whatever JSON a person types, reading gives None or tallies of counts within bounds."""
        for cell in (json.dumps(value), json.dumps({"promosi": value}), str(value)):
            back = _awards(cell)
            assert back is None or all(0 <= t.documented <= t.count <= 2**53 for t in back.values())

    def test_deeply_nested_and_huge(self) -> None:
        """Deep nesting and a 10 MB string are unreadable, not an error."""
        assert _awards("[" * 200_000 + "]" * 200_000) is None
        assert _awards("x" * 10_000_000) is None

    def test_reopen_rows_carry_no_tallies(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """As documented, only ``close`` rows carry ``awards``."""
        book = MemoryWorkbook.from_tables(copy.deepcopy(example_tabs))
        sync(book, options("run-1"))
        sync(book, closing("close-1"))
        sync(book, closing("open-1", LATER, reopen=True))
        cells = {str(row[EVENT]): row[AWARDS] if len(row) > AWARDS else "" for row in book.tabs[HISTORY_TAB][1:]}
        assert (True, "") == (bool(cells["close"]), cells["reopen"])


class TestLongPartnerListsInXlsx:
    """A library naming very long partners: the closed workbook stays readable."""

    def test_close_then_sync(self, tmp_path: Path) -> None:
        """Three reports whose partners cell holds 24,000 characters: the close's awards cell stays within
        Excel's cell limit (before: 72,000 characters, and tpbis refused to read its own workbook)."""
        path = tmp_path / "kepri.xlsx"
        path.write_bytes(EXAMPLE.read_bytes())
        book = openpyxl.load_workbook(path)
        sheet = book[RESPONSES]
        library = sheet.cell(row=2, column=3).value
        for i in range(3):
            sheet.append([pendulum.datetime(2024, 9, 25, 10).naive(), "x@example.com", library,
                          pendulum.date(2024, 9, 20), f"Kegiatan {i}", "Promosi layanan", 30, 30,
                          f"mitra {i} " * 3000, "https://example.com/d", ""])
        book.save(path)
        assert 0 == main(["close", str(path), "--period", "2024-09"])
        assert 0 == main(["sync", str(path), "--period", "2024-09"])
        riwayat = read_workbook(path)[HISTORY_TAB]
        assert max(len(str(c)) for row in riwayat.rows for c in row) <= EXCEL_CELL_LIMIT
        frozen = closures(read_history(riwayat))["2024-09"]
        assert all(s.awards is not None for s in frozen.snapshots.values())


def two_sources(tmp_path: Path) -> tuple[Path, Path]:
    """The example workbook and a CSV of 15 more September reports of desa-resang (the second SOURCE)."""
    path, extra = tmp_path / "kepri.xlsx", tmp_path / "tambahan.csv"
    path.write_bytes(EXAMPLE.read_bytes())
    book = openpyxl.load_workbook(path, read_only=True)
    header = [c.value for c in book[RESPONSES][1]]
    book.close()  # a read-only workbook keeps its file open until closed
    with extra.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for i in range(15):
            writer.writerow([f"2024-09-{10 + i} 10:00:00", "a@example.com", "Perpustakaan Desa Resang",
                             f"2024-09-{10 + i}", f"Kegiatan tambahan {i}", "Kemitraan", 20, 25,
                             f"Mitra Tambahan {i}, Dinas {i}", "https://example.com/d", ""])
    return path, extra


def resang(path: Path) -> list[tuple[Any, ...]]:
    """desa-resang's rows of the Penghargaan tab: category, score, rank."""
    return sorted((r[1], r[3], r[6]) for r in read_workbook(path)["Penghargaan"].rows if r[4] == "desa-resang")


class TestCloseReadsFewerSources:
    """A workbook synced from several SOURCEs, closed with its own only, or with all of them."""

    def test_awards_of_the_other_source_stay(self, tmp_path: Path) -> None:
        """The tallies of a library whose published values the close's data do not give again are not frozen
        from those data: after the next sync with every SOURCE, its award scores are the published ones
        (before: the close froze them without the other SOURCE's 15 reports, for good)."""
        path, extra = two_sources(tmp_path)
        assert 0 == main(["sync", str(path), str(extra), "--period", "2024-09"])
        published = resang(path)
        assert 0 == main(["close", str(path), "--period", "2024-09"])
        assert 0 == main(["sync", str(path), str(extra), "--period", "2024-09"])
        assert published == resang(path)
        frozen = closures(read_history(read_workbook(path)[HISTORY_TAB]))["2024-09"]
        assert frozen.snapshots["desa-resang"].awards is None
        assert sum(s.awards is not None for s in frozen.snapshots.values()) > 20  # the others are frozen

    def test_close_with_every_source_freezes_them(self, tmp_path: Path) -> None:
        """``tpbis close`` given the sync's SOURCEs sees the data the sync published: every library's tallies
        are frozen, the other SOURCE's included, and the Penghargaan tab keeps the published scores."""
        path, extra = two_sources(tmp_path)
        assert 0 == main(["sync", str(path), str(extra), "--period", "2024-09"])
        published = resang(path)
        assert 0 == main(["close", str(path), str(extra), "--period", "2024-09"])
        assert published == resang(path)
        frozen = closures(read_history(read_workbook(path)[HISTORY_TAB]))["2024-09"]
        assert all(s.awards is not None for s in frozen.snapshots.values())
        assert frozen.snapshots["desa-resang"].awards


class TestExportReadsBack:
    """``history export --format csv`` gives a CSV that ``history export`` reads as the tab."""

    def test_csv_round_trip(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Export → CSV → export again: the same JSON, awards included (before: the second had none)."""
        path = tmp_path / "kepri.xlsx"
        path.write_bytes(EXAMPLE.read_bytes())
        assert 0 == main(["close", str(path), "--period", "2024-09"])
        first, again, flat = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "riwayat.csv"
        assert 0 == main(["history", "export", str(path), "--format", "json", "--output", str(first)])
        assert 0 == main(["history", "export", str(path), "--format", "csv", "--output", str(flat)])
        assert 0 == main(["history", "export", str(flat), "--format", "json", "--output", str(again)])
        document = json.loads(first.read_text(encoding="utf-8"))
        assert any(row["awards"] for row in document)
        assert document == json.loads(again.read_text(encoding="utf-8"))


class TestAwardsPeriods:
    """Only the closed period's awards are frozen; a close after a reopen freezes the new tallies."""

    def test_year_after_a_closed_month(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """September closed, its rows edited, then a sync of 2024: the year's awards are those of the edited
        data (as a workbook without the closure gives them)."""
        year = Period.parse("2024")
        book = MemoryWorkbook.from_tables(copy.deepcopy(example_tabs))
        sync(book, options("run-1"))
        closed = sync(book, closing("close-1"))
        strip_september(book, closed)
        scored = sync(book, options("run-2", LATER, periods=(year,)))
        plain = MemoryWorkbook.from_tables(copy.deepcopy(book.tabs))
        del plain.tabs[HISTORY_TAB]
        assert award_table(scored) == award_table(sync(plain, options("run-3", LATER, periods=(year,), force=True)))

    def test_close_reopen_edit_close(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """The second close freezes the edited rows' tallies, and a later sync keeps those."""
        book = MemoryWorkbook.from_tables(copy.deepcopy(example_tabs))
        sync(book, options("run-1"))
        first = sync(book, closing("close-1"))
        sync(book, closing("open-1", LATER, reopen=True))
        strip_september(book, first)
        second = sync(book, closing("close-2", LATER.add(days=1)))
        third = sync(book, options("run-3", LATER.add(days=2), force=True))
        assert award_table(first) != award_table(second)
        assert award_table(second) == award_table(third)


class TestRegistryAfterTheClose:
    """A library registered after the close does not compete for the closed period's awards."""

    def test_library_registered_since(self, example_tabs: dict[str, list[list[Any]]]) -> None:
        """The strongest library is missing from the registry at the close (its rows: unknown library), then
        added: the closed period's awards stay as announced, and the difference names it."""
        tabs = copy.deepcopy(example_tabs)
        registry = tabs["Perpustakaan"]
        strongest = next(i for i, row in enumerate(registry) if row[0] == "desa-teluk-bakau")
        entry = registry.pop(strongest)
        book = MemoryWorkbook.from_tables(tabs)
        sync(book, options("run-1"))
        closed = sync(book, closing("close-1"))
        book.tabs["Perpustakaan"].append(entry)
        later = sync(book, options("run-2", LATER))
        assert award_table(closed) == award_table(later)
        assert later.awards is not None
        assert any("desa-teluk-bakau" in p.message.render("en") for p in later.awards.problems
                   if p.code == "period.closed_changed")
