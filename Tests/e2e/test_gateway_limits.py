"""The gateway under pressure and under doubled headers, through nginx (security review
RT-03, RT-04, RT-11):

- slow upstream calls may hold only DATAPLANE_MAX_CONCURRENT threads per worker process:
  beyond that they are refused at once (503 dataplane_busy + Retry-After), and /api/me of
  someone else stays fast meanwhile;
- a repeated X-Org-Id (or X-CSRF-Token) is refused, never "the last one wins", and the
  protected upstream sees exactly the organization /_authz decided on;
- dataplane answers carry the upstream's Cache-Control, else `private, no-store`, and a
  sandboxing Content-Security-Policy.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import math
import threading
import time
import uuid
from urllib.parse import quote, urlsplit

import requests

from test_dataplane import BASE_URL, create_key, error_code, fresh, org_of
from upstream import seen


def send(method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> tuple[int, dict, bytes]:
    """One request with headers exactly as listed, duplicates included."""
    base = urlsplit(BASE_URL)
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


# --------------------------------------------------------------------------- RT-03


def test_slow_dataplane_calls_cannot_take_the_threads_of_everyone_else(new_user):
    owner, victim = new_user(), new_user()
    key = create_key(owner, ["dataplane:read"])["key"]
    bank = fresh()
    # 32 calls the upstream answers only after 1.2 s (the test pool's DATAPLANE_TIMEOUT_MS is 2 s).
    slow = f"{BASE_URL}/api/dataplane/v1/default/banks/{bank}/memories/list?__delay_ms=1200"
    started = threading.Barrier(33)

    def slow_call(_):
        started.wait()
        r = requests.get(slow, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        return r.status_code, error_code(r), r.headers.get("Retry-After"), r.headers.get("Content-Type", "")

    me = requests.Session()
    me.headers["Authorization"] = f"Bearer {victim['access_token']}"
    assert me.get(BASE_URL + "/api/me", timeout=10).status_code == 200  # connection is warm
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        calls = [pool.submit(slow_call, i) for i in range(32)]
        started.wait()
        time.sleep(0.2)  # the slow calls are in flight
        latencies = []
        until = time.monotonic() + 0.9
        while time.monotonic() < until:
            t = time.monotonic()
            assert me.get(BASE_URL + "/api/me", timeout=10).status_code == 200
            latencies.append(time.monotonic() - t)
        answers = [c.result() for c in calls]

    p99 = sorted(latencies)[math.ceil(0.99 * len(latencies)) - 1]
    assert p99 < 0.100, f"/api/me p99 {p99 * 1000:.0f} ms over {len(latencies)} calls"
    busy = [a for a in answers if a[0] == 503]
    assert busy and all(a[1] == "dataplane_busy" and a[2] == "1" and a[3].startswith("application/json") for a in busy), answers
    assert {a[0] for a in answers} == {200, 503}, answers  # the calls that got a slot were answered


# --------------------------------------------------------------------------- RT-04


def test_a_repeated_x_org_id_is_refused_not_resolved(new_user):
    me, other = new_user(), new_user()
    token = [("Authorization", f"Bearer {me['access_token']}")]
    status, _, body = send("GET", "/api/me", token + [("X-Org-Id", org_of(other)), ("X-Org-Id", org_of(me))])
    assert status == 400 and b'"invalid_organization_id"' in body
    # The same organization twice is still two headers.
    status, _, _ = send("GET", "/api/me", token + [("X-Org-Id", org_of(me)), ("X-Org-Id", org_of(me))])
    assert status == 400
    assert send("GET", "/api/me", token + [("X-Org-Id", org_of(me))])[0] == 200
    # Two credentials are never one (nginx refuses them; the pool would find no valid token).
    assert send("GET", "/api/me", token + [("Authorization", f"Bearer {other['access_token']}")])[0] in (400, 401)


def test_a_repeated_csrf_header_is_refused(new_user):
    user = new_user()
    jar = user["api"].session.cookies
    cookie = "; ".join(f"{name}={jar.get(name)}" for name in ("orgplane_access", "orgplane_csrf"))
    csrf = jar.get("orgplane_csrf")
    target, body = f"/api/organizations/{org_of(user)}", b'{"name": "Renamed"}'
    headers = [("Cookie", cookie), ("Content-Type", "application/json")]
    status, _, answer = send("PATCH", target, headers + [("X-CSRF-Token", csrf), ("X-CSRF-Token", csrf)], body)
    assert status == 403 and b'"csrf_failed"' in answer
    assert send("PATCH", target, headers + [("X-CSRF-Token", csrf)], body)[0] == 200


def test_repeated_cookie_headers_still_work(new_user):
    user = new_user()
    jar = user["api"].session.cookies
    status, _, body = send("GET", "/api/me", [("Cookie", "theme=dark"), ("Cookie", f"orgplane_access={jar.get('orgplane_access')}")])
    assert status == 200 and user["user"]["id"].encode() in body


def test_the_protected_upstream_never_sees_a_repeated_or_client_chosen_organization(new_user, upstream):
    me, victim = new_user(), new_user()
    bank = fresh()
    target = f"/protected/v1/default/banks/{bank}/memories/list"
    token = ("Authorization", f"Bearer {me['access_token']}")
    # The victim's organization first (what most frameworks read), one's own last (what was decided on).
    status, _, _ = send("GET", target, [token, ("X-Org-Id", org_of(victim)), ("X-Org-Id", org_of(me))])
    assert status == 403
    assert seen(upstream, bank) == []

    status, _, _ = send("GET", target, [token, ("X-Org-Id", org_of(me)), ("X-Original-URI", "/elsewhere"),
                                        ("X-Original-Method", "DELETE"), ("X-Orgplane-Path-Prefix", "/x"),
                                        ("X-Hindsight-Tenant-Id", org_of(victim))])
    assert status == 200
    [got] = seen(upstream, bank)
    assert [v for k, v in got["header_list"] if k == "x-org-id"] == [org_of(me)]
    assert got["headers"]["x-orgplane-org"] == org_of(me)
    for name in ("x-original-uri", "x-original-method", "x-orgplane-path-prefix", "x-hindsight-tenant-id"):
        assert name not in got["headers"], name


def test_a_key_without_x_org_id_still_gives_the_protected_upstream_its_organization(new_user, upstream):
    owner = new_user()
    key = create_key(owner, ["dataplane:read"])["key"]
    bank = fresh()
    status, _, _ = send("GET", f"/protected/v1/default/banks/{bank}/memories/list", [("Authorization", f"Bearer {key}")])
    assert status == 200
    [got] = seen(upstream, bank)
    assert [v for k, v in got["header_list"] if k == "x-org-id"] == [org_of(owner)]


# --------------------------------------------------------------------------- RT-11


def test_dataplane_answers_carry_the_upstreams_cache_headers_or_private_no_store(new_user):
    user = new_user()
    client = user["api"]
    client.org_id = org_of(user)
    base = f"/api/dataplane/v1/default/banks/{fresh()}/memories/list"
    r = client.request("GET", base + "?__header=" + quote("Cache-Control: max-age=60, private")
                       + "&__header=" + quote("Vary: Accept-Language"))
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "max-age=60, private"
    assert r.headers["Vary"] == "Accept-Language"

    r = client.request("GET", base)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "private, no-store"
    # Whatever the upstream sends is never a page of this origin (one policy, nginx's).
    assert r.raw.headers.getlist("Content-Security-Policy") == ["default-src 'none'; frame-ancestors 'none'; sandbox"]
    assert "sandbox" not in requests.get(BASE_URL + "/api/version", timeout=10).headers["Content-Security-Policy"]
    # The gateway's own refusals are not cacheable either.
    r = client.request("GET", f"/api/dataplane/v1/default/banks/{uuid.uuid4().hex}/no/such/operation", headers={"X-Org-Id": "nope"})
    assert r.status_code == 400 and r.headers["Cache-Control"] == "private, no-store"
