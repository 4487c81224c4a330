"""nginx smoke tests: security headers, request ids, body limits, JSON error pages, and
exactly which FastCGI parameters nginx sends.

They need only nginx (scripts/test's render, which adds the test-only /_test/ locations),
the static pages and the pool's /livez. The /_test/ locations use the same FastCGI
snippets as the pool's locations but point at the FastCGI echo responder below, so the
parameters nginx sends (and the headers it lets through) are visible to the test.
"""

from __future__ import annotations

import json
import os
import re
import socketserver
import threading

import pytest
import requests

import fastcgi

BASE_URL = os.environ.get("ORGPLANE_URL", "http://127.0.0.1:18080").rstrip("/")
ECHO_PORT = int(os.environ.get("ORGPLANE_TEST_FCGI_ECHO_PORT", "18091"))

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'",
}
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
JSON_TYPE = "application/json; charset=utf-8"


def header_values(r: requests.Response, name: str) -> list[str]:
    """Every value of a response header, duplicates kept (requests would join them)."""
    return r.raw.headers.getlist(name)


def assert_security_headers(r: requests.Response):
    for name, value in SECURITY_HEADERS.items():
        assert header_values(r, name) == [value], f"{name} on {r.url} ({r.status_code})"
    ids = header_values(r, "X-Request-Id")
    assert len(ids) == 1 and REQUEST_ID.match(ids[0]), f"X-Request-Id on {r.url}: {ids}"


def get(path: str, **kw) -> requests.Response:
    kw.setdefault("timeout", 10)
    kw.setdefault("allow_redirects", False)
    return requests.get(BASE_URL + path, **kw)


# --------------------------------------------------------------------------- FastCGI echo

class _EchoHandler(socketserver.StreamRequestHandler):
    """One FastCGI request per connection (nginx: fastcgi_keep_conn off)."""

    def handle(self):
        try:
            rid, pairs, stdin = fastcgi.read_request(self.rfile)
        except EOFError:
            return
        env = dict(pairs)
        if env.get("DOCUMENT_URI") == "/_test/authz-sub":
            self.server.authz_calls.append({"params": pairs, "stdin": stdin.decode("latin-1")})
            head = "Status: 204 No Content\r\nX-Orgplane-User: echo-user\r\n\r\n"
            body = b""
        else:
            body = json.dumps({"params": pairs, "stdin": stdin.decode("latin-1")}).encode()
            # Headers a careless backend might send: nginx must drop/replace them.
            head = (
                "Status: 200 OK\r\nContent-Type: application/json\r\n"
                "X-Request-Id: chosen-by-backend\r\nX-Frame-Options: SAMEORIGIN\r\n"
                "X-Content-Type-Options: bogus\r\nX-Powered-By: echo\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
        self.wfile.write(fastcgi.response_records(head.encode() + body, rid))


class _EchoServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


@pytest.fixture(scope="module")
def fcgi_echo():
    try:
        server = _EchoServer(("127.0.0.1", ECHO_PORT), _EchoHandler)
    except OSError as e:
        pytest.fail(f"FastCGI echo: cannot listen on 127.0.0.1:{ECHO_PORT}: {e}")
    server.authz_calls = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def names(pairs) -> list[str]:
    return [k for k, _ in pairs]


# --------------------------------------------------------------------------- tests


def test_static_page_and_404_carry_security_headers():
    r = get("/")
    assert r.status_code == 200
    assert "text/html" in r.headers["Content-Type"]
    assert_security_headers(r)

    r = get("/no-such-page-%s.html" % os.getpid())
    assert r.status_code == 404
    assert_security_headers(r)


def test_request_ids_are_unique_and_client_cannot_choose_them():
    ids = {get("/").headers["X-Request-Id"] for _ in range(5)}
    assert len(ids) == 5

    forged = "f" * 32
    r = get("/livez", headers={"X-Request-Id": forged})
    assert r.status_code == 200, r.text
    assert_security_headers(r)
    assert header_values(r, "X-Request-Id") != [forged]


def test_oversized_api_body_is_json_413():
    body = b'{"email":"a@example.test","password":"' + b"x" * (100 * 1024) + b'"}'
    r = requests.post(BASE_URL + "/api/auth/login", data=body, timeout=10,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.json() == {"error": {"code": "payload_too_large",
                                  "message": "The request body is larger than the limit."}}
    assert_security_headers(r)


def test_nginx_asserts_real_ip_and_request_id_to_the_pool(fcgi_echo):
    r = requests.post(
        BASE_URL + "/_test/fcgi-echo?a=1",
        json={"hello": "world"},
        headers={"X-Request-Id": "forged-id", "X-Real-IP": "203.0.113.9",
                 "Proxy": "http://evil.example", "X-Custom": "kept"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    pairs = r.json()["params"]
    env = dict(pairs)
    # Each parameter exactly once (a duplicate would be resolved differently by
    # different FastCGI libraries).
    assert len(names(pairs)) == len(set(names(pairs))), sorted(names(pairs))
    assert env["HTTP_X_REAL_IP"] == "127.0.0.1"
    assert env["HTTP_X_REQUEST_ID"] == r.headers["X-Request-Id"]
    assert REQUEST_ID.match(env["HTTP_X_REQUEST_ID"])
    assert "HTTP_PROXY" not in env  # httpoxy: an empty HTTP_* param is not sent at all
    assert env["HTTP_X_CUSTOM"] == "kept"
    assert env["REQUEST_METHOD"] == "POST"
    assert env["DOCUMENT_URI"] == "/_test/fcgi-echo"
    assert env["QUERY_STRING"] == "a=1"
    assert env["CONTENT_LENGTH"] == str(len(r.request.body))
    assert json.loads(r.json()["stdin"]) == {"hello": "world"}
    # The backend's own X-Request-Id / security headers are replaced by nginx's.
    assert_security_headers(r)
    assert header_values(r, "X-Powered-By") == []


def test_authz_subrequest_gets_original_method_and_uri_but_no_body(fcgi_echo):
    fcgi_echo.authz_calls.clear()
    r = requests.post(
        BASE_URL + "/_test/authz-echo/banks/b1?x=1",
        data=b'{"secret":"body"}',
        headers={"Content-Type": "application/json", "X-Original-URI": "/forged",
                 "Authorization": "Bearer abc", "X-Org-Id": "org-1"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    assert len(fcgi_echo.authz_calls) == 1
    call = fcgi_echo.authz_calls[0]
    pairs, env = call["params"], dict(call["params"])
    assert len(names(pairs)) == len(set(names(pairs))), sorted(names(pairs))
    assert env["DOCUMENT_URI"] == "/_test/authz-sub"
    assert env["REQUEST_METHOD"] == "GET"
    assert env["CONTENT_LENGTH"] == ""
    assert call["stdin"] == ""
    assert env["HTTP_X_ORIGINAL_METHOD"] == "POST"
    assert env["HTTP_X_ORIGINAL_URI"] == "/_test/authz-echo/banks/b1?x=1"
    assert env["HTTP_AUTHORIZATION"] == "Bearer abc"
    assert env["HTTP_X_ORG_ID"] == "org-1"
    assert env["HTTP_X_REAL_IP"] == "127.0.0.1"
    # The main request then reaches its backend with the identity from the decision.
    main = dict(r.json()["params"])
    assert main["HTTP_X_TEST_ORGPLANE_USER"] == "echo-user"
    assert main["HTTP_X_REQUEST_ID"] == env["HTTP_X_REQUEST_ID"] == r.headers["X-Request-Id"]


def test_authz_is_not_reachable_from_outside():
    r = get("/_authz", headers={"Authorization": "Bearer x"})
    assert r.status_code == 404
    assert_security_headers(r)


def test_unreachable_pool_is_json_503():
    r = get("/_test/fcgi-down")
    assert r.status_code == 503
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.json()["error"]["code"] == "unavailable"
    assert_security_headers(r)


def test_protected_upstream_example(make_api, new_user, upstream):
    """nginx/examples/protected-upstream.conf (rendered under /protected/ in the test
    config, proxying to the test upstream): auth_request /_authz in front of any upstream."""
    r = make_api().request("GET", "/protected/banks/b1/memories")
    assert r.status_code == 401
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.json()["error"]["code"] == "unauthenticated"
    assert_security_headers(r)

    user = new_user()
    org_id = user["organization"]["id"]
    upstream.clear()
    r = user["api"].request("GET", "/protected/banks/b1/memories?q=1",
                            headers={"X-Org-Id": org_id, "X-Orgplane-User": "forged",
                                     "X-Orgplane-Role": "owner-forged"})
    assert r.status_code == 200, r.text
    assert_security_headers(r)
    seen = upstream.last()
    assert seen["path"] == "/banks/b1/memories" and seen["query"] == "q=1"
    h = seen["headers"]
    assert h["x-orgplane-user"] == user["user"]["id"]
    assert h["x-orgplane-org"] == org_id
    assert h["x-orgplane-role"] == "owner"
    assert h["x-request-id"] == r.headers["X-Request-Id"]
    # Exactly one copy of each identity header: the client's forged ones are replaced.
    names = [k for k, _ in seen["header_list"]]
    assert names.count("x-orgplane-user") == 1 and names.count("x-orgplane-role") == 1
