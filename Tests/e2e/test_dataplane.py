"""The dataplane gateway and nginx auth_request, end to end: real nginx, the FastCGI pool,
PostgreSQL, and the recording upstream of upstream.py (the pool's DATAPLANE_URL and the
/protected/ proxy target).

What the upstream receives is the point: the caller's own credential and organization,
the request id the caller got back, the query and body byte for byte, and nothing else;
never another caller's identity, never a bank the caller may not reach.

Every test uses fresh users and fresh bank ids and looks only at the upstream requests
carrying its own ids (upstream.seen), so the tests are independent of each other.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import threading
import time
import uuid
from urllib.parse import unquote, urlsplit

import pytest
import requests

from upstream import SLOW_CAP_SECONDS, large_body, seen

BASE_URL = os.environ.get("ORGPLANE_URL", "http://127.0.0.1:18080").rstrip("/")

ALLOWED_UPSTREAM_HEADERS = {
    "host", "authorization", "x-org-id", "x-request-id", "accept", "accept-language", "user-agent",
    "content-type", "content-length", "if-none-match", "if-match", "if-modified-since", "idempotency-key",
}


def fresh(prefix: str = "bank") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def org_of(user: dict) -> str:
    return user["organization"]["id"]


def create_key(user: dict, scopes: list[str], resources: list[str] | None = None) -> dict:
    body = {"name": "e2e", "scopes": scopes}
    if resources is not None:
        body["resources"] = resources
    return user["api"].post(f"/api/organizations/{org_of(user)}/api-keys", json=body, expect=201)


def join(owner: dict, new_user, role: str) -> dict:
    """A new user who joins `owner`'s organization as `role` through an invite link."""
    invite = owner["api"].post(f"/api/organizations/{org_of(owner)}/invites", json={"role": role}, expect=201)
    person = new_user(invite_token=invite["token"])
    assert org_of(person) == org_of(owner)
    return person


def raw_request(method: str, target: str, headers: dict | None = None, body: bytes | None = None,
                timeout: float = 30) -> tuple[int, bytes]:
    """Sends `target` exactly as written (requests/urllib3 would normalise dot segments)."""
    base = urlsplit(BASE_URL)
    connection = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=timeout)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body or b"")))
        connection.endheaders(body or b"")
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def owner(new_user) -> dict:
    """A fresh user who owns a fresh organization; their client selects it (X-Org-Id)."""
    user = new_user()
    user["api"].org_id = org_of(user)
    return user


@pytest.fixture
def key_client(make_api):
    def make(key: dict):
        client = make_api()
        client.token = key["key"]
        return client

    return make


# --------------------------------------------------------------------------- what is forwarded


def test_the_upstream_gets_exactly_the_callers_own_credential_org_and_request_id(owner, upstream):
    bank = fresh()
    query = "q=caf%C3%A9&tags=a&tags=b&empty=&plus=a+b"
    r = owner["api"].request(
        "GET", f"/api/dataplane/v1/default/banks/{bank}/memories/list?{query}",
        headers={
            "Cookie": "orgplane_access=someone-elses-token; other=1",
            "X-Request-Id": "chosen-by-the-client",
            "X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9",
            "X-Hindsight-Tenant-Id": "another-tenant", "Proxy-Authorization": "Basic Zm9vOmJhcg==",
            "Keep-Alive": "timeout=99", "TE": "trailers", "X-CSRF-Token": "x",
            "Accept": "application/json", "User-Agent": "dataplane-e2e/1",
        })
    assert r.status_code == 200, r.text
    assert r.headers["X-Orgplane-Operation"] == "list_memory_units"
    [got] = seen(upstream, bank)
    h = got["headers"]
    assert got["method"] == "GET"
    assert got["path"] == f"/v1/default/banks/{bank}/memories/list"
    assert got["query"] == query
    assert h["authorization"] == f"Bearer {owner['access_token']}"
    assert h["x-org-id"] == org_of(owner)
    assert h["x-request-id"] == r.headers["X-Request-Id"] != "chosen-by-the-client"
    assert h["user-agent"] == "dataplane-e2e/1"
    names = [name for name, _ in got["header_list"]]
    for name in ("authorization", "x-org-id", "x-request-id"):
        assert names.count(name) == 1, names
    assert set(names) <= ALLOWED_UPSTREAM_HEADERS, set(names) - ALLOWED_UPSTREAM_HEADERS
    # The answer relayed to the caller is the upstream's own.
    assert r.json()["upstream"]["path"] == got["path"]


def test_an_api_key_caller_is_forwarded_with_the_key_itself_and_its_organization(owner, key_client, upstream):
    key = create_key(owner, ["dataplane:read"])
    bank = fresh()
    r = key_client(key).request("POST", f"/api/dataplane/v1/default/banks/{bank}/memories/recall", json={"query": "hi"})
    assert r.status_code == 200, r.text
    [got] = seen(upstream, bank)
    assert got["headers"]["authorization"] == f"Bearer {key['key']}"
    assert got["headers"]["x-org-id"] == org_of(owner)
    assert got["headers"]["x-request-id"] == r.headers["X-Request-Id"]


def test_a_browser_session_is_forwarded_as_its_own_bearer_without_cookies(make_api, upstream):
    browser = make_api()
    signup = browser.post("/api/auth/signup", json={"email": f"{fresh('b')}@example.test", "password": "correct horse battery staple"},
                          expect=201)
    bank = fresh()
    r = browser.request("GET", f"/api/dataplane/v1/default/banks/{bank}/memories/list")
    assert r.status_code == 200, r.text
    [got] = seen(upstream, bank)
    assert got["headers"]["authorization"] == f"Bearer {browser.session.cookies['orgplane_access']}"
    assert got["headers"]["x-org-id"] == signup["organization"]["id"]
    assert "cookie" not in got["headers"]

    # Writes from a browser need the CSRF header, as everywhere else.
    r = browser.request("POST", f"/api/dataplane/v1/default/banks/{bank}/memories", json={"items": []})
    assert r.status_code == 403 and error_code(r) == "csrf_failed"
    r = browser.request("POST", f"/api/dataplane/v1/default/banks/{bank}/memories", json={"items": []},
                        headers={"X-CSRF-Token": browser.session.cookies["orgplane_csrf"]})
    assert r.status_code == 200, r.text
    assert [g["method"] for g in seen(upstream, bank)] == ["GET", "POST"]


@pytest.mark.parametrize("method, path", [
    ("POST", "memories"),
    ("PUT", ""),
    ("PATCH", ""),
    ("DELETE", "documents/doc-1"),
])
def test_bodies_and_queries_reach_the_upstream_byte_for_byte(owner, upstream, method, path):
    bank = fresh()
    body = bytes(range(256)) * 16 + b"\r\n\r\n\x00{\"not\": json}\xff\xfe"
    query = "x=%00%FF&y=a+b&z=%2F%3F%23&dup=1&dup=2&bare&%E2%9C%93=%E2%9C%93"
    target = f"/api/dataplane/v1/default/banks/{bank}/{path}".rstrip("/")
    r = owner["api"].request(method, f"{target}?{query}", data=body, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    [got] = seen(upstream, bank)
    assert got["method"] == method
    assert got["query"] == query
    assert got["body_bytes"] == body
    assert got["headers"]["content-type"] == "application/octet-stream"


def test_an_empty_write_body_stays_empty_untyped_and_a_utf8_json_body_is_unchanged(owner, upstream):
    bank = fresh()
    r = owner["api"].request("DELETE", f"/api/dataplane/v1/default/banks/{bank}")
    assert r.status_code == 200, r.text
    payload = '{"items": [{"content": "Zoë met 李 at the café — 🎉"}]}'.encode()
    r = owner["api"].request("POST", f"/api/dataplane/v1/default/banks/{bank}/memories", data=payload,
                             headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 200, r.text
    deleted, retained = seen(upstream, bank)
    assert deleted["method"] == "DELETE" and deleted["body_bytes"] == b""
    # No content type was sent, so none is invented (libcurl's default would be a form).
    assert "content-type" not in deleted["headers"]
    assert retained["body_bytes"] == payload
    assert retained["headers"]["content-type"] == "application/json; charset=utf-8"


# --------------------------------------------------------------------------- what comes back


@pytest.mark.parametrize("status", [201, 400, 404, 409, 422, 500, 503])
def test_the_upstream_status_body_and_content_type_are_relayed(owner, upstream, status):
    bank = fresh()
    r = owner["api"].request("GET", f"/api/dataplane/v1/default/banks/{bank}/__status/{status}")
    assert r.status_code == status
    assert r.headers["Content-Type"] == "application/json"
    assert r.json() == {"upstream_status": status, "path": f"/v1/default/banks/{bank}/__status/{status}"}
    assert r.headers["X-Request-Id"] == seen(upstream, bank)[0]["headers"]["x-request-id"]


def test_an_empty_204_is_relayed(owner):
    r = owner["api"].request("DELETE", f"/api/dataplane/v1/default/banks/{fresh()}/__status/204")
    assert r.status_code == 204
    assert r.content == b""


def test_a_large_binary_answer_is_relayed_intact(owner):
    size = 3 * 1024 * 1024 + 17
    r = owner["api"].request("GET", f"/api/dataplane/v1/default/banks/{fresh()}/__large/{size}")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert len(r.content) == size
    assert r.content == large_body(size)


def test_an_upstream_that_drops_the_connection_is_502_dataplane_unavailable(owner, upstream):
    bank = fresh()
    r = owner["api"].request("GET", f"/api/dataplane/v1/default/banks/{bank}/__close")
    assert r.status_code == 502
    assert error_code(r) == "dataplane_unavailable"
    assert owner["access_token"] not in r.text
    assert len(seen(upstream, bank)) >= 1


def test_an_upstream_that_never_answers_is_504_dataplane_timeout(owner):
    # The upstream holds the request until the gateway gives up (DATAPLANE_TIMEOUT_MS).
    r = owner["api"].request("GET", f"/api/dataplane/v1/default/banks/{fresh()}/__slow", timeout=SLOW_CAP_SECONDS + 30)
    assert r.status_code == 504
    assert error_code(r) == "dataplane_timeout"


# --------------------------------------------------------------------------- who is calling


def test_two_callers_in_parallel_never_see_each_others_credentials(new_user, upstream):
    ann, bob = new_user(), new_user()
    bob_key = create_key(bob, ["dataplane:read"])["key"]
    run = fresh("run")
    callers = {
        "ann": {"token": ann["access_token"], "org": org_of(ann)},
        "bob": {"token": bob_key, "org": org_of(bob)},
    }
    per_caller = 200
    local = threading.local()

    def call(who: str, i: int) -> tuple[str, int, str, dict]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        caller = callers[who]
        # 16 callers at once are more than the pool's dataplane slots (DATAPLANE_MAX_CONCURRENT
        # per process): a refused call (503 dataplane_busy, never forwarded) is simply retried.
        for _ in range(1000):
            r = local.session.get(
                f"{BASE_URL}/api/dataplane/v1/default/banks/{run}-{who}/memories/list?i={i}",
                headers={"Authorization": f"Bearer {caller['token']}", "X-Org-Id": caller["org"]}, timeout=60)
            if not (r.status_code == 503 and error_code(r) == "dataplane_busy"):
                break
            time.sleep(0.005)
        return who, r.status_code, r.headers.get("X-Request-Id", ""), r.json() if r.status_code == 200 else {}

    jobs = [(who, i) for i in range(per_caller) for who in callers]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda job: call(*job), jobs))

    assert [status for _, status, _, _ in results] == [200] * len(jobs)
    for who, _, request_id, answer in results:
        echoed = answer["upstream"]["headers"]
        assert echoed["authorization"] == f"Bearer {callers[who]['token']}"
        assert echoed["x-org-id"] == callers[who]["org"]
        assert echoed["x-request-id"] == request_id
    received = seen(upstream, run)
    assert len(received) == len(jobs)
    for got in received:
        who = "ann" if f"/{run}-ann/" in got["path"] else "bob"
        assert got["headers"]["authorization"] == f"Bearer {callers[who]['token']}", got["path"]
        assert got["headers"]["x-org-id"] == callers[who]["org"], got["path"]
    assert len({got["headers"]["x-request-id"] for got in received}) == len(jobs)


def test_a_revoked_key_stops_at_the_gateway_on_its_next_request(owner, key_client, upstream):
    key = create_key(owner, ["dataplane:read"])
    client = key_client(key)
    bank = fresh()
    path = f"/api/dataplane/v1/default/banks/{bank}/memories/list"
    assert client.request("GET", path).status_code == 200
    owner["api"].delete(f"/api/organizations/{org_of(owner)}/api-keys/{key['id']}")
    r = client.request("GET", path)
    assert r.status_code == 401 and error_code(r) == "unauthenticated"
    assert len(seen(upstream, bank)) == 1


def test_demoting_the_creator_narrows_their_key_at_the_gateway_at_once(owner, new_user, key_client, upstream):
    max_ = join(owner, new_user, "member")
    client = key_client(create_key(max_, ["dataplane:read", "dataplane:write"]))
    bank = fresh()
    retain = f"/api/dataplane/v1/default/banks/{bank}/memories"
    assert client.request("POST", retain, json={"items": []}).status_code == 200

    owner["api"].patch(f"/api/organizations/{org_of(owner)}/members/{max_['user']['id']}", json={"role": "viewer"})
    r = client.request("POST", retain, json={"items": []})
    assert r.status_code == 403 and error_code(r) == "operation_forbidden"
    assert client.request("POST", f"{retain}/recall", json={"query": "still reads"}).status_code == 200
    assert [g["method"] + " " + g["path"] for g in seen(upstream, bank)] == [
        f"POST /v1/default/banks/{bank}/memories", f"POST /v1/default/banks/{bank}/memories/recall"]


def test_removing_the_creator_kills_their_key_at_the_gateway(owner, new_user, key_client, upstream):
    max_ = join(owner, new_user, "member")
    client = key_client(create_key(max_, ["dataplane:read"]))
    bank = fresh()
    path = f"/api/dataplane/v1/default/banks/{bank}/memories/list"
    assert client.request("GET", path).status_code == 200
    owner["api"].delete(f"/api/organizations/{org_of(owner)}/members/{max_['user']['id']}")
    assert client.request("GET", path).status_code == 401
    assert len(seen(upstream, bank)) == 1


def test_a_key_naming_another_organization_is_403_and_nothing_is_forwarded(owner, new_user, key_client, upstream):
    other = new_user()
    client = key_client(create_key(owner, ["dataplane:read"]))
    bank = fresh()
    r = client.request("GET", f"/api/dataplane/v1/default/banks/{bank}/memories/list", headers={"X-Org-Id": org_of(other)})
    assert r.status_code == 403
    assert seen(upstream, bank) == []


def test_refusals_never_reach_the_upstream(owner, new_user, key_client, make_api, upstream):
    viewer = join(owner, new_user, "viewer")
    viewer["api"].org_id = org_of(owner)
    bank = fresh()
    base = f"/api/dataplane/v1/default/banks/{bank}"
    assert make_api().request("GET", f"{base}/memories/list").status_code == 401
    r = viewer["api"].request("POST", f"{base}/memories", json={"items": []})
    assert r.status_code == 403 and error_code(r) == "operation_forbidden"
    r = key_client(create_key(owner, ["op:recall"])).request("GET", f"{base}/memories/list")
    assert r.status_code == 403 and error_code(r) == "operation_forbidden"
    r = key_client(create_key(owner, ["dataplane:read"], resources=["somewhere-else"])).request("GET", f"{base}/memories/list")
    assert r.status_code == 403 and error_code(r) == "resource_forbidden"
    # A session with no organization selected (no X-Org-Id, no orgplane_org cookie).
    bare = make_api()
    bare.token = owner["access_token"]
    r = bare.request("GET", f"{base}/memories/list")
    assert r.status_code == 400 and error_code(r) == "organization_required"
    assert seen(upstream, bank) == []


# --------------------------------------------------------------------------- auth_request


def test_protected_upstream_gets_the_identity_headers_for_a_key(owner, key_client, upstream):
    key = create_key(owner, ["dataplane:read"])
    bank = fresh()
    r = key_client(key).request("GET", f"/protected/v1/default/banks/{bank}/memories/list?x=1",
                                headers={"X-Orgplane-User": "forged", "X-Orgplane-Scopes": "dataplane:write"})
    assert r.status_code == 200, r.text
    [got] = seen(upstream, bank)
    h = got["headers"]
    assert got["path"] == f"/v1/default/banks/{bank}/memories/list" and got["query"] == "x=1"
    assert h["x-orgplane-user"] == owner["user"]["id"]
    assert h["x-orgplane-org"] == org_of(owner)
    assert h["x-orgplane-role"] == "owner"
    assert h["x-orgplane-scopes"] == "dataplane:read"
    assert h["x-orgplane-tenant-schema"] == "o_" + org_of(owner).replace("-", "")
    assert h["x-request-id"] == r.headers["X-Request-Id"]
    assert h["authorization"] == f"Bearer {key['key']}"
    names = [name for name, _ in got["header_list"]]
    assert names.count("x-orgplane-user") == 1 and names.count("x-orgplane-scopes") == 1


def test_protected_upstream_refuses_missing_credentials_and_denied_operations(owner, key_client, make_api, upstream):
    bank = fresh()
    r = make_api().request("GET", f"/protected/v1/default/banks/{bank}/memories/list")
    assert r.status_code == 401 and error_code(r) == "unauthenticated"
    reader = key_client(create_key(owner, ["dataplane:read"]))
    assert reader.request("POST", f"/protected/v1/default/banks/{bank}/memories", json={"items": []}).status_code == 403
    limited = key_client(create_key(owner, ["dataplane:read"], resources=["somewhere-else"]))
    assert limited.request("GET", f"/protected/v1/default/banks/{bank}/memories/list").status_code == 403
    assert seen(upstream, bank) == []


def path_attacks(a: str, b: str, tail: str) -> list[str]:
    """Targets that try to reach bank `b`'s `tail` with a key limited to bank `a`."""
    attacks = []
    for root in ("/api/dataplane", "/protected"):
        base = f"{root}/v1/default/banks"
        attacks += [
            f"{base}/{a}/../{b}/{tail}",
            f"{base}/{a}/./../{b}/{tail}",
            f"{base}/{a}/%2e%2e/{b}/{tail}",
            f"{base}/{a}/.%2E/{b}/{tail}",
            f"{base}/{a}%2F..%2F{b}/{tail}",
            f"{base}/{a}/..%2F{b}/{tail}",
            f"{base}/{a}%252F..%252F{b}/{tail}",
            f"{base}/{a}/%252e%252e/{b}/{tail}",
            f"{base}%2F{b}/{tail}",
            f"{base}//{b}//{tail}",
            f"{base}/{b}%00/{tail}",
            f"{base}/{a}/%00/../../{b}/{tail}",
            f"{base}/{a}/..%5C{b}/{tail}",
            f"{base}/{a}/..;/{b}/{tail}",
            f"{root}/V1/DEFAULT/BANKS/{b}/{tail}",
            f"{base}/{b.upper()}/{tail}",
            f"{base}/{a}/../../../../{b}/{tail}",
        ]
    return attacks


def banks_addressed(target: str) -> set[str]:
    """The bank ids (lower case) a server could read in `target`: decoding once before or
    after splitting the path, then resolving dot segments."""
    path = urlsplit(target).path
    readings = [[unquote(s) for s in path.split("/")], unquote(path).split("/")]
    banks = set()
    for segments in readings:
        resolved: list[str] = []
        for segment in segments:
            if segment in ("", "."):
                continue
            if segment == "..":
                if resolved:
                    resolved.pop()
                continue
            resolved.append(segment)
        lowered = [segment.lower() for segment in resolved]
        if "banks" in lowered and lowered.index("banks") + 1 < len(lowered):
            banks.add(lowered[lowered.index("banks") + 1])
    return banks


@pytest.mark.parametrize("method, tail", [
    ("GET", "memories/list"), ("POST", "memories/recall"),
    ("GET", "documents/x/y/chunks"), ("GET", "documents/x%2Fy/history"),
])
def test_path_tricks_through_nginx_never_reach_another_bank(owner, upstream, method, tail):
    a, b = fresh("bank-a"), fresh("bank-b")
    key = create_key(owner, ["dataplane:read"], resources=[a])["key"]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = b'{"query": "x"}' if method == "POST" else None
    answers = {}
    for target in path_attacks(a, b, tail):
        status, answer = raw_request(method, target, headers, body)
        answers[target] = status
        if target.startswith("/api/dataplane/"):
            assert status in (400, 403, 404), f"{target}: {status} {answer[:200]!r}"
        else:
            # nginx forwards /protected/ paths itself; a yes is only ever for bank a (checked below).
            assert status in (200, 400, 403, 404), f"{target}: {status} {answer[:200]!r}"
    for got in seen(upstream, b) + seen(upstream, b.upper()):
        assert banks_addressed(got["target"]) == {a}, (got["target"], answers)
    assert not [g for g in seen(upstream, a) if b in banks_addressed(g["target"])], answers


def test_path_tricks_landing_on_the_allowed_bank_reach_exactly_that_bank(owner, upstream):
    a, b = fresh("bank-a"), fresh("bank-b")
    key = create_key(owner, ["dataplane:read"], resources=[a])["key"]
    headers = {"Authorization": f"Bearer {key}"}
    for root in ("/api/dataplane", "/protected"):
        for target in (f"{root}/v1/default/banks/{b}/../{a}/memories/list", f"{root}/v1//default/banks/./{a}/memories/list"):
            status, answer = raw_request("GET", target, headers)
            assert status == 200, f"{target}: {status} {answer[:200]!r}"
    assert [g["path"] for g in seen(upstream, a)] == [f"/v1/default/banks/{a}/memories/list"] * 4
    assert seen(upstream, b) == []


def test_protected_operations_are_matched_without_the_location_prefix(owner, key_client, upstream):
    # POST .../memories/recall is the read operation `recall` only once /protected is stripped.
    bank = fresh()
    reader = key_client(create_key(owner, ["dataplane:read"]))
    r = reader.request("POST", f"/protected/v1/default/banks/{bank}/memories/recall", json={"query": "x"})
    assert r.status_code == 200
    assert [g["path"] for g in seen(upstream, bank)] == [f"/v1/default/banks/{bank}/memories/recall"]


def test_a_client_sent_path_prefix_cannot_move_the_decision_to_another_bank(owner, upstream):
    a, b = fresh("bank-a"), fresh("bank-b")
    key = create_key(owner, ["dataplane:read"], resources=[a])["key"]
    status, _ = raw_request("GET", f"/protected/v1/default/banks/{b}/memories/banks/{a}", {
        "Authorization": f"Bearer {key}", "X-Orgplane-Path-Prefix": f"/protected/v1/default/banks/{b}/memories"})
    assert status == 403
    assert seen(upstream, b) == []


def test_a_raw_fragment_cannot_swap_the_bank_nginx_forwards(owner, upstream):
    """nginx forwards `/banks/victim#/../mine` as `/banks/victim`: /_authz must not decide on `mine`."""
    victim, mine = fresh("victim"), fresh("mine")
    key = create_key(owner, ["dataplane:read", "dataplane:write"], resources=[mine])["key"]
    status, _ = raw_request("DELETE", f"/protected/v1/default/banks/{victim}#/../{mine}", {"Authorization": f"Bearer {key}"})
    assert status in (400, 403), status
    assert seen(upstream, victim) == []
    assert raw_request("DELETE", f"/protected/v1/default/banks/{mine}", {"Authorization": f"Bearer {key}"})[0] == 200


# --------------------------------------------------------------------------- {name:path} operations


def test_a_document_id_with_slashes_reaches_its_own_bank_byte_for_byte(owner, key_client, upstream):
    """Hindsight declares documents/{document_id:path}: the id may hold `/`. A key limited to
    bank a reaches a's document `notes/2024/café x` and its chunks, and the upstream receives
    exactly the checked path, query and body; the same id never reaches another bank."""
    a, b = fresh("bank-a"), fresh("bank-b")
    key = create_key(owner, ["dataplane:read", "dataplane:write"], resources=[a])
    client = key_client(key)
    headers = {"Authorization": f"Bearer {key['key']}", "Content-Type": "application/json"}

    status, answer = raw_request("GET", f"/api/dataplane/v1/default/banks/{a}/documents/notes/2024/caf%C3%A9%20x/chunks?limit=5&q=a%2Fb",
                                 headers)
    assert status == 200, answer
    status, answer = raw_request("GET", f"/api/dataplane/v1/default/banks/{a}/documents/notes%2F2024%2Fcaf%C3%A9%20x", headers)
    assert status == 200, answer
    body = '{"tags": ["café", "a/b"], "n": 1}'.encode()
    r = client.request("PATCH", f"/api/dataplane/v1/default/banks/{a}/documents/notes/2024/caf%C3%A9%20x", data=body,
                       headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and r.headers["X-Orgplane-Operation"] == "update_document", r.text
    status, answer = raw_request("GET", f"/protected/v1/default/banks/{a}/documents/notes/2024/caf%C3%A9%20x/history", headers)
    assert status == 200, answer

    chunks, document, patched, history = seen(upstream, a)
    assert chunks["method"] == "GET"
    assert chunks["target"] == f"/v1/default/banks/{a}/documents/notes/2024/caf%C3%A9%20x/chunks?limit=5&q=a%2Fb"
    assert document["target"] == f"/v1/default/banks/{a}/documents/notes/2024/caf%C3%A9%20x"
    assert patched["method"] == "PATCH" and patched["body_bytes"] == body
    assert patched["target"] == f"/v1/default/banks/{a}/documents/notes/2024/caf%C3%A9%20x"
    assert history["target"] == f"/v1/default/banks/{a}/documents/notes/2024/caf%C3%A9%20x/history"
    assert history["headers"]["x-orgplane-operation"] == "get_document_history"
    assert history["headers"]["x-orgplane-resource"] == a

    # Through the id, never into bank b: the gateway refuses, nothing is forwarded.
    for target in (f"/api/dataplane/v1/default/banks/{a}/documents/x/../../../{b}/documents/y",
                   f"/api/dataplane/v1/default/banks/{a}/documents/x%2F..%2F..%2F..%2F{b}%2Fdocuments%2Fy",
                   f"/api/dataplane/v1/default/banks/{a}/documents/%2e%2e/%2e%2e/{b}/documents/y/chunks",
                   f"/protected/v1/default/banks/{a}/documents/x/../../../{b}/documents/y"):
        status, answer = raw_request("GET", target, headers)
        assert status in (400, 403), f"{target}: {status} {answer[:200]!r}"
    assert seen(upstream, b) == []
