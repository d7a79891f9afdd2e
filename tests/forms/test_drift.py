"""The drift check names what changed in the live form and how to fix it."""

from __future__ import annotations

import attrs

from tpbis.domain.problems import Severity
from tpbis.forms.drift import blocking, check_form, check_headers
from tpbis.forms.record import WIDGETS, FormRecord, LiveForm, LiveQuestion, RecordedQuestion
from tpbis.forms.schema import FormSchema, build_schema
from tpbis.parsing.mapping import Field
from tpbis.rubrics import default_rubric
from tpbis.testing import make_library, make_registry

RUBRIC = default_rubric()
REGISTRY = make_registry([
    make_library("desa-a", name="Perpustakaan Desa Alang"),
    make_library("desa-b", name="Perpustakaan Desa Busung"),
])
SCHEMA = build_schema(RUBRIC, REGISTRY)


def _record(schema: FormSchema = SCHEMA) -> FormRecord:
    questions = tuple(
        RecordedQuestion(field=q.field, question_id=f"q{i}", item_id=f"i{i}", title=q.title, type=q.type,
                         choices=q.choice_labels())
        for i, q in enumerate(schema.questions)
    )
    return FormRecord(form_id="F1", rubric=schema.rubric, questions=questions)


def _live(record: FormRecord) -> LiveForm:
    return LiveForm(form_id=record.form_id, title="t", questions=tuple(
        LiveQuestion(question_id=q.question_id, item_id=q.item_id, title=q.title, widget=WIDGETS[q.type],
                     choices=q.choices)
        for q in record.questions))


def _change(live: LiveForm, index: int, **changes: object) -> LiveForm:
    questions = list(live.questions)
    questions[index] = attrs.evolve(questions[index], **changes)  # type: ignore[arg-type]
    return attrs.evolve(live, questions=tuple(questions))


def _check(live: LiveForm, record: FormRecord) -> list[tuple[str, Severity, bool]]:
    drifts = check_form(live, record, schema=SCHEMA, rubric=RUBRIC, registry=REGISTRY)
    return [(d.code, d.severity, d.blocking) for d in drifts]


class TestCheckForm:
    """Each kind of drift is found with its severity."""

    def test_no_drift(self) -> None:
        """A form as built has no drift."""
        record = _record()
        assert [] == _check(_live(record), record)

    def test_renamed_question_is_a_warning(self) -> None:
        """A renamed title is a warning naming both titles and the [columns] fix; reading goes on."""
        record = _record()
        drifts = check_form(_change(_live(record), 2, title="Judul"), record, schema=SCHEMA)
        assert [("question_renamed", Severity.WARNING)] == [(d.code, d.severity) for d in drifts]
        assert '"Judul" = "title"' in drifts[0].message_id
        assert () == blocking(drifts)

    def test_removed_required_question_blocks(self) -> None:
        """A removed required question blocks reading; a removed optional one only warns."""
        record = _record()
        live = _live(record)
        live = attrs.evolve(live, questions=tuple(q for q in live.questions if q.question_id not in ("q3", "q6")))
        assert [("question_removed", Severity.ERROR, True), ("question_removed", Severity.WARNING, False)] == \
            _check(live, record)

    def test_changed_type_blocks(self) -> None:
        """A dropdown turned into a text question blocks reading; short text ↔ paragraph does not."""
        record = _record()
        assert [("question_type", Severity.ERROR, True)] == _check(_change(_live(record), 0, widget="SHORT_TEXT",
                                                                           choices=()), record)
        assert [] == _check(_change(_live(record), 2, widget="PARAGRAPH"), record)

    def test_added_question_is_ignored_with_a_warning(self) -> None:
        """A question tpbis did not build is reported and ignored."""
        record = _record()
        live = _live(record)
        extra = LiveQuestion(question_id="zz", item_id="iz", title="Catatan", widget="PARAGRAPH")
        live = attrs.evolve(live, questions=(*live.questions, extra))
        assert [("question_added", Severity.WARNING, False)] == _check(live, record)

    def test_changed_kind_label(self) -> None:
        """A mistyped kind label is an error with the closest label; a text the rubric still recognises warns."""
        record = _record()
        labels = list(record.for_field(Field.KIND).choices)  # type: ignore[union-attr]
        labels[0] = "Pelatihan ketrampilan"
        drifts = check_form(_change(_live(record), 3, choices=tuple(labels)), record, schema=SCHEMA, rubric=RUBRIC)
        assert ["kind_unknown", "kind_missing"] == [d.code for d in drifts]
        assert "'Pelatihan keterampilan'" in drifts[0].message_id
        labels[0] = "pelatihan"
        assert [("kind_relabelled", Severity.WARNING, False)] == _check(_change(_live(record), 3,
                                                                                choices=tuple(labels)), record)

    def test_library_missing_from_dropdown(self) -> None:
        """A registered library missing from the dropdown is named with the build command that adds it."""
        record = _record()
        drifts = check_form(_change(_live(record), 0, choices=("Perpustakaan Desa Alang",)), record, schema=SCHEMA)
        assert ["library_missing"] == [d.code for d in drifts]
        assert "Perpustakaan Desa Busung" in drifts[0].message_id
        assert "tpbis form build --form-id F1" in drifts[0].message_en

    def test_unregistered_library_in_dropdown(self) -> None:
        """A dropdown entry that is no registered library is an error (its reports would be rejected)."""
        record = _record()
        choices = ("Perpustakaan Desa Alang", "Perpustakaan Desa Busung", "Perpustakaan Desa Lama")
        assert [("library_unknown", Severity.ERROR, False)] == _check(_change(_live(record), 0, choices=choices),
                                                                      record)

    def test_other_form(self) -> None:
        """Reading another form than the recorded one is blocking."""
        record = _record()
        assert [("other_form", Severity.ERROR, True)] == _check(attrs.evolve(_live(record), form_id="F2"), record)


class TestCheckHeaders:
    """A linked sheet's header row against the recorded titles."""

    HEADER = ("Timestamp", "Nama Perpustakaan", "Tanggal Kegiatan", "Nama Kegiatan", "Jenis Kegiatan",
              "Jumlah Peserta Laki-laki", "Jumlah Peserta Perempuan", "Mitra yang Terlibat", "Tautan Dokumentasi",
              "Tautan Publikasi")

    def test_matching_header(self) -> None:
        """The header Google writes for the built form has no drift."""
        assert () == check_headers(self.HEADER, _record(), tab="Form Responses 1")

    def test_renamed_column(self) -> None:
        """A renamed column is named with the unclaimed header and the [columns] fix; an override clears it."""
        header = tuple("Kegiatan apa?" if h == "Nama Kegiatan" else h for h in self.HEADER)
        drifts = check_headers(header, _record(), tab="Form Responses 1")
        assert [("column_missing", Severity.ERROR, True)] == [(d.code, d.severity, d.blocking) for d in drifts]
        assert "'Kegiatan apa?'" in drifts[0].message_id
        assert () == check_headers(header, _record(), columns={"Kegiatan apa?": "title"})
