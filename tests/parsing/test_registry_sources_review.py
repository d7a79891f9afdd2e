"""Hostile-review regressions of merging the registries of several SOURCEs (issue #14 item 1)."""

from __future__ import annotations

import pytest

from tpbis.errors import SourceError
from tpbis.parsing.matching import LibraryMatcher
from tpbis.parsing.registry import RegistryPart, merge_registries
from tpbis.parsing.table import Table

HEADER = ("id", "nama", "jenis", "provinsi", "kabupaten_kota", "alias", "komputer")


def part(source: str, *rows: list[object]) -> RegistryPart:
    return RegistryPart(source=source, table=Table(name="Perpustakaan", header=HEADER, rows=[list(r) for r in rows]))


ALANG = ["desa-a", "Perpustakaan Desa Alang", "desa", "Kepulauan Riau", "Kabupaten Bintan", "Alang", 3]


class TestIdCase:
    """``DESA-A`` in one province's registry and ``desa-a`` in another's are one library, not a
    second one that no report names (scored merah) while reports by name turn ambiguous."""

    def test_one_library(self) -> None:
        registry, problems = merge_registries([part("a.xlsx", ALANG), part("b.xlsx", ["DESA-A", *ALANG[1:5], "", 3])])
        assert ["desa-a"] == [library.id for library in registry]
        assert "DESA-A" in registry["desa-a"].aliases
        assert ["registry.merged"] == [p.code for p in problems]
        assert ("b.xlsx", "id") == (problems[0].source, problems[0].column)
        matcher = LibraryMatcher(registry)
        for typed in ("DESA-A", "desa-a", "Perpustakaan Desa Alang"):
            assert "desa-a" == getattr(matcher.match(typed).library, "id", None), typed

    def test_identical_rows_in_another_case_still_contradict_on_identity(self) -> None:
        other = ["Desa-A", "Perpustakaan Desa Alang", "desa", "Riau", "Kabupaten Kampar", "", 3]
        with pytest.raises(SourceError) as caught:
            merge_registries([part("a.xlsx", ALANG), part("b.xlsx", other)])
        text = caught.value.message("en")
        assert "'a.xlsx', tab 'Perpustakaan', row 2" in text
        assert "'b.xlsx', tab 'Perpustakaan', row 2" in text
        assert "provinsi" in text


class TestSpellingIsNotAContradiction:
    """Two provinces' registries that write one library's name or kabupaten/kota with other punctuation
    (``Perpus. Desa Alang``, ``Kab. Bintan``) describe the same library: the run goes on (the first
    spelling is kept), as reports typed either way match it."""

    @pytest.mark.parametrize(("name", "regency"), [
        ("Perpustakaan Desa Alang.", "Kabupaten Bintan"),
        ("Perpustakaan  Desa-Alang", "Kab. Bintan"),
        ("PERPUSTAKAAN DESA ALANG", "kab bintan"),
    ])
    def test_merged(self, name: str, regency: str) -> None:
        other = ["desa-a", name, "desa", "Kepulauan Riau", regency, "", 3]
        registry, _ = merge_registries([part("a.xlsx", ALANG), part("b.xlsx", other)])
        assert ("Perpustakaan Desa Alang", "Kabupaten Bintan") == (registry["desa-a"].name,
                                                                   registry["desa-a"].regency)

    @pytest.mark.parametrize(("name", "regency", "column"), [
        ("Perpustakaan Desa Alang Baru", "Kabupaten Bintan", "nama"),
        ("Perpustakaan Desa Alang", "Kota Bintan", "kabupaten_kota"),
    ])
    def test_other_words_still_contradict(self, name: str, regency: str, column: str) -> None:
        other = ["desa-a", name, "desa", "Kepulauan Riau", regency, "", 3]
        with pytest.raises(SourceError) as caught:
            merge_registries([part("a.xlsx", ALANG), part("b.xlsx", other)])
        assert f"(columns {column})" in caught.value.message("en")
