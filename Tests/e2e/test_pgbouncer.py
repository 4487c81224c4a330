"""The PgBouncer topology (docs/INTERFACES.md, "PgBouncer"): scripts/test runs this whole
directory a second time with the pool's DATABASE_URL through PgBouncer 1.18 in transaction
mode (suite `e2e-pgbouncer`). What that mode cannot carry must never be sent: named
prepared statements (a server connection serves many clients, so a statement prepared on
one is missing or wrong on the next) and startup parameters PgBouncer does not know
(`options`, which it refuses). These tests run only in that run (ORGPLANE_TEST_PGBOUNCER=1).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.parse

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("ORGPLANE_TEST_PGBOUNCER") != "1",
    reason="only in scripts/test's e2e-pgbouncer run (the pool behind PgBouncer)")

ADMIN_URL = os.environ.get("ORGPLANE_TEST_ADMIN_URL", "")
SERVICE_URL = os.environ.get("ORGPLANE_TEST_DATABASE_URL", "")
PG_LOG = os.path.join(os.environ.get("ORGPLANE_TEST_PG_DIR", ""), "log", "postgresql.log")
PGBOUNCER_LOG = os.path.join(os.environ.get("ORGPLANE_TEST_PGBOUNCER_DIR", ""), "log", "pgbouncer.log")

# What PostgreSQL logs for each extended-protocol message when log_min_duration_statement
# is 0: "duration: 0.1 ms  parse <unnamed>: select …", "… bind S_1: …", "… execute S_1: …".
EXTENDED = re.compile(r"orgplane_service@orgplane .*duration: [0-9.]+ ms  (parse|bind|execute) ([^:]+):")


def psql(url: str, *sql: str) -> str:
    args = ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", url]
    for statement in sql:
        args += ["-c", statement]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=30, env=env).stdout


def some_traffic(new_user) -> None:
    """Signup, login-backed reads and writes: most of the pool's statements."""
    user = new_user()
    client = user["api"]
    org = user["organization"]["id"]
    client.get("/api/me")
    client.post(f"/api/organizations/{org}/api-keys", json={"name": "k", "scopes": ["org:read"]}, expect=201)
    client.get(f"/api/organizations/{org}/api-keys")
    client.get("/api/organizations")


def test_the_pool_reaches_postgresql_only_through_pgbouncer():
    url = urllib.parse.urlparse(SERVICE_URL)
    assert os.environ["ORGPLANE_TEST_PGBOUNCER_DIR"] in urllib.parse.parse_qs(url.query)["host"][0]
    # Transaction pooling at work: however many connections the pool's workers hold, the
    # service role has at most default_pool_size (4) sessions on PostgreSQL.
    backends = int(psql(ADMIN_URL, "select count(*) from pg_stat_activity where usename = 'orgplane_service'"))
    assert 1 <= backends <= 4


def test_no_named_prepared_statement_reaches_postgresql(new_user):
    # pg_prepared_statements is per session, and PgBouncer hands sessions around: read
    # PostgreSQL's own log of every statement instead, for a stretch of traffic.
    start = os.path.getsize(PG_LOG)
    psql(ADMIN_URL, "alter system set log_min_duration_statement = 0", "select pg_reload_conf()")
    try:
        messages: list[tuple[str, str]] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the reload reaches each backend at its next command
            some_traffic(new_user)
            with open(PG_LOG, encoding="utf-8", errors="replace") as f:
                f.seek(start)
                messages = EXTENDED.findall(f.read())
            if any(kind == "execute" for kind, _ in messages):
                break
    finally:
        psql(ADMIN_URL, "alter system reset log_min_duration_statement", "select pg_reload_conf()")
    assert any(kind == "execute" for kind, _ in messages), "no statement of the pool was logged"
    named = sorted({(kind, name) for kind, name in messages if name != "<unnamed>"})
    assert named == [], f"named statements through PgBouncer: {named[:10]}"


def test_no_startup_option_reaches_postgresql(new_user):
    some_traffic(new_user)
    # The pool's URL asks for no startup options ...
    query = urllib.parse.parse_qs(urllib.parse.urlparse(SERVICE_URL).query)
    assert "options" not in query and "application_name" not in query
    # ... PgBouncer refused none (it answers `unsupported startup parameter` and logs it) ...
    with open(PGBOUNCER_LOG, encoding="utf-8", errors="replace") as f:
        log = f.read()
    assert "login attempt: db=orgplane user=orgplane_service" in log
    assert "unsupported startup parameter" not in log
    # ... and the server sessions it opened carry no setting a client's startup packet gave,
    # beyond the ones PgBouncer itself tracks and sends.
    given = psql(SERVICE_URL, "select name from pg_settings where source = 'client' order by 1").split()
    assert set(given) <= {"client_encoding", "DateStyle", "TimeZone", "standard_conforming_strings",
                          "application_name"}, given


def test_the_pool_runs_here_with_prepared_statements_off():
    assert os.environ.get("DATABASE_PREPARED_STATEMENTS") == "off"


def test_doctor_warns_when_prepared_statements_are_on_behind_the_pooler():
    binary = os.environ["ORGPLANE_TEST_BIN"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    base = {"PATH": os.environ.get("PATH", ""), "MIGRATIONS_DIR": os.path.join(root, "migrations"),
            "DATAPLANE_CATALOGUE": os.path.join(root, "dataplane", "hindsight.json"),
            "DATABASE_URL": SERVICE_URL, "JWT_SECRET": os.environ["ORGPLANE_TEST_JWT_SECRET"]}

    def doctor(prepared: str) -> subprocess.CompletedProcess:
        return subprocess.run([binary, "doctor"], env=dict(base, DATABASE_PREPARED_STATEMENTS=prepared),
                              capture_output=True, text=True, timeout=60)

    warned = doctor("on")
    assert warned.returncode == 0, warned.stdout  # a warning, not a failure: PgBouncer >= 1.21 can carry them
    assert "WARN DATABASE_PREPARED_STATEMENTS is on" in warned.stdout
    assert "set DATABASE_PREPARED_STATEMENTS=off" in warned.stdout
    quiet = doctor("off")
    assert quiet.returncode == 0, quiet.stdout
    assert "WARN" not in quiet.stdout
