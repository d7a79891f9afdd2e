"""``tpbis``: build the parser, resolve the settings once, dispatch, map errors to exit codes.

Exit codes: 0 success (even when rows were rejected), 2 unusable input,
configuration or credentials (one message, no traceback), 3 try again later
(another sync holds the lock, or Google stayed unavailable), 130 interrupted.
Each :class:`~tpbis.errors.TpbisError` carries its own ``exit_code``.

Each command lives in its own module with ``register(commands)``, which adds
its parser with ``set_defaults(run=handler)`` (and ``one_shot=True`` for a command that only reads and prints,
:func:`_one_shot`); a handler is
``run(args, settings) -> exit code``. A new command is one line in
:data:`COMMANDS`: its name, its module and the catalogue key of its help.

Start-up: only the modules of commands named on the command line are
imported; every other command gets a stand-in parser with the same name and
help (enough for ``tpbis --help`` and for argparse's choice list).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import importlib
import io
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from tpbis.cli._common import EXIT_OK, flags_layer, global_options
from tpbis.config import Settings, config_from_env, config_path, load_config, resolve_settings
from tpbis.errors import TpbisError
from tpbis.i18n import install_argparse_translation, set_language, t

__all__ = ["main", "settings_for"]

EXIT_INTERRUPTED = 130

#: Every command, in the order ``tpbis --help`` lists them: name, module (with ``register``), help key.
COMMANDS: Final = (
    ("score", "tpbis.cli.score", "cli.score.help"),
    ("awards", "tpbis.cli.awards", "cli.awards.help"),
    ("rubric", "tpbis.cli.rubric", "cli.rubric.help"),
    ("sync", "tpbis.cli.sync", "cli.sync.help"),
    ("close", "tpbis.cli.close", "close.help"),
    ("report", "tpbis.cli.report", "report.help"),
    ("rapor", "tpbis.cli.rapor", "rapor.help"),
    ("form", "tpbis.cli.form", "cli.form.help"),
    ("history", "tpbis.cli.history", "history.help"),
    ("nasional", "tpbis.cli.nasional", "national.help"),
)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help layout with the ``usage:`` prefix in the chosen language."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse passes prefix="" when it builds a sub-command's prog; keep that.
        super().add_usage(usage, actions, groups, prefix=t("cli.usage") + " " if prefix is None else prefix)


def _localise(parser: argparse.ArgumentParser) -> None:
    """Group titles and the -h text in the chosen language, for a parser and its sub-parsers."""
    parser.formatter_class = _Formatter
    if "--lang" not in parser._option_string_actions:  # nested sub-commands registered elsewhere
        global_options(parser, argparse.SUPPRESS)
    parser._positionals.title = t("cli.positionals")  # argparse has no public hook for these
    parser._optionals.title = t("cli.options")
    for action in parser._actions:
        if "-h" in action.option_strings:
            action.help = t("cli.help")
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _localise(sub)


def _parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``tpbis`` parser: commands named in ``argv`` registered in full (all of them when ``argv`` is None)."""
    parser = argparse.ArgumentParser(prog="tpbis", description=t("cli.description"), formatter_class=_Formatter)
    parser.add_argument("--version", action=_Version, nargs=0, help=t("cli.opt.version"))
    global_options(parser)
    # The same options after the command name; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    global_options(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar=t("cli.command"),
                                     title=t("cli.commands"))
    # Every sub-parser gets the global options and its help as description, whoever registers it.
    add_parser = commands.add_parser

    def add_with_common(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        kwargs.setdefault("description", kwargs.get("help"))
        return add_parser(name, parents=[*kwargs.pop("parents", []), common], **kwargs)

    commands.add_parser = add_with_common  # type: ignore[method-assign]
    named = None if argv is None else set(argv)
    for name, module, help_key in COMMANDS:
        if named is None or name in named:
            importlib.import_module(module).register(commands)
        else:  # not this run's command: its name and help only
            commands.add_parser(name, help=t(help_key))
    _localise(parser)
    return parser


class _Version(argparse.Action):
    """``--version``: argparse's version action, reading the package metadata only when asked (it is slow to load)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        sys.stdout.write(t("cli.version", version=_version()) + "\n")
        parser.exit()


def _version() -> str:
    """tpbis's version, from the installed package's metadata (as ``tpbis.__version__``)."""
    import tpbis

    return str(tpbis.__version__)


def settings_for(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """The one :class:`Settings` of this run: flags > ``TPBIS_*`` variables > ``tpbis.toml`` > defaults.

    Raises:
        ConfigError: a flag, variable or the ``tpbis.toml`` file cannot be used.
    """
    flags = flags_layer(args)
    env = config_from_env(environ)
    file = load_config(config_path(getattr(args, "config", None), environ))
    return resolve_settings(flags, env, file)


def _prescan(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """``--lang`` and ``--config`` wherever they appear, so help and errors use the right language.

    As argparse does, an abbreviation counts (``--lan en``, ``--conf=x.toml``), from ``--la``/``--co`` on.
    """
    found: dict[str, str] = {}
    for i, arg in enumerate(argv):
        option, equals, value = arg.partition("=")
        for name in ("--lang", "--config"):
            if len(option) < _PREFIX or not name.startswith(option):
                continue
            if equals:
                found[name] = value
            elif i + 1 < len(argv):
                found[name] = argv[i + 1]
    return found.get("--lang"), found.get("--config")


#: The shortest abbreviation of ``--lang``/``--config`` the early scan accepts (``--la``, ``--co``).
_PREFIX = 4


def _early_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language for help and parse errors, before the arguments are parsed."""
    lang_option, config_option = _prescan(argv)
    if lang_option:
        return lang_option
    try:
        return resolve_settings(config_from_env(environ), load_config(config_path(config_option, environ))).lang
    except TpbisError:
        return "id"  # reported properly below, once parsed


def _speak(lang: str) -> None:
    """tpbis's messages and argparse's own (usage, errors, ``-h``) in ``lang``."""
    set_language(lang)
    install_argparse_translation(lang)


def _one_shot() -> contextlib.AbstractContextManager[None]:
    """How a command that reads, computes, prints and ends runs (``set_defaults(one_shot=True)``): with the
    cyclic garbage collector paused. Its objects (rows, results, messages) hold no reference cycles and live
    until the process ends, so each collection would only re-scan them: ~6 % of ``score``'s CPU at a
    million rows. Reference counting still frees what is dropped."""
    from tpbis.domain.kpi import collector_paused

    return collector_paused()


@contextlib.contextmanager
def _lenient_output() -> Iterator[None]:
    """While a command runs, text its output cannot encode is written as its escape (``\\ud83d``), not a traceback.

    A lone surrogate half (a Google Sheets cell cut inside an emoji by ``LEFT()``, sent by the API as
    ``"\\ud83d"``) reaches names and titles and no UTF-8 stream can write it; in JSON its escape is
    the character's own. A stream that writes undecodable bytes back (``surrogateescape``, the C
    locale's) still does; streams that are not text files are left alone.
    """
    changed = []
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors in _LENIENT:
            changed.append((stream, stream.errors))
            stream.reconfigure(errors=_LENIENT[stream.errors])
    try:
        yield
    finally:
        for stream, errors in changed:
            stream.reconfigure(errors=errors)


def _escape_unwritable(error: UnicodeError) -> tuple[str | bytes, int]:
    """``surrogateescape`` where it applies, else ``backslashreplace``."""
    try:
        return codecs.lookup_error("surrogateescape")(error)
    except UnicodeError:
        return codecs.lookup_error("backslashreplace")(error)


codecs.register_error("tpbis.surrogateescape_or_backslash", _escape_unwritable)
#: a stream's error handler → the one it writes with while a command runs
_LENIENT: Final = {"strict": "backslashreplace", "surrogateescape": "tpbis.surrogateescape_or_backslash"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``tpbis``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    environ = os.environ
    lang = _early_language(argv, environ)
    _speak(lang)
    args = _parser(argv).parse_args(argv)
    lang = args.lang or lang
    try:
        settings = settings_for(args, environ)
        lang = settings.lang
        _speak(lang)
        with _one_shot() if getattr(args, "one_shot", False) else contextlib.nullcontext(), _lenient_output():
            code: int = args.run(args, settings)
        return code
    except TpbisError as exc:
        from tpbis.render.safe import terminal_text

        sys.stderr.write(terminal_text(f"tpbis: {t('error.prefix', lang)}: {exc.message(lang)}") + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
