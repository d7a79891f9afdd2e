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


class TestCatalogue:
    """Both languages, same placeholders, every SPEC code."""

    def test_both_languages_present_and_differ_where_words(self) -> None:
        """No empty message; placeholders agree between languages."""
        for key, (indonesian, english) in CATALOGUE.items():
            assert indonesian.strip(), key
            assert english.strip(), key
            assert fields(indonesian) - {"suggestion_id"} == fields(english) - {"suggestion_en"}, key

    def test_every_problem_code_has_a_message(self) -> None:
        """SPEC §3.1's codes are all in the catalogue."""
        assert SPEC_CODES <= {k.removeprefix("problem.") for k in CATALOGUE if k.startswith("problem.")}

    def test_keys_are_dotted_identifiers(self) -> None:
        """Keys are stable identifiers."""
        assert all(re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", key) for key in CATALOGUE)
