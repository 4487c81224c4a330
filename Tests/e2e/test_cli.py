"""The `orgplane` binary fails fast on bad configuration, and `doctor` / `migrate` tell the
truth about the database (DESIGN non-negotiable 6)."""

from __future__ import annotations

import os
import subprocess
import tempfile

import pytest

BIN = os.environ.get("ORGPLANE_TEST_BIN")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.skipif(not BIN, reason="needs ORGPLANE_TEST_BIN (run with scripts/test)")


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", ""), "MIGRATIONS_DIR": os.path.join(ROOT, "migrations"),
            "DATAPLANE_CATALOGUE": os.path.join(ROOT, "dataplane", "hindsight.json")}
    base.update(env)
    return subprocess.run([BIN, *args], env=base, capture_output=True, text=True, timeout=60)


def good_env() -> dict[str, str]:
    return {"DATABASE_URL": os.environ["ORGPLANE_TEST_DATABASE_URL"], "JWT_SECRET": os.environ["ORGPLANE_TEST_JWT_SECRET"]}


@pytest.mark.parametrize("overrides,message", [
    ({"JWT_SECRET": ""}, "JWT_SECRET is not set"),
    ({"JWT_SECRET": "too-short"}, "JWT_SECRET is too short"),
    ({"ORG_CREATION_POLICY": "whenever"}, "ORG_CREATION_POLICY must be direct_signup_only or open"),
    ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL must start with postgresql://"),
])
def test_serve_refuses_bad_configuration_with_a_plain_message(overrides, message):
    with tempfile.TemporaryDirectory() as scratch:
        result = run("serve", **{**good_env(), "FCGI_SOCKET": os.path.join(scratch, "s.sock"), **overrides})
        assert result.returncode != 0
        assert message in result.stderr
        assert not os.path.exists(os.path.join(scratch, "s.sock")), "a refused start must not open its socket"


def test_every_problem_is_listed_at_once():
    result = run("serve", DATABASE_URL="", JWT_SECRET="", ORG_CREATION_POLICY="x", WORKER_THREADS="0")
    assert result.returncode != 0
    for message in ("DATABASE_URL is not set", "JWT_SECRET is not set", "ORG_CREATION_POLICY", "WORKER_THREADS"):
        assert message in result.stderr


def test_a_bad_catalogue_stops_the_service():
    with tempfile.NamedTemporaryFile("w", suffix=".json") as bad:
        bad.write('{"operations": [{"name": "x", "method": "FETCH", "path": "/a", "class": "read"}]}')
        bad.flush()
        result = run("serve", **good_env(), DATAPLANE_CATALOGUE=bad.name)
    assert result.returncode != 0
    assert "HTTP method" in result.stderr


def test_doctor_passes_against_the_migrated_test_database():
    result = run("doctor", **good_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the service role is not a superuser" in result.stdout
    assert "row level security is on for all" in result.stdout
    assert "migrations are current" in result.stdout
    if os.environ.get("ORGPLANE_TEST_PGBOUNCER") != "1":  # straight to PostgreSQL: nothing to warn about
        assert "WARN" not in result.stdout, result.stdout


def test_doctor_notices_a_superuser():
    result = run("doctor", DATABASE_URL=os.environ["ORGPLANE_TEST_ADMIN_URL"], JWT_SECRET=os.environ["ORGPLANE_TEST_JWT_SECRET"])
    assert result.returncode != 0
    assert "FAIL the service role is not a superuser" in result.stdout


def test_migrate_against_an_unreachable_database_fails_plainly():
    result = run("migrate", MIGRATE_DATABASE_URL="postgresql://nobody@127.0.0.1:9/none?connect_timeout=2")
    assert result.returncode != 0
    assert result.stderr.startswith("migrate:")


def test_migrate_is_idempotent():
    result = run("migrate", MIGRATE_DATABASE_URL=os.environ["ORGPLANE_TEST_ADMIN_URL"])
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_the_cli_and_the_api_report_the_same_version(api):
    result = run("version")
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    assert printed.startswith("orgplane ")
    answer = api.request("GET", "/api/version")
    assert answer.status_code == 200
    assert printed == "orgplane " + answer.json()["version"]
