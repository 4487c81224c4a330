"""RT-12: no invite token reaches a log line, through nginx.

nginx's error log quotes the request line of any request it logs about; a request body over
client_body_buffer_size (16 KiB) is buffered to a temporary file with a warning, which is the
easiest such line to provoke. The pages send the token in a body (POST /api/invites/preview and
/api/invites/accept); the path forms still work, and nginx logs nothing about them.
"""

import os
from pathlib import Path

import pytest

LOG_DIR = os.environ.get("ORGPLANE_TEST_LOG_DIR")
PADDING = "x" * 20_000  # over nginx's 16 KiB body buffer: buffered to a file, with a warning


def logs() -> dict[str, str]:
    return {
        name: (Path(LOG_DIR) / name).read_text(errors="replace")
        for name in ("error.log", "access.log", "orgplane.log")
        if (Path(LOG_DIR) / name).exists()
    }


@pytest.mark.skipif(not LOG_DIR, reason="needs ORGPLANE_TEST_LOG_DIR (set by scripts/test)")
def test_rt12_invite_tokens_reach_no_log_line(new_user, make_api):
    owner = new_user(organization_name="Token Logs")
    org = owner["organization"]["id"]
    tokens = [owner["api"].post(f"/api/organizations/{org}/invites", json={"role": "viewer"}, expect=201)["token"] for _ in range(4)]
    body_preview, body_accept, path_preview, path_accept = tokens
    joiner = new_user()
    other = new_user()
    anonymous = make_api()
    headers = {"Content-Type": "application/json"}

    # The body forms, with a body large enough to be buffered (and logged about).
    preview = anonymous.post("/api/invites/preview", json={"token": body_preview, "padding": PADDING})
    assert preview["role"] == "viewer"
    accepted = joiner["api"].post("/api/invites/accept", json={"token": body_accept, "padding": PADDING})
    assert accepted["organization"]["id"] == org

    # The path forms still work ...
    assert anonymous.get(f"/api/invites/{path_preview}")["role"] == "viewer"
    # ... and with a body they take none (a JSON 413 before anything is buffered).
    refused = anonymous.request("GET", f"/api/invites/{path_preview}", data=PADDING, headers=headers)
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "payload_too_large"
    refused = other["api"].request("POST", f"/api/invites/{path_accept}/accept", data=PADDING, headers=headers)
    assert refused.status_code == 413
    other["api"].post(f"/api/invites/{path_accept}/accept", expect=200)

    written = logs()
    assert "error.log" in written and "access.log" in written
    # The provocation worked: nginx did log about the buffered body of a body-form request.
    assert "buffered to a temporary file" in written["error.log"]
    assert "/api/invites/preview" in written["error.log"]
    for name, text in written.items():
        for token in tokens:
            assert token not in text, f"an invite token reached {name}"
    # The access log still tells the calls apart.
    assert '"path":"/api/invites/preview"' in written["access.log"]
    assert '"path":"/api/invites/[redacted]/accept"' in written["access.log"]
