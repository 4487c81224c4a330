"""RT-09: after login the page goes back to `next` only when it is a path on this origin.

Browsers drop ASCII tabs and newlines from URLs before they parse them, so a `next` of
`/%09/evil.example/` is `//evil.example/` (another host) by the time `location.replace` uses it.
"""
from urllib.parse import quote, urlsplit

import pytest

from browser_helpers import api_signup, unique_email

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

PASSWORD = "correct horse battery staple"

# (next as it arrives in the query string, decoded, and where it may lead)
CASES = [
    ("/\t/evil.example/phish", "/app.html"),
    ("/\n/evil.example/", "/app.html"),
    ("/\t\\evil.example", "/app.html"),
    ("//evil.example/", "/app.html"),
    ("/\\evil.example", "/app.html"),
    ("https://evil.example/", "/app.html"),
    ("javascript:alert(1)", "/app.html"),
    ("/account.html?tab=keys#top", "/account.html?tab=keys#top"),
    ("/app.html", "/app.html"),
]


def safe_next(driver, value):
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('/assets/js/api.js').then((m) => done(m.safeNext(arguments[0])), (e) => done('error: ' + e));",
        value,
    )


def test_rt09_safe_next_keeps_same_origin_paths_only(browser_factory, base_url):
    driver = browser_factory()
    driver.get(base_url + "/login.html")
    for value, expected in CASES:
        assert safe_next(driver, value) == expected, repr(value)


def test_rt09_login_with_a_tab_in_next_stays_on_this_origin(browser_factory, base_url):
    email = unique_email("rt09")
    api_signup(base_url, email, PASSWORD, "Rita", "Redirects")
    driver = browser_factory()
    driver.get(base_url + "/login.html?next=" + quote("/\t/evil.example/phish", safe="/"))
    driver.find_element(By.CSS_SELECTOR, "#email").send_keys(email)
    driver.find_element(By.CSS_SELECTOR, "#password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#submit").click()
    WebDriverWait(driver, 15).until(lambda d: urlsplit(d.current_url).path != "/login.html")
    landed = urlsplit(driver.current_url)
    assert f"{landed.scheme}://{landed.netloc}" == base_url
    assert landed.path == "/app.html"
