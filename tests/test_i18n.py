"""The message catalogue covers both languages and every problem code."""

from __future__ import annotations

import re
import string

from tpbis.i18n import CATALOGUE

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
