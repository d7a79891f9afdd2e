"""What every ``tpbis`` command shares: the option parents, the settings layer from flags, opening inputs."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tpbis.config import Config, Settings, layer
from tpbis.i18n import t

if TYPE_CHECKING:  # imported where used: ``tpbis --help`` builds these parsers without loading the library
    from tpbis.domain.activity import ActivityKind
    from tpbis.domain.kpi import KindTally, LibraryResult
    from tpbis.domain.rubric import Rubric
    from tpbis.forms.drift import Drift
    from tpbis.message import Message
    from tpbis.render.report import ReportData
    from tpbis.sources import OpenedSource, SourceOptions

__all__ = [
    "EXIT_OK",
    "flags_layer",
    "global_options",
    "open_inputs",
    "plan_advice",
    "read_options",
    "source_kind_options",
    "source_list",
    "source_open_options",
    "source_options",
    "warn_drifts",
    "write_csv",
]

EXIT_OK = 0

def global_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """``--lang`` and ``--config``, accepted before and after a command's name."""
    parser.add_argument("--lang", choices=["id", "en"], default=default, help=t("cli.opt.lang"))
    parser.add_argument("--config", default=default, help=t("cli.opt.config"))


class _OnePeriod(argparse.Action):
    """``--period`` given once: a second one is refused, never silently dropped (``score`` takes several)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        if getattr(namespace, self.dest, None) is not None:
            raise argparse.ArgumentError(self, t("cli.period_once"))
        setattr(namespace, self.dest, values)


def source_options() -> argparse.ArgumentParser:
    """The parent for commands that score a SOURCE: the source, ``--period`` and how to open it."""
    parent = argparse.ArgumentParser(add_help=False, parents=[source_kind_options()])
    parent.add_argument("source", metavar="SOURCE", nargs="*", help=t("cli.opt.sources"))
    parent.add_argument("--period", action=_OnePeriod, required=True, help=t("cli.opt.period"))
    parent.add_argument("--registry", help=t("cli.opt.registry_any"))
    return parent


def source_kind_options(*, credentials: bool = True) -> argparse.ArgumentParser:
    """The parent for how to open a SOURCE: ``--source-kind``, ``--encoding``, ``--delimiter``, ``--credentials``."""
    from tpbis.adapters.sources import SourceKind

    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--source-kind", choices=[k.value for k in SourceKind], help=t("cli.opt.source_kind"))
    parent.add_argument("--encoding", help=t("cli.opt.encoding"))
    parent.add_argument("--delimiter", help=t("cli.opt.delimiter"))
    if credentials:
        parent.add_argument("--credentials", help=t("cli.sync.credentials"))
    return parent


def read_options() -> argparse.ArgumentParser:
    """The parent for how to read responses: rubric, tabs, time zone, day-first (settings flags)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--rubric", help=t("cli.opt.rubric"))
    parent.add_argument("--sheet-timezone", help=t("cli.opt.sheet_timezone"))
    parent.add_argument("--responses-tab", help=t("cli.opt.responses_tab"))
    parent.add_argument("--registry-tab", help=t("cli.opt.registry_tab"))
    day = parent.add_mutually_exclusive_group()
    day.add_argument("--day-first", dest="day_first", action="store_const", const=True, help=t("cli.opt.day_first"))
    day.add_argument("--month-first", dest="day_first", action="store_const", const=False,
                     help=t("cli.opt.month_first"))
    return parent


def flags_layer(args: argparse.Namespace) -> Config:
    """The settings the command line gave (unset where the command has no such option or it was not used)."""
    return layer(
        lang=getattr(args, "lang", None),
        sheet_timezone=getattr(args, "sheet_timezone", None),
        day_first=getattr(args, "day_first", None),
        responses_tab=getattr(args, "responses_tab", None),
        registry_tab=getattr(args, "registry_tab", None),
        rubric=getattr(args, "rubric", None),
        registry=getattr(args, "registry", None),
    )


def source_open_options(args: argparse.Namespace, settings: Settings) -> SourceOptions:
    """How to open the command's SOURCE, from its ``--source-kind``/``--encoding``/``--delimiter``/
    ``--credentials`` (unset where the command has no such option)."""
    from tpbis.sources import SourceOptions

    return SourceOptions(
        kind=getattr(args, "source_kind", None),
        encoding=getattr(args, "encoding", None),
        delimiter=getattr(args, "delimiter", None),
        credentials=getattr(args, "credentials", None),
        base_dir=settings.base_dir,
    )


def warn_drifts(drifts: Sequence[Drift], lang: str) -> None:
    """Print a Google Form's drift findings (none of which blocked reading) on stderr."""
    for drift in drifts:
        sys.stderr.write(f"tpbis: {drift.message(lang)}\n")


def source_list(given: str | Sequence[str] | None, settings: Settings) -> list[tuple[str, str | None]]:
    """The SOURCEs of a run, each with its channel: those on the command line (they replace the
    ``tpbis.toml`` list), else ``[[sources]]`` of ``tpbis.toml``.

    Raises:
        ConfigError: neither names a SOURCE.
    """
    named = [given] if isinstance(given, str) else list(given or ())
    if named:
        return [(source, None) for source in named]
    if settings.sources:
        return [(entry.source, entry.channel) for entry in settings.sources]
    from tpbis.errors import ConfigError

    raise ConfigError.from_catalogue("error.no_source")


def open_inputs(args: argparse.Namespace, settings: Settings, rubric: Rubric | None = None) -> OpenedSource:
    """Open ``args.source`` (one or several, else ``[[sources]]`` of ``tpbis.toml``) and the registry
    (``--registry``, else ``TPBIS_REGISTRY`` or ``tpbis.toml``, else each workbook's tab, merged), read as
    the settings say; drift warnings go to stderr."""
    from tpbis.sources import open_sources

    opened = open_sources(
        source_list(args.source, settings),
        registry=settings.registry,
        read=settings.read,
        rubric=rubric if rubric is not None else settings.load_rubric(),
        options=source_open_options(args, settings),
    )
    warn_drifts(opened.drifts, settings.lang)
    return opened


def write_csv(header: list[str], rows: list[list[object]]) -> None:
    """``header`` and ``rows`` as CSV on stdout, formula-safe (:func:`tpbis.render.safe.write_csv`)."""
    from tpbis.render.safe import csv_text

    sys.stdout.write(csv_text(header, rows))


def plan_advice(data: ReportData, settings: Settings) -> Callable[[LibraryResult], Message | None]:
    """Each library's plan to the next colour in words (:meth:`tpbis.domain.plan.Planner.plan`), for the
    report and the rapor; ``None`` for a library already at the best colour.

    Planned when first asked for: the report's default overview shows no plans (only its cards do), and
    planning ten thousand libraries costs seconds.
    """
    import pendulum

    from tpbis.domain.kpi import tally
    from tpbis.domain.plan import Planner, PlanStatus

    today = pendulum.now("UTC").in_timezone(settings.read.timezone()).date()
    results = {r.library.id: r for r in data.run.results}
    planner = Planner(data.run.rubric, data.run.period)

    @functools.cache
    def tallies() -> dict[str, dict[ActivityKind, KindTally]]:
        # tallied first (as ``score`` does): a closed period's result is frozen, not a rescore of these activities
        return tally(data.activities, data.run.period)

    def advice(result: LibraryResult) -> Message | None:
        own = results.get(result.library.id)
        if own is None:
            return None
        plan = planner.plan(own, tallies().get(own.library.id, {}), as_of=today, check=False)
        return None if plan.status is PlanStatus.TOP else plan.message

    return advice
