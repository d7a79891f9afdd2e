"""The national roll-up keeps what a province froze with ``tpbis close`` (#13 with #14)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pendulum
import pytest
from tests.test_rubric_periods import RUBRIC_2023_TEXT

from tpbis.cli import main
from tpbis.cli.nasional import run_national
from tpbis.config import RubricEntry, Settings
from tpbis.rubrics import default_rubric, parse_rubric
from tpbis.service.close import CLOSED_CHANGED
from tpbis.service.national import ProvinceResult, Status

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"
RESPONSES = "Respons Formulir 1"


def province(folder: Path, *, closed: bool) -> Path:
    """The example province synced for 2024 (and closed)."""
    folder.mkdir()
    path = folder / "kepri.xlsx"
    path.write_bytes(EXAMPLE.read_bytes())
    assert 0 == main(["sync", str(path), "--period", "2024"])
    if closed:
        assert 0 == main(["close", str(path), "--period", "2024"])
    return path


def edit(path: Path) -> None:
    """Every 2024 row gets 40 more men: participants rise, the women's share falls."""
    book = openpyxl.load_workbook(path)
    for row in book[RESPONSES].iter_rows(min_row=2):
        if getattr(row[3].value, "year", None) == 2024 and isinstance(row[6].value, int):
            row[6].value += 40
    book.save(path)


def national(folder: Path) -> ProvinceResult:
    config = folder / "nasional.toml"
    config.write_text('output = "nasional.xlsx"\n[[provinsi]]\nnama = "Kepulauan Riau"\nspreadsheet = "kepri.xlsx"\n',
                      encoding="utf-8")
    run = run_national(config, "2024", err=io.StringIO())
    assert run.code == 0
    (result,) = run.results
    assert result.status is Status.READ
    return result


def published(path: Path) -> dict[str, str]:
    """Skor KPI of the province as the last sync or close published it: library id → composite text."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["Skor KPI"].iter_rows(values_only=True))
    book.close()  # a read-only workbook keeps its file open until closed
    header = list(rows[0])
    return {str(r[0]): f"{float(r[header.index('Skor')]):.1f}" for r in rows[1:] if r[0]}


def test_a_closed_year_rolls_up_frozen(tmp_path: Path) -> None:
    """Edited rows of a closed 2024 move neither the national composites nor the shortlists; the province's
    quality summary counts the differences. The same edit in an open year moves both."""
    def shown(result: ProvinceResult) -> tuple[object, ...]:
        return (tuple((r.library_id, r.composite, r.color) for r in result.libraries),
                tuple((a.category, a.level, a.library_id, a.score, a.rank) for a in result.awards))

    path = province(tmp_path / "closed", closed=True)
    before = national(tmp_path / "closed")
    assert {row.library_id: row.composite for row in before.libraries} == published(path)
    edit(path)
    after = national(tmp_path / "closed")
    assert shown(before) == shown(after)
    assert any(code == CLOSED_CHANGED for code, _, _ in after.problems)
    edit(province(tmp_path / "open", closed=False))
    opened = national(tmp_path / "open")
    libraries, awards = shown(opened)
    assert (libraries != shown(before)[0], awards != shown(before)[1]) == (True, True)
    assert not any(code == CLOSED_CHANGED for code, _, _ in opened.problems)


def test_a_province_closed_under_an_earlier_rubric_of_the_schedule(tmp_path: Path) -> None:
    """The configured ``[[rubrics]]`` now put 2024 under another rubric; the province closed 2024 under
    one that the schedule still holds (for earlier days): the roll-up names and scores that one, as
    the province's own ``score`` does, and reports no change."""
    folder = tmp_path / "closed"
    folder.mkdir()
    first, second = folder / "rubrik-lama.toml", folder / "rubrik-baru.toml"
    first.write_text(RUBRIC_2023_TEXT, encoding="utf-8")
    second.write_text(RUBRIC_2023_TEXT.replace('name = "kepri-2023"', 'name = "kepri-2024"')
                      .replace("level1 = 24, level2 = 24, level3 = 12", "level1 = 30, level2 = 30, level3 = 15"),
                      encoding="utf-8")
    path = folder / "kepri.xlsx"
    path.write_bytes(EXAMPLE.read_bytes())
    assert 0 == main(["sync", str(path), "--period", "2024", "--rubric", str(first)])
    assert 0 == main(["close", str(path), "--period", "2024", "--rubric", str(first)])
    settings = Settings(rubrics=(
        RubricEntry(path=str(first), valid_from=pendulum.date(2020, 1, 1), valid_until=pendulum.date(2023, 12, 31)),
        RubricEntry(path=str(second), valid_from=pendulum.date(2024, 1, 1)),
    ))
    config = folder / "nasional.toml"
    config.write_text('output = "nasional.xlsx"\n[[provinsi]]\nnama = "Kepulauan Riau"\nspreadsheet = "kepri.xlsx"\n',
                      encoding="utf-8")
    run = run_national(config, "2024", settings, err=io.StringIO())
    (result,) = run.results
    assert (run.code, result.status, result.rubric_id) == (0, Status.READ, "kepri-2023")
    assert {row.library_id: row.composite for row in result.libraries} == published(path)
    assert not any(code == CLOSED_CHANGED for code, _, _ in result.problems)


def _closed_under_own_rubric(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A province folder whose workbook was synced and closed for 2024 under its own rubric ``kepri-sendiri``,
    which the national configuration does not know: (folder, the rubric file, the workbook)."""
    folder = tmp_path / "closed"
    folder.mkdir()
    own = folder / "rubrik-kepri.toml"
    own.write_text(RUBRIC_2023_TEXT.replace('name = "kepri-2023"', 'name = "kepri-sendiri"'), encoding="utf-8")
    path = folder / "kepri.xlsx"
    path.write_bytes(EXAMPLE.read_bytes())
    assert 0 == main(["sync", str(path), "--period", "2024", "--rubric", str(own)])
    assert 0 == main(["close", str(path), "--period", "2024", "--rubric", str(own)])
    return folder, own, path


def test_a_province_closed_under_its_own_rubric_names_it(tmp_path: Path) -> None:
    """The province closed 2024 under its own rubric, which the national configuration does not know: the
    roll-up keeps its frozen composites and names the rubric the close recorded (name, version, digest),
    not the national one it was read with; the recap's rubric column says the same."""
    folder, own, path = _closed_under_own_rubric(tmp_path)
    frozen = parse_rubric(own.read_text(encoding="utf-8"), str(own))
    assert frozen.digest != default_rubric().digest
    result = national(folder)
    assert (result.rubric_id, result.rubric_version, result.rubric_digest) == (
        frozen.name, frozen.version, frozen.digest)
    assert {row.library_id: row.composite for row in result.libraries} == published(path)
    recap = openpyxl.load_workbook(folder / "nasional.xlsx", read_only=True)
    cells = {str(c) for sheet in recap.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c}
    recap.close()
    assert frozen.stamp in cells
    assert default_rubric().stamp not in cells


@pytest.mark.parametrize("version", ["²", "٣", "9" * 30, "1" * 5000])
def test_a_hand_typed_rubric_version_of_a_close_is_no_crash(tmp_path: Path, version: str) -> None:
    """The close rows' rubric cell typed by hand with a version no integer column holds (a superscript digit,
    an Arabic-Indic one, more digits than int64): the province still rolls up, under that rubric name with
    version 0, and the national outputs are written (no traceback, no overflow in the export)."""
    folder, _, path = _closed_under_own_rubric(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Riwayat"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("event")].value == "close":
            row[header.index("rubric")].value = f"kepri-sendiri@{version}"
    book.save(path)
    result = national(folder)
    assert (result.rubric_id, result.rubric_version) == ("kepri-sendiri", 0)
    assert {row.library_id: row.composite for row in result.libraries} == published(path)
