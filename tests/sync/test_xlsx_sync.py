"""A sync into an .xlsx loses nothing: user tabs, chart sheets, prefixed workbooks, renamed tabs, stale locks."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pendulum
import pytest

from tpbis.adapters.memory import MemoryWorkbook
from tpbis.adapters.xlsx import XlsxWorkbook, read_workbook
from tpbis.domain.period import Period
from tpbis.errors import SourceError
from tpbis.rubrics import default_rubric
from tpbis.service.state import LockRecord, lock_cells
from tpbis.service.sync import SyncOptions, sync
from tpbis.service.workbook import LOCK_TAB

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"
NOW = pendulum.datetime(2024, 10, 2, 9, 0, tz="UTC")
OUTPUTS_ID = {"Skor KPI", "Rekap Wilayah", "Penghargaan", "Masalah Data"}
OUTPUTS_EN = {"KPI Scores", "Regional Summary", "Awards", "Data Problems"}


def options(**kwargs: Any) -> SyncOptions:
    """September 2024 under the default rubric."""
    return SyncOptions(periods=(Period.parse("2024-09"),), rubric=default_rubric(), owner="t", now=NOW, **kwargs)


def with_sheet(tmp_path: Path, name: str, chart: bool = False) -> Path:
    """The example workbook with one more tab (or chart sheet) named ``name``, holding the user's notes."""
    book = openpyxl.load_workbook(EXAMPLE)
    if chart:
        from openpyxl.chart import BarChart, Reference

        sheet = book.create_chartsheet(name)
        bar = BarChart()
        bar.add_data(Reference(book["Perpustakaan"], min_col=1, min_row=1, max_row=5))
        sheet.add_chart(bar)
    else:
        notes = book.create_sheet(name)
        notes["A1"] = "catatan saya"
        notes["A2"] = "jangan dihapus"
    path = tmp_path / "kepri.xlsx"
    book.save(path)
    return path


def rewritten(tmp_path: Path, part: str, edit: Any) -> Path:
    """A copy of the example with ``part`` replaced by ``edit(text)``."""
    path = tmp_path / "kepri.xlsx"
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info.filename, edit(data.decode()) if info.filename == part else data)
    return path


class TestUserTabs:
    """Only tabs recorded in _tpbis as written by tpbis are replaced."""

    def test_user_tab_named_like_output_is_refused_xlsx(self, tmp_path: Path) -> None:
        """F1: a user's 'Rekap Wilayah' is kept and the sync refuses, naming it."""
        path = with_sheet(tmp_path, "Rekap Wilayah")
        before = path.read_bytes()
        with XlsxWorkbook(path) as book, pytest.raises(SourceError, match="'Rekap Wilayah'") as caught:
            sync(book, options())
        assert (2, before) == (caught.value.exit_code, path.read_bytes())

    def test_user_tab_named_like_output_is_refused_memory(self) -> None:
        """F1: the same refusal on the in-memory workbook (the check is in the service)."""
        tabs = {name: [list(r) for r in [t.header, *t.rows]] for name, t in read_workbook(EXAMPLE).items()}
        book = MemoryWorkbook.from_tables({**tabs, "Penghargaan": [["catatan saya"]]})
        with pytest.raises(SourceError, match="'Penghargaan'"):
            sync(book, options())
        assert [["catatan saya"]] == book.tabs["Penghargaan"]

    def test_force_adopts_the_tab(self, tmp_path: Path) -> None:
        """--force replaces the user's tab, and the next sync owns it."""
        path = with_sheet(tmp_path, "Rekap Wilayah")
        with XlsxWorkbook(path) as book:
            sync(book, options(force=True))
        assert ("catatan saya",) != read_workbook(path)["Rekap Wilayah"].header[:1]
        with XlsxWorkbook(path) as book:
            assert "written" == sync(book, options(force=True)).status

    def test_case_variant_of_own_tab_is_replaced_in_place(self, tmp_path: Path) -> None:
        """F13: an output tab the user renamed 'SKOR KPI' is replaced under tpbis's name, no duplicate."""
        path = tmp_path / "kepri.xlsx"
        shutil.copy(EXAMPLE, path)
        with XlsxWorkbook(path) as book:
            sync(book, options())
        position = openpyxl.load_workbook(path, read_only=True).sheetnames.index("Skor KPI")
        renamed = tmp_path / "renamed.xlsx"
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(renamed, "w") as out:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "xl/workbook.xml":
                    data = data.replace(b'name="Skor KPI"', b'name="SKOR KPI"')
                out.writestr(info, data)
        renamed.replace(path)
        with XlsxWorkbook(path) as book:
            result = sync(book, options(force=True))
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
        assert (position, 1, ()) == (names.index("Skor KPI"), sum(n.casefold() == "skor kpi" for n in names),
                                     result.removed_tabs)

    def test_case_variant_of_user_tab_is_refused(self, tmp_path: Path) -> None:
        """F13: a user's own 'SKOR KPI' is the same name as 'Skor KPI' (Excel compares case-insensitively)."""
        path = with_sheet(tmp_path, "SKOR KPI")
        with XlsxWorkbook(path) as book, pytest.raises(SourceError, match="'SKOR KPI'"):
            sync(book, options())

    def test_chart_sheet_is_never_replaced(self, tmp_path: Path) -> None:
        """F2: a chart sheet named 'Skor KPI' is kept even with --force (one message)."""
        path = with_sheet(tmp_path, "Skor KPI", chart=True)
        before = path.read_bytes()
        with XlsxWorkbook(path) as book:
            with pytest.raises(SourceError, match="'Skor KPI'"):
                sync(book, options())
            with pytest.raises(SourceError, match=r"grafik|chart"):
                sync(book, options(force=True))
        assert before == path.read_bytes()


class TestPackage:
    """What the written package holds."""

    def test_prefixed_workbook_gets_prefixed_sheets(self, tmp_path: Path) -> None:
        """F12: in an 'x:'-prefixed workbook.xml the new <sheet> elements carry the prefix."""
        def prefix(text: str) -> str:
            text = text.replace('xmlns="http://schemas', 'xmlns:x="http://schemas')
            return re.sub(r"<(/?)(?!x:)(\w+)", r"<\1x:\2", text)

        path = rewritten(tmp_path, "xl/workbook.xml", prefix)
        with XlsxWorkbook(path) as book:
            sync(book, options())
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode()
        # 3 input tabs + 4 outputs + _tpbis + Riwayat
        assert (9, 0) == (workbook.count("<x:sheet "), len(re.findall(r"<sheet\b", workbook)))

    def test_switching_language_removes_old_tabs(self, tmp_path: Path) -> None:
        """Tabs of the other language are removed from the file, with their parts and content types."""
        path = tmp_path / "kepri.xlsx"
        shutil.copy(EXAMPLE, path)
        with XlsxWorkbook(path) as book:
            sync(book, options())
        with XlsxWorkbook(path) as book:
            result = sync(book, options(lang="en"))
        tabs = set(openpyxl.load_workbook(path, read_only=True).sheetnames)
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            types = archive.read("[Content_Types].xml").decode()
        overrides = re.findall(r'PartName="/([^"]+)"', types)
        assert (set(), OUTPUTS_EN, OUTPUTS_ID) == (tabs & OUTPUTS_ID, tabs & OUTPUTS_EN, set(result.removed_tabs))
        assert [] == [p for p in overrides if p not in names]

    def test_removed_sheet_takes_its_print_titles(self, tmp_path: Path) -> None:
        """Defined names scoped to a removed sheet go; later sheets' localSheetId shift down."""
        path = tmp_path / "kepri.xlsx"
        shutil.copy(EXAMPLE, path)
        with XlsxWorkbook(path) as book:
            sync(book, options())
        book_ = openpyxl.load_workbook(path)
        book_["Skor KPI"].print_title_rows = "1:1"
        book_["Masalah Data"].print_title_rows = "1:1"
        book_.save(path)
        with XlsxWorkbook(path) as book:
            sync(book, options(lang="en"))
        reopened = openpyxl.load_workbook(path)
        titles = {ws.title: ws.print_title_rows for ws in reopened.worksheets if ws.print_title_rows}
        assert {} == titles

    def test_stale_lock_tab_is_ignored_and_removed(self, tmp_path: Path) -> None:
        """F14: a fresh-looking lock tab left by a killed sync does not block: the OS lock proves it stale."""
        path = with_sheet(tmp_path, LOCK_TAB)
        book_ = openpyxl.load_workbook(path)
        sheet = book_[LOCK_TAB]
        sheet.delete_rows(1, 2)
        sheet.append(["key", "value"])
        for row in lock_cells(LockRecord(run="killed", since=NOW, heartbeat=NOW)):
            sheet.append(list(row))
        book_.save(path)
        with XlsxWorkbook(path) as book:
            result = sync(book, options())
        assert ("written", False) == (result.status, LOCK_TAB in openpyxl.load_workbook(path, read_only=True).sheetnames)

    def test_utf16_workbook_part_is_written(self, tmp_path: Path) -> None:
        """F18: a workbook.xml saved as UTF-16 is read and written (as UTF-8) by sync."""
        path = tmp_path / "kepri.xlsx"
        with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "xl/workbook.xml":
                    data = ('<?xml version="1.0" encoding="UTF-16"?>' + data.decode()).encode("utf-16")
                out.writestr(info.filename, data)
        with XlsxWorkbook(path) as book:
            sync(book, options())
        assert OUTPUTS_ID <= set(read_workbook(path))


class TestFileSystem:
    """Files the sync must not replace."""

    def test_read_only_file_is_refused(self, tmp_path: Path) -> None:
        """A 0444 workbook is not replaced: exit 2, 'read-only'."""
        path = tmp_path / "kepri.xlsx"
        shutil.copy(EXAMPLE, path)
        path.chmod(0o444)
        with pytest.raises(SourceError, match="hanya-baca") as caught:
            XlsxWorkbook(path)
        assert (2, 0o444) == (caught.value.exit_code, path.stat().st_mode & 0o777)

    def test_proc_output_is_exit_2(self) -> None:
        """An output under /proc is one message with exit 2 (not a lock timeout, exit 3)."""
        with pytest.raises(SourceError) as caught:
            XlsxWorkbook(EXAMPLE, "/proc/self/kepri.xlsx")
        assert 2 == caught.value.exit_code


