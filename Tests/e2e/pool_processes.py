"""The processes of this checkout's test pool, found through /proc (fault tests)."""

from __future__ import annotations

import os


def pool_workers() -> dict[int, int]:
    """pid → parent pid of every `orgplane serve` process of this checkout's test pool (other
    checkouts may be testing on the same machine: their pools run in their own directory)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        parent = int(fields[1])
        if fields[0] != "Z" and cwd == root and len(argv) >= 2 and argv[0].endswith(b"/debug/orgplane") and argv[1] == b"serve":
            found[int(entry)] = parent
    return found


def pool_children() -> list[int]:
    """The worker processes (children of the supervisor) of the test pool."""
    found = pool_workers()
    return [pid for pid, parent in found.items() if parent in found]


def pool_supervisor() -> int | None:
    """The supervisor: the one process of the test pool whose parent is not in it."""
    found = pool_workers()
    roots = [pid for pid, parent in found.items() if parent not in found]
    return roots[0] if len(roots) == 1 else None
