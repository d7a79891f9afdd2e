#!/usr/bin/env python3
"""Bootstrap for a fresh machine: ``python3 dev.py SESSION [ARGS...]``.

Creates ``.venv-dev`` with nox (once), then runs ``nox -s SESSION -- ARGS``.
Needs only Python 3.11+ and access to PyPI. Sessions: see ``noxfile.py``
(``demo``, ``tests``, ``lint``, ``typecheck``, ``bench``, ``build``, ``examples``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv-dev"
NOX_REQUIREMENT = "nox>=2024.10.9"


def _bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return VENV / folder / name


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - the bootstrap may run on any python3
        sys.stderr.write("tpbis needs Python 3.11 or newer.\n")
        return 2
    if not argv or argv[0] in {"-h", "--help"}:
        sys.stdout.write(__doc__ or "")
        return 0 if argv else 2
    session, *rest = argv
    if not _bin("nox").exists():
        venv.create(VENV, with_pip=True)
        subprocess.run(
            [str(_bin("python")), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", NOX_REQUIREMENT],
            check=True,
        )
    command = [str(_bin("nox")), "-s", session]
    if rest:
        command += ["--", *rest]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
