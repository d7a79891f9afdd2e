"""Hostile review of ``tpbis close``: edited rows, hand-edited history, odd sources and commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pendulum
import pytest

from tpbis.adapters.xlsx import read_workbook
from tpbis.cli import main
from tpbis.service.close import CLOSED_CHANGED

RESPONSES = "Respons Formulir 1"
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
