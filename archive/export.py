"""Exporting articles: one JSON-ready record per article, streamed from the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.dates import local_iso
from archive.db import Archive
from archive.models import Article, Site

EXPORT_BATCH = 500


def article_record(article: Article) -> dict[str, Any]:
    """The exported fields of one article; times in Asia/Ho_Chi_Minh, ISO 8601."""
    return {
        "url": article.url,
        "site": article.site.key,
        "title": article.title,
        "published": local_iso(article.published),
        "updated": local_iso(article.updated),
        "author": article.author,
        "category": article.category,
        "summary": article.summary,
        "body": article.body,
        "language": article.language,
        "content_hash": article.content_hash,
        "first_seen": local_iso(article.first_seen),
        "last_seen": local_iso(article.last_seen),
    }


def iter_articles(session: Session, site: str | None = None) -> Iterator[Article]:
    """Every article (of one site when given) in id order, read in batches."""
    statement = select(Article).join(Site).order_by(Article.id)
    if site is not None:
        statement = statement.where(Site.key == site)
    yield from session.scalars(statement.execution_options(yield_per=EXPORT_BATCH))


def iter_article_records(archive: Archive, site: str | None = None) -> Iterator[dict[str, Any]]:
    with archive.sessions() as session:
        for article in iter_articles(session, site):
            yield article_record(article)


def write_jsonl(records: Iterator[dict[str, Any]], handle: IO[str]) -> int:
    count = 0
    for record in records:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
