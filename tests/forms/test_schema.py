"""The form schema derived from the rubric and the registry."""

from __future__ import annotations

import pytest

from tpbis.errors import ConfigError
from tpbis.forms.schema import (
    QuestionType,
    build_schema,
    label_aliases,
    library_labels,
    with_label_aliases,
)
from tpbis.parsing.mapping import Field
from tpbis.parsing.matching import LibraryMatcher, normalize_library_name
from tpbis.rubrics import default_rubric
from tpbis.testing import make_library, make_registry

REGISTRY = make_registry([
    make_library("desa-a", name="Perpustakaan Desa Alang", regency="Kabupaten Bintan"),
    make_library("desa-b", name="Perpustakaan Desa Busung", regency="Kabupaten Bintan"),
    make_library("kel-c", kind="kelurahan", name="Perpustakaan Kelurahan Sei Jang", regency="Kota Tanjungpinang"),
])


class TestBuildSchema:
    """Questions, choices and help texts come from the rubric and the registry."""

    def test_questions_follow_the_form_mapping(self) -> None:
        """The questions are DESIGN's fields with the default Indonesian titles, in form order."""
        schema = build_schema(default_rubric(), REGISTRY)
        assert ["Nama Perpustakaan", "Tanggal Kegiatan", "Nama Kegiatan", "Jenis Kegiatan",
                "Jumlah Peserta Laki-laki", "Jumlah Peserta Perempuan", "Mitra yang Terlibat",
                "Tautan Dokumentasi", "Tautan Publikasi"] == [q.title for q in schema.questions]
        assert QuestionType.WHOLE_NUMBER is schema.question(Field.PARTICIPANTS_MALE).type
        assert QuestionType.DATE is schema.question(Field.DATE).type
        assert not schema.question(Field.PUBLICATION_URLS).required

    def test_kind_choices_are_the_rubric_labels(self) -> None:
        """Each rubric kind is one choice, labelled as the rubric labels it, valued by its slug."""
        rubric = default_rubric()
        kinds = build_schema(rubric, REGISTRY).question(Field.KIND).choices
        assert [(k.label, k.kind.value) for k in rubric.kinds] == [(c.label, c.value) for c in kinds]

    def test_library_dropdown_lists_registered_names(self) -> None:
        """The dropdown lists every registered name in registry order, valued by id."""
        choices = build_schema(default_rubric(), REGISTRY).question(Field.LIBRARY).choices
        assert [("Perpustakaan Desa Alang", "desa-a"), ("Perpustakaan Desa Busung", "desa-b"),
                ("Perpustakaan Kelurahan Sei Jang", "kel-c")] == [(c.label, c.value) for c in choices]

    @pytest.mark.parametrize("regency", ["Kabupaten Bintan", "bintan", "Kab. Bintan"])
    def test_regency_filter(self, regency: str) -> None:
        """One kabupaten/kota limits the dropdown; the prefix is optional."""
        schema = build_schema(default_rubric(), REGISTRY, regency=regency)
        assert ["desa-a", "desa-b"] == [c.value for c in schema.question(Field.LIBRARY).choices]
        assert regency in schema.title

    def test_unknown_regency(self) -> None:
        """A regency without libraries stops with the regencies that exist."""
        with pytest.raises(ConfigError, match="Kota Tanjungpinang"):
            build_schema(default_rubric(), REGISTRY, regency="Natuna")

    def test_shared_name_carries_the_regency(self) -> None:
        """Two libraries with one (normalised) name are told apart by their kabupaten/kota."""
        registry = make_registry([
            make_library("desa-x", name="Perpustakaan Desa Maju", regency="Kabupaten Bandung"),
            make_library("desa-y", name="Perpus Desa Maju", regency="Kota Bandung"),
            make_library("desa-z", name="Perpustakaan Desa Alang"),
        ])
        choices = build_schema(default_rubric(), registry).question(Field.LIBRARY).choices
        assert ["Perpustakaan Desa Maju — Kab. Bandung", "Perpus Desa Maju — Kota Bandung",
                "Perpustakaan Desa Alang"] == [c.label for c in choices]
        assert ["desa-x", "desa-y", "desa-z"] == [c.value for c in choices]

    def test_same_regency_adds_the_village_then_the_id(self) -> None:
        """Within one kabupaten the desa/kelurahan is added; if even that is shared, the id."""
        labels = library_labels([
            make_library("a", name="Perpustakaan Desa Sindangsari", regency="Kab. Bandung", village="Sindangsari"),
            make_library("b", name="Perpustakaan Desa Sindangsari", regency="Kabupaten Bandung",
                         village="Sukasari"),
            make_library("c", name="Perpustakaan Desa Sindangsari", regency="Kabupaten Bandung", village="Sukasari"),
            make_library("d", kind="kelurahan", name="Perpustakaan Desa Sindangsari", regency="Kabupaten Bandung",
                         village="Sukasari"),
        ])
        assert {
            "a": "Perpustakaan Desa Sindangsari — Desa Sindangsari, Kab. Bandung",
            "b": "Perpustakaan Desa Sindangsari — Desa Sukasari, Kab. Bandung (b)",
            "c": "Perpustakaan Desa Sindangsari — Desa Sukasari, Kab. Bandung (c)",
            "d": "Perpustakaan Desa Sindangsari — Kel. Sukasari, Kab. Bandung",
        } == labels

    def test_name_shared_with_an_alias_is_disambiguated(self) -> None:
        """A name that is another library's alias is ambiguous to the parser, so it is qualified too."""
        labels = library_labels([
            make_library("a", name="TBM Pelita", kind="tbm", regency="Kota Batam"),
            make_library("b", name="Taman Baca Pelita", kind="tbm", aliases=("TBM Pelita",)),
        ])
        assert {"a": "TBM Pelita — Kota Batam", "b": "Taman Baca Pelita"} == labels

    def test_regency_filter_still_sees_namesakes_elsewhere(self) -> None:
        """A library listed for one regency is qualified when a namesake lies in another (the parser sees both)."""
        registry = make_registry([
            make_library("a", name="Perpustakaan Desa Sindangsari", regency="Kabupaten Bandung"),
            make_library("b", name="Perpustakaan Desa Sindangsari", regency="Kabupaten Garut"),
        ])
        choices = build_schema(default_rubric(), registry, regency="Garut").question(Field.LIBRARY).choices
        assert [("Perpustakaan Desa Sindangsari — Kab. Garut", "b")] == [(c.label, c.value) for c in choices]

    def test_large_registry_labels_are_unique(self) -> None:
        """In a 2,000-library registry full of namesakes every label is distinct and no bare id is shown."""
        libraries = [
            make_library(f"desa-{i}", name=f"Perpustakaan Desa {['Sindangsari', 'Mekarsari', 'Sukamaju'][i % 3]}",
                         regency=f"Kabupaten {['Bandung', 'Garut', 'Bogor', 'Cianjur'][i % 4]}", village=f"Desa {i}")
            for i in range(2000)
        ]
        labels = library_labels(libraries)
        assert 2000 == len({normalize_library_name(label) for label in labels.values()})
        assert [] == [label for library_id, label in labels.items() if label == library_id]

    def test_submitted_label_resolves_with_label_aliases(self) -> None:
        """Every dropdown label, submitted as typed, matches its library once the labels are aliases."""
        registry = make_registry([
            make_library("desa-x", name="Perpustakaan Desa Maju", regency="Kabupaten Bandung", village="Maju"),
            make_library("desa-y", name="Perpustakaan Desa Maju", regency="Kabupaten Bandung", village="Jaya"),
            make_library("desa-z", name="Perpustakaan Desa Maju", regency="Kota Bandung"),
            make_library("desa-w", name="Perpustakaan Desa Alang"),
        ])
        schema = build_schema(default_rubric(), registry)
        matcher = LibraryMatcher(with_label_aliases(registry, schema))
        choices = schema.question(Field.LIBRARY).choices
        assert [c.value for c in choices] == [
            m.library.id if m.library else None for m in (matcher.match(c.label) for c in choices)]
        assert {"desa-x": "Perpustakaan Desa Maju — Desa Maju, Kab. Bandung",
                "desa-y": "Perpustakaan Desa Maju — Desa Jaya, Kab. Bandung",
                "desa-z": "Perpustakaan Desa Maju — Kota Bandung",
                "desa-w": "Perpustakaan Desa Alang"} == label_aliases(schema)
        assert ("Perpustakaan Desa Maju — Kota Bandung",) == with_label_aliases(registry, schema)["desa-z"].aliases
        assert () == with_label_aliases(registry, schema)["desa-w"].aliases

    def test_help_texts_are_indonesian_with_rules(self) -> None:
        """Help texts tell respondents the rule in Indonesian (and English)."""
        schema = build_schema(default_rubric(), REGISTRY)
        male = schema.question(Field.PARTICIPANTS_MALE)
        assert "bilangan bulat 0 sampai 100000" in male.help
        assert "whole number from 0 to 100000" in male.help_en
        assert "tpbis-default@1" in schema.question(Field.KIND).help
