"""XLSForm export (checked with pyxform) and the KoBoToolbox / ODK Central export reader."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tpbis.adapters.xlsform import read_export, write_xlsform, xlsform_sheets
from tpbis.domain.library import Registry
from tpbis.domain.rubric import Rubric
from tpbis.errors import SourceError
from tpbis.forms.schema import build_schema
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import parse_responses
from tpbis.testing import responses_table


class TestWriteXlsform:
    """The workbook is a valid XLSForm with the schema's constraints."""

    def test_pyxform_converts_without_warnings(self, tmp_path: Path, rubric: Rubric, registry: Registry) -> None:
        """pyxform, the reference converter, turns the file into an XForm with no errors or warnings."""
        xls2xform = pytest.importorskip("pyxform.xls2xform")
        path = tmp_path / "laporan.xlsx"
        write_xlsform(build_schema(rubric, registry), path)
        warnings: list[str] = []
        result = xls2xform.convert(xlsform=str(path), warnings=warnings)
        assert [] == warnings
        assert "tpbis_laporan_kegiatan" in result.xform
        assert 'constraint=". &gt;= 0 and . &lt;= 100000"' in result.xform
        assert "required=\"${kind} = 'publikasi'\"" in result.xform or "/data/kind  = 'publikasi'" in result.xform \
            or "= 'publikasi'" in result.xform

    def test_sheets_carry_names_and_constraints(self, rubric: Rubric, registry: Registry) -> None:
        """Question names are the field names; choices are library ids and kind slugs."""
        sheets = xlsform_sheets(build_schema(rubric, registry))
        survey = {row[1]: row for row in sheets["survey"][1:]}
        assert "integer" == survey["participants_male"][0]
        assert "select_one perpustakaan" == survey["library"][0]
        assert survey["documentation_url"][7].startswith("regex(")
        choices = [(row[0], row[1]) for row in sheets["choices"][1:]]
        assert ("perpustakaan", "desa-a") in choices
        assert ("jenis_kegiatan", "publikasi") in choices


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


class TestReadExport:
    """KoBoToolbox and ODK Central exports read like the equivalent sheet rows."""

    def _sheet_result(self, registry: Registry, rubric: Rubric) -> object:
        table = responses_table([
            {Field.REPORTED_AT: "2024-09-03T10:00:00+07:00", Field.LIBRARY: "Perpustakaan Desa Alang",
             Field.DATE: "2024-09-02", Field.TITLE: "Pelatihan menjahit", Field.KIND: "Pelatihan keterampilan",
             Field.PARTICIPANTS_MALE: "3", Field.PARTICIPANTS_FEMALE: "12"},
            {Field.REPORTED_AT: "2024-09-05T10:00:00+07:00", Field.LIBRARY: "TBM Pelita",
             Field.DATE: "2024-09-04", Field.TITLE: "Berita", Field.KIND: "Publikasi",
             Field.PARTICIPANTS_MALE: "0", Field.PARTICIPANTS_FEMALE: "0"},
        ])
        return parse_responses(table, registry, rubric)

    def test_kobo_csv(self, tmp_path: Path, rubric: Rubric, registry: Registry) -> None:
        """A KoBo 'XML values and headers' export (group paths, UTC _submission_time) reads by name."""
        path = tmp_path / "kobo.csv"
        _write_csv(path, ["start", "laporan/library", "laporan/date", "laporan/title", "laporan/kind",
                          "laporan/participants_male", "laporan/participants_female", "_id", "_uuid",
                          "_submission_time"], [
            ["x", "desa-a", "2024-09-02", "Pelatihan menjahit", "pelatihan", "3", "12", "1", "u-1",
             "2024-09-03T03:00:00"],
            ["x", "tbm-d", "2024-09-04", "Berita", "publikasi", "0", "0", "2", "u-2", "2024-09-05T03:00:00"],
        ])
        table = read_export(path)
        result = parse_responses(table, registry, rubric)
        expected = self._sheet_result(registry, rubric)
        assert [(a.library_id, a.date, a.kind, a.reported_at) for a in expected.activities] == [  # type: ignore[attr-defined]
            (a.library_id, a.date, a.kind, a.reported_at) for a in result.activities]
        assert [p.code for p in expected.problems] == [p.code for p in result.problems]  # type: ignore[attr-defined]
        assert ["u-1", "u-2"] == list(table.row_ids or [])
        assert "u-2" == result.problems[0].response_id

    def test_odk_central_csv(self, tmp_path: Path, rubric: Rubric, registry: Registry) -> None:
        """An ODK Central CSV (SubmissionDate with Z, KEY) reads the same."""
        path = tmp_path / "odk.csv"
        _write_csv(path, ["SubmissionDate", "library", "date", "title", "kind", "participants_male",
                          "participants_female", "meta-instanceID", "KEY"], [
            ["2024-09-03T03:00:00.000Z", "desa-a", "2024-09-02", "Pelatihan menjahit", "pelatihan", "3", "12",
             "uuid:1", "uuid:1"],
        ])
        result = parse_responses(read_export(path), registry, rubric)
        assert ["desa-a"] == [a.library_id for a in result.activities]
        assert "2024-09-03T10:00:00+07:00" == result.activities[0].reported_at.in_timezone("Asia/Jakarta").isoformat()

    def test_missing_columns(self, tmp_path: Path) -> None:
        """An export without the form's columns names what is missing."""
        path = tmp_path / "lain.csv"
        _write_csv(path, ["a", "b"], [["1", "2"]])
        with pytest.raises(SourceError, match="_submission_time"):
            read_export(path)
