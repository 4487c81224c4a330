"""The main page's sections (issue 13): every section has its own URL at /app/<section>.

The story: an owner signs up and opens each section by its deep link, at 1280 and 375 px
(screenshots, no horizontal scroll, no layout shift, no console errors, every control
labelled, AA text contrast); moves between sections with the keyboard only; the back and
forward buttons walk the history; an unknown section says so; and a logged-out visitor
who follows a deep link logs in and lands in that section.
"""
import uuid
from urllib.parse import parse_qs, urlsplit

import requests

from browser_helpers import accessibility_problems, unique_email
from test_pages import (
    PASSWORD, assert_clean_console, assert_no_layout_shift, capture, click, fill, open_section, signup,
    visible, wait, wait_path, wait_text,
)

try:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:  # pragma: no cover - the fixtures skip with a clear reason
    pass

# (path, navigation label, heading) in navigation order.
SECTIONS = [
    ("members", "Members", "Members"),
    ("invitations", "Invitations", "Invitations"),
    ("keys", "API keys", "API keys"),
    ("database", "Database", "Database"),
    ("agents", "Agents", "Agents"),
    ("audit", "Audit log", "Audit log"),
    ("settings", "Settings", "Settings"),
]


def shown_section(driver):
    """The id of the one visible section and its heading (without a count), or None."""
    shown = [s for s in driver.find_elements(By.CSS_SELECTOR, "#sections > section") if s.is_displayed()]
    if len(shown) != 1:
        return None
    heading = shown[0].find_element(By.CSS_SELECTOR, "h2").text.strip()
    return shown[0].get_attribute("id"), heading.splitlines()[0].strip()


def wait_section(driver, path, heading):
    wait_path(driver, "/app/" + path)
    wait(driver).until(lambda d: shown_section(d) == (path, heading),
                       message=f"section {path} never showed")


def assert_accessible(driver, where):
    problems = accessibility_problems(driver)
    assert not problems, f"{where}: {problems}"


def test_sections_have_their_own_urls(browser_factory, base_url, screenshot_dir):
    run = uuid.uuid4().hex[:6]
    email = unique_email("sections")
    owner = browser_factory()
    signup(owner, base_url, email, "Sam Sections", f"Sections {run}")

    # -- every section by its deep link, at both widths ----------------------------------
    for path, label, heading in SECTIONS:
        owner.get(f"{base_url}/app/{path}")
        wait_section(owner, path, heading)
        current = owner.find_element(By.CSS_SELECTOR, "#section-links a[aria-current='page']")
        assert current.text.strip() == label
        assert owner.title == f"{label} · Sections {run} · Orgplane"
        assert_no_layout_shift(owner, f"/app/{path}")
        assert_accessible(owner, f"/app/{path}")
        capture(owner, f"section-{path}", screenshot_dir)
        assert_clean_console(owner, f"/app/{path}")
    # /app.html (where log in and sign up land) shows the first section.
    owner.get(base_url + "/app.html")
    wait(owner).until(lambda d: shown_section(d) == ("members", "Members"))

    # -- keyboard only: Tab to a section link, Enter; the focus lands on its heading -------
    owner.get(f"{base_url}/app/members")
    wait_section(owner, "members", "Members")
    for _ in range(30):
        ActionChains(owner).send_keys(Keys.TAB).perform()
        active = owner.switch_to.active_element
        if active.tag_name == "a" and active.text.strip() == "Audit log":
            break
    else:
        raise AssertionError("Tab never reached the Audit log link")
    ActionChains(owner).send_keys(Keys.ENTER).perform()
    wait_section(owner, "audit", "Audit log")
    wait(owner).until(lambda d: d.switch_to.active_element.get_attribute("id") == "audit-title")
    # The log already holds the organization's creation, as a sentence.
    wait(owner).until(lambda d: "You created the organization" in d.find_element(By.CSS_SELECTOR, "#audit-list").text)

    # -- back and forward ----------------------------------------------------------------
    open_section(owner, "Settings", "settings")
    owner.back()
    wait_section(owner, "audit", "Audit log")
    owner.back()
    wait_section(owner, "members", "Members")
    owner.forward()
    wait_section(owner, "audit", "Audit log")

    # -- an unknown section: a clear page with a way back (the shell is still served) -----
    assert requests.get(f"{base_url}/app/no-such-section", timeout=10).status_code == 200
    owner.get(f"{base_url}/app/no-such-section")
    visible(owner, "#section-missing")
    assert owner.title.startswith("Not found")
    capture(owner, "section-missing", screenshot_dir)
    click(owner, "#section-missing a")
    wait_section(owner, "members", "Members")
    assert_clean_console(owner, "unknown section")

    # -- a logged-out deep link: log in, land in that section ------------------------------
    visitor = browser_factory()
    visitor.get(f"{base_url}/app/settings")
    wait_path(visitor, "/login.html")
    assert parse_qs(urlsplit(visitor.current_url).query).get("next") == ["/app/settings"]
    fill(visitor, "#email", email)
    fill(visitor, "#password", PASSWORD + Keys.ENTER)
    wait_section(visitor, "settings", "Settings")
    wait_text(visitor, "#settings-slug", f"sections-{run}")
    assert_clean_console(visitor, "deep link after log in")
