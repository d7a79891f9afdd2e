"""``tpbis rubric show`` and ``tpbis rubric check FILE``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tpbis.cli._common import EXIT_OK
from tpbis.config import Settings
from tpbis.domain.rubric import Rubric
from tpbis.i18n import t
from tpbis.message import Message
from tpbis.render.safe import terminal_text
from tpbis.rubrics import default_rubric, default_text, load_rubric

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add ``tpbis rubric`` and its actions."""
    rubric = commands.add_parser("rubric", help=t("cli.rubric.help"))
    actions = rubric.add_subparsers(dest="rubric_command", required=True, metavar=t("cli.action"))
    show = actions.add_parser("show", help=t("cli.rubric.show"), description=t("cli.rubric.show"))
    show.add_argument("--format", choices=["toml", "json"], default="toml", help=t("cli.opt.format"))
    check = actions.add_parser("check", help=t("cli.rubric.check"), description=t("cli.rubric.check"))
    check.add_argument("file", metavar=t("cli.file"))
    check.add_argument("--format", choices=["table", "json"], default="table", help=t("cli.opt.format"))
    rubric.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the default rubric, or validate a rubric file."""
    lang = settings.lang
    if args.rubric_command == "show":
        if args.format == "json":
            json.dump(_summary(default_rubric()), sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(default_text())
        return EXIT_OK
    rubric = load_rubric(args.file)
    if args.format == "json":
        json.dump({"ok": True, **_summary(rubric)}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        message = Message.plural("cli.rubric.ok", len(rubric.indicators), ref=rubric.ref,
                                 awards=len(rubric.awards), contests=len(rubric.contests))
        sys.stdout.write(terminal_text(message.render(lang)) + "\n")
    return EXIT_OK


def _summary(rubric: Rubric) -> dict[str, Any]:
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
