"""A real SMTP server for the mail stories: aiosmtpd on the port the pool's MAIL_URL names
(ORGPLANE_TEST_SMTP_PORT, set by scripts/test), in a process of its own (so that its work
never competes with the measuring tests for this interpreter's lock), started once per
pytest process (the e2e and browser conftests share it). It writes every message it
receives into a directory, which `Mailbox` reads.

    box = smtp_sink.mailbox()
    message = box.wait_for("ann@example.com", subject="Verify")   # an email.message.EmailMessage
    link = smtp_sink.link(message)                                 # the first http(s) link of its text
    box.enabled = False                                            # the server answers 451 to RCPT

`starttls_server(cert, key)` is a second server on ORGPLANE_TEST_SMTP_TLS_PORT that refuses
mail until the client has said STARTTLS (`require_starttls`).

Run as a script, it is the server: `python smtp_sink.py PORT DIRECTORY [CERT KEY]`.
"""

from __future__ import annotations

import atexit
import base64
import email
import email.policy
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

SMTP_PORT = int(os.environ.get("ORGPLANE_TEST_SMTP_PORT", "18095"))
SMTP_TLS_PORT = int(os.environ.get("ORGPLANE_TEST_SMTP_TLS_PORT", "18096"))


class Mailbox:
    """The messages one server process wrote to `directory`, with their envelopes."""

    def __init__(self, directory: str, process: subprocess.Popen):
        self.directory = directory
        self.process = process
        self._parsed: dict[str, tuple[list[str], bytes]] = {}

    @property
    def enabled(self) -> bool:
        return not os.path.exists(os.path.join(self.directory, "refuse"))

    @enabled.setter
    def enabled(self, value: bool):
        flag = os.path.join(self.directory, "refuse")
        if value:
            if os.path.exists(flag):
                os.remove(flag)
        else:
            open(flag, "w").close()

    def _messages(self) -> list[tuple[list[str], bytes]]:
        for name in sorted(os.listdir(self.directory)):
            if name.endswith(".json") and name not in self._parsed:
                with open(os.path.join(self.directory, name)) as f:
                    record = json.load(f)
                self._parsed[name] = (record["rcpt"], base64.b64decode(record["content"]))
        return [self._parsed[name] for name in sorted(self._parsed)]

    def received(self, recipient: str) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(content, policy=email.policy.default)
                for rcpts, content in self._messages() if recipient in rcpts]

    def wait_for(self, recipient: str, subject: str = "", count: int = 1, timeout: float = 20):
        """The `count`-th message to `recipient` whose subject contains `subject`."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.received(recipient) if subject in str(m["Subject"])]
            if len(found) >= count:
                return found[count - 1]
            assert time.monotonic() < deadline, f"no message {count} to {recipient} with subject {subject!r} within {timeout} s"
            time.sleep(0.05)


_lock = threading.Lock()
_started: dict[int, Mailbox] = {}


def _start(port: int, *tls: str) -> Mailbox:
    with _lock:
        if port in _started:
            return _started[port]
        directory = tempfile.mkdtemp(prefix=f"orgplane-smtp-{port}-")
        process = subprocess.Popen([sys.executable, os.path.abspath(__file__), str(port), directory, *tls],
                                   stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "server.log"), "w"))
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise OSError(f"the SMTP test server did not start on {port}: "
                                  + open(os.path.join(directory, "server.log")).read()[-500:])
                time.sleep(0.05)
        box = Mailbox(directory, process)
        _started[port] = box
        return box


def mailbox() -> Mailbox:
    """The plain SMTP server the test pool sends to (started on first use)."""
    return _start(SMTP_PORT)


def starttls_server(cert: str, key: str) -> Mailbox:
    """A server that accepts mail only after STARTTLS, with this certificate."""
    return _start(SMTP_TLS_PORT, cert, key)


@atexit.register
def stop_all():
    with _lock:
        for box in _started.values():
            box.process.terminate()
            try:
                box.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                box.process.kill()
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


# --------------------------------------------------------------------------- the server


def serve(port: int, directory: str, cert: str | None = None, key: str | None = None):
    import signal
    import ssl

    from aiosmtpd.controller import Controller

    class Handler:
        counter = 0

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if os.path.exists(os.path.join(directory, "refuse")):
                return "451 4.3.0 try again later (the test turned the mailbox off)"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            Handler.counter += 1
            name = f"{time.time_ns()}-{Handler.counter:06d}.json"
            record = {"from": envelope.mail_from, "rcpt": list(envelope.rcpt_tos),
                      "content": base64.b64encode(bytes(envelope.content)).decode()}
            with open(os.path.join(directory, name + ".tmp"), "w") as f:
                json.dump(record, f)
            os.rename(os.path.join(directory, name + ".tmp"), os.path.join(directory, name))
            return "250 Message accepted"

    parameters = {}
    if cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        parameters = {"tls_context": context, "require_starttls": True}
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, **parameters)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    controller.stop()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2], *sys.argv[3:5])
