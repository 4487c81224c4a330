"""The cross-tenant leak matrix, generated from the role table (docs/TENANCY.md).

Subjects are, per organization, its owner, admin, member, viewer, a non-member and an API
key (a member's key with `db:token`). Targets are the organizations' schemas. Operations
are the statements below. Each (subject, target, operation) runs in two modes:

- **profile**: `search_path` is the target schema and names are unqualified (PostgREST's
  Accept-Profile);
- **qualified**: `search_path` is the subject's own schema and names are qualified with
  the target's.

The expectation comes from `ROLE_TABLE` and `MAY` alone: a subject may do an operation on
its own organization's schema exactly when its mapped database role may, and nothing
anywhere else. Any other outcome is an unexpected allow or deny.

The generator is independent of how a statement reaches PostgreSQL. A *path* is a callable
`path(subject, case) -> Outcome`. The db-token path (Tests/e2e/test_tenancy.py) runs each
case through the PostgREST harness. A leased connection or agent SQL plugs in the same way:

    from leak_matrix import Matrix, Outcome, run_statement
    matrix = Matrix(orgs, subjects)
    failures = matrix.run(my_path)          # [] when every cell is as the role table says

Every case is a dry run: its transaction is rolled back, so the fixtures stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

# The role table: organization role -> database role suffix (docs/TENANCY.md, "Names").
ROLE_TABLE = {"owner": "owner", "admin": "owner", "member": "rw", "viewer": "ro"}

# What each database role may do in its own organization's schema (docs/TENANCY.md,
# "What each role may do"). Nobody may do anything in another organization's schema.
MAY = {
    "owner": {"select", "insert", "update", "delete", "truncate", "nextval", "create table", "create view",
              "create function", "alter table", "drop", "grant", "revoke"},
    "rw": {"select", "insert", "update", "delete", "nextval"},
    "ro": {"select"},
}

# The sentinel each organization's owner creates before the matrix runs (see `fixture_sql`).
SENTINEL = "sentinel"

# Operation -> (statement, check). {t} is the sentinel table's name and {s} the schema prefix
# as the mode writes them; {target_ro} the target's viewer role. When a check is given, the
# operation counts as allowed only if the check returns true in the same transaction: a
# GRANT or REVOKE without the right is only a WARNING in PostgreSQL, never an error.
OPERATIONS: dict[str, tuple[str, str | None]] = {
    "select": ("select count(*) from {t}", None),
    "insert": ("insert into {t} (body) values ('matrix')", None),
    "update": ("update {t} set body = body", None),
    "delete": ("delete from {t}", None),
    "truncate": ("truncate {t}", None),
    "nextval": ("select nextval('{s}sentinel_id_seq')", None),
    "create table": ("create table {s}matrix_created (id int)", None),
    "create view": ("create view {s}matrix_view as select 1 as one", None),
    "create function": ("create function {s}matrix_function() returns int language sql as 'select 1'", None),
    "alter table": ("alter table {t} add column matrix_extra int", None),
    "drop": ("drop table {t}", None),
    "grant": ("grant select on {t} to anon", "select has_table_privilege('anon', '{qualified}', 'select')"),
    "revoke": ("revoke select on {t} from {target_ro}", "select not has_table_privilege('{target_ro}', '{qualified}', 'select')"),
    # set_config is not executable by tenant roles: switching to another role mid-request is
    # refused to everyone, even the subject's own organization's owner role.
    "switch role": ("select set_config('role', '{target_owner}', true)", None),
}
NOBODY = {"switch role"}

MODES = ("profile", "qualified")

# SQLSTATEs that mean "refused": insufficient privilege; and, where a schema is not usable,
# PostgreSQL looks past it (undefined table/function) or has nowhere to create (3F000).
DENIED = {"42501", "42P01", "42883", "3F000"}


@dataclass(frozen=True)
class Org:
    """One organization under test: its id (hex) and, derived, its schema and roles."""
    id: str

    @property
    def hex(self) -> str:
        return self.id.replace("-", "")

    @property
    def schema(self) -> str:
        return "o_" + self.hex

    def role(self, suffix: str) -> str:
        return f"o_{self.hex}_{suffix}"


@dataclass(frozen=True)
class Subject:
    """Who acts: `kind` is owner/admin/member/viewer/non-member/api-key of `org`; `org_role`
    is the organization role it acts with (None for a non-member), `credential` whatever the
    path needs (a db-token, a lease URI…)."""
    org: Org
    kind: str
    org_role: str | None
    credential: object = field(default=None, compare=False)

    @property
    def db_role(self) -> str | None:
        return ROLE_TABLE[self.org_role] if self.org_role else None

    @property
    def name(self) -> str:
        return f"{self.kind}@{self.org.hex[:6]}"


@dataclass(frozen=True)
class Case:
    subject: Subject
    target: Org
    operation: str
    mode: str
    search_path: str
    statement: str
    check: str | None
    expected: bool

    def __str__(self) -> str:
        verdict = "allowed" if self.expected else "denied"
        return f"{self.subject.name} {self.operation} on {self.target.hex[:6]} ({self.mode}): expected {verdict}"


@dataclass
class Outcome:
    allowed: bool
    detail: str = ""


def expected(subject: Subject, target: Org, operation: str) -> bool:
    """The role table's verdict."""
    if operation in NOBODY or subject.db_role is None or subject.org != target:
        return False
    return operation in MAY[subject.db_role]


def case(subject: Subject, target: Org, operation: str, mode: str) -> Case:
    statement, check = OPERATIONS[operation]
    qualified = f"{target.schema}.{SENTINEL}"
    if mode == "profile":
        search_path, prefix, table = target.schema, "", SENTINEL
    else:
        search_path, prefix, table = subject.org.schema, target.schema + ".", qualified
    values = {"t": table, "s": prefix, "qualified": qualified, "target_ro": target.role("ro"), "target_owner": target.role("owner")}
    return Case(subject, target, operation, mode, search_path, statement.format(**values),
                check.format(**values) if check else None, expected(subject, target, operation))


class Matrix:
    def __init__(self, orgs: list[Org], subjects: list[Subject], operations=tuple(OPERATIONS), modes=MODES):
        self.orgs, self.subjects, self.operations, self.modes = orgs, subjects, operations, modes

    def cases(self) -> Iterator[Case]:
        for subject in self.subjects:
            for target in self.orgs:
                for operation in self.operations:
                    for mode in self.modes:
                        yield case(subject, target, operation, mode)

    def run(self, path: Callable[[Subject, Case], Outcome]) -> tuple[int, list[str]]:
        """Runs every case on `path`; returns how many ran and the unexpected outcomes."""
        ran, failures = 0, []
        for one in self.cases():
            outcome = path(one.subject, one)
            ran += 1
            if outcome.allowed != one.expected:
                failures.append(f"{one}, got {'allowed' if outcome.allowed else 'denied'} {outcome.detail}".strip())
        return ran, failures


def run_statement(execute: Callable[[str, str, str | None], object], one: Case) -> Outcome:
    """The common outcome logic for a path: `execute(search_path, statement, check)` runs the
    statement (and the check, returning its rows) in a transaction it rolls back. A refusal
    SQLSTATE is a deny; any other error propagates (it is a bug, not a verdict)."""
    import psycopg

    try:
        after = execute(one.search_path, one.statement, one.check)
    except psycopg.Error as error:
        if error.sqlstate in DENIED:
            return Outcome(False, error.sqlstate)
        raise
    if one.check is not None:
        return Outcome(bool(after and after[0][0]), "(by its check)")
    return Outcome(True)


def fixture_sql() -> str:
    """What each organization's owner role creates once, before the matrix (committed)."""
    return (f"create table {SENTINEL} (id bigint generated by default as identity primary key, body text);"
            f" insert into {SENTINEL} (body) values ('sentinel');"
            " create function matrix_catalogue_marker() returns text language sql as $$ select 'visible body' $$")
