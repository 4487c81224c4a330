"""A PostgREST-equivalent request path (docs/TENANCY.md, "Database tokens (PostgREST)").

PostgREST cannot be installed here, so this does what it does per request, and nothing
more: verify the JWT (HS256, `exp`, `aud`); open a transaction (READ ONLY for reads); run
ONE statement that sets `search_path`, `role` and `request.jwt.claims` transaction-locally
(src/PostgREST/Query/PreQuery.hs, `txVarQuery`); run the request's statement; COMMIT, or
ROLLBACK on error. It connects as the authenticator (`orgplane_authenticator`: LOGIN
NOINHERIT, a member of every organization role and of anon) and sends unnamed statements
only (`prepare_threshold=None`, PostgREST's `db-prepared-statements = false`), so it runs
unchanged through PgBouncer in transaction mode.

    harness = Harness(conninfo, secret)
    rows = harness.request(token, schema="o_…", sql="select * from notes")
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import psycopg

AUDIENCE = "orgplane:db"
ANON_ROLE = "anon"

# The one identity statement, with every value a bound parameter.
SET_IDENTITY = ("select set_config('search_path', %s, true), set_config('role', %s, true), "
                "set_config('request.jwt.claims', %s, true)")


class TokenRejected(Exception):
    """The JWT failed verification (PostgREST answers 401)."""


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(token: str, secret: bytes, audience: str = AUDIENCE, now: float | None = None) -> dict:
    """The claims of an HS256 token signed with `secret`; raises TokenRejected otherwise."""
    try:
        header_part, payload_part, signature_part = token.split(".")
        header = json.loads(_b64url(header_part))
        claims = json.loads(_b64url(payload_part))
        signature = _b64url(signature_part)
    except (ValueError, json.JSONDecodeError) as error:
        raise TokenRejected(f"malformed: {error}") from None
    if header.get("alg") != "HS256":
        raise TokenRejected("algorithm")
    expected = hmac.new(secret, f"{header_part}.{payload_part}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise TokenRejected("signature")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= (now if now is not None else time.time()):
        raise TokenRejected("expired")
    if claims.get("aud") != audience:
        raise TokenRejected("audience")
    return claims


@dataclass
class Identity:
    """What one request runs as: the role, the schema (Accept-Profile) and the claims JSON."""
    role: str
    schema: str
    claims: str


class Harness:
    """One authenticator connection; `request` is one PostgREST request on it."""

    def __init__(self, conninfo: str, secret: bytes, anon_role: str = ANON_ROLE):
        self.secret = secret
        self.anon_role = anon_role
        self.conn = psycopg.connect(conninfo, autocommit=True, prepare_threshold=None)

    def close(self) -> None:
        self.conn.close()

    def identity(self, token: str | None, schema: str) -> Identity:
        """PostgREST's identity for a request: the token's `role` claim, else the anon role."""
        if token is None:
            return Identity(self.anon_role, schema, "{}")
        claims = verify(token, self.secret)
        return Identity(claims.get("role", self.anon_role), schema, json.dumps(claims, separators=(",", ":")))

    def request(self, token: str | None, schema: str, sql: str, params: tuple | None = None,
                read_only: bool = False, commit: bool = True, then: str | None = None):
        """Runs `sql` as PostgREST would for a request with `token` and Accept-Profile
        `schema`; returns its rows (None for statements without), and `then`'s rows as a
        second value when given (a follow-up check inside the same transaction). With
        `commit=False` the transaction is rolled back at the end (a dry run)."""
        who = self.identity(token, schema)
        with self.conn.cursor() as cur:
            cur.execute("begin isolation level read committed " + ("read only" if read_only else "read write"))
            try:
                cur.execute(SET_IDENTITY, (who.schema, who.role, who.claims))
                cur.execute(sql, params)
                rows = cur.fetchall() if cur.description else None
                after = None
                if then is not None:
                    cur.execute(then)
                    after = cur.fetchall()
            except BaseException:
                cur.execute("rollback")
                raise
            cur.execute("commit" if commit else "rollback")
        return (rows, after) if then is not None else rows
