"""Start-up: ``tpbis --help`` loads no command module, and the stand-in parsers say what the real ones say."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tpbis.cli.main  # noqa: F401 (the module, not the function tpbis.cli re-exports)
from tpbis.i18n import set_language

cli_main = sys.modules["tpbis.cli.main"]


def test_help_imports_no_command_and_no_scoring() -> None:
    code = (
        "import sys\n"
        "from tpbis.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('tpbis.cli.', "
        "'tpbis.domain.plan', 'tpbis.render', 'tpbis.sources', 'tpbis.adapters', 'openpyxl')))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1].split()
    assert sorted(loaded) == ["tpbis.cli._common", "tpbis.cli.main"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_stand_in_commands_show_the_same_help_as_the_registered_ones(lang: str) -> None:
    set_language(lang)
    try:
        full = cli_main._parser().format_help()
        lazy = cli_main._parser(["--help"]).format_help()
    finally:
        set_language("id")
    assert lazy == full
    for name, _, _ in cli_main.COMMANDS:
        assert f"    {name} " in full
