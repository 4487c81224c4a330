"""Checks HTTP answers against the contract, docs/openapi.yaml.

conftest.py wraps requests' `Session.send`, so every answer the end-to-end suite receives
from the stack under test (ORGPLANE_URL) passes through `Contract.check`: the request's
path is matched to a path template, its method to an operation, the status to a documented
response, and the JSON body is validated against that response's schema (JSON Schema
2020-12, as OpenAPI 3.1 uses it). A mismatch raises AssertionError naming the request.

Out of scope: answers outside /api (pages, /protected/, test-only locations) other than
/livez and /readyz, nginx's own HTML error pages, HEAD bodies and streamed bodies.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import referencing
import yaml
from referencing.jsonschema import DRAFT202012

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
BASE_URI = "urn:orgplane:openapi"


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class Contract:
    def __init__(self, path: Path = DOCUMENT):
        self.document = yaml.safe_load(path.read_text())
        resource = referencing.Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry = referencing.Registry().with_resource(BASE_URI, resource)
        self.templates = []  # (segments, greedy, template)
        for template, item in self.document["paths"].items():
            segments = template.strip("/").split("/")
            greedy = any(p.get("x-orgplane-greedy") for p in item.get("parameters", []) if "$ref" not in p)
            self.templates.append((segments, greedy, template))
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self._lock = threading.Lock()
        self.checked = 0
        self.operations_seen: set[str] = set()
        self.mismatches: list[str] = []

    # -- lookups

    def match(self, path: str) -> str | None:
        """The path template for a request path; literal segments win over parameters."""
        parts = path.strip("/").split("/")
        best, best_score = None, -1
        for segments, greedy, template in self.templates:
            if greedy:
                if len(parts) < len(segments):
                    continue
                head = parts[: len(segments) - 1]
                if not parts[len(segments) - 1]:
                    continue
            elif len(parts) != len(segments):
                continue
            else:
                head = parts
            score = 0
            for seg, part in zip(segments, head):
                if seg.startswith("{"):
                    if not part:
                        break
                elif seg == part:
                    score += 1
                else:
                    break
            else:
                if score > best_score:
                    best, best_score = template, score
        return best

    def _deref(self, node: dict) -> tuple[dict, str | None]:
        pointer = None
        while "$ref" in node:
            pointer = node["$ref"]
            node = self.registry.resolver(BASE_URI).lookup(BASE_URI + pointer).contents
        return node, pointer

    def _validator(self, pointer: str):
        with self._lock:
            v = self._validators.get(pointer)
            if v is None:
                v = jsonschema.Draft202012Validator({"$ref": BASE_URI + pointer}, registry=self.registry)
                self._validators[pointer] = v
            return v

    # -- the check

    def problem(self, method: str, path: str, status: int, content_type: str, body: bytes) -> str | None:
        """Why this answer does not conform (None when it does)."""
        template = self.match(path)
        method = method.lower()
        if template is None:
            if status == 404:
                return self._body_problem("/components/responses/NotFound", status, content_type, body)
            return f"no path template in the document matches {path}"
        operation = self.document["paths"][template].get(method)
        if operation is None:
            if status == 405:
                return self._body_problem("/components/responses/MethodNotAllowed", status, content_type, body)
            return f"{method.upper()} is not documented for {template} (and the answer is not 405)"
        self.operations_seen.add(f"{method.upper()} {template}")
        code = str(status)
        responses = operation["responses"]
        if code in responses:
            key = code
        elif "default" in responses:
            key = "default"
        else:
            return f"status {status} is not documented for {method.upper()} {template} (documented: {', '.join(responses)})"
        pointer = f"/paths/{_escape(template)}/{method}/responses/{key}"
        if method == "head":
            return None
        return self._body_problem(pointer, status, content_type, body)

    def _body_problem(self, pointer: str, status: int, content_type: str, body: bytes) -> str | None:
        response, ref = self._deref(self.registry.resolver(BASE_URI).lookup(BASE_URI + "#" + pointer).contents)
        if ref:
            pointer = ref.lstrip("#")
        content = response.get("content")
        if not content:
            if body:
                return f"status {status} is documented without a body, got {len(body)} bytes: {body[:200]!r}"
            return None
        if "*/*" in content:
            return None
        media = content_type.split(";")[0].strip().lower()
        if media not in content:
            return f"Content-Type {content_type!r} is not documented (documented: {', '.join(content)})"
        try:
            instance = json.loads(body)
        except ValueError:
            return f"the body is not JSON: {body[:200]!r}"
        validator = self._validator(f"#{pointer}/content/{_escape(media)}/schema")
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(the body)"
            return f"{where}: {error.message} (schema #{pointer})"
        return None

    def check(self, method: str, url: str, status: int, content_type: str, body: bytes, request_id: str = "") -> None:
        path = unquote(urlsplit(url).path)
        with self._lock:
            self.checked += 1
        reason = self.problem(method, path, status, content_type, body)
        if reason:
            message = f"{method} {url} -> {status} (X-Request-Id {request_id or '-'}) does not match docs/openapi.yaml: {reason}"
            with self._lock:
                self.mismatches.append(message)
            raise AssertionError(message)


def in_scope(path: str, content_type: str) -> bool:
    """Answers the contract describes: the API and the two health routes, not nginx's HTML pages."""
    if content_type.lower().startswith("text/html"):
        return False
    return path.startswith("/api/") or path in ("/livez", "/readyz")


FUZZ_SUMMARY: list[str] = []
"""What test_openapi.py's schemathesis run reported, for the terminal summary."""

CONTRACT = Contract()
"""The one instance the suite's requests hook (conftest.py) fills in."""
