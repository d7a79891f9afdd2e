"""Hostile review of the national roll-up of closed provinces (#13 with #14)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from tests.national.test_national_closed import national, province

from tpbis.cli.main import main
from tpbis.cli.nasional import run_national
from tpbis.service.national import Status


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
