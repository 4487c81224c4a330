"""The SQL console and the Agents section (docs/AGENT-SQL.md).

The story: an owner signs up, opens the SQL console, sees the tables their role may read,
runs a query and reads the rows as a table (also as CSV), sees a PostgreSQL error explained
in words with its position; then opens Agents, creates a key for an MCP client and gets a
ready configuration whose key works against /api/mcp.
"""
import json
import os
import subprocess
import uuid

import requests

from browser_helpers import accessibility_problems, unique_email
from test_pages import assert_clean_console, capture, click, fill, open_section, signup, visible, wait, wait_contains

try:
    from selenium.webdriver.common.by import By
except ImportError:  # pragma: no cover - the fixtures skip with a clear reason
    pass

ADMIN_URL = os.environ.get("ORGPLANE_TEST_ADMIN_URL", "")


def psql(sql):
    result = subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", ADMIN_URL, "-c", sql],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def provision_with_a_note(org_id, author_id, body):
    """A `diary` table in the organization's schema (provisioned at signup), with one note."""
    s = "o_" + org_id.replace("-", "")
    psql(f"""
        create table {s}.diary (id serial primary key, author uuid not null, body text not null);
        alter table {s}.diary owner to {s}_owner;
        alter table {s}.diary enable row level security;
        create policy own on {s}.diary using (author = (orgplane.claims()->>'sub')::uuid);
        insert into {s}.diary (author, body) values ('{uuid.UUID(author_id)}', '{body}');
    """)
    return s


def page_ids(driver):
    return driver.execute_script("return fetch('/api/me', {credentials: 'same-origin'}).then(r => r.json())")


def test_sql_console_and_agents(browser_factory, base_url, screenshot_dir):
    run = uuid.uuid4().hex[:6]
    owner = browser_factory()
    signup(owner, base_url, unique_email("console"), "Cora Console", f"Console {run}")
    me = page_ids(owner)
    org_id = me["organizations"][0]["id"]
    schema = provision_with_a_note(org_id, me["user"]["id"], f"hello from {run}, with a comma")

    # -- the console: tables, a query, the rows, CSV -------------------------------------
    open_section(owner, "SQL console", "sql")
    wait_contains(owner, "#sql-role", "owner role")
    click(owner, ".sql-tables summary")
    wait_contains(owner, "#sql-tables", "diary")
    fill(owner, "#sql-query", f"select id, body, null as nothing from {schema}.diary")
    click(owner, "#sql-run")
    wait_contains(owner, "#sql-summary", "1 row in")
    cells = [td.text for td in owner.find_elements(By.CSS_SELECTOR, "#sql-result tbody td")]
    assert cells == ["1", f"hello from {run}, with a comma", "NULL"]
    headers = [th.get_attribute("textContent") for th in owner.find_elements(By.CSS_SELECTOR, "#sql-result thead th")]
    assert headers == ["id", "body", "nothing"]
    visible(owner, "#sql-result .btn-copy")
    csv = owner.execute_async_script(
        "const done = arguments[0];"
        "import('/assets/js/app/sql.js').then((m) => done(m.toCsv({columns: [{name: 'a'}, {name: 'b'}],"
        " rows: [[1, 'x, \"y\"'], [null, true]]})));")
    assert csv == 'a,b\r\n1,"x, ""y"""\r\n,true\r\n'
    assert not accessibility_problems(owner), accessibility_problems(owner)
    capture(owner, "sql-console", screenshot_dir)

    # -- a refusal in words, with the position -------------------------------------------
    fill(owner, "#sql-query", "select nope")
    click(owner, "#sql-run")
    wait_contains(owner, "#sql-message", "PostgreSQL could not run this query: column \"nope\" does not exist (at character 8)")
    assert owner.find_elements(By.CSS_SELECTOR, "#sql-result table") == []

    # -- Agents: a key and a ready MCP configuration -------------------------------------
    open_section(owner, "Agents", "agents")
    wait_contains(owner, "#agent-config-template", "/api/mcp")
    fill(owner, "#agent-key-name", "Claude")
    click(owner, "#agent-key-create")
    config = json.loads(wait(owner).until(lambda d: d.find_element(By.CSS_SELECTOR, "#agent-key-config").text))
    server = config["mcpServers"]["orgplane"]
    assert server["url"] == base_url + "/api/mcp"
    key = server["headers"]["Authorization"].removeprefix("Bearer ")
    assert key.startswith("opk_")
    capture(owner, "agents-key", screenshot_dir)
    answer = requests.post(server["url"], json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                           headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert answer.status_code == 200
    assert [t["name"] for t in answer.json()["result"]["tools"]] == ["list_tables", "describe_table", "query"]
    assert not accessibility_problems(owner), accessibility_problems(owner)
    # The one failed request is the query PostgreSQL refused on purpose above.
    assert_clean_console(owner, "sql console and agents", allow=(r"/sql - Failed to load resource: .* status of 400",))
