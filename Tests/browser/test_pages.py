"""Browser tests of the pages in public/ (pytest + Selenium 4 + headless Chromium).

The story: an owner signs up and lands on the main page, renames the organization and
creates an invite; a second browser opens the invite link, signs up through it and shows
up in the owner's member list, whose role the owner then changes; a third, already
registered user logs in, accepts an invite with one click and switches organizations; the owner
creates an API key, uses it with `requests`, revokes it in the page and sees it refused.
Along the way: no console errors, no layout shift on load, no horizontal scroll at 375 px,
keyboard-only log in, and screenshots of every page at 1280 and 375 px in
test-artifacts/screenshots/.
"""
import pathlib
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from browser_helpers import (
    accessibility_problems, api_signup, full_page_screenshot, reset_viewport, set_viewport, unique_email,
)

try:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # pragma: no cover - the fixtures skip with a clear reason
    pass

PUBLIC = pathlib.Path(__file__).resolve().parents[2] / "public"
PAGES = ["/", "/index.html", "/login.html", "/signup.html", "/app.html", "/invite.html", "/account.html",
         "/forgot.html", "/reset.html", "/verify.html"]
PASSWORD = "correct horse battery staple"
WAIT = 15
PHONE = 375
MAX_CLS = 0.02


# ---- helpers ----------------------------------------------------------------------------

def wait(driver, timeout=WAIT):
    # Lists are re-rendered after each change: an element may go stale while we look.
    return WebDriverWait(driver, timeout, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def visible(driver, css):
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def click(driver, css):
    element = wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))
    element.click()
    return element


def fill(driver, css, text):
    element = visible(driver, css)
    element.clear()
    element.send_keys(text)
    return element


def wait_path(driver, path):
    wait(driver).until(lambda d: urlsplit(d.current_url).path == path,
                       message=f"expected to reach {path}")


def wait_text(driver, css, text):
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, css).text.strip() == text,
                       message=f"{css} never showed {text!r}")


def wait_contains(driver, css, text):
    wait(driver).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text),
                       message=f"{css} never contained {text!r}")


def console_errors(driver, allow=()):
    """SEVERE browser-console entries since the last call, minus the allowed patterns."""
    entries = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    return [e for e in entries if not any(re.search(p, e.get("message", "")) for p in allow)]


def assert_clean_console(driver, where, allow=()):
    errors = console_errors(driver, allow)
    assert not errors, f"console errors on {where}: {errors}"


def layout_shift(driver):
    """Cumulative layout shift of the current page so far (without input-driven shifts)."""
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        let total = 0;
        try {
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
          }).observe({type: 'layout-shift', buffered: true});
        } catch (e) { done(-1); return; }
        requestAnimationFrame(() => setTimeout(() => done(total), 50));
    """)


def assert_no_layout_shift(driver, where):
    cls = layout_shift(driver)
    assert cls <= MAX_CLS, f"layout shift {cls:.4f} on {where}"


def capture(driver, name, screenshot_dir):
    """Screenshots at 1280 px and at 375 px, no horizontal scroll at 375 px, and at both
    widths every control labelled and all text in AA contrast (accessibility_problems)."""
    problems = accessibility_problems(driver)
    assert not problems, f"{name} at 1280 px: {problems}"
    full_page_screenshot(driver, screenshot_dir / f"{name}-1280.png")
    set_viewport(driver, PHONE, 812, mobile=True)
    try:
        wait(driver).until(lambda d: d.execute_script("return screen.width") == PHONE)
        full_page_screenshot(driver, screenshot_dir / f"{name}-375.png")
        widths = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth,"
            " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > %d)"
            "   .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)]" % PHONE)
        assert widths[0] <= PHONE and widths[1] == PHONE, (
            f"{name}: page is {widths[0]}px wide at {PHONE}px (horizontal scroll); too wide: {widths[2]}")
        problems = accessibility_problems(driver)
        assert not problems, f"{name} at {PHONE} px: {problems}"
    finally:
        reset_viewport(driver)
        wait(driver).until(lambda d: d.execute_script("return window.innerWidth") > PHONE)


def signup(driver, base_url, email, name, org_name=None):
    driver.get(base_url + "/signup.html")
    fill(driver, "#name", name)
    fill(driver, "#email", email)
    fill(driver, "#password", PASSWORD)
    if org_name is not None:
        fill(driver, "#organization", org_name)
    click(driver, "#submit")
    wait(driver).until(lambda d: urlsplit(d.current_url).path == "/app.html"
                       or d.find_element(By.CSS_SELECTOR, "#form-message").is_displayed())
    if urlsplit(driver.current_url).path != "/app.html":
        # e.g. 429 rate_limited: the pool allows 10 sign-ups per IP per 5 minutes.
        pytest.fail("sign-up refused: " + driver.find_element(By.CSS_SELECTOR, "#form-message").text)
    visible(driver, "#content")


def open_section(driver, label, path):
    """Clicks a section in the navigation (found by its text) and waits for its URL."""
    link = wait(driver).until(lambda d: next(
        (a for a in d.find_elements(By.CSS_SELECTOR, "#section-links a") if a.text.strip() == label), None),
        message=f"no section link {label!r}")
    link.click()
    wait_path(driver, "/app/" + path)
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#section-links a[aria-current='page']").text.strip() == label)


def current_org(driver):
    """The organization the switcher names (plain text for one, a menu button for several)."""
    for css in ("#org-current", "#org-switcher-name"):
        element = driver.find_element(By.CSS_SELECTOR, css)
        if element.is_displayed():
            return element.text.strip()
    raise AssertionError("the switcher shows no organization")


def switch_org(driver, name):
    click(driver, "#org-switcher-button")
    item = wait(driver).until(lambda d: next(
        (b for b in d.find_elements(By.CSS_SELECTOR, "#org-menu-list button") if b.find_element(By.CSS_SELECTOR, ".org-menu-name").text.strip() == name), None))
    item.click()
    wait_text(driver, "#org-name", name)


def member_row(driver, email):
    if urlsplit(driver.current_url).path not in ("/app.html", "/app/members"):
        open_section(driver, "Members", "members")
    return wait(driver).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, f'#members-body tr[data-email="{email}"]')))


def confirm_dialog(driver):
    visible(driver, "dialog[open]")
    click(driver, "dialog[open] .dialog-actions button[value='ok']")
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"))


def create_invite(driver, role, email=None):
    if urlsplit(driver.current_url).path != "/app/invitations":
        open_section(driver, "Invitations", "invitations")
    if driver.find_element(By.CSS_SELECTOR, "#invite-form").get_attribute("hidden") is not None:
        click(driver, "#invite-created .secret-actions button")
    click(driver, f"label[for='invite-role-{role}']")
    if email:
        fill(driver, "#invite-email", email)
    click(driver, "#invite-submit")
    link = visible(driver, "#invite-link-value").text.strip()
    fragment = parse_qs(urlsplit(link).fragment)
    assert urlsplit(link).path == "/invite.html", link
    assert fragment.get("token"), link
    return fragment["token"][0]


def key_rows(driver, name):
    if urlsplit(driver.current_url).path != "/app/keys":
        open_section(driver, "API keys", "keys")
    rows = driver.find_elements(By.CSS_SELECTOR, "#keys-body tr")
    return [r for r in rows if r.find_element(By.CSS_SELECTOR, ".cell-title").text.strip().startswith(name)]


def key_creator(row):
    """Who the keys list says made the key ("Created <date> by <who>")."""
    line = row.find_elements(By.CSS_SELECTOR, ".primary-cell .cell-sub")[1].text.strip()
    assert line.startswith("Created ") and " by " in line, line
    return line.split(" by ", 1)[1]


# ---- static checks (no server needed) -----------------------------------------------------

def test_pages_follow_the_csp_rules():
    """No inline scripts, styles, style attributes or on*= handlers; module scripts only."""
    html_files = sorted(PUBLIC.glob("*.html"))
    assert {p.name for p in html_files} >= {"index.html", "login.html", "signup.html", "app.html", "invite.html", "account.html"}
    for page in html_files:
        text = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>", text, re.I)
        assert scripts or page.name == "404.html", f"{page.name} has no script"
        for tag in scripts:
            assert re.search(r'\bsrc="/assets/js/[a-z-]+\.js"', tag), f"{page.name}: inline or foreign script {tag}"
            assert 'type="module"' in tag, f"{page.name}: not a module script {tag}"
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", text, re.I), f"{page.name}: inline script code"
        assert not re.search(r"<style\b", text, re.I), f"{page.name}: <style> element"
        assert not re.search(r"\sstyle\s*=", text, re.I), f"{page.name}: style= attribute"
        assert not re.search(r"\son[a-z]+\s*=", text, re.I), f"{page.name}: on*= handler"
        assert re.search(r'<link rel="icon" href="/assets/img/logo\.svg"', text), f"{page.name}: no favicon link"
        assert '<meta name="viewport"' in text, f"{page.name}: no viewport meta"
        for ref in re.findall(r'(?:src|href)="(/assets/[^"]+)"', text):
            assert (PUBLIC / ref.lstrip("/")).is_file(), f"{page.name}: missing {ref}"


def script_code(script):
    code = script.read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", code)


def test_scripts_render_safely_and_store_no_secrets():
    js = PUBLIC / "assets" / "js"
    scripts = sorted(js.rglob("*.js"))
    assert js / "app" / "state.js" in scripts
    for script in scripts:
        code = script_code(script)
        name = script.relative_to(js)
        for pattern in (r"\.innerHTML\s*=", r"\.outerHTML\s*=", r"insertAdjacentHTML", r"document\.write",
                        r"\beval\s*\(", r"new Function\s*\(", r"localStorage\.", r"sessionStorage\.",
                        r"setAttribute\(\s*['\"]style", r"\.style\.(?!display)"):
            assert not re.search(pattern, code), f"{name} uses {pattern}"
        # Every import is a relative module path whose names that module exports.
        for names, path in re.findall(r"^import\s*\{([^}]*)\}\s*from\s*'([^']+)'", code, flags=re.M):
            assert re.fullmatch(r"\.\.?/[a-z/-]+\.js", path), f"{name} imports {path}"
            target = (script.parent / path).resolve()
            assert target.is_file(), f"{name} imports missing {path}"
            exported = set(re.findall(r"^export (?:async )?(?:function|const|let|class) ([A-Za-z_$][\w$]*)",
                                      script_code(target), flags=re.M))
            for imported in re.split(r"\s*,\s*", names.strip().rstrip(",")):
                imported = imported.split(" as ")[0].strip()
                assert imported in exported, f"{name} imports {imported}, which {path} does not export"
        assert not re.search(r"^import\s+(?!\{)", code, flags=re.M), f"{name}: only named imports"


# ---- served pages ----------------------------------------------------------------------------

def test_every_page_is_served_with_the_csp(base_url):
    for path in PAGES:
        response = requests.get(base_url + path, timeout=10)
        assert response.status_code == 200, path
        assert "text/html" in response.headers.get("Content-Type", ""), path
        csp = response.headers.get("Content-Security-Policy", "")
        for directive in ("default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
                          "form-action 'self'", "object-src 'none'"):
            assert directive in csp, f"{path}: CSP {csp!r} lacks {directive}"
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    missing = requests.get(base_url + "/no-such-page.html", timeout=10)
    assert missing.status_code == 404
    assert "default-src 'self'" in missing.headers.get("Content-Security-Policy", "")
    for asset in ("/assets/css/app.css", "/assets/js/api.js", "/assets/img/logo.svg"):
        assert requests.get(base_url + asset, timeout=10).status_code == 200, asset


def test_logged_out_pages(browser_factory, base_url, screenshot_dir):
    driver = browser_factory()

    driver.get(base_url + "/")
    visible(driver, "#hero-title")
    assert_no_layout_shift(driver, "landing")
    capture(driver, "index", screenshot_dir)
    assert_clean_console(driver, "landing")

    driver.get(base_url + "/login.html")
    assert driver.switch_to.active_element.get_attribute("id") == "email"
    assert_no_layout_shift(driver, "login")
    capture(driver, "login", screenshot_dir)
    # Empty submit: inline field errors, nothing sent.
    click(driver, "#submit")
    visible(driver, "#email-error")
    assert driver.find_element(By.CSS_SELECTOR, "#email").get_attribute("aria-invalid") == "true"
    assert_clean_console(driver, "login")

    driver.get(base_url + "/signup.html")
    visible(driver, "#organization")
    assert_no_layout_shift(driver, "signup")
    capture(driver, "signup", screenshot_dir)
    assert_clean_console(driver, "signup")

    # An app page without a session goes to the log-in page, remembering where it was.
    driver.get(base_url + "/app.html")
    wait_path(driver, "/login.html")
    assert parse_qs(urlsplit(driver.current_url).query).get("next") == ["/app.html"]
    assert_clean_console(driver, "app without session")

    driver.get(base_url + "/invite.html")
    visible(driver, "#invite-problem")
    capture(driver, "invite-no-token", screenshot_dir)
    assert_clean_console(driver, "invite without token")

    driver.get(base_url + "/no-such-page.html")
    capture(driver, "404", screenshot_dir)
    assert_clean_console(driver, "404 page", allow=[r"no-such-page\.html .*404"])

    driver.get(base_url + "/invite.html#token=" + "x" * 43)
    visible(driver, "#invite-problem")
    assert "couldn’t find" in driver.find_element(By.CSS_SELECTOR, "#problem-title").text
    capture(driver, "invite-bad-token", screenshot_dir)
    assert_clean_console(driver, "invite with unknown token", allow=[r"/api/invites/.* 404"])


def test_team_story(browser_factory, base_url, screenshot_dir):
    run = uuid.uuid4().hex[:6]
    owner_email = unique_email("owner")
    org_name = f"Acme {run}"
    new_name = f"Acme Research {run}"

    # -- the owner signs up and lands on the main page ------------------------------------
    owner = browser_factory()
    signup(owner, base_url, owner_email, "Ada Owner", org_name)
    wait_text(owner, "#org-name", org_name)
    wait_text(owner, "#org-role", "Owner")
    slug_line = f"acme-{run} · 1 member"  # the slug comes from /api/me
    wait_text(owner, "#org-sub", slug_line)
    assert_no_layout_shift(owner, "main page after sign up")
    # One organization and no way to make another: its name as text, not a dead dropdown.
    assert current_org(owner) == org_name
    assert not owner.find_element(By.CSS_SELECTOR, "#org-switcher-button").is_displayed()
    member_row(owner, owner_email)
    assert_clean_console(owner, "main page")

    # -- rename the organization (owner only) ---------------------------------------------
    open_section(owner, "Settings", "settings")
    field = visible(owner, "#rename-input")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(new_name + Keys.ENTER)
    wait_text(owner, "#org-name", new_name)
    assert current_org(owner) == new_name
    wait_text(owner, "#org-sub", slug_line)  # from the PATCH answer: the slug never changes
    wait_text(owner, "#settings-slug", f"acme-{run}")
    owner.refresh()
    wait_text(owner, "#org-name", new_name)
    assert urlsplit(owner.current_url).path == "/app/settings", "a reload stays in the section"

    # -- create an invite; the link is shown once ------------------------------------------
    token = create_invite(owner, "member")
    # The panel describes the invite from the API's answer (role, e-mail binding, expiry).
    wait_text(owner, "#invite-created .secret-meta", "Member · anyone with the link · expires in 7 days")
    copy = click(owner, "#invite-created .btn-copy")
    wait(owner).until(lambda d: copy.text in ("Copied", "Select and copy"))
    wait(owner).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#invites-body tr")) == 1)
    assert urlsplit(owner.current_url).path == "/app/invitations"
    capture(owner, "app-invite-created", screenshot_dir)
    assert_clean_console(owner, "invite creation")

    # -- a second browser opens the link, signs up through it -----------------------------
    teammate_email = unique_email("teammate")
    teammate = browser_factory()
    teammate.get(f"{base_url}/invite.html#token={token}")
    visible(teammate, "#invite-view")
    wait_text(teammate, "#fact-org", new_name)
    wait_text(teammate, "#fact-role", "Member")
    visible(teammate, "#invite-signed-out")
    assert_no_layout_shift(teammate, "invite page")
    capture(teammate, "invite", screenshot_dir)
    click(teammate, "#signup-button")
    wait_path(teammate, "/signup.html")
    assert "invite=" in urlsplit(teammate.current_url).fragment
    wait_contains(teammate, "#invite-banner-text", new_name)
    assert not teammate.find_element(By.CSS_SELECTOR, "#org-field").is_displayed()
    assert_no_layout_shift(teammate, "sign up with invite")
    capture(teammate, "signup-invite", screenshot_dir)
    fill(teammate, "#name", "Grace Teammate")
    fill(teammate, "#email", teammate_email)
    fill(teammate, "#password", PASSWORD)
    click(teammate, "#submit")
    wait_path(teammate, "/app.html")
    wait_text(teammate, "#org-name", new_name)
    wait_text(teammate, "#org-role", "Member")
    # A member sees no invite form and no buttons to manage others.
    open_section(teammate, "Invitations", "invitations")
    visible(teammate, "#invites-denied")
    assert not teammate.find_element(By.CSS_SELECTOR, "#invite-create").is_displayed()
    row = member_row(teammate, owner_email)
    assert not row.find_elements(By.CSS_SELECTOR, "select, button")
    assert_clean_console(teammate, "teammate main page")

    # -- the teammate appears in the owner's list; the owner changes the role ---------------
    owner.refresh()
    row = member_row(owner, teammate_email)
    assert Select(row.find_element(By.CSS_SELECTOR, "select")).first_selected_option.get_attribute("value") == "member"
    assert not owner.find_elements(By.CSS_SELECTOR, "#invites-body tr"), "a used invite is no longer pending"
    # ... but it stays listed, greyed, saying who used it.
    ended = owner.find_element(By.CSS_SELECTOR, "#invites-ended-body tr[data-status='accepted']")
    assert "Accepted by Grace Teammate" in ended.get_attribute("textContent")
    assert "Invited by you" in ended.get_attribute("textContent")
    # One step: picking the role saves it (no separate Save button).
    Select(row.find_element(By.CSS_SELECTOR, "select")).select_by_value("admin")
    wait_contains(owner, ".toast", "is now admin")
    wait(owner).until(lambda d: Select(member_row(d, teammate_email).find_element(By.CSS_SELECTOR, "select"))
                      .first_selected_option.get_attribute("value") == "admin")
    teammate.refresh()
    wait_text(teammate, "#org-role", "Admin")
    open_section(teammate, "Invitations", "invitations")
    visible(teammate, "#invite-create")
    # An admin may not touch the owner.
    assert not member_row(teammate, owner_email).find_elements(By.CSS_SELECTOR, "select, button")
    assert_clean_console(teammate, "teammate as admin")

    # -- a registered user logs in, accepts an invite with one click, then switches organizations ---
    token2 = create_invite(owner, "viewer")
    third_email = unique_email("third")
    api_signup(base_url, third_email, PASSWORD, "Linus Third", f"Third {run}")
    third = browser_factory()
    third.get(base_url + "/login.html")
    fill(third, "#email", third_email)
    fill(third, "#password", PASSWORD)
    click(third, "#submit")
    wait_path(third, "/app.html")
    wait_text(third, "#org-name", f"Third {run}")
    third.get(f"{base_url}/invite.html#token={token2}")
    visible(third, "#invite-signed-in")
    wait_text(third, "#signed-in-as", third_email)
    wait_text(third, "#fact-role", "Viewer")
    capture(third, "invite-signed-in", screenshot_dir)
    click(third, "#accept-button")
    wait_path(third, "/app.html")
    wait_text(third, "#org-name", new_name)
    wait_text(third, "#org-role", "Viewer")
    click(third, "#org-switcher-button")
    names = [e.text.strip() for e in third.find_elements(By.CSS_SELECTOR, "#org-menu-list .org-menu-name")]
    assert sorted(names) == sorted([new_name, f"Third {run}"])
    click(third, "#org-switcher-button")  # closes the menu again
    switch_org(third, f"Third {run}")
    third.refresh()  # the choice is remembered by the server
    wait_text(third, "#org-name", f"Third {run}")
    switch_org(third, new_name)
    open_section(third, "API keys", "keys")
    assert not third.find_element(By.CSS_SELECTOR, "#scope-dataplane-write").is_enabled(), "viewers cannot pick write"
    assert_clean_console(third, "third user")

    # The owner removes the viewer again.
    owner.refresh()
    row = member_row(owner, third_email)
    row.find_element(By.CSS_SELECTOR, ".actions button").click()
    confirm_dialog(owner)
    wait(owner).until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'#members-body tr[data-email="{third_email}"]'))

    # -- an API key: shown once, works, revoked in the page, refused -----------------------
    key_name = f"ci key {run}"
    open_section(owner, "API keys", "keys")
    click(owner, "#key-new-button")
    fill(owner, "#key-name", key_name)
    scope = owner.find_element(By.CSS_SELECTOR, "#scope-org-read")
    if not scope.is_selected():
        owner.find_element(By.CSS_SELECTOR, "label[for='scope-org-read']").click()
    assert owner.find_element(By.CSS_SELECTOR, "#scope-dataplane-read").is_selected()
    click(owner, "#key-submit")
    key = visible(owner, "#new-key-value").text.strip()
    assert key.startswith("opk_"), key
    # Name, scopes and expiry (the form's default, 90 days) as the API answered them.
    in_90_days = owner.execute_script(
        "return new Intl.DateTimeFormat(undefined, {year: 'numeric', month: 'short', day: 'numeric'})"
        ".format(new Date(Date.now() + 90 * 86400e3))")
    wait_text(owner, "#key-created .secret-meta", f"{key_name} · dataplane:read, org:read · expires {in_90_days}")
    # The list: the key's public prefix, and its creator named from created_by.
    row = wait(owner).until(lambda d: (key_rows(d, key_name) or [None])[0])
    assert row.find_element(By.CSS_SELECTOR, ".key-prefix").text == key[:len("opk_") + 8] + "…"
    assert key_creator(row) == "you"
    teammate.refresh()  # an admin sees every key, and who made it
    shared = wait(teammate).until(lambda d: (key_rows(d, key_name) or [None])[0])
    assert key_creator(shared) == "Ada Owner"
    capture(owner, "app-key-created", screenshot_dir)

    me = requests.get(base_url + "/api/me", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert me.status_code == 200, me.text
    assert me.json()["auth"]["method"] == "api_key"
    assert me.json()["user"]["email"] == owner_email

    click(owner, "#key-created .secret-actions button")
    assert not owner.find_elements(By.CSS_SELECTOR, "#new-key-value"), "the secret is gone once dismissed"
    owner.refresh()
    row = wait(owner).until(lambda d: (key_rows(d, key_name) or [None])[0])
    assert key not in owner.page_source, "the secret is never shown again"
    row.find_element(By.CSS_SELECTOR, ".actions button[aria-label^='Revoke key']").click()
    confirm_dialog(owner)
    wait(owner).until(lambda d: not key_rows(d, key_name))
    # The revoked key stays listed, greyed, with who revoked it.
    gone = visible(owner, "#keys-ended-body tr")
    assert gone.find_element(By.CSS_SELECTOR, ".cell-title").text.startswith(key_name)
    assert "Revoked" in gone.text and gone.text.strip().endswith("by you")
    refused = requests.get(base_url + "/api/me", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert refused.status_code == 401, refused.text
    assert_clean_console(owner, "API keys")

    # -- account page: change the password, log out, log in with the keyboard only -------
    owner.get(base_url + "/account.html")
    wait_text(owner, "#profile-email", owner_email)
    assert_no_layout_shift(owner, "account page")
    capture(owner, "account", screenshot_dir)
    new_password = PASSWORD + " 2"
    fill(owner, "#current-password", PASSWORD)
    fill(owner, "#new-password", new_password)
    fill(owner, "#confirm-password", new_password)
    click(owner, "#password-submit")
    wait_contains(owner, "#password-message", "Password changed")
    click(owner, "#logout-button")
    wait_path(owner, "/login.html")
    assert_clean_console(owner, "account page")

    # Logged out: the main page sends us back to log in.
    owner.get(base_url + "/app.html")
    wait_path(owner, "/login.html")

    # Wrong password first, then the right one, typing only.
    visible(owner, "#email")
    wait(owner).until(lambda d: d.switch_to.active_element.get_attribute("id") == "email")
    ActionChains(owner).send_keys(owner_email, Keys.TAB, PASSWORD, Keys.ENTER).perform()
    wait_contains(owner, "#form-message", "not correct")
    assert_clean_console(owner, "wrong password", allow=[r"/api/auth/login .*401"])
    wait(owner).until(lambda d: d.switch_to.active_element.get_attribute("id") == "password")
    ActionChains(owner).send_keys(new_password, Keys.ENTER).perform()
    wait_path(owner, "/app.html")
    wait_text(owner, "#org-name", new_name)

    # The landing page sends a logged-in visitor to the main page.
    owner.get(base_url + "/")
    wait_path(owner, "/app.html")
    visible(owner, "#content")
    capture(owner, "app", screenshot_dir)
    assert_clean_console(owner, "after log in")
    assert_clean_console(teammate, "teammate at the end")
    assert_clean_console(third, "third user at the end")
