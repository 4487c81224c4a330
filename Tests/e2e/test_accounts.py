"""Accounts through real nginx, the FastCGI pool and PostgreSQL: the contract as a
browser or a script sees it, bad input, concurrency across workers, and a database outage."""

from __future__ import annotations

import concurrent.futures
import json
import os
import time
import uuid

import pytest
from pool_processes import pool_workers as _pool_workers

DEFAULT_PASSWORD = "correct horse battery staple"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.test"


def error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def test_a_browser_signs_up_and_is_recognised_by_its_cookies(make_api):
    browser = make_api()
    browser.post("/api/auth/signup", json={"email": unique_email(), "password": DEFAULT_PASSWORD}, expect=201)
    jar = browser.session.cookies
    assert {"orgplane_access", "orgplane_csrf", "orgplane_org"} <= {c.name for c in jar}
    me = browser.get("/api/me")
    assert me["auth"]["method"] == "session"
    assert me["selected_organization"]["role"] == "owner"


def test_set_cookie_flags_survive_nginx(make_api):
    client = make_api()
    r = client.request("POST", "/api/auth/signup", json={"email": unique_email(), "password": DEFAULT_PASSWORD})
    assert r.status_code == 201
    cookies = r.raw.headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("orgplane_access="))
    assert "HttpOnly" in access and "SameSite=Lax" in access
    refresh = next(c for c in cookies if c.startswith("orgplane_refresh="))
    assert "Path=/api/auth" in refresh and "SameSite=Strict" in refresh
    assert r.headers["Cache-Control"] == "no-store"


def test_cookie_writes_need_the_csrf_header(new_user):
    user = new_user()
    browser = user["api"]
    browser.token = None  # cookies only, like a page
    org = user["organization"]["id"]
    r = browser.request("PATCH", f"/api/organizations/{org}", json={"name": "No CSRF"})
    assert r.status_code == 403 and error_code(r) == "csrf_failed"
    csrf = browser.session.cookies.get("orgplane_csrf")
    browser.patch(f"/api/organizations/{org}", json={"name": "With CSRF"}, headers={"X-CSRF-Token": csrf})


@pytest.mark.parametrize(
    "body,content_type,code",
    [
        (b"not json at all", "application/json", "invalid_json"),
        (b"[1, 2, 3]", "application/json", "invalid_json"),
        (b'"a string"', "application/json", "invalid_json"),
        (b'{"email": "\xff\xfe@example.com", "password": "x"}', "application/json", "invalid_json"),
        (b'{"email": "a@example.com", "password": ', "application/json", "invalid_json"),
        (b'{"email": "x\'; drop table orgplane.users; --@example.com", "password": "correct horse"}', "application/json", "invalid_email"),
        (b'{"email": ["a@example.com"], "password": "correct horse"}', "application/json", "invalid_email"),
        (b'{"email": "a@example.com", "password": 12345678}', "application/json", "weak_password"),
        (b"[" * 10000, "application/json", "invalid_json"),
    ],
)
def test_bad_signup_bodies_get_a_clear_400_and_change_nothing(api, body, content_type, code):
    r = api.request("POST", "/api/auth/signup", data=body, headers={"Content-Type": content_type})
    assert r.status_code == 400, r.text
    assert error_code(r) == code
    assert set(r.json()["error"]) == {"code", "message"}
    assert "select" not in r.text.lower() and "orgplane." not in r.text


def test_sql_looking_input_is_just_data(new_user, make_api):
    name = "Robert'); DROP TABLE orgplane.users;--"
    user = new_user(name=name, organization_name="x' OR '1'='1")
    me = user["api"].get("/api/me")
    assert me["user"]["name"] == name
    assert me["organizations"][0]["name"] == "x' OR '1'='1"
    login = make_api().request("POST", "/api/auth/login", json={"email": "' OR 1=1 --", "password": "' OR 1=1 --"})
    assert login.status_code == 401 and error_code(login) == "invalid_credentials"


def test_huge_headers_are_refused_without_a_500(api):
    r = api.request("GET", "/api/me", headers={"Authorization": "Bearer " + "a" * 20000})
    assert 400 <= r.status_code < 500
    r = api.request("GET", "/api/me", headers={"X-Filler": "b" * 6000})
    assert r.status_code == 401 and error_code(r) == "unauthenticated"


def test_unknown_api_paths_and_methods_are_json_errors(api):
    r = api.request("GET", "/api/nothing-here")
    assert r.status_code == 404 and error_code(r) == "not_found"
    r = api.request("PUT", "/api/me")  # GET and DELETE are routes; PUT is not
    assert r.status_code == 405 and error_code(r) == "method_not_allowed"
    r = api.request("GET", f"/api/organizations/not-a-uuid")
    assert r.status_code in (401, 404)


def test_a_spoofed_client_ip_does_not_escape_the_per_ip_signup_limit(make_api):
    """Signups are limited per IP (10 per window); X-Real-IP / X-Forwarded-For from the client are ignored."""
    ip = "127.9.%d.%d" % (uuid.uuid4().int % 200 + 1, uuid.uuid4().int % 200 + 1)
    statuses = []
    for i in range(12):
        client = make_api(source_ip=ip)
        r = client.request(
            "POST", "/api/auth/signup",
            json={"email": unique_email("rl"), "password": DEFAULT_PASSWORD},
            headers={"X-Real-IP": f"10.0.0.{i}", "X-Forwarded-For": f"10.0.1.{i}"},
        )
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert int(r.headers["Retry-After"]) > 0
            assert error_code(r) == "rate_limited"
    assert statuses[:10] == [201] * 10
    assert statuses[10:] == [429, 429]


def test_parallel_signups_logins_and_refreshes_across_workers(make_api):
    emails = [unique_email("par") for _ in range(12)]

    def signup(email):
        r = make_api().request("POST", "/api/auth/signup", json={"email": email, "password": DEFAULT_PASSWORD})
        return r.status_code, r.json()

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(signup, emails + emails[:4]))
    statuses = [s for s, _ in results]
    assert statuses.count(201) == 12, statuses
    assert statuses.count(409) == 4, statuses
    sessions = [body["session"] for status, body in results if status == 201]

    def login(email):
        return make_api().request("POST", "/api/auth/login", json={"email": email, "password": DEFAULT_PASSWORD}).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(login, emails)) == {200}

    # Each session's refresh token raced by three clients: exactly one wins per session.
    def refresh(token):
        return make_api().request("POST", "/api/auth/refresh", json={"refresh_token": token}).status_code

    tokens = [s["refresh_token"] for s in sessions for _ in range(3)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(refresh, tokens))
    for i in range(len(sessions)):
        assert sorted(outcomes[i * 3:(i + 1) * 3]) == [200, 401, 401], outcomes


def test_logout_stops_the_access_token_through_nginx(new_user):
    user = new_user()
    client = user["api"]
    client.post("/api/auth/logout", expect=204)
    r = client.request("GET", "/api/me")
    assert r.status_code == 401


def test_version_and_health(api):
    assert api.get("/livez")["status"] == "ok"
    assert api.get("/readyz")["status"] == "ready"
    version = api.get("/api/version")
    assert version["ready"] is True
    assert version["org_creation_policy"] == "direct_signup_only"
    assert version["features"]["dataplane"]["configured"] is True


def test_a_database_outage_answers_503_and_heals_without_restarting_the_pool(new_user, make_api, pg_ctl):
    user = new_user()
    client = user["api"]
    client.get("/api/me")
    pg_ctl("stop")
    try:
        for _ in range(6):  # reach several workers
            r = client.request("GET", "/api/me")
            assert r.status_code == 503, r.text
            assert error_code(r) == "unavailable"
        r = make_api().request("POST", "/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD})
        assert r.status_code == 503 and error_code(r) == "unavailable"
        assert client.request("GET", "/livez").status_code == 200
        ready = client.request("GET", "/readyz")
        assert ready.status_code == 503
    finally:
        pg_ctl("start")
    if os.environ.get("ORGPLANE_TEST_PGBOUNCER") == "1":
        # PgBouncer fails every client until its own retry (server_login_retry, 1 s in the
        # test config) has reconnected: the outage lasts that much longer through it.
        deadline = time.monotonic() + 10
        while client.request("GET", "/api/me").status_code != 200:
            assert time.monotonic() < deadline, "no recovery through PgBouncer within 10 s"
            time.sleep(0.1)
    for _ in range(12):  # every worker reconnects
        assert client.request("GET", "/api/me").status_code == 200
    assert make_api().request("POST", "/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD}).status_code == 200


def test_a_worker_process_that_dies_is_replaced(new_user):
    import os
    import signal
    import time

    user = new_user()
    processes = _pool_workers()
    children = [pid for pid, parent in processes.items() if parent in processes]
    if not children:
        pytest.skip("the test pool's processes are not visible here")
    os.kill(children[0], signal.SIGKILL)
    # A connection the dying process accepted before the signal took hold is lost with it;
    # what matters is every request after its death.
    deadline = time.monotonic() + 10
    while children[0] in _pool_workers() and time.monotonic() < deadline:
        time.sleep(0.01)
    for _ in range(20):
        assert user["api"].request("GET", "/api/me").status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        now = _pool_workers()
        replaced = [pid for pid, parent in now.items() if parent in now]
        if len(replaced) == len(children) and children[0] not in replaced:
            break
        time.sleep(0.1)
    assert len(replaced) == len(children) and children[0] not in replaced
