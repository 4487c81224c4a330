"""The recording test upstream: what the dataplane gateway (and nginx's /protected/
auth_request example) forwards to, seen from the other side.

conftest.py's session-wide `upstream` fixture serves this handler on
ORGPLANE_TEST_UPSTREAM_PORT (the pool's DATAPLANE_URL and the /protected/ proxy target),
so every test shares one recorder. Tests stay independent by putting a unique marker
(e.g. a fresh bank id) in their paths and looking only at the requests that carry it:
see `seen()`.

Every request is recorded as a dict, oldest first:
  method, path (raw, as received), query (raw), headers ({lower-case name: value}),
  header_list ([(lower-case name, value)], duplicates kept), body (text, for display),
  body_bytes (exactly the bytes received), target (the raw request target).
The answer is JSON `{"upstream": record}` (without body_bytes), unless the path has one of
these segments:
  __status/NNN   answer NNN with a JSON body naming the status (also ?__status=NNN)
  __large/N      answer N bytes of binary (application/octet-stream), see large_body(N)
  __slow         answer nothing until the client gives up (at most SLOW_CAP_SECONDS)
  __close        drop the connection without answering
and ?__delay_ms=N waits N ms before answering (a slow upstream path, e.g. an LLM-backed
recall); ?__header=Name:value (repeatable) adds that header to the answer.

Run it alone for a hand-started stack:  python3 Tests/e2e/upstream.py 18190
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

SLOW_CAP_SECONDS = 120


def large_body(size: int) -> bytes:
    """The deterministic binary body `__large/<size>` answers with (every byte value)."""
    pattern = bytes(range(256))
    return (pattern * (size // 256 + 1))[:size]


class Recorder:
    """What the upstream received, oldest first (thread-safe)."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.requests: list[dict] = []
        self._lock = threading.Lock()

    def add(self, record: dict):
        with self._lock:
            self.requests.append(record)

    def clear(self):
        with self._lock:
            self.requests.clear()

    def last(self) -> dict:
        with self._lock:
            assert self.requests, "the test upstream received no request"
            return self.requests[-1]

    def snapshot(self) -> list[dict]:
        with self._lock:
            return list(self.requests)


def seen(recorder, marker: str) -> list[dict]:
    """The recorded requests whose target carries `marker` (also when percent-encoded)."""
    requests = recorder.snapshot() if hasattr(recorder, "snapshot") else list(recorder.requests)
    return [r for r in requests if marker in r.get("target", r["path"]) or marker in unquote(r.get("target", r["path"]))]


class RecordingHandler(BaseHTTPRequestHandler):
    """Records every request into `self.server.recorder` and answers as described above."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else Nagle + delayed ACK add ~40 ms per response

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        record = {
            "method": self.command,
            "path": parts.path,
            "query": parts.query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "header_list": [(k.lower(), v) for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
        }
        self.server.recorder.add(dict(record, body_bytes=body, target=self.path))

        segments = parts.path.split("/")
        if "__close" in segments:
            self.close_connection = True
            return
        if "__slow" in segments:
            if self._client_gave_up_within(SLOW_CAP_SECONDS):
                self.close_connection = True
                return
        delay = int(query.get("__delay_ms", ["0"])[0])
        if delay:
            time.sleep(delay / 1000)

        status = int(query.get("__status", ["200"])[0])
        content_type = "application/json"
        out = json.dumps({"upstream": record}).encode()
        if "__status" in segments:
            status = int(segments[segments.index("__status") + 1])
            out = json.dumps({"upstream_status": status, "path": parts.path}).encode()
        if "__large" in segments:
            out = large_body(int(segments[segments.index("__large") + 1]))
            content_type = "application/octet-stream"
        self.send_response(status)
        for extra in query.get("__header", []):
            name, _, value = extra.partition(":")
            self.send_header(name.strip(), value.strip())
        if status in (204, 304):
            self.end_headers()
            return
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)

    def _client_gave_up_within(self, seconds: float) -> bool:
        """Waits until the client closes the connection (True) or `seconds` pass (False)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.2)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return True
                except OSError:
                    return True
        return False

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def log_message(self, *args):  # keep pytest output clean
        pass


def serve(port: int, recorder=None) -> tuple[ThreadingHTTPServer, Recorder]:
    """Starts the upstream on 127.0.0.1:`port` in a daemon thread."""
    recorder = recorder or Recorder(port)
    server = ThreadingHTTPServer(("127.0.0.1", port), RecordingHandler)
    server.daemon_threads = True
    server.recorder = recorder
    threading.Thread(target=server.serve_forever, name=f"test-upstream-{port}", daemon=True).start()
    return server, recorder


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 18090
    server, _ = serve(port)
    print(f"recording upstream on 127.0.0.1:{port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
