"""``tpbis form``: build the reporting form (Google Forms, XLSForm) and check it for drift.

- ``tpbis form build --registry FILE [--form-id ID] [--regency NAME] [--dry-run] [--format json]``
  creates the Google Form (or updates ``--form-id`` in place) and writes the
  question-id record ``tpbis-form.json`` next to ``tpbis.toml`` (``--record``).
- ``tpbis form xlsform OUT.xlsx --registry FILE`` writes the XLSForm.
- ``tpbis form check [--registry FILE]`` compares the live form with the record,
  the rubric and the registry; exit 2 when a finding is an error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import attrs

from tpbis.config import Settings
from tpbis.domain.library import Registry
from tpbis.domain.problems import Severity
from tpbis.errors import ConfigError
from tpbis.forms.drift import check_form
from tpbis.forms.schema import build_schema
from tpbis.i18n import os_reason, t
from tpbis.message import Message
from tpbis.parsing.mapping import Field
from tpbis.sources import SourceOptions, read_registry_file

__all__ = ["register"]



def register(commands: Any) -> None:
    """Add ``tpbis form`` and its subcommands."""
    parser = commands.add_parser("form", help=t("cli.form.help"))
    actions = parser.add_subparsers(dest="form_command", required=True, metavar=t("cli.action"))

    build = actions.add_parser("build", help=t("cli.form.build"))
    _inputs(build)
    build.add_argument("--form-id", help=t("cli.form.form_id"))
    build.add_argument("--dry-run", action="store_true", help=t("cli.form.dry_run"))
    build.add_argument("--format", choices=["table", "json"], default="table")
    build.add_argument("--credentials", help=t("cli.form.build_credentials"))
    build.add_argument("--folder", metavar="FOLDER_ID", help=t("cli.form.folder"))
    build.add_argument("--subject", metavar="USER@DOMAIN", help=t("cli.form.subject"))
    build.add_argument("--headless", action="store_true", help=t("cli.form.headless"))
    build.add_argument("--no-publish", dest="publish", action="store_false", help=t("cli.form.no_publish"))
    build.set_defaults(run=_build)

    xlsform = actions.add_parser("xlsform", help=t("cli.form.xlsform"))
    xlsform.add_argument("out", metavar=t("cli.metavar.out_xlsx"))
    _inputs(xlsform)
    xlsform.add_argument("--version", default=None, help=t("cli.form.version"))
    xlsform.set_defaults(run=_xlsform)

    check = actions.add_parser("check", help=t("cli.form.check"))
    check.add_argument("--registry", help=t("cli.opt.registry_any"))
    check.add_argument("--regency", help=t("cli.form.check_regency"))
    check.add_argument("--rubric", help=t("cli.opt.rubric"))
    check.add_argument("--record", help=t("cli.form.record"))
    check.add_argument("--form-id", help=t("cli.form.check_form_id"))
    check.add_argument("--format", choices=["table", "json"], default="table")
    check.add_argument("--credentials", help=t("cli.form.credentials"))
    check.set_defaults(run=_check)


def _inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--registry", required=True,
                        help=t("cli.opt.registry"))
    parser.add_argument("--regency", help=t("cli.form.regency"))
    parser.add_argument("--rubric", help=t("cli.opt.rubric"))
    parser.add_argument("--record", help=t("cli.form.record"))


def _registry(path: str, settings: Settings, credentials: str | None = None) -> Registry:
    """The registry in any registry source (a CSV, an .xlsx with the tab, a Google spreadsheet)."""
    options = SourceOptions(credentials=credentials, base_dir=settings.base_dir)
    return read_registry_file(path, settings.read.registry_tab, options=options)


def _record_path(args: argparse.Namespace, settings: Settings) -> Path:
    from tpbis.adapters.forms import RECORD_FILE

    return Path(args.record) if args.record else settings.base_dir / RECORD_FILE


def _calls_json(calls: Any) -> list[dict[str, Any]]:
    return [{"method": c.method, "formId": c.form_id, "body": c.body} for c in calls]


def _build(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang
    from tpbis.adapters.forms import (
        FormsClient,
        build_form,
        build_session,
        load_record,
        plan_form,
        save_record,
    )

    schema = build_schema(settings.load_rubric(), _registry(args.registry, settings), regency=args.regency)
    path = _record_path(args, settings)
    if not args.dry_run and not path.parent.is_dir():
        # checked before anything is created: a form whose id is saved nowhere would be built twice
        raise ConfigError.from_catalogue("form.record_no_folder", folder=str(path.parent), path=str(path))
    record = None
    if args.form_id and path.exists():
        record = load_record(path)
        if record.form_id != args.form_id:
            record = None
    if args.dry_run and not args.form_id:
        calls = plan_form(schema, lang=lang, publish=args.publish)
        _print_calls(calls, args.format, lang)
        return 0
    session, account = build_session(args.credentials, folder=args.folder, subject=args.subject,
                                     headless=args.headless)
    client = FormsClient(session, account=account or None)
    if args.dry_run:
        calls = plan_form(schema, lang=lang, form=client.get(args.form_id), record=record, publish=args.publish)
        _print_calls(calls, args.format, lang)
        return 0
    result = build_form(client, schema, lang=lang, form_id=args.form_id, record=record, folder=args.folder,
                        publish=args.publish)
    try:
        save_record(result.record, path)
    except OSError as exc:  # the form exists: name it, so the rerun with --form-id finishes it
        raise ConfigError.from_catalogue(
            "form.build_unfinished", form_id=result.record.form_id,
            reason=Message("xlsx.cannot_write", path=str(path), reason=os_reason(exc))) from None
    if args.format == "json":
        from tpbis.serialization import converter

        document = {"created": result.created, "changes": result.changes, "record": str(path),
                    "published": result.published, "responder_uri": result.responder_uri,
                    "form": converter.unstructure(result.record), "calls": _calls_json(result.calls)}
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif result.created:
        sys.stdout.write(t("form.cli.created", lang, form_id=result.record.form_id,
                           uri=result.record.responder_uri or "-", path=path) + "\n")
    elif result.changes:
        sys.stdout.write(t("form.cli.updated", lang, form_id=result.record.form_id, changes=result.changes,
                           path=path) + "\n")
    else:
        sys.stdout.write(t("form.cli.unchanged", lang, form_id=result.record.form_id, path=path) + "\n")
    if args.format != "json":
        key = "form.cli.published" if result.published else "form.cli.not_published"
        sys.stdout.write(t(key, lang, form_id=result.record.form_id, uri=result.responder_uri or "-") + "\n")
    return 0


def _print_calls(calls: Any, fmt: str, lang: str) -> None:
    if fmt == "json":
        json.dump(_calls_json(calls), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for call in calls:
        requests = call.body.get("requests")
        count = " " + t("form.cli.dry_requests", lang, n=len(requests)) if requests is not None else ""
        sys.stdout.write(f"{call.method} {call.form_id or t('form.cli.dry_new', lang)}{count}\n")
        for request in requests or []:
            (kind, data), = request.items()
            title = (data.get("item") or {}).get("title", "")
            mask = data.get("updateMask", "")
            sys.stdout.write(f"  {kind} {title} {mask}".rstrip() + "\n")


def _xlsform(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang
    from tpbis.adapters.xlsform import write_xlsform

    schema = build_schema(settings.load_rubric(), _registry(args.registry, settings), regency=args.regency)
    write_xlsform(schema, args.out, version=args.version)
    sys.stdout.write(t("form.cli.xlsform", lang, path=args.out, questions=len(schema.questions),
                       libraries=len(schema.question(Field.LIBRARY).choices)) + "\n")
    return 0


def _check(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang
    from tpbis.adapters.forms import FormsClient, live_form, load_record, record_by_titles
    from tpbis.adapters.google import FORMS_BODY_READONLY_SCOPE, google_session

    path = _record_path(args, settings)
    record = load_record(path) if path.exists() or not args.form_id else None
    form_id = args.form_id or (record.form_id if record is not None else None)
    if form_id is None:
        raise ConfigError.from_catalogue("form.record_missing", path=str(path))
    client = FormsClient(google_session([FORMS_BODY_READONLY_SCOPE], args.credentials))
    live = live_form(client.get(form_id))
    if record is None or record.form_id != form_id:
        record = record_by_titles(live, lang)
    rubric = settings.load_rubric()
    schema = None
    registry = None
    registry_source = args.registry or settings.registry
    if registry_source:
        registry = _registry(registry_source, settings, args.credentials)
        schema = build_schema(rubric, registry, regency=args.regency or record.regency)
    drifts = check_form(live, record, schema=schema, rubric=rubric, registry=registry)
    errors = sum(1 for d in drifts if d.severity is Severity.ERROR)
    if args.format == "json":
        document = [
            {**{k: v for k, v in attrs.asdict(d).items() if k not in ("severity", "field")},
             "severity": d.severity.value, "field": d.field.value if d.field else None}
            for d in drifts
        ]
        json.dump({"form_id": form_id, "drift": document}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif not drifts:
        sys.stdout.write(t("form.cli.no_drift", lang, form_id=form_id, rubric=rubric.ref) + "\n")
    else:
        for drift in drifts:
            sys.stdout.write(f"[{t(f'severity.{drift.severity.value}', lang)}] {drift.code}: {drift.message(lang)}\n")
    return 2 if errors else 0
