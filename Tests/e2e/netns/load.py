"""Runs inside the nginx host's network namespace (test_pools_on_hosts.py): a reader and a
writer loop against nginx on this namespace's loopback for DURATION seconds; prints JSON.

usage: load.py URL DURATION EMAIL"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request

URL, DURATION, EMAIL = sys.argv[1], float(sys.argv[2]), sys.argv[3]


def call(method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict | None]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(URL + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, None
    except Exception as error:  # refused, reset, timed out: the client saw no answer
        return 0, {"error": repr(error)}


status, signed = call("POST", "/api/auth/signup", {"email": EMAIL, "password": "correct horse battery staple",
                                                   "name": "Pools", "organization_name": "Pools Org"})
assert status == 201, (status, signed)
token, org = signed["session"]["access_token"], signed["organization"]["id"]
reads: list[int] = []
writes: list[tuple[str, int]] = []
end = time.monotonic() + DURATION


def reader():
    while time.monotonic() < end:
        reads.append(call("GET", "/api/me", token=token)[0])


def writer(prefix: str):
    n = 0
    while time.monotonic() < end:
        n += 1
        name = f"{prefix}-{n}"
        writes.append((name, call("POST", f"/api/organizations/{org}/api-keys",
                                  {"name": name, "scopes": ["org:read"]}, token)[0]))


threads = [threading.Thread(target=reader) for _ in range(3)] + [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"reads": reads, "writes": writes, "organization": org}))
