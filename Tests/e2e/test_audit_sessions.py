"""The audit log and the sessions page through real nginx and the pool: the event carries
the address nginx saw and nginx's request id; cursors page through; a browser lists and ends
its sessions with cookies and the CSRF header."""

from __future__ import annotations

import uuid

DEFAULT_PASSWORD = "correct horse battery staple"


def error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def test_the_audit_log_records_nginx_address_and_request_id_and_pages(new_user, make_api):
    owner = new_user()
    api, org = owner["api"], owner["organization"]["id"]
    api.patch(f"/api/organizations/{org}", json={"name": "Audited"})
    rename_request_id = api.last.headers["X-Request-Id"]
    for _ in range(4):
        api.post(f"/api/organizations/{org}/invites", json={"role": "member"}, expect=201)

    page = api.get(f"/api/organizations/{org}/audit?limit=2")
    assert [e["action"] for e in page["events"]] == ["invite.created", "invite.created"]
    seen = [e["id"] for e in page["events"]]
    while page["next_cursor"]:
        page = api.get(f"/api/organizations/{org}/audit", params={"limit": 2, "cursor": page["next_cursor"]})
        seen += [e["id"] for e in page["events"]]
    assert len(seen) == len(set(seen)) == 6

    renamed = api.get(f"/api/organizations/{org}/audit?action=organization.renamed")["events"]
    assert len(renamed) == 1
    event = renamed[0]
    assert event["request_id"] == rename_request_id
    assert event["ip"] == api.source_ip
    assert event["actor"] == {"type": "user", "id": owner["user"]["id"]}
    assert event["target"] == {"type": "organization", "id": org}

    # A client-sent X-Request-Id or X-Real-IP is not what gets recorded.
    api.patch(f"/api/organizations/{org}", json={"name": "Spoofed"},
              headers={"X-Request-Id": "forged-id", "X-Real-IP": "203.0.113.9"})
    latest = api.get(f"/api/organizations/{org}/audit?limit=1")["events"][0]
    assert latest["action"] == "organization.renamed"
    assert latest["request_id"] != "forged-id" and latest["ip"] == api.source_ip

    r = api.request("GET", f"/api/organizations/{org}/audit?cursor=bogus")
    assert r.status_code == 400 and error_code(r) == "invalid_cursor"
    stranger = new_user()["api"]
    assert stranger.request("GET", f"/api/organizations/{org}/audit").status_code == 404


def test_a_browser_lists_and_ends_its_other_sessions_with_csrf(new_user, make_api):
    user = new_user()
    phone = make_api()
    phone.post("/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD},
               headers={"User-Agent": "Phone/2.0"})
    browser = user["api"]
    browser.token = None  # cookies only, like a page

    sessions = browser.get("/api/me/sessions")
    assert len(sessions) == 2
    other = next(s for s in sessions if not s["current"])
    assert other["ip"] == phone.source_ip and other["user_agent"] == "Phone/2.0"
    assert phone.get("/api/me")["auth"]["method"] == "session"

    r = browser.request("DELETE", f"/api/me/sessions/{other['id']}")
    assert r.status_code == 403 and error_code(r) == "csrf_failed"
    csrf = browser.session.cookies.get("orgplane_csrf")
    browser.delete(f"/api/me/sessions/{other['id']}", headers={"X-CSRF-Token": csrf})
    assert phone.request("GET", "/api/me").status_code == 401
    assert [s["current"] for s in browser.get("/api/me/sessions")] == [True]

    # Someone else's session is not found; end-all-others keeps the current one.
    assert browser.request("DELETE", f"/api/me/sessions/{uuid.uuid4()}", headers={"X-CSRF-Token": csrf}).status_code == 404
    laptop = make_api()
    laptop.post("/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD})
    browser.delete("/api/me/sessions", headers={"X-CSRF-Token": csrf})
    assert laptop.request("GET", "/api/me").status_code == 401
    assert browser.get("/api/me")["user"]["id"] == user["user"]["id"]
