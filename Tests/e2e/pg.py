"""psql against the test cluster (scripts/test's), as the superuser or as any role."""

from __future__ import annotations

import os
import subprocess
from urllib.parse import parse_qs, urlparse

ADMIN_URL = os.environ.get("ORGPLANE_TEST_ADMIN_URL", "")


def clean_env() -> dict:
    """The environment without PG* variables (libpq would prefer them to nothing)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def psql(*sql: str, url: str = "", check: bool = True) -> subprocess.CompletedProcess:
    """Runs each statement with `psql -c` (as the superuser unless `url` says otherwise)."""
    args = ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", url or ADMIN_URL]
    for statement in sql:
        args += ["-c", statement]
    return subprocess.run(args, check=check, capture_output=True, text=True, timeout=60, env=clean_env())


def admin(*sql: str) -> str:
    """The superuser's output of the statements (fails the test on an error)."""
    return psql(*sql).stdout


def cluster() -> tuple[str, int]:
    """The test cluster's unix socket directory and port (from the superuser's URL)."""
    query = parse_qs(urlparse(ADMIN_URL).query)
    return query["host"][0], int(query["port"][0])
