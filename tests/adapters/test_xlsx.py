"""XlsxWorkbook writes: no formulas from user text, input parts byte for byte, lock, changed-file check, mode, symlink."""

from __future__ import annotations

import io
import os
import re
import signal
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, TypeVar

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.image import Image
from openpyxl.worksheet.datavalidation import DataValidation

from tpbis.adapters.xlsx import XlsxWorkbook, read_workbook
from tpbis.domain.rubric import Color
from tpbis.errors import LockError, SourceError
from tpbis.service.workbook import OutputTab

_V = TypeVar("_V")
RISKY = ("=1+1", "+62 812", "-5", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "plain")


def rich_workbook(path: Path) -> None:
    """A workbook with a chart, an image, data validation and formulas holding cached values."""
    from PIL import Image as PILImage

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["nama", "jumlah", "total"])
    sheet.append(["Ani", 10, "=B2+5"])
    sheet.append(["Budi", 5, "=B3*3"])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    sheet.add_chart(chart, "E2")
    picture = path.parent / "logo.png"
    PILImage.new("RGB", (4, 4), "red").save(picture)
    sheet.add_image(Image(str(picture)), "E20")
    validation = DataValidation(type="list", formula1='"ya,tidak"')
    sheet.add_data_validation(validation)
    validation.add("D2:D10")
    book.save(path)
    # openpyxl writes formulas without cached values; give them the values Excel would have saved
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace("<f>B2+5</f><v></v>", "<f>B2+5</f><v>15</v>").replace("<f>B2+5</f><v />", "<f>B2+5</f><v>15</v>")
                text = text.replace("<f>B3*3</f><v></v>", "<f>B3*3</f><v>15</v>").replace("<f>B3*3</f><v />", "<f>B3*3</f><v>15</v>")
                data = text.encode()
            archive.writestr(info, data)
    out.replace(path)


def members(path: Path) -> dict[str, bytes]:
    """Every zip member's bytes."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


#: the parts a write edits (a tab added to the workbook, its relationship, content type and styles)
EDITED = frozenset({"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"})


def _unedited(parts: dict[str, _V], names: Iterable[str] | None = None) -> dict[str, _V]:
    """``parts`` but the edited ones (of the ``names`` given: a later package's parts of the earlier one's names)."""
    return {name: parts[name] for name in (parts if names is None else names) if name not in EDITED}


def _compressed(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every member's (CRC, compression method, compressed bytes), read past its local header."""
    out = {}
    with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
        for info in archive.infolist():
            raw.seek(info.header_offset + 26)
            name_length, extra_length = struct.unpack("<HH", raw.read(4))
            raw.seek(info.header_offset + 30 + name_length + extra_length)
            out[info.filename] = (info.CRC, info.compress_type, raw.read(info.compress_size))
    return out


class _Unseekable(io.RawIOBase):
    """A write-only stream that cannot seek or tell, as a pipe (zipfile then writes data descriptors)."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # zipfile writes bytes
        return self._target.write(data)


def tabs() -> list[OutputTab]:
    """A visible output tab with risky text and fills, and the hidden state tab."""
    scores = OutputTab(
        name="Skor KPI", header=("teks", "nilai", "warna"),
        rows=tuple((text, i, "hijau") for i, text in enumerate(RISKY)),
        fills=((0, 2, Color.HIJAU), (1, 2, Color.KUNING), (2, 2, Color.MERAH)),
    )
    return [scores, OutputTab(name="_tpbis", header=("key", "value"), rows=(("status", "complete"),), hidden=True)]


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    """A rich workbook on disk."""
    path = tmp_path / "kepri.xlsx"
    rich_workbook(path)
    return path


class TestNoFormulas:
    """Output text is always a string, never a formula."""

    def test_risky_text_round_trips_as_text(self, rich: Path) -> None:
        """Text starting with = + - @ is written as an inline string (no <f>) and reads back exactly."""
        with XlsxWorkbook(rich) as book:
            book.write(tabs())
        written = members(rich)
        sheets = [name for name in written if name.startswith("xl/worksheets/sheet") and name != "xl/worksheets/sheet1.xml"]
        assert (2, False) == (len(sheets), any(b"<f>" in written[name] or b"<f " in written[name] for name in sheets))
        assert list(RISKY) == [row[0] for row in read_workbook(rich)["Skor KPI"].rows]


class TestLossless:
    """A write keeps every input part byte for byte and replaces output tabs in place."""

    def test_input_parts_unchanged(self, rich: Path) -> None:
        """Chart, image, validation, formulas and their cached values keep their bytes."""
        before = members(rich)
        with XlsxWorkbook(rich) as book:
            book.write(tabs())
        after = members(rich)
        assert _unedited(before) == _unedited(after, before)

    def test_input_members_copied_compressed(self, rich: Path) -> None:
        """Unchanged members keep their compressed bytes (not deflated again) and read back whole."""
        with zipfile.ZipFile(rich) as source:  # deflated faster than zipfile's default: deflating again shows
            parts = {name: source.read(name) for name in source.namelist()}
        with zipfile.ZipFile(rich, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name, data in parts.items():
                out.writestr(name, data)
        before = _compressed(rich)
        with XlsxWorkbook(rich) as book:
            book.write(tabs())
        after = _compressed(rich)
        assert _unedited(before) == _unedited(after, before)
        with zipfile.ZipFile(rich) as archive:
            assert archive.testzip() is None

    def test_zip_comments_kept(self, rich: Path) -> None:
        """The package's own comment and a member's comment (zip tools' ``-z``/``-c``) stay, on copied members,
        on a member compressed anew (LZMA) and on a replaced one's neighbours (they were dropped)."""
        with zipfile.ZipFile(rich) as source:
            parts = [(info.filename, source.read(info.filename)) for info in source.infolist()]
        with zipfile.ZipFile(rich, "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts:
                info = zipfile.ZipInfo(name, (2024, 1, 2, 3, 4, 6))
                info.compress_type = zipfile.ZIP_LZMA if name == "docProps/core.xml" else zipfile.ZIP_DEFLATED
                info.comment = f"catatan {name}".encode()
                out.writestr(info, data)
            out.comment = b"dibuat oleh tim provinsi"
        with XlsxWorkbook(rich) as book:
            book.write(tabs())
        with zipfile.ZipFile(rich) as archive:
            assert archive.comment == b"dibuat oleh tim provinsi"
            comments = {info.filename: info.comment for info in archive.infolist()}
            assert archive.testzip() is None
        assert {name: f"catatan {name}".encode() for name, _ in parts if name not in EDITED} == {
            name: comments[name] for name, _ in parts if name not in EDITED}

    @pytest.mark.parametrize("stored", [False, True])
    def test_streamed_input_with_data_descriptors(self, rich: Path, tmp_path: Path, stored: bool) -> None:
        """A package zipped by a streaming writer (sizes after the data), stored or deflated, is copied whole."""
        before = members(rich)
        method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(rich) as source, (tmp_path / "streamed.xlsx").open("wb") as raw, \
                zipfile.ZipFile(_Unseekable(raw), "w", method) as out:
            for name in source.namelist():
                out.writestr(name, source.read(name))
        streamed = tmp_path / "streamed.xlsx"
        with zipfile.ZipFile(streamed) as archive:
            assert all(info.flag_bits & 0x8 for info in archive.infolist())  # the case under test
        with XlsxWorkbook(streamed) as book:
            book.write(tabs())
        after = members(streamed)
        assert _unedited(before) == _unedited(after, before)
        with zipfile.ZipFile(streamed) as archive:
            assert archive.testzip() is None
            assert not any(info.flag_bits & 0x8 for info in archive.infolist())
        assert list(RISKY) == [row[0] for row in read_workbook(streamed)["Skor KPI"].rows]

    def test_cached_values_are_read(self, rich: Path) -> None:
        """The formula cells read as their cached values, before and after a write."""
        with XlsxWorkbook(rich) as book:
            first = [tuple(r) for r in book.read(["Data"])["Data"].rows]
            book.write(tabs())
        assert [("Ani", 10, 15), ("Budi", 5, 15)] == first == [tuple(r) for r in read_workbook(rich)["Data"].rows]

    def test_fills_hidden_and_chart_survive(self, rich: Path) -> None:
        """openpyxl sees the fills, the bold header, the hidden state tab and the chart and image."""
        with XlsxWorkbook(rich) as book:
            book.write(tabs())
        book = openpyxl.load_workbook(rich)
        scores = book["Skor KPI"]
        actual = (
            scores["C2"].fill.fgColor.rgb, scores["C3"].fill.fgColor.rgb, scores["C4"].fill.fgColor.rgb,
            scores["A1"].font.b, book["_tpbis"].sheet_state, len(book["Data"]._charts), len(book["Data"]._images),
            scores.freeze_panes,
        )
        assert ("FFB7E1CD", "FFFCE8B2", "FFF4C7C3", True, "hidden", 1, 1, "A2") == actual

    def test_rerun_replaces_in_place(self, rich: Path) -> None:
        """A second write keeps tab order and part count: no duplicates, no leftover parts."""
        with XlsxWorkbook(rich) as book:
            book.write(tabs())
        first = members(rich)
        with XlsxWorkbook(rich) as book:
            book.write(tabs())
            names = book.info().tabs
        second = members(rich)
        assert (("Data", "Skor KPI", "_tpbis"), sorted(first)) == (names, sorted(second))
        assert first["xl/styles.xml"] == second["xl/styles.xml"]


class TestLock:
    """One sync at a time per file; a killed holder does not block."""

    def test_second_sync_is_refused(self, rich: Path) -> None:
        """While one workbook holds the file, a second waits briefly, then LockError; after close it opens."""
        first = XlsxWorkbook(rich)
        with pytest.raises(LockError, match=r"kepri\.xlsx"):
            XlsxWorkbook(rich, lock_timeout=0.2)
        first.close()
        with XlsxWorkbook(rich, lock_timeout=0.2) as again:
            assert "Data" in again.info().tabs

    def test_killed_holder_does_not_block(self, rich: Path) -> None:
        """A process killed by SIGKILL while holding the lock leaves it free."""
        code = (
            "import sys, time; from tpbis.adapters.xlsx import XlsxWorkbook; "
            f"b = XlsxWorkbook({str(rich)!r}); print('locked', flush=True); time.sleep(60)"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert "locked" == holder.stdout.readline().strip() if holder.stdout else ""
            with pytest.raises(LockError):
                XlsxWorkbook(rich, lock_timeout=0.2)
            holder.send_signal(signal.SIGKILL)
            holder.wait(10)
        finally:
            holder.kill()
            holder.wait(10)
            if holder.stdout:
                holder.stdout.close()
        with XlsxWorkbook(rich, lock_timeout=2) as book:
            assert "Data" in book.info().tabs


class TestChangedFile:
    """A file edited after it was read is never overwritten."""

    def test_edit_between_read_and_write(self, rich: Path, tmp_path: Path) -> None:
        """LockError saying it was edited; the edit stays and no temporary file is left."""
        book = XlsxWorkbook(rich)
        book.read(["Data"])
        edited = openpyxl.load_workbook(rich)
        edited["Data"]["A4"] = "Citra"
        edited.save(rich)
        saved = rich.read_bytes()
        with pytest.raises(LockError, match=r"nothing was written|tidak ada yang ditulis"):
            book.write(tabs())
        book.close()
        assert (saved, []) == (rich.read_bytes(), [p.name for p in tmp_path.iterdir() if ".tpbis-" in p.name])


class TestFileSystem:
    """Mode, symlinks, temporary files and the output folder."""

    def test_mode_kept(self, rich: Path) -> None:
        """A 664 file stays 664."""
        rich.chmod(0o664)
        with XlsxWorkbook(rich) as book:
            book.write(tabs())
        assert 0o664 == rich.stat().st_mode & 0o777

    def test_symlink_kept(self, rich: Path, tmp_path: Path) -> None:
        """Writing through a symlink updates its target and leaves the link a link."""
        link = tmp_path / "link.xlsx"
        link.symlink_to(rich)
        with XlsxWorkbook(link) as book:
            book.write(tabs())
        assert (True, True) == (link.is_symlink(), "Skor KPI" in read_workbook(rich))

    def test_stale_temp_removed(self, rich: Path, tmp_path: Path) -> None:
        """A temporary file left by a killed run is removed when the next sync takes the lock."""
        stale = tmp_path / ".kepri.xlsx.tpbis-abc123.tmp"
        stale.write_bytes(b"half")
        with XlsxWorkbook(rich):
            pass
        assert not stale.exists()

    def test_interrupted_write_cleans_up(self, rich: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A KeyboardInterrupt at the rename leaves the original whole and no temporary file."""
        before = rich.read_bytes()

        def interrupted(self: Path, target: Path) -> Path:
            raise KeyboardInterrupt

        with XlsxWorkbook(rich) as book:
            monkeypatch.setattr(Path, "replace", interrupted)
            with pytest.raises(KeyboardInterrupt):
                book.write(tabs())
            monkeypatch.undo()
        assert (before, []) == (rich.read_bytes(), [p.name for p in tmp_path.iterdir() if ".tpbis-" in p.name])

    def test_output_folder_missing(self, rich: Path, tmp_path: Path) -> None:
        """--output into a folder that does not exist is one SourceError naming it."""
        with pytest.raises(SourceError, match=re.escape(str(tmp_path / "nope"))):
            XlsxWorkbook(rich, tmp_path / "nope" / "hasil.xlsx")


class TestTerminate:
    """F15: SIGTERM during the write leaves no temporary file."""

    def test_sigterm_during_write_cleans_up(self, rich: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """SIGTERM arriving before the rename raises SystemExit; the temp file is removed, the file kept."""
        import os
        import signal

        before = rich.read_bytes()
        real = Path.replace

        def terminated(self: Path, target: Path) -> Path:
            os.kill(os.getpid(), signal.SIGTERM)
            return real(self, target)

        monkeypatch.setattr(Path, "replace", terminated)
        with XlsxWorkbook(rich) as book, pytest.raises(SystemExit):
            book.write(tabs())
        leftovers = [p.name for p in rich.parent.iterdir() if p.name.endswith(".tmp")]
        assert ([], before, signal.SIG_DFL) == (leftovers, rich.read_bytes(), signal.getsignal(signal.SIGTERM))
