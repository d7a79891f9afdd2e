"""The form schema derived from the rubric and the registry."""

from __future__ import annotations

import pytest

from tpbis.errors import ConfigError
from tpbis.forms.schema import QuestionType, build_schema
from tpbis.parsing.mapping import Field
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

    def test_shared_name_is_listed_by_id(self) -> None:
        """Two libraries with one name are listed by id, which the parser matches exactly."""
        registry = make_registry([make_library("desa-x", name="Perpustakaan Desa Maju"),
                                  make_library("desa-y", name="Perpus Desa Maju")])
        choices = build_schema(default_rubric(), registry).question(Field.LIBRARY).choices
        assert ["desa-x", "desa-y"] == [c.label for c in choices]

    def test_help_texts_are_indonesian_with_rules(self) -> None:
        """Help texts tell respondents the rule in Indonesian (and English)."""
        schema = build_schema(default_rubric(), REGISTRY)
        male = schema.question(Field.PARTICIPANTS_MALE)
        assert "bilangan bulat 0 sampai 100000" in male.help
        assert "whole number from 0 to 100000" in male.help_en
        assert "tpbis-default@1" in schema.question(Field.KIND).help
