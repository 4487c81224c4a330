"""A real SMTP server for the mail stories: aiosmtpd on the port the pool's MAIL_URL names
(ORGPLANE_TEST_SMTP_PORT, set by scripts/test), started once per pytest process (the
e2e and browser conftests share it), keeping every message it receives.

    box = smtp_sink.mailbox()
    message = box.wait_for("ann@example.com", subject="Verify")   # an email.message.EmailMessage
    link = smtp_sink.link(message)                                 # the first http(s) link of its text

`starttls_server(cert, key)` is a second server on ORGPLANE_TEST_SMTP_TLS_PORT that refuses
mail until the client has said STARTTLS (`require_starttls`).
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import threading
import time

from aiosmtpd.controller import Controller

SMTP_PORT = int(os.environ.get("ORGPLANE_TEST_SMTP_PORT", "18095"))
SMTP_TLS_PORT = int(os.environ.get("ORGPLANE_TEST_SMTP_TLS_PORT", "18096"))


class Mailbox:
    """aiosmtpd's handler: every delivered message, with its envelope."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.condition = threading.Condition()
        self.enabled = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.enabled:
            return "451 4.3.0 try again later (the test turned the mailbox off)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.condition:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
            self.condition.notify_all()
        return "250 Message accepted"

    def received(self, recipient: str) -> list[email.message.EmailMessage]:
        with self.condition:
            raw = [content for _, rcpts, content in self.messages if recipient in rcpts]
        return [email.message_from_bytes(content, policy=email.policy.default) for content in raw]

    def wait_for(self, recipient: str, subject: str = "", count: int = 1, timeout: float = 20):
        """The `count`-th message to `recipient` whose subject contains `subject`."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.received(recipient) if subject in str(m["Subject"])]
            if len(found) >= count:
                return found[count - 1]
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no message {count} to {recipient} with subject {subject!r} within {timeout} s"
            with self.condition:
                self.condition.wait(min(remaining, 0.2))


_lock = threading.Lock()
_started: dict[int, tuple[Controller, Mailbox]] = {}


def _start(port: int, **smtp_parameters) -> Mailbox:
    with _lock:
        if port not in _started:
            box = Mailbox()
            controller = Controller(box, hostname="127.0.0.1", port=port, **smtp_parameters)
            controller.start()
            _started[port] = (controller, box)
        return _started[port][1]


def mailbox() -> Mailbox:
    """The plain SMTP server the test pool sends to (started on first use)."""
    return _start(SMTP_PORT)


def starttls_server(cert: str, key: str) -> Mailbox:
    """A server that accepts mail only after STARTTLS, with this certificate."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return _start(SMTP_TLS_PORT, tls_context=context, require_starttls=True)


def stop_all():
    with _lock:
        for controller, _ in _started.values():
            controller.stop()
        _started.clear()


def text(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link(message: email.message.EmailMessage) -> str:
    match = re.search(r"https?://\S+", text(message))
    assert match, f"no link in {text(message)!r}"
    return match.group(0)


def fragment_token(url: str) -> str:
    match = re.search(r"#token=([A-Za-z0-9_-]{43})$", url)
    assert match, url
    return match.group(1)
