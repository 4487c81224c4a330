"""The shipped catalogue says exactly what the real Hindsight API serves (hindsight_routes.py).

The real check downloads the pinned package (`pip download --no-deps`, never installed or
imported) and compares its /v1 routes with dataplane/hindsight.json in both directions, and
the gateway's choice on overlapping templates with Hindsight's. The other stories prove the
comparison itself fails on the drift it exists to catch.

No network: under CI (CI=true, as .ci/run sets) the download failing is a FAILURE — a check
that quietly passes when it could not look would claim the catalogue is true without knowing.
Outside CI (a developer offline) the test is skipped, with the reason in pytest's summary.
"""

from __future__ import annotations

import copy
import json
import os

import pytest

from hindsight_routes import (
    DownloadFailed, Route, catalogue_routes, drift, load_catalogue, order_drift, package_routes, routes_in_source,
)

SHIPPED = load_catalogue()


@pytest.fixture(scope="module")
def package() -> list[Route]:
    try:
        return package_routes(SHIPPED)
    except DownloadFailed as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI cannot check the catalogue against the real package: {error}", pytrace=False)
        pytest.skip(f"no network for the catalogue drift check: {error}")


def test_the_version_is_pinned_once_in_the_catalogue():
    upstream = SHIPPED["upstream"]
    assert upstream == {"package": "hindsight-api-slim", "version": "1.1.0", "routes": "hindsight_api/api/http.py"}


def test_every_route_of_the_real_package_is_in_the_catalogue_and_nothing_else(package):
    ours = catalogue_routes(SHIPPED)
    assert len(package) == 97 and len(ours) == 97
    assert drift(ours, package) == []


def test_where_templates_overlap_the_gateway_picks_the_route_hindsight_runs(package):
    assert order_drift(catalogue_routes(SHIPPED), package) == []


def test_every_read_is_a_get_or_a_post_that_changes_nothing_and_get_is_never_a_write():
    for entry in SHIPPED["operations"]:
        if entry["method"] == "GET":
            assert entry["class"] == "read", entry
        if entry["method"] in ("PUT", "PATCH", "DELETE"):
            assert entry["class"] == "write", entry


# --- the comparison catches drift (no network: a small package source and altered catalogues)

SOURCE = '''
from fastapi import FastAPI
app = FastAPI()

@app.get("/health")
async def health(): ...

@app.get("/v1/default/banks")
async def api_list_banks(): ...

@app.get("/v1/default/banks/{bank_id}/documents/{document_id:path}/chunks", operation_id="list_document_chunks")
async def api_list_document_chunks(bank_id, document_id): ...

@app.get("/v1/default/banks/{bank_id}/documents/{document_id:path}")
async def api_get_document(bank_id, document_id): ...

@app.delete("/v1/default/banks/{bank_id}/documents/{document_id:path}")
async def api_delete_document(bank_id, document_id): ...
'''

CATALOGUE = [
    Route("GET", "/v1/default/banks", "list_banks"),
    Route("GET", "/v1/default/banks/{resource}/documents/{document_id:path}/chunks", "list_document_chunks"),
    Route("GET", "/v1/default/banks/{resource}/documents/{document_id:path}", "get_document"),
    Route("DELETE", "/v1/default/banks/{resource}/documents/{document_id:path}", "delete_document"),
]


def test_the_route_scan_reads_decorators_in_declaration_order_under_v1_only():
    routes = routes_in_source(SOURCE)
    assert [(r.method, r.path) for r in routes] == [
        ("GET", "/v1/default/banks"),
        ("GET", "/v1/default/banks/{bank_id}/documents/{document_id:path}/chunks"),
        ("GET", "/v1/default/banks/{bank_id}/documents/{document_id:path}"),
        ("DELETE", "/v1/default/banks/{bank_id}/documents/{document_id:path}"),
    ]
    assert drift(CATALOGUE, routes) == [] and order_drift(CATALOGUE, routes) == []


def test_a_route_added_another_way_stops_the_scan_instead_of_being_missed():
    with pytest.raises(ValueError, match="add_api_route"):
        routes_in_source(SOURCE + '\napp.add_api_route("/v1/default/extra", handler, methods=["GET"])\n')


def test_a_catalogue_missing_one_entry_is_reported():
    routes = routes_in_source(SOURCE)
    assert drift(CATALOGUE[:3], routes) == [
        "missing from the catalogue: DELETE /v1/default/banks/{bank_id}/documents/{document_id:path} (api_delete_document)"
    ]


def test_an_entry_the_package_does_not_have_is_reported():
    routes = routes_in_source(SOURCE)
    extra = Route("GET", "/v1/default/banks/{resource}/document-transfer", "export_documents")
    assert drift(CATALOGUE + [extra], routes) == [
        "not in the package: GET /v1/default/banks/{resource}/document-transfer (export_documents)"
    ]


def test_a_method_mismatch_is_reported_both_ways():
    routes = routes_in_source(SOURCE)
    wrong = CATALOGUE[:3] + [Route("PATCH", CATALOGUE[3].path, "delete_document")]
    assert drift(wrong, routes) == [
        "missing from the catalogue: DELETE /v1/default/banks/{bank_id}/documents/{document_id:path} "
        "(api_delete_document)",
        "method mismatch: the catalogue lists PATCH /v1/default/banks/{resource}/documents/{document_id:path} "
        "(delete_document); the package has that path only as DELETE, GET",
    ]


def test_a_tail_that_became_one_segment_is_drift():
    routes = routes_in_source(SOURCE)
    narrowed = CATALOGUE[:2] + [Route("GET", "/v1/default/banks/{resource}/documents/{document_id}", "get_document"),
                                CATALOGUE[3]]
    assert "missing from the catalogue: GET /v1/default/banks/{bank_id}/documents/{document_id:path} (api_get_document)" \
        in drift(narrowed, routes)


def test_a_catalogue_whose_order_differs_from_hindsights_on_an_overlap_is_reported():
    routes = routes_in_source(SOURCE)
    swapped = [CATALOGUE[0], CATALOGUE[2], CATALOGUE[1], CATALOGUE[3]]
    problems = order_drift(swapped, routes)
    assert "GET /v1/default/banks/w/documents/w/chunks: Hindsight runs api_list_document_chunks, " \
           "the gateway decides get_document" in problems


def test_the_shipped_catalogue_with_one_entry_removed_or_moved_fails_the_real_check(package):
    altered = copy.deepcopy(SHIPPED)
    removed = altered["operations"].pop(next(i for i, e in enumerate(altered["operations"]) if e["name"] == "get_document_history"))
    assert drift(catalogue_routes(altered), package) == [
        f"missing from the catalogue: GET /v1/default/banks/{{bank_id}}/documents/{{document_id:path}}/history "
        f"(api_get_document_history)"
    ]
    assert removed["path"].endswith("{document_id:path}/history")
    # Listed after get_document, /history would be get_document's: the gateway and Hindsight disagree.
    moved = copy.deepcopy(SHIPPED)
    ops = moved["operations"]
    index = next(i for i, e in enumerate(ops) if e["name"] == "get_document")
    ops.insert(index + 1, ops.pop(next(i for i, e in enumerate(ops) if e["name"] == "get_document_history")))
    assert drift(catalogue_routes(moved), package) == []
    assert any("Hindsight runs api_get_document_history, the gateway decides get_document" in p
               for p in order_drift(catalogue_routes(moved), package))
    json.dumps(moved)  # still a well-formed catalogue file
