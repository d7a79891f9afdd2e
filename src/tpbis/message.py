"""Messages are data: a key and its parameters, turned into text only at the edge.

A :class:`Message` is what the domain, the parsers and the exceptions hold; only
the CLI, the writers and the report call :func:`render` (or
:meth:`Message.render`), in one language, through the gettext catalogue shipped
in ``tpbis/locale/<lang>/LC_MESSAGES/tpbis.mo`` (compiled from the ``.po`` files
next to it by ``nox -s messages``). The standard library's
:class:`gettext.GNUTranslations` reads them, so rendering needs no Babel.

Plurals: a message whose text depends on a number carries it as the parameter
``n`` (:data:`COUNT`); build it with :meth:`Message.plural`. The catalogue entry
then has one form per plural form of the language (Indonesian one, English
two) and gettext's ``Plural-Forms`` rule picks the form from ``n``.

This module is a leaf: it imports nothing from tpbis, so :mod:`tpbis.errors`
and the domain can hold messages without importing the CLI's machinery.
"""

from __future__ import annotations

import gettext
import importlib.resources
import re
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from decimal import Decimal
from fractions import Fraction
from typing import Final

import attrs

__all__ = [
    "COUNT",
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LEGACY_COUNTS",
    "LITERAL",
    "BilingualTexts",
    "Catalogue",
    "InBothLanguages",
    "Message",
    "MessageValueError",
    "Params",
    "catalogue",
    "language",
    "load_translations",
    "plural_selector",
    "render",
]

#: The languages tpbis ships, default first.
LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"
#: The gettext domain of tpbis's own messages (argparse's are in the ``argparse`` domain).
DOMAIN: Final = "tpbis"
#: The parameter that chooses a plural form.
COUNT: Final = "n"
#: The key of a message whose text comes with it in both languages (:meth:`Message.literal`):
#: rubric labels and units, library-defined names, text made before messages were data.
LITERAL: Final = "literal"

#: Plural entries whose call sites still name the count by an older parameter
#: (``t("report.activities", count=3)``, ``from_catalogue("google.quota", attempts=2)``);
#: the texts call it ``{n}``. Transitional: a call site converted to
#: :meth:`Message.plural` no longer needs its line here.
LEGACY_COUNTS: Mapping[str, str] = {
    "cli.problems_hint": "errors",
    "cli.rubric.ok": "indicators",
    "cli.summary": "rows",
    "form.cli.updated": "changes",
    "form.cli.xlsform": "libraries",
    "form.unavailable": "attempts",
    "gap.points": "points",
    "google.quota": "attempts",
    "google.unavailable": "attempts",
    "report.activities": "count",
    "report.problems.summary": "errors",
    "report.rollup_note": "libraries",
    "report.subtitle": "libraries",
    "sync.change": "changed",
    "sync.done": "requests",
    "sync.problems": "count",
    "whatif.single": "count",
}

_WHOLE = re.compile(r"[+-]?\d+")


def language(lang: str | None) -> str:
    """``lang`` as one of :data:`LANGUAGES` (``en`` stays English, everything else is Indonesian)."""
    return "en" if lang == "en" else DEFAULT_LANGUAGE


class Params(Mapping[str, object]):
    """A message's parameters: an immutable mapping, hashable when its values are.

    The reading methods go straight to the dict inside (``Mapping``'s generic ones
    call ``__getitem__`` per item): rendering reads the parameters of every
    node of every message.
    """

    __slots__ = ("_hash", "_items")

    def __init__(self, items: Mapping[str, object] | None = None) -> None:
        self._items: dict[str, object] = dict(items or {})
        self._hash: int | None = None

    def __getitem__(self, name: str) -> object:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def get(self, name: str, default: object = None) -> object:
        """The value of ``name``, or ``default``."""
        return self._items.get(name, default)

    def keys(self) -> KeysView[str]:
        """The parameter names (a read-only view)."""
        return self._items.keys()

    def values(self) -> ValuesView[object]:
        """The parameter values (a read-only view)."""
        return self._items.values()

    def items(self) -> ItemsView[str, object]:
        """The (name, value) pairs (a read-only view)."""
        return self._items.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Params):
            return self._items == other._items
        return super().__eq__(other)

    def __hash__(self) -> int:
        if self._hash is None:  # the values never change: computed once
            self._hash = hash(frozenset(self._items.items()))
        return self._hash

    def __repr__(self) -> str:
        return repr(self._items)


_set = object.__setattr__


def _params(value: Mapping[str, object] | None) -> Params:
    return value if isinstance(value, Params) else Params(value)


@attrs.frozen(init=False)
class Message:
    """A user-facing message as data: a catalogue key and the values it names.

    Parameter values may be other messages (rendered in the same language),
    numbers, dates or strings; anything :meth:`str.format` can format.

    >>> Message("problem.title.missing").render("en")
    'Activity name is blank.'
    >>> Message("problem.date.invalid", value="31/02").render("id")
    "Tanggal kegiatan '31/02' tidak terbaca; gunakan misalnya 21/09/2024 atau 2024-09-21."
    """

    key: str
    params: Params = attrs.field(converter=_params)

    def __init__(self, key: str, params: Mapping[str, object] | None = None, /, **kwparams: object) -> None:
        # what ``__attrs_init__`` does, without copying the parameters twice: millions of messages are
        # made at national scale (problems, plans, unmet award criteria), and ``kwparams`` is ours
        if params:
            kwparams = {**params, **kwparams}
        items = Params.__new__(Params)
        items._items = kwparams
        items._hash = None
        _set(self, "key", key)  # a frozen attrs class
        _set(self, "params", items)

    @classmethod
    def plural(cls, key: str, n: object, /, **params: object) -> Message:
        """A message whose form depends on the count ``n`` (also available to the text as ``{n}``).

        >>> Message.plural("report.activities", 1).render("en")
        '1 activity'
        >>> Message.plural("report.activities", 3).render("en")
        '3 activities'
        """
        return cls(key, params, **{COUNT: n})

    @classmethod
    def literal(cls, indonesian: str, english: str | None = None, /) -> Message:
        """Text given in both languages, not looked up in the catalogue (``english`` defaults to ``indonesian``).

        For data that arrives bilingual (a rubric's ``label``/``label_en``) and
        can be nested in catalogue messages like any other message.

        >>> Message.literal("Perpustakaan Teraktif", "Most Active Library").render("en")
        'Most Active Library'
        """
        return cls(LITERAL, id=indonesian, en=indonesian if english is None else english)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """This message as text in ``lang`` (see :func:`render`)."""
        return render(self, lang)

    def __call__(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The same as :meth:`render`: values that hold a message as ``message`` keep ``x.message(lang)`` working."""
        return render(self, lang)


def plural_selector(n: object) -> int:
    """The whole number gettext chooses a plural form by.

    Whole numbers choose by their value; a count written with a fraction
    (``7.5``, ``Decimal("1.0")``) takes the form of 2, which is the "other"
    (plural) form in every language tpbis ships (CLDR: "1.0 points").
    """
    if isinstance(n, bool):
        return int(n)
    if isinstance(n, int):
        return n
    text = str(n).strip()
    return int(text) if _WHOLE.fullmatch(text) else 2


class Catalogue:
    """The compiled gettext catalogues, one per language, plus keys not yet in the ``.po`` files."""

    def __init__(self, package: str = "tpbis", domain: str = DOMAIN) -> None:
        self._package = package
        self._domain = domain
        self._loaded: dict[str, gettext.NullTranslations] = {}
        self._extra: list[Mapping[str, tuple[str, str]]] = []
        self._keys: dict[str, tuple[list[str], frozenset[str]]] = {}
        #: texts found in the ``.mo`` files, by (key, language) or (key, language, plural selector); they never change
        self._texts: dict[tuple[str, str] | tuple[str, str, int], str] = {}

    def translations(self, lang: str) -> gettext.NullTranslations:
        """The gettext translations of ``lang`` (read once from the committed ``.mo`` file)."""
        lang = language(lang)
        found = self._loaded.get(lang)
        if found is None:
            found = self._loaded[lang] = load_translations(self._package, lang, self._domain)
        return found

    def add_extra(self, entries: Mapping[str, tuple[str, str]]) -> None:
        """Also look keys up in ``entries`` (``key -> (indonesian, english)``), after the ``.po`` files.

        The mapping is kept by reference, so keys added to it later are seen too.
        """
        if all(entries is not known for known in self._extra):
            self._extra.append(entries)

    def _entries(self, lang: str) -> tuple[list[str], frozenset[str]]:
        """The keys of ``lang``'s ``.mo`` file, and those of them with plural forms."""
        lang = language(lang)
        found = self._keys.get(lang)
        if found is None:
            # GNUTranslations keeps its entries in _catalog: msgid, or (msgid, form) for plurals.
            # gettext has no public listing; the attribute has been there since Python 2.
            entries: dict[str | tuple[str, int], str] = getattr(self.translations(lang), "_catalog", {})
            keys = dict.fromkeys(k if isinstance(k, str) else k[0] for k in entries if k)
            plural = frozenset(k[0] for k in entries if isinstance(k, tuple))
            found = self._keys[lang] = (list(keys), plural)
        return found

    def template(self, key: str, lang: str, count: object = None) -> str:
        """The text of ``key`` in ``lang``, in the plural form for ``count`` when the entry has forms.

        Raises:
            KeyError: no catalogue has ``key``.
            ValueError: ``key`` has plural forms but no count was given.
        """
        lang = language(lang)
        texts = self._texts
        found = texts.get((key, lang))
        if found is not None:
            return found
        translations = self.translations(lang)
        if key in self._entries(lang)[1]:
            if count is None:
                msg = f"message {key!r} has plural forms: give its count as {COUNT!r} (Message.plural)"
                raise ValueError(msg)
            selector = plural_selector(count)
            found = texts.get((key, lang, selector))
            if found is not None:
                return found
            text = translations.ngettext(key, key, selector)
            if text != key:
                texts[(key, lang, selector)] = text
                return text
        else:
            text = translations.gettext(key)
            if text != key:
                texts[(key, lang)] = text
                return text
        for extra in self._extra:
            if key in extra:
                return extra[key][1 if lang == "en" else 0]
        raise KeyError(key)

    def keys(self) -> list[str]:
        """Every key: the ``.po`` entries of the default language, then the extra ones."""
        found = dict.fromkeys(self._entries(DEFAULT_LANGUAGE)[0])
        for extra in self._extra:
            found.update(dict.fromkeys(extra))
        return list(found)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return key in self._entries(DEFAULT_LANGUAGE)[0] or any(key in extra for extra in self._extra)

    def is_plural(self, key: str) -> bool:
        """Whether ``key`` has plural forms (and so needs a count ``n``)."""
        return key in self._entries(DEFAULT_LANGUAGE)[1]


def load_translations(package: str, lang: str, domain: str) -> gettext.NullTranslations:
    """The committed ``<package>/locale/<lang>/LC_MESSAGES/<domain>.mo``, or no translation if absent."""
    resource = importlib.resources.files(package).joinpath("locale", lang, "LC_MESSAGES", f"{domain}.mo")
    if not resource.is_file():
        return gettext.NullTranslations()
    with resource.open("rb") as fp:
        return gettext.GNUTranslations(fp)


#: tpbis's message catalogue.
catalogue: Final = Catalogue()


def render(message: Message, lang: str = DEFAULT_LANGUAGE, /) -> str:
    """``message`` as text in ``lang`` (``id`` or ``en``; anything else is Indonesian).

    Parameters that are messages are rendered first, in the same language.

    Raises:
        KeyError: the message key is in no catalogue.
        ValueError: the entry has plural forms and the message has no ``n``.
    """
    return _render_node(message, lang, lambda child: render(child, lang))


def _render_node(message: Message, lang: str, child: Callable[[Message], str]) -> str:
    """``message`` in ``lang``, its parameters that are messages rendered by ``child``."""
    params = message.params
    if message.key == LITERAL:
        return str(params["en" if language(lang) == "en" else "id"])
    count = params.get(COUNT)
    if count is None and message.key in LEGACY_COUNTS:
        count = params.get(LEGACY_COUNTS[message.key])
    template = catalogue.template(message.key, lang, count)
    if not params:
        return template
    values = {name: child(v) if isinstance(v, Message) else v for name, v in params.items()}
    if count is not None:
        values.setdefault(COUNT, count)
    return template.format(**values)


class BilingualTexts:
    """Messages rendered in Indonesian and English together, each distinct message and sub-message once.

    A JSON document shows thousands of messages in both languages, most of them
    equal to another (the same advice, the same plan sentence) or built from
    equal parts. Each message node is recognised by its key and parameters,
    its sub-messages by the number given to them when first seen, so a message
    is read in one pass and only its new parts are rendered. Values are told
    apart by type as well as value (``1``, ``1.0``, ``True`` and
    ``Decimal("1.00")`` compare equal but read differently); a message with a
    parameter of another type is rendered directly. At most ``limit`` nodes
    are kept (then the memory starts again).
    """

    __slots__ = ("_limit", "_next", "_nodes")

    def __init__(self, limit: int = 50_000) -> None:
        self._limit = limit
        #: node key → (number, Indonesian, English); numbers are never reused, even after a clear
        self._nodes: dict[tuple[object, ...], tuple[int, str, str]] = {}
        self._next = 0

    def __call__(self, message: Message) -> tuple[str, str]:
        """``message`` rendered in Indonesian and in English."""
        if len(self._nodes) >= self._limit:
            self._nodes.clear()
        try:
            _, indonesian, english = self._node(message)
        except TypeError:  # a parameter of another type: its text might not follow its value
            return render(message, "id"), render(message, "en")
        return indonesian, english

    def _node(self, message: Message) -> tuple[int, str, str]:
        key: list[object] = [message.key]
        children: dict[int, tuple[int, str, str]] | None = None
        for name, value in message.params._items.items():
            kind = type(value)
            if kind in _EXACT_TYPES:
                key += (name, kind, value)
            elif kind is Message or (kind not in _REPR_TYPES and isinstance(value, Message)):
                child = self._node(value)  # type: ignore[arg-type]  # a Message, as tested
                if children is None:
                    children = {}
                children[id(value)] = child
                key += (name, None, child[0])  # None: a sub-message, by its number
            elif kind in _REPR_TYPES:
                key += (name, kind, repr(value))
            else:
                raise TypeError(kind.__name__)
        node = tuple(key)
        found = self._nodes.get(node)
        if found is None:
            found = self._nodes[node] = (
                self._next,
                _render_node(message, "id", lambda child: children[id(child)][1]),  # type: ignore[index]
                _render_node(message, "en", lambda child: children[id(child)][2]),  # type: ignore[index]
            )
            self._next += 1
        return found


#: Value types whose equal values read alike (``str.format`` of equal values of one type).
_EXACT_TYPES: Final = frozenset({str, int, bool, type(None), Fraction})
#: Value types whose equal values may read differently: told apart by ``repr`` (``-0.0``, ``Decimal("1.00")``).
_REPR_TYPES: Final = frozenset({float, Decimal})


class MessageValueError(ValueError):
    """A :class:`ValueError` whose text is a :class:`Message` (attrs validators of rubric classes raise it).

    ``str(exc)`` is the English text (a ValueError is read by programmers, as Python's own are);
    the rubric loader renders :attr:`message` in the reader's language.
    """

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return render(self.message, "en")


class InBothLanguages:
    """For values that carry ``message: Message``: its text in Indonesian and in English.

    The JSON writer and older callers read ``message_id`` / ``message_en``; the
    value itself holds only the message (rendered at the edge).
    """

    __slots__ = ()
    message: Message

    @property
    def message_id(self) -> str:
        """The message in Indonesian."""
        return self.message.render("id")

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self.message.render("en")
