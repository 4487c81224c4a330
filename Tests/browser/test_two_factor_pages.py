"""Two-factor and account deletion in the pages (issue 14 items 4 and 5).

The story: a new user turns two-factor on from the account page (the QR code is shown, the
otpauth link read from the page gives the secret, a code computed here confirms it) and sees
the ten recovery codes once; logging in again asks for a code after the password (a wrong
one is refused in place), and a recovery code works too; finally they delete their account
with their password and a recovery code, and that login is gone.
"""
import base64
import hashlib
import hmac
import struct
import time
from urllib.parse import parse_qs, urlsplit

import requests

from browser_helpers import accessibility_problems, unique_email
from test_pages import PASSWORD, assert_clean_console, capture, click, fill, signup, visible, wait, wait_contains, wait_path

try:
    from selenium.webdriver.common.by import By
except ImportError:  # pragma: no cover - the fixtures skip with a clear reason
    pass


def totp(secret_b32, at=None):
    """RFC 6238 (SHA-1, 6 digits, 30 s), as an authenticator app computes it."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int((time.time() if at is None else at) // 30)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def log_in(driver, base_url, email, factor):
    driver.delete_all_cookies()
    driver.get(base_url + "/login.html")
    fill(driver, "#email", email)
    fill(driver, "#password", PASSWORD)
    click(driver, "#submit")
    visible(driver, "#mfa-form")
    assert not driver.find_element(By.CSS_SELECTOR, "#login-form").is_displayed()
    fill(driver, "#mfa-code", factor)
    click(driver, "#mfa-submit")


def test_two_factor_story(browser_factory, base_url, screenshot_dir):
    driver = browser_factory()
    email = unique_email("mfa")
    signup(driver, base_url, email, "Two Factor")

    # Turn it on: the QR code and the otpauth link are on the page; the link holds the secret.
    driver.get(base_url + "/account.html")
    wait_contains(driver, "#mfa-status", "Two-factor authentication is off.")
    click(driver, "#mfa-start")
    visible(driver, "#mfa-enroll")
    assert driver.find_element(By.CSS_SELECTOR, "#mfa-qr svg path").get_attribute("d").startswith("M")
    uri = driver.find_element(By.CSS_SELECTOR, "#mfa-uri").get_attribute("href")
    assert uri.startswith("otpauth://totp/")
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    assert driver.find_element(By.CSS_SELECTOR, "#mfa-secret").text == secret
    assert accessibility_problems(driver) == []
    fill(driver, "#mfa-code", totp(secret))
    click(driver, "#mfa-confirm-submit")
    codes = visible(driver, "#mfa-recovery-codes").text.split("\n")
    assert len(codes) == 10 and all(len(code) == 19 for code in codes)
    wait_contains(driver, "#mfa-status", "Two-factor authentication is on. 10 of 10 recovery codes left.")
    assert not driver.find_element(By.CSS_SELECTOR, "#mfa-enroll").is_displayed()
    capture(driver, "account-two-factor", screenshot_dir)
    assert_clean_console(driver, "the account page")

    # Log in again: the password, then the code. A wrong code is refused in place.
    driver.delete_all_cookies()
    driver.get(base_url + "/login.html")
    fill(driver, "#email", email)
    fill(driver, "#password", PASSWORD)
    click(driver, "#submit")
    visible(driver, "#mfa-form")
    fill(driver, "#mfa-code", f"{(int(totp(secret, time.time() + 30)) + 1) % 1_000_000:06d}")
    click(driver, "#mfa-submit")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#mfa-code").get_attribute("aria-invalid") == "true")
    capture(driver, "login-second-step", screenshot_dir)
    fill(driver, "#mfa-code", totp(secret, time.time() + 30))  # the next step's: the confirming one is used
    click(driver, "#mfa-submit")
    wait_path(driver, "/app.html")
    visible(driver, "#content")

    # A recovery code works in its place.
    log_in(driver, base_url, email, codes[0])
    wait_path(driver, "/app.html")
    driver.get(base_url + "/account.html")
    wait_contains(driver, "#mfa-status", "9 of 10 recovery codes left.")

    # Delete the account: password and a recovery code; the login is gone.
    assert driver.find_element(By.CSS_SELECTOR, "#delete-code-field").is_displayed()
    fill(driver, "#delete-password", PASSWORD)
    fill(driver, "#delete-code", codes[1])
    click(driver, "#delete-submit")
    wait_path(driver, "/")
    r = requests.post(base_url + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials"
    assert_clean_console(driver, "the story", allow=(r"401", r"Unauthorized"))
