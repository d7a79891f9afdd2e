"""The reporting form as data: questions derived from the rubric and the registry.

One :class:`FormSchema` serves every form builder (Google Forms, XLSForm for
KoBoToolbox / ODK Central). The questions are those of DESIGN "Form mapping":
titles are the default titles the parser recognises, activity kinds are the
rubric's labels, libraries are the registered names — a name shared with
another library carries its kabupaten/kota (then desa/kelurahan, then id):
``Perpustakaan Desa Sindangsari — Kab. Bandung``. The parser resolves such a
label once :func:`with_label_aliases` has added the labels as aliases. Pure: no I/O.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable

import attrs

from tpbis.domain.library import Library, LibraryKind, Registry
from tpbis.domain.rubric import Rubric
from tpbis.errors import ConfigError
from tpbis.message import Message
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
    "label_aliases",
    "library_choices",
    "library_labels",
    "matches_regency",
    "question_type",
    "with_label_aliases",
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
        return Message.literal(self.title, self.title_en).render(lang)

    def help_in(self, lang: str) -> str:
        """The help text in ``lang``."""
        return Message.literal(self.help, self.help_en).render(lang)

    def choice_labels(self, lang: str = "id") -> tuple[str, ...]:
        """The option texts in ``lang``."""
        return tuple(Message.literal(c.label, c.label_en).render(lang) for c in self.choices)


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


def _regency_label(regency: str) -> str:
    """``Kabupaten Bandung`` / ``Kab Bandung`` → ``Kab. Bandung``; ``Kota …`` and bare names unchanged."""
    words = regency.split()
    if words and words[0].rstrip(".").casefold() in ("kabupaten", "kab") and len(words) > 1:
        return " ".join(["Kab.", *words[1:]])
    return " ".join(words)


_VILLAGE_PREFIXES = {LibraryKind.DESA: "Desa", LibraryKind.KELURAHAN: "Kel."}


def _village_label(library: Library) -> str | None:
    village = " ".join((library.village or "").split())
    if not village:
        return None
    prefix = _VILLAGE_PREFIXES.get(library.kind)
    first = village.split()[0].rstrip(".").casefold()
    if prefix is None or first in ("desa", "kelurahan", "kel"):
        return village
    return f"{prefix} {village}"


def _registered_names(libraries: Iterable[Library]) -> Counter[str]:
    """How many libraries carry each normalised name or alias (what the parser compares)."""
    names: Counter[str] = Counter()
    for library in libraries:
        names.update({normalize_library_name(n) for n in (library.name, *library.aliases)} - {""})
    return names


def _candidate_labels(library: Library) -> list[str]:
    """Ever more specific labels: name; name — regency; name — village, regency; … (id)."""
    name = " ".join(library.name.split())
    regency = _regency_label(library.regency) if library.regency else None
    village = _village_label(library)
    candidates = [name]
    if regency:
        candidates.append(f"{name} — {regency}")
    if village:
        candidates.append(f"{name} — {village}, {regency}" if regency else f"{name} — {village}")
    candidates.append(f"{candidates[-1]} ({library.id})")
    return candidates


def library_labels(libraries: Iterable[Library], *, among: Iterable[Library] | None = None) -> dict[str, str]:
    """Readable, unique dropdown labels for ``libraries``: library id → label, in order.

    A library whose name (normalised as the parser does) no other library in
    ``among`` (default: ``libraries``) carries as a name or alias is labelled by
    its name. Same-named libraries get the kabupaten/kota, e.g. ``Perpustakaan
    Desa Sindangsari — Kab. Bandung``; then the desa/kelurahan; and, if two are
    still alike, the id in brackets. A label is never the normalised name of
    another library or another label, so each label names one library.
    """
    libraries = tuple(libraries)
    registered = _registered_names(libraries if among is None else among)
    candidates = {library.id: _candidate_labels(library) for library in libraries}
    level = dict.fromkeys(candidates, 0)
    while True:
        keys: Counter[str] = Counter(normalize_library_name(c[level[i]]) for i, c in candidates.items())
        clash = [
            library_id for library_id, c in candidates.items()
            if level[library_id] < len(c) - 1 and (
                keys[key := normalize_library_name(c[level[library_id]])] > 1
                or registered[key] > (1 if level[library_id] == 0 else 0)
            )
        ]
        if not clash:
            return {library_id: c[level[library_id]] for library_id, c in candidates.items()}
        for library_id in clash:
            level[library_id] += 1


def library_choices(libraries: Iterable[Library], *, among: Iterable[Library] | None = None) -> tuple[Choice, ...]:
    """Dropdown options for these libraries, in registry order, labelled by :func:`library_labels`.

    Args:
        libraries: the libraries listed.
        among: every library the parser will match against (default: ``libraries``);
            a name shared with any of them is disambiguated.
    """
    labels = library_labels(libraries, among=among)
    return tuple(Choice(label=label, label_en=label, value=library_id) for library_id, label in labels.items())


def label_aliases(schema: FormSchema) -> dict[str, str]:
    """Library id → its dropdown label, for the libraries whose label is not their registered name.

    The parser matches a library by id or by normalised name/alias; a
    disambiguated label (``… — Kab. Bandung``) is neither, so whoever parses
    responses to this form adds these labels as aliases (:func:`with_label_aliases`).
    """
    return {c.value: c.label for c in schema.question(Field.LIBRARY).choices}


def with_label_aliases(registry: Registry, schema: FormSchema) -> Registry:
    """``registry`` with each library's dropdown label added as an alias, so a submitted label resolves to it."""
    labels = label_aliases(schema)
    libraries = []
    for library in registry:
        label = labels.get(library.id)
        known = {normalize_library_name(n) for n in (library.name, *library.aliases)}
        if label is not None and normalize_library_name(label) not in known:
            library = attrs.evolve(library, aliases=(*library.aliases, label))
        libraries.append(library)
    return Registry.of(libraries)


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


def _both(message: Message) -> tuple[str, str]:
    """``message`` in Indonesian and English: a form carries its texts in both languages."""
    return message.render("id"), message.render("en")


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
    choices = {Field.LIBRARY: library_choices(libraries, among=registry), Field.KIND: kinds}
    questions = []
    for field in FORM_FIELDS:
        help_id, help_en = _both(Message(f"form.help.{field.value}", rubric=rubric.ref, max=MAX_PARTICIPANTS))
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
        title_id, title_en = _both(Message("form.title"))
    else:
        title_id, title_en = _both(Message("form.title_regency", regency=regency))
    description_id, description_en = _both(Message("form.description", rubric=rubric.ref))
    return FormSchema(
        title=title_id,
        title_en=title_en,
        description=description_id,
        description_en=description_en,
        rubric=rubric.ref,
        regency=regency,
        questions=tuple(questions),
    )
