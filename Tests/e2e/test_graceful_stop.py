"""The pool's lifecycle: SIGTERM lets a request already in flight finish, then the pool
exits cleanly and removes its socket. Runs a private pool (same binary and database as the
main test stack) and speaks FastCGI to it directly, so nothing else is disturbed."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import fastcgi


class _HeldUpstream(BaseHTTPRequestHandler):
    """Answers only once the test releases it, so a request stays in flight."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.arrived.set()
        self.server.release.wait(20)
        body = b'{"held":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_sigterm_finishes_the_request_in_flight_then_exits(new_user):
    binary = os.environ.get("ORGPLANE_TEST_BIN")
    database = os.environ.get("ORGPLANE_TEST_DATABASE_URL")
    secret = os.environ.get("ORGPLANE_TEST_JWT_SECRET")
    if not (binary and database and secret):
        pytest.skip("needs ORGPLANE_TEST_BIN, ORGPLANE_TEST_DATABASE_URL, ORGPLANE_TEST_JWT_SECRET (scripts/test)")
    user = new_user()
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _HeldUpstream)
    upstream.arrived, upstream.release = threading.Event(), threading.Event()
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with tempfile.TemporaryDirectory() as scratch:
        sock = os.path.join(scratch, "pool.sock")
        env = dict(os.environ, DATABASE_URL=database, JWT_SECRET=secret, FCGI_SOCKET=sock,
                   WORKER_PROCESSES="1", WORKER_THREADS="2", MIGRATIONS_DIR=os.path.join(root, "migrations"),
                   DATAPLANE_CATALOGUE=os.path.join(root, "dataplane", "hindsight.json"),
                   DATAPLANE_URL=f"http://127.0.0.1:{upstream.server_port}", DATAPLANE_TIMEOUT_MS="20000")
        pool = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while not os.path.exists(sock):
                assert time.monotonic() < deadline and pool.poll() is None, "the private pool did not start"
                time.sleep(0.05)
            assert fastcgi.get(sock, "/livez", {})[0] == 200

            result: dict = {}

            def in_flight():
                result["answer"] = fastcgi.get(sock, "/api/dataplane/v1/default/banks/held/memories/list", {
                    "Authorization": f"Bearer {user['access_token']}", "X-Org-Id": user["organization"]["id"]})

            caller = threading.Thread(target=in_flight)
            caller.start()
            assert upstream.arrived.wait(15), "the request never reached the upstream"
            pool.send_signal(signal.SIGTERM)
            time.sleep(0.3)  # the pool is now stopping, with the request still held upstream
            assert pool.poll() is None, "the pool exited before its request in flight finished"
            upstream.release.set()
            caller.join(15)
            assert result["answer"] == (200, b'{"held":true}')
            assert pool.wait(15) == 0
            assert not os.path.exists(sock), "the pool left its socket behind"
        finally:
            upstream.release.set()
            if pool.poll() is None:
                pool.kill()
            upstream.shutdown()
