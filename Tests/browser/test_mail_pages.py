"""The mailed-link pages in a real browser, with the real SMTP server of the e2e suite
(Tests/e2e/smtp_sink.py): a new account reads "Not verified" and sends itself a link, the
link verifies it; "Forgot password?" on the log-in page mails a reset link, the reset page
sets the new password, the old one stops working, and the link cannot be used twice."""

import pathlib
import sys

import pytest

from browser_helpers import api_signup, unique_email
from test_pages import PASSWORD, assert_clean_console, assert_no_layout_shift, capture, click, fill, visible, \
    wait_contains, wait_path, wait_text

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "e2e"))
smtp_sink = pytest.importorskip("smtp_sink")

NEW_PASSWORD = "a new and long passphrase"


@pytest.fixture(scope="module")
def mailbox():
    try:
        return smtp_sink.mailbox()   # the same server as the e2e suite's (once per process)
    except OSError as e:
        pytest.fail(f"test SMTP server: cannot listen on {smtp_sink.SMTP_PORT}: {e}")


def log_in(driver, base_url, email, password):
    driver.get(base_url + "/login.html")
    fill(driver, "#email", email)
    fill(driver, "#password", password)
    click(driver, "#submit")


def test_a_new_account_verifies_its_address_from_the_account_page(browser_factory, base_url, mailbox, screenshot_dir):
    email = unique_email("verify")
    api_signup(base_url, email, PASSWORD, "Vera Verify", None)
    first = smtp_sink.link(mailbox.wait_for(email, subject="Verify"))
    browser = browser_factory()
    log_in(browser, base_url, email, PASSWORD)
    wait_path(browser, "/app.html")

    browser.get(base_url + "/account.html")
    wait_text(browser, "#profile-email", email)
    visible(browser, "#email-unverified")
    assert_no_layout_shift(browser, "account page, unverified")
    click(browser, "#resend-verification")
    wait_contains(browser, "#verification-sent", f"Sent to {email}")
    second = smtp_sink.link(mailbox.wait_for(email, subject="Verify", count=2))
    assert second != first

    browser.get(second)
    wait_text(browser, "#verify-state", "Your e-mail address is verified. Thank you!")
    capture(browser, "verify", screenshot_dir)
    click(browser, "#verify-next")
    wait_path(browser, "/app.html")
    browser.get(base_url + "/account.html")
    visible(browser, "#email-verified")
    # The first link was spent with the second (one verification is enough).
    browser.get(first)
    wait_contains(browser, "#verify-message", "already been used")
    assert_clean_console(browser, "verify pages", allow=("/api/auth/verify",))


def test_forgot_password_mails_a_link_that_sets_a_new_password_once(browser_factory, base_url, mailbox, screenshot_dir):
    email = unique_email("forgot")
    api_signup(base_url, email, PASSWORD, "Fergus Forgot", None)
    browser = browser_factory()
    browser.get(base_url + "/login.html")
    fill(browser, "#email", email)
    click(browser, "#forgot-link")
    wait_path(browser, "/forgot.html")
    assert visible(browser, "#email").get_attribute("value") == email   # carried over
    assert_no_layout_shift(browser, "forgot page")
    capture(browser, "forgot", screenshot_dir)
    click(browser, "#submit")
    wait_contains(browser, "#sent", f"If an account uses {email}")

    link = smtp_sink.link(mailbox.wait_for(email, subject="Reset"))
    browser.get(link)
    visible(browser, "#reset-form")
    assert_no_layout_shift(browser, "reset page")
    capture(browser, "reset", screenshot_dir)
    fill(browser, "#password", NEW_PASSWORD)
    fill(browser, "#confirm-password", NEW_PASSWORD)
    click(browser, "#submit")
    wait_contains(browser, "#done", "signed out everywhere")
    click(browser, "#login-link")
    wait_path(browser, "/login.html")

    fill(browser, "#email", email)
    fill(browser, "#password", PASSWORD)
    click(browser, "#submit")
    wait_contains(browser, "#form-message", "not correct")
    fill(browser, "#password", NEW_PASSWORD)
    click(browser, "#submit")
    wait_path(browser, "/app.html")

    # The same link again: refused, with a way to ask for a new one.
    other = browser_factory()
    other.get(link)
    fill(other, "#password", "yet another passphrase")
    fill(other, "#confirm-password", "yet another passphrase")
    click(other, "#submit")
    wait_contains(other, "#done", "already been used")
    visible(other, "#new-link")
    assert_clean_console(other, "reset page, spent link", allow=("/api/auth/recover/confirm",))
