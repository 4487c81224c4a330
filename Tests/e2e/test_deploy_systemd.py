"""The production units in deploy/systemd/ (docs/INSTALL.md): systemd accepts them, their
sandbox stays as tight as measured, they carry the directives issue 12 asks for, the pool
runs under the strictest of them (MemoryDenyWriteExecute), and the env-file template
lists every setting the README documents. No systemd as PID 1 is needed: `systemd-analyze
verify` and `security --offline` read unit files."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import sys
import subprocess
import tempfile
import time

import pytest

import fastcgi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNITS = os.path.join(ROOT, "deploy", "systemd")
INSTALLED_BINARY = "/usr/local/bin/orgplane"

# Measured with systemd 252 (Debian 12) when the units were written; a change that
# loosens the sandbox raises the score and fails here. Lower it when you tighten.
EXPOSURE_AT_MOST = {"orgplane.service": 1.5, "orgplane-migrate.service": 1.2, "orgplane-nginx.service": 4.0}


def unit_directives(name: str) -> dict[str, list[str]]:
    """Every `Key=value` of a unit file, values in order (a key may repeat)."""
    found: dict[str, list[str]] = {}
    with open(os.path.join(UNITS, name)) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", ";", "[")):
                key, _, value = line.partition("=")
                found.setdefault(key.strip(), []).append(value.strip())
    return found


def systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is missing (Debian package `systemd`)")
        pytest.skip("systemd-analyze is not installed")
    return path


def units_for_analysis(scratch: str) -> list[str]:
    """Copies of the units whose ExecStart runs the binary under test: `verify` refuses a
    unit whose command does not exist, and nothing is installed on the test machine."""
    binary = os.environ.get("ORGPLANE_TEST_BIN")
    if not binary:
        pytest.skip("needs ORGPLANE_TEST_BIN (scripts/test)")
    copies = []
    for name in sorted(os.listdir(UNITS)):
        if name.endswith(".service"):
            with open(os.path.join(UNITS, name)) as f:
                text = f.read().replace(INSTALLED_BINARY, binary)
            copies.append(os.path.join(scratch, name))
            with open(copies[-1], "w") as f:
                f.write(text)
    return copies


def test_systemd_accepts_every_unit():
    analyze = systemd_analyze()
    with tempfile.TemporaryDirectory() as scratch:
        units = units_for_analysis(scratch)
        assert {os.path.basename(u) for u in units} >= {"orgplane.service", "orgplane-migrate.service",
                                                        "orgplane-nginx.service"}
        result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_the_sandbox_exposure_stays_at_or_below_what_was_measured():
    analyze = systemd_analyze()
    with tempfile.TemporaryDirectory() as scratch:
        units = {os.path.basename(u): u for u in units_for_analysis(scratch)}
        for name, ceiling in EXPOSURE_AT_MOST.items():
            result = subprocess.run([analyze, "security", "--offline=yes", "--no-pager", units[name]],
                                    capture_output=True, text=True, timeout=60)
            match = re.search(r"Overall exposure level for \S+: (\d+\.\d) (\w+)", result.stdout)
            assert match, result.stdout + result.stderr
            print(f"{name}: exposure {match.group(1)} {match.group(2)}")
            assert float(match.group(1)) <= ceiling, f"{name}: exposure {match.group(1)} > {ceiling}\n{result.stdout}"
            assert match.group(2) == "OK"


def test_the_pool_unit_carries_the_hardening_issue_12_asks_for():
    unit = unit_directives("orgplane.service")
    one = {key: values[-1] for key, values in unit.items()}
    assert one["ExecStart"] == f"{INSTALLED_BINARY} serve"
    assert one["Restart"] == "always"
    assert one["User"] == "orgplane" and one["User"] != "root"
    for key in ("NoNewPrivileges", "PrivateTmp", "ProtectHome", "ProtectKernelTunables", "ProtectKernelModules",
                "ProtectKernelLogs", "ProtectControlGroups", "LockPersonality", "MemoryDenyWriteExecute",
                "RestrictSUIDSGID", "RestrictNamespaces", "PrivateDevices"):
        assert one.get(key) == "yes", key
    assert one["ProtectSystem"] == "strict"
    # Writable: the socket directory only, which systemd creates as /run/orgplane.
    assert one["RuntimeDirectory"] == "orgplane"
    assert unit["ReadWritePaths"] == ["/run/orgplane"]
    assert "StateDirectory" not in unit and "LogsDirectory" not in unit and "CacheDirectory" not in unit
    assert one["RestrictAddressFamilies"].split() == ["AF_UNIX", "AF_INET", "AF_INET6"]
    assert one["CapabilityBoundingSet"] == "" and one["AmbientCapabilities"] == ""
    assert "@system-service" in unit["SystemCallFilter"]
    assert one["UMask"] == "0077"
    # Secrets come from the 0600 env file, never from Environment= (which `systemctl show` prints).
    assert unit["EnvironmentFile"] == ["/etc/orgplane/orgplane.env"]
    environment = " ".join(unit.get("Environment", []))
    assert "SECRET" not in environment and "DATABASE_URL" not in environment
    # The socket nginx reaches: in the runtime directory, handed to nginx's group.
    assert "FCGI_SOCKET=/run/orgplane/orgplane.sock" in environment.split()
    assert "FCGI_SOCKET_GROUP=www-data" in environment.split()
    assert unit["SupplementaryGroups"] == ["www-data"]  # chown(2) to a group needs membership
    # Migrations first: the pool does not start when they fail.
    assert "orgplane-migrate.service" in one["Requires"].split() and "orgplane-migrate.service" in one["After"].split()


def readme_default(variable: str) -> int:
    """The default the README settings table gives for VARIABLE (an integer)."""
    with open(os.path.join(ROOT, "README.md")) as f:
        for line in f:
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 3 and f"`{variable}`" in cells[1]:
                names = re.findall(r"`([A-Z_]+)`", cells[1])
                defaults = re.findall(r"`([^`]+)`", cells[2])
                return int(defaults[names.index(variable)])
    raise AssertionError(f"{variable} is not in the README settings table")


def test_stopping_waits_longer_than_a_request_in_flight_may_take():
    one = {k: v[-1] for k, v in unit_directives("orgplane.service").items()}
    assert one["KillSignal"] == "SIGTERM"
    # SIGTERM to the supervisor only; it stops its workers, which finish their requests.
    assert one["KillMode"] == "mixed"
    stop_seconds = int(one["TimeoutStopSec"].removesuffix("s"))
    in_flight_seconds = readme_default("DATAPLANE_TIMEOUT_MS") / 1000 + 5  # docs/INTERFACES.md
    assert stop_seconds > in_flight_seconds


def readme_settings() -> set[str]:
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    table = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line))
    return names


def test_the_env_file_template_lists_every_documented_setting():
    settings = readme_settings()
    assert {"DATABASE_URL", "JWT_SECRET", "AUDIT_RETENTION_DAYS", "RATE_LIMIT_WINDOW_SECONDS"} <= settings
    with open(os.path.join(UNITS, "orgplane.env.example")) as f:
        listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", f.read(), re.MULTILINE))
    assert settings - listed == set(), "settings the env template misses"
    assert listed - settings == set(), "settings the env template invents"


def test_render_nginx_points_nginx_at_the_units_socket():
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run([os.path.join(ROOT, "scripts", "render-nginx"), scratch, "LISTEN=127.0.0.1:1"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        with open(os.path.join(scratch, "conf", "nginx.conf")) as f:
            conf = f.read()
    assert "server unix:/run/orgplane/orgplane.sock" in conf
    assert "user www-data;" in conf


PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1


def test_the_pool_serves_under_memory_deny_write_execute(new_user):
    """The unit sets MemoryDenyWriteExecute=yes: no mapping may be writable and executable.
    The kernel's own form of it (PR_SET_MDWE, Linux 6.3+, inherited by forks and execs)
    checks that the Swift runtime, libpq, libjwt, libsodium and libcurl never need one."""
    binary = os.environ.get("ORGPLANE_TEST_BIN")
    database = os.environ.get("ORGPLANE_TEST_DATABASE_URL")
    secret = os.environ.get("ORGPLANE_TEST_JWT_SECRET")
    if not (binary and database and secret):
        pytest.skip("needs ORGPLANE_TEST_BIN, ORGPLANE_TEST_DATABASE_URL, ORGPLANE_TEST_JWT_SECRET (scripts/test)")
    libc = ctypes.CDLL(None, use_errno=True)

    def deny_write_execute():
        if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_MDWE)")

    try:
        check = subprocess.run([sys.executable, "-c", "import mmap; mmap.mmap(-1, 4096, prot=7)"],
                               preexec_fn=deny_write_execute, capture_output=True, text=True)
    except OSError as error:
        pytest.skip(f"this kernel has no PR_SET_MDWE: {error}")
    assert check.returncode != 0 and "PermissionError" in check.stderr, "a W+X mapping was allowed: MDWE is not on"

    user = new_user()
    with tempfile.TemporaryDirectory() as scratch:
        sock = os.path.join(scratch, "pool.sock")
        env = dict(os.environ, DATABASE_URL=database, JWT_SECRET=secret, FCGI_SOCKET=sock,
                   WORKER_PROCESSES="1", WORKER_THREADS="2", MIGRATIONS_DIR=os.path.join(ROOT, "migrations"),
                   DATAPLANE_CATALOGUE=os.path.join(ROOT, "dataplane", "hindsight.json"))
        pool = subprocess.Popen([binary, "serve"], env=env, preexec_fn=deny_write_execute,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while not os.path.exists(sock):
                assert time.monotonic() < deadline and pool.poll() is None, "the pool did not start under MDWE"
                time.sleep(0.05)
            assert fastcgi.get(sock, "/readyz", {})[0] == 200
            status, body = fastcgi.get(sock, "/api/me", {"Authorization": f"Bearer {user['access_token']}"})
            assert status == 200 and user["email"].encode() in body
            pool.send_signal(signal.SIGTERM)
            assert pool.wait(15) == 0
        finally:
            if pool.poll() is None:
                pool.kill()
