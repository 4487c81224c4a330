"""Fixtures for the end-to-end tests: real nginx + the FastCGI pool + PostgreSQL, all
started by scripts/test (run the tests with `scripts/test`, not bare pytest).

Environment (exported by scripts/test; defaults match it):
  ORGPLANE_URL                 nginx, e.g. http://127.0.0.1:18080
  ORGPLANE_TEST_UPSTREAM_PORT  port of the test upstream below (18090): the pool's
                               DATAPLANE_URL and nginx's /protected/ proxy target
  ORGPLANE_TEST_PG_CTL         script taking stop|start|restart|status for the test
                               PostgreSQL (scripts/pg-ctl-test), see `pg_ctl`
  ORGPLANE_TEST_ADMIN_URL      libpq URI of the superuser (postgres) on the test cluster
  ORGPLANE_TEST_DATABASE_URL   libpq URI of the service role (orgplane_service)
  ORGPLANE_TEST_JWT_SECRET     the pool's JWT_SECRET (to forge tokens in tests)
  ORGPLANE_TEST_BIN            the orgplane binary under test (tests that run a private pool)
  ORGPLANE_TEST_NGINX_USER     the user nginx's workers run as (tests that run a private nginx)
  ORGPLANE_TEST_FCGI_SOCKET    the pool's unix socket (tests that speak FastCGI to it, fastcgi.py)
  ORGPLANE_TEST_PGBOUNCER      "1" in the e2e-pgbouncer run (the pool's DATABASE_URL goes through
                               PgBouncer); ORGPLANE_TEST_PGBOUNCER_DIR its directory (config, log),
                               ORGPLANE_TEST_PGBOUNCER_CTL scripts/pgbouncer-test (stop|start|restart)

Fixtures:
  base_url        the nginx URL
  api             an Api client (requests.Session wrapper, own cookie jar)
  make_api        factory for more Api clients (e.g. two browsers)

Client IPs: nginx passes the pool X-Real-IP = the TCP peer address, and the pool rate-
limits signups/logins per IP (defaults: 10 signups / 30 logins per 5 minutes). So that
the suite does not trip over its own limits, every Api client connects from its own
loopback address (127.1.x.y; all of 127.0.0.0/8 reaches nginx on 127.0.0.1). A test about
rate limits uses make_api(source_ip="127.9.9.9") for each client that must share a bucket.
  new_user        factory: signs up a fresh user (unique email per call)
  upstream        the recording HTTP test upstream (session-wide, always running)
  pg_ctl          pg_ctl("stop"|"start"|"restart") on the test cluster
"""

from __future__ import annotations

import itertools
import os
import subprocess
import threading
import uuid
from http.server import ThreadingHTTPServer

import pytest
import requests
from requests.adapters import HTTPAdapter

import openapi_check

BASE_URL = os.environ.get("ORGPLANE_URL", "http://127.0.0.1:18080").rstrip("/")
UPSTREAM_PORT = int(os.environ.get("ORGPLANE_TEST_UPSTREAM_PORT", "18090"))
DEFAULT_PASSWORD = "correct horse battery staple"


# --------------------------------------------------------------------------- the contract

# Every answer the suite receives from the stack under test is checked against
# docs/openapi.yaml (openapi_check.py): requests' Session.send is wrapped once, so Api
# clients and bare requests.get/post calls alike are covered. A mismatch fails the
# request that saw it (AssertionError naming method, URL, status and X-Request-Id), and
# the session at the end too (for mismatches raised in threads).
CONTRACT = openapi_check.CONTRACT
_send = requests.Session.send


def _send_checked(self, request, **kwargs):
    response = _send(self, request, **kwargs)
    if request.url.startswith(BASE_URL + "/") and not kwargs.get("stream"):
        path = requests.utils.urlparse(request.url).path
        content_type = response.headers.get("Content-Type", "")
        if openapi_check.in_scope(path, content_type):
            CONTRACT.check(request.method, request.url, response.status_code, content_type,
                           response.content, response.headers.get("X-Request-Id", ""))
    return response


requests.Session.send = _send_checked


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"openapi: {CONTRACT.checked} answers checked against docs/openapi.yaml "
        f"({len(CONTRACT.operations_seen)} operations seen), {len(CONTRACT.mismatches)} mismatches"
    )
    for line in openapi_check.FUZZ_SUMMARY:
        terminalreporter.write_line(line)
    for message in CONTRACT.mismatches[:20]:
        terminalreporter.write_line(f"openapi mismatch: {message}")


def pytest_sessionfinish(session, exitstatus):
    if CONTRACT.mismatches and exitstatus == 0:
        session.exitstatus = 1


# --------------------------------------------------------------------------- API client


_ip_counter = itertools.count(1)


def unique_source_ip() -> str:
    n = next(_ip_counter)
    return f"127.1.{n // 250 % 256}.{n % 250 + 1}"


class _SourceAddressAdapter(HTTPAdapter):
    """Connects from a chosen local address (the IP nginx and the pool see)."""

    def __init__(self, source_ip: str, **kwargs):
        self._source_ip = source_ip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


class Api:
    """A requests.Session bound to the nginx base URL.

    api.get/post/patch/put/delete(path, json=..., expect=200, **requests_kwargs)
      -> parsed JSON body (None if empty). `expect` (an int or a tuple of ints) is
      asserted unless it is None. The full response is in api.last.
    api.request(method, path, **kwargs) -> the raw requests.Response (nothing asserted).
    api.token = "..." sends `Authorization: Bearer ...`; api.org_id = "..." sends X-Org-Id.
    """

    def __init__(self, base_url: str = BASE_URL, source_ip: str | None = None):
        self.base_url = base_url
        self.source_ip = source_ip
        self.session = requests.Session()
        if source_ip:
            self.session.mount("http://", _SourceAddressAdapter(source_ip))
        self.token: str | None = None
        self.org_id: str | None = None
        self.last: requests.Response | None = None

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.org_id and "X-Org-Id" not in headers:
            headers["X-Org-Id"] = self.org_id
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        self.last = self.session.request(method, self.base_url + path, headers=headers, **kwargs)
        return self.last

    def call(self, method: str, path: str, expect=200, **kwargs):
        r = self.request(method, path, **kwargs)
        if expect is not None:
            wanted = expect if isinstance(expect, tuple) else (expect,)
            assert r.status_code in wanted, (
                f"{method} {path}: expected {expect}, got {r.status_code}: {r.text[:500]}"
            )
        if not r.content:
            return None
        try:
            return r.json()
        except ValueError:
            raise AssertionError(f"{method} {path}: body is not JSON: {r.text[:500]}") from None

    def get(self, path, expect=200, **kw):
        return self.call("GET", path, expect, **kw)

    def post(self, path, expect=200, **kw):
        return self.call("POST", path, expect, **kw)

    def patch(self, path, expect=200, **kw):
        return self.call("PATCH", path, expect, **kw)

    def put(self, path, expect=200, **kw):
        return self.call("PUT", path, expect, **kw)

    def delete(self, path, expect=204, **kw):
        return self.call("DELETE", path, expect, **kw)

    def close(self):
        self.session.close()


@pytest.fixture(scope="session")
def base_url() -> str:
    return BASE_URL


@pytest.fixture
def make_api():
    clients: list[Api] = []

    def make(source_ip: str | None = None) -> Api:
        c = Api(source_ip=source_ip or unique_source_ip())
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def api(make_api) -> Api:
    return make_api()


_counter = itertools.count()


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}-{next(_counter)}@example.test"


@pytest.fixture
def new_user(make_api):
    """new_user(**fields) signs up a fresh user through POST /api/auth/signup.

    Returns a dict: email, password, name, the signup response fields (user,
    organization, session), access_token, and `api`: an Api client authenticated with
    the bearer token (its cookie jar also holds the session cookies).
    Any field (email, password, name, organization_name, invite_token) can be overridden.
    """

    def create(**fields) -> dict:
        body = {
            "email": unique_email(),
            "password": DEFAULT_PASSWORD,
            "name": "Test User",
        }
        body.update(fields)
        client = make_api()
        data = client.post("/api/auth/signup", json=body, expect=201)
        user = dict(body)
        user.update(data)
        user["access_token"] = data["session"]["access_token"]
        client.token = user["access_token"]
        user["api"] = client
        return user

    return create


# --------------------------------------------------------------------------- upstream


# The handler and recorder live in upstream.py (also runnable on its own for a hand-started
# stack): the same records and echo for ordinary paths, plus raw body bytes and the special
# paths the gateway tests need (__status/NNN, __large/N, __slow, __close).
from upstream import Recorder, RecordingHandler  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def upstream():
    rec = Recorder(UPSTREAM_PORT)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", UPSTREAM_PORT), RecordingHandler)
    except OSError as e:
        pytest.exit(f"test upstream: cannot listen on 127.0.0.1:{UPSTREAM_PORT}: {e}", 2)
    server.daemon_threads = True
    server.recorder = rec
    thread = threading.Thread(target=server.serve_forever, name="test-upstream", daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_ctl():
    """pg_ctl("stop" | "start" | "restart" | "status") on the test cluster.

    A test that stops PostgreSQL must start it again; the fixture restarts it after the
    test if it was left stopped, so later tests are unaffected.
    """
    script = os.environ.get("ORGPLANE_TEST_PG_CTL")
    if not script:
        pytest.skip("ORGPLANE_TEST_PG_CTL not set (run the tests with scripts/test)")

    def run(action: str) -> subprocess.CompletedProcess:
        return subprocess.run([script, action], check=action != "status",
                              capture_output=True, text=True, timeout=120)

    yield run
    if run("status").returncode != 0:
        run("start")


# --------------------------------------------------------------------------- mail

import smtp_sink  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def mailbox():
    """The SMTP server the pool's MAIL_URL names (smtp_sink.py), for the whole session: every
    message the stack sends (signups' verification links too) lands here."""
    try:
        box = smtp_sink.mailbox()
    except OSError as e:
        pytest.exit(f"test SMTP server: cannot listen on 127.0.0.1:{smtp_sink.SMTP_PORT}: {e}", 2)
    yield box
    smtp_sink.stop_all()
