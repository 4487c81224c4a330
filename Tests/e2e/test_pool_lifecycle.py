"""The pool outlives its log reader, dies with its supervisor, and holds no lock it does
not own. Each test runs a private pool (the binary under test, the test database) on its
own socket, so the main test stack is not disturbed.

- A log pipe whose reader is killed: the pool keeps answering through a private nginx,
  with the same worker processes (Foundation's FileHandle.write trapped on EPIPE).
- `kill -9` of the supervisor: every worker ends soon and the socket is free again (an
  orphaned worker used to keep answering on it, and keep the scripts' lock).
- scripts/start's lock is held by the script only, never by the pool it starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import requests

import fastcgi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("ORGPLANE_TEST_BIN")
DATABASE = os.environ.get("ORGPLANE_TEST_DATABASE_URL")
SECRET = os.environ.get("ORGPLANE_TEST_JWT_SECRET")

pytestmark = pytest.mark.skipif(
    not (BINARY and DATABASE and SECRET),
    reason="needs ORGPLANE_TEST_BIN, ORGPLANE_TEST_DATABASE_URL, ORGPLANE_TEST_JWT_SECRET (scripts/test)")


def pool_env(sock: str, **extra) -> dict:
    return dict(os.environ, DATABASE_URL=DATABASE, JWT_SECRET=SECRET, FCGI_SOCKET=sock,
                WORKER_PROCESSES="2", WORKER_THREADS="2", MIGRATIONS_DIR=os.path.join(ROOT, "migrations"),
                DATAPLANE_CATALOGUE=os.path.join(ROOT, "dataplane", "hindsight.json"), **extra)


def wait_for_socket(sock: str, pool: subprocess.Popen | None = None, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not os.path.exists(sock):
        assert time.monotonic() < deadline, f"no socket at {sock}"
        assert pool is None or pool.poll() is None, "the private pool exited while starting"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie (an exited orphan nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def children(pid: int) -> set[int]:
    """The live processes whose parent is `pid`."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry))
    return found


def wait_for_workers(pool_pid: int, count: int, timeout: float = 20) -> set[int]:
    deadline = time.monotonic() + timeout
    while len(found := children(pool_pid)) < count:
        assert time.monotonic() < deadline, f"the pool started {len(found)} of {count} workers"
        time.sleep(0.05)
    return found


def holders(path: str) -> set[int]:
    """The processes that have `path` open."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{entry}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{entry}/fd/{fd}") == path:
                        found.add(int(entry))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def end(pids):
    """Stops what a test started and may have left behind (only those pids)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def private_nginx(sock: str, scratch: str):
    """nginx with the deployment's own templates (scripts/lib.sh) in front of `sock`."""
    port = free_port()
    prefix = os.path.join(scratch, "nginx")
    user = os.environ.get("ORGPLANE_TEST_NGINX_USER", "www-data")
    lib = os.path.join(ROOT, "scripts", "lib.sh")
    subprocess.run(["bash", "-c", 'source "$1" && nginx_render "$2" LISTEN="$3" FCGI_SOCKET="$4" NGINX_USER="$5" '
                    '&& nginx_start "$2"', "-", lib, prefix, f"127.0.0.1:{port}", sock, user],
                   check=True, capture_output=True, timeout=30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", "-c", 'source "$1" && nginx_stop "$2"', "-", lib, prefix],
                       capture_output=True, timeout=30)


def test_the_pool_keeps_answering_after_its_log_reader_is_killed(new_user):
    user = new_user()
    with tempfile.TemporaryDirectory() as scratch:
        os.chmod(scratch, 0o755)  # nginx's workers reach the socket
        sock = os.path.join(scratch, "pool.sock")
        # The pool's output goes into a pipe read by another process (like `tee` in scripts/start).
        read_end, write_end = os.pipe()
        reader = subprocess.Popen(["cat"], stdin=read_end, stdout=subprocess.DEVNULL)
        pool = subprocess.Popen([BINARY, "serve"], env=pool_env(sock), stdout=write_end, stderr=write_end)
        os.close(read_end)
        os.close(write_end)
        try:
            wait_for_socket(sock, pool)
            with private_nginx(sock, scratch) as url:
                me = {"Authorization": f"Bearer {user['access_token']}"}
                assert requests.get(url + "/api/me", headers=me, timeout=10).status_code == 200
                workers = wait_for_workers(pool.pid, 2)

                reader.kill()
                reader.wait(10)
                failures, answered = [], 0
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    for path, headers in (("/livez", {}), ("/api/me", me)):
                        try:
                            r = requests.get(url + path, headers=headers, timeout=10)
                            answered += 1
                            if r.status_code != 200:
                                failures.append((path, r.status_code, r.text[:200]))
                        except requests.RequestException as e:
                            failures.append((path, repr(e)))
                    time.sleep(0.02)
                assert failures == [], failures[:5]
                assert answered > 20
                assert pool.poll() is None, f"the supervisor died (status {pool.returncode})"
                assert children(pool.pid) == workers, "worker processes were replaced"
        finally:
            with contextlib.suppress(ProcessLookupError):
                pool.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                pool.wait(15)
            end([pool.pid, reader.pid, *children(pool.pid)])


def test_workers_end_when_the_supervisor_is_killed():
    with tempfile.TemporaryDirectory() as scratch:
        sock = os.path.join(scratch, "pool.sock")
        pool = subprocess.Popen([BINARY, "serve"], env=pool_env(sock),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers: set[int] = set()
        try:
            wait_for_socket(sock, pool)
            workers = wait_for_workers(pool.pid, 2)
            assert fastcgi.get(sock, "/livez", {})[0] == 200

            pool.kill()
            pool.wait(10)
            deadline = time.monotonic() + 15
            while (left := [pid for pid in workers if alive(pid)]) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert left == [], f"worker processes outlived their supervisor: {left}"
            # Nobody answers on the socket any more: a new pool may take the path.
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe, pytest.raises(ConnectionRefusedError):
                probe.connect(sock)
        finally:
            end([pool.pid, *workers])


def test_the_scripts_lock_is_held_by_the_script_alone():
    """scripts/start takes its lock (checkout_lock) and starts the pool (pool_start) as here."""
    with tempfile.TemporaryDirectory() as scratch:
        sock, lock = os.path.join(scratch, "pool.sock"), os.path.join(scratch, "start.lock")
        pidfile = os.path.join(scratch, "pool.pid")
        script = subprocess.Popen(
            ["bash", "-c", 'source "$1" && checkout_lock "$2" || exit 3; pool_start "$3" "$4"; '
             'echo "$POOL_PID" >"$5"; wait', "-",
             os.path.join(ROOT, "scripts", "lib.sh"), lock, BINARY, os.path.join(scratch, "pool.log"), pidfile],
            env=pool_env(sock), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pool_pid, workers = None, set()
        try:
            wait_for_socket(sock)
            with open(pidfile) as f:
                pool_pid = int(f.read())
            workers = wait_for_workers(pool_pid, 2)
            assert holders(lock) == {script.pid}, "a process started by the script holds its lock"

            # The script is killed hard; its pool lives on, but the lock is free for the next run.
            script.kill()
            script.wait(10)
            assert alive(pool_pid)
            with open(lock, "w") as f:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            script.kill()
            if pool_pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pool_pid, signal.SIGTERM)
                deadline = time.monotonic() + 15
                while alive(pool_pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                end([pool_pid, *workers])
