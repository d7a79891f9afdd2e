"""Development sessions for tpbis: ``nox -s tests``, ``nox -s demo`` and friends."""

from __future__ import annotations

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
    """Run the test suite (offline; Google is emulated on 127.0.0.1)."""
    _install(session, "test")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff: style, bugs and the domain-purity import ban."""
    _install(session, "lint")
    session.run("ruff", "check", "src", "tests", "benchmarks", "examples", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Mypy in strict mode over the package."""
    _install(session, "typecheck")
    session.run("mypy")


@nox.session
def demo(session: nox.Session) -> None:
    """The main job on the bundled example workbook, no Google account needed."""
    _install(session)
    session.run("tpbis", "score", EXAMPLE_WORKBOOK, "--period", "2024-09", *session.posargs)


@nox.session
def examples(session: nox.Session) -> None:
    """Run every example script offline (tests/test_examples.py checks their output)."""
    _install(session)
    for script in sorted(Path("examples").glob("*.py")):
        if script.name != "make_example_data.py":  # the data generator rewrites files
            session.run("python", str(script))


@nox.session
def bench(session: nox.Session) -> None:
    """Parse + score 10k/100k/1M generated rows against a csv floor and a pandas script."""
    _install(session, "bench")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and wheel."""
    session.install("build")
    session.run("python", "-m", "build")
