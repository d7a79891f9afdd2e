"""Reading the library registry table."""

from __future__ import annotations

import pytest

from tpbis.domain.library import LibraryKind, Support
from tpbis.errors import SourceError
from tpbis.parsing.registry import read_registry
from tpbis.parsing.table import Table

HEADER = (
    "id", "nama", "jenis", "provinsi", "kabupaten_kota", "desa_kelurahan", "kode_wilayah", "alias",
    "tahun_mitra", "dukungan", "komputer", "koleksi_digital", "koleksi_cetak",
)


def table(*rows: tuple[object, ...], header: tuple[str, ...] = HEADER) -> Table:
    """A registry table."""
    return Table(name="Perpustakaan", header=header, rows=[list(r) for r in rows])


class TestReadRegistry:
    """The Perpustakaan tab becomes a registry."""

    def test_full_row(self) -> None:
        """Every column is read, province canonicalised, aliases split on ';'."""
        registry = read_registry(table(
            ("desa-busung", "Perpustakaan Desa Busung", "Desa", "kepulauan riau", "Kabupaten Bintan", "Busung",
             "21.02.05.2003", "Perpusdes Busung; TBM Busung", 2022, "penuh", 4.0, "120", "1.500"),
            ("kepri", "Dispusip Kepri", "provinsi", "Kepulauan Riau", None, None, None, None, None, None, None, None, None),
        ))
        busung = registry["desa-busung"]
        assert (
            LibraryKind.DESA, "Kepulauan Riau", ("Perpusdes Busung", "TBM Busung"), 2022, Support.PENUH, 4, 120, 1500,
            3, "Asia/Jakarta",
        ) == (
            busung.kind, busung.province, busung.aliases, busung.cohort, busung.support, busung.computers,
            busung.digital_collection, busung.print_collection, busung.level, busung.timezone,
        )
        assert (1, None) == (registry["kepri"].level, registry["kepri"].regency)

    def test_english_headers_and_absent_optional_columns(self) -> None:
        """English column names work; optional columns may be absent."""
        registry = read_registry(table(
            ("tbm-1", "TBM Pelita", "tbm", "Papua", "Kota Jayapura"),
            header=("id", "name", "kind", "province", "regency"),
        ))
        assert "Asia/Jayapura" == registry["tbm-1"].timezone

    def test_every_bad_row_in_one_message(self) -> None:
        """Unknown kind, unknown province, missing regency and a reused id are all listed."""
        with pytest.raises(SourceError) as info:
            read_registry(table(
                ("a", "A", "sekolah", "Riau", "Kota Pekanbaru"),
                ("b", "B", "desa", "Atlantis", "X"),
                ("c", "C", "desa", "Riau", ""),
                ("d", "D", "desa", "Riau", "Kota Dumai"),
                ("d", "D2", "desa", "Riau", "Kota Dumai"),
            ))
        message = info.value.message("en")
        for row in ("row 2", "row 3", "row 4", "row 6"):
            assert row in message
        assert "row 5:" not in message

    def test_missing_required_column(self) -> None:
        """A registry without 'jenis' stops with the columns found."""
        with pytest.raises(SourceError, match="jenis"):
            read_registry(table(("a", "A", "Riau"), header=("id", "nama", "provinsi")))
