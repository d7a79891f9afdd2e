"""Opening a SOURCE: one function for every command, whatever the kind of source.

This is the composition root for inputs, shared by the ``tpbis`` commands and
scripts (``tpbis.load_inputs``). A SOURCE is an ``.xlsx`` workbook, a
responses ``.csv``, a Google Sheets URL or key, ``forms:FORM_ID``, a
KoBoToolbox export (XLSX or CSV) or an ODK Central export (CSV or
``.csv.zip``). Its kind is told from the content
(:func:`~tpbis.adapters.sources.detect_kind`) unless forced.
:func:`open_source` picks the adapter, reads the tables and hands back an
:class:`OpenedSource`: the :class:`~tpbis.service.Inputs` the services need
plus what was learnt on the way (the spreadsheet's time zone, the export's
submission-id and timestamp columns, form drift warnings).
:mod:`tpbis.service` imports no adapter.

The registry comes from the workbook's ``Perpustakaan`` tab, or from a
registry source (``--registry`` or ``registry = "…"`` in ``tpbis.toml``):
a CSV, an XLSX with that tab, or a Google Sheets URL or key.

Several SOURCEs (:func:`open_sources`) are opened one by one, each with its
own kind, time zone and submission ids, and handed to the services as one
:class:`~tpbis.service.Inputs` whose :attr:`~tpbis.service.Inputs.more` holds
the further ones. Their registries merge
(:func:`~tpbis.parsing.registry.merge_registries`: each workbook's
``Perpustakaan`` tab, in the order given) unless ``--registry`` names one
for all. Each SOURCE has a channel: the ``channel`` of its ``[[sources]]``
entry in ``tpbis.toml``, else its kind (``xlsx``, ``kobo_csv``, …).

Responses to a form tpbis built (Google Forms, XLSForm) name libraries by
their dropdown labels, "Name — Kab. X" for libraries that share a name; the
registry handed to the services carries those labels as aliases
(:func:`~tpbis.forms.schema.with_label_aliases`), for every kind of source.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from tpbis.adapters.overlay import OverlayWorkbook
from tpbis.adapters.sources import SourceKind, detect_kind
from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem
from tpbis.domain.rubric import Rubric
from tpbis.errors import ConfigError, SourceError
from tpbis.forms.drift import Drift
from tpbis.forms.schema import build_schema, with_label_aliases
from tpbis.history import history_tab
from tpbis.parsing.contests import CONTEST_TAB
from tpbis.parsing.registry import REGISTRY_TAB, RegistryPart, merge_registries, read_registry
from tpbis.parsing.rows import DEFAULT_TIMEZONE
from tpbis.parsing.table import Table
from tpbis.ports import Workbook
from tpbis.rubrics import default_rubric
from tpbis.service.options import ReadOptions
from tpbis.service.score import Inputs, SourceResponses, inputs_from_tables, responses_tab_name

if TYPE_CHECKING:
    from tpbis.adapters.sheets import SheetsWorkbook

__all__ = [
    "OpenedSource",
    "SourceOptions",
    "form_id_of",
    "load_inputs",
    "open_more_sources",
    "open_source",
    "open_sources",
    "open_sync_workbook",
    "read_registry_file",
    "read_registry_table",
]


@attrs.frozen(kw_only=True)
class SourceOptions:
    """How to open a SOURCE, besides :class:`~tpbis.service.ReadOptions`.

    Args:
        kind: force this kind (a :class:`~tpbis.adapters.sources.SourceKind` or its name).
        encoding: a CSV's encoding (default: detected).
        delimiter: a CSV's delimiter (default: detected; ``tab``, ``comma``, ``semicolon`` accepted).
        credentials: a Google credentials JSON file for Sheets and Forms sources
            (default: ``GOOGLE_APPLICATION_CREDENTIALS``, then Application Default Credentials).
        base_dir: where ``tpbis-form.json`` (the question-id record of a tpbis-built form) is read.
    """

    kind: SourceKind | str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    credentials: str | None = None
    base_dir: Path = attrs.field(factory=Path, converter=Path)


@attrs.frozen(kw_only=True)
class OpenedSource:
    """A SOURCE opened: what the services need and what was learnt opening it."""

    inputs: Inputs
    kind: SourceKind
    #: the path, the spreadsheet's title or ``forms:ID``, as messages name it
    name: str
    #: the source's own time zone (a Google spreadsheet's), else ``None``
    timezone: str | None = None
    #: the column of ``inputs.responses`` that holds submission ids (exports), else ``None``
    submission_id_column: str | None = None
    #: the export column the reporting time came from (exports), else ``None``
    timestamp_column: str | None = None
    #: findings of the drift check of a Google Form (none blocked reading)
    drifts: tuple[Drift, ...] = ()
    #: the workbook's ``Riwayat`` history tab (a workbook a sync wrote), else ``None``
    history: Table | None = None
    #: the workbook's registry tab, when the registry was read from it (for merging several)
    registry_table: Table | None = None


def _text(source: str | Path) -> str:
    return str(source) if isinstance(source, Path) else source.strip()


def _sheets(source: str, credentials: str | None) -> SheetsWorkbook:
    from tpbis.adapters.sheets import open_spreadsheet

    return open_spreadsheet(source, credentials=credentials)


def read_registry_table(
    source: str | Path,
    tab: str = REGISTRY_TAB,
    *,
    options: SourceOptions | None = None,
) -> tuple[Table, str]:
    """The registry as a table, and the name messages give its source.

    ``source`` is a CSV, an XLSX workbook with the ``tab``, or a Google
    Sheets URL or key with that tab; the kind is told from the content.

    Raises:
        SourceError: the source is missing, unreadable, of another kind, or lacks the tab.
        AuthError: a spreadsheet needs credentials that are not there.
    """
    options = options or SourceOptions()
    kind = detect_kind(source, kind=options.kind, encoding=options.encoding, delimiter=options.delimiter)
    if kind in (SourceKind.XLSX, SourceKind.KOBO_XLSX):
        from tpbis.adapters.xlsx import read_workbook

        tables = read_workbook(Path(source), tabs=[tab])
        if tab not in tables:
            raise SourceError.from_catalogue("error.no_registry", tab=tab, path=_text(source))
        return tables[tab], _text(source)
    if kind in (SourceKind.CSV, SourceKind.KOBO_CSV, SourceKind.ODK_CSV):
        from tpbis.adapters.csvfile import read_csv_table

        return read_csv_table(Path(source), encoding=options.encoding, delimiter=options.delimiter), _text(source)
    if kind is SourceKind.SHEETS:
        book = _sheets(_text(source), options.credentials)
        info = book.info()
        if tab not in info.tabs:
            raise SourceError.from_catalogue("error.no_registry", tab=tab, path=info.title)
        return book.read([tab])[tab], info.title
    raise SourceError.from_catalogue("error.unsupported_registry", source=_text(source), kind=kind.value)


def read_registry_file(
    path: str | Path, tab: str = REGISTRY_TAB, *, options: SourceOptions | None = None
) -> Registry:
    """The registry in a CSV file, in the ``tab`` of an ``.xlsx`` workbook or of a Google spreadsheet.

    Raises:
        SourceError: the source is missing, unreadable, of another kind, or lacks the tab.
        AuthError: a spreadsheet needs credentials that are not there.
    """
    table, _ = read_registry_table(path, tab, options=options)
    return read_registry(table)


def _with_form_labels(registry: Registry, rubric: Rubric) -> Registry:
    """``registry`` with the labels tpbis's forms show for each library as aliases."""
    if not len(registry):
        return registry
    return with_label_aliases(registry, build_schema(rubric, registry))


def _form_read(form_id: str, rubric: Rubric, options: SourceOptions) -> tuple[Table, tuple[Drift, ...]]:
    """A Google Form's responses by question id, after a drift check (the record ``tpbis-form.json``
    when it belongs to this form, else the questions' default titles)."""
    from tpbis.adapters.forms import RECORD_FILE, FormsClient, load_record, read_form
    from tpbis.adapters.google import (
        FORMS_BODY_READONLY_SCOPE,
        FORMS_RESPONSES_SCOPE,
        google_session,
    )

    path = options.base_dir / RECORD_FILE
    record = load_record(path) if path.exists() else None
    if record is not None and record.form_id != form_id:
        record = None  # recorded for another form: read by the default titles
    session = google_session([FORMS_BODY_READONLY_SCOPE, FORMS_RESPONSES_SCOPE], options.credentials)
    read = read_form(FormsClient(session), form_id, record=record, rubric=rubric)
    return read.table, read.drifts


def form_id_of(source: str) -> str:
    """The form id of ``forms:FORM_ID``.

    Raises:
        ConfigError: the text is not ``forms:`` followed by an id.
    """
    text = source.strip()
    form_id = text.removeprefix("forms:").strip()
    if not text.startswith("forms:") or not form_id:
        raise ConfigError.from_catalogue("error.bad_source", source=source)
    return form_id


def _need_registry(registry: Registry | None, source: str, read: ReadOptions, required: bool = True) -> Registry:
    if registry is None and not required:
        return Registry.of([])
    if registry is None:
        raise SourceError.from_catalogue("error.no_registry", tab=read.registry_tab, path=source)
    return registry


def open_source(
    source: str | Path,
    *,
    registry: str | Path | None = None,
    read: ReadOptions | None = None,
    rubric: Rubric | None = None,
    options: SourceOptions | None = None,
    require_registry: bool = True,
) -> OpenedSource:
    """Open any SOURCE (see the module docs) and its registry into what the services need.

    Args:
        source: a path, a Google Sheets URL or key, or ``forms:FORM_ID``.
        registry: a registry source instead of the workbook's tab (required
            for sources without one: CSVs, exports, forms).
        read: tab names and time zone, as the CLI resolves them.
        rubric: the rubric (its kinds shape the form whose labels become
            aliases; the forms drift check uses it); default ``tpbis-default``.
        options: kind, CSV encoding and delimiter, credentials.
        require_registry: without ``registry``, a source with no registry tab is refused
            (``False``: it gets an empty registry, as one of several sources whose registries merge).

    Raises:
        SourceError: a source is missing, unreadable or of no kind tpbis reads, or a tab is missing.
        AuthError: a Google source needs credentials that are not there.
    """
    read = read or ReadOptions()
    options = options or SourceOptions()
    rubric = rubric or default_rubric()
    text = _text(source)
    kind = detect_kind(source, kind=options.kind, encoding=options.encoding, delimiter=options.delimiter)

    def other_registry() -> Registry | None:
        return read_registry_file(registry, read.registry_tab, options=_registry_options(options)) \
            if registry is not None else None

    timezone: str | None = None
    id_column: str | None = None
    stamp_column: str | None = None
    drifts: tuple[Drift, ...] = ()
    history: Table | None = None
    name = text
    registry_table: Table | None = None

    def workbook_registry(tables: dict[str, Table]) -> Registry | None:
        nonlocal registry_table
        if registry is not None:
            return other_registry()
        registry_table = tables.get(read.registry_tab)
        return None if registry_table is not None or require_registry else Registry.of([])

    if kind is SourceKind.XLSX:
        from tpbis.adapters.xlsx import read_workbook

        def needed(tabs: list[str]) -> list[str]:
            """The tabs a score needs (not the outputs, which may be far larger)."""
            found = [responses_tab_name(tabs, text, read.responses_tab)]  # a missing tab is reported first
            return [*found, *(n for n in (read.registry_tab, CONTEST_TAB, history_tab(tabs)) if n in tabs)]

        tables = read_workbook(Path(source), tabs=needed)
        inputs = inputs_from_tables(tables, source=text, read=read, registry=workbook_registry(tables))
        history = tables.get(history_tab(tables))
    elif kind is SourceKind.SHEETS:
        book = _sheets(text, options.credentials)
        info = book.info()
        name, timezone = info.title, info.timezone
        wanted = [responses_tab_name(info.tabs, info.title, read.responses_tab)]
        if registry is None and (require_registry or read.registry_tab in info.tabs):
            wanted.append(read.registry_tab)
        if CONTEST_TAB in info.tabs:
            wanted.append(CONTEST_TAB)
        if history_tab(info.tabs) in info.tabs:
            wanted.append(history_tab(info.tabs))
        read_tables = book.read(wanted)
        inputs = inputs_from_tables(read_tables, source=info.title, read=read,
                                    registry=workbook_registry(read_tables), timezone=timezone)
        history = read_tables.get(history_tab(info.tabs))
    else:
        if kind is SourceKind.CSV:
            from tpbis.adapters.csvfile import read_csv_table

            responses = read_csv_table(Path(source), encoding=options.encoding, delimiter=options.delimiter)
        elif kind is SourceKind.FORMS:
            responses, drifts = _form_read(form_id_of(text), rubric, options)
        else:
            from tpbis.adapters.exports import open_export

            export = open_export(Path(source), encoding=options.encoding, delimiter=options.delimiter,
                                 day_first=read.day_first, kind=kind)
            responses = export.table
            id_column, stamp_column = export.submission_id_column, export.timestamp_column
        inputs = Inputs(
            responses=responses,
            registry=_need_registry(other_registry(), text, read, require_registry),
            sheet_timezone=read.timezone(),
        )
    inputs = attrs.evolve(inputs, registry=_with_form_labels(inputs.registry, rubric))
    return OpenedSource(inputs=inputs, kind=kind, name=name, timezone=timezone, submission_id_column=id_column,
                        timestamp_column=stamp_column, drifts=drifts, history=history,
                        registry_table=registry_table)


def open_sources(
    sources: Sequence[str | Path | tuple[str | Path, str | None]],
    *,
    registry: str | Path | None = None,
    read: ReadOptions | None = None,
    rubric: Rubric | None = None,
    options: SourceOptions | None = None,
) -> OpenedSource:
    """Open several SOURCEs for one run (see the module docs); one SOURCE is :func:`open_source`.

    Args:
        sources: each a SOURCE, or a (SOURCE, channel) pair; the first one's
            contests (``Lomba`` tab) are the run's.
        registry: one registry source for all, instead of merging the workbooks' tabs.
        read, rubric, options: as :func:`open_source`, for every SOURCE.

    Returns:
        The first SOURCE opened, its inputs carrying the others (:attr:`Inputs.more`),
        the merged registry and the warnings of merging it.

    Raises:
        SourceError: a source cannot be read, no source has a registry, or two
            registries contradict each other.
        AuthError: a Google source needs credentials that are not there.
    """
    pairs = [item if isinstance(item, tuple) else (item, None) for item in sources]
    if len(pairs) == 1:  # one source: as it always was (its channel is named only among several)
        return open_source(pairs[0][0], registry=registry, read=read, rubric=rubric, options=options)
    rubric = rubric or default_rubric()
    opened = [open_source(source, registry=registry, read=read, rubric=rubric, options=options,
                          require_registry=False) for source, _ in pairs]
    channels = [channel or one.kind.value for (_, channel), one in zip(pairs, opened, strict=True)]
    first = opened[0]
    merged = first.inputs.registry
    problems: tuple[Problem, ...] = ()
    if registry is None:
        parts = [RegistryPart(source=one.name, table=one.registry_table) for one in opened
                 if one.registry_table is not None]
        if not parts:
            raise SourceError.from_catalogue("error.no_registry", tab=(read or ReadOptions()).registry_tab,
                                             path=first.name)
        merged, problems = merge_registries(parts)
        merged = _with_form_labels(merged, rubric)
    more = tuple(
        SourceResponses(responses=one.inputs.responses, sheet_timezone=one.inputs.sheet_timezone, name=one.name,
                        channel=channel)
        for one, channel in zip(opened[1:], channels[1:], strict=True)
    )
    inputs = attrs.evolve(first.inputs, registry=merged, name=first.name, channel=channels[0], more=more,
                          registry_problems=problems)
    return attrs.evolve(first, inputs=inputs, drifts=tuple(d for one in opened for d in one.drifts))


def open_more_sources(
    sources: Sequence[tuple[str | Path, str | None]],
    *,
    registry: str | Path | None = None,
    read: ReadOptions | None = None,
    rubric: Rubric | None = None,
    options: SourceOptions | None = None,
) -> tuple[tuple[SourceResponses, ...], tuple[RegistryPart, ...], tuple[Drift, ...]]:
    """The further SOURCEs of ``tpbis sync`` (after the workbook it writes): their responses, their
    registry tabs to merge with the workbook's (none when ``registry`` names one for all), drift warnings.

    Raises:
        SourceError: a source is missing, unreadable or of no kind tpbis reads.
        AuthError: a Google source needs credentials that are not there.
    """
    more: list[SourceResponses] = []
    parts: list[RegistryPart] = []
    drifts: list[Drift] = []
    for source, channel in sources:
        one = open_source(source, registry=registry, read=read, rubric=rubric, options=options,
                          require_registry=False)
        more.append(SourceResponses(responses=one.inputs.responses, sheet_timezone=one.inputs.sheet_timezone,
                                    name=one.name, channel=channel or one.kind.value))
        if one.registry_table is not None:
            parts.append(RegistryPart(source=one.name, table=one.registry_table))
        drifts.extend(one.drifts)
    return tuple(more), tuple(parts), tuple(drifts)


def _registry_options(options: SourceOptions) -> SourceOptions:
    """The options for reading the registry: its kind is detected on its own; credentials are shared."""
    return SourceOptions(credentials=options.credentials, base_dir=options.base_dir)


def load_inputs(
    source: str | Path,
    *,
    registry: str | Path | None = None,
    read: ReadOptions | None = None,
    responses_tab: str | None = None,
    registry_tab: str = REGISTRY_TAB,
    sheet_timezone: str = DEFAULT_TIMEZONE,
    rubric: Rubric | None = None,
    options: SourceOptions | None = None,
) -> Inputs:
    """Open any SOURCE and its registry (see :func:`open_source`): the inputs of the scoring service.

    A workbook carries its registry in the ``Perpustakaan`` tab unless
    ``registry`` names another source; a responses CSV, an export or a form
    needs ``registry`` (a CSV, a workbook with that tab, or a spreadsheet).

    Args:
        source: the workbook, responses CSV, export, spreadsheet URL or key, or ``forms:ID``.
        registry: a registry source instead of the workbook's tab.
        read: tab names and time zone, as the CLI resolves them; when given,
            ``responses_tab``, ``registry_tab`` and ``sheet_timezone`` are not used.
        responses_tab: the responses tab (default: detected).
        registry_tab: the registry tab.
        sheet_timezone: zone of timestamps without an offset.
        rubric: the rubric the form was built from (default ``tpbis-default``).
        options: kind, CSV encoding and delimiter, credentials.

    Raises:
        SourceError: a source is missing or unreadable, or a tab is missing.
    """
    if read is None:
        read = ReadOptions(sheet_timezone=sheet_timezone, responses_tab=responses_tab, registry_tab=registry_tab)
    return open_source(source, registry=registry, read=read, rubric=rubric, options=options).inputs


def _workbook(source: str, kind: SourceKind, output: str | None, credentials: str | None) -> Workbook:
    if kind is SourceKind.SHEETS:
        return _sheets(source, credentials)
    if kind is SourceKind.XLSX:
        from tpbis.adapters.xlsx import XlsxWorkbook

        return XlsxWorkbook(source, output)
    raise SourceError.from_catalogue("error.sync_needs_workbook", source=source, kind=kind.value)


def open_sync_workbook(
    source: str,
    *,
    output: str | None = None,
    registry: str | None = None,
    responses: str | None = None,
    read: ReadOptions | None = None,
    rubric: Rubric | None = None,
    options: SourceOptions | None = None,
) -> tuple[Workbook, ReadOptions, tuple[Drift, ...]]:
    """The workbook ``tpbis sync`` reads and writes, and the read options that find its tabs.

    A workbook SOURCE (``.xlsx`` or a Google spreadsheet) is read and written
    in place (an ``.xlsx`` is saved to ``output`` when given). Any other SOURCE
    (a CSV, an export, ``forms:ID``) supplies the responses, and ``output``
    (an ``.xlsx`` or a spreadsheet) receives the output tabs. ``responses``
    (``--source forms:ID``) reads the responses from a form instead of the
    workbook's tab; ``registry`` replaces the workbook's registry tab.

    Raises:
        SourceError: a source is missing or unreadable, or there is no workbook to write into.
        AuthError: a Google source needs credentials that are not there.
    """
    read = read or ReadOptions()
    options = options or SourceOptions()
    rubric = rubric or default_rubric()
    kind = detect_kind(source, kind=options.kind, encoding=options.encoding, delimiter=options.delimiter)
    overlay: dict[str, Table] = {}
    drifts: tuple[Drift, ...] = ()
    if kind in (SourceKind.SHEETS, SourceKind.XLSX):
        workbook = _workbook(source, kind, output, options.credentials)
    else:
        if output is None:
            raise SourceError.from_catalogue("error.sync_needs_workbook", source=source, kind=kind.value)
        if output.lower().endswith(".xlsx") and not Path(output).exists():  # the tabs go INTO a workbook: say so
            raise SourceError.from_catalogue("error.sync_output_missing", output=output, source=source,
                                             kind=kind.value)
        workbook = _workbook(output, detect_kind(output), None, options.credentials)
        if kind is SourceKind.FORMS:
            table, drifts = _form_read(form_id_of(source), rubric, options)
        elif kind is SourceKind.CSV:
            from tpbis.adapters.csvfile import read_csv_table

            table = read_csv_table(Path(source), encoding=options.encoding, delimiter=options.delimiter)
        else:
            from tpbis.adapters.exports import open_export

            table = open_export(Path(source), encoding=options.encoding, delimiter=options.delimiter,
                                day_first=read.day_first, kind=kind).table
        overlay[table.name] = table
        read = attrs.evolve(read, responses_tab=table.name)
    if responses is not None:
        table, drifts = _form_read(form_id_of(responses), rubric, options)
        overlay[table.name] = table
        read = attrs.evolve(read, responses_tab=table.name)
    if registry is not None:
        overlay[read.registry_tab], _ = read_registry_table(registry, read.registry_tab,
                                                            options=_registry_options(options))
    return (OverlayWorkbook(workbook, overlay) if overlay else workbook), read, drifts
