"""The JSON API: the results of a search, articles, sites and crawls, described by an OpenAPI
document at ``/api/openapi.json``.

The API reads what the pages read, with the same parameters and the same
errors (as ``{"error": "…"}``). No CORS header is sent: a page of another
origin cannot read the answers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from archive.dates import local_iso
from archive.export import article_record, site_names
from archive.models import Article
from archive.stats import archive_stats
from portal_archive.web.config import config_of
from portal_archive.web.params import PAGE_SIZE, BadRequest, SearchParams
from portal_archive.web.views import article_or_404, run_search
from search.query import more_like

# The search parameters of the pages and the API, for the OpenAPI document.
_SEARCH_PARAMETERS: list[dict[str, Any]] = [
    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 1000},
     "description": "The query (see the query language); without one, every article."},
    {"name": "site", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
     "explode": True, "description": "Site keys (any of them)."},
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "Published on or after this day (YYYY-MM-DD or DD/MM/YYYY)."},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "Published on or before this day."},
    {"name": "author", "in": "query", "schema": {"type": "string"}},
    {"name": "category", "in": "query", "schema": {"type": "string"}},
    {"name": "exact", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]},
     "description": "1: only the diacritics typed."},
    {"name": "sort", "in": "query",
     "schema": {"type": "string", "enum": ["relevance", "newest", "oldest"]}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
]  # fmt: skip
_ERRORS = {
    "400": {"description": "A parameter or query that cannot be used."},
    "503": {"description": "No search index yet."},
}


def _answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {}}}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "portal-archive", "version": "1"},
    "paths": {
        "/api/search": {"get": {
            "summary": "Search: the object of `portal-archive search --json`.",
            "parameters": [
                *_SEARCH_PARAMETERS,
                {"name": "facets", "in": "query", "schema": {"type": "string", "enum": ["1"]}},
                {"name": "histogram", "in": "query",
                 "schema": {"type": "string", "enum": ["month", "year"]}},
            ],
            "responses": {"200": _answer("total, page, pages, timed_out, hits, facets,"
                                         " histogram"), **_ERRORS},
        }},
        "/api/similar": {"get": {
            "summary": "The articles most like one, its copies left out.",
            "parameters": [{"name": "id", "in": "query", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": _answer("hits"), **_ERRORS},
        }},
        "/api/articles/{id}": {"get": {
            "summary": "One article: the fields of an export, its versions and copies.",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": _answer("the article"), "404": {"description": "No article."}},
        }},
        "/api/sites": {"get": {
            "summary": "Every site with its article count and date range.",
            "responses": {"200": _answer("sites")},
        }},
        "/api/crawls": {"get": {
            "summary": "Every crawl run, oldest first.",
            "responses": {"200": _answer("runs")},
        }},
    },
}  # fmt: skip


def search_results(request: Request) -> Response:
    """``facets=1`` adds the facets, ``histogram=month|year`` the histogram."""
    config = config_of(request)
    params = SearchParams.from_query_params(request.query_params)
    facets = request.query_params.get("facets") == "1"
    names = site_names(config.archive)
    results = run_search(config, params, names, facets=facets, histogram=params.histogram)
    return JSONResponse(results.to_dict())


def similar(request: Request) -> Response:
    article_id = request.query_params.get("id", "")
    if not article_id.isascii() or not article_id.isdigit():
        raise BadRequest("Tham số id là mã số của một bài viết.")
    hits = more_like(config_of(request).index_dir, article_id, limit=PAGE_SIZE)
    return JSONResponse({"hits": [hit.to_dict() for hit in hits]})


def article(request: Request) -> Response:
    with config_of(request).archive.sessions() as session:
        found = article_or_404(session, request.path_params["article_id"])
        copies = session.scalars(select(Article).where(Article.duplicate_of_id == found.id))
        return JSONResponse(
            {
                "id": found.id,
                **article_record(found),
                "capture_id": found.capture_id,
                "duplicate_of_id": found.duplicate_of_id,
                "copies": [{"id": copy.id, "url": copy.url} for copy in copies],
                "versions": [
                    {
                        "captured_at": local_iso(version.captured_at),
                        "content_hash": version.content_hash,
                        "capture_id": version.capture_id,
                    }
                    for version in found.versions
                ],
            }
        )


def sites(request: Request) -> Response:
    return JSONResponse(archive_stats(config_of(request).archive)["sites"])


def crawls(request: Request) -> Response:
    return JSONResponse(config_of(request).crawl_runs())


def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)
