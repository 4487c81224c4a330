"""Database leases through nginx, with real psql connections (docs/TENANCY.md, "Leases"), and
deleting an organization: what a client sees, and what PostgreSQL logs."""

from __future__ import annotations

import math
import os
import subprocess
import time

import pytest
from pg import ADMIN_URL, admin, clean_env, cluster, psql

pytestmark = pytest.mark.skipif(not ADMIN_URL, reason="needs ORGPLANE_TEST_ADMIN_URL (scripts/test)")

TRIALS = 50


def org_path(user: dict, rest: str = "") -> str:
    return f"/api/organizations/{user['organization']['id']}{rest}"


def join(owner: dict, new_user, role: str = "member") -> dict:
    invite = owner["api"].post(org_path(owner, "/invites"), json={"role": role}, expect=201)
    return new_user(invite_token=invite["token"])


class Session:
    """One psql process holding one connection, fed statements line by line."""

    def __init__(self, uri: str):
        self.process = subprocess.Popen(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", uri], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env())

    def ask(self, sql: str) -> str:
        self.process.stdin.write(sql + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def lost(self) -> bool:
        """Whether the connection is gone: psql ends (status 2) on the next statement."""
        try:
            self.process.stdin.write("select 1;\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass
        try:
            return self.process.wait(10) != 0
        except subprocess.TimeoutExpired:
            return False

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def backends(pid: int) -> int:
    return int(admin(f"select count(*) from pg_stat_activity where pid = {pid}").strip())


def test_psql_connects_with_the_uri_and_lands_in_the_members_role(new_user):
    owner = new_user()
    member = join(owner, new_user)
    lease = member["api"].post(org_path(owner, "/db-leases"), json={"ttl_seconds": 120}, expect=201)
    assert member["api"].last.headers["Cache-Control"] == "no-store"
    assert lease["uri"].startswith(f"postgresql://{lease['username']}:{lease['password']}@")
    out = psql("select current_user || ' ' || session_user", url=lease["uri"]).stdout.strip()
    assert out == f"{lease['database_role']} {lease['username']}"
    assert lease["database_role"].endswith("_rw")
    # The same login over the unix socket.
    socket, port = cluster()
    url = f"host={socket} port={port} dbname={lease['database']} user={lease['username']} password={lease['password']}"
    assert psql("select current_user", url=url).stdout.strip() == lease["database_role"]
    # A member writes rows but cannot create tables; what the owner role creates, it can use.
    owner_lease = owner["api"].post(org_path(owner, "/db-leases"), expect=201)
    schema = "o_" + owner["organization"]["id"].replace("-", "")
    psql(f"create table {schema}.lease_made (id int)", url=owner_lease["uri"])
    psql(f"insert into {schema}.lease_made values (1)", url=lease["uri"])
    refused = psql(f"create table {schema}.mine (id int)", url=lease["uri"], check=False)
    assert refused.returncode != 0 and "permission denied" in refused.stderr
    owned_by = admin(f"select tableowner from pg_tables where schemaname = '{schema}' and tablename = 'lease_made'").strip()
    assert owned_by == f"{schema}_owner"
    listed = owner["api"].get(org_path(owner, "/db-leases"))
    assert {item["id"] for item in listed} == {lease["id"], owner_lease["id"]}
    assert lease["password"] not in owner["api"].last.text


def test_no_lease_secret_reaches_postgresqls_log_with_log_statement_all(new_user):
    log = os.path.join(os.environ.get("ORGPLANE_TEST_PG_DIR", ""), "log", "postgresql.log")
    if not os.path.exists(log):
        pytest.skip("needs ORGPLANE_TEST_PG_DIR (scripts/test)")
    owner = new_user()
    start = os.path.getsize(log)
    admin("alter system set log_statement = 'all'", "select pg_reload_conf()")
    try:
        time.sleep(0.3)
        lease = owner["api"].post(org_path(owner, "/db-leases"), expect=201)
        psql("select 1", url=lease["uri"])
        owner["api"].delete(org_path(owner, f"/db-leases/{lease['id']}"))
    finally:
        admin("alter system reset log_statement", "select pg_reload_conf()")
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        written = f.read()
    assert "orgplane_leases.create_role" in written, "the statements were not logged at all"
    assert lease["password"] not in written
    assert lease["uri"] not in written


def test_a_removed_members_lease_session_is_cut_off_within_2_s_at_p99(new_user):
    """50 trials: a member with a live psql session on a lease (every other trial after an
    explicit SET ROLE) is removed; the time from the removal request to the backend gone.
    A fresh member each trial (invites are single use, and accepting them is rate limited)."""
    owner = new_user()
    durations = []
    for trial in range(TRIALS):
        member = join(owner, new_user)
        lease = member["api"].post(org_path(owner, "/db-leases"), json={"ttl_seconds": 60}, expect=201)
        session = Session(lease["uri"])
        try:
            if trial % 2:
                session.ask(f"set role {lease['database_role']}; select 1;")
            pid = int(session.ask("select pg_backend_pid();"))
            assert backends(pid) == 1
            started = time.monotonic()
            owner["api"].delete(org_path(owner, f"/members/{member['user']['id']}"))
            while backends(pid):
                assert time.monotonic() - started < 10, "the session outlived its member by 10 s"
                time.sleep(0.005)
            durations.append(time.monotonic() - started)
            assert session.lost()
        finally:
            session.close()
        assert psql("select 1", url=lease["uri"], check=False).returncode != 0
    durations.sort()
    p50, p99 = durations[len(durations) // 2], durations[math.ceil(len(durations) * 0.99) - 1]
    report = f"lease cut-off after member removal, {TRIALS} trials: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms\n"
    if os.environ.get("ORGPLANE_TEST_LOG_DIR"):
        with open(os.path.join(os.environ["ORGPLANE_TEST_LOG_DIR"], "lease-cutoff.txt"), "a") as f:
            f.write(report)
    assert p99 <= 2.0


def test_a_deleted_organization_is_gone_for_every_path_and_comes_back_on_restore(new_user, upstream):
    owner = new_user(organization_name="Short Lived")
    org = owner["organization"]["id"]
    key = owner["api"].post(org_path(owner, "/api-keys"), json={"name": "k", "scopes": ["dataplane:read"]}, expect=201)
    lease = owner["api"].post(org_path(owner, "/db-leases"), expect=201)
    session = Session(lease["uri"])
    try:
        pid = int(session.ask("select pg_backend_pid();"))
        assert owner["api"].request("GET", "/protected/banks/b1/memories", headers={"X-Org-Id": org}).status_code == 200
        owner["api"].delete(f"/api/organizations/{org}", json={"confirm_name": "short lived"}, expect=400)
        answer = owner["api"].delete(f"/api/organizations/{org}", json={"confirm_name": "Short Lived"}, expect=202)
        assert answer["id"] == org and answer["deletes_at"]
        assert backends(pid) == 0 and session.lost()
    finally:
        session.close()
    owner["api"].get(f"/api/organizations/{org}", expect=404)
    assert all(o["id"] != org for o in owner["api"].get("/api/me")["organizations"])
    assert owner["api"].request("GET", "/protected/banks/b1/memories", headers={"X-Org-Id": org}).status_code in (401, 403)
    keyed = owner["api"].request("GET", "/protected/banks/b1/memories", headers={"Authorization": f"Bearer {key['key']}"})
    assert keyed.status_code == 401
    owner["api"].post(f"/api/organizations/{org}/restore", expect=200)
    owner["api"].get(f"/api/organizations/{org}", expect=200)
    assert owner["api"].request("GET", "/protected/banks/b1/memories", headers={"X-Org-Id": org}).status_code == 200
