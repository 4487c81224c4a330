"""The pool's FastCGI transport spoken to directly, with what nginx would never pass on:
a body over the pool's own 2 MiB limit is refused before it is read, with the application's
error answer (the catalogue's `payload_too_large`, not a body the transport spells)."""

from __future__ import annotations

import json
import os

import pytest

import fastcgi

SOCKET = os.environ.get("ORGPLANE_TEST_FCGI_SOCKET")
pytestmark = pytest.mark.skipif(not SOCKET, reason="needs ORGPLANE_TEST_FCGI_SOCKET (scripts/test)")


def test_a_body_over_the_pool_limit_is_the_catalogue_413_with_the_request_id():
    status, headers, body = fastcgi.exchange(
        SOCKET, "/api/auth/login", {"X-Request-Id": "0123456789abcdef0123456789abcdef"},
        params={"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(3 << 20)})
    assert status == 413
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["x-request-id"] == "0123456789abcdef0123456789abcdef"
    assert json.loads(body) == {"error": {"code": "payload_too_large",
                                          "message": "The request body is larger than the limit."}}


def test_the_same_socket_answers_an_ordinary_request():
    status, _, body = fastcgi.exchange(SOCKET, "/livez", {})
    assert (status, json.loads(body)) == (200, {"status": "ok"})
