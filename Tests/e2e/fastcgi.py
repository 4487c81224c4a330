"""The FastCGI record codec of the Python tests (FastCGI 1.0, responder role), both sides:

- the client side speaks to the pool's socket directly, as nginx would (`get`);
- the server side reads what nginx sends to a test responder (`read_request`) and answers
  (`response_records`).

Records are `version, type, request id, content length, padding length, reserved`, then the
content and the padding; parameters are name-value pairs with 1- or 4-byte lengths.
"""

from __future__ import annotations

import socket
import struct
from typing import BinaryIO, Iterator

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER = 1
_HEADER = struct.Struct("!BBHHBB")
MAX_CONTENT = 65535


def record(kind: int, content: bytes, request_id: int = 1) -> bytes:
    """One record, without padding."""
    return _HEADER.pack(1, kind, request_id, len(content), 0, 0) + content


def stream(kind: int, content: bytes, request_id: int = 1) -> bytes:
    """A stream (PARAMS, STDIN, STDOUT): the content in records of at most 65535 bytes, then
    the empty record that ends the stream."""
    chunks = [content[i:i + MAX_CONTENT] for i in range(0, len(content), MAX_CONTENT)]
    return b"".join(record(kind, chunk, request_id) for chunk in chunks) + record(kind, b"", request_id)


def encode_pairs(pairs: dict[str, str] | list[tuple[str, str]]) -> bytes:
    """Name-value pairs as PARAMS content."""
    def length(n: int) -> bytes:
        return bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)

    out = b""
    for name, value in (pairs.items() if isinstance(pairs, dict) else pairs):
        n, v = name.encode(), value.encode()
        out += length(len(n)) + length(len(v)) + n + v
    return out


def decode_pairs(data: bytes) -> list[tuple[str, str]]:
    """PARAMS content as name-value pairs, in order, repeats kept (bytes read as latin-1)."""
    out, i = [], 0

    def length() -> int:
        nonlocal i
        if data[i] < 128:
            i += 1
            return data[i - 1]
        i += 4
        return struct.unpack("!I", data[i - 4:i])[0] & 0x7FFFFFFF

    while i < len(data):
        name_length, value_length = length(), length()
        name, value = data[i:i + name_length], data[i + name_length:i + name_length + value_length]
        i += name_length + value_length
        out.append((name.decode("latin-1"), value.decode("latin-1")))
    return out


def parse_records(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(type, request id, content) of each whole record in `data`."""
    offset = 0
    while offset + _HEADER.size <= len(data):
        _, kind, request_id, length, padding, _ = _HEADER.unpack_from(data, offset)
        yield kind, request_id, data[offset + _HEADER.size:offset + _HEADER.size + length]
        offset += _HEADER.size + length + padding


def read_record(f: BinaryIO) -> tuple[int, int, bytes]:
    """(type, request id, content) of the next record of a stream; EOFError at its end."""
    def exact(n: int) -> bytes:
        data = f.read(n)
        if len(data) != n:
            raise EOFError
        return data

    _, kind, request_id, length, padding, _ = _HEADER.unpack(exact(_HEADER.size))
    content = exact(length)
    exact(padding)
    return kind, request_id, content


# --------------------------------------------------------------------------- server side

def read_request(f: BinaryIO) -> tuple[int, list[tuple[str, str]], bytes]:
    """(request id, parameters, body) of one request, read up to the end of its STDIN."""
    params, stdin, request_id = b"", b"", 1
    while True:
        kind, request_id, content = read_record(f)
        if kind == PARAMS:
            params += content
        elif kind == STDIN:
            if not content:
                break
            stdin += content
    return request_id, decode_pairs(params), stdin


def response_records(output: bytes, request_id: int = 1) -> bytes:
    """A responder's whole answer (CGI headers and body) as STDOUT, then END_REQUEST."""
    return stream(STDOUT, output, request_id) + record(END_REQUEST, struct.pack("!IB3x", 0, 0), request_id)


# --------------------------------------------------------------------------- client side

def get(socket_path: str, path: str, headers: dict[str, str], timeout: float = 30,
        params: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET to a FastCGI responder on a unix socket, as nginx would send it; (status, body).
    `params` adds or replaces parameters (e.g. a CONTENT_LENGTH nginx would have refused)."""
    status, _, body = exchange(socket_path, path, headers, timeout, params)
    return status, body


def exchange(socket_path: str, path: str, headers: dict[str, str], timeout: float = 30,
             params: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """As `get`, with the answer's CGI headers (names lower-cased): (status, headers, body)."""
    extra = params
    params = {"REQUEST_METHOD": "GET", "DOCUMENT_URI": path, "REQUEST_URI": path, "QUERY_STRING": "",
              "CONTENT_LENGTH": "0", "HTTP_X_REAL_IP": "127.0.0.1"}
    params.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    params.update(extra or {})
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(socket_path)
        s.sendall(record(BEGIN_REQUEST, struct.pack("!HB5x", RESPONDER, 0))
                  + stream(PARAMS, encode_pairs(params)) + stream(STDIN, b""))
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    out, ended = b"", False
    for kind, _, content in parse_records(data):
        if kind == STDOUT:
            out += content
        elif kind == END_REQUEST:
            ended = True
    assert ended, "the responder did not finish the request"
    head, _, payload = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = dict((name.strip().lower(), value.strip()) for name, _, value in (line.partition(":") for line in lines[1:]))
    return status, fields, payload
