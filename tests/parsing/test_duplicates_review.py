"""Hostile-review regressions of the possible-duplicate rule (issue #14 item 2)."""

from __future__ import annotations

import attrs
import pytest

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.library import LibraryKind
from tpbis.domain.rubric import DuplicateRule
from tpbis.errors import RubricError
from tpbis.parsing.duplicates import possible_duplicates
from tpbis.rubrics import default_text, parse_rubric
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


class TestWindowDaysIsWhole:
    """``window_days = 3.5`` or ``true`` used to be read as 3 or 1 days without a word."""

    @pytest.mark.parametrize(("line", "shown"), [
        ("window_days = 3.5", "$.duplicates.window_days: expected a whole number, found 3.5"),
        ("window_days = true", "$.duplicates.window_days = true: expected a number"),
    ])
    def test_invalid(self, line: str, shown: str) -> None:
        with pytest.raises(RubricError) as caught:
            parse_rubric(default_text() + f"\n[duplicates]\n{line}\n", "r.toml")
        assert shown in caught.value.message("en")

    @pytest.mark.parametrize("line", ["window_days = 5", "window_days = 5.0", 'window_days = "5"'])
    def test_whole(self, line: str) -> None:
        rule = parse_rubric(default_text() + f"\n[duplicates]\n{line}\n").duplicates
        assert rule is not None
        assert (5, int) == (rule.window_days, type(rule.window_days))

    @pytest.mark.parametrize("value", ['"1e999999999"', '"1e-999999999"'])
    def test_huge_exponent_is_an_error_not_a_hang(self, value: str) -> None:
        """A typo like ``"1e999999999"`` used to build a billion-digit integer (the run hung)."""
        with pytest.raises(RubricError) as caught:
            parse_rubric(default_text() + f"\n[duplicates]\nparticipants_tolerance = {value}\n", "r.toml")
        assert "$.duplicates.participants_tolerance" in caught.value.message("en")


def post(row: int, day: str, *links: str, delay: int = 1) -> Activity:
    activity = make_activity("desa-a", day, ActivityKind.PUBLIKASI, male=0, female=0,
                             title="Berita Kegiatan di Website", row=row, delay_days=delay, publication_urls=links)
    return attrs.evolve(activity, source=SourceRef(tab="a", row=row))


class TestPublicationLinks:
    """Two news posts with the same generic title two days apart, each with its own link, are two
    publications: merging them dropped a link from the publications indicator (22 of the 27 possible
    duplicates of the example workbook were such pairs)."""

    REGISTRY = make_registry([make_library("desa-a")])

    def test_different_links_are_two_publications(self) -> None:
        first = post(2, "2024-09-10", "https://www.instagram.com/p/AAA/")
        second = post(3, "2024-09-12", "https://www.facebook.com/perpus/posts/1", "https://x.example/2", delay=2)
        assert [] == possible_duplicates([first, second], self.REGISTRY, RULE)

    @pytest.mark.parametrize("links", [
        ("https://www.instagram.com/p/AAA/",),
        ("HTTPS://WWW.INSTAGRAM.COM/p/AAA",),  # the same link as SPEC §5 compares them
        ("https://x.example/2", "https://www.instagram.com/p/AAA/#top"),
        (),  # one report gave no link: nothing says they differ
    ])
    def test_a_shared_or_missing_link_still_merges(self, links: tuple[str, ...]) -> None:
        first = post(2, "2024-09-10", "https://www.instagram.com/p/AAA/")
        second = post(3, "2024-09-12", *links, delay=2)
        assert [(1, 0)] == [(m.position, m.original)
                            for m in possible_duplicates([first, second], self.REGISTRY, RULE)]


class TestNumberedSessions:
    """"Sesi 1" and "Sesi 2" of one training on consecutive days are two sessions, like the weekly class
    the rule already leaves alone: titles that both carry numbers, and not the same ones, never merge."""

    REGISTRY = make_registry([make_library("desa-a")])

    def titled(self, row: int, day: str, title: str) -> Activity:
        activity = make_activity("desa-a", day, ActivityKind.PELATIHAN, male=10, female=10, title=title, row=row,
                                 delay_days=1)
        return attrs.evolve(activity, source=SourceRef(tab="a", row=row))

    @pytest.mark.parametrize(("first", "second"), [
        ("Pelatihan Menjahit Sesi 1", "Pelatihan Menjahit Sesi 2"),
        ("Pelatihan Menjahit Hari ke-1", "pelatihan menjahit hari ke 2"),
        ("Kelas Komputer Angkatan 3", "Kelas Komputer Angkatan 4"),
    ])
    def test_other_numbers_are_other_sessions(self, first: str, second: str) -> None:
        found = possible_duplicates([self.titled(2, "2024-09-10", first), self.titled(3, "2024-09-11", second)],
                                    self.REGISTRY, RULE)
        assert [] == found

    @pytest.mark.parametrize(("first", "second"), [
        ("Pelatihan Menjahit Sesi 1", "pelatihan menjahit sesi 01"),  # the same number
        ("Pelatihan Menjahit 2024", "Pelatihan Menjahit"),  # one title has none: nothing says they differ
    ])
    def test_same_or_missing_numbers_still_merge(self, first: str, second: str) -> None:
        found = possible_duplicates([self.titled(2, "2024-09-10", first), self.titled(3, "2024-09-11", second)],
                                    self.REGISTRY, RULE)
        assert [(1, 0)] == [(m.position, m.original) for m in found]
