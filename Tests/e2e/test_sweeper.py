"""The sweeper every pool runs (docs/INTERFACES.md, SWEEP_INTERVAL_SECONDS): a private pool,
started with a stale rate-limit window in the database, clears it by itself."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import uuid

import pytest
from pg import ADMIN_URL, admin


def test_a_private_pool_sweeps_without_any_request():
    binary = os.environ.get("ORGPLANE_TEST_BIN")
    database = os.environ.get("ORGPLANE_TEST_DATABASE_URL")
    secret = os.environ.get("ORGPLANE_TEST_JWT_SECRET")
    if not (binary and database and secret and ADMIN_URL):
        pytest.skip("needs ORGPLANE_TEST_BIN, ORGPLANE_TEST_DATABASE_URL, ORGPLANE_TEST_JWT_SECRET, ORGPLANE_TEST_ADMIN_URL (scripts/test)")
    stale = f"test:sweeper:{uuid.uuid4()}"
    admin(f"insert into orgplane.rate_limits (bucket, window_start, hits) values ('{stale}', now() - interval '2 days', 1)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, DATABASE_URL=database, JWT_SECRET=secret, FCGI_SOCKET=os.path.join(scratch, "pool.sock"),
                   WORKER_PROCESSES="2", WORKER_THREADS="1", SWEEP_INTERVAL_SECONDS="1",
                   MIGRATIONS_DIR=os.path.join(root, "migrations"),
                   DATAPLANE_CATALOGUE=os.path.join(root, "dataplane", "hindsight.json"))
        pool = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 20
            while admin(f"select count(*) from orgplane.rate_limits where bucket = '{stale}'").strip() != "0":
                assert time.monotonic() < deadline, "the pool's sweeper did not clear the stale window in 20 s"
                assert pool.poll() is None, "the private pool exited"
                time.sleep(0.2)
        finally:
            pool.terminate()
            _, errors = pool.communicate(timeout=20)
        assert pool.returncode == 0
        assert "sweep job failed" not in errors, errors
