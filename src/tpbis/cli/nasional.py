"""``tpbis nasional CONFIG --period P``: the national roll-up over every province's spreadsheet.

CONFIG is a TOML file (see :func:`tpbis.service.national.load_national_config`)::

    output = "https://docs.google.com/spreadsheets/d/…"   # or "nasional.xlsx"
    report = "nasional.html"
    export = "ekspor"          # optional: per-library results for analytics
    format = "parquet"         # or "csv"
    workers = 4                # provinces read at the same time
    reads_per_minute = 60      # Sheets read requests per minute (Google: 60 per user)

    [[provinsi]]
    nama = "Kepulauan Riau"
    spreadsheet = "https://docs.google.com/spreadsheets/d/…"   # or a key, or "kepri.xlsx"

Every Sheets read of the run waits for a shared token bucket
(:class:`~tpbis.adapters.ratelimit.TokenBucket`) that never lets more than
``reads_per_minute`` into any minute; 429s are still retried. Drive
``files.get`` (``modifiedTime``) tells which spreadsheets changed since the
last run (state: ``CONFIG-NAME.state.json`` next to CONFIG); unchanged ones are
not read again and their stored results are used.

Exit codes: 0 every province read (or unchanged); 4 some failed, the others
written (each failure on stderr and in the recap tab); 2 a bad CONFIG, or
every province failed for a reason that is not Google's availability; 3
every province failed because Google stayed unavailable.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from tpbis._version import __version__
from tpbis.adapters.ratelimit import TokenBucket
from tpbis.adapters.sources import SourceKind, detect_kind
from tpbis.cli._common import EXIT_OK, _OnePeriod, read_options
from tpbis.config import Settings
from tpbis.domain.period import Period
from tpbis.domain.rubric import Color, Rubric, RubricSchedule
from tpbis.errors import ConfigError, SourceError
from tpbis.forms.schema import build_schema, with_label_aliases
from tpbis.history import history_tab
from tpbis.i18n import os_reason, t
from tpbis.message import Message
from tpbis.parsing.contests import CONTEST_TAB
from tpbis.parsing.table import Table
from tpbis.ports import Commit, OutputTab, Workbook
from tpbis.render.national import Section, national_page
from tpbis.render.safe import csv_text, terminal_text
from tpbis.rubrics import is_shipped_name, load_rubric, shipped_rubric
from tpbis.service.national import (
    EXIT_PARTIAL,
    MARKER_TAB,
    NationalConfig,
    ProvinceHandle,
    ProvinceResult,
    ProvinceSpec,
    export_columns,
    export_rows,
    foreign_libraries,
    load_national_config,
    load_state,
    national_tabs,
    output_tab_names,
    roll_up,
    save_state,
    shared_libraries,
    state_path_for,
    temporary_beside,
)
from tpbis.service.options import ReadOptions
from tpbis.service.score import Inputs, inputs_from_tables, responses_tab_name
from tpbis.sources import SourceOptions, open_source, read_registry_file

if TYPE_CHECKING:
    from tpbis.adapters.sheets import SheetsWorkbook

__all__ = ["NationalRun", "register", "run_national"]

#: Retries of a national run: Google's truncated exponential backoff (64 s cap), long enough to outwait
#: a per-minute quota that someone else's requests filled.
_ATTEMPTS, _CAP, _BUDGET = 10, 64.0, 600.0


def register(commands: Any) -> None:
    """Add ``tpbis nasional``."""
    parser = commands.add_parser("nasional", help=t("national.help"), parents=[read_options()])
    parser.add_argument("national_config", metavar="CONFIG", help=t("national.opt.config"))
    parser.add_argument("--period", action=_OnePeriod, required=True, help=t("cli.opt.period"))
    parser.add_argument("--export", metavar="DIR", help=t("national.opt.export"))
    parser.add_argument("--format", choices=["parquet", "csv"], help=t("national.opt.format"))
    parser.add_argument("--workers", type=int, help=t("national.opt.workers"))
    parser.add_argument("--reads-per-minute", type=int, help=t("national.opt.reads"))
    parser.add_argument("--force", action="store_true", help=t("national.opt.force"))
    parser.add_argument("--credentials", help=t("cli.sync.credentials"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the roll-up the command line describes."""
    config = load_national_config(args.national_config)
    changes: dict[str, Any] = {}
    if args.export:
        changes["export"] = args.export
    if args.format:
        changes["format"] = args.format
    for name, value in (("workers", args.workers), ("reads_per_minute", args.reads_per_minute)):
        if value is not None:
            if value < (1 if name == "workers" else 2):
                raise ConfigError(Message("national.config.bad", path=str(config.path),
                                          problem=Message("national.config.bad_value", key="--" + name.replace("_", "-"),
                                                          value=repr(value))))
            changes[name] = value
    config = attrs.evolve(config, **changes)
    runner = NationalRun(config, settings, period=Period.parse(args.period), credentials=args.credentials,
                         force=args.force)
    return runner.run()


@attrs.define
class NationalRun:
    """One national roll-up: read every province, write the national outputs, keep the state.

    Args:
        config: the national config.
        settings: language, reading options and default rubric.
        period: the period scored.
        credentials: a Google key file (default: as every command finds one).
        force: read and score every province even when unchanged.
        session_factory: a new ``requests.Session`` per spreadsheet (tests: an emulator's);
            default: an authorised Google session with the Sheets and Drive metadata scopes.
        clock, sleep: the rate limiter's and the retries' time (tests move a manual clock).
        jitter: the retries' jitter, a number in [0, 1) (full jitter; tests pass a constant).
        err: where failures are reported (stderr).
        save_every: seconds between saves of the state while provinces are read, so that an
            interrupted run keeps what it read (``None``: only at the end).
    """

    config: NationalConfig
    settings: Settings
    period: Period
    credentials: str | None = None
    force: bool = False
    session_factory: Callable[[], Any] | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random
    err: Any = attrs.field(factory=lambda: sys.stderr)
    now: Callable[[], pendulum.DateTime] = attrs.field(factory=lambda: lambda: pendulum.now("UTC"))
    bucket: TokenBucket = attrs.field(init=False)
    _creds: Any = attrs.field(init=False, default=None)
    #: seconds between saves of the state during the run (``None``: only at the end)
    save_every: float | None = 30.0
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock)
    _state_lock: threading.Lock = attrs.field(init=False, factory=threading.Lock)
    #: the results and the exit code of the last :meth:`run`
    results: tuple[ProvinceResult, ...] = attrs.field(init=False, default=())
    code: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        self.bucket = TokenBucket.per_minute(self.config.reads_per_minute, clock=self.clock, sleep=self.sleep)

    # opening spreadsheets ------------------------------------------------------------

    def _session(self) -> Any:
        if self.session_factory is not None:
            return self.session_factory()
        from tpbis.adapters.google import SHEETS_SCOPE, google_session, load_credentials
        from tpbis.adapters.sheets import DRIVE_METADATA_SCOPE

        scopes = [SHEETS_SCOPE, DRIVE_METADATA_SCOPE]
        with self._lock:
            if self._creds is None:
                self._creds = load_credentials(scopes, self.credentials)
        # one session per spreadsheet: each gets its own deadline (TPBIS_DEADLINE)
        return google_session(scopes, credentials=self._creds)

    def spreadsheet(self, source: str) -> SheetsWorkbook:
        """A spreadsheet whose reads wait for the run's token bucket."""
        from tpbis.adapters.sheets import RetryPolicy, open_spreadsheet

        policy = RetryPolicy(attempts=_ATTEMPTS, cap=_CAP, budget=_BUDGET, sleep=self.sleep, jitter=self.jitter)
        return open_spreadsheet(source, session=self._session(), limiter=self.bucket, policy=policy)

    def _rubric_of(self, spec: ProvinceSpec) -> Rubric | RubricSchedule:
        chosen = spec.rubric or self.config.rubric
        if chosen is None:
            return self.settings.load_rubrics()
        return shipped_rubric(chosen) if is_shipped_name(chosen) else load_rubric(chosen)

    def _open(self, spec: ProvinceSpec) -> ProvinceHandle:
        read = self.settings.read
        if detect_kind(spec.source) is SourceKind.SHEETS:
            return _SheetsProvince(spec, self.spreadsheet(spec.source), read, self._rubric_of(spec),
                                   self.credentials)
        return _FileProvince(spec, read, self._rubric_of(spec), self.credentials, self.config.base_dir)

    # the run ---------------------------------------------------------------------------

    def _report_failure(self, result: ProvinceResult) -> None:
        if not result.ok:
            line = t("national.failed", self.settings.lang, province=result.name, reason=result.error(self.settings.lang))
            self.err.write(terminal_text(f"tpbis: {line}") + "\n")

    def run(self) -> int:
        """Roll up, write the outputs; returns the exit code (also kept in :attr:`code`)."""
        self.code = self._run()
        return self.code

    def _run(self) -> int:
        lang = self.settings.lang
        state_path = state_path_for(self.config.path)
        previous = load_state(state_path)
        finished: list[ProvinceResult] = []
        saved = [time.monotonic()]

        def finish(result: ProvinceResult) -> None:
            self._report_failure(result)
            with self._state_lock:
                finished.append(result)
                # an interrupted run (Ctrl-C, kill, a closed laptop) keeps the provinces it already read
                if self.save_every is not None and time.monotonic() - saved[0] >= self.save_every:
                    with contextlib.suppress(OSError):  # the final save reports it
                        save_state(state_path, finished, previous)
                    saved[0] = time.monotonic()

        self.results = roll_up(
            self.config.provinces, self.period, rubric_of=self._rubric_of, opener=self._open,
            read=self.settings.read, previous=previous, workers=self.config.workers, force=self.force,
            on_done=finish,
        )
        failed = [r for r in self.results if not r.ok]
        for result in self.results:
            foreign = foreign_libraries(result)
            if foreign:
                others = ", ".join(f"{name} ({n})" for name, n in foreign.most_common())
                line = t("national.province_mismatch", lang, province=result.name, n=sum(foreign.values()),
                         total=len(result.libraries), others=others)
                self.err.write(terminal_text(f"tpbis: {line}") + "\n")
        shared = shared_libraries(self.results)
        if shared:
            listed = "; ".join(f"{library} ({', '.join(provinces)})" for library, provinces in list(shared.items())[:5])
            more = len(shared) - 5
            line = t("national.shared_libraries", lang, n=len(shared), ids=listed + (f"; … (+{more})" if more > 0 else ""))
            self.err.write(terminal_text(f"tpbis: {line}") + "\n")
        try:
            save_state(state_path, self.results, previous)
        except OSError as exc:
            raise SourceError.from_catalogue("national.cannot_write", path=str(state_path),
                                             reason=os_reason(exc)) from None
        if len(failed) == len(self.results):
            remote = all(r.exit_code == 3 for r in failed)
            self.err.write(terminal_text(f"tpbis: {t('national.all_failed', lang)}") + "\n")
            return 3 if remote else 2
        run_at = self.now().to_iso8601_string()
        tabs = national_tabs(self.results, self.period, lang, run_at=run_at)
        if self.config.output:
            self._write_output(self.config.output, tabs)
        if self.config.report:
            _write_text(Path(self.config.report), self._html(tabs))
        if self.config.export:
            self._export(Path(self.config.export))
        done = Counter(r.status.value for r in self.results)
        sys.stdout.write(t("national.summary", lang, read=done.get("read", 0), unchanged=done.get("unchanged", 0),
                           failed=done.get("failed", 0)) + "\n")
        return EXIT_PARTIAL if failed else EXIT_OK

    def _write_output(self, output: str, tabs: Sequence[OutputTab]) -> None:
        workbook: Workbook
        if "://" in output or not output.lower().endswith((".xlsx", ".xlsm")):
            workbook = self.spreadsheet(output)
        else:
            from tpbis.adapters.xlsx import XlsxWorkbook

            path = Path(output)
            if not path.exists():
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise SourceError.from_catalogue("national.cannot_write", path=str(path),
                                                     reason=os_reason(exc)) from None
                from tpbis.adapters.national_output import new_xlsx

                new_xlsx(path, MARKER_TAB)
            workbook = XlsxWorkbook(path)
        try:
            info = workbook.info()
            ours = {*output_tab_names("id"), *output_tab_names("en")}
            clash = sorted(name for name in info.tabs if name in ours)
            if clash and MARKER_TAB not in info.tabs:
                raise SourceError.from_catalogue("national.output_not_ours", output=info.title, tab=", ".join(clash))
            written = {tab.name for tab in tabs}
            remove: tuple[str, ...] = ()
            if any(name in ours and name not in written for name in info.tabs):
                # only the tabs the last run wrote (its language, in the marker): a user's tab that happens
                # to carry the other language's name is not ours
                marked = _marker_lang(workbook)
                last = set(output_tab_names(marked)) if marked else set()
                remove = tuple(name for name in info.tabs if name in last and name not in written)
            workbook.commit(Commit(tabs=tuple(tabs), remove=remove))
        finally:
            close = getattr(workbook, "close", None)
            if close is not None:
                close()

    def _html(self, tabs: Sequence[OutputTab]) -> str:
        lang = self.settings.lang
        recap, plm, awards, quality = tabs[0], tabs[1], tabs[2], tabs[3]
        total = recap.rows[-1]
        colors = {Color.HIJAU: int(total[5] or 0), Color.KUNING: int(total[6] or 0),
                  Color.MERAH: int(total[7] or 0)}
        fills = {(row, column): color for row, column, color in recap.fills}
        keep = (1, 2, 4, 5, 6, 7, 8, 10, 11, 13, 15)  # province, status, libraries, colours, mean, rows, message
        sections = [
            Section(title=recap.name, header=tuple(recap.header[i] for i in keep),
                    rows=tuple(tuple(row[i] for i in keep) for row in recap.rows),
                    fills={(r, keep.index(c)): col for (r, c), col in fills.items() if c in keep}),
            _top(plm, _HTML_PLM, t("national.html.top", lang, n=_HTML_PLM)),
            _top_per_category(awards, _HTML_AWARDS, t("national.html.top_each", lang, n=_HTML_AWARDS)),
            _top(quality, _HTML_QUALITY, t("national.html.top", lang, n=_HTML_QUALITY)),
        ]
        title = t("national.html.title", lang, period=self.period.title.render(lang))
        ok = sum(1 for r in self.results if r.ok)
        subtitle = t("national.html.subtitle", lang, ok=ok, total=len(self.results))
        footer = t("national.html.footer", lang, version=__version__, start=self.period.start.isoformat(),
                   end=self.period.end.isoformat())
        return national_page(title=title, subtitle=subtitle, colors=colors, sections=sections, footer=footer,
                             lang=lang)

    def _export(self, folder: Path) -> None:
        columns = export_columns(self.results)
        rows = export_rows(self.results, self.period)
        stem = f"tpbis-nasional-{self.period.key.replace('..', '_')}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SourceError.from_catalogue("national.cannot_write", path=str(folder), reason=os_reason(exc)) from None
        if self.config.format == "parquet":
            _parquet(folder / f"{stem}.parquet", columns, rows)
        else:
            header = [name for name, _ in columns]
            body: list[list[object]] = [
                [_csv_value(row.get(name)) for name in header] for row in rows
            ]
            _write_text(folder / f"{stem}.csv", csv_text(header, body))


_HTML_PLM = 50
_HTML_AWARDS = 10
_HTML_QUALITY = 40


def _top(tab: OutputTab, n: int, note: str) -> Section:
    return Section(title=tab.name, header=tab.header, rows=tab.rows[:n], note=note if len(tab.rows) > n else "")


def _top_per_category(tab: OutputTab, n: int, note: str) -> Section:
    """The first ``n`` ranked entries of each category × level (rows arrive grouped and ranked)."""
    rows = tuple(row for row in tab.rows if isinstance(row[2], int) and row[2] <= n)
    return Section(title=tab.name, header=tab.header, rows=rows, note=note)


def _marker_lang(workbook: Workbook) -> str:
    """The language the marker tab says the last run wrote in; ``""`` when it does not say."""
    table = workbook.read([MARKER_TAB]).get(MARKER_TAB)
    rows = [] if table is None else [table.header, *table.rows]
    lang = next((str(row[1]) for row in rows if len(row) > 1 and row[0] == "lang"), "")
    return lang if lang in ("id", "en") else ""


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _parquet(path: Path, columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> None:
    try:
        pyarrow = importlib.import_module("pyarrow")
        parquet = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ConfigError.from_catalogue("history.no_parquet") from None
    types = {"string": pyarrow.string(), "int64": pyarrow.int64(), "float64": pyarrow.float64(),
             "date": pyarrow.date32()}
    schema = pyarrow.schema([(name, types[kind]) for name, kind in columns])
    data = {name: [row.get(name) for row in rows] for name, _ in columns}
    temporary = temporary_beside(path)
    try:
        parquet.write_table(pyarrow.table(data, schema=schema), str(temporary))
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise SourceError.from_catalogue("national.cannot_write", path=str(path), reason=os_reason(exc)) from None


def _write_text(path: Path, text: str) -> None:
    """``text`` into ``path`` atomically (a temporary file beside it, then a rename)."""
    temporary = temporary_beside(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8", newline="")
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise SourceError.from_catalogue("national.cannot_write", path=str(path), reason=os_reason(exc)) from None


def _labelled(inputs: Inputs, rubric: Rubric | RubricSchedule) -> Inputs:
    """The registry with the labels tpbis-built forms show for each library as aliases."""
    if not len(inputs.registry):
        return inputs
    used = rubric if isinstance(rubric, Rubric) else rubric.latest
    return attrs.evolve(inputs, registry=with_label_aliases(inputs.registry, build_schema(used, inputs.registry)))


@attrs.define
class _SheetsProvince:
    """A province's Google spreadsheet: Drive ``modifiedTime`` first, the tabs only when needed."""

    spec: ProvinceSpec
    book: SheetsWorkbook
    read: ReadOptions
    rubric: Rubric | RubricSchedule
    credentials: str | None

    def stamp(self) -> str | None:
        modified = self.book.modified_time()
        if modified is None or self.spec.registry is None:
            return modified
        # a registry of its own changes without the spreadsheet's modifiedTime moving
        registry = _file_digest([self.spec.registry])
        return None if registry is None else f"{modified} · {registry}"

    def inputs(self) -> tuple[Inputs, str, Table | None]:
        info = self.book.info()
        wanted = [responses_tab_name(info.tabs, info.title, self.read.responses_tab)]
        if self.spec.registry is None:
            wanted.append(self.read.registry_tab)
        if CONTEST_TAB in info.tabs:
            wanted.append(CONTEST_TAB)
        history = history_tab(info.tabs)
        if history in info.tabs:
            wanted.append(history)
        registry = read_registry_file(self.spec.registry, self.read.registry_tab,
                                      options=SourceOptions(credentials=self.credentials)) \
            if self.spec.registry is not None else None
        tables: dict[str, Table] = self.book.read(wanted)
        inputs = inputs_from_tables(tables, source=info.title, read=self.read, registry=registry,
                                    timezone=info.timezone)
        return _labelled(inputs, self.rubric), info.title, tables.get(history)


@attrs.define
class _FileProvince:
    """A province given as a file (``.xlsx``, or any SOURCE tpbis reads with a registry)."""

    spec: ProvinceSpec
    read: ReadOptions
    rubric: Rubric | RubricSchedule
    credentials: str | None
    base_dir: Path

    def stamp(self) -> str | None:
        return _file_digest([self.spec.source, self.spec.registry])

    def inputs(self) -> tuple[Inputs, str, Table | None]:
        used = self.rubric if isinstance(self.rubric, Rubric) else self.rubric.latest
        opened = open_source(self.spec.source, registry=self.spec.registry, read=self.read, rubric=used,
                             options=SourceOptions(credentials=self.credentials, base_dir=self.base_dir))
        return opened.inputs, opened.name, opened.history


def _file_digest(names: Sequence[str | None]) -> str | None:
    """The SHA-256 of local files; ``None`` when one is not a local file (a spreadsheet, or missing:
    reported when read)."""
    digest = hashlib.sha256()
    for name in names:
        if name is None:
            continue
        path = Path(name)
        if not path.is_file():
            return None
        try:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return None
    return "sha256:" + digest.hexdigest()


def run_national(config: str | Path, period: str, settings: Settings | None = None, **options: Any) -> NationalRun:
    """Run a national roll-up from Python (the ``tpbis nasional`` command without the parser).

    ``options`` are :class:`NationalRun`'s (``session_factory``, ``clock``, ``sleep``, ``force``, ``err``, …).
    Returns the run (its :attr:`~NationalRun.results`, and the exit code as ``run.code``).
    """
    runner = NationalRun(load_national_config(config), settings or Settings(), period=Period.parse(period), **options)
    runner.run()
    return runner
