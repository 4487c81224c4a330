"""The shipped catalogue (dataplane/hindsight.json) against the real Hindsight API package.

The catalogue's "upstream" names the package, the version and the file that declares the
routes; that is the only place the version is pinned. `package_routes()` downloads that
package with `pip download --no-deps` (nothing is installed, nothing imported) and reads the
routes out of the file with `ast`: every `@app.get("/v1/...")`-style decorator (`app` or any
router; get, post, put, patch, delete, head, options). `drift()` compares them with the
catalogue in both directions and says what differs, and `order_drift()` checks that where two
templates overlap the gateway picks the operation Hindsight routes to (Starlette tries routes
in declaration order; the gateway takes the first catalogue entry that matches).

Run alone (prints the differences, exit 1 if any):  python3 Tests/e2e/hindsight_routes.py
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "dataplane" / "hindsight.json"
METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


@dataclass(frozen=True)
class Route:
    """One route: its method, path template and a label (operation name or handler)."""
    method: str
    path: str
    label: str

    @property
    def shape(self) -> str:
        """The template with placeholder names erased: `{}` for one segment, `{:path}` for a tail."""
        return re.sub(r"\{[^}:]+(:path)?\}", lambda m: "{" + (m.group(1) or "") + "}", self.path)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.shape)


class DownloadFailed(Exception):
    pass


def load_catalogue(path: Path = CATALOGUE) -> dict:
    return json.loads(path.read_text())


def catalogue_routes(catalogue: dict) -> list[Route]:
    return [Route(e["method"], e["path"], e["name"]) for e in catalogue["operations"]]


def routes_in_source(source: str, prefix: str = "/v1") -> list[Route]:
    """The routes declared by decorators in `source`, in declaration order, under `prefix`."""
    routes = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        # A route added another way would be invisible to the decorator scan: refuse to guess.
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("add_api_route", "api_route", "add_route", "route") and node.args
                and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith(prefix)):
            raise ValueError(f"line {node.lineno}: a {prefix} route declared with {node.func.attr}(), "
                             "which this scan does not read")
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr in METHODS and decorator.args):
                continue
            first = decorator.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                raise ValueError(f"line {decorator.lineno}: a route path that is not a literal string")
            if first.value == prefix or first.value.startswith(prefix + "/"):
                routes.append((decorator.lineno, Route(decorator.func.attr.upper(), first.value, node.name)))
    return [route for _, route in sorted(routes, key=lambda pair: pair[0])]


def download(package: str, version: str, into: Path) -> Path:
    """`pip download --no-deps package==version` into `into`; the wheel's path."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
               "--disable-pip-version-check", "--no-input", "--quiet", "-d", str(into), f"{package}=={version}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired as error:
        raise DownloadFailed(f"pip download {package}=={version} took over 120 s") from error
    wheels = list(into.glob("*.whl"))
    if result.returncode != 0 or len(wheels) != 1:
        raise DownloadFailed(f"pip download {package}=={version} failed (exit {result.returncode}):\n"
                             f"{result.stderr.strip()[-2000:]}")
    return wheels[0]


def package_routes(catalogue: dict) -> list[Route]:
    """The /v1 routes of the package version the catalogue names, downloaded into a temp dir."""
    upstream = catalogue["upstream"]
    with tempfile.TemporaryDirectory(prefix="hindsight-") as temp:
        wheel = download(upstream["package"], upstream["version"], Path(temp))
        with zipfile.ZipFile(wheel) as archive:
            source = archive.read(upstream["routes"]).decode()
    return routes_in_source(source)


def drift(catalogue: list[Route], package: list[Route]) -> list[str]:
    """Every difference: routes the catalogue lacks, entries the package lacks (a method the package
    does not serve on that path is a method mismatch)."""
    problems = []
    ours = {route.key: route for route in catalogue}
    theirs = {route.key: route for route in package}
    for key, route in theirs.items():
        if key not in ours:
            problems.append(f"missing from the catalogue: {route.method} {route.path} ({route.label})")
    for key, route in ours.items():
        if key not in theirs and not any(r.shape == route.shape for r in package):
            problems.append(f"not in the package: {route.method} {route.path} ({route.label})")
        elif key not in theirs:
            methods = sorted(r.method for r in package if r.shape == route.shape)
            problems.append(f"method mismatch: the catalogue lists {route.method} {route.path} ({route.label}); "
                            f"the package has that path only as {', '.join(methods)}")
    return problems


def _starlette_regex(path: str) -> re.Pattern:
    """The pattern Starlette compiles a route template to: `{x}` one segment, `{x:path}` anything."""
    out, last = "^", 0
    for match in re.finditer(r"\{([^}:]+)(:path)?\}", path):
        out += re.escape(path[last:match.start()]) + (".*" if match.group(2) else "[^/]+")
        last = match.end()
    return re.compile(out + re.escape(path[last:]) + "$")


def _gateway_matches(template: str, segments: list[str]) -> bool:
    """OperationCatalogue.match for one template: literals byte for byte, `{x:path}` one or more."""
    parts = template.strip("/").split("/")
    tail = next((i for i, p in enumerate(parts) if p.endswith(":path}")), None)
    if tail is None:
        return len(segments) == len(parts) and all(
            p.startswith("{") or p == s for p, s in zip(parts, segments))
    if len(segments) < len(parts):
        return False
    shift = len(segments) - len(parts)
    return all(parts[i].startswith("{") or parts[i] == segments[i] for i in range(tail)) and all(
        parts[i].startswith("{") or parts[i] == segments[i + shift] for i in range(tail + 1, len(parts)))


def order_drift(catalogue: list[Route], package: list[Route]) -> list[str]:
    """Paths on which the gateway's first match is not the route Hindsight dispatches to.

    Witnesses: each package route with its placeholders filled by `w`, and by every literal
    segment of the routes of its method (a `:path` tail also by `w/<literal>`), one
    placeholder at a time.
    """
    compiled = [(route, _starlette_regex(route.path)) for route in package]
    ours = {route.key: route for route in catalogue}
    problems = []
    for route in package:
        # Only routes of the same method can compete for a request.
        literals = sorted({p for r in package if r.method == route.method
                           for p in r.path.strip("/").split("/") if not p.startswith("{")})
        parts = route.path.strip("/").split("/")
        holes = [i for i, p in enumerate(parts) if p.startswith("{")]
        fillings = [["w" for _ in holes]]
        for h, index in enumerate(holes):
            options = literals + ([f"w/{lit}" for lit in literals] if parts[index].endswith(":path}") else [])
            for option in options:
                filled = ["w" for _ in holes]
                filled[h] = option
                fillings.append(filled)
        for filled in fillings:
            concrete = list(parts)
            for index, value in zip(holes, filled):
                concrete[index] = value
            path = "/" + "/".join(concrete)
            segments = path.strip("/").split("/")
            hindsight = next((r for r, rx in compiled if r.method == route.method and rx.match(path)), None)
            gateway = next((r for r in catalogue if r.method == route.method and _gateway_matches(r.path, segments)), None)
            expected = ours.get(hindsight.key) if hindsight else None
            if expected != gateway:
                problems.append(f"{route.method} {path}: Hindsight runs {hindsight.label if hindsight else 'nothing'}, "
                                f"the gateway decides {gateway.label if gateway else 'nothing'}")
    return sorted(set(problems))


def main() -> int:
    catalogue = load_catalogue()
    package = package_routes(catalogue)
    ours = catalogue_routes(catalogue)
    problems = drift(ours, package) + order_drift(ours, package)
    upstream = catalogue["upstream"]
    print(f"{upstream['package']}=={upstream['version']}: {len(package)} routes under /v1; "
          f"catalogue: {len(ours)} operations")
    for problem in problems:
        print("  " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
