"""The message catalogue's compatibility front: :func:`t` and :func:`both` over the gettext files.

The texts live in ``tpbis/locale/<lang>/LC_MESSAGES/tpbis.po`` (msgid = the
stable key, msgstr = a :meth:`str.format` template), compiled to ``.mo`` files
that the standard library's :mod:`gettext` reads; :mod:`tpbis.message` holds
the :class:`~tpbis.message.Message` value and :func:`~tpbis.message.render`.
Indonesian is the default language.

New code should hold a :class:`~tpbis.message.Message` and render it at the
edge; :func:`t` and :func:`both` remain for the call sites that format text
directly. argparse's own messages are translated by the same mechanism
(:func:`install_argparse_translation`).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gettext
import json
import zipfile
from collections.abc import Iterator, Mapping
from typing import Literal

from tpbis.message import (
    DEFAULT_LANGUAGE,
    LEGACY_COUNTS,
    Message,
    catalogue,
    language,
    load_translations,
    render,
)

__all__ = [
    "CATALOGUE",
    "CATALOGUE_EXTRA",
    "LANGUAGES",
    "LEGACY_COUNTS",
    "Lang",
    "argparse_language",
    "both",
    "install_argparse_translation",
    "os_reason",
    "set_language",
    "t",
]

Lang = Literal["id", "en"]
LANGUAGES: tuple[Lang, ...] = ("id", "en")

#: Keys not yet in the ``.po`` files, ``key -> (indonesian, english)``; the ``.po``
#: files win when both have a key. Branches that add messages put them here; they
#: move into ``locale/*/LC_MESSAGES/tpbis.po`` when merged (an empty dict is the goal).
CATALOGUE_EXTRA: dict[str, tuple[str, str]] = {
}

catalogue.add_extra(CATALOGUE_EXTRA)


class _Catalogue(Mapping[str, tuple[str, str]]):
    """Read-only ``key -> (indonesian, english)`` over the gettext files (plural entries: the plural form)."""

    def __getitem__(self, key: str) -> tuple[str, str]:
        count = 2 if catalogue.is_plural(key) else None
        return catalogue.template(key, "id", count), catalogue.template(key, "en", count)

    def __iter__(self) -> Iterator[str]:
        return iter(catalogue.keys())

    def __len__(self) -> int:
        return len(catalogue.keys())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in catalogue


#: Every message, read-only: ``key -> (indonesian, english)`` templates.
CATALOGUE: Mapping[str, tuple[str, str]] = _Catalogue()

_default: list[str] = [DEFAULT_LANGUAGE]


def set_language(lang: str) -> None:
    """Make ``lang`` the language of :func:`t` calls that name none (the CLI sets it from ``--lang``)."""
    _default[0] = language(lang)


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message ``key`` in ``lang`` (``id`` or ``en``; default: :func:`set_language`'s, else ``id``)."""
    return render(Message(key, params), lang or _default[0])


def both(key: str, /, **params: object) -> tuple[str, str]:
    """The message ``key`` in Indonesian and English."""
    message = Message(key, params)
    return render(message, "id"), render(message, "en")


_OS_REASONS = {
    errno.ENOENT: "oserror.not_found",
    errno.EACCES: "oserror.permission",
    errno.EPERM: "oserror.permission",
    errno.EISDIR: "oserror.is_directory",
    errno.ENOTDIR: "oserror.not_directory",
}
#: The same reasons by class, for errors raised without an ``errno`` (``IsADirectoryError("x")``).
_OS_CLASSES: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "oserror.not_found"),
    (PermissionError, "oserror.permission"),
    (IsADirectoryError, "oserror.is_directory"),
    (NotADirectoryError, "oserror.not_directory"),
)


def os_reason(exc: BaseException) -> Message:
    """Why a file could not be read or written, in the reader's language (Python's own text is English).

    Knows the operating system's refusals (missing, no permission, a folder,
    not a folder), text that is not in the expected encoding, a file that is
    not a zip (XLSX) and one that is not JSON; anything else keeps its own text.

    >>> os_reason(FileNotFoundError(errno.ENOENT, "No such file or directory")).render("id")
    'berkas tidak ada'
    >>> os_reason(UnicodeDecodeError("utf-8", b"\\xff", 0, 1, "invalid start byte")).render("en")
    'the bytes are not utf-8 text (byte 0xff at position 0)'
    """
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start : exc.start + 1].hex() if exc.object else ""
        return Message("oserror.decode", encoding=exc.encoding, byte=byte, position=exc.start)
    if isinstance(exc, zipfile.BadZipFile):
        return Message("oserror.not_zip")
    if isinstance(exc, json.JSONDecodeError):
        return Message("oserror.not_json", line=exc.lineno, column=exc.colno)
    if isinstance(exc, OSError):
        key = _OS_REASONS.get(exc.errno or 0) or next((k for cls, k in _OS_CLASSES if isinstance(exc, cls)), None)
        if key is not None:
            return Message(key)
        text = str(exc.strerror or exc)
        return Message.literal(text, text)
    text = str(exc)
    return Message.literal(text, text)


# --- argparse --------------------------------------------------------------------

_ARGPARSE_DOMAIN = "argparse"
_argparse_loaded: dict[str, gettext.NullTranslations] = {}


def _argparse_translations(lang: str) -> gettext.NullTranslations:
    lang = language(lang)
    if lang not in _argparse_loaded:
        # English is argparse's own text: no catalogue, the msgids themselves.
        _argparse_loaded[lang] = (
            gettext.NullTranslations() if lang == "en" else load_translations("tpbis", lang, _ARGPARSE_DOMAIN)
        )
    return _argparse_loaded[lang]


def install_argparse_translation(lang: str) -> None:
    """Make argparse speak ``lang``: its errors, ``usage:``, ``-h`` help and section titles.

    argparse looks its texts up through the module globals ``_`` and
    ``ngettext`` at the moment it formats them, so routing those two through the
    ``argparse`` catalogue (``locale/<lang>/LC_MESSAGES/argparse.po``) translates
    parsers built before and after the call. Process-wide; see
    :func:`argparse_language` for a scoped change.
    """
    translations = _argparse_translations(lang)
    argparse._ = translations.gettext  # type: ignore[attr-defined]
    argparse.ngettext = translations.ngettext  # type: ignore[attr-defined]


@contextlib.contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """argparse speaks ``lang`` inside the block, and what it spoke before afterwards."""
    saved = vars(argparse).get("_"), vars(argparse).get("ngettext")
    install_argparse_translation(lang)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
