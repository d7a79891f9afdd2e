"""Argument parsing and dispatch for ``tpbis``; a thin layer over the services.

Exit codes: 0 success (even when rows were rejected), 2 unusable input,
configuration or credentials (one message, no traceback), 3 try again later
(another sync holds the lock, or Google stayed unavailable), 130 interrupted.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from tpbis.cli._common import rubric_from
from tpbis.config import Config, load_config
from tpbis.domain.awards import CategoryResult, what_if
from tpbis.domain.period import Period
from tpbis.domain.rubric import Color, Rubric
from tpbis.errors import ConfigError, LockError, RemoteError, TpbisError
from tpbis.i18n import set_language, t
from tpbis.render import (
    awards_document,
    awards_rows,
    awards_table,
    kpi_document,
    kpi_rows,
    kpi_table,
    problem_rows,
    severity_counts,
    what_if_text,
)
from tpbis.rubrics import default_rubric, default_text, load_rubric
from tpbis.service import AwardsReport, Inputs, ScoreReport, awards_for, load_inputs, score_inputs

__all__ = ["main"]

EXIT_OK = 0
EXIT_USAGE = 2
#: Another sync holds the lock, or Google stayed unavailable: try again later.
EXIT_RETRY = 3
EXIT_INTERRUPTED = 130


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help layout with the ``usage:`` prefix in the chosen language."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse passes prefix="" when it builds a sub-command's prog; keep that.
        super().add_usage(usage, actions, groups, prefix=t("cli.usage") + " " if prefix is None else prefix)


def _localise(parser: argparse.ArgumentParser) -> None:
    """Group titles and the -h text in the chosen language, for a parser and its sub-parsers."""
    parser.formatter_class = _Formatter
    if "--lang" not in parser._option_string_actions:  # nested sub-commands registered elsewhere
        _global_options(parser, argparse.SUPPRESS)
    parser._positionals.title = t("cli.positionals")  # argparse has no public hook for these
    parser._optionals.title = t("cli.options")
    for action in parser._actions:
        if "-h" in action.option_strings:
            action.help = t("cli.help")
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _localise(sub)


def _global_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument("--lang", choices=["id", "en"], default=default, help=t("cli.opt.lang"))
    parser.add_argument("--config", default=default, help=t("cli.opt.config"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tpbis", description=t("cli.description"), formatter_class=_Formatter)
    _global_options(parser)
    # The same options after the command name; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar=t("cli.command"),
                                     title=t("cli.commands"))
    # Every sub-parser gets the global options, whoever registers it.
    add_parser = commands.add_parser

    def add_with_common(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        kwargs.setdefault("description", kwargs.get("help"))
        return add_parser(name, parents=[*kwargs.pop("parents", []), common], **kwargs)

    commands.add_parser = add_with_common  # type: ignore[method-assign]

    score = commands.add_parser("score", help=t("cli.score.help"))
    _common_input_options(score)
    score.add_argument("--problems", action="store_true", help=t("cli.score.problems"))
    score.add_argument("--no-color", action="store_true", help=t("cli.score.no_color"))
    score.set_defaults(run=_score)

    awards = commands.add_parser("awards", help=t("cli.awards.help"))
    _common_input_options(awards)
    awards.add_argument("--what-if", metavar="ID", help=t("cli.awards.what_if"))
    awards.add_argument("--category", help=t("cli.awards.category"))
    awards.set_defaults(run=_awards)

    rubric = commands.add_parser("rubric", help=t("cli.rubric.help"))
    rubric_commands = rubric.add_subparsers(dest="rubric_command", required=True, metavar=t("cli.action"))
    show = rubric_commands.add_parser(
        "show", help=t("cli.rubric.show"), description=t("cli.rubric.show"), parents=[common]
    )
    show.add_argument("--format", choices=["toml", "json"], default="toml", help=t("cli.opt.format"))
    check = rubric_commands.add_parser(
        "check", help=t("cli.rubric.check"), description=t("cli.rubric.check"), parents=[common]
    )
    check.add_argument("file", metavar=t("cli.file"))
    check.add_argument("--format", choices=["table", "json"], default="table", help=t("cli.opt.format"))
    rubric.set_defaults(run=_rubric_command)
    # Commands living in their own modules: each has register(commands) that
    # adds its parser with set_defaults(run=handler(args, config, lang) -> int).
    for register in _registrations():
        register(commands)
    _localise(parser)
    return parser


def _registrations() -> list[Callable[[Any], None]]:
    from tpbis.cli import form, report, sync

    return [sync.register, report.register, form.register]


def _common_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="WORKBOOK", help=t("cli.opt.source"))
    parser.add_argument("--period", required=True, help=t("cli.opt.period"))
    parser.add_argument("--registry", help=t("cli.opt.registry"))
    parser.add_argument("--rubric", help=t("cli.opt.rubric"))
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table", help=t("cli.opt.format"))
    parser.add_argument("--sheet-timezone", help=t("cli.opt.sheet_timezone"))
    parser.add_argument("--responses-tab", help=t("cli.opt.responses_tab"))


def _load_and_score(args: argparse.Namespace, config: Config) -> tuple[Inputs, ScoreReport]:
    period = Period.parse(args.period)
    rubric = rubric_from(args.rubric, config)
    inputs = load_inputs(
        args.source,
        registry=args.registry,
        responses_tab=args.responses_tab or config.responses_tab,
        registry_tab=config.registry_tab,
        sheet_timezone=args.sheet_timezone or config.sheet_timezone,
    )
    return inputs, score_inputs(inputs, rubric, [period], columns=config.columns, day_first=config.day_first)


def _write_csv(header: list[str], rows: list[list[object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    sys.stdout.write(buffer.getvalue())


def _score(args: argparse.Namespace, config: Config, lang: str) -> int:
    _, report = _load_and_score(args, config)
    run = report.runs[0]
    parsed = report.parse
    out = sys.stdout
    if args.format == "json":
        json.dump(kpi_document(run, parsed.counts, parsed.problems), out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    if args.format == "csv":
        _write_csv(*kpi_rows(run, lang))
        return EXIT_OK
    use_color = not args.no_color and out.isatty() and "NO_COLOR" not in os.environ
    out.write(kpi_table(run, lang, color=use_color) + "\n\n")
    counts = parsed.counts
    out.write(
        t("cli.summary", lang, rows=counts.rows, accepted=counts.accepted, rejected=counts.rejected,
          duplicates=counts.duplicates, blank=counts.blank) + "\n"
    )
    per_color = {c.value: sum(1 for r in run.results if r.color is c) for c in Color}
    out.write(t("cli.colors", lang, **per_color) + "\n")
    errors, warnings = severity_counts(parsed.problems)
    if args.problems:
        header, rows = problem_rows(parsed.problems, lang)
        out.write("\n" + " | ".join(header) + "\n")
        for row in rows:
            out.write(" | ".join(str(c) for c in row) + "\n")
    elif parsed.problems:
        out.write(t("cli.problems_hint", lang, errors=errors, warnings=warnings) + "\n")
    return EXIT_OK


def _awards(args: argparse.Namespace, config: Config, lang: str) -> int:
    inputs, report = _load_and_score(args, config)
    awards = awards_for(report, inputs)
    categories = awards.categories
    if args.category:
        categories = tuple(c for c in categories if c.category.id == args.category)
        if not categories:
            known = ", ".join(c.id for c in report.runs[0].rubric.awards)
            raise ConfigError.from_catalogue("error.unknown_category", category=args.category, known=known)
    if args.what_if:
        return _what_if(args.what_if, categories, awards, report, lang)
    if args.format == "json":
        document = awards_document(awards.run, categories, awards.contests, awards.counts, awards.problems)
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.format == "csv":
        _write_csv(*awards_rows(categories, lang))
    else:
        sys.stdout.write(awards_table(categories, lang))
        for contest in awards.contests:
            label = contest.contest.label_en if lang == "en" else contest.contest.label
            ranked = [s for s in contest.standings if s.eligible]
            sys.stdout.write(f"{label}: " + (", ".join(
                f"{s.rank}. {s.entry.library_id} ({s.score})" for s in ranked[:3]) or "-") + "\n")
    return EXIT_OK


def _what_if(
    library_id: str, categories: Sequence[CategoryResult], awards: AwardsReport, report: ScoreReport, lang: str
) -> int:
    run = awards.run
    if library_id not in {r.library.id for r in run.results}:
        raise ConfigError.from_catalogue("error.unknown_library", library=library_id)
    level = run.result(library_id).library.level
    for result in categories:
        if result.level != level:
            continue
        answer = what_if(result.category, library_id, run, report.parse.activities)
        sys.stdout.write(what_if_text(answer, run.rubric, lang) + "\n")
    return EXIT_OK


def _rubric_command(args: argparse.Namespace, config: Config, lang: str) -> int:
    if args.rubric_command == "show":
        if args.format == "json":
            json.dump(_rubric_summary(default_rubric()), sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(default_text())
        return EXIT_OK
    rubric = load_rubric(args.file)
    if args.format == "json":
        json.dump({"ok": True, **_rubric_summary(rubric)}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(t("cli.rubric.ok", lang, ref=rubric.ref, indicators=len(rubric.indicators),
                           awards=len(rubric.awards), contests=len(rubric.contests)) + "\n")
    return EXIT_OK


def _rubric_summary(rubric: Rubric) -> dict[str, Any]:
    return {
        "rubric": rubric.ref,
        "indicators": [
            {"id": i.id, "label": i.label, "weight": int(i.weight), "measure": i.measure.value,
             "kinds": sorted(k.value for k in i.kinds)}
            for i in rubric.indicators
        ],
        "colors": [{"color": b.color.value, "minimum": float(b.minimum)} for b in rubric.bands],
        "awards": [c.id for c in rubric.awards],
        "contests": [c.id for c in rubric.contests],
    }


def _prescan(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """``--lang`` and ``--config`` wherever they appear, so help and errors use the right language."""
    found: dict[str, str] = {}
    for i, arg in enumerate(argv):
        for name in ("--lang", "--config"):
            if arg == name and i + 1 < len(argv):
                found[name] = argv[i + 1]
            elif arg.startswith(name + "="):
                found[name] = arg.split("=", 1)[1]
    return found.get("--lang"), found.get("--config")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``tpbis``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang_option, config_option = _prescan(argv)
    try:
        lang = lang_option or load_config(config_option).lang
    except TpbisError:
        lang = lang_option or "id"  # reported properly below, once parsed
    set_language(lang)
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        lang = args.lang or config.lang
        set_language(lang)
        code: int = args.run(args, config, lang)
        return code
    except TpbisError as exc:
        sys.stderr.write(f"tpbis: {t('error.prefix', lang)}: {exc.message(lang)}\n")
        return EXIT_RETRY if isinstance(exc, LockError | RemoteError) else EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
