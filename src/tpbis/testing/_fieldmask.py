"""Google field masks: ``a.b,c(d,e)``, ``a/b/c`` and ``*``.

Used twice, as Google does: to project a response (``?fields=``) and to say
which parts of a cell or sheet an update request touches (``"fields": ...``).
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["FieldMaskError", "Mask", "apply_update", "parse_mask", "project"]

#: A parsed mask: field name → sub-mask, or ``None`` for "this whole field".
Mask = dict[str, "Mask | None"]


class FieldMaskError(ValueError):
    """The mask text cannot be parsed."""


def _merge(into: Mask, path: list[str], sub: Mask | None) -> None:
    node = into
    for i, name in enumerate(path):
        last = i == len(path) - 1
        if last:
            if sub is None or node.get(name, {}) is None:
                node[name] = None
            else:
                existing = node.get(name)
                target: Mask = existing if isinstance(existing, dict) else {}
                for key, value in sub.items():
                    _merge(target, [key], value)
                node[name] = target
            return
        child = node.get(name, {})
        if child is None:
            return  # already the whole field
        node[name] = child
        node = child


def parse_mask(text: str) -> Mask:
    """Parse a field mask; whitespace is ignored."""
    text = "".join(text.split())
    mask, pos = _parse_list(text, 0)
    if pos != len(text):
        raise FieldMaskError(text)
    return mask


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while pos < len(text):
        path: list[str] = []
        name = ""
        sub: Mask | None = None
        while pos < len(text) and text[pos] not in ",)":
            ch = text[pos]
            if ch in "./":
                if not name:
                    raise FieldMaskError(text)
                path.append(name)
                name = ""
                pos += 1
            elif ch == "(":
                sub, pos = _parse_list(text, pos + 1)
                if pos >= len(text) or text[pos] != ")":
                    raise FieldMaskError(text)
                pos += 1
            else:
                name += ch
                pos += 1
        if name:
            path.append(name)
        if not path:
            raise FieldMaskError(text)
        _merge(mask, path, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return mask, pos


def project(value: Any, mask: Mask | None) -> Any:
    """Keep only the masked parts of a response value (lists are projected element-wise)."""
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [project(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, sub in mask.items():
        if key in value:
            out[key] = project(value[key], sub)
    return out


def apply_update(target: dict[str, Any], source: dict[str, Any], mask: Mask | None) -> None:
    """Copy masked fields from ``source`` into ``target``; masked fields absent from source are cleared."""
    if mask is None or "*" in mask:
        target.clear()
        target.update(copy.deepcopy(source))
        return
    for key, sub in mask.items():
        if sub is None:
            if key in source and source[key] is not None:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
            continue
        src = source.get(key)
        child = target.get(key)
        if not isinstance(child, dict):
            child = {}
        apply_update(child, src if isinstance(src, dict) else {}, sub)
        if child:
            target[key] = child
        else:
            target.pop(key, None)
