"""Re-extracting an archive from its WARC files, the ground truth, into a new data directory.

The database and the index are derived from the WARC files: when the database
is damaged or lost, replaying every response record in the order it was
written gives the articles, their versions, the attached documents and the
captures again. The WARC files are copied, never moved: the old data
directory stays as it was. What the WARC files do not hold is not rebuilt:
the crawl runs and their counters, and fetches that got no response. The
caller indexes the new database.

Which page is an article is decided as the crawler decides it, by the URL
rules and the page test of the site's CMS family in the sites config.
"""

from __future__ import annotations

import heapq
import shutil
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from urllib.parse import urljoin

from sqlalchemy import update
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from archive.datadir import DataDir
from archive.db import ArchiveError, open_archive
from archive.doctext import read_document
from archive.extract import extract_article
from archive.models import Article
from archive.profiles import Family, get_family
from archive.profiles.sitewide import SiteKnowledge
from archive.sites import SiteConfig
from archive.store import ArchiveStore, CaptureRecord, SaveStatus
from archive.text import parse_html
from archive.urls import canonical_url
from archive.warc import SOFTWARE, WARC_SUFFIX, WarcLocation, warc_files

_CAPTURED_TYPES = ("response", "revisit")
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


@dataclass
class RebuildResult:
    warc_files: int = 0
    captures: int = 0
    articles: int = 0
    documents: int = 0
    # Article pages that could not be read (an unknown Content-Encoding, a broken page).
    unreadable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Response:
    """One response or revisit record, as the crawler recorded it."""

    location: WarcLocation
    url: str
    status: int
    headers: dict[str, str]
    payload: bytes
    digest: str | None
    fetched_at: datetime


@dataclass
class _SiteReader:
    """How the crawl of one site told articles and documents from other pages."""

    config: SiteConfig
    site_id: int
    family: Family
    knowledge: SiteKnowledge = field(default_factory=SiteKnowledge)
    document_urls: set[str] = field(default_factory=set)


def rebuild_archive(
    source_warc_dir: Path, target: DataDir, sites: Mapping[str, SiteConfig]
) -> RebuildResult:
    """Builds a new archive in ``target`` (which must hold none) from the WARC files of
    ``source_warc_dir``, reading each site as ``sites`` configures it."""
    files = warc_files(source_warc_dir)
    if not files:
        raise ArchiveError(f"no WARC files in {source_warc_dir}: nothing to rebuild from")
    _check_empty(target)
    for key, site_files in _by_site(files):
        if key not in sites:
            raise ArchiveError(
                f"{site_files[0].name} is of site {key!r}, which the sites config lacks"
            )
    target.create()
    store = ArchiveStore(open_archive(target.db_url))
    readers: dict[str, _SiteReader] = {}
    result = RebuildResult()
    for run_files in _by_run(files):
        streams = []
        for key, site_files in _by_site(run_files):
            site = sites[key]
            if key not in readers:
                readers[key] = _SiteReader(site, store.ensure_site(site), get_family(site.family))
            copies = [_copied(path, target.warc_dir) for path in site_files]
            streams.append(_site_responses(readers[key], copies))
        # The sites of a run were crawled at once: replayed in the order they were fetched,
        # the earliest of two copies of an article is again the original.
        for reader, response in heapq.merge(*streams, key=lambda item: item[1].fetched_at):
            _replay(store, reader, response, result)
        result.warc_files += len(run_files)
    return result


def _copied(path: Path, warc_dir: Path) -> Path:
    copy = warc_dir / path.name
    shutil.copy2(path, copy)
    return copy


def _site_responses(
    reader: _SiteReader, paths: list[Path]
) -> Iterator[tuple[_SiteReader, _Response]]:
    for path in paths:
        for response in _responses(path):
            yield reader, response


def _check_empty(target: DataDir) -> None:
    if target.root.exists() and any(target.root.iterdir()):
        raise ArchiveError(f"{target.root} is not empty: rebuild into a new directory")


def _run_and_site(path: Path) -> tuple[str, str]:
    """The run and the site whose crawl wrote ``path`` (``portal-archive-RUN-SITE-SEQ.warc.gz``)."""
    stem = path.name.removesuffix(WARC_SUFFIX).removeprefix(f"{SOFTWARE}-")
    run, _, rest = stem.partition("-")
    return run, rest.rpartition("-")[0]


def _by_run(files: list[Path]) -> Iterator[list[Path]]:
    """``files`` (sorted by name) in groups of one run, oldest run first."""
    for _, run_files in groupby(files, key=lambda path: _run_and_site(path)[0]):
        yield list(run_files)


def _by_site(files: list[Path]) -> Iterator[tuple[str, list[Path]]]:
    """``files`` (sorted by name) by site key, each site's in the order they were written."""
    ordered = sorted(files, key=lambda path: (_run_and_site(path)[1], path.name))
    for key, site_files in groupby(ordered, key=lambda path: _run_and_site(path)[1]):
        yield key, list(site_files)


def _responses(path: Path) -> Iterator[_Response]:
    with path.open("rb") as handle:
        records = ArchiveIterator(handle, check_digests=False)
        for record in records:
            if record.rec_type not in _CAPTURED_TYPES:
                continue
            # Asking for the offset first would consume the payload.
            payload = record.raw_stream.read()
            offset = records.get_record_offset()
            records.read_to_end(record)
            location = WarcLocation(path.name, offset, records.get_record_length(), record.rec_type)
            yield _response(record, location, payload)


def _response(record: ArcWarcRecord, location: WarcLocation, payload: bytes) -> _Response:
    http = record.http_headers
    fetched_at = datetime.fromisoformat(record.rec_headers.get_header("WARC-Date"))
    return _Response(
        location=location,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(http.get_statuscode()) if http else 0,
        headers=dict(http.headers) if http else {},
        payload=payload,
        digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        fetched_at=fetched_at.astimezone(UTC),
    )


def _replay(
    store: ArchiveStore, reader: _SiteReader, response: _Response, result: RebuildResult
) -> None:
    capture_id = _record_capture(store, reader.site_id, response)
    result.captures += 1
    if response.location.record_type != "response" or response.status != 200:
        # A revisit repeats a payload already replayed: the article did not change.
        return
    if canonical_url(response.url) in reader.document_urls:
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip() or None
        read = read_document(media_type, response.payload)
        if store.save_document(
            response.url, media_type, len(response.payload), read, capture_id
        ).is_new:
            result.documents += 1
        return
    if "html" not in response.headers.get("Content-Type", ""):
        return
    html = _decoded(response)
    if html is None:
        result.unreadable.append(response.url)
        return
    if _is_article(reader, html, response.url):
        _save_article(store, reader, html, response, capture_id, result)


def _record_capture(store: ArchiveStore, site_id: int, response: _Response) -> int:
    record = CaptureRecord(
        url=response.url,
        final_url=response.url,
        status=response.status,
        headers=response.headers,
        body=response.payload,
        fetched_at=response.fetched_at,
        warc=response.location,
        stated_digest=response.digest,
    )
    return store.record_capture(None, site_id, record)


def _decoded(response: _Response) -> bytes | None:
    """The payload without its Content-Encoding, as the crawler read it; None if unknown."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding == "identity":
        return response.payload
    if encoding not in _DECODERS:
        return None
    try:
        return zlib.decompress(response.payload, _DECODERS[encoding])
    except zlib.error:
        return None


def _is_article(reader: _SiteReader, html: bytes, url: str) -> bool:
    """The crawler's test: an article URL (or any page, for families that judge pages),
    not a copy of another page, and a page its family's profile reads as an article."""
    rules = reader.family.latest(reader.knowledge)
    if not rules.is_article_url(url) and not (
        rules.judges_pages and url not in reader.config.start_urls
    ):
        return False
    tree = parse_html(html)
    if tree is None:
        return False
    canonical = tree.xpath("string(//head/link[@rel='canonical']/@href)").strip()
    if canonical and canonical_url(urljoin(url, canonical)) != canonical_url(url):
        return False
    profile = reader.family.profile_for(tree)
    is_article = profile.is_article_page(tree, url)
    if profile.judges_pages:
        reader.knowledge.learn_verdict(url, is_article)
    if is_article:
        reader.document_urls.update(
            canonical_url(link) for link in profile.document_urls(tree, url)
        )
    return is_article


def _save_article(
    store: ArchiveStore,
    reader: _SiteReader,
    html: bytes,
    response: _Response,
    capture_id: int,
    result: RebuildResult,
) -> None:
    try:
        extracted = extract_article(html, response.url, profile=reader.family)
    except Exception:
        # As in a crawl, one unparsable page must not stop the rest; it is reported.
        result.unreadable.append(response.url)
        return
    saved = store.save_article(reader.site_id, extracted, capture_id)
    # When it was seen is when it was fetched, not when it is rebuilt.
    seen = {"last_seen": response.fetched_at}
    if saved.status == SaveStatus.NEW:
        seen["first_seen"] = response.fetched_at
        result.articles += 1
    with store.archive.session() as session:
        session.execute(update(Article).where(Article.id == saved.article_id).values(**seen))
