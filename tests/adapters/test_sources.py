"""Source kinds are told from content, and from the text of URLs, keys and forms: ids."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tpbis.adapters.sources import SourceKind, detect_kind, sheets_key, source_kind
from tpbis.adapters.xlsx import _openpyxl
from tpbis.errors import SourceError

FIXTURES = Path(__file__).parent / "exports"
KEY = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"


def _xlsx(path: Path, header: list[str]) -> Path:
    book = _openpyxl().Workbook()
    book.active.append(header)
    book.save(path)
    return path


class TestFiles:
    """Files are opened and looked at."""

    @pytest.mark.parametrize(("name", "expected"), [
        ("kobo_xml_groups.csv", SourceKind.KOBO_CSV),
        ("kobo_labels.xlsx", SourceKind.KOBO_XLSX),
        ("odk_central.csv", SourceKind.ODK_CSV),
        ("odk_central.csv.zip", SourceKind.ODK_ZIP),
        ("excel_id_semicolon_cp1252.csv", SourceKind.CSV),
        ("excel_unicode_text.txt", SourceKind.CSV),
        ("excel_utf8_bom.csv", SourceKind.CSV),
    ])
    def test_fixtures(self, name: str, expected: SourceKind) -> None:
        """Each fixture is its kind, given as a Path or as text."""
        assert (expected, expected) == (detect_kind(FIXTURES / name), detect_kind(str(FIXTURES / name)))

    def test_content_not_name(self, tmp_path: Path) -> None:
        """A KoBo workbook named .csv and an ODK CSV named .xlsx are what they contain."""
        workbook = shutil.copy(FIXTURES / "kobo_labels.xlsx", tmp_path / "data.csv")
        odk = shutil.copy(FIXTURES / "odk_central.csv", tmp_path / "data.xlsx")
        assert (SourceKind.KOBO_XLSX, SourceKind.ODK_CSV) == (detect_kind(Path(workbook)), detect_kind(Path(odk)))

    def test_plain_workbook(self, tmp_path: Path) -> None:
        """A workbook without KoBo's metadata columns is a plain XLSX."""
        assert SourceKind.XLSX == detect_kind(_xlsx(tmp_path / "w.xlsx", ["Cap waktu", "Nama Perpustakaan"]))

    def test_kobo_marker_in_xlsx(self, tmp_path: Path) -> None:
        """A workbook with _submission_time in a header is a KoBo export."""
        assert SourceKind.KOBO_XLSX == detect_kind(_xlsx(tmp_path / "w.xlsx", ["library", "_submission_time"]))

    def test_submission_date_alone_is_not_odk(self, tmp_path: Path) -> None:
        """SubmissionDate without KEY or meta-instanceID is a plain CSV (SurveyCTO and others use it)."""
        path = tmp_path / "x.csv"
        path.write_text("SubmissionDate,library\n2024-01-01,a\n", encoding="utf-8")
        assert SourceKind.CSV == detect_kind(path)

    def test_zip_without_csv(self, tmp_path: Path) -> None:
        """A zip of neither a workbook nor CSVs is not a source."""
        path = tmp_path / "x.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("media/a.jpg", b"x")
        with pytest.raises(SourceError, match=r"x\.zip"):
            detect_kind(path)

    def test_legacy_xls(self, tmp_path: Path) -> None:
        """An old binary .xls is refused with the list of what is read."""
        path = tmp_path / "old.xls"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
        with pytest.raises(SourceError, match=r"\.csv\.zip"):
            detect_kind(path)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file that cannot be a key is file-not-found."""
        with pytest.raises(SourceError, match=r"tidak\.csv"):
            detect_kind(str(tmp_path / "tidak.csv"))

    def test_ambiguous_csv_needs_delimiter(self, tmp_path: Path) -> None:
        """An ambiguous CSV raises unless the delimiter is forced."""
        path = tmp_path / "x.csv"
        path.write_text("_uuid;b,c\n1;2,3\n", encoding="utf-8")
        with pytest.raises(SourceError, match="--delimiter"):
            detect_kind(path)
        assert SourceKind.KOBO_CSV == detect_kind(path, delimiter=";")


class TestText:
    """Google Sheets URLs and keys, and forms: ids, are recognised without touching the disk."""

    @pytest.mark.parametrize("text", [
        f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/u/1/d/{KEY}/edit",
        f"  {KEY}  ",
    ])
    def test_sheets(self, text: str) -> None:
        """A Sheets URL or a bare key is SHEETS, with its key."""
        assert (SourceKind.SHEETS, KEY) == (detect_kind(text), sheets_key(text))

    def test_forms(self) -> None:
        """forms:ID is FORMS."""
        assert SourceKind.FORMS == detect_kind("forms:1FAIpQLSf-abc")

    @pytest.mark.parametrize("text", ["forms:", "https://example.org/data.csv", "https://docs.google.com/document/d/x"])
    def test_not_sources(self, text: str) -> None:
        """An empty form id or another URL is one SourceError naming it."""
        with pytest.raises(SourceError, match=r".csv\.zip.*forms:"):
            detect_kind(text)

    def test_existing_file_named_like_a_key(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A file in the working directory wins over the key reading of its name."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / KEY).write_text("a,b\n1,2\n", encoding="utf-8")
        assert SourceKind.CSV == detect_kind(KEY)

    def test_not_a_key(self) -> None:
        """Short or dotted text is not a key."""
        assert (None, None) == (sheets_key("laporan.csv"), sheets_key("abc"))


class TestForcing:
    """A forced kind is returned without looking."""

    def test_forced(self, tmp_path: Path) -> None:
        """kind= wins over content, by enum or by name."""
        path = FIXTURES / "odk_central.csv"
        assert (SourceKind.CSV, SourceKind.ODK_ZIP, SourceKind.KOBO_CSV) == (
            detect_kind(path, kind=SourceKind.CSV), detect_kind(path, kind="odk-zip"),
            detect_kind(tmp_path / "absent", kind="KOBO_CSV"))

    def test_unknown_kind(self) -> None:
        """An unknown kind name is a SourceError listing the kinds."""
        with pytest.raises(SourceError, match="kobo_xlsx"):
            source_kind("excel")

    def test_export_kinds(self) -> None:
        """is_export marks the KoBo and ODK kinds."""
        assert {SourceKind.KOBO_XLSX, SourceKind.KOBO_CSV, SourceKind.ODK_CSV, SourceKind.ODK_ZIP} == {
            k for k in SourceKind if k.is_export}
