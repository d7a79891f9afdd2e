"""The message catalogue: gettext files in both languages, plurals, Message values, argparse, errors."""

from __future__ import annotations

import argparse
import contextlib
import io
import pickle
import re
import string
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import tpbis
from tpbis.errors import ConfigError, RemoteError, SourceError, TpbisError
from tpbis.i18n import (
    CATALOGUE,
    CATALOGUE_EXTRA,
    argparse_language,
    both,
    install_argparse_translation,
    set_language,
    t,
)
from tpbis.message import COUNT, LEGACY_COUNTS, Message, catalogue, plural_selector, render

LOCALE = Path(tpbis.__file__).parent / "locale"
SPEC_CODES = {
    "library.unknown", "date.invalid", "date.future", "date.before_program", "timestamp.invalid",
    "kind.unknown", "title.missing", "participants.invalid", "publication.missing", "url.invalid",
    "activity.duplicate",
}


def fields(template: str) -> set[str]:
    """The placeholders of a format template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _base(name: str) -> str:
    """A placeholder without its language suffix (``color_id`` and ``color_en`` agree)."""
    return name.removesuffix("_id").removesuffix("_en")


def _po(lang: str, domain: str = "tpbis"):  # type: ignore[no-untyped-def]
    with (LOCALE / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as fp:
        return read_po(fp, locale=lang, domain=domain)


def _texts(catalog) -> dict[object, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """msgid -> msgstr forms, without the header entry."""
    return {
        (m.id if isinstance(m.id, str) else tuple(m.id)): (
            tuple(m.string) if isinstance(m.string, list | tuple) else (m.string,)
        )
        for m in catalog if m.id
    }


class TestCatalogue:
    """Both languages, same placeholders, every SPEC code."""

    def test_both_languages_present_and_differ_where_words(self) -> None:
        """No empty message; placeholders agree between languages."""
        for key, (indonesian, english) in CATALOGUE.items():
            assert indonesian.strip(), key
            assert english.strip(), key
            assert {_base(f) for f in fields(indonesian)} == {_base(f) for f in fields(english)}, key

    def test_every_problem_code_has_a_message(self) -> None:
        """SPEC §3.1's codes are all in the catalogue."""
        assert SPEC_CODES <= {k.removeprefix("problem.") for k in CATALOGUE if k.startswith("problem.")}

    def test_keys_are_dotted_identifiers(self) -> None:
        """Keys are stable identifiers."""
        assert all(re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", key) for key in CATALOGUE)

    def test_catalogue_is_read_only(self) -> None:
        """CATALOGUE is a view of the gettext files, not a dict to patch."""
        assert not hasattr(CATALOGUE, "__setitem__")


class TestPoFiles:
    """The .po sources and the committed .mo files agree, in every language."""

    @pytest.mark.parametrize(("lang", "domain"), [("id", "tpbis"), ("en", "tpbis"), ("id", "argparse")])
    def test_committed_mo_is_a_fresh_compile_of_its_po(self, lang: str, domain: str) -> None:
        """The .mo holds exactly the .po's translations (run `nox -s messages` after editing a .po)."""
        with (LOCALE / lang / "LC_MESSAGES" / f"{domain}.mo").open("rb") as fp:
            compiled = read_mo(fp)
        source = _po(lang, domain)
        assert _texts(source) == _texts(compiled)
        assert source.plural_forms == compiled.plural_forms

    def test_both_languages_have_the_same_keys(self) -> None:
        """Every key is in the Indonesian and the English file."""
        assert set(_texts(_po("id"))) == set(_texts(_po("en")))

    def test_every_form_has_the_same_placeholders(self) -> None:
        """All forms of a key, in both languages, name the same parameters."""
        indonesian, english = _texts(_po("id")), _texts(_po("en"))
        for key, id_forms in indonesian.items():
            names = {frozenset(_base(f) for f in fields(form)) for form in (*id_forms, *english[key])}
            assert 1 == len(names), key

    def test_no_entry_is_fuzzy_or_untranslated(self) -> None:
        """A fuzzy or empty entry would silently fall back to its key."""
        for lang, domain in [("id", "tpbis"), ("en", "tpbis"), ("id", "argparse")]:
            catalog = _po(lang, domain)
            assert [] == [m.id for m in catalog if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))]
            assert [] == [(m.id, errors) for m, errors in catalog.check()]

    def test_plural_forms_per_language(self) -> None:
        """Indonesian has one plural form, English two."""
        assert (1, 2) == (_po("id").num_plurals, _po("en").num_plurals)

    def test_plural_entries_use_the_count_and_match_the_legacy_map(self) -> None:
        """Each plural entry names {n}; LEGACY_COUNTS lists only plural entries (new ones need no line)."""
        plural = {m.id[0]: m.string for m in _po("en") if m.pluralizable}
        assert set() == set(LEGACY_COUNTS) - set(plural)
        assert all("{n}" in form for forms in plural.values() for form in forms)


class TestMessage:
    """A message is a value rendered at the edge, in one language."""

    def test_render_in_each_language(self) -> None:
        """The same message renders in Indonesian and English."""
        message = Message("problem.date.invalid", value="31/02")
        assert "Tanggal kegiatan '31/02' tidak terbaca; gunakan misalnya 21/09/2024 atau 2024-09-21." == render(message, "id")
        assert "Activity date '31/02' cannot be read; use e.g. 21/09/2024 or 2024-09-21." == render(message, "en")

    def test_unknown_language_is_indonesian(self) -> None:
        """Only 'en' picks English; anything else is the default, Indonesian."""
        message = Message("problem.title.missing")
        assert render(message, "id") == render(message, "fr")

    def test_nested_messages_render_in_the_same_language(self) -> None:
        """A parameter that is a message is rendered in the outer message's language."""
        message = Message("gap.top", color=Message("color.hijau"))
        assert ("Sudah hijau.", "Already green.") == (render(message, "id"), render(message, "en"))

    def test_plural_forms(self) -> None:
        """The count chooses English's singular or plural; Indonesian has one form."""
        assert ["1 activity", "0 activities", "2 activities"] == [
            Message.plural("report.activities", n).render("en") for n in (1, 0, 2)
        ]
        assert ["1 kegiatan", "2 kegiatan"] == [Message.plural("report.activities", n).render("id") for n in (1, 2)]

    def test_fractional_counts_take_the_plural(self) -> None:
        """7.5 and 1.0 points are plural (CLDR), 1 point is singular."""
        assert ["1 point short of green.", "1.0 points short of green.", "7.5 points short of green."] == [
            Message.plural("gap.points", n, color="green").render("en") for n in (1, Decimal("1.0"), Decimal("7.5"))
        ]
        assert (1, 2, 2, 12) == (plural_selector(1), plural_selector(Decimal("1.0")), plural_selector(7.5), plural_selector("12"))

    def test_plural_key_without_count_is_an_error(self) -> None:
        """A plural entry rendered without n fails loudly instead of guessing a form."""
        with pytest.raises(ValueError, match=r"report\.activities"):
            render(Message("report.activities"), "en")

    def test_unknown_key_is_an_error(self) -> None:
        """A key in no catalogue raises KeyError."""
        with pytest.raises(KeyError, match=r"no\.such\.key"):
            render(Message("no.such.key"), "id")

    def test_is_a_hashable_value(self) -> None:
        """Equal key and parameters make equal, hashable, picklable messages."""
        first, second = Message("gap.top", {"color": "hijau"}), Message("gap.top", color="hijau")
        assert first == second
        assert hash(first) == hash(second)
        assert first == pickle.loads(pickle.dumps(first))
        assert Message("gap.top", color="merah") != first

    def test_errors_from_catalogue_with_a_legacy_count(self) -> None:
        """from_catalogue callers that name the count by its old parameter get the right form."""
        error = RemoteError.from_catalogue("google.unavailable", attempts=1, step="read", reason="HTTP 503")
        assert error.message("en").startswith("Google did not answer after 1 attempt (read): HTTP 503.")

    def test_plural_puts_the_count_in_n(self) -> None:
        """Message.plural stores the count as the parameter n."""
        assert 3 == Message.plural("report.activities", 3).params[COUNT]

    def test_extra_entries_are_found_after_the_po_files(self) -> None:
        """Keys added to CATALOGUE_EXTRA render, both languages, through t, both and render."""
        CATALOGUE_EXTRA["test.extra.greeting"] = ("Halo {name}", "Hello {name}")
        try:
            assert ("Halo Ani", "Hello Ani") == both("test.extra.greeting", name="Ani")
            assert "Hello Ani" == Message("test.extra.greeting", name="Ani").render("en")
            assert "test.extra.greeting" in CATALOGUE
        finally:
            del CATALOGUE_EXTRA["test.extra.greeting"]

    def test_po_files_win_over_extra(self) -> None:
        """An extra entry never shadows a key the .po files already have."""
        CATALOGUE_EXTRA["gap.top"] = ("lama", "old")
        try:
            assert "Already {color}." == catalogue.template("gap.top", "en")
        finally:
            del CATALOGUE_EXTRA["gap.top"]


class TestCompatibility:
    """t(), both() and set_language() behave as before the gettext move."""

    def test_t_uses_the_chosen_language(self) -> None:
        """set_language changes t's default; an explicit language wins."""
        try:
            set_language("en")
            assert ("Already green.", "Sudah hijau.") == (t("gap.top", color="green"), t("gap.top", "id", color="hijau"))
        finally:
            set_language("id")
        assert "Sudah hijau." == t("gap.top", color="hijau")

    def test_legacy_count_parameters_choose_the_plural(self) -> None:
        """Callers naming the count by its old parameter (count=, rows=, …) get the right form."""
        assert ("1 kegiatan", "1 activity") == both("report.activities", count=1)
        assert "2 rows read: 2 accepted, 0 rejected, 0 duplicates, 0 blank." == t(
            "cli.summary", "en", rows=2, accepted=2, rejected=0, duplicates=0, blank=0,
        )
        assert "Google Sheets API quota exhausted after 1 attempt (read)." == t(
            "google.quota", "en", attempts=1, step="read",
        ).split(" Wait")[0]

    def test_templates_without_parameters_are_returned_as_is(self) -> None:
        """A call without parameters does not run str.format (braces in the text survive)."""
        assert CATALOGUE["report.axis.score"][1] == t("report.axis.score", "en")


class TestErrors:
    """Exceptions hold a Message and render it on demand."""

    def test_from_catalogue_renders_each_language(self) -> None:
        """str() is Indonesian, message('en') English, and the data is kept."""
        error = ConfigError.from_catalogue("problem.title.missing")
        assert ("Nama kegiatan kosong.", "Activity name is blank.") == (str(error), error.message("en"))
        assert (error.message_id, error.message_en) == (str(error), error.message("en"))
        assert Message("problem.title.missing") == error.message_data

    def test_plain_text_still_works(self) -> None:
        """Older call sites pass ready Indonesian and English text."""
        error = SourceError("rusak", "broken")
        assert ("rusak", "broken", None) == (str(error), error.message("en"), error.message_data)
        assert ("sama", "sama") == (TpbisError("sama").message("id"), TpbisError("sama").message("en"))

    def test_errors_pickle(self) -> None:
        """An error crosses process boundaries whole."""
        error = pickle.loads(pickle.dumps(SourceError.from_catalogue("gap.top", color="hijau")))
        assert ("Sudah hijau.", SourceError) == (str(error), type(error))

    def test_errors_module_is_a_leaf(self) -> None:
        """tpbis.errors imports nothing of tpbis but tpbis.message."""
        source = (Path(tpbis.__file__).parent / "errors.py").read_text(encoding="utf-8")
        assert ["tpbis.message"] == re.findall(r"^from (tpbis[\w.]*) import", source, re.MULTILINE)
        message = (Path(tpbis.__file__).parent / "message.py").read_text(encoding="utf-8")
        assert [] == re.findall(r"^\s*(?:from|import) tpbis", message, re.MULTILINE)


def _parse(argv: list[str], lang: str) -> str:
    """What argparse writes to stderr for ``argv``, in ``lang``."""
    stderr = io.StringIO()
    with argparse_language(lang), contextlib.redirect_stderr(stderr):
        parser = argparse.ArgumentParser(prog="tpbis")
        parser.add_argument("rubric")
        parser.add_argument("--lang", choices=["id", "en"])
        with pytest.raises(SystemExit) as exited:
            parser.parse_args(argv)
    assert 2 == exited.value.code
    return stderr.getvalue()


class TestArgparse:
    """argparse's own messages follow the chosen language."""

    def test_required_argument_in_indonesian(self) -> None:
        """A missing required argument is reported in Indonesian under id."""
        assert "penggunaan: tpbis [-h] [--lang {id,en}] rubric\ntpbis: galat: argumen berikut wajib diisi: rubric\n" == _parse([], "id")

    def test_required_argument_in_english(self) -> None:
        """…and in argparse's English under en."""
        assert "usage: tpbis [-h] [--lang {id,en}] rubric\ntpbis: error: the following arguments are required: rubric\n" == _parse([], "en")

    def test_invalid_choice_and_unrecognised_arguments(self) -> None:
        """Other errors are translated too."""
        assert "tpbis: galat: argumen --lang: pilihan tidak sah: 'fr' (pilih dari 'id', 'en')\n" == _parse(["x", "--lang", "fr"], "id").splitlines(keepends=True)[-1]
        assert "tpbis: galat: argumen tidak dikenali: --nope\n" == _parse(["x", "--nope"], "id").splitlines(keepends=True)[-1]

    def test_help_text(self) -> None:
        """The -h line and the section titles are Indonesian."""
        with argparse_language("id"):
            text = argparse.ArgumentParser(prog="tpbis").format_help()
        assert "penggunaan: tpbis [-h]\n\nopsi:\n  -h, --help  tampilkan pesan bantuan ini lalu keluar\n" == text

    def test_context_manager_restores(self) -> None:
        """After the block argparse speaks what it spoke before."""
        before = argparse._  # type: ignore[attr-defined]
        with argparse_language("id"):
            assert "penggunaan: " == argparse._("usage: ")  # type: ignore[attr-defined]
        assert before is argparse._  # type: ignore[attr-defined]

    def test_install_is_process_wide(self) -> None:
        """install_argparse_translation switches argparse until switched back."""
        before = argparse._, argparse.ngettext  # type: ignore[attr-defined]
        try:
            install_argparse_translation("id")
            assert "perlu 3 argumen" == argparse.ngettext("expected %s argument", "expected %s arguments", 3) % 3  # type: ignore[attr-defined]
            install_argparse_translation("en")
            assert "usage: " == argparse._("usage: ")  # type: ignore[attr-defined]
        finally:
            argparse._, argparse.ngettext = before  # type: ignore[attr-defined]


class TestProblemMessage:
    """A Problem holds a Message, rendered only at the edge."""

    def test_message_is_rendered_at_the_edge(self) -> None:
        """message_id, message_en and message(lang) render the one message."""
        from tpbis.domain.problems import Problem, Severity

        problem = Problem(row=2, column="c", code="title.missing", severity=Severity.ERROR, value="",
                          message=Message("problem.title.missing"))
        assert ("Activity name is blank.", problem.message_en, problem.message_id) == (
            problem.message("en"), problem.message.render("en"), problem.message.render("id"),
        )

    def test_text_keywords_are_gone(self) -> None:
        """Ready texts (message_id=/message_en=) no longer build a problem: pass a Message."""
        from tpbis.domain.problems import Problem, Severity

        with pytest.raises(TypeError, match="message_id"):
            Problem(row=2, column="c", code="x", severity=Severity.WARNING, value="v",  # type: ignore[call-arg]
                    message_id="teks", message_en="text")

    def test_message_is_required(self) -> None:
        """A problem needs a message saying what is wrong."""
        from tpbis.domain.problems import Problem, Severity

        with pytest.raises(TypeError, match="message"):
            Problem(row=1, column="c", code="x", severity=Severity.ERROR, value="")  # type: ignore[call-arg]

    def test_message_must_be_data(self) -> None:
        """Ready text in place of a Message is refused."""
        from tpbis.domain.problems import Problem, Severity

        with pytest.raises(TypeError, match="message"):
            Problem(row=1, column="c", code="x", severity=Severity.ERROR, value="",
                    message="Judul kosong.")  # type: ignore[arg-type]


class TestOsReason:
    """Python's and the OS's English reasons become catalogue messages."""

    @pytest.mark.parametrize(
        ("exc", "indonesian"),
        [
            (IsADirectoryError(21, "Is a directory"), "itu sebuah folder, bukan berkas"),
            (PermissionError(13, "Permission denied"), "tidak ada izin"),
            (IsADirectoryError("no errno"), "itu sebuah folder, bukan berkas"),
            (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
             "isinya bukan teks utf-8 (bita 0xff di posisi 0)"),
        ],
    )
    def test_reason_in_indonesian(self, exc: BaseException, indonesian: str) -> None:
        """The reason is Indonesian text from the catalogue."""
        from tpbis.i18n import os_reason

        assert indonesian == os_reason(exc).render("id")

    def test_zip_and_json(self) -> None:
        """A file that is not a zip, or not JSON, is said so in each language."""
        import json
        import zipfile

        from tpbis.i18n import os_reason

        try:
            json.loads("a,b")
        except json.JSONDecodeError as exc:
            not_json = os_reason(exc)
        assert ("bukan berkas zip (XLSX)", "not valid JSON (line 1, column 1)") == (
            os_reason(zipfile.BadZipFile("File is not a zip file")).render("id"), not_json.render("en")
        )
