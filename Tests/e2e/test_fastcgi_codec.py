"""The tests' FastCGI codec (fastcgi.py) agrees with itself: what the client side writes,
the server side reads back, including 4-byte lengths and streams over one record."""

from __future__ import annotations

import io
import struct

import pytest

import fastcgi


def test_a_request_written_by_the_client_side_is_read_back_by_the_server_side():
    params = [("REQUEST_METHOD", "POST"), ("HTTP_X_LONG", "v" * 300), ("N" * 200, ""), ("HTTP_X_LONG", "again")]
    body = bytes(range(256)) * 300  # over one record
    wire = (fastcgi.record(fastcgi.BEGIN_REQUEST, struct.pack("!HB5x", fastcgi.RESPONDER, 0), 7)
            + fastcgi.stream(fastcgi.PARAMS, fastcgi.encode_pairs(params), 7)
            + fastcgi.stream(fastcgi.STDIN, body, 7))
    assert fastcgi.read_request(io.BytesIO(wire)) == (7, params, body)


def test_an_answer_is_stdout_records_then_end_request():
    output = b"Status: 200 OK\r\n\r\n" + b"x" * 70000
    records = list(fastcgi.parse_records(fastcgi.response_records(output, 3)))
    assert [kind for kind, _, _ in records] == [fastcgi.STDOUT, fastcgi.STDOUT, fastcgi.STDOUT, fastcgi.END_REQUEST]
    assert {request_id for _, request_id, _ in records} == {3}
    assert b"".join(content for kind, _, content in records if kind == fastcgi.STDOUT) == output
    assert records[-2][2] == b"", "the stream ends with an empty record"


def test_a_truncated_stream_is_an_eof_not_a_request():
    wire = fastcgi.stream(fastcgi.PARAMS, fastcgi.encode_pairs({"A": "b"}))[:-3]
    with pytest.raises(EOFError):
        fastcgi.read_request(io.BytesIO(wire))
