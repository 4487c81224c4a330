"""Fixtures for the browser tests of the pages in public/.

Runs real headless Chromium (Debian's /usr/bin/chromium and /usr/bin/chromedriver) through
Selenium 4 against a running Orgplane stack (nginx + API) at ORGPLANE_URL
(default http://127.0.0.1:18080). When the stack does not answer /livez, the tests that
need it are skipped, unless ORGPLANE_BROWSER_REQUIRED=1 (then they fail).
"""
import os
import pathlib
import shutil
import tempfile

import pytest
import requests

BASE_URL = os.environ.get("ORGPLANE_URL", "http://127.0.0.1:18080").rstrip("/")
REPO = pathlib.Path(__file__).resolve().parents[2]
PUBLIC = REPO / "public"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT_SECONDS = float(os.environ.get("ORGPLANE_BROWSER_WAIT", "15"))


def _stack_up():
    try:
        return requests.get(BASE_URL + "/livez", timeout=3).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def base_url():
    if not _stack_up():
        message = f"Orgplane is not answering at {BASE_URL}/livez (set ORGPLANE_URL)"
        if os.environ.get("ORGPLANE_BROWSER_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return BASE_URL


@pytest.fixture(scope="session")
def browser_factory(base_url):
    """Returns new_browser(): a fresh headless Chromium with its own empty profile."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            if os.environ.get("ORGPLANE_BROWSER_REQUIRED") == "1":
                pytest.fail(f"{path} is missing (apt-get install chromium chromium-driver)")
            pytest.skip(f"{path} is missing (apt-get install chromium chromium-driver)")

    drivers = []
    profiles = []

    def new_browser():
        profile = tempfile.mkdtemp(prefix="orgplane-chromium-")
        profiles.append(profile)
        options = Options()
        options.binary_location = CHROMIUM
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--window-size=1280,900",
            "--force-device-scale-factor=1",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--disable-features=Translate,OptimizationHints,MediaRouter",
            "--lang=en-US",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        driver.set_window_size(1280, 900)
        driver.set_page_load_timeout(30)
        drivers.append(driver)
        return driver

    yield new_browser

    for driver in drivers:
        try:
            driver.quit()
        except Exception:
            pass
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
