"""Validate JSON bodies against Google's API discovery documents.

A discovery document lists every method with its request and response schema
(``$ref`` into ``schemas``). :class:`DiscoveryValidator` checks that a body uses
only known property names, with the right JSON types and enum values, so the
emulator (and code talking to it) cannot drift from what Google accepts and
returns. The documents ship with ``google-api-python-client``
(``googleapiclient/discovery_cache/documents``).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

__all__ = ["DiscoveryValidator", "discovery_documents_dir", "validate_log"]


def discovery_documents_dir() -> Path | None:
    """Where google-api-python-client keeps its discovery documents, if it is installed."""
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "discovery_cache" / "documents"
    return path if path.is_dir() else None


def _methods(resource: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    yield from resource.get("methods", {}).values()
    for sub in resource.get("resources", {}).values():
        yield from _methods(sub)


class DiscoveryValidator:
    """Validators for every method of the given discovery documents."""

    def __init__(self, documents: Iterable[Mapping[str, Any]]) -> None:
        self._schemas: dict[str, dict[str, dict[str, Any]]] = {}
        self._methods: dict[str, tuple[str, dict[str, Any]]] = {}
        for doc in documents:
            name = str(doc["name"])
            self._schemas[name] = dict(doc.get("schemas", {}))
            for method in _methods(doc):
                self._methods[str(method["id"])] = (name, method)

    @classmethod
    def from_files(cls, *paths: Path) -> DiscoveryValidator:
        """Load discovery documents from JSON files."""
        return cls(json.loads(Path(p).read_text(encoding="utf-8")) for p in paths)

    @classmethod
    def google(cls, names: Iterable[str] = ("sheets.v4", "drive.v3", "forms.v1")) -> DiscoveryValidator:
        """Load the documents shipped with google-api-python-client."""
        folder = discovery_documents_dir()
        if folder is None:
            raise FileNotFoundError("google-api-python-client is not installed; its discovery documents are needed")
        return cls.from_files(*(folder / f"{name}.json" for name in names))

    @property
    def method_ids(self) -> list[str]:
        """Every known method id, e.g. ``sheets.spreadsheets.values.append``."""
        return sorted(self._methods)

    def _method(self, method_id: str) -> tuple[str, dict[str, Any]]:
        try:
            return self._methods[method_id]
        except KeyError:
            raise KeyError(f"unknown API method {method_id!r}") from None

    def validate_request(self, method_id: str, body: Any) -> list[str]:
        """Problems with a request body (empty list: valid)."""
        api, method = self._method(method_id)
        ref = (method.get("request") or {}).get("$ref")
        if ref is None:
            return [] if body in (None, {}) else [f"{method_id}: takes no request body"]
        return self.validate(api, ref, body)

    def validate_response(self, method_id: str, body: Any) -> list[str]:
        """Problems with a successful response body (empty list: valid)."""
        api, method = self._method(method_id)
        ref = (method.get("response") or {}).get("$ref")
        if ref is None:
            return [] if body in (None, {}) else [f"{method_id}: returns no body"]
        return self.validate(api, ref, body)

    @staticmethod
    def validate_error(body: Any) -> list[str]:
        """Problems with a Google error body ``{"error": {"code", "message", "status"?, "errors"?}}``."""
        if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
            return ["error body must be {'error': {...}}"]
        err = body["error"]
        problems = [f"error.{k}: unknown property" for k in err if k not in ("code", "message", "status", "errors", "details")]
        if not isinstance(err.get("code"), int):
            problems.append("error.code: must be an integer")
        if not isinstance(err.get("message"), str):
            problems.append("error.message: must be a string")
        if "status" in err and not isinstance(err["status"], str):
            problems.append("error.status: must be a string")
        return problems

    def validate(self, api: str, schema_name: str, value: Any) -> list[str]:
        """Problems with ``value`` as an instance of a named schema."""
        problems: list[str] = []
        self._check(api, {"$ref": schema_name}, value, schema_name, problems)
        return problems

    def _check(self, api: str, schema: Mapping[str, Any], value: Any, path: str, problems: list[str]) -> None:
        if "$ref" in schema:
            ref = schema["$ref"]
            resolved = self._schemas[api].get(ref)
            if resolved is None:
                problems.append(f"{path}: unknown schema {ref}")
                return
            schema = resolved
        if value is None:  # Google treats an explicit null like an absent field
            return
        kind = schema.get("type")
        if kind == "any":
            return
        if kind == "object" or "properties" in schema:
            if not isinstance(value, dict):
                problems.append(f"{path}: expected object, got {type(value).__name__}")
                return
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                if key in props:
                    self._check(api, props[key], item, f"{path}.{key}", problems)
                elif extra is not None:
                    self._check(api, extra, item, f"{path}.{key}", problems)
                else:
                    problems.append(f"{path}.{key}: unknown property")
            return
        if kind == "array":
            if not isinstance(value, list):
                problems.append(f"{path}: expected array, got {type(value).__name__}")
                return
            items = schema.get("items", {})
            for i, item in enumerate(value):
                self._check(api, items, item, f"{path}[{i}]", problems)
            return
        if kind == "string":
            fmt = schema.get("format")
            if fmt in ("int64", "uint64") and isinstance(value, int) and not isinstance(value, bool):
                return
            if not isinstance(value, str):
                problems.append(f"{path}: expected string, got {type(value).__name__}")
                return
            enum = schema.get("enum")
            if enum is not None and value not in enum:
                problems.append(f"{path}: {value!r} is not one of {enum}")
            return
        if kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"{path}: expected integer, got {type(value).__name__}")
            return
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"{path}: expected number, got {type(value).__name__}")
            return
        if kind == "boolean":
            if not isinstance(value, bool):
                problems.append(f"{path}: expected boolean, got {type(value).__name__}")
            return


class _Logged(Protocol):
    method: str
    path: str
    body: Any
    status: int
    response: Any
    api_method: str | None
    fault: str | None


def validate_log(validator: DiscoveryValidator, log: Iterable[_Logged]) -> list[str]:
    """Every request and response body in an emulator log that does not validate (OAuth and faults skipped)."""
    problems: list[str] = []
    for i, entry in enumerate(log):
        if entry.fault is not None or entry.api_method is None or entry.api_method.startswith("oauth2."):
            continue
        where = f"#{i} {entry.method} {entry.path}"
        problems += [f"{where} request: {p}" for p in validator.validate_request(entry.api_method, entry.body)]
        if 200 <= entry.status < 300:
            problems += [f"{where} response: {p}" for p in validator.validate_response(entry.api_method, entry.response)]
        else:
            problems += [f"{where} error: {p}" for p in validator.validate_error(entry.response)]
    return problems
