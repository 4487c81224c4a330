"""Many pools on many hosts (docs/SCALING.md): nginx, two pool hosts and PostgreSQL, each
in a network namespace this test makes (`ip netns`, veth pairs on a bridge in a fifth
namespace; traffic stays inside them). The pools listen for FastCGI over TCP
(`FCGI_LISTEN`) and accept only nginx's address (`FCGI_WEB_SERVER_ADDRS`); nginx's upstream
lists both (`fastcgi_next_upstream error timeout`, never `non_idempotent`). Under a read and
write load one pool host is killed: reads see no error, and no write is applied twice."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = os.path.join(ROOT, "scripts", "lib.sh")
BINARY = os.environ.get("ORGPLANE_TEST_BIN")
SECRET = os.environ.get("ORGPLANE_TEST_JWT_SECRET")


def namespaces_work() -> str | None:
    """None when this process may make network namespaces, else why not."""
    if os.geteuid() != 0:
        return "needs root (ip netns)"
    probe = f"opprobe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"ip netns add failed: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


REASON = None if BINARY and SECRET else "needs ORGPLANE_TEST_BIN and ORGPLANE_TEST_JWT_SECRET (scripts/test)"
REASON = REASON or namespaces_work()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


def sh(*args: str, namespace: str | None = None, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    command = (["ip", "netns", "exec", namespace] if namespace else []) + list(args)
    return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120, **kwargs)


def lib(script: str, *args: str, namespace: str | None = None) -> subprocess.CompletedProcess:
    return sh("bash", "-c", f'source "$0" && {script}', LIB, *args, namespace=namespace)


class Hosts:
    """Namespaces on one bridge: name → address (10.X.Y.n/24)."""

    def __init__(self, prefix: str, subnet: str, names: list[str]):
        self.prefix, self.subnet = prefix, subnet
        self.address = {name: f"{subnet}.{index + 1}" for index, name in enumerate(names)}
        self.switch = f"{prefix}sw"
        sh("ip", "netns", "add", self.switch)
        sh("ip", "-n", self.switch, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.switch, "link", "set", "br0", "up")
        for name, address in self.address.items():
            namespace, here, there = self.ns(name), f"{prefix}{name}", f"{prefix}{name}b"
            sh("ip", "netns", "add", namespace)
            sh("ip", "-n", namespace, "link", "set", "lo", "up")
            sh("ip", "link", "add", here, "type", "veth", "peer", "name", there)
            sh("ip", "link", "set", here, "netns", namespace)
            sh("ip", "link", "set", there, "netns", self.switch)
            sh("ip", "-n", self.switch, "link", "set", there, "master", "br0", "up")
            sh("ip", "-n", namespace, "addr", "add", f"{address}/24", "dev", here)
            sh("ip", "-n", namespace, "link", "set", here, "up")

    def ns(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def remove(self):
        for name in self.address:
            sh("ip", "netns", "del", self.ns(name), check=False)
        sh("ip", "netns", "del", self.switch, check=False)


def wait_for(path: str, text: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(FileNotFoundError), open(path, errors="replace") as f:
            if text in f.read():
                return
        assert time.monotonic() < deadline, f"no {text!r} in {path}"
        time.sleep(0.1)


def test_one_pool_host_down_under_load_reads_see_no_error_and_no_write_runs_twice():
    prefix = f"op{os.getpid() % 10000}"
    subnet = f"10.{200 + os.getpid() % 50}.{os.getpid() % 250}"
    hosts = Hosts(prefix, subnet, ["ngx", "p1", "p2", "pg"])
    pools: dict[str, subprocess.Popen] = {}
    scratch = tempfile.mkdtemp(prefix="orgplane-pools-")
    os.chmod(scratch, 0o755)
    pg_dir, pg_port = os.path.join(scratch, "pg"), "5432"
    nginx_prefix = os.path.join(scratch, "nginx")
    try:
        # PostgreSQL on its own host, over TCP to the pool hosts only (trust on the subnet).
        lib('pg_start "$1" "$2" test', pg_dir, pg_port, namespace=hosts.ns("pg"))
        admin = lib('pg_url postgres "$1" "$2"', pg_dir, pg_port).stdout.strip()
        with open(os.path.join(pg_dir, "data", "pg_hba.conf"), "a") as hba:
            hba.write(f"host all all {subnet}.0/24 trust\n")
        sh("psql", "-X", "-qc", f"alter system set listen_addresses = '{hosts.address['pg']}'", admin)
        lib('pg_as_owner "$PG_BIN/pg_ctl" -D "$1/data" -w -t 60 restart -l "$1/log/postgresql.log"', pg_dir,
            namespace=hosts.ns("pg"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        sh(BINARY, "migrate", env=dict(env, MIGRATE_DATABASE_URL=admin, MIGRATIONS_DIR=os.path.join(ROOT, "migrations")))

        # Two pool hosts: FastCGI over TCP, nginx's address the one allowed peer.
        for name in ("p1", "p2"):
            log = open(os.path.join(scratch, f"{name}.log"), "wb")
            pools[name] = subprocess.Popen(
                ["ip", "netns", "exec", hosts.ns(name), BINARY, "serve"], stdout=log, stderr=log, start_new_session=True,
                env=dict(env, DATABASE_URL=f"postgresql://orgplane_service@{hosts.address['pg']}:{pg_port}/orgplane",
                         JWT_SECRET=SECRET, FCGI_LISTEN=f"{hosts.address[name]}:9000",
                         FCGI_WEB_SERVER_ADDRS=hosts.address["ngx"], WORKER_PROCESSES="2", WORKER_THREADS="2",
                         MIGRATIONS_DIR=os.path.join(ROOT, "migrations"),
                         DATAPLANE_CATALOGUE=os.path.join(ROOT, "dataplane", "hindsight.json"),
                         RATE_LIMIT_SIGNUP_PER_IP="1000"))
        for name in ("p1", "p2"):
            wait_for(os.path.join(scratch, f"{name}.log"), "listening on")

        # Only nginx's address may speak FastCGI to a pool: from the other pool host the
        # connection is closed before a byte is answered.
        probe = sh("python3", "-c", "import socket,sys; s=socket.create_connection((sys.argv[1], 9000), 5); "
                   "s.settimeout(5); print(len(s.recv(100)))", hosts.address["p1"], namespace=hosts.ns("p2"), check=False)
        assert probe.stdout.strip() == "0", probe

        # nginx on its own host, the deployment's templates, an upstream of both pools.
        servers = " ".join(f"server {hosts.address[p]}:9000 max_fails=1 fail_timeout=30s;" for p in ("p1", "p2"))
        user = os.environ.get("ORGPLANE_TEST_NGINX_USER", "www-data")
        lib('nginx_render "$1" LISTEN=127.0.0.1:8080 FCGI_SOCKET="$1/unused.sock" FCGI_SERVERS="$2" NGINX_USER="$3" '
            '&& nginx_start "$1"', nginx_prefix, servers, user, namespace=hosts.ns("ngx"))

        # Load for 8 s from nginx's host; pool host p1 killed (every process) after 3 s.
        load = subprocess.Popen(
            ["ip", "netns", "exec", hosts.ns("ngx"), "python3", os.path.join(ROOT, "Tests", "e2e", "netns", "load.py"),
             "http://127.0.0.1:8080", "8", f"pools-{uuid.uuid4().hex[:8]}@example.com"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        os.killpg(pools["p1"].pid, signal.SIGKILL)
        out, err = load.communicate(timeout=60)
        assert load.returncode == 0, err
        result = json.loads(out)

        reads, writes = result["reads"], result["writes"]
        assert len(reads) > 30 and set(reads) == {200}, {s: reads.count(s) for s in set(reads)}
        applied = sh("psql", "-X", "-qAt", "-F", " ", "-c",
                     "select name, count(*) from orgplane.api_keys where organization_id = "
                     f"'{result['organization']}' group by name", admin)
        counts = dict(line.split(" ") for line in applied.stdout.splitlines() if line)
        assert all(int(n) == 1 for n in counts.values()), "a write was applied twice"
        acknowledged = [name for name, status in writes if status == 201]
        assert len(acknowledged) > 10 and all(counts.get(name) == "1" for name in acknowledged)
        # Both pools answered: p1 before it was killed, p2 throughout.
        for name in ("p1", "p2"):
            with open(os.path.join(scratch, f"{name}.log"), errors="replace") as f:
                assert '"path":"/api/me"' in f.read(), f"{name} answered nothing"
    finally:
        with contextlib.suppress(Exception):
            lib('nginx_stop "$1"', nginx_prefix, namespace=hosts.ns("ngx"))
        for pool in pools.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pool.pid, signal.SIGKILL)
            pool.wait(10)
        with contextlib.suppress(Exception):
            lib('pg_stop "$1" immediate', pg_dir, namespace=hosts.ns("pg"))
        hosts.remove()
        subprocess.run(["rm", "-rf", scratch])
