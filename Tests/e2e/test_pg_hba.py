"""The local cluster's client authentication (scripts/lib.sh pg_hba): lease roles, members of
orgplane_lease, prove a SCRAM-SHA-256 password over the socket and TCP; the service role and
the superuser keep the local trust the scripts use."""

from __future__ import annotations

import secrets

import pytest
from pg import ADMIN_URL, admin, cluster, psql

pytestmark = pytest.mark.skipif(not ADMIN_URL, reason="needs ORGPLANE_TEST_ADMIN_URL (scripts/test)")


def rules() -> list[list[str]]:
    out = admin("select line_number, type, array_to_string(user_name, ','), coalesce(address, ''), auth_method, coalesce(error, '')"
                " from pg_hba_file_rules order by line_number")
    return [line.split("|") for line in out.splitlines()]


def test_lease_roles_match_scram_rules_before_any_trust_rule():
    found = rules()
    assert all(rule[5] == "" for rule in found), f"pg_hba.conf has errors: {found}"
    first_trust = min(int(r[0]) for r in found if r[4] == "trust")
    lease = [r for r in found if r[2] == "+orgplane_lease"]
    assert {r[1] for r in lease} == {"local", "host"}
    assert all(r[4] == "scram-sha-256" and int(r[0]) < first_trust for r in lease)
    # Nothing but loopback is trusted over TCP.
    assert {r[3] for r in found if r[1] == "host" and r[4] == "trust"} <= {"127.0.0.1", "::1"}
    assert admin("show password_encryption").strip() == "scram-sha-256"


def test_a_lease_role_needs_its_password_on_the_socket_and_on_tcp_and_the_service_role_does_not():
    socket, port = cluster()
    role = f"test_hba_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(24)
    admin("do $$ begin if not exists (select 1 from pg_roles where rolname = 'orgplane_lease') then create role orgplane_lease nologin; end if; end $$",
          f"create role {role} login in role orgplane_lease",
          f"grant connect on database orgplane to {role}",  # CONNECT is not PUBLIC's (0012)
          f"set password_encryption = 'scram-sha-256'; alter role {role} password '{password}'")
    try:
        for where in (f"host={socket} port={port}", f"host=127.0.0.1 port={port}"):
            base = f"{where} dbname=orgplane user={role} connect_timeout=5"
            assert psql("select current_user", url=f"{base} password={password}").stdout.strip() == role
            denied = psql("select 1", url=base, check=False)
            assert denied.returncode != 0 and "password" in denied.stderr
            wrong = psql("select 1", url=f"{base} password=wrong", check=False)
            assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr
        assert psql("select current_user", url=f"host={socket} port={port} dbname=orgplane user=orgplane_service").stdout.strip() == "orgplane_service"
    finally:
        admin(f"revoke connect on database orgplane from {role}", f"drop role if exists {role}")
