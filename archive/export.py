"""Exporting articles as JSON Lines, CSV or Parquet, streamed from the database in batches.

Every format carries the same fields (``EXPORT_FIELDS``); CSV and Parquet hold
the lists of images and of attached documents (with their text) as JSON
strings. An export is also the input of ``archive.importer``, so it carries
everything an article needs to be loaded again: export → import → export gives
the same file.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from archive.dates import local_iso
from archive.db import Archive, ArchiveError
from archive.models import Article, Attachment, Site, with_what_the_index_reads

EXPORT_BATCH = 500
T = TypeVar("T")
EXPORT_FIELDS = (
    "url",
    "site",
    "title",
    "published",
    "updated",
    "author",
    "source",
    "category",
    "summary",
    "body",
    "language",
    "missing",
    "profile",
    "images",
    "attachments",
    "duplicate_of",
    "content_hash",
    "first_seen",
    "last_seen",
    "record_hash",
)
EXPORT_FORMATS = ("jsonl", "csv", "parquet")
# The fields holding lists, which tabular formats write as JSON strings.
LIST_FIELDS = ("images", "attachments")


class ArticleSelection(Protocol):
    """Which articles to export, as a restriction of a query over articles joined with their
    site (``search.filters.SearchFilters`` is one)."""

    def apply(self, statement: Select[tuple[Article]]) -> Select[tuple[Article]]: ...


class _EveryArticle:
    def apply(self, statement: Select[tuple[Article]]) -> Select[tuple[Article]]:
        return statement


class _OneSite:
    def __init__(self, key: str) -> None:
        self.key = key

    def apply(self, statement: Select[tuple[Article]]) -> Select[tuple[Article]]:
        return statement.where(Site.key == self.key)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter); itertools.batched is 3.12+."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of every field of an exported record but this hash, as canonical JSON.

    ``content_hash`` covers the title and body only (it tells versions of an article
    apart); this one covers the whole record, so an edit to any field after export is
    refused on import. It is a checksum, not a signature: whoever edits a record can
    recompute it.
    """
    fields = {name: value for name, value in record.items() if name != "record_hash"}
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def article_record(article: Article) -> dict[str, Any]:
    """The exported fields of one article; times in Asia/Ho_Chi_Minh, ISO 8601."""
    record = _article_fields(article)
    return {**record, "record_hash": record_hash(record)}


def _article_fields(article: Article) -> dict[str, Any]:
    return {
        "url": article.url,
        "site": article.site.key,
        "title": article.title,
        "published": local_iso(article.published),
        "updated": local_iso(article.updated),
        "author": article.author,
        "source": article.source,
        "category": article.category,
        "summary": article.summary,
        "body": article.body,
        "language": article.language,
        "missing": article.missing,
        "profile": article.profile,
        "images": [{"src": image.src, "caption": image.caption} for image in article.images],
        "attachments": [_attachment_fields(attached) for attached in article.attachments],
        "duplicate_of": article.duplicate_of_url,
        "content_hash": article.content_hash,
        "first_seen": local_iso(article.first_seen),
        "last_seen": local_iso(article.last_seen),
    }


def _attachment_fields(attached: Attachment) -> dict[str, Any]:
    """An attached document as exported: what the article says of it and, once fetched, how
    its text was read and the text."""
    document = attached.document
    return {
        "url": attached.url,
        "name": attached.name,
        "media_type": attached.media_type,
        "text_status": document.text_status if document else None,
        "converted_from": document.converted_from if document else None,
        "text": document.text if document else None,
    }


def site_names(archive: Archive) -> dict[str, str]:
    """The name of every site in the archive, by key."""
    with archive.sessions() as session:
        return {key: name for key, name in session.execute(select(Site.key, Site.name))}


def iter_articles(session: Session, site: str | None = None) -> Iterator[Article]:
    """Every article (of one site when given) in id order, read in batches."""
    selection = _EveryArticle() if site is None else _OneSite(site)
    yield from iter_filtered_articles(session, selection)


def iter_filtered_articles(
    session: Session, selection: ArticleSelection, article_ids: Collection[int] | None = None
) -> Iterator[Article]:
    """The articles ``selection`` selects, in id order, read ``EXPORT_BATCH`` at a time;
    only those of ``article_ids`` (the ids a search matched) when given."""
    statement = selection.apply(select(Article).join(Site).order_by(Article.id))
    statement = with_what_the_index_reads(statement)
    if article_ids is None:
        yield from session.scalars(statement.execution_options(yield_per=EXPORT_BATCH))
        return
    # A search can match tens of thousands of ids: too many for one IN (...).
    for ids in batches(sorted(article_ids), EXPORT_BATCH):
        yield from session.scalars(statement.where(Article.id.in_(ids)))


def iter_article_records(
    archive: Archive,
    selection: ArticleSelection | None = None,
    article_ids: Collection[int] | None = None,
) -> Iterator[dict[str, Any]]:
    # The session's identity map holds articles weakly, so those already written are
    # freed as the batches go by.
    with archive.sessions() as session:
        for article in iter_filtered_articles(session, selection or _EveryArticle(), article_ids):
            yield article_record(article)


def write_jsonl(records: Iterator[dict[str, Any]], handle: IO[str]) -> int:
    count = 0
    for record in records:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def flat_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its lists (images, attachments) as JSON strings, for tabular formats."""
    return {
        **record,
        **{name: json.dumps(record[name], ensure_ascii=False) for name in LIST_FIELDS},
    }


def write_csv(records: Iterator[dict[str, Any]], handle: IO[str]) -> int:
    writer = csv.DictWriter(handle, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(flat_record(record))
        count += 1
    return count


def write_parquet(records: Iterator[dict[str, Any]], path: Path) -> int:
    """Writes one row group per ``EXPORT_BATCH`` records, so memory stays flat."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ModuleNotFoundError:
        raise ArchiveError(
            "Parquet export needs pyarrow: pip install 'portal-archive[parquet]'"
        ) from None
    schema = pa.schema([(name, pa.string()) for name in EXPORT_FIELDS])
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in batches(records, EXPORT_BATCH):
            rows = [flat_record(record) for record in batch]
            writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
            count += len(rows)
    return count


TextWriter = Callable[[Iterator[dict[str, Any]], IO[str]], int]
TEXT_WRITERS: dict[str, TextWriter] = {"jsonl": write_jsonl, "csv": write_csv}
