"""Development sessions for tpbis: ``nox -s tests``, ``nox -s demo`` and friends."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False

PYPROJECT = nox.project.load_toml("pyproject.toml")
EXAMPLE_WORKBOOK = "examples/kepri-2024.xlsx"


def _install(session: nox.Session, *groups: str, extras: str = "all") -> None:
    session.install("-e", f".[{extras}]")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (offline; Google is emulated on 127.0.0.1), then lint, types and the docs build."""
    _install(session, "test")
    # The report's headless-browser test needs chromium; install it where we can (CI runs as root).
    if shutil.which("chromium") is None and shutil.which("apt-get") and getattr(os, "geteuid", lambda: -1)() == 0:
        session.run("apt-get", "update", external=True)
        session.run("apt-get", "install", "-y", "chromium", external=True)
    session.run("pytest", *(session.posargs or ["-q"]))
    if not session.posargs:  # the full check CI runs (.ci/run): nothing lands with lint, type or doc errors
        for check in ("lint", "typecheck", "docs"):
            session.notify(check)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff (style, bugs, the domain-purity import ban), then the import-linter layer contracts."""
    _install(session, "lint")
    session.run("ruff", "check", "src", "tests", "benchmarks", "examples", "noxfile.py")
    session.run("lint-imports", "--no-cache")  # contracts: [tool.importlinter] in pyproject.toml


@nox.session
def typecheck(session: nox.Session) -> None:
    """Mypy in strict mode over the package."""
    _install(session, "typecheck")
    session.run("mypy")


@nox.session
def demo(session: nox.Session) -> None:
    """The main job on the bundled example, no Google account needed: sync into a copy, then the HTML report."""
    _install(session)
    Path("build").mkdir(exist_ok=True)
    session.run(
        "tpbis", "sync", EXAMPLE_WORKBOOK, "--output", "build/kepri-2024-hasil.xlsx",
        "--period", "2024-09", "--period", "2024", *session.posargs,
    )
    session.run("tpbis", "report", EXAMPLE_WORKBOOK, "--period", "2024-09", "--output", "build/laporan-2024-09.html")


@nox.session
def report(session: nox.Session) -> None:
    """The self-contained HTML report of the bundled example (open build/laporan-2024-09.html)."""
    _install(session)
    session.run(
        "tpbis", "report", EXAMPLE_WORKBOOK, "--period", "2024-09", "--output", "build/laporan-2024-09.html",
        *session.posargs,
    )


@nox.session
def examples(session: nox.Session) -> None:
    """Run every example script offline (tests/test_examples.py checks their output)."""
    _install(session)
    for script in sorted(Path("examples").glob("*.py")):
        if script.name != "make_example_data.py":  # the data generator rewrites files
            session.run("python", str(script))


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html (Indonesian at the root, English in en/); warnings and failing doc code are errors.

    ``TPBIS_DOCS_LANG=en nox -s docs`` builds one language alone, for a quicker preview.
    """
    _install(session, "docs")
    # the site's code blocks run while it builds; the banner about MkDocs 2 is noise
    session.run(
        "mkdocs", "build", "--strict", "-f", "docs/mkdocs.yml", *session.posargs,
        env={"NO_MKDOCS_2_WARNING": "1"},
    )


@nox.session
def bench(session: nox.Session) -> None:
    """`tpbis score --format json` and parse + score at 10k/100k/1M rows vs pandas, the csv and arrow floors; sync vs the emulator."""
    _install(session, "bench")
    session.run("python", "benchmarks/run.py", *session.posargs)
    if not session.posargs:
        session.run("python", "benchmarks/sync_emulator.py")


LOCALE = "src/tpbis/locale"

# Adds the running Python's argparse msgids to the argparse catalogue without
# dropping those of other Python versions (pybabel update would mark them obsolete).
_ARGPARSE_MERGE = """
import argparse, sys
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po
path = sys.argv[1]
with open(path, "rb") as fp:
    catalog = read_po(fp, locale="id", domain="argparse")
new = []
for _, msgid, _, _ in extract_from_file("python", argparse.__file__):
    if msgid not in catalog:
        catalog.add(msgid, ("",) if isinstance(msgid, tuple) else "", flags=["python-format"] if "%" in str(msgid) else [])
        new.append(msgid)
with open(path, "wb") as fp:
    write_po(fp, catalog, width=0)
print(f"{len(new)} new argparse msgids to translate in {path}:", *new, sep="\\n  ")
"""


@nox.session
def messages(session: nox.Session) -> None:
    """Compile the message catalogues (.po -> .mo); `-- argparse` first adds this Python's argparse msgids."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "messages"))
    if "argparse" in session.posargs:
        session.run("python", "-c", _ARGPARSE_MERGE, f"{LOCALE}/id/LC_MESSAGES/argparse.po")
    for domain in ("tpbis", "argparse"):
        session.run("pybabel", "compile", "--statistics", "-d", LOCALE, "-D", domain)


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and wheel."""
    session.install("build")
    session.run("python", "-m", "build")
