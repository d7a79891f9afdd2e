"""Rubric and period names in the reader's language: data that comes with both languages."""

from __future__ import annotations

from typing import Protocol

from tpbis.message import Message

__all__ = ["label", "unit"]


class _Labelled(Protocol):
    @property
    def label(self) -> str: ...

    @property
    def label_en(self) -> str: ...


class _Measured(Protocol):
    @property
    def unit(self) -> str: ...

    @property
    def unit_en(self) -> str: ...


def label(item: _Labelled) -> Message:
    """An item's ``label`` and ``label_en`` as one message."""
    return Message.literal(item.label, item.label_en)


def unit(item: _Measured) -> Message:
    """An indicator's or criterion's ``unit`` and ``unit_en`` as one message."""
    return Message.literal(item.unit, item.unit_en)
