"""The reporting form as data: questions derived from the rubric and the registry.

One :class:`FormSchema` serves every form builder (Google Forms, XLSForm for
KoBoToolbox / ODK Central). The questions are those of DESIGN "Form mapping":
titles are the default titles the parser recognises, activity kinds are the
rubric's labels, libraries are the registered names. Pure: no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from tpbis.domain.library import Library, Registry
from tpbis.domain.rubric import Rubric
from tpbis.errors import ConfigError
from tpbis.i18n import both
from tpbis.parsing.mapping import Field, default_titles
from tpbis.parsing.matching import normalize_library_name

__all__ = [
    "FORM_FIELDS",
    "MAX_PARTICIPANTS",
    "Choice",
    "FormSchema",
    "Question",
    "QuestionType",
    "build_schema",
    "library_choices",
    "matches_regency",
    "question_type",
]

#: The most participants one activity may report (SPEC §3).
MAX_PARTICIPANTS = 100_000


class QuestionType(enum.Enum):
    """How a question is asked; each builder maps it to its own widgets."""

    DROPDOWN = "dropdown"
    CHOICE = "choice"
    DATE = "date"
    TEXT = "text"
    WHOLE_NUMBER = "whole_number"
    PARAGRAPH = "paragraph"
    URL = "url"
    URL_LIST = "url_list"


@attrs.frozen(kw_only=True)
class Choice:
    """One option of a choice question: what respondents see, and its stable value."""

    #: the text shown and stored in the response (what the parser reads)
    label: str
    label_en: str
    #: a stable name: the library id or the activity-kind slug
    value: str


@attrs.frozen(kw_only=True)
class Question:
    """One question of the reporting form."""

    field: Field
    type: QuestionType
    title: str
    title_en: str
    help: str
    help_en: str
    required: bool
    choices: tuple[Choice, ...] = ()

    def title_in(self, lang: str) -> str:
        """The title in ``lang``."""
        return self.title_en if lang == "en" else self.title

    def help_in(self, lang: str) -> str:
        """The help text in ``lang``."""
        return self.help_en if lang == "en" else self.help

    def choice_labels(self, lang: str = "id") -> tuple[str, ...]:
        """The option texts in ``lang``."""
        return tuple(c.label_en if lang == "en" else c.label for c in self.choices)


@attrs.frozen(kw_only=True)
class FormSchema:
    """The questions of the reporting form, in form order."""

    title: str
    title_en: str
    description: str
    description_en: str
    #: the rubric's ``name@version`` the kind choices come from
    rubric: str
    #: the kabupaten/kota the library list is limited to, if any
    regency: str | None
    questions: tuple[Question, ...]

    def question(self, field: Field) -> Question:
        """The question asking for ``field``."""
        for question in self.questions:
            if question.field is field:
                return question
        raise KeyError(field)

    @property
    def fields(self) -> tuple[Field, ...]:
        """The fields asked, in form order."""
        return tuple(q.field for q in self.questions)


#: The fields the form asks, in form order (the timestamp and email are recorded by the form service).
FORM_FIELDS: tuple[Field, ...] = (
    Field.LIBRARY,
    Field.DATE,
    Field.TITLE,
    Field.KIND,
    Field.PARTICIPANTS_MALE,
    Field.PARTICIPANTS_FEMALE,
    Field.PARTNERS,
    Field.DOCUMENTATION_URL,
    Field.PUBLICATION_URLS,
)

_TYPES: dict[Field, QuestionType] = {
    Field.LIBRARY: QuestionType.DROPDOWN,
    Field.DATE: QuestionType.DATE,
    Field.TITLE: QuestionType.TEXT,
    Field.KIND: QuestionType.CHOICE,
    Field.PARTICIPANTS_MALE: QuestionType.WHOLE_NUMBER,
    Field.PARTICIPANTS_FEMALE: QuestionType.WHOLE_NUMBER,
    Field.PARTNERS: QuestionType.TEXT,
    Field.DOCUMENTATION_URL: QuestionType.URL,
    Field.PUBLICATION_URLS: QuestionType.URL_LIST,
}

def question_type(field: Field) -> QuestionType:
    """How the form asks for ``field``."""
    return _TYPES[field]


#: Optional answers; publication links are required only for ``publikasi`` (the parser checks it).
_OPTIONAL = frozenset({Field.PARTNERS, Field.DOCUMENTATION_URL, Field.PUBLICATION_URLS})

_REGENCY_PREFIXES = ("kabupaten ", "kab ", "kota ")


def _regency_key(text: str) -> str:
    key = " ".join(text.replace(".", " ").casefold().split())
    for prefix in _REGENCY_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def matches_regency(library: Library, regency: str) -> bool:
    """Whether ``library`` lies in ``regency`` (``Kabupaten``/``Kab.``/``Kota`` prefixes optional)."""
    return library.regency is not None and _regency_key(library.regency) == _regency_key(regency)


def library_choices(libraries: Iterable[Library]) -> tuple[Choice, ...]:
    """Dropdown options for these libraries, in registry order.

    A name shared by two libraries would be ambiguous to the parser, so those
    libraries are listed by their id (which the parser matches exactly).
    """
    libraries = tuple(libraries)
    seen: dict[str, int] = {}
    for library in libraries:
        key = normalize_library_name(library.name)
        seen[key] = seen.get(key, 0) + 1
    choices = []
    for library in libraries:
        shared = seen[normalize_library_name(library.name)] > 1
        label = library.id if shared else library.name
        choices.append(Choice(label=label, label_en=label, value=library.id))
    return tuple(choices)


def _libraries(registry: Registry, regency: str | None) -> tuple[Library, ...]:
    if not len(registry):
        raise ConfigError.from_catalogue("form.no_libraries")
    if regency is None:
        return tuple(registry)
    chosen = tuple(lib for lib in registry if matches_regency(lib, regency))
    if not chosen:
        known = ", ".join(sorted({lib.regency for lib in registry if lib.regency})) or "-"
        raise ConfigError.from_catalogue("form.no_such_regency", regency=regency, known=known)
    return chosen


def build_schema(rubric: Rubric, registry: Registry, *, regency: str | None = None) -> FormSchema:
    """The reporting form for ``rubric`` and ``registry``.

    Args:
        rubric: supplies the activity kinds and their labels.
        registry: supplies the library dropdown, in registry order.
        regency: limit the dropdown to one kabupaten/kota.

    Raises:
        ConfigError: the registry is empty, or no library lies in ``regency``.
    """
    libraries = _libraries(registry, regency)
    kinds = tuple(Choice(label=k.label, label_en=k.label_en, value=k.kind.value) for k in rubric.kinds)
    choices = {Field.LIBRARY: library_choices(libraries), Field.KIND: kinds}
    questions = []
    for field in FORM_FIELDS:
        help_id, help_en = both(f"form.help.{field.value}", rubric=rubric.ref, max=MAX_PARTICIPANTS)
        questions.append(
            Question(
                field=field,
                type=_TYPES[field],
                title=default_titles(field, "id"),
                title_en=default_titles(field, "en"),
                help=help_id,
                help_en=help_en,
                required=field not in _OPTIONAL,
                choices=choices.get(field, ()),
            )
        )
    if regency is None:
        title_id, title_en = both("form.title")
    else:
        title_id, title_en = both("form.title_regency", regency=regency)
    description_id, description_en = both("form.description", rubric=rubric.ref)
    return FormSchema(
        title=title_id,
        title_en=title_en,
        description=description_id,
        description_en=description_en,
        rubric=rubric.ref,
        regency=regency,
        questions=tuple(questions),
    )
