"""The ``tpbis`` command."""

from tpbis.cli.main import main

__all__ = ["main"]
