"""GET /metrics (docs/INTERFACES.md, "Metrics"): Prometheus counters of the whole pool. The
worker processes add to counters in one shared memory mapping made before the fork, so a
scrape, whichever worker answers it, sees every request of every process. Not public: nginx
serves the location to local addresses only, and the pool wants METRICS_TOKEN."""

from __future__ import annotations

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from requests.adapters import HTTPAdapter

BASE_URL = os.environ.get("ORGPLANE_URL", "http://127.0.0.1:18080").rstrip("/")
TOKEN = os.environ.get("ORGPLANE_TEST_METRICS_TOKEN", "")
pytestmark = pytest.mark.skipif(not TOKEN, reason="needs ORGPLANE_TEST_METRICS_TOKEN (scripts/test)")


def scrape() -> dict[str, float]:
    response = requests.get(f"{BASE_URL}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_n_requests_spread_over_the_workers_show_as_n_in_one_scrape():
    series = 'orgplane_http_requests_total{route="GET /livez",status="200"}'
    before = scrape().get(series, 0)
    n = 240

    def livez(_):
        return requests.get(f"{BASE_URL}/livez", timeout=10).status_code

    # More requests at once than one process has threads: both worker processes answer.
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(livez, range(n)))
    assert statuses == [200] * n
    after = scrape()
    assert after[series] - before == n
    assert after['orgplane_http_request_duration_seconds_count{route="GET /livez",status="200"}'] == after[series]
    assert after['orgplane_http_request_duration_seconds_bucket{route="GET /livez",status="200",le="+Inf"}'] == after[series]
    assert after["orgplane_worker_threads"] == 8  # scripts/test's pool: 2 processes × 4 threads
    assert 1 <= after["orgplane_busy_workers"] <= 8  # the scrape itself is one


def test_routes_are_labelled_by_pattern_and_status_never_by_the_path_sent(new_user):
    user = new_user()
    org = user["organization"]["id"]
    user["api"].get(f"/api/organizations/{org}")
    user["api"].get("/api/organizations/not-a-uuid", expect=404)
    requests.get(f"{BASE_URL}/api/no-such-route-{org}", timeout=10)
    text = "\n".join(scrape())
    assert 'route="GET /api/organizations/:id",status="200"' in text
    assert 'route="GET /api/organizations/:id",status="404"' in text  # a malformed id: not found
    assert 'route="unmatched",status="404"' in text
    assert org not in text


@pytest.mark.skipif(os.environ.get("ORGPLANE_TEST_PGBOUNCER") == "1",
                    reason="behind PgBouncer the pool's connections are to PgBouncer, which ending a server session leaves open")
def test_database_reconnects_are_counted_across_the_pool(new_user):
    user = new_user()
    before = scrape().get("orgplane_database_reconnects_total", 0)
    admin = os.environ["ORGPLANE_TEST_ADMIN_URL"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    subprocess.run(["psql", "-X", "-qAt", "-d", admin, "-c",
                    "select pg_terminate_backend(pid, 5000) from pg_stat_activity "
                    "where usename = 'orgplane_service' and pid <> pg_backend_pid()"],
                   check=True, capture_output=True, env=env, timeout=30)
    for _ in range(40):  # over the worker threads of both processes: each reconnects once
        user["api"].get("/api/me")
    assert scrape()["orgplane_database_reconnects_total"] > before


def test_metrics_are_not_public():
    # Without the token, or with another: refused by the pool.
    assert requests.get(f"{BASE_URL}/metrics", timeout=10).status_code == 401
    assert requests.get(f"{BASE_URL}/metrics", headers={"Authorization": "Bearer " + "x" * len(TOKEN)},
                        timeout=10).status_code == 401
    # From an address that is not local to nginx's host (here 127.1.2.3 stands for one): nginx
    # refuses before the pool is asked, even with the token.
    session = requests.Session()
    adapter = HTTPAdapter()
    adapter.init_poolmanager(1, 1, source_address=("127.1.2.3", 0))
    session.mount("http://", adapter)
    refused = session.get(f"{BASE_URL}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert refused.status_code == 403
    assert "orgplane_http_requests_total" not in refused.text
