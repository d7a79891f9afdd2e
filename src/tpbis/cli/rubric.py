"""``tpbis rubric list``, ``tpbis rubric show [NAME]`` and ``tpbis rubric check FILE``."""

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
from tpbis.rubrics import (
    DEFAULT_REF,
    load_rubric,
    shipped_differs,
    shipped_rubric,
    shipped_rubrics,
    shipped_text,
)

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add ``tpbis rubric`` and its actions."""
    rubric = commands.add_parser("rubric", help=t("cli.rubric.help"))
    actions = rubric.add_subparsers(dest="rubric_command", required=True, metavar=t("cli.action"))
    listing = actions.add_parser("list", help=t("cli.rubric.list"), description=t("cli.rubric.list"))
    listing.add_argument("--format", choices=["table", "json"], default="table", help=t("cli.opt.format"))
    show = actions.add_parser("show", help=t("cli.rubric.show"), description=t("cli.rubric.show"))
    show.add_argument("name", nargs="?", default=DEFAULT_REF, metavar="NAME", help=t("cli.rubric.name"))
    show.add_argument("--format", choices=["toml", "json"], default="toml", help=t("cli.opt.format"))
    check = actions.add_parser("check", help=t("cli.rubric.check"), description=t("cli.rubric.check"))
    check.add_argument("file", metavar=t("cli.file"))
    check.add_argument("--format", choices=["table", "json"], default="table", help=t("cli.opt.format"))
    rubric.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """List the shipped rubrics, print one, or validate a rubric file."""
    lang = settings.lang
    if args.rubric_command == "list":
        return _list(args.format, lang)
    if args.rubric_command == "show":
        if args.format == "json":
            _json(_summary(shipped_rubric(args.name)))
        else:
            sys.stdout.write(shipped_text(args.name))
        return EXIT_OK
    rubric = load_rubric(args.file)
    shipped = shipped_differs(rubric)
    warning = None if shipped is None else Message(
        "rubric.copy_differs", path=args.file, ref=rubric.ref, digest=rubric.digest, shipped=shipped.digest,
    )
    if args.format == "json":
        warnings = [] if warning is None else [
            {"code": "rubric.copy_differs", "message_id": warning.render("id"), "message_en": warning.render("en")}
        ]
        _json({"ok": True, **_summary(rubric), "warnings": warnings})
    else:
        message = Message.plural("cli.rubric.ok", len(rubric.indicators), ref=rubric.ref,
                                 awards=len(rubric.awards), contests=len(rubric.contests))
        sys.stdout.write(terminal_text(message.render(lang)) + "\n")
    if warning is not None:
        # A warning, not a failure: the file is valid, but its results would pass for the shipped rubric's.
        sys.stderr.write(terminal_text(f"tpbis: {warning.render(lang)}") + "\n")
    return EXIT_OK


def _list(form: str, lang: str) -> int:
    rubrics = shipped_rubrics()
    if form == "json":
        _json([
            {"rubric": r.ref, "name": r.name, "version": r.version, "digest": r.digest, "title": r.title,
             "title_en": r.title_en, "default": r.ref == DEFAULT_REF}
            for r in rubrics
        ])
        return EXIT_OK
    width = max(len(r.ref) for r in rubrics)
    for r in rubrics:
        title = r.title if lang == "id" else r.title_en
        marker = " *" if r.ref == DEFAULT_REF else ""
        sys.stdout.write(terminal_text(f"{r.ref:<{width}}  sha256:{r.digest}  {title}{marker}") + "\n")
    return EXIT_OK


def _json(document: object) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _summary(rubric: Rubric) -> dict[str, Any]:
    return {
        "rubric": rubric.ref,
        "rubric_version": rubric.version,
        "rubric_digest": rubric.digest,
        "indicators": [
            {"id": i.id, "label": i.label, "weight": int(i.weight), "measure": i.measure.value,
             "kinds": sorted(k.value for k in i.kinds)}
            for i in rubric.indicators
        ],
        "colors": [{"color": b.color.value, "minimum": float(b.minimum)} for b in rubric.bands],
        "awards": [c.id for c in rubric.awards],
        "contests": [c.id for c in rubric.contests],
    }
