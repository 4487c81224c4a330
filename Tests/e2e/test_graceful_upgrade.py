"""Graceful binary upgrade (docs/INSTALL.md, "Upgrading without dropping a request"):
SIGUSR2 makes the supervisor execute the binary at its path again, in place (same process
id), handing the new binary the listening socket; the new binary starts its workers on that
socket and the old workers finish what they hold, then end. Under a load loop through
nginx, with a request held in flight across the upgrade, no request fails.

A private pool runs a copy of the binary in a scratch directory; the upgrade replaces that
copy with another (a new inode, as a deployment's `install` or `mv` does)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer

import pytest
import requests

import fastcgi

from test_graceful_stop import _HeldUpstream
from test_pool_lifecycle import BINARY, DATABASE, SECRET, children, pool_env, private_nginx, wait_for_socket, \
    wait_for_workers

pytestmark = pytest.mark.skipif(
    not (BINARY and DATABASE and SECRET),
    reason="needs ORGPLANE_TEST_BIN, ORGPLANE_TEST_DATABASE_URL, ORGPLANE_TEST_JWT_SECRET (scripts/test)")


def wait_for_log(path: str, text: str, count: int = 1, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        with open(path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        if log.count(text) >= count:
            return log
        assert time.monotonic() < deadline, f"no {count} × {text!r} in the pool's log:\n{log[-3000:]}"
        time.sleep(0.05)


def test_sigusr2_upgrades_the_binary_under_load_without_a_failed_request(new_user):
    user = new_user()
    me = {"Authorization": f"Bearer {user['access_token']}"}
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _HeldUpstream)
    upstream.arrived, upstream.release = threading.Event(), threading.Event()
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as scratch:
        os.chmod(scratch, 0o755)  # nginx's workers reach the socket
        sock = os.path.join(scratch, "pool.sock")
        binary = os.path.join(scratch, "orgplane")
        shutil.copy2(BINARY, binary)
        log_path = os.path.join(scratch, "pool.log")
        with open(log_path, "wb") as log:
            pool = subprocess.Popen(
                [binary, "serve"], stdout=log, stderr=log,
                env=pool_env(sock, DATAPLANE_URL=f"http://127.0.0.1:{upstream.server_port}",
                             DATAPLANE_TIMEOUT_MS="20000"))
        try:
            wait_for_socket(sock, pool)
            with private_nginx(sock, scratch) as url:
                assert requests.get(url + "/api/me", headers=me, timeout=10).status_code == 200
                old_workers = wait_for_workers(pool.pid, 2)

                # A request held upstream: in flight in an old worker during the whole upgrade.
                held: dict = {}

                def in_flight():
                    held["answer"] = requests.get(
                        url + "/api/dataplane/v1/default/banks/held/memories/list",
                        headers={**me, "X-Org-Id": user["organization"]["id"]}, timeout=30)

                holder = threading.Thread(target=in_flight, daemon=True)
                holder.start()
                assert upstream.arrived.wait(15), "the held request never reached the upstream"

                outcomes: list[tuple[str, int | str]] = []

                def load(path: str, headers: dict):
                    with requests.Session() as session:
                        while not stop.is_set():
                            try:
                                outcomes.append((path, session.get(url + path, headers=headers, timeout=10).status_code))
                            except requests.RequestException as error:
                                outcomes.append((path, repr(error)))

                loaders = [threading.Thread(target=load, args=(path, headers), daemon=True)
                           for path, headers in [("/livez", {}), ("/api/me", me), ("/livez", {}), ("/api/me", me)]]
                for loader in loaders:
                    loader.start()
                time.sleep(0.5)

                # The new binary: another copy put in place of the running one.
                shutil.copy2(BINARY, binary + ".new")
                os.replace(binary + ".new", binary)
                pool.send_signal(signal.SIGUSR2)
                wait_for_log(log_path, "upgraded: new worker processes started")
                time.sleep(0.5)
                upstream.release.set()  # the old worker holding it may now answer and end
                wait_for_log(log_path, "old worker process", count=len(old_workers))
                time.sleep(0.5)  # the new workers alone, under load
                stop.set()
                for loader in loaders:
                    loader.join(15)
                holder.join(30)

                failed = [outcome for outcome in outcomes if outcome[1] != 200]
                assert failed == [], f"{len(failed)} of {len(outcomes)} requests failed: {failed[:10]}"
                assert len(outcomes) > 50, outcomes
                assert held["answer"].status_code == 200 and held["answer"].json() == {"held": True}
                # The same supervisor (systemd's main PID), running the new file; new workers only.
                assert pool.poll() is None
                assert os.stat(f"/proc/{pool.pid}/exe").st_ino == os.stat(binary).st_ino
                new_workers = wait_for_workers(pool.pid, 2)
                assert new_workers.isdisjoint(old_workers)
                assert children(pool.pid) == new_workers
        finally:
            stop.set()
            upstream.release.set()
            if pool.poll() is None:
                pool.send_signal(signal.SIGTERM)
                try:
                    pool.wait(20)
                except Exception:
                    pool.kill()
            upstream.shutdown()
    assert pool.returncode == 0


def test_sigusr2_with_a_binary_that_does_not_run_keeps_the_old_one_serving():
    with tempfile.TemporaryDirectory() as scratch:
        sock = os.path.join(scratch, "pool.sock")
        binary = os.path.join(scratch, "orgplane")
        shutil.copy2(BINARY, binary)
        log_path = os.path.join(scratch, "pool.log")
        with open(log_path, "wb") as log:
            pool = subprocess.Popen([binary, "serve"], stdout=log, stderr=log, env=pool_env(sock))
        try:
            wait_for_socket(sock, pool)
            workers = wait_for_workers(pool.pid, 2)
            with open(binary + ".new", "w") as broken:
                broken.write("#!/bin/sh\nexit 1\n")
            os.chmod(binary + ".new", 0o755)
            os.replace(binary + ".new", binary)
            pool.send_signal(signal.SIGUSR2)
            wait_for_log(log_path, "does not run")

            assert fastcgi.get(sock, "/livez", {})[0] == 200
            assert children(pool.pid) == workers
        finally:
            if pool.poll() is None:
                pool.send_signal(signal.SIGTERM)
                pool.wait(20)
