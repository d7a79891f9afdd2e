"""The national roll-up: every province read and reduced on its own, then one national picture.

Each province's spreadsheet (or ``.xlsx``) is read, parsed and scored with its
own registry and rubric by the single-source machinery
(:func:`~tpbis.service.score.score_inputs`; a period the province closed
with ``tpbis close`` keeps its frozen values and awards, :func:`~tpbis.service.close.freeze`)
and immediately reduced to a :class:`ProvinceResult`: per-library results,
eligible award entries, row counts and problem counts by code. Only these
stay in memory, so the national responses never need to fit one sheet or
one process's memory at once; at most ``workers`` provinces are being read at
a time.

A province is *unchanged* when its change marker (Drive ``modifiedTime`` of a
spreadsheet, the SHA-256 of a file) or, failing that, the fingerprint of what
was read equals the last run's, under the same settings (period, rubric
stamp, reading options, tpbis version); its stored result is reused and it is
not parsed again. A province that fails (not shared, deleted, malformed) is a
:class:`ProvinceResult` with ``status == FAILED`` and the error's message: the
others still complete.

The service imports no adapter: the CLI hands over a :data:`Opener` that
opens one province (:mod:`tpbis.cli.nasional`).
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import tomllib
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import attrs

from tpbis._version import __version__
from tpbis.domain.library import canonical_province
from tpbis.domain.numbers import round_half_up
from tpbis.domain.period import Period
from tpbis.domain.rubric import Color, Rubric, RubricSchedule, rubric_for
from tpbis.errors import ConfigError, TpbisError
from tpbis.history import Closure, closures, read_history
from tpbis.i18n import t
from tpbis.message import Message
from tpbis.parsing.table import Table
from tpbis.ports import OutputTab, OutValue
from tpbis.service.close import closure_for, freeze
from tpbis.service.options import ReadOptions
from tpbis.service.score import Inputs, score_inputs

__all__ = [
    "EXIT_PARTIAL",
    "FOREIGN_LIBRARY",
    "MARKER_TAB",
    "PLM_CATEGORY",
    "SHARED_LIBRARY",
    "STATE_FORMAT",
    "AwardRow",
    "LibraryRow",
    "NationalConfig",
    "Opener",
    "ProvinceHandle",
    "ProvinceResult",
    "ProvinceSpec",
    "Status",
    "export_columns",
    "export_rows",
    "foreign_libraries",
    "load_national_config",
    "load_state",
    "national_tabs",
    "reduce_province",
    "roll_up",
    "save_state",
    "shared_libraries",
    "shortlists",
    "state_path_for",
    "temporary_beside",
]

#: Exit code of a roll-up in which some provinces failed and the others were written.
EXIT_PARTIAL = 4

#: The award category listed as the national PLM invitations (the others are the award shortlists).
PLM_CATEGORY = "plm_nasional"

#: The hidden tab that marks a national output as tpbis's (run details; machine-readable, not translated).
MARKER_TAB = "_tpbis_nasional"

#: Version of the state file's layout.
STATE_FORMAT = 1

_FORMATS = ("parquet", "csv")


class Status(enum.Enum):
    """What happened to a province in this run."""

    READ = "read"
    UNCHANGED = "unchanged"
    FAILED = "failed"


# --- configuration -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ProvinceSpec:
    """One ``[[provinsi]]`` entry: its name, its spreadsheet (URL, key or ``.xlsx`` path) and overrides."""

    name: str
    source: str
    #: a registry source instead of the spreadsheet's ``Perpustakaan`` tab
    registry: str | None = None
    #: a rubric file (relative to the config) or a shipped rubric's ``name@version``
    rubric: str | None = None


@attrs.frozen(kw_only=True)
class NationalConfig:
    """A national roll-up's config file (see ``docs/pages/how-to/national``)."""

    path: Path
    provinces: tuple[ProvinceSpec, ...]
    #: the national output: a spreadsheet URL or key, or an ``.xlsx`` path
    output: str | None = None
    #: the national HTML report
    report: str | None = None
    #: the folder per-library results are exported to, and in which format
    export: str | None = None
    format: str = "parquet"
    #: provinces read at the same time
    workers: int = 4
    #: Sheets read requests per minute this run may send (Google: 60 per user per project)
    reads_per_minute: int = 60
    #: the rubric for every province without its own (else the settings')
    rubric: str | None = None

    @property
    def base_dir(self) -> Path:
        """The config's folder: relative paths in it are read from there."""
        return self.path.parent


_TOP_KEYS = {"provinsi", "output", "report", "export", "format", "workers", "reads_per_minute", "rubric"}
_PROVINCE_KEYS = {"nama", "spreadsheet", "registry", "rubric"}


def _bad(path: Path, problem: str, /, **params: object) -> ConfigError:
    return ConfigError(Message("national.config.bad", path=str(path), problem=Message(problem, **params)))


def _located(value: str, base: Path) -> str:
    """A relative local path read from the config's folder; URLs, keys and absolute paths as given."""
    text = value.strip()
    if "://" in text or not text.lower().endswith((".xlsx", ".xlsm", ".csv", ".toml", ".html", ".htm")):
        return text
    path = Path(text).expanduser()
    return str(path if path.is_absolute() else base / path)


_KEY_IN_URL = re.compile(r"/d/([A-Za-z0-9_-]{20,})")
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,}$")


def _identity(value: str) -> str:
    """What a source names, whatever its spelling: a spreadsheet's key, or a local file's resolved path."""
    text = value.strip()
    if "://" in text:
        found = _KEY_IN_URL.search(text)
        return "key:" + found.group(1) if found else text
    if text.lower().startswith("forms:"):
        return text
    if _KEY.match(text) and not Path(text).exists():
        return "key:" + text
    try:
        return "file:" + str(Path(text).expanduser().resolve())
    except (OSError, RuntimeError):
        return "file:" + text


def _is_output(value: str) -> bool:
    """A Google spreadsheet (URL or key) or an ``.xlsx`` path: what the national output can be."""
    if "://" in value:
        return _KEY_IN_URL.search(value) is not None
    return value.lower().endswith((".xlsx", ".xlsm")) or _KEY.match(value) is not None


def _check_inputs_and_outputs(path: Path, provinces: Sequence[ProvinceSpec], output: str | None,
                              report: str | None, rubric: str | None) -> None:
    """One spreadsheet under two provinces would count its libraries twice; an output over an input
    would overwrite a province's data (or the config): both are refused."""
    sources: dict[str, str] = {}
    read: dict[tuple[str, str | None], str] = {}
    for spec in provinces:
        sources.setdefault(_identity(spec.source), spec.name)
        # one spreadsheet read with each province's own registry is a different input each time
        registry = _identity(spec.registry) if spec.registry is not None else None
        seen = read.setdefault((_identity(spec.source), registry), spec.name)
        if seen != spec.name:
            raise _bad(path, "national.config.source_twice", source=spec.source, first=seen, second=spec.name)
    inputs = dict(sources)
    for spec in provinces:
        for extra in (spec.registry, spec.rubric):
            if extra is not None:
                inputs.setdefault(_identity(extra), spec.name)
    if rubric is not None:
        inputs.setdefault(_identity(rubric), rubric)
    inputs.setdefault(_identity(str(path)), str(path))
    inputs.setdefault(_identity(str(state_path_for(path))), str(state_path_for(path)))
    for key, value in (("output", output), ("report", report)):
        if value is not None and _identity(value) in inputs:
            raise _bad(path, "national.config.writes_input", key=key, value=value, input=inputs[_identity(value)])
        if key == "output" and value is not None:
            inputs.setdefault(_identity(value), value)


def load_national_config(path: str | Path) -> NationalConfig:
    """Read and check a national config file.

    Raises:
        ConfigError: the file is missing, not TOML, or not a valid config (one message naming the problem).
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError.from_catalogue("national.config.missing", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise _bad(path, "national.config.unreadable", reason=type(err).__name__) from None
    except tomllib.TOMLDecodeError as err:
        raise _bad(path, "national.config.not_toml", reason=str(err)) from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _bad(path, "national.config.unknown_key", key=", ".join(unknown))
    base = path.parent
    entries = data.get("provinsi")
    if not isinstance(entries, list) or not entries:
        raise _bad(path, "national.config.no_provinces")
    provinces: list[ProvinceSpec] = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise _bad(path, "national.config.bad_province", number=number)
        extra = sorted(set(entry) - _PROVINCE_KEYS)
        if extra:
            raise _bad(path, "national.config.unknown_key", key=", ".join(f"provinsi.{k}" for k in extra))
        name, source = entry.get("nama"), entry.get("spreadsheet")
        if not isinstance(name, str) or not name.strip() or not isinstance(source, str) or not source.strip():
            raise _bad(path, "national.config.bad_province", number=number)
        for key in ("registry", "rubric"):
            if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
                raise _bad(path, "national.config.bad_value", key=f"provinsi.{key}", value=repr(entry[key]))
        provinces.append(ProvinceSpec(
            name=name.strip(), source=_located(source, base),
            registry=_located(entry["registry"], base) if "registry" in entry else None,
            rubric=_located(entry["rubric"], base) if "rubric" in entry else None,
        ))
    names = [p.name.casefold() for p in provinces]
    twice = sorted({p.name for p in provinces if names.count(p.name.casefold()) > 1})
    if twice:
        raise _bad(path, "national.config.province_twice", name=", ".join(twice))
    texts: dict[str, str | None] = {}
    for key in ("output", "report", "export", "rubric"):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _bad(path, "national.config.bad_value", key=key, value=repr(value))
        texts[key] = value
    export = texts["export"]
    fmt = data.get("format", "parquet")
    if fmt not in _FORMATS:
        raise _bad(path, "national.config.bad_value", key="format", value=repr(fmt))
    numbers: dict[str, int] = {}
    for key, default, low in (("workers", 4, 1), ("reads_per_minute", 60, 2)):
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise _bad(path, "national.config.bad_value", key=key, value=repr(value))
        numbers[key] = value
    output = _located(texts["output"], base) if texts["output"] else None
    if output is not None and not _is_output(output):
        raise _bad(path, "national.config.bad_value", key="output", value=repr(texts["output"]))
    report = str(base / texts["report"]) if texts["report"] and not Path(texts["report"]).is_absolute() \
        else texts["report"]
    rubric = _located(texts["rubric"], base) if texts["rubric"] else None
    _check_inputs_and_outputs(path, provinces, output, report, rubric)
    return NationalConfig(
        path=path,
        provinces=tuple(provinces),
        output=output,
        report=report,
        export=str(base / export) if export and not Path(export).is_absolute() else export,
        format=fmt,
        workers=numbers["workers"],
        reads_per_minute=numbers["reads_per_minute"],
        rubric=rubric,
    )


# --- per-province results (language-neutral, JSON-ready) ------------------------------


@attrs.frozen(kw_only=True)
class LibraryRow:
    """One library's result for the period, reduced to plain values."""

    library_id: str
    name: str
    kind: str
    level: int
    #: the library's province as its registry names it
    library_province: str
    regency: str | None
    village: str | None
    #: the rounded composite as decimal text (``"72.5"``)
    composite: str
    color: str
    activity_count: int
    #: (indicator id, shown value, shown score) per indicator of the rubric
    indicators: tuple[tuple[str, float | None, float], ...] = ()


@attrs.frozen(kw_only=True)
class AwardRow:
    """An eligible entry of one award category at one level (the province's own rank)."""

    category: str
    level: int
    library_id: str
    name: str
    regency: str | None
    #: ranking score and composite as decimal text
    score: str
    composite: str
    activity_count: int
    rank: int


@attrs.frozen(kw_only=True)
class ProvinceResult:
    """What the roll-up keeps of one province: results, counts, problem counts, or why it failed."""

    name: str
    source: str
    status: Status
    #: the spreadsheet's title or the file's path
    title: str = ""
    period: str = ""
    rubric_id: str = ""
    rubric_version: int = 0
    rubric_digest: str = ""
    #: the settings the result was computed under (period, rubric, reading options, tpbis)
    settings: str = ""
    #: Drive ``modifiedTime`` or the file's SHA-256 when read; ``None`` when unknown
    stamp: str | None = None
    #: the SHA-256 of the tables read (responses, registry, contests)
    fingerprint: str = ""
    counts: Mapping[str, int] = attrs.field(factory=dict)
    #: problem counts by (code, severity)
    problems: tuple[tuple[str, str, int], ...] = ()
    libraries: tuple[LibraryRow, ...] = ()
    awards: tuple[AwardRow, ...] = ()
    #: award categories of the rubric: (id, label, label_en)
    categories: tuple[tuple[str, str, str], ...] = ()
    #: a failure: the message in Indonesian and English, and the exit code it carries
    error_id: str = ""
    error_en: str = ""
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        """Whether the province has results (read now or unchanged since the last run)."""
        return self.status is not Status.FAILED

    @property
    def rubric_stamp(self) -> str:
        """``name@version · sha256:digest``, as the other outputs name a rubric."""
        return f"{self.rubric_id}@{self.rubric_version} · sha256:{self.rubric_digest}" if self.rubric_id else ""

    def error(self, lang: str) -> str:
        """The failure in ``lang`` (empty when none)."""
        return self.error_en if lang == "en" else self.error_id

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (see :meth:`from_json`)."""
        data = attrs.asdict(self, recurse=True)
        data["status"] = self.status.value
        data["counts"] = dict(self.counts)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProvinceResult:
        """The result a state file stored (raises ``KeyError``/``TypeError``/``ValueError`` when malformed)."""
        values = dict(data)
        values["status"] = Status(values["status"])
        values["counts"] = {str(k): int(v) for k, v in dict(values.get("counts", {})).items()}
        values["problems"] = tuple((str(c), str(s), int(n)) for c, s, n in values.get("problems", ()))
        values["libraries"] = tuple(
            LibraryRow(**{**row, "indicators": tuple((str(i), v, float(s)) for i, v, s in row.get("indicators", ()))})
            for row in values.get("libraries", ())
        )
        values["awards"] = tuple(AwardRow(**row) for row in values.get("awards", ()))
        values["categories"] = tuple((str(i), str(a), str(b)) for i, a, b in values.get("categories", ()))
        return cls(**values)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def settings_key(spec: ProvinceSpec, period: Period, rubric: Rubric, read: ReadOptions) -> str:
    """What a stored result depends on besides the data: period, rubric, reading options, tpbis."""
    data = {
        "tpbis": __version__, "source": spec.source, "registry": spec.registry, "period": period.key,
        "rubric": rubric.stamp, "columns": dict(read.columns), "day_first": read.day_first,
        "tabs": [read.responses_tab, read.registry_tab], "timezone": read.sheet_timezone,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]


def fingerprint(inputs: Inputs, closed: Mapping[str, Closure] | None = None) -> str:
    """SHA-256 of what a province's result is computed from: responses, registry, contest entries and
    the closures of its ``Riwayat`` (period and closing run)."""
    digest = hashlib.sha256()
    for key, closure in sorted((closed or {}).items()):
        digest.update(json.dumps(["closed", key, closure.run, _frozen_data(closure)], default=str).encode())
    for table in (inputs.responses, inputs.contests):
        if table is None:
            digest.update(b"\x00none")
            continue
        digest.update(json.dumps([table.name, table.header], default=str).encode())
        for row in table.rows:
            digest.update(json.dumps(row, default=str, separators=(",", ":")).encode())
    for library in inputs.registry:
        digest.update(repr(library).encode())
    digest.update(inputs.sheet_timezone.encode())
    return digest.hexdigest()


_CLOSING_CELLS = frozenset({"close", "reopen", "format"})


def closing_rows(history: Table | None) -> Table | None:
    """``history`` with only the rows that can close or reopen a period, and the header rows among them.

    A ``Riwayat`` tab grows by a row per library and period at every sync; only its ``close`` and ``reopen``
    rows matter here, and reading every row is what would cost (parsing them is far slower than this scan).
    A row is kept when one of its cells reads ``close``, ``reopen`` or ``format`` (any case, spaces
    around): every row :func:`~tpbis.history.read_history` takes for such an event or a header.
    """
    if history is None:
        return None
    kept = [row for row in history.rows
            if any(isinstance(c, str) and c.strip().lower() in _CLOSING_CELLS for c in row)]
    return attrs.evolve(history, rows=kept, row_ids=None)


def _frozen_data(closure: Closure) -> list[object]:
    """What a closure freezes, per library: a ``Riwayat`` row edited by hand changes the fingerprint."""
    return [
        [s.library_id, str(s.at), s.digest, str(s.composite), s.color, sorted(s.indicators.items()),
         None if s.awards is None else sorted(
             (kind.value, t.count, t.participants, t.documented, sorted(t.partners)) for kind, t in s.awards.items())]
        for _, s in sorted(closure.snapshots.items())
    ]


def reduce_province(spec: ProvinceSpec, inputs: Inputs, rubric: Rubric, period: Period, *,
                    read: ReadOptions, title: str = "", closed: Mapping[str, Closure] | None = None,
                    rubrics: Rubric | RubricSchedule | None = None) -> ProvinceResult:
    """Score one province and keep only what the national outputs need.

    A period the province closed (``closed``, from its ``Riwayat``) keeps the values, rubric and
    awards it was closed with, as in the province's own outputs (:func:`~tpbis.service.close.freeze`):
    its rubric is looked for among ``rubrics`` (the province's configured rubrics; ``rubric`` alone
    when not given) and the shipped ones.
    """
    report = score_inputs(inputs, rubric, [period], read=read)
    report, awards = freeze(report, inputs, closed or {}, awards_run=report.runs[0], rubrics=rubrics or rubric)
    assert awards is not None  # an awards run was given
    rubric = report.runs[0].rubric  # a closed period's own rubric
    name, version, digest = _named_rubric(closure_for(closed or {}, period), rubric)
    run = report.runs[0]
    libraries = tuple(
        LibraryRow(
            library_id=r.library.id, name=r.library.name, kind=r.library.kind.value, level=r.library.level,
            library_province=r.library.province, regency=r.library.regency, village=r.library.village,
            composite=str(r.composite), color=r.color.value, activity_count=r.activity_count,
            indicators=tuple((i.id, _float(i.shown_value), float(i.shown_score)) for i in r.indicators),
        )
        for r in run.results
    )
    entries = tuple(
        AwardRow(category=c.category.id, level=c.level, library_id=e.library.id, name=e.library.name,
                 regency=e.library.regency, score=str(e.score), composite=str(e.composite),
                 activity_count=e.activity_count, rank=e.rank or 0)
        for c in awards.categories for e in c.shortlist
    )
    problems = Counter((p.code, p.severity.value) for p in awards.problems)
    counts = report.parse.counts
    return ProvinceResult(
        name=spec.name, source=spec.source, status=Status.READ, title=title or spec.source, period=period.key,
        rubric_id=name, rubric_version=version, rubric_digest=digest,
        counts={k: int(v) for k, v in attrs.asdict(counts).items()},
        problems=tuple((code, severity, n) for (code, severity), n in sorted(problems.items())),
        libraries=libraries, awards=entries,
        categories=tuple((c.id, c.label, c.label_en) for c in rubric.awards),
    )


def _named_rubric(closure: Closure | None, rubric: Rubric) -> tuple[str, int, str]:
    """Name, version and digest of the rubric a period is shown under: ``rubric``, or for a closed period
    whose close recorded another one (a province's own rubric the national configuration does not hold,
    so :func:`~tpbis.service.close.freeze` kept ``rubric``), the one the close recorded."""
    digests = {s.digest for s in closure.snapshots.values() if s.digest} if closure is not None else set()
    if len(digests) != 1 or rubric.digest in digests or closure is None:
        return rubric.name, rubric.version, rubric.digest
    (digest,) = digests
    ref = next(s.rubric for s in closure.snapshots.values() if s.digest == digest)
    name, at, version = ref.rpartition("@")
    if not at:  # a hand-typed cell without a version
        return ref.strip() or "?", 0, digest
    # a hand-typed version no int64 column holds (a superscript or non-ASCII digit, 19 digits or more) is 0
    return name, int(version) if version.isascii() and version.isdigit() and len(version) < 19 else 0, digest


def _failed(spec: ProvinceSpec, err: TpbisError) -> ProvinceResult:
    return ProvinceResult(name=spec.name, source=spec.source, status=Status.FAILED, error_id=err.message("id"),
                          error_en=err.message("en"), exit_code=err.exit_code)


# --- reading every province ------------------------------------------------------------


class ProvinceHandle(Protocol):
    """One province opened lazily: a cheap change marker first, the tables only when needed."""

    def stamp(self) -> str | None:
        """Drive ``modifiedTime`` or the file's SHA-256; ``None`` when it cannot be told cheaply."""
        ...

    def inputs(self) -> tuple[Inputs, str, Table | None]:
        """The province's inputs, its title (the spreadsheet's title or the path) and its ``Riwayat``
        tab (None without one): the periods the province closed stay as it froze them."""
        ...


#: Opens one province (raises :class:`~tpbis.errors.TpbisError` when it cannot).
Opener = Callable[[ProvinceSpec], ProvinceHandle]


def roll_up(
    specs: Sequence[ProvinceSpec],
    period: Period,
    *,
    rubric_of: Callable[[ProvinceSpec], Rubric | RubricSchedule],
    opener: Opener,
    read: ReadOptions,
    previous: Mapping[str, ProvinceResult] | None = None,
    workers: int = 4,
    force: bool = False,
    on_done: Callable[[ProvinceResult], None] | None = None,
) -> tuple[ProvinceResult, ...]:
    """Read, score and reduce every province (``workers`` at a time); results in ``specs`` order.

    A province whose stored result (``previous``, by name) was computed under
    the same settings from the same data is not parsed again: its change
    marker equal to the stored one skips even the read; else a fingerprint of
    the tables read equal to the stored one skips the scoring. ``force``
    reads and scores every province.
    """
    previous = previous or {}

    def one(spec: ProvinceSpec) -> ProvinceResult:
        try:
            configured = rubric_of(spec)
            rubric = rubric_for(period, configured)
            key = settings_key(spec, period, rubric, read)
            before = previous.get(spec.name)
            reusable = before if before is not None and before.ok and before.settings == key and not force else None
            handle = opener(spec)
            stamp = handle.stamp()
            if reusable is not None and stamp is not None and reusable.stamp == stamp:
                return attrs.evolve(reusable, status=Status.UNCHANGED, source=spec.source)
            inputs, title, history = handle.inputs()
            closed = closures(read_history(closing_rows(history)))
            found = fingerprint(inputs, closed)
            if reusable is not None and reusable.fingerprint == found:
                return attrs.evolve(reusable, status=Status.UNCHANGED, stamp=stamp, title=title, source=spec.source)
            result = reduce_province(spec, inputs, rubric, period, read=read, title=title, closed=closed,
                                     rubrics=configured)
            del inputs  # only the reduced result stays
            return attrs.evolve(result, settings=key, stamp=stamp, fingerprint=found)
        except TpbisError as err:
            return _failed(spec, err)

    def done(spec: ProvinceSpec) -> ProvinceResult:
        result = one(spec)
        if on_done is not None:
            on_done(result)
        return result

    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="tpbis-province")
    try:
        return tuple(pool.map(done, specs))
    finally:
        # on Ctrl-C (or any error) the provinces not started yet are dropped, not read to the end
        pool.shutdown(wait=True, cancel_futures=True)


# --- state file --------------------------------------------------------------------------


def state_path_for(config: Path) -> Path:
    """Where a config's state lives: next to it, ``<config name>.state.json``."""
    return config.with_name(config.stem + ".state.json")


def load_state(path: Path) -> dict[str, ProvinceResult]:
    """The stored per-province results (empty when the file is missing, unreadable or of another format)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != STATE_FORMAT:
            return {}
        provinces, checks = dict(data["provinces"]), dict(data["checks"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ArithmeticError, RecursionError):
        return {}  # a damaged state only costs a full read
    kept: dict[str, ProvinceResult] = {}
    for name, entry in provinces.items():
        # an entry edited or damaged since it was written no longer matches its check: that province is read again
        if checks.get(name) != _check(entry):
            continue
        try:
            result = ProvinceResult.from_json(entry)
        except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError):
            continue
        if result.name == name:
            kept[name] = result
    return kept


def _check(entry: object) -> str:
    """The SHA-256 of a state entry's canonical JSON."""
    try:
        text = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except (ValueError, TypeError, RecursionError):
        return ""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def save_state(path: Path, results: Iterable[ProvinceResult], previous: Mapping[str, ProvinceResult]) -> None:
    """Store every province's result (a failed one keeps its last good result), atomically."""
    kept = dict(previous.items())
    for result in results:
        if result.ok:
            kept[result.name] = attrs.evolve(result, status=Status.READ)
    provinces = {name: r.to_json() for name, r in sorted(kept.items())}
    data = {"format": STATE_FORMAT, "tpbis": __version__, "provinces": provinces,
            "checks": {name: _check(entry) for name, entry in provinces.items()}}
    temporary = temporary_beside(path)
    try:
        temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def temporary_beside(path: Path) -> Path:
    """A temporary name next to ``path``, unique to this write (two runs at once never share one)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")


# --- national outputs ---------------------------------------------------------------------


def _mean(composites: Sequence[str]) -> Decimal | None:
    """The mean of the rounded composites, rounded half up to one decimal (SPEC §5 roll-up)."""
    if not composites:
        return None
    return round_half_up(sum((Fraction(Decimal(c)) for c in composites), Fraction(0)) / len(composites))


def _number(value: Decimal | None) -> OutValue:
    return None if value is None else float(value)


@attrs.frozen(kw_only=True)
class RankedEntry:
    """One eligible entry ranked across provinces."""

    rank: int
    province: str
    entry: AwardRow


def shortlists(results: Sequence[ProvinceResult]) -> dict[tuple[str, int], tuple[RankedEntry, ...]]:
    """Eligible entries of every category × level, ranked across provinces by the rubric's rules.

    Higher ranking score first, then higher composite, then more accepted
    activities, then library id (SPEC §6), then province.
    """
    found: dict[tuple[str, int], list[tuple[str, AwardRow]]] = {}
    for result in results:
        if not result.ok:
            continue
        for entry in result.awards:
            found.setdefault((entry.category, entry.level), []).append((result.name, entry))
    out: dict[tuple[str, int], tuple[RankedEntry, ...]] = {}
    for key, entries in found.items():
        entries.sort(key=lambda pe: (-Decimal(pe[1].score), -Decimal(pe[1].composite), -pe[1].activity_count,
                                     pe[1].library_id, pe[0]))
        out[key] = tuple(RankedEntry(rank=n, province=p, entry=e) for n, (p, e) in enumerate(entries, 1))
    return out


def _category_labels(results: Sequence[ProvinceResult], lang: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for result in results:
        for cid, label, label_en in result.categories:
            labels.setdefault(cid, label_en if lang == "en" else label)
    return labels


def national_tabs(results: Sequence[ProvinceResult], period: Period, lang: str, *,
                  run_at: str = "") -> tuple[OutputTab, ...]:
    """The national output tabs: province recap, PLM invitations, award shortlists, data quality, marker."""
    ranked = shortlists(results)
    labels = _category_labels(results, lang)
    return (
        _recap_tab(results, period, lang),
        _awards_tab(ranked, labels, lang, plm=True),
        _awards_tab(ranked, labels, lang, plm=False),
        _quality_tab(results, lang),
        _marker_tab(results, period, lang, run_at),
    )


def status_text(result: ProvinceResult, lang: str) -> str:
    """The province's status in words."""
    return t(f"national.status.{result.status.value}", lang)


def _recap_tab(results: Sequence[ProvinceResult], period: Period, lang: str) -> OutputTab:
    header = (
        t("col.period", lang), t("col.province", lang), t("national.col.status", lang),
        t("national.col.source", lang), t("col.libraries", lang), t("color.hijau", lang), t("color.kuning", lang),
        t("color.merah", lang), t("col.mean", lang), t("national.col.rows", lang), t("national.col.accepted", lang),
        t("national.col.rejected", lang), t("national.col.duplicates", lang), t("national.col.errors", lang),
        t("col.rubric", lang), t("col.message", lang),
    )
    label = period.title.render(lang)
    rows: list[tuple[OutValue, ...]] = []
    fills: list[tuple[int, int, Color]] = []
    everyone: list[str] = []
    totals: Counter[str] = Counter()
    colours_all: Counter[str] = Counter()
    for result in results:
        composites = [r.composite for r in result.libraries]
        everyone += composites
        colours = Counter(r.color for r in result.libraries)
        colours_all.update(colours)
        totals.update(result.counts)
        errors = sum(n for _, severity, n in result.problems if severity == "error")
        totals["errors"] += errors
        if result.ok:
            for column, color in ((5, Color.HIJAU), (6, Color.KUNING), (7, Color.MERAH)):
                if colours.get(color.value):
                    fills.append((len(rows), column, color))
            rows.append((
                label, result.name, status_text(result, lang), result.title, len(result.libraries),
                colours.get("hijau", 0), colours.get("kuning", 0), colours.get("merah", 0),
                _number(_mean(composites)), result.counts.get("rows", 0), result.counts.get("accepted", 0),
                result.counts.get("rejected", 0), result.counts.get("duplicates", 0), errors,
                result.rubric_stamp, "",
            ))
        else:
            rows.append((label, result.name, status_text(result, lang), result.source, None, None, None, None,
                         None, None, None, None, None, None, "", result.error(lang)))
    failed = sum(1 for r in results if not r.ok)
    rows.append((
        label, t("national.word.national", lang), t("national.word.failed_count", lang, n=failed) if failed else "",
        "", len(everyone), colours_all.get("hijau", 0), colours_all.get("kuning", 0), colours_all.get("merah", 0),
        _number(_mean(everyone)), totals.get("rows", 0), totals.get("accepted", 0), totals.get("rejected", 0),
        totals.get("duplicates", 0), totals.get("errors", 0), "", "",
    ))
    return OutputTab(name=t("national.tab.recap", lang), header=header, rows=tuple(rows), fills=tuple(fills))


def _awards_tab(ranked: Mapping[tuple[str, int], Sequence[RankedEntry]], labels: Mapping[str, str], lang: str, *,
                plm: bool) -> OutputTab:
    header = (
        t("col.award", lang), t("col.level", lang), t("col.rank", lang), t("col.province", lang),
        t("col.library_id", lang), t("col.library_name", lang), t("col.regency", lang),
        t("col.award_score", lang), t("col.composite", lang), t("national.col.activities", lang),
        t("national.col.province_rank", lang),
    )
    rows: list[tuple[OutValue, ...]] = []
    for (category, level), entries in sorted(ranked.items(), key=lambda kv: (list(labels).index(kv[0][0])
                                                                              if kv[0][0] in labels else 99, kv[0])):
        if (category == PLM_CATEGORY) != plm:
            continue
        for item in entries:
            e = item.entry
            rows.append((labels.get(category, category), level, item.rank, item.province, e.library_id, e.name,
                         e.regency or "", float(e.score), float(e.composite), e.activity_count, e.rank))
    name = "national.tab.plm" if plm else "national.tab.awards"
    return OutputTab(name=t(name, lang), header=header, rows=tuple(rows))


#: The problem code of a library id that several provinces' registries list.
SHARED_LIBRARY = "registry.other_province"


def shared_libraries(results: Sequence[ProvinceResult]) -> dict[str, tuple[str, ...]]:
    """Library ids in the results of more than one province, with those provinces (in ``results`` order).

    Each province is scored with its own registry, so such a library is counted
    (and may be listed for an award) once per province.
    """
    where: dict[str, list[str]] = {}
    for result in results:
        if not result.ok:
            continue
        for library in result.libraries:
            provinces = where.setdefault(library.library_id, [])
            if result.name not in provinces:
                provinces.append(result.name)
    return {library: tuple(provinces) for library, provinces in where.items() if len(provinces) > 1}


#: The problem code of libraries registered in another province than the one the config names.
FOREIGN_LIBRARY = "registry.province_mismatch"


def foreign_libraries(result: ProvinceResult) -> Counter[str]:
    """How many of a province's libraries its registry places in each *other* province.

    Empty when the config's name is not a province tpbis knows (nothing to compare with).
    """
    own = canonical_province(result.name)
    if own is None or not result.ok:
        return Counter()
    return Counter(lib.library_province for lib in result.libraries
                   if lib.library_province and lib.library_province != own)


def _quality_tab(results: Sequence[ProvinceResult], lang: str) -> OutputTab:
    header = (t("col.province", lang), t("col.code", lang), t("col.severity", lang), t("national.col.count", lang))
    rows: list[tuple[OutValue, ...]] = []
    shared = Counter(province for provinces in shared_libraries(results).values() for province in provinces)
    for result in results:
        problems = list(result.problems)
        if shared.get(result.name):
            problems.append((SHARED_LIBRARY, "warning", shared[result.name]))
        foreign = sum(foreign_libraries(result).values())
        if foreign:
            problems.append((FOREIGN_LIBRARY, "warning", foreign))
        for code, severity, n in sorted(problems, key=lambda p: (-p[2], p[0], p[1])):
            rows.append((result.name, code, t(f"severity.{severity}", lang), n))
    return OutputTab(name=t("national.tab.quality", lang), header=header, rows=tuple(rows))


def _marker_tab(results: Sequence[ProvinceResult], period: Period, lang: str, run_at: str) -> OutputTab:
    cells: list[tuple[OutValue, ...]] = [
        ("tpbis", __version__), ("period", period.key), ("lang", lang), ("run_at", run_at),
        ("provinces", len(results)), ("failed", sum(1 for r in results if not r.ok)),
    ]
    return OutputTab(name=MARKER_TAB, header=("key", "value"), rows=tuple(cells), hidden=True)


def output_tab_names(lang: str) -> tuple[str, ...]:
    """The visible national tabs' names in ``lang``."""
    return tuple(t(k, lang) for k in ("national.tab.recap", "national.tab.plm", "national.tab.awards",
                                      "national.tab.quality"))


# --- export ------------------------------------------------------------------------------

#: Fixed export columns and their types (``string``, ``int64``, ``float64``, ``date``); indicator columns follow.
_EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("province", "string"), ("period", "string"), ("period_start", "date"), ("period_end", "date"),
    ("library_id", "string"), ("library_name", "string"), ("kind", "string"), ("level", "int64"),
    ("library_province", "string"), ("regency", "string"), ("village", "string"),
    ("composite", "float64"), ("color", "string"), ("activity_count", "int64"),
    ("rubric_id", "string"), ("rubric_version", "int64"), ("rubric_digest", "string"),
)


def export_columns(results: Sequence[ProvinceResult]) -> tuple[tuple[str, str], ...]:
    """The export's columns with their types: the fixed ones, then ``<indicator>_value``/``_score`` (float64)."""
    indicators: dict[str, None] = {}
    for result in results:
        for row in result.libraries[:1]:
            for indicator, _, _ in row.indicators:
                indicators.setdefault(indicator, None)
    extra = tuple((f"{i}_{part}", "float64") for i in indicators for part in ("value", "score"))
    return _EXPORT_COLUMNS + extra


def export_rows(results: Sequence[ProvinceResult], period: Period) -> list[dict[str, Any]]:
    """One flat row per library of every province with results (values typed as :func:`export_columns` says)."""
    rows: list[dict[str, Any]] = []
    for result in results:
        if not result.ok:
            continue
        for lib in result.libraries:
            row: dict[str, Any] = {
                "province": result.name, "period": period.key, "period_start": period.start,
                "period_end": period.end, "library_id": lib.library_id, "library_name": lib.name,
                "kind": lib.kind, "level": lib.level, "library_province": lib.library_province,
                "regency": lib.regency, "village": lib.village, "composite": float(lib.composite),
                "color": lib.color, "activity_count": lib.activity_count, "rubric_id": result.rubric_id,
                "rubric_version": result.rubric_version, "rubric_digest": result.rubric_digest,
            }
            for indicator, value, score in lib.indicators:
                row[f"{indicator}_value"] = value
                row[f"{indicator}_score"] = score
            rows.append(row)
    return rows
