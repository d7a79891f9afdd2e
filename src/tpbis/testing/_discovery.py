"""Validate JSON bodies against Google's API discovery documents.

A discovery document lists every method with its request and response schema
(``$ref`` into ``schemas``). :class:`DiscoveryValidator` checks that a body uses
only known property names, with the right JSON types and enum values, so the
emulator (and code talking to it) cannot drift from what Google accepts and
returns. The documents ship with ``google-api-python-client``
(``googleapiclient/discovery_cache/documents``).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "DiscoveryValidator",
    "Violation",
    "discovery_documents_dir",
    "google_validator",
    "invalid_argument",
    "validate_log",
]


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
        problems: list[Violation] = []
        self._check(api, {"$ref": schema_name}, value, schema_name, problems)
        return [str(p) for p in problems]

    def request_violations(self, method_id: str, body: Any, query: Mapping[str, list[str]] | None = None,
                           ) -> list[Violation]:
        """What Google would refuse in a request with 400 INVALID_ARGUMENT: unknown body fields, wrong JSON
        types, invalid enum values (body and query parameters). Unknown query parameters are not checked."""
        api, method = self._method(method_id)
        problems: list[Violation] = []
        for name, spec in (method.get("parameters") or {}).items():
            enum = spec.get("enum")
            for given in (query or {}).get(name, []):
                if enum is not None and given not in enum:
                    problems.append(Violation(_snake(name), f"{given!r} is not one of {enum}", "enum", given,
                                              f"type.googleapis.com/{_PROTO_PACKAGE.get(api, '')}{_pascal(name)}"))
        ref = (method.get("request") or {}).get("$ref")
        if ref is not None and body is not None:
            root = "data" if method_id in _BODY_IN_DATA else ""
            self._check(api, {"$ref": ref}, body, root, problems)
        return problems

    def _check(self, api: str, schema: Mapping[str, Any], value: Any, path: str, problems: list[Violation],
               name: str = "") -> None:
        if "$ref" in schema:
            ref = schema["$ref"]
            resolved = self._schemas[api].get(ref)
            if resolved is None:
                problems.append(Violation(path, f"unknown schema {ref}", "schema", value, ref))
                return
            schema = resolved
        if value is None:  # Google treats an explicit null like an absent field
            return
        kind = schema.get("type")
        if kind == "any":
            return
        proto = f"type.googleapis.com/{_PROTO_PACKAGE.get(api, '')}{schema.get('id', _pascal(name))}"
        if kind == "object" or "properties" in schema:
            if not isinstance(value, dict):
                problems.append(Violation(path, f"expected object, got {type(value).__name__}", "type", value, proto))
                return
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                where = f"{path}.{key}" if path else key
                if key in props:
                    self._check(api, props[key], item, where, problems, key)
                elif extra is not None:
                    self._check(api, extra, item, where, problems, key)
                else:
                    problems.append(Violation(where, "unknown property", "unknown", key, path))
            return
        if kind == "array":
            if not isinstance(value, list):
                problems.append(Violation(path, f"expected array, got {type(value).__name__}", "type", value,
                                          "type.googleapis.com/google.protobuf.ListValue"))
                return
            items = schema.get("items", {})
            if items.get("type") == "any":
                return
            for i, item in enumerate(value):
                self._check(api, items, item, f"{path}[{i}]", problems, name)
            return
        if kind == "string":
            fmt = schema.get("format")
            if fmt in ("int64", "uint64") and isinstance(value, int) and not isinstance(value, bool):
                return
            if not isinstance(value, str):
                problems.append(Violation(path, f"expected string, got {type(value).__name__}", "type", value,
                                          "TYPE_STRING"))
                return
            enum = schema.get("enum")
            if enum is not None and value not in enum:
                problems.append(Violation(path, f"{value!r} is not one of {enum}", "enum", value,
                                          f"type.googleapis.com/{_PROTO_PACKAGE.get(api, '')}{_pascal(name)}"))
            return
        if kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(Violation(path, f"expected integer, got {type(value).__name__}", "type", value,
                                          "TYPE_INT32"))
            return
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(Violation(path, f"expected number, got {type(value).__name__}", "type", value,
                                          "TYPE_DOUBLE"))
            return
        if kind == "boolean":
            if not isinstance(value, bool):
                problems.append(Violation(path, f"expected boolean, got {type(value).__name__}", "type", value,
                                          "TYPE_BOOL"))
            return


#: Methods whose JSON body is one field of the RPC request, named ``data`` in Google's error paths
#: (recorded: ``Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), "A29"``).
_BODY_IN_DATA = frozenset({"sheets.spreadsheets.values.update", "sheets.spreadsheets.values.append"})
_PROTO_PACKAGE = {"sheets": "google.apps.sheets.v4.", "forms": "google.apps.forms.v1.", "drive": "google.apps.drive.v3."}


def _snake(path: str) -> str:
    """``requests[0].addSheet.properties`` → ``requests[0].add_sheet.properties``, as Google's errors name fields."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), path)


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)[:200]


@dataclass(frozen=True)
class Violation:
    """One thing Google refuses in a request body, with the message Google words for it.

    Args:
        path: where, in the body's camelCase JSON names (``data.values[0]``).
        problem: what is wrong, for test output.
        kind: ``unknown`` (a field the schema lacks), ``type`` (wrong JSON type), ``enum``, ``schema``.
        value: the offending value (for ``unknown``: the field name).
        detail: the proto type named in Google's message (for ``unknown``: the parent path).
    """

    path: str
    problem: str
    kind: str
    value: Any
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"

    @property
    def field(self) -> str:
        """The field path as Google's ``fieldViolations`` name it (snake_case)."""
        return _snake(self.detail if self.kind == "unknown" else self.path)

    def google_message(self) -> str:
        """Google's wording (recorded shapes: ``Invalid value at 'data.values' (…ListValue), "A29"``,
        ``Invalid JSON payload received. Unknown name "x" at 'requests[0]': Cannot find field.``)."""
        if self.kind == "unknown":
            at = f" at '{_snake(self.detail)}'" if self.detail else ""
            return f'Invalid JSON payload received. Unknown name "{self.value}"{at}: Cannot find field.'
        return f"Invalid value at '{_snake(self.path)}' ({self.detail}), {_literal(self.value)}"


def invalid_argument(violations: Sequence[Violation]) -> dict[str, Any]:
    """Google's 400 INVALID_ARGUMENT body for these violations (message lines joined, one fieldViolation each)."""
    message = "\n".join(v.google_message() for v in violations)
    return {"error": {
        "code": 400,
        "message": message,
        "status": "INVALID_ARGUMENT",
        "details": [{
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": v.field, "description": v.google_message()} for v in violations],
        }],
    }}


@functools.cache
def google_validator() -> DiscoveryValidator | None:
    """The validator for the documents shipped with google-api-python-client, loaded once; ``None`` without it."""
    if discovery_documents_dir() is None:
        return None
    return DiscoveryValidator.google()


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
