"""POST /api/organizations/{id}/sql/check through nginx: no input crashes a worker.

Expression chains from 1,000 terms up to the API's 64 KiB body limit are answered
400 sql_refused (too_complex below 16 KiB, too_long above); longer chains (100,000 and
1,000,000 terms, 200 KB and 2 MB bodies) stop at nginx with the JSON 413. Either way every
worker of the pool keeps its pid: none crashed.
"""

from __future__ import annotations

from pool_processes import pool_children


def check(api, org_id: str, query: str):
    return api.request("POST", f"/api/organizations/{org_id}/sql/check", json={"query": query})


def test_expression_chains_are_refused_and_no_worker_dies(new_user):
    owner = new_user()
    api, org_id = owner["api"], owner["organization"]["id"]
    workers = sorted(pool_children())
    assert workers, "the test pool's workers were not found"

    answers = {}
    shapes = {
        "1+": lambda n: "select " + "1+" * n + "1",
        "(select ": lambda n: "select " + "(select " * n + "1" + ")" * n,
        "not ": lambda n: "select " + "not " * n + "true",
        "array[": lambda n: "select " + "array[" * n + "1" + "]" * n,
    }
    for name, build in shapes.items():
        for terms in (1_000, 2_000, 5_000, 10_000, 20_000, 100_000, 1_000_000):
            query = build(terms)
            response = check(api, org_id, query)
            answers[(name, terms)] = response.status_code
            body_bytes = len(query.encode()) + 20
            if body_bytes <= 64 * 1024:
                assert response.status_code == 400, (name, terms, response.text[:300])
                error = response.json()["error"]
                assert error["code"] == "sql_refused"
                assert error["rule"] in ("too_complex", "too_long", "syntax_error"), (name, terms, error)
                if len(query.encode()) > 16 * 1024:
                    assert error["rule"] == "too_long"
            else:
                assert response.status_code == 413, (name, terms, response.status_code)
                assert response.json()["error"]["code"] == "payload_too_large"

    # A 1,000-term chain is refused for its depth, not its length.
    assert check(api, org_id, shapes["1+"](1_000)).json()["error"]["rule"] == "too_complex"
    # The pool still answers, and with the same workers.
    assert check(api, org_id, "select 1").status_code == 200
    assert sorted(pool_children()) == workers, answers
