"""MkDocs hooks: run executed code blocks from the repository root; publish docs/_static.

Blocks on the site read ``examples/kepri-2024.xlsx`` the way a reader would
type it, so the build runs from the root whatever the caller's directory.
Screenshots live in ``docs/_static/`` (outside the pages folder); they are
served as ``_static/NAME``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "docs" / "_static"


def on_config(config: Any) -> Any:
    """Change to the repository root and fix the terminal width argparse sees."""
    os.chdir(ROOT)
    os.environ["COLUMNS"] = "100"
    os.environ["NO_COLOR"] = "1"
    return config


def on_files(files: Files, config: Any) -> Files:
    """Add every file of docs/_static to the site under _static/."""
    for path in sorted(STATIC.glob("*")):
        if path.is_file():
            files.append(File(f"_static/{path.name}", str(STATIC.parent), config["site_dir"],
                              config["use_directory_urls"]))
    return files
