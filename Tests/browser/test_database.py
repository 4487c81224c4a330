"""The Database section and the danger zone (issue 10 item 7), in a real browser.

The story: an owner opens Database by its URL and sees the schema and the role they act as;
creates a lease for 5 minutes; the password is shown once, inside a ready psql command that
really connects (run here with psql) and with its own copy button; the lease is listed and
revoked from the list. Settings shows the owner a danger zone whose delete button stays
disabled until the exact name is typed; the deletion answers with its date and an undo,
which restores the organization. An admin sees no danger zone.
"""
import re
import subprocess
import uuid
from urllib.parse import urlsplit

import requests

from browser_helpers import accessibility_problems, unique_email
from test_pages import (
    PASSWORD, assert_clean_console, capture, click, confirm_dialog, create_invite, fill, open_section, signup,
    visible, wait, wait_path,
)

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
except ImportError:  # pragma: no cover - the fixtures skip with a clear reason
    pass


def test_database_section_and_danger_zone(browser_factory, base_url, screenshot_dir):
    run = uuid.uuid4().hex[:6]
    org_name = f"Data {run}"
    owner = browser_factory()
    signup(owner, base_url, unique_email("db-owner"), "Dana Data", org_name)

    owner.get(f"{base_url}/app/database")
    wait_path(owner, "/app/database")
    schema = visible(owner, "#db-schema").text.strip()
    assert re.fullmatch(r"o_[0-9a-f]{32}", schema), schema
    wait(owner).until(lambda d: d.find_element(By.CSS_SELECTOR, "#db-role").text.strip() == schema + "_owner")
    visible(owner, "#leases-empty")

    # -- a lease for 5 minutes: the password once, in a command that works ----------------
    Select(visible(owner, "#lease-ttl")).select_by_value("300")
    click(owner, "#lease-submit")
    command = visible(owner, "#lease-command").text.strip()
    password = visible(owner, "#lease-password").text.strip()
    assert command.startswith('psql "postgresql://l_') and password in command
    uri = command[len('psql "'):-1]
    done = subprocess.run(["psql", "-X", "-qAt", uri, "-c", "select current_user"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == schema + "_owner"
    wait(owner).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#leases-body tr")) == 1)
    assert not accessibility_problems(owner), accessibility_problems(owner)
    capture(owner, "database-lease", screenshot_dir)
    click(owner, "#lease-created .secret-actions button")
    assert password not in owner.find_element(By.CSS_SELECTOR, "#database").text

    # -- revoke it from the list --------------------------------------------------------
    click(owner, "#leases-body tr button")
    confirm_dialog(owner)
    visible(owner, "#leases-empty")
    assert subprocess.run(["psql", "-X", "-qAt", uri, "-c", "select 1"], capture_output=True, timeout=30).returncode != 0
    assert_clean_console(owner, "/app/database")

    # -- an admin has no danger zone ---------------------------------------------------------
    token = create_invite(owner, "admin")
    admin = browser_factory()
    admin.get(f"{base_url}/invite.html#token={token}")
    admin_email = unique_email("db-admin")
    # The invite page offers sign-up; the API is quicker and the session is what matters here.
    response = requests.post(base_url + "/api/auth/signup", timeout=30, json={
        "email": admin_email, "password": PASSWORD, "name": "Ada Admin", "invite_token": token})
    assert response.status_code == 201, response.text
    admin.get(f"{base_url}/login.html?next=/app/settings")
    fill(admin, "#email", admin_email)
    fill(admin, "#password", PASSWORD)
    click(admin, "#submit")
    wait_path(admin, "/app/settings")
    visible(admin, "#settings-slug")
    assert not admin.find_elements(By.CSS_SELECTOR, "#delete-form")

    # -- the owner's danger zone: the exact name, then delete, then undo ------------------
    open_section(owner, "Settings", "settings")
    button = visible(owner, "#delete-submit")
    assert not button.is_enabled()
    fill(owner, "#delete-confirm", org_name.lower())
    assert not owner.find_element(By.CSS_SELECTOR, "#delete-submit").is_enabled()
    fill(owner, "#delete-confirm", org_name)
    click(owner, "#delete-submit")
    visible(owner, "#delete-undo")
    assert "removed for good on" in owner.find_element(By.CSS_SELECTOR, "#delete-done").text
    capture(owner, "danger-zone-deleted", screenshot_dir)
    click(owner, "#delete-undo")
    wait_path(owner, "/app/settings")
    wait(owner).until(lambda d: d.find_element(By.CSS_SELECTOR, "#settings-slug").text.strip() != "")
    assert urlsplit(owner.current_url).path == "/app/settings"
    assert_clean_console(owner, "danger zone")
