"""Hostile-review regressions of the possible-duplicate rule (issue #14 item 2)."""

from __future__ import annotations

import attrs
import pytest

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.library import LibraryKind
from tpbis.domain.rubric import DuplicateRule
from tpbis.parsing.duplicates import possible_duplicates
from tpbis.testing.builders import make_activity, make_library, make_registry

RULE = DuplicateRule()
TITLE = "Pelatihan Komputer Dasar untuk Ibu-ibu PKK"


def act(library: str, row: int, delay: int) -> Activity:
    activity = make_activity(library, "2024-09-10", ActivityKind.PELATIHAN_TIK, male=10, female=10, title=TITLE,
                             row=row, delay_days=delay)
    return attrs.evolve(activity, source=SourceRef(tab="a", row=row))


class TestRegionSpelling:
    """A village library and its kabupaten library whose ``kabupaten_kota`` is spelt differently
    ("Kab. Bintan", "Kabupaten  Bintan", "KABUPATEN BINTAN"): the same region, so one activity."""

    @pytest.mark.parametrize(("village", "regency"), [
        ("Kab. Bintan", "Kabupaten Bintan"),
        ("Kabupaten Bintan", "Kab Bintan"),
        ("kabupaten  bintan", "KABUPATEN BINTAN"),
        ("Kota Tanjung-Pinang", "Kota Tanjung Pinang"),
    ])
    def test_same_region_spelt_differently(self, village: str, regency: str) -> None:
        registry = make_registry([
            make_library("desa-a", regency=village),
            make_library("kab-x", kind=LibraryKind.KABUPATEN, regency=regency),
        ])
        found = possible_duplicates([act("desa-a", 2, 1), act("kab-x", 3, 2)], registry, RULE)
        assert [(1, 0)] == [(m.position, m.original) for m in found]

    @pytest.mark.parametrize(("village", "regency"), [
        ("Kabupaten Bintan", "Kota Bintan"),  # another region of the same name
        ("Kabupaten Bintan", "Kabupaten Lingga"),
    ])
    def test_other_region_is_not_merged(self, village: str, regency: str) -> None:
        registry = make_registry([
            make_library("desa-a", regency=village),
            make_library("kab-x", kind=LibraryKind.KABUPATEN if regency.startswith("Kab") else LibraryKind.KOTA,
                         regency=regency),
        ])
        assert [] == possible_duplicates([act("desa-a", 2, 1), act("kab-x", 3, 2)], registry, RULE)
