"""``tpbis awards --what-if`` on a closed period starts from the values frozen at the close, as ``awards`` does."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pendulum
import pytest

from tpbis.cli import main
from tpbis.domain.kpi import score
from tpbis.domain.period import Period
from tpbis.errors import PeriodError
from tpbis.history import Closure
from tpbis.rubrics import default_rubric
from tpbis.service.close import frozen_start
from tpbis.testing.builders import make_library, make_registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"
RESPONSES = "Respons Formulir 1"
LIBRARY, NAME = "desa-busung", "Perpustakaan Desa Busung"
CLOSED_NOTE = "Period 2024-09 is closed: this answer starts from the values frozen at its close"


def what_if(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``tpbis --lang en awards PATH --period 2024-09 --what-if desa-busung``."""
    code = main(["--lang", "en", "awards", str(path), "--period", "2024-09", "--what-if", LIBRARY])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def closed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """The example workbook synced and closed for September 2024, and the what-if answered just before the close."""
    path = tmp_path / "kepri.xlsx"
    path.write_bytes(EXAMPLE.read_bytes())
    assert 0 == main(["sync", str(path), "--period", "2024-09"])
    capsys.readouterr()
    code, before, _ = what_if(capsys, path)
    assert 0 == code
    assert 0 == main(["close", str(path), "--period", "2024-09"])
    capsys.readouterr()
    return path, before


def add_late_reports(path: Path) -> None:
    """Twelve documented promotion reports of September with partners and publications, sent after the close."""
    book = openpyxl.load_workbook(path)
    sheet = book[RESPONSES]
    sent = pendulum.now("Asia/Jakarta").add(hours=2).naive()
    for i in range(12):
        sheet.append([sent, "x@example.com", NAME, pendulum.date(2024, 9, 20), f"Kegiatan susulan {i}",
                      "Promosi layanan", 30, 30, f"Mitra susulan {i}", "https://example.com/d",
                      f"https://example.com/p{i}"])
    book.save(path)


class TestWhatIfOfClosedPeriod:
    """The answer stands where the published (frozen) result stands."""

    def test_late_reports_do_not_move_the_answer(self, closed: tuple[Path, str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
        """Reports sent after the close leave the answer as it was at the close (they made the library
        eligible when the what-if read the current rows), with one line saying it is frozen."""
        path, before = closed
        assert "For Perpustakaan Desa Busung to be eligible for" in before
        add_late_reports(path)
        code, after, _ = what_if(capsys, path)
        first, _, rest = after.partition("\n")
        assert (0, True, before) == (code, first.startswith(CLOSED_NOTE), rest)

    def test_award_tallies_are_the_frozen_ones(self, closed: tuple[Path, str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
        """Partners and documentation links removed from the library's rows after the close leave its KPI
        as frozen; the award criteria read the tallies frozen with the close, so the answer stays."""
        path, before = closed
        book = openpyxl.load_workbook(path)
        for cells in book[RESPONSES].iter_rows(min_row=2):
            if cells[2].value == NAME:
                cells[8].value = cells[9].value = None  # Mitra yang Terlibat, Tautan Dokumentasi
        book.save(path)
        code, after, _ = what_if(capsys, path)
        assert (0, before) == (code, after.partition("\n")[2])

    def test_rows_edited_since_the_close_are_refused(self, closed: tuple[Path, str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
        """A row reported by the close then deleted: the frozen result cannot be rebuilt, so one clear
        message (the frozen and the current result, how to reopen) and exit 2, not an answer from other rows."""
        path, _ = closed
        book = openpyxl.load_workbook(path)
        sheet = book[RESPONSES]
        row = next(r[0].row for r in sheet.iter_rows(min_row=2)
                   if r[2].value == NAME and r[3].value is not None and (r[3].value.year, r[3].value.month) == (2024, 9))
        sheet.delete_rows(row)
        book.save(path)
        code, out, err = what_if(capsys, path)
        assert (2, "") == (code, out)
        assert "Period 2024-09 is closed, but the rows of desa-busung reported by the close no longer give" in err
        assert "tpbis close --period 2024-09 --reopen" in err
        assert "Traceback" not in err

    def test_library_not_frozen(self) -> None:
        """A library the close did not freeze (registered since) has no frozen values to start from."""
        run = score([], make_registry([make_library(LIBRARY)]), default_rubric(), Period.parse("2024-09"))
        closure = Closure(period="2024-09", run="close-1", at=None, snapshots={})
        with pytest.raises(PeriodError) as raised:
            frozen_start(run, [], closure, LIBRARY)
        assert "was not among the libraries its close froze" in raised.value.message("en")
