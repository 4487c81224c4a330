"""Agent SQL and the MCP server through nginx (docs/AGENT-SQL.md), run again behind PgBouncer
1.18 in transaction mode by the e2e-pgbouncer suite.

- POST /api/organizations/{id}/sql runs as the caller's mapped organization role with their
  claims: RLS decides, other members' and other organizations' rows never come back.
- /api/mcp speaks MCP over Streamable HTTP with JSON answers, statelessly; the official MCP
  Python SDK (PyPI `mcp`) is the client: initialize, list tools, call `query`.
- Malformed JSON-RPC is a JSON-RPC error, never a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid

import httpx2
import pytest
import requests
from mcp import ClientSession
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client

BASE_URL = os.environ.get("ORGPLANE_URL", "http://127.0.0.1:18080").rstrip("/")
ADMIN_URL = os.environ.get("ORGPLANE_TEST_ADMIN_URL", "")
MCP_URL = BASE_URL + "/api/mcp"


def psql(sql: str) -> str:
    result = subprocess.run(
        ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", ADMIN_URL, "-c", sql],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def schema_of(org_id: str) -> str:
    return "o_" + org_id.replace("-", "")


def provision(org_id: str) -> None:
    """A `diary` table in the organization's schema (provisioned at signup) whose RLS shows each user their own rows."""
    s = schema_of(org_id)
    psql(f"""
        create table {s}.diary (id serial primary key, author uuid not null, body text not null);
        alter table {s}.diary owner to {s}_owner;
        alter table {s}.diary enable row level security;
        create policy own on {s}.diary using (author = (orgplane.claims()->>'sub')::uuid);
        grant select, insert, update, delete on {s}.diary to {s}_rw;
        grant select on {s}.diary to {s}_ro;
    """)


def add_note(org_id: str, author: str, body: str) -> None:
    quoted = body.replace("'", "''")
    psql(f"insert into {schema_of(org_id)}.diary (author, body) values ('{uuid.UUID(author)}', '{quoted}')")


class Team:
    """An organization with an owner and a viewer, each with one note; a viewer key with sql:read."""

    def __init__(self, new_user, label: str):
        self.owner = new_user(name=f"{label} owner")
        self.org = self.owner["organization"]["id"]
        self.schema = schema_of(self.org)
        invite = self.owner["api"].post(f"/api/organizations/{self.org}/invites", json={"role": "viewer"}, expect=201)
        self.viewer = new_user(name=f"{label} viewer", invite_token=invite["token"])
        assert self.viewer["organization"]["id"] == self.org
        provision(self.org)
        self.owner_note = f"{label} owner's secret plan"
        self.viewer_note = f"{label} viewer's shopping list"
        add_note(self.org, self.owner["user"]["id"], self.owner_note)
        add_note(self.org, self.viewer["user"]["id"], self.viewer_note)
        self.viewer_key = self.viewer["api"].post(
            f"/api/organizations/{self.org}/api-keys", json={"name": "agent", "scopes": ["sql:read"]}, expect=201
        )["key"]


@pytest.fixture
def teams(new_user):
    return Team(new_user, "Acme"), Team(new_user, "Globex")


def test_sql_answers_only_the_rows_rls_gives_the_caller(teams):
    acme, globex = teams
    viewer = acme.viewer["api"]
    answer = viewer.post(f"/api/organizations/{acme.org}/sql", json={"query": f"select body from {acme.schema}.diary"})
    assert answer["rows"] == [[acme.viewer_note]]
    assert answer["columns"] == [{"name": "body", "type": "text"}]
    owner = acme.owner["api"].post(f"/api/organizations/{acme.org}/sql", json={"query": f"select body from {acme.schema}.diary order by id"})
    assert owner["rows"] == [[acme.owner_note], [acme.viewer_note]]  # the owner role owns the table (RLS not forced)
    # Another organization's rows: refused by PostgreSQL (or the validator), never answered.
    foreign = viewer.post(f"/api/organizations/{acme.org}/sql", json={"query": f"select body from {globex.schema}.diary"}, expect=400)
    assert foreign["error"]["code"] in ("sql_error", "sql_refused")
    assert globex.owner_note not in json.dumps(foreign)
    # And the other organization's endpoint does not exist for this caller.
    viewer.post(f"/api/organizations/{globex.org}/sql", json={"query": "select 1"}, expect=404)


def test_many_alternating_callers_never_see_each_others_rows(teams):
    """Through PgBouncer (pool size 4) the same server connections serve both organizations'
    callers in turn: each answer is the caller's own note, every time."""
    acme, globex = teams
    headers = {team.org: {"Authorization": f"Bearer {team.viewer_key}"} for team in teams}
    for i in range(40):
        team = teams[i % 2]
        r = requests.post(
            f"{BASE_URL}/api/organizations/{team.org}/sql",
            json={"query": f"select body, current_user as who from {team.schema}.diary"},
            headers=headers[team.org], timeout=30,
        )
        assert r.status_code == 200, r.text
        assert r.json()["rows"] == [[team.viewer_note, team.schema + "_ro"]]


async def _mcp_session(url: str, headers: dict[str, str], body):
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                return await body(session)


def test_mcp_sdk_initializes_lists_tools_and_queries_as_the_keys_viewer(teams):
    acme, globex = teams

    async def story(session: ClientSession):
        init = await session.initialize()
        assert init.protocol_version in ("2025-11-25", "2025-06-18", "2025-03-26")
        assert init.server_info.name == "orgplane"
        tools = await session.list_tools()
        assert sorted(t.name for t in tools.tools) == ["describe_table", "list_tables", "query"]
        assert all(t.annotations and t.annotations.read_only_hint for t in tools.tools)
        listed = await session.call_tool("list_tables", {})
        assert not listed.is_error
        assert '"name":"diary"' in listed.content[0].text
        result = await session.call_tool("query", {"sql": f"select body from {acme.schema}.diary"})
        assert not result.is_error, result.content[0].text
        text = result.content[0].text
        assert acme.viewer_note in text
        assert acme.owner_note not in text  # RLS: the viewer's own note only
        assert "<untrusted-data-" in text and "untrusted data" in text
        if result.structured_content is not None:
            assert result.structured_content["untrusted_data"] is True
            assert result.structured_content["rows"] == [[acme.viewer_note]]
        foreign = await session.call_tool("query", {"sql": f"select body from {globex.schema}.diary"})
        assert foreign.is_error
        assert globex.owner_note not in foreign.content[0].text and globex.viewer_note not in foreign.content[0].text
        broken = await session.call_tool("query", {"sql": "select 1/0"})
        assert broken.is_error and "division by zero" in broken.content[0].text
        return True

    assert asyncio.run(_mcp_session(MCP_URL, {"Authorization": f"Bearer {acme.viewer_key}"}, story))


def test_mcp_sdk_client_in_auto_mode_falls_back_to_the_handshake(teams):
    """The SDK's default client first probes the 2026 `server/discover`; this server speaks the
    handshake revisions, so the probe is refused and the client initializes instead."""
    acme, _ = teams

    async def story():
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {acme.viewer_key}"}, timeout=30) as http:
            async with Client(streamable_http_client(MCP_URL, http_client=http)) as client:
                assert client.protocol_version == "2025-11-25"
                result = await client.call_tool("query", {"sql": f"select body from {acme.schema}.diary"})
                assert not result.is_error
                return result.content[0].text

    assert acme.viewer_note in asyncio.run(story())


def test_mcp_with_a_session_token_needs_x_org_id(teams):
    acme, globex = teams
    token = acme.viewer["access_token"]

    async def story(session: ClientSession):
        await session.initialize()
        result = await session.call_tool("query", {"sql": f"select body from {acme.schema}.diary"})
        return result.content[0].text

    text = asyncio.run(_mcp_session(MCP_URL, {"Authorization": f"Bearer {token}", "X-Org-Id": acme.org}, story))
    assert acme.viewer_note in text and acme.owner_note not in text
    # Without X-Org-Id, or naming an organization the user is not in: refused before JSON-RPC.
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    r = requests.post(MCP_URL, json=message, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["code"] == "organization_required"
    r = requests.post(MCP_URL, json=message, headers={"Authorization": f"Bearer {token}", "X-Org-Id": globex.org}, timeout=30)
    assert r.status_code == 403 and r.json()["error"]["code"] == "organization_forbidden"


def rpc(body, key: str, headers: dict[str, str] | None = None, raw: bytes | None = None) -> requests.Response:
    all_headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    all_headers.update(headers or {})
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(MCP_URL, data=data, headers=all_headers, timeout=30)


def test_mcp_transport_rules_and_malformed_messages(teams):
    acme, _ = teams
    key = acme.viewer_key
    # Version negotiation: a revision this server speaks is echoed, any other gets its newest.
    for asked, answered in (("2025-06-18", "2025-06-18"), ("2025-03-26", "2025-03-26"), ("1999-01-01", "2025-11-25")):
        r = rpc({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": asked, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}, key)
        assert r.status_code == 200 and r.json()["result"]["protocolVersion"] == answered
        assert "Mcp-Session-Id" not in r.headers  # stateless
    # Notifications and responses: 202, no body.
    for message in ({"jsonrpc": "2.0", "method": "notifications/initialized"},
                    {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3}},
                    {"jsonrpc": "2.0", "id": 9, "result": {}}):
        r = rpc(message, key)
        assert r.status_code == 202 and r.content == b""
    # tools/call works without an initialize first (no server session).
    r = rpc({"jsonrpc": "2.0", "id": "q", "method": "tools/call",
             "params": {"name": "query", "arguments": {"sql": "select $1::int * 2 as n", "params": [21]}}}, key,
            headers={"MCP-Protocol-Version": "2025-06-18"})
    assert r.status_code == 200
    assert r.json()["id"] == "q" and r.json()["result"]["structuredContent"]["rows"] == [[42]]
    # Malformed input: JSON-RPC errors, never a 5xx.
    cases = [
        (None, b"{not json", 400, -32700),
        ([{"jsonrpc": "2.0", "id": 1, "method": "ping"}], None, 400, -32600),
        ({"jsonrpc": "1.0", "id": 1, "method": "ping"}, None, 400, -32600),
        ({"jsonrpc": "2.0", "id": {"x": 1}, "method": "ping"}, None, 400, -32600),
        ({"jsonrpc": "2.0", "id": 1, "method": 7}, None, 400, -32600),
        ("just a string", None, 400, -32600),
        ({"jsonrpc": "2.0", "id": 2, "method": "resources/list"}, None, 200, -32601),
        ({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "drop_everything"}}, None, 200, -32602),
        ({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "query", "arguments": []}}, None, 200, -32602),
        ({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": "x"}, None, 200, -32602),
    ]
    for body, raw, status, code in cases:
        r = rpc(body, key, raw=raw)
        assert r.status_code == status, (body, raw, r.status_code, r.text)
        assert r.json()["jsonrpc"] == "2.0" and r.json()["error"]["code"] == code, (body, r.text)
    # Bad tool arguments are tool errors the model can act on.
    r = rpc({"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"name": "query", "arguments": {"sql": ""}}}, key)
    assert r.status_code == 200 and r.json()["result"]["isError"] is True
    r = rpc({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "describe_table", "arguments": {"table": "nope"}}}, key)
    assert r.json()["result"]["isError"] is True
    r = rpc({"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {"name": "describe_table", "arguments": {"table": "diary"}}}, key)
    assert r.json()["result"]["isError"] is False and '"primary_key":["id"]' in r.json()["result"]["content"][0]["text"]
    # An unsupported MCP-Protocol-Version header: 400 naming what this server speaks.
    r = rpc({"jsonrpc": "2.0", "id": 1, "method": "ping"}, key, headers={"MCP-Protocol-Version": "2026-07-28"})
    assert r.status_code == 400 and "2025-11-25" in r.json()["error"]["data"]["supported"]
    # Transport: no SSE stream to GET, no session to DELETE; JSON only; bearer only; same origin only.
    assert requests.get(MCP_URL, headers={"Authorization": f"Bearer {key}"}, timeout=30).status_code == 405
    assert requests.delete(MCP_URL, headers={"Authorization": f"Bearer {key}"}, timeout=30).status_code == 405
    r = rpc(None, key, headers={"Content-Type": "text/plain"}, raw=b'{"jsonrpc":"2.0","id":1,"method":"ping"}')
    assert r.status_code == 415
    r = requests.post(MCP_URL, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, timeout=30)
    assert r.status_code == 401 and r.headers.get("WWW-Authenticate") == "Bearer"
    r = rpc({"jsonrpc": "2.0", "id": 1, "method": "ping"}, key, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = rpc({"jsonrpc": "2.0", "id": 1, "method": "ping"}, key, headers={"Origin": BASE_URL})
    assert r.status_code == 200 and r.json()["result"] == {}


def test_a_key_without_sql_read_cannot_use_mcp(teams):
    acme, _ = teams
    key = acme.viewer["api"].post(
        f"/api/organizations/{acme.org}/api-keys", json={"name": "reader", "scopes": ["org:read"]}, expect=201
    )["key"]
    r = rpc({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, key)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


ROLES = ("owner", "admin", "member", "viewer")
OPERATIONS = {
    "select": "select body from {schema}.diary order by body",
    "insert": "insert into {schema}.diary (author, body) values ('00000000-0000-0000-0000-000000000000', 'x') returning id",
    "update": "update {schema}.diary set body = 'changed' returning id",
    "delete": "delete from {schema}.diary returning id",
    "ddl": "create table {schema}.planted (id int)",
}


def test_agent_sql_leak_matrix(new_user):
    """Subjects: 3 organizations x {owner, admin, member, viewer} by session and by an sql:read
    key each, a key without sql:read, and a non-member; targets: the 3 organizations (their
    endpoint, and their schema named from the subject's own endpoint); operations: select,
    insert, update, delete, DDL. Expectations come from the role table: only SELECT on one's
    own organization answers, with every note for the owner role (it owns the table) and one's
    own note for the others; everything else is refused, and nothing changes."""
    orgs = []
    for label in ("Ash", "Birch", "Cedar"):
        owner = new_user(name=f"{label} owner")
        org = owner["organization"]["id"]
        people = {"owner": owner}
        for role in ROLES[1:]:
            invite = owner["api"].post(f"/api/organizations/{org}/invites", json={"role": role}, expect=201)
            people[role] = new_user(name=f"{label} {role}", invite_token=invite["token"])
        provision(org)
        notes = {}
        for role, person in people.items():
            notes[role] = f"{label} {role} note"
            add_note(org, person["user"]["id"], notes[role])
        orgs.append({"id": org, "schema": schema_of(org), "people": people, "diary": notes})
    outsider = new_user(name="Outsider")

    subjects = []  # (name, org index or None, role or None, headers)
    for index, org in enumerate(orgs):
        for role, person in org["people"].items():
            subjects.append((f"{role} session of org {index}", index, role, {"Authorization": f"Bearer {person['access_token']}"}))
            key = person["api"].post(f"/api/organizations/{org['id']}/api-keys", json={"name": "m", "scopes": ["sql:read"]}, expect=201)["key"]
            subjects.append((f"{role} key of org {index}", index, role, {"Authorization": f"Bearer {key}"}))
        plain = org["people"]["viewer"]["api"].post(
            f"/api/organizations/{org['id']}/api-keys", json={"name": "no sql", "scopes": ["org:read"]}, expect=201)["key"]
        subjects.append((f"org:read key of org {index}", index, None, {"Authorization": f"Bearer {plain}"}))
    subjects.append(("non-member", None, None, {"Authorization": f"Bearer {outsider['access_token']}"}))

    before = psql("select string_agg(body, '|' order by body) from (" + " union all ".join(
        f"select body from {org['schema']}.diary" for org in orgs) + ") n")
    assertions = 0
    for name, home, role, headers in subjects:
        for target_index, target in enumerate(orgs):
            for operation, template in OPERATIONS.items():
                # The target's own endpoint, with the target's schema.
                r = requests.post(f"{BASE_URL}/api/organizations/{target['id']}/sql",
                                  json={"query": template.format(schema=target["schema"])}, headers=headers, timeout=30)
                if home != target_index:
                    expected = (404,)
                elif role is None:
                    expected = (403,)
                elif operation == "select":
                    expected = (200,)
                else:
                    expected = (400,)
                assert r.status_code in expected, (name, target_index, operation, r.status_code, r.text)
                assertions += 1
                if r.status_code == 200:
                    seen = [row[0] for row in r.json()["rows"]]
                    owns = role in ("owner", "admin")
                    wanted = sorted(target["diary"].values()) if owns else [target["diary"][role]]
                    assert seen == wanted, (name, seen, wanted)
                    assertions += 1
                elif r.status_code == 400:
                    assert r.json()["error"]["code"] in ("sql_error", "sql_refused"), r.text
                # The same statement through MCP, selecting the target with X-Org-Id.
                r = requests.post(MCP_URL, json={"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
                    "name": "query", "arguments": {"sql": template.format(schema=target["schema"])}}},
                    headers={**headers, "X-Org-Id": target["id"]}, timeout=30)
                if home != target_index or role is None:
                    assert r.status_code == 403, (name, "mcp", target_index, operation, r.status_code, r.text)
                else:
                    result = r.json()["result"]
                    assert result["isError"] is (operation != "select"), (name, "mcp", operation, r.text)
                    for other in orgs:
                        if other is not target:
                            assert not any(note in r.text for note in other["diary"].values())
                assertions += 1
                # The subject's own endpoint, naming the target's schema: only its own answers.
                if home is not None and role is not None and home != target_index:
                    r = requests.post(f"{BASE_URL}/api/organizations/{orgs[home]['id']}/sql",
                                      json={"query": template.format(schema=target["schema"])}, headers=headers, timeout=30)
                    assert r.status_code == 400 and r.json()["error"]["code"] in ("sql_error", "sql_refused"), (name, r.text)
                    for note in target["diary"].values():
                        assert note not in r.text
                    assertions += 1
    after = psql("select string_agg(body, '|' order by body) from (" + " union all ".join(
        f"select body from {org['schema']}.diary" for org in orgs) + ") n")
    assert after == before, "an agent statement changed data"
    for org in orgs:
        assert psql(f"select count(*) from pg_class where relname = 'planted' and relnamespace = '{org['schema']}'::regnamespace") == "0"
    assert assertions >= 1000, assertions


SERVICE_URL = os.environ.get("ORGPLANE_TEST_DATABASE_URL", "")
CANARY = (
    "select current_user = session_user, current_setting('role'), "
    "coalesce(nullif(current_setting('request.jwt.claims', true), ''), '-'), current_setting('search_path'), "
    "current_setting('statement_timeout'), "
    "(select count(*) from pg_locks where pid = pg_backend_pid() and locktype = 'advisory'), "
    "(select count(*) from pg_prepared_statements), (select count(*) from pg_listening_channels())"
)


def test_no_session_state_survives_on_the_pools_server_connections(teams):
    """In the e2e-pgbouncer run the pool's DATABASE_URL is PgBouncer (transaction mode, 4
    server connections): after answered, failed and cancelled agent statements, every server
    connection a new client gets is back to the service role, no claims, the default
    search_path and timeout, no advisory locks, prepared statements or LISTEN channels."""
    acme, _ = teams
    headers = {"Authorization": f"Bearer {acme.viewer_key}"}
    statements = [f"select body from {acme.schema}.diary", "select 1/0", "select nope", "select pg_sleep(0.01)"]
    for i in range(24):
        r = requests.post(f"{BASE_URL}/api/organizations/{acme.org}/sql", json={"query": statements[i % len(statements)]},
                          headers=headers, timeout=30)
        assert r.status_code in (200, 400), r.text
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    baseline = None
    for _ in range(12):
        out = subprocess.run(["psql", "-X", "-qAt", "-d", SERVICE_URL, "-c", CANARY], capture_output=True, text=True,
                             timeout=30, env=env)
        assert out.returncode == 0, out.stderr
        fields = out.stdout.strip().split("|")
        assert fields[0] == "t" and fields[1] == "none" and fields[2] == "-", fields
        assert fields[5:] == ["0", "0", "0"], fields
        baseline = baseline or fields
        assert fields == baseline, (fields, baseline)
