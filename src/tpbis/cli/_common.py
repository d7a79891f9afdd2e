"""Helpers every ``tpbis`` command shares."""

from __future__ import annotations

from pathlib import Path

from tpbis.config import Config
from tpbis.domain.rubric import Rubric
from tpbis.rubrics import default_rubric, load_rubric

__all__ = ["rubric_from"]


def rubric_from(option: str | None, config: Config) -> Rubric:
    """The rubric named by ``--rubric``, else by ``tpbis.toml`` (relative to it), else the default."""
    if option:
        return load_rubric(option)
    if config.rubric:
        return load_rubric(Path(config.base_dir) / config.rubric)
    return default_rubric()
