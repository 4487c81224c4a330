"""Two-factor (TOTP) and account deletion through real nginx and the pool: a password alone
no longer logs in, a code works once per 30 s step, recovery codes once each, turning it off
needs a code, an organization can require it, and deleting an account keeps the rules of
ownership and ends everything the account held."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import subprocess
import time
from urllib.parse import parse_qs, urlsplit

DEFAULT_PASSWORD = "correct horse battery staple"
ADMIN_URL = os.environ.get("ORGPLANE_TEST_ADMIN_URL", "")


def totp(secret_b32: str, at: float | None = None) -> str:
    """RFC 6238 with SHA-1, 6 digits, 30 s steps: what an authenticator app shows."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    step = int((time.time() if at is None else at) // 30)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def psql(sql: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", ADMIN_URL, "-c", sql],
                          check=True, capture_output=True, text=True, timeout=60, env=env).stdout.strip()


def enroll(user: dict) -> dict:
    """Turns two-factor on for `user` (a new_user dict): returns secret and recovery codes.
    The confirming code is the current step's; the next code usable is the next step's."""
    api = user["api"]
    enrollment = api.post("/api/me/mfa", expect=201)
    query = parse_qs(urlsplit(enrollment["otpauth_url"]).query)
    assert query["secret"] == [enrollment["secret"]] and query["digits"] == ["6"] and query["period"] == ["30"]
    assert enrollment["qr_svg"].startswith("<svg") and "<path" in enrollment["qr_svg"]
    codes = api.post("/api/me/mfa/confirm", json={"code": totp(enrollment["secret"])})["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    user["secret"] = enrollment["secret"]
    user["recovery_codes"] = codes
    return user


def next_code(user: dict) -> str:
    """The next step's code: accepted now (±1 step) and not yet used."""
    return totp(user["secret"], time.time() + 30)


def first_step(make_api, user: dict):
    client = make_api()
    body = client.post("/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD}, expect=202)
    return client, body


def test_two_factor_blocks_a_login_that_has_the_password_but_not_the_code(new_user, make_api):
    user = enroll(new_user())
    client, body = first_step(make_api, user)
    assert body["mfa_required"] is True and body["expires_in"] == 300 and body["challenge"].startswith("opc_")
    assert "session" not in body
    assert not {"orgplane_access", "orgplane_refresh"} & {c.name for c in client.session.cookies}
    # The challenge is no credential.
    client.token = body["challenge"]
    assert client.request("GET", "/api/me").status_code == 401
    client.token = None
    # Wrong codes and somebody else's recovery code are refused; the challenge stays usable.
    wrong = f"{(int(next_code(user)) + 1) % 1_000_000:06d}"
    for factor in ({"code": wrong}, {"code": "12345"}, {"recovery_code": "aaaa-bbbb-cccc-dddd"}):
        r = client.request("POST", "/api/auth/login/mfa", json={"challenge": body["challenge"], **factor})
        assert r.status_code == 401 and error_code(r) == "invalid_mfa_code", r.text
    r = client.request("POST", "/api/auth/login/mfa", json={"challenge": "opc_" + "x" * 43, "code": next_code(user)})
    assert r.status_code == 401 and error_code(r) == "invalid_challenge"
    signed_in = client.post("/api/auth/login/mfa", json={"challenge": body["challenge"], "code": next_code(user)})
    assert signed_in["user"]["email"] == user["email"]
    assert client.get("/api/me")["mfa"]["enabled"] is True  # the cookies work too
    # Single use: the same challenge cannot open a second session.
    r = make_api().request("POST", "/api/auth/login/mfa", json={"challenge": body["challenge"], "recovery_code": user["recovery_codes"][0]})
    assert r.status_code == 401 and error_code(r) == "invalid_challenge"


def test_a_code_works_once_per_step(new_user, make_api):
    user = enroll(new_user())
    code = next_code(user)
    _, first = first_step(make_api, user)
    make_api().post("/api/auth/login/mfa", json={"challenge": first["challenge"], "code": code})
    # The same code (the same step) again, even on a fresh challenge: a replay.
    client, second = first_step(make_api, user)
    r = client.request("POST", "/api/auth/login/mfa", json={"challenge": second["challenge"], "code": code})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"
    # An earlier step's code is no better once a later one was used.
    r = client.request("POST", "/api/auth/login/mfa", json={"challenge": second["challenge"], "code": totp(user["secret"])})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"


def test_recovery_codes_work_once_each(new_user, make_api):
    user = enroll(new_user())
    first, second = user["recovery_codes"][:2]
    _, challenge = first_step(make_api, user)
    # Typed in upper case without dashes, as people do.
    make_api().post("/api/auth/login/mfa", json={"challenge": challenge["challenge"], "recovery_code": first.replace("-", "").upper()})
    _, challenge = first_step(make_api, user)
    r = make_api().request("POST", "/api/auth/login/mfa", json={"challenge": challenge["challenge"], "recovery_code": first})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"
    make_api().post("/api/auth/login/mfa", json={"challenge": challenge["challenge"], "recovery_code": second})
    assert user["api"].get("/api/me")["mfa"] == {"enabled": True, "recovery_codes_left": 8, "required_by": []}
    # New codes for old: the unused eight stop working, ten fresh ones count.
    r = user["api"].request("POST", "/api/me/mfa/recovery-codes", json={"code": "12345"})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"
    fresh = user["api"].post("/api/me/mfa/recovery-codes", json={"code": next_code(user)})["recovery_codes"]
    assert len(fresh) == 10 and not set(fresh) & set(user["recovery_codes"])
    assert user["api"].get("/api/me")["mfa"]["recovery_codes_left"] == 10
    _, challenge = first_step(make_api, user)
    r = make_api().request("POST", "/api/auth/login/mfa", json={"challenge": challenge["challenge"], "recovery_code": user["recovery_codes"][2]})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"
    make_api().post("/api/auth/login/mfa", json={"challenge": challenge["challenge"], "recovery_code": fresh[0]})
    org = user["organization"]["id"]
    actions = [e["action"] for e in user["api"].get(f"/api/organizations/{org}/audit?limit=100")["events"]]
    # Account events carry no organization; the log of the user's organization shows only its own.
    assert "mfa.recovery_code_used" not in actions
    assert psql(
        f"select count(*) from orgplane.audit_events where action = 'mfa.recovery_code_used' and target_id = '{user['user']['id']}'"
    ) == "3"  # two old codes and one fresh one


def test_enrolling_twice_and_confirming_with_a_wrong_code_are_refused(new_user):
    user = new_user()
    api = user["api"]
    r = api.request("POST", "/api/me/mfa/confirm", json={"code": "123456"})
    assert r.status_code == 409 and error_code(r) == "mfa_not_enabled"
    enrollment = api.post("/api/me/mfa", expect=201)
    r = api.request("POST", "/api/me/mfa/confirm", json={"code": f"{(int(totp(enrollment['secret'])) + 1) % 1_000_000:06d}"})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"
    assert api.get("/api/me")["mfa"]["enabled"] is False
    # A second enrollment replaces the unconfirmed secret: the first one's codes stop working.
    again = api.post("/api/me/mfa", expect=201)
    assert again["secret"] != enrollment["secret"]
    r = api.request("POST", "/api/me/mfa/confirm", json={"code": totp(enrollment["secret"])})
    assert r.status_code == 401
    api.post("/api/me/mfa/confirm", json={"code": totp(again["secret"])})
    r = api.request("POST", "/api/me/mfa", json={})
    assert r.status_code == 409 and error_code(r) == "mfa_already_enabled"
    # The secret is stored sealed, not in clear.
    stored = psql(f"select secret_sealed from orgplane.user_totp where user_id = '{user['user']['id']}'")
    assert again["secret"] not in stored and again["secret"].lower() not in stored.lower() and len(stored) > 60


def test_disabling_needs_the_password_and_a_code(new_user, make_api):
    user = enroll(new_user())
    api = user["api"]
    r = api.request("DELETE", "/api/me/mfa", json={"password": DEFAULT_PASSWORD})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"
    r = api.request("DELETE", "/api/me/mfa", json={"password": "not the password", "code": next_code(user)})
    assert r.status_code == 401 and error_code(r) == "invalid_credentials"
    r = api.request("DELETE", "/api/me/mfa", json={"password": DEFAULT_PASSWORD, "code": "000000" if next_code(user) != "000000" else "111111"})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"
    assert api.get("/api/me")["mfa"]["enabled"] is True
    api.delete("/api/me/mfa", json={"password": DEFAULT_PASSWORD, "recovery_code": user["recovery_codes"][3]})
    assert api.get("/api/me")["mfa"] == {"enabled": False, "recovery_codes_left": 0, "required_by": []}
    # The password alone logs in again.
    make_api().post("/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD}, expect=200)


def test_wrong_codes_are_rate_limited_per_user(new_user, make_api):
    user = enroll(new_user())
    _, challenge = first_step(make_api, user)
    statuses = []
    for _ in range(7):
        r = make_api().request("POST", "/api/auth/login/mfa", json={"challenge": challenge["challenge"], "recovery_code": "zzzz-zzzz-zzzz-zzzz"})
        statuses.append(r.status_code)
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    assert int(r.headers["Retry-After"]) >= 1


def test_an_organization_can_require_two_factor(new_user, make_api):
    owner = new_user()
    org = owner["organization"]["id"]
    invite = owner["api"].post(f"/api/organizations/{org}/invites", json={"role": "member"}, expect=201)
    member = new_user(invite_token=invite["token"])
    member["api"].org_id = org
    key = member["api"].post(f"/api/organizations/{org}/api-keys", json={"name": "k", "scopes": ["org:read"]}, expect=201)
    # Only an owner, and only one with two-factor on.
    r = member["api"].request("PUT", f"/api/organizations/{org}/mfa", json={"required": True})
    assert r.status_code == 403 and error_code(r) == "forbidden"
    r = owner["api"].request("PUT", f"/api/organizations/{org}/mfa", json={"required": True})
    assert r.status_code == 409 and error_code(r) == "mfa_not_enabled"
    enroll(owner)
    assert owner["api"].put(f"/api/organizations/{org}/mfa", json={"required": True}) == {"organization_id": org, "mfa_required": True}
    # The member without two-factor: a clear 403 on the organization's routes, the gateway and keys.
    for method, path in (("GET", f"/api/organizations/{org}"), ("GET", f"/api/organizations/{org}/members"),
                         ("GET", "/api/dataplane/v1/default/banks/b1/memories/list")):
        r = member["api"].request(method, path)
        assert r.status_code == 403 and error_code(r) == "mfa_required", (path, r.text)
    keyed = make_api()
    keyed.token = key["key"]
    r = keyed.request("GET", f"/api/organizations/{org}")
    assert r.status_code == 403 and error_code(r) == "mfa_required"
    r = member["api"].request("GET", "/protected/v1/default/banks/b1/memories/list")
    assert r.status_code == 403
    me = member["api"].get("/api/me")  # the account itself still answers, and says why
    assert me["mfa"] == {"enabled": False, "recovery_codes_left": 0, "required_by": [org]}
    # The owner is not blocked; the member enrolls and is let in.
    owner["api"].get(f"/api/organizations/{org}/members")
    enroll(member)
    member["api"].get(f"/api/organizations/{org}")
    assert keyed.get(f"/api/organizations/{org}")["id"] == org
    # Turning it off again is the owner's too, and recorded.
    owner["api"].put(f"/api/organizations/{org}/mfa", json={"required": False})
    actions = [e["action"] for e in owner["api"].get(f"/api/organizations/{org}/audit?action=organization.mfa_requirement_changed")["events"]]
    assert actions == ["organization.mfa_requirement_changed"] * 2


def test_account_deletion_rules(new_user, make_api):
    owner = new_user()
    org = owner["organization"]["id"]
    invite = owner["api"].post(f"/api/organizations/{org}/invites", json={"role": "member"}, expect=201)
    member = new_user(invite_token=invite["token"])
    # The last owner of an organization with other members cannot go.
    r = owner["api"].request("DELETE", "/api/me", json={"password": DEFAULT_PASSWORD})
    assert r.status_code == 409 and error_code(r) == "last_owner"
    r = owner["api"].request("DELETE", "/api/me", json={"password": "wrong password"})
    assert r.status_code == 401 and error_code(r) == "invalid_credentials"
    # A member can: their session and keys die, the organization stays.
    member["api"].org_id = org
    key = member["api"].post(f"/api/organizations/{org}/api-keys", json={"name": "k", "scopes": ["org:read"]}, expect=201)
    member_id = member["user"]["id"]
    member["api"].delete("/api/me", json={"password": DEFAULT_PASSWORD})
    assert member["api"].request("GET", "/api/me").status_code == 401
    keyed = make_api()
    keyed.token = key["key"]
    assert keyed.request("GET", f"/api/organizations/{org}").status_code == 401
    r = make_api().request("POST", "/api/auth/login", json={"email": member["email"], "password": DEFAULT_PASSWORD})
    assert r.status_code == 401 and error_code(r) == "invalid_credentials"
    members = owner["api"].get(f"/api/organizations/{org}/members")
    assert [m["user_id"] for m in members] == [owner["user"]["id"]]
    # Now the owner is alone: deleting the account deletes the organization with it, through
    # organization deletion (marked deleted at once; the sweeper drops it after the grace period).
    owner["api"].delete("/api/me", json={"password": DEFAULT_PASSWORD})
    assert psql(
        f"select count(*) from orgplane.organizations where id = '{org}' and deleted_at is not null and deletes_at > now()"
    ) == "1"
    assert psql(f"select count(*) from orgplane.organization_members where organization_id = '{org}'") == "0"
    assert psql(f"select count(*) from orgplane.sessions where user_id in ('{owner['user']['id']}', '{member_id}')") == "0"
    # account.deleted outlives the user row and names them.
    assert psql(
        f"select actor_id || ' ' || target_id from orgplane.audit_events where action = 'account.deleted' and target_id = '{member_id}'"
    ) == f"{member_id} {member_id}"
    assert psql(f"select count(*) from orgplane.audit_events where action = 'organization.deleted' and organization_id = '{org}'") == "1"


def test_deleting_an_account_with_two_factor_needs_a_code(new_user, make_api):
    user = enroll(new_user())
    r = user["api"].request("DELETE", "/api/me", json={"password": DEFAULT_PASSWORD})
    assert r.status_code == 401 and error_code(r) == "invalid_mfa_code"
    user["api"].delete("/api/me", json={"password": DEFAULT_PASSWORD, "code": next_code(user)})
    assert psql(f"select count(*) from orgplane.users where id = '{user['user']['id']}'") == "0"
    assert psql(f"select count(*) from orgplane.user_totp where user_id = '{user['user']['id']}'") == "0"
