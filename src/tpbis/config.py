"""Settings: one :class:`Settings` value, resolved once from every layer.

Precedence, first set wins: command-line flag > environment variable
(``TPBIS_*``) > ``tpbis.toml`` > the spreadsheet's own metadata (its time
zone, when the source is a Google spreadsheet) > the default. Each layer is a
:class:`Config` whose fields start unset (``None``), so a layer that says
nothing lets the next one speak.

``tpbis.toml`` example::

    lang = "id"                     # or "en"
    sheet_timezone = "Asia/Jakarta" # zone of timestamps without an offset
    day_first = true                # 5/9/2024 is 5 September
    responses_tab = "Respons Formulir 1"
    registry_tab = "Perpustakaan"
    rubric = "rubrik-kepri.toml"    # relative to this file, or a shipped
                                    # rubric by name ("tpbis-default@2")
    registry = "perpustakaan.csv"   # registry source: a CSV, an .xlsx with a
                                    # Perpustakaan tab (relative to this file),
                                    # or a Google Sheets URL or key

    [columns]                       # header title = field
    "Nama Perpustakaan Desa" = "library"

Rubrics by date, instead of ``rubric`` (each period is scored with the rubric
in force on all its days; a period across a change is refused with the split
periods to use; ``--rubric`` or ``TPBIS_RUBRIC`` overrides for every period)::

    [[rubrics]]
    path = "rubrik-2024.toml"       # a file, relative to this file
    valid_from = 2024-01-01
    valid_until = 2024-12-31        # optional: else until the next one begins

    [[rubrics]]
    name = "tpbis-default@2"        # or a shipped rubric by name
    valid_from = 2025-01-01

Several sources read in one run, when the command line names none (a SOURCE
given on the command line replaces the whole list)::

    [[sources]]
    path = "kepri-2024.xlsx"        # a file, relative to this file
    channel = "google-form"         # a name for problems and JSON (default: its kind)

    [[sources]]
    path = "kobo-export.xlsx"
    channel = "kobo"

    [[sources]]
    url = "https://docs.google.com/spreadsheets/d/…"   # or a key, or forms:FORM_ID

Environment variables (see :data:`ENVIRONMENT`): ``TPBIS_CONFIG``,
``TPBIS_LANG``, ``TPBIS_SHEET_TIMEZONE``, ``TPBIS_DAY_FIRST``,
``TPBIS_RESPONSES_TAB``, ``TPBIS_REGISTRY_TAB``, ``TPBIS_RUBRIC``, ``TPBIS_REGISTRY``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import attrs
import cattrs
import pendulum

from tpbis.domain.period import Period
from tpbis.domain.rubric import Rubric, RubricSchedule, RubricSpan, rubric_for
from tpbis.errors import ConfigError
from tpbis.i18n import os_reason
from tpbis.message import Message
from tpbis.parsing.registry import REGISTRY_TAB
from tpbis.rubrics import (
    default_rubric,
    is_shipped_name,
    load_rubric,
    shipped_rubric,
    strict_converter,
)
from tpbis.rubrics._problems import InvalidValue, structure_problems, toml_problem
from tpbis.service.options import ReadOptions

__all__ = [
    "CONFIG_FILE",
    "CONFIG_VARIABLE",
    "ENVIRONMENT",
    "Config",
    "RubricEntry",
    "Settings",
    "SourceEntry",
    "config_from_env",
    "config_path",
    "layer",
    "load_config",
    "resolve_settings",
]

CONFIG_FILE = "tpbis.toml"

#: Environment variable → setting (``TPBIS_CONFIG`` names the ``tpbis.toml`` to read).
ENVIRONMENT: Mapping[str, str] = {
    "TPBIS_LANG": "lang",
    "TPBIS_SHEET_TIMEZONE": "sheet_timezone",
    "TPBIS_DAY_FIRST": "day_first",
    "TPBIS_RESPONSES_TAB": "responses_tab",
    "TPBIS_REGISTRY_TAB": "registry_tab",
    "TPBIS_RUBRIC": "rubric",
    "TPBIS_REGISTRY": "registry",
}
CONFIG_VARIABLE = "TPBIS_CONFIG"

_SHEETS_KEY = re.compile(r"[A-Za-z0-9_-]{20,}")
_TRUE = frozenset({"1", "true", "yes", "ya", "on"})
_FALSE = frozenset({"0", "false", "no", "tidak", "off"})
#: The words ``TPBIS_DAY_FIRST`` accepts (any case), as shown in its error.
_BOOL_WORDS = "1/0, true/false, yes/no, ya/tidak, on/off"


def _check_timezone(_: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is None:
        return
    try:
        pendulum.timezone(value)
    except Exception:  # pendulum raises several kinds for unknown zones
        raise InvalidValue(value, Message("structure.expect.timezone"), attribute.name) from None




@attrs.frozen(kw_only=True)
class RubricEntry:
    """One ``[[rubrics]]`` entry: a rubric file or a shipped rubric, and the days it applies to."""

    #: a rubric file (relative to the ``tpbis.toml`` in a layer, absolute in :class:`Settings`)
    path: str | None = None
    #: a shipped rubric, ``name@version``
    name: str | None = None
    valid_from: pendulum.Date
    #: the last day, inclusive; ``None`` = until the next entry begins
    valid_until: pendulum.Date | None = None

    def load(self) -> Rubric:
        """The rubric this entry names.

        Raises:
            RubricError: the file is missing or invalid, or no shipped rubric has the name.
        """
        return load_rubric(self.path) if self.path is not None else shipped_rubric(self.name or "")


@attrs.frozen(kw_only=True)
class SourceEntry:
    """One ``[[sources]]`` entry: a file or a URL (or key, or ``forms:ID``), and its channel."""

    #: a file (relative to the ``tpbis.toml`` in a layer, absolute in :class:`Settings`)
    path: str | None = None
    #: a Google Sheets URL or key, or ``forms:FORM_ID``
    url: str | None = None
    #: what problems and JSON call the way its rows came (default: the source's kind)
    channel: str | None = None

    @property
    def source(self) -> str:
        """The SOURCE as the command line would give it."""
        return self.path if self.path is not None else self.url or ""


@attrs.frozen(kw_only=True)
class Config:
    """One layer of settings (``tpbis.toml``, the environment or the flags); ``None`` is unset."""

    lang: Literal["id", "en"] | None = None
    sheet_timezone: str | None = attrs.field(default=None, validator=_check_timezone)
    day_first: bool | None = None
    responses_tab: str | None = None
    registry_tab: str | None = None
    #: a rubric file, relative to :attr:`base_dir`, or a shipped rubric's ``name@version``
    rubric: str | None = None
    #: rubrics by date (``[[rubrics]]``); only ``tpbis.toml`` sets them
    rubrics: list[RubricEntry] | None = None
    #: the registry source (a file relative to :attr:`base_dir`, or a Google Sheets URL or key)
    registry: str | None = None
    columns: dict[str, str] | None = None
    #: the sources read in one run (``[[sources]]``); only ``tpbis.toml`` sets them
    sources: list[SourceEntry] | None = None
    #: the folder relative paths in this layer are read from
    base_dir: str = "."


@attrs.frozen(kw_only=True)
class Settings:
    """Everything a command needs to know besides its own options, resolved once."""

    lang: Literal["id", "en"] = "id"
    read: ReadOptions = attrs.Factory(ReadOptions)
    #: the rubric file; ``None`` for the built-in default
    rubric: Path | None = None
    #: a shipped rubric named instead of a file (``--rubric tpbis-default@2``)
    rubric_name: str | None = None
    #: rubrics by date from ``tpbis.toml`` (paths made absolute); used when no single rubric is set
    rubrics: tuple[RubricEntry, ...] = ()
    #: the registry source instead of the workbook's tab (``--registry``, ``TPBIS_REGISTRY``,
    #: ``registry`` in ``tpbis.toml``); ``None`` when none was set
    registry: str | None = None
    #: the folder of ``tpbis.toml`` (where ``tpbis-form.json`` lives), else the current one
    base_dir: Path = Path()
    #: ``[[sources]]`` of ``tpbis.toml`` (paths made absolute): read when the command line names no SOURCE
    sources: tuple[SourceEntry, ...] = ()

    def load_rubric(self) -> Rubric:
        """The one rubric of commands that have no period (``form build``): the rubric file or
        shipped name, else the ``[[rubrics]]`` entry that begins last, else ``tpbis-default@1``.

        Raises:
            RubricError: the file is missing or invalid.
        """
        rubrics = self.load_rubrics()
        return rubrics if isinstance(rubrics, Rubric) else rubrics.latest

    def load_rubrics(self) -> Rubric | RubricSchedule:
        """What periods are scored with: one rubric for every period (``--rubric``,
        ``TPBIS_RUBRIC``, ``rubric`` in ``tpbis.toml``, else the default), or the
        ``[[rubrics]]`` schedule.

        Raises:
            RubricError: a file is missing or invalid, a name unknown, or the schedule overlaps.
        """
        if self.rubric is not None:
            return load_rubric(self.rubric)
        if self.rubric_name is not None:
            return shipped_rubric(self.rubric_name)
        if self.rubrics:
            return RubricSchedule.of([
                RubricSpan(rubric=entry.load(), valid_from=entry.valid_from, valid_until=entry.valid_until)
                for entry in self.rubrics
            ])
        return default_rubric()

    def rubric_for(self, period: Period) -> Rubric:
        """The rubric to score ``period`` with (see :meth:`load_rubrics`).

        Raises:
            RubricError: as :meth:`load_rubrics`, or the period straddles a change of
                rubric or has days no rubric covers.
        """
        return rubric_for(period, self.load_rubrics())


def load_config(path: str | Path | None = None) -> Config:
    """Read ``path``, or ``./tpbis.toml`` when it exists, else an empty layer.

    Raises:
        ConfigError: the file cannot be read or has unknown keys or wrong types.
    """
    explicit = path is not None
    path = Path(path if path is not None else CONFIG_FILE)
    if not path.exists():
        if explicit:
            raise ConfigError.from_catalogue("error.config_not_found", path=str(path))
        return Config()
    try:
        # utf-8-sig: Windows Notepad may begin the file with a byte order mark
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError.from_catalogue("error.config_unreadable", path=str(path), reason=os_reason(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError.from_catalogue(
            "error.config_unreadable", path=str(path), reason=toml_problem(exc)
        ) from None
    if "base_dir" in data:  # not a setting: the folder of the file, set below
        raise ConfigError.from_catalogue("error.config_invalid", path=str(path), details=_details([
            Message("structure.unknown_keys", keys="base_dir", known=", ".join(_KEYS))
        ]))
    data["base_dir"] = str(path.resolve().parent)
    _check_source_tables(data.get("sources"), str(path))
    try:
        config = strict_converter.structure(data, Config)
    except cattrs.BaseValidationError as exc:
        details = _details(structure_problems(exc, data))
        raise ConfigError.from_catalogue("error.config_invalid", path=str(path), details=details) from None
    _check_rubrics(config, str(path))
    _check_sources(config, str(path))
    return config


#: The keys ``tpbis.toml`` may set.
_KEYS = tuple(field.name for field in attrs.fields(Config) if field.name != "base_dir")


def _details(problems: list[Message]) -> Message:
    """Several problems as one text, in each language."""
    return Message.literal(*("; ".join(p.render(lang) for p in problems) for lang in ("id", "en")))


def _check_rubrics(config: Config, path: str) -> None:
    """``rubric`` or ``[[rubrics]]``, not both; each entry names a file or a shipped rubric.

    Raises:
        ConfigError: either rule is broken.
    """
    if config.rubrics is None:
        return
    if config.rubric is not None:
        raise ConfigError.from_catalogue("error.rubrics_both", path=path)
    for index, entry in enumerate(config.rubrics, start=1):
        if (entry.path is None) == (entry.name is None):
            raise ConfigError.from_catalogue("error.rubrics_entry", path=path, index=index)


def _check_source_tables(sources: object, path: str) -> None:
    """``sources`` is a list of tables (``[[sources]]``), not a text or a list of texts
    (``sources = ["a.xlsx"]``) or one table (``[sources]``); the converter would read a text
    character by character.

    Raises:
        ConfigError: an entry is not a table.
    """
    if sources is None:
        return
    entries = sources if isinstance(sources, list) else [None]  # also `[sources]`, one table: not a list
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ConfigError.from_catalogue("error.sources_entry", path=path, index=index)


def _check_sources(config: Config, path: str) -> None:
    """Each ``[[sources]]`` entry names a file or a URL, not both, and not an empty one.

    Raises:
        ConfigError: an entry names neither or both, or an empty path or url.
    """
    for index, entry in enumerate(config.sources or (), start=1):
        given = [text for text in (entry.path, entry.url) if text is not None]
        if len(given) != 1 or not given[0].strip():
            raise ConfigError.from_catalogue("error.sources_entry", path=path, index=index)


def _env_value(name: str, field: str, text: str) -> object:
    if field == "day_first":
        if text.strip().casefold() in _TRUE:
            return True
        if text.strip().casefold() in _FALSE:
            return False
        raise ConfigError.from_catalogue("error.env_invalid", name=name, value=text, expected=_BOOL_WORDS)
    if field == "lang" and text not in ("id", "en"):
        raise ConfigError.from_catalogue("error.env_invalid", name=name, value=text, expected="id, en")
    return text


def config_from_env(environ: Mapping[str, str]) -> Config:
    """The ``TPBIS_*`` variables as a settings layer (empty ones are unset).

    Raises:
        ConfigError: a variable has a value its setting cannot take.
    """
    return layer(**{
        field: _env_value(name, field, environ[name]) for name, field in ENVIRONMENT.items() if environ.get(name)
    })


def layer(**values: Any) -> Config:
    """A settings layer from values given on the command line or in the environment.

    Raises:
        ConfigError: the time zone is unknown.
    """
    try:
        return Config(**values)
    except ValueError:
        raise ConfigError.from_catalogue("error.unknown_timezone", name=values.get("sheet_timezone")) from None


def config_path(option: str | None, environ: Mapping[str, str]) -> str | None:
    """The ``tpbis.toml`` to read: ``--config``, else ``TPBIS_CONFIG``, else ``None`` (``./tpbis.toml`` if present)."""
    return option or environ.get(CONFIG_VARIABLE) or None


def _first(layers: tuple[Config, ...], name: str) -> tuple[Any, Config | None]:
    for layer in layers:
        value = getattr(layer, name)
        if value is not None:
            return value, layer
    return None, None


def _located(value: str, base_dir: str) -> str:
    """A registry source named in a layer: a file relative to the layer's folder, else the text
    itself (a Google Sheets URL or key)."""
    if "://" in value or base_dir == ".":
        return value
    candidate = Path(base_dir) / value
    return str(candidate) if candidate.exists() or not _SHEETS_KEY.fullmatch(value) else value


def resolve_settings(*layers: Config) -> Settings:
    """Merge ``layers``, highest precedence first, over the defaults.

    The spreadsheet layer comes later, when a source is opened:
    :meth:`ReadOptions.timezone` takes the spreadsheet's zone when no layer
    here set one.
    """
    lang, _ = _first(layers, "lang")
    day_first, _ = _first(layers, "day_first")
    columns, _ = _first(layers, "columns")
    registry_tab, _ = _first(layers, "registry_tab")
    rubric, rubric_layer = _first(layers, "rubric")
    schedule, schedule_layer = _first(layers, "rubrics")
    registry, registry_layer = _first(layers, "registry")
    sources, sources_layer = _first(layers, "sources")
    file_dir = next((layer.base_dir for layer in layers if layer.base_dir != "."), ".")
    read = ReadOptions(
        sheet_timezone=_first(layers, "sheet_timezone")[0],
        day_first=True if day_first is None else day_first,
        columns=columns or {},
        responses_tab=_first(layers, "responses_tab")[0],
        registry_tab=registry_tab or REGISTRY_TAB,
    )
    rubric_file = Path(rubric_layer.base_dir) / rubric if rubric is not None and rubric_layer is not None else None
    rubric_name = None
    if rubric_file is not None and not rubric_file.exists() and is_shipped_name(rubric):
        rubric_file, rubric_name = None, rubric.strip()
    entries = tuple(
        attrs.evolve(entry, path=str(Path(schedule_layer.base_dir) / entry.path))
        if entry.path is not None and schedule_layer is not None else entry
        for entry in schedule or ()
    )
    return Settings(
        lang=lang or "id",
        read=read,
        rubric=rubric_file,
        rubric_name=rubric_name,
        rubrics=entries,
        registry=_located(registry, registry_layer.base_dir) if registry_layer is not None else None,
        base_dir=Path(file_dir),
        sources=tuple(
            attrs.evolve(entry, path=str(Path(sources_layer.base_dir) / entry.path))
            if entry.path is not None and sources_layer is not None else entry
            for entry in sources or ()
        ),
    )
