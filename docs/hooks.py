"""MkDocs hooks: run every executed code block from the repository root.

Blocks on the site read ``examples/kepri-2024.xlsx`` the way a reader would
type it, so the build runs from the root whatever the caller's directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def on_config(config: Any) -> Any:
    """Change to the repository root and fix the terminal width argparse sees."""
    os.chdir(ROOT)
    os.environ["COLUMNS"] = "100"
    os.environ["NO_COLOR"] = "1"
    return config
