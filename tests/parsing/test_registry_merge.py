"""Merging the registries of several sources: silent, mergeable (a warning) or contradictory (the run stops)."""

from __future__ import annotations

import pytest

from tpbis.domain.problems import Severity
from tpbis.errors import SourceError
from tpbis.parsing.registry import RegistryPart, merge_registries
from tpbis.parsing.table import Table

HEADER = ("id", "nama", "jenis", "provinsi", "kabupaten_kota", "alias", "komputer", "kode_wilayah")
BUSUNG = ["desa-busung", "Perpustakaan Desa Busung", "desa", "Kepulauan Riau", "Kabupaten Bintan", "", 4, ""]
KAB = ["kab-bintan", "Dispusip Bintan", "kabupaten", "Kepulauan Riau", "Kabupaten Bintan", "", 20, "21.02"]


def part(source: str, *rows: list[object]) -> RegistryPart:
    return RegistryPart(source=source, table=Table(name="Perpustakaan", header=HEADER, rows=[list(r) for r in rows]))


def test_identical_and_spelling_merge_silently() -> None:
    """The same rows (identity compared case- and space-insensitively) give one library, no warning."""
    other = [*BUSUNG]
    other[1] = "  perpustakaan desa  BUSUNG"
    registry, problems = merge_registries([part("a.xlsx", BUSUNG, KAB), part("b.xlsx", KAB, other)])
    assert (["desa-busung", "kab-bintan"], ()) == ([lib.id for lib in registry], problems)
    assert "Perpustakaan Desa Busung" == registry["desa-busung"].name  # the first definition is the base


def test_aliases_union_silently() -> None:
    mine, theirs = [*BUSUNG], [*BUSUNG]
    mine[5], theirs[5] = "Pustaka Busung", "Perpusdes Busung; Pustaka Busung"
    registry, problems = merge_registries([part("a", mine), part("b", theirs)])
    assert (("Pustaka Busung", "Perpusdes Busung"), ()) == (registry["desa-busung"].aliases, problems)


def test_unset_fields_are_filled_and_different_ones_keep_the_first() -> None:
    mine, theirs = [*BUSUNG], [*BUSUNG]
    theirs[6], theirs[7] = 9, "21.02.05.2006"  # another number of computers; a region code the first lacks
    registry, problems = merge_registries([part("a.xlsx", mine), part("b.xlsx", theirs)])
    library = registry["desa-busung"]
    assert (4, "21.02.05.2006") == (library.computers, library.region_code)
    (warning,) = problems
    assert ("registry.merged", Severity.WARNING, "kode_wilayah, komputer", 2, "b.xlsx") == (
        warning.code, warning.severity, warning.column, warning.row, warning.source)
    assert "'a.xlsx', tab 'Perpustakaan', row 2" in warning.message("en")


def test_contradictions_are_all_listed_with_both_places() -> None:
    moved, renamed = [*BUSUNG], [*KAB]
    moved[3], moved[4] = "Riau", "Kabupaten Kampar"
    renamed[2] = "kota"
    with pytest.raises(SourceError) as caught:
        merge_registries([part("kepri.xlsx", BUSUNG, KAB), part("riau.xlsx", ["x-1", "X", "tbm", "Riau", "Kampar"],
                                                                 moved, renamed)])
    text = caught.value.message("en")
    assert "id 'desa-busung' is defined differently at 'kepri.xlsx', tab 'Perpustakaan', row 2 and at " \
           "'riau.xlsx', tab 'Perpustakaan', row 3 (columns provinsi, kabupaten_kota)" in text
    assert "id 'kab-bintan'" in text
    assert "(columns jenis)" in text
    assert 2 == caught.value.exit_code
