"""The application: its route table, its middlewares and its error handlers.

Routes (all GET or HEAD):

``/``
    search form and results; parameters ``q``, ``site`` (repeatable), ``from``,
    ``to``, ``author``, ``category``, ``exact=1``, ``sort``, ``page``, ``histogram``
``/export.csv``, ``/export.jsonl``
    the result set of the same parameters, every article, streamed
``/article/{id}``
    one article, its versions, documents, copies and captures
``/capture/{id}``
    an archived HTTP response from its WARC file, sandboxed
``/ref/{number}``
    a legal document the articles cite (``/ref/81/2004/QĐ-UB``) and the articles citing it
``/sites``, ``/crawls``, ``/crawls/{id}``
    the sites with their article counts and date ranges; the crawl runs; what one
    run did per site, failures by reason
``/watches``, ``/feeds/{name}.atom``
    the saved searches; the Atom feed of what one of them newly matched
``/api/search``, ``/api/similar``, ``/api/articles/{id}``, ``/api/sites``, ``/api/crawls``
    JSON (see :mod:`portal_archive.web.api`), described at ``/api/openapi.json``
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from portal_archive.web import api, feeds, references, views
from portal_archive.web.config import WebConfig
from portal_archive.web.errors import EXCEPTION_HANDLERS
from portal_archive.web.safety import ReadOnlyMethodsMiddleware, SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).parent / "static"
# Views run in a thread pool. Searches are CPU-bound under one interpreter lock: more threads
# than this would not answer sooner, but each would hold a search's memory at once, so the
# other requests wait their turn.
WORKER_THREADS = 8

ROUTES: list[BaseRoute] = [
    Route("/", views.search_page, name="search"),
    Route("/export.{fmt}", views.export, name="export"),
    Route("/article/{article_id:int}", views.article_page, name="article"),
    Route("/capture/{capture_id:int}", views.capture, name="capture"),
    Route("/sites", views.sites_page, name="sites"),
    Route("/crawls", views.crawls_page, name="crawls"),
    Route("/crawls/{run_id:int}", views.crawl_page, name="crawl"),
    # A document's number holds slashes: the rest of the path is the number.
    Route("/ref/{key:path}", references.reference_page, name="reference"),
    Route("/watches", feeds.watches_page, name="watches"),
    Route("/feeds/{name}.atom", feeds.feed, name="feed"),
    Route("/api/search", api.search_results, name="api_search"),
    Route("/api/similar", api.similar, name="api_similar"),
    Route("/api/articles/{article_id:int}", api.article, name="api_article"),
    Route("/api/sites", api.sites, name="api_sites"),
    Route("/api/crawls", api.crawls, name="api_crawls"),
    Route("/api/openapi.json", api.openapi, name="api_openapi"),
    Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
]


@asynccontextmanager
async def _bounded_threads(app: Starlette) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


def create_app(config: WebConfig) -> Starlette:
    """The interface over ``config``'s archive; it answers only requests whose Host header is
    one of ``config.allowed_hosts``, so a page elsewhere cannot reach it through a DNS name
    rebound to 127.0.0.1."""
    app = Starlette(
        routes=ROUTES,
        middleware=[
            # Outermost first: every answer, refusals included, carries the security headers.
            Middleware(SecurityHeadersMiddleware),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts)),
            Middleware(ReadOnlyMethodsMiddleware),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=_bounded_threads,
    )
    app.state.config = config
    return app
