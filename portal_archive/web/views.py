"""The pages: each view reads its parameters, asks the archive or the index, and renders a
template (the JSON API is :mod:`portal_archive.web.api`).

Views are plain functions: Starlette runs them in its thread pool, so a slow
search holds up no other reader. The archive database is the source of truth
for articles; the index answers searches.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from archive.db import Archive, ArchiveError
from archive.export import EXPORT_FIELDS, flat_record, iter_article_records, site_names
from archive.inspect import archived_response, version_history
from archive.models import Article, Capture
from archive.stats import archive_stats, run_report
from portal_archive.web import results as shown
from portal_archive.web.config import WebConfig, config_of
from portal_archive.web.params import PAGE_SIZE, BadRequest, SearchParams
from portal_archive.web.references import PLACE_NAMES
from portal_archive.web.safety import CAPTURE_SECURITY_POLICY
from portal_archive.web.templating import render
from search.query import Period, SearchResults, matching_article_ids, search
from search.snippets import SnippetFormat

# Article ids are SQLite integers; a longer number in a URL is no article (and no overflow).
MAX_ID = 2**63 - 1
# Seconds a search of the interface may run before it shows what it found so far: a reader
# waits for a page, and an abandoned request should not keep a thread for long.
SEARCH_TIME_LIMIT = 5.0
# The headers of an archived response that say how to read its bytes; the portal's others
# (cookies, caching, its own policies) are not replayed.
REPLAYED_HEADERS = frozenset({"content-type", "content-encoding"})
EXPORT_MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
# An unknown site's message lists the archive's keys up to this many.
SHOWN_SITE_KEYS = 12


# ----- searching ---------------------------------------------------------------------


def search_page(request: Request) -> Response:
    """The search form; with a query or a filter, the results with facets, a histogram and
    pages."""
    config = config_of(request)
    params = SearchParams.from_query_params(request.query_params)
    names = site_names(config.archive)
    context: dict[str, Any] = {"params": params, "site_names": names, "results": None}
    if params.asks_for_results:
        results = run_search(
            config, params, names, facets=True, histogram=params.period, snippet_format="html"
        )
        context.update(
            results=results,
            copies=_copy_ids(config.archive, [url for hit in results.hits for url in hit.copies]),
            shown_range=shown.shown_range(results),
            pages=shown.page_links(params, results),
            facets=shown.facet_links(params, results.facets),
            filters=shown.active_filters(params, names),
            chart=shown.chart(params, results.histogram),
            exports={
                fmt: params.changed(sort=None, histogram=None).link(f"/export.{fmt}")
                for fmt in EXPORT_MEDIA_TYPES
            },
        )
    return render(request, "search.html", context)


def run_search(
    config: WebConfig,
    params: SearchParams,
    names: dict[str, str],
    *,
    facets: bool,
    histogram: Period | None,
    snippet_format: SnippetFormat = "text",
) -> SearchResults:
    check_sites(params, names)
    return search(
        config.index_dir,
        params.query or None,
        filters=params.filters,
        exact=params.exact,
        sort=params.order,
        limit=PAGE_SIZE,
        page=params.page,
        snippet_format=snippet_format,
        facets=facets,
        histogram=histogram,
        site_names=names,
        time_limit=SEARCH_TIME_LIMIT,
    )


def check_sites(params: SearchParams, names: Collection[str]) -> None:
    """Site keys are case-sensitive: a key the archive does not have is a mistake to explain,
    not an empty result."""
    unknown = [key for key in params.filters.sites if key not in names]
    if unknown:
        known = sorted(names)
        more = " …" if len(known) > SHOWN_SITE_KEYS else ""
        raise BadRequest(
            f"Kho không có trang {', '.join(unknown)}."
            f" Các trang: {', '.join(known[:SHOWN_SITE_KEYS])}{more}."
        )


def export(request: Request) -> Response:
    """Every article of the current result set (copies included), streamed as CSV or JSON
    Lines with the fields of ``portal-archive export``."""
    fmt = request.path_params["fmt"]
    if fmt not in EXPORT_MEDIA_TYPES:
        raise HTTPException(404)
    config = config_of(request)
    params = SearchParams.from_query_params(request.query_params)
    check_sites(params, site_names(config.archive))
    filters = params.filters
    ids = None
    if params.query is not None or filters.needs_index:
        ids = matching_article_ids(
            config.index_dir, params.query, filters=filters, exact=params.exact
        )
    records = iter_article_records(config.archive, filters, ids)
    return StreamingResponse(
        _csv_chunks(records) if fmt == "csv" else _jsonl_lines(records),
        media_type=EXPORT_MEDIA_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="portal-archive.{fmt}"'},
    )


def _jsonl_lines(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def _csv_chunks(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for record in records:
        writer.writerow(flat_record(record))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


# ----- reading -----------------------------------------------------------------------


def article_page(request: Request) -> Response:
    """One article: its text and metadata, images, documents with their text, versions with
    their diffs, the original and copies, the live URL and the archived captures."""
    config = config_of(request)
    article_id = request.path_params["article_id"]
    with config.archive.sessions() as session:
        article = article_or_404(session, article_id)
        _, entries = version_history(config.archive, article.url)
        context = {
            "article": article,
            # Both oldest first: each version's entry (date, diff) with its capture.
            "versions": [
                (entry, version.capture_id)
                for entry, version in zip(entries, article.versions, strict=True)
            ],
            "copies": session.scalars(
                select(Article).where(Article.duplicate_of_id == article.id).order_by(Article.id)
            ).all(),
            "document_notes": DOCUMENT_NOTES,
            "reference_places": PLACE_NAMES,
        }
        return render(request, "article.html", context)


# What a reader is told of a document whose text the archive could not read.
DOCUMENT_NOTES = {
    "scanned": "Bản quét: tệp không có lớp chữ, chưa nhận dạng được nội dung.",
    "unsupported": "Chưa đọc được nội dung loại tệp này.",
    "failed": "Tệp hỏng hoặc không đọc được.",
    "too-large": "Tệp quá lớn: chỉ lưu bản gốc, không đọc nội dung.",
    "timeout": "Đọc tệp quá lâu nên đã dừng: chỉ lưu bản gốc.",
}


def article_or_404(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id) if article_id <= MAX_ID else None
    if article is None:
        raise HTTPException(404, "Không có bài viết này trong kho.")
    return article


def _copy_ids(archive: Archive, urls: list[str]) -> dict[str, int]:
    """The archive's article id of each copy URL a hit lists, to link it inside the archive."""
    if not urls:
        return {}
    with archive.sessions() as session:
        found = session.execute(select(Article.url, Article.id).where(Article.url.in_(urls)))
        return {url: article_id for url, article_id in found}


def capture(request: Request) -> Response:
    """An archived HTTP response, exactly as the portal sent it, read from its WARC file:
    sandboxed, so a captured page can neither run script nor act as this interface."""
    config = config_of(request)
    capture_id = request.path_params["capture_id"]
    with config.archive.sessions() as session:
        found = session.get(Capture, capture_id) if capture_id <= MAX_ID else None
        if found is None:
            raise HTTPException(404, "Không có bản lưu này.")
        url, fetched_at = found.url, found.fetched_at
    try:
        stored = archived_response(config.archive, config.warc_dir, url, fetched_at)
    except ArchiveError:
        raise HTTPException(404, "Bản lưu này không đọc được từ tệp WARC.") from None
    headers = {name: value for name, value in stored.headers if name.lower() in REPLAYED_HEADERS}
    headers["content-security-policy"] = CAPTURE_SECURITY_POLICY
    return Response(stored.payload, headers=headers)


def sites_page(request: Request) -> Response:
    """Every site with its article count and date range, each a link to browse it."""
    figures = archive_stats(config_of(request).archive)
    return render(request, "sites.html", {"figures": figures})


def crawls_page(request: Request) -> Response:
    """Every crawl run with its status and counts, newest first."""
    runs = list(reversed(config_of(request).crawl_runs()))
    return render(request, "crawls.html", {"runs": runs})


def crawl_page(request: Request) -> Response:
    """One crawl run: per site and in total, pages, articles and failures by reason."""
    run_id = request.path_params["run_id"]
    try:
        report = run_report(config_of(request).archive, run_id) if run_id <= MAX_ID else None
    except ArchiveError:
        report = None
    if report is None:
        raise HTTPException(404, "Không có lần thu thập này.")
    return render(request, "crawl.html", {"report": report})
