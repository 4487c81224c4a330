"""Mail, e-mail verification and password reset through real nginx, the pool and a real SMTP
server (aiosmtpd, smtp_sink.py): every message arrives as proper MIME with a working link,
every link works once and expires, a reset ends every session, and asking for a reset says
nothing about whether an account exists — not by status, body, nor time."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import statistics
import subprocess
import time
import uuid

import pytest

import smtp_sink

DEFAULT_PASSWORD = "correct horse battery staple"   # conftest's new_user password
_sources = itertools.count(1)


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.test"


def unique_source_ip() -> str:
    """A client address of this module's own (127.5.x.y): a fresh rate-limit bucket."""
    n = next(_sources)
    return f"127.5.{n // 250 % 256}.{n % 250 + 1}"

ADMIN_URL = os.environ.get("ORGPLANE_TEST_ADMIN_URL", "")
NEW_PASSWORD = "a brand new passphrase"


def psql(sql: str) -> str:
    if not ADMIN_URL:
        pytest.skip("ORGPLANE_TEST_ADMIN_URL not set (run the tests with scripts/test)")
    return subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", ADMIN_URL, "-c", sql],
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()


def error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def token_of(message) -> str:
    return smtp_sink.fragment_token(smtp_sink.link(message))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module", autouse=True)
def fresh_client_buckets():
    """This module's client addresses (127.5.x.y) start with empty rate-limit buckets (the
    e2e-pgbouncer run reuses the first run's database and would find them counted)."""
    psql("delete from orgplane.rate_limits where bucket like 'recover:ip:127.5.%' or bucket like 'invite:ip:127.5.%'")


def test_signup_mails_a_verification_link_that_verifies_the_address_once(new_user, make_api, mailbox, base_url):
    user = new_user(name="Zoë Test")
    message = mailbox.wait_for(user["email"], subject="Verify")
    # Proper MIME: dated, identified, from MAIL_FROM, UTF-8 text with an HTML alternative.
    assert message["From"].addresses[0].addr_spec == "no-reply@orgplane.test"
    assert message["From"].addresses[0].display_name == "Orgplane Tests"
    assert message["To"].addresses[0].addr_spec == user["email"]
    assert message["Date"] and re.fullmatch(r"<[A-Za-z0-9_-]+@orgplane\.test>", message["Message-ID"])
    assert message.get_content_type() == "multipart/alternative"
    assert "Hello Zoë Test," in smtp_sink.text(message)
    assert message.get_body(preferencelist=("html",)).get_content().count("href=") == 1
    link = smtp_sink.link(message)
    assert link.startswith(f"{base_url}/verify.html#token=")
    # Delivered messages leave the outbox at once (the link with them).
    assert psql(f"select count(*) from orgplane.mail_outbox where recipient = '{user['email']}'") == "0"

    api = user["api"]
    assert api.get("/api/me")["email_verified"] is False
    anyone = make_api(source_ip=unique_source_ip())   # the link may open in another browser: no session needed
    assert anyone.post("/api/auth/verify", json={"token": token_of(message)}) == {"email_verified": True}
    assert api.get("/api/me")["email_verified"] is True
    again = anyone.request("POST", "/api/auth/verify", json={"token": token_of(message)})
    assert (again.status_code, error_code(again)) == (410, "link_used")
    events = psql(f"select action from orgplane.audit_events where target_id = '{user['user']['id']}' "
                  "and action like 'email.%' order by at")
    assert events.split() == ["email.verification_sent", "email.verified"]
    # Verified already: nothing more to send.
    assert api.request("POST", "/api/auth/verify/resend").status_code == 204


def test_verification_links_expire_and_bad_ones_are_refused(new_user, make_api, mailbox):
    user = new_user()
    token = token_of(mailbox.wait_for(user["email"], subject="Verify"))
    psql(f"update orgplane.account_tokens set created_at = now() - interval '25 hours', "
         f"expires_at = now() - interval '1 hour' where token_hash = '{sha256(token)}'")
    client = make_api(source_ip=unique_source_ip())
    expired = client.request("POST", "/api/auth/verify", json={"token": token})
    assert (expired.status_code, error_code(expired)) == (410, "link_expired")
    for bad in ["", "x" * 43, "short", token[:-1] + "!", 42, None]:
        r = client.request("POST", "/api/auth/verify", json={"token": bad})
        assert (r.status_code, error_code(r)) == (400, "link_invalid"), bad
    assert user["api"].get("/api/me")["email_verified"] is False


def test_resend_sends_a_fresh_link_and_is_rate_limited(new_user, mailbox):
    user = new_user()
    api = user["api"]
    mailbox.wait_for(user["email"], subject="Verify")
    assert api.request("POST", "/api/auth/verify/resend").status_code == 202
    second = mailbox.wait_for(user["email"], subject="Verify", count=2)
    codes = [api.request("POST", "/api/auth/verify/resend").status_code for _ in range(5)]
    assert codes == [202, 202, 202, 202, 429]
    assert make_verify(api, token_of(second)).status_code == 200


def make_verify(api, token):
    return api.request("POST", "/api/auth/verify", json={"token": token})


def test_a_reset_link_sets_the_password_once_and_ends_every_session(new_user, make_api, mailbox, base_url):
    user = new_user()
    phone = make_api(source_ip=unique_source_ip())
    phone.post("/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD})
    phone_refresh = phone.last.json()["session"]["refresh_token"]
    stranger = make_api(source_ip=unique_source_ip())

    r = stranger.request("POST", "/api/auth/recover", json={"email": user["email"].upper()})
    assert (r.status_code, r.content) == (202, b"")
    message = mailbox.wait_for(user["email"], subject="Reset")
    link = smtp_sink.link(message)
    assert link.startswith(f"{base_url}/reset.html#token=")
    token = smtp_sink.fragment_token(link)

    weak = stranger.request("POST", "/api/auth/recover/confirm", json={"token": token, "password": "short"})
    assert (weak.status_code, error_code(weak)) == (400, "weak_password")   # the link is not spent
    done = stranger.request("POST", "/api/auth/recover/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 204

    # Every session ended: access tokens and refresh tokens of both devices.
    assert user["api"].request("GET", "/api/me").status_code == 401
    assert make_api(source_ip=unique_source_ip()).request("POST", "/api/auth/refresh", json={"refresh_token": phone_refresh}).status_code == 401
    old = make_api(source_ip=unique_source_ip()).request("POST", "/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD})
    assert old.status_code == 401
    fresh = make_api(source_ip=unique_source_ip())
    fresh.post("/api/auth/login", json={"email": user["email"], "password": NEW_PASSWORD})
    fresh.token = fresh.last.json()["session"]["access_token"]
    # The link came to the address: it is verified now.
    assert fresh.get("/api/me")["email_verified"] is True

    again = stranger.request("POST", "/api/auth/recover/confirm", json={"token": token, "password": "yet another passphrase"})
    assert (again.status_code, error_code(again)) == (410, "link_used")
    events = psql(f"select action from orgplane.audit_events where target_id = '{user['user']['id']}' "
                  "and action like 'password.%' order by at")
    assert events.split() == ["password.reset_requested", "password.reset"]


def test_a_reset_link_expires_after_thirty_minutes(new_user, make_api, mailbox):
    user = new_user()
    client = make_api(source_ip=unique_source_ip())
    client.request("POST", "/api/auth/recover", json={"email": user["email"]})
    token = token_of(mailbox.wait_for(user["email"], subject="Reset"))
    assert psql(f"select extract(epoch from expires_at - created_at)::int from orgplane.account_tokens "
                f"where token_hash = '{sha256(token)}'") == "1800"
    psql(f"update orgplane.account_tokens set created_at = now() - interval '31 minutes', "
         f"expires_at = now() - interval '1 minute' where token_hash = '{sha256(token)}'")
    r = client.request("POST", "/api/auth/recover/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert (r.status_code, error_code(r)) == (410, "link_expired")
    login = make_api(source_ip=unique_source_ip()).request("POST", "/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD})
    assert login.status_code == 200


def test_recover_is_limited_per_address_and_per_client(make_api):
    address = unique_email("limited")
    client = make_api(source_ip=unique_source_ip())
    codes = [client.request("POST", "/api/auth/recover", json={"email": address}).status_code for _ in range(6)]
    assert codes == [202] * 5 + [429]
    shared_ip = unique_source_ip()
    codes = [make_api(source_ip=shared_ip).request("POST", "/api/auth/recover", json={"email": unique_email("ip")}).status_code
             for _ in range(11)]
    assert codes == [202] * 10 + [429]
    bad = make_api(source_ip=unique_source_ip()).request("POST", "/api/auth/recover", json={"email": "not an address"})
    assert (bad.status_code, error_code(bad)) == (400, "invalid_email")


def test_recover_answers_alike_for_known_and_unknown_addresses_in_status_body_and_time(make_api, mailbox):
    """200 known and 200 unknown addresses, interleaved, each asked once (the per-address
    limit), from clients that change every 8 requests (the per-IP limit): the answers are
    byte-identical but for the request id and date, and the medians differ by under 5 ms."""
    tag = uuid.uuid4().hex[:10]
    psql("insert into orgplane.users (email, password_hash) "
         f"select 'known-{tag}-' || i || '@example.test', 'not-a-real-hash' from generate_series(1, 200) i")
    known = [f"known-{tag}-{i}@example.test" for i in range(1, 201)]
    unknown = [f"unknown-{tag}-{i}@example.test" for i in range(1, 201)]
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    answers: dict[str, set] = {"known": set(), "unknown": set()}
    client = None
    for i in range(400):
        if i % 8 == 0:
            client = make_api(source_ip=unique_source_ip())
        kind = "known" if i % 2 == 0 else "unknown"
        email = (known if kind == "known" else unknown)[i // 2]
        started = time.perf_counter()
        r = client.request("POST", "/api/auth/recover", json={"email": email})
        timings[kind].append((time.perf_counter() - started) * 1000)
        headers = tuple(sorted((k, v) for k, v in r.headers.items() if k not in ("X-Request-Id", "Date")))
        answers[kind].add((r.status_code, r.content, headers))
    assert answers["known"] == answers["unknown"] and len(answers["known"]) == 1, answers["known"] ^ answers["unknown"]
    assert next(iter(answers["known"]))[:2] == (202, b"")
    difference = abs(statistics.median(timings["known"]) - statistics.median(timings["unknown"]))
    summary = (f"recover medians over 200 + 200: known {statistics.median(timings['known']):.2f} ms, "
               f"unknown {statistics.median(timings['unknown']):.2f} ms, difference {difference:.2f} ms\n")
    with open(os.path.join(os.environ.get("ORGPLANE_TEST_LOG_DIR", "var/test/logs"), "recover-timing.log"), "a") as log:
        log.write(summary)
    assert difference < 5, timings
    # Only known addresses get mail.
    mailbox.wait_for(known[-1], subject="Reset")
    assert not mailbox.received(unknown[0]) and not mailbox.received(unknown[-1])


def test_an_email_bound_invite_is_mailed_and_needs_a_verified_address(new_user, make_api, mailbox):
    owner = new_user(name="Olive Owner", organization_name="Mailed Org")
    org = owner["organization"]["id"]
    invitee_email = unique_email("invitee")
    created = owner["api"].post(f"/api/organizations/{org}/invites", json={"role": "member", "email": invitee_email}, expect=201)
    invitation = mailbox.wait_for(invitee_email, subject="invited you")
    assert str(invitation["Subject"]) == "Olive Owner invited you to Mailed Org on Orgplane"
    assert smtp_sink.link(invitation) == created["url"]   # the same link the inviter was shown

    # A new account has no verified address: signing up with the bound invite creates nothing.
    refused = make_api(source_ip=unique_source_ip()).request(
        "POST", "/api/auth/signup", json={"email": invitee_email, "password": DEFAULT_PASSWORD, "invite_token": created["token"]})
    assert (refused.status_code, error_code(refused)) == (403, "email_not_verified")
    assert psql(f"select count(*) from orgplane.users where email = '{invitee_email}'") == "0"
    invitee = new_user(email=invitee_email)
    r = invitee["api"].request("POST", "/api/invites/accept", json={"token": created["token"]})
    assert (r.status_code, error_code(r)) == (403, "email_not_verified")
    token = token_of(mailbox.wait_for(invitee_email, subject="Verify"))
    make_api(source_ip=unique_source_ip()).post("/api/auth/verify", json={"token": token})
    accepted = invitee["api"].post("/api/invites/accept", json={"token": created["token"]})
    assert accepted["organization"]["id"] == org
    # A link invite (no address) is not mailed, and needs no verified address.
    link_invite = owner["api"].post(f"/api/organizations/{org}/invites", json={"role": "viewer"}, expect=201)
    unverified = new_user()
    unverified["api"].post("/api/invites/accept", json={"token": link_invite["token"]})


def test_a_failed_send_is_logged_kept_in_the_outbox_and_retried(new_user, mailbox):
    mailbox.enabled = False
    try:
        user = new_user()
        deadline = time.monotonic() + 20
        while True:
            row = psql(f"select attempts, last_error from orgplane.mail_outbox where recipient = '{user['email']}'")
            if row.startswith("1|") and row != "1|":   # attempted, and its error recorded
                break
            assert time.monotonic() < deadline, f"no failed attempt recorded: {row!r}"
            time.sleep(0.2)
        assert "451" in row
        log = open(os.path.join(os.environ.get("ORGPLANE_TEST_LOG_DIR", "var/test/logs"), "orgplane.log")).read()
        assert '"event":"mail.failed"' in log
    finally:
        mailbox.enabled = True
    # Due again now (instead of after the 5 s backoff): the next courier round sends it.
    psql(f"update orgplane.mail_outbox set next_attempt_at = now() where recipient = '{user['email']}'")
    mailbox.wait_for(user["email"], subject="Verify")
    deadline = time.monotonic() + 10
    while psql(f"select count(*) from orgplane.mail_outbox where recipient = '{user['email']}'") != "0":
        assert time.monotonic() < deadline
        time.sleep(0.2)


BIN = os.environ.get("ORGPLANE_TEST_BIN")


def mail_test(address: str, **env: str) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": os.environ.get("ORGPLANE_TEST_DATABASE_URL", ""),
            "MAIL_FROM": "Orgplane Tests <no-reply@orgplane.test>"}
    return subprocess.run([BIN, "mail-test", address], env={**base, **env}, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def tls_certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (and its key), as a private CA would issue."""
    directory = tmp_path_factory.mktemp("smtp-tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return str(cert), str(key)


@pytest.mark.skipif(not BIN, reason="needs ORGPLANE_TEST_BIN (run with scripts/test)")
def test_starttls_is_used_when_offered_and_the_certificate_is_verified(tls_certificate):
    cert, key = tls_certificate
    secure = smtp_sink.starttls_server(cert, key)   # refuses MAIL FROM before STARTTLS
    url = f"smtp://127.0.0.1:{smtp_sink.SMTP_TLS_PORT}"
    address = unique_email("tls")
    sent = mail_test(address, MAIL_URL=url, MAIL_CA_FILE=cert)
    assert sent.returncode == 0, sent.stderr
    message = secure.wait_for(address, subject="Orgplane test message")
    assert message["From"].addresses[0].addr_spec == "no-reply@orgplane.test"
    # Without the private CA the same server is refused: the certificate is checked.
    untrusted = mail_test(unique_email("tls"), MAIL_URL=url)
    assert untrusted.returncode == 1 and "not sent" in untrusted.stderr, untrusted.stderr
    # A server that is not listening: a failure in words, with no credentials in them.
    down = mail_test(unique_email("down"), MAIL_URL="smtp://user:hunter2@127.0.0.1:9", MAIL_TIMEOUT_MS="1000")
    assert down.returncode == 1 and "hunter2" not in down.stderr, down.stderr
