"""Loading a JSON Lines export into an empty archive.

The export is the exchange format between archives (or between an archive
and a researcher's cleaned copy), so every line is checked: a record whose
``record_hash`` does not match its fields, or whose ``content_hash`` does not
match its title and body, was changed after export and is refused, naming the
line. So is a line that is not UTF-8 JSON, or a time that is not ISO 8601.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from archive.db import Archive, ArchiveError
from archive.dedup import fingerprint
from archive.export import EXPORT_FIELDS, record_hash
from archive.models import Article, ArticleVersion, Attachment, Document, Image, Site
from archive.store import content_hash

IMPORT_BATCH = 500
TIME_FIELDS = ("published", "updated", "first_seen", "last_seen")
# Fields that exports made by earlier versions lack; their records load without them.
FIELDS_ADDED_LATER = frozenset({"attachments"})


@dataclass(frozen=True)
class ImportResult:
    articles: int
    sites: int


def import_jsonl(archive: Archive, path: Path) -> ImportResult:
    """Loads every record of the export at ``path``; the archive must hold no articles."""
    with archive.session() as session:
        if session.scalar(select(func.count(Article.id))):
            raise ArchiveError("import needs an empty archive; this one already has articles")
        site_ids: dict[str, int] = {}
        duplicates: list[tuple[str, str]] = []
        documents: set[str] = set()
        count = 0
        for line_number, record in _records(path):
            article = _article(session, site_ids, record, f"{path}:{line_number}")
            session.add(article)
            session.add_all(_new_documents(record, documents))
            if record["duplicate_of"]:
                duplicates.append((article.url, record["duplicate_of"]))
            count += 1
            if count % IMPORT_BATCH == 0:
                # Flushed articles are held weakly by the session: memory stays flat.
                session.flush()
        session.flush()
        _link_duplicates(session, duplicates)
        return ImportResult(articles=count, sites=len(site_ids))


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            record = _parse_line(raw, f"{path}:{line_number}")
            if record is not None:
                yield line_number, record


def _parse_line(raw: bytes, where: str) -> dict[str, Any] | None:
    """The record of one line of an export; None for a blank line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ArchiveError(f"{where}: not UTF-8 text; is this a JSON Lines export?") from None
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"{where}: not JSON: {exc}") from None
    if not isinstance(record, dict):
        raise ArchiveError(f"{where}: not a JSON object")
    missing = [
        name for name in EXPORT_FIELDS if name not in record and name not in FIELDS_ADDED_LATER
    ]
    if missing:
        raise ArchiveError(f"{where}: no {', '.join(missing)}")
    return record


def _article(
    session: Session, site_ids: dict[str, int], record: dict[str, Any], where: str
) -> Article:
    if record_hash(record) != record["record_hash"]:
        raise ArchiveError(f"{where}: record_hash does not match the record's fields")
    digest = content_hash(record["title"], record["body"])
    if digest != record["content_hash"]:
        raise ArchiveError(f"{where}: content_hash does not match the title and body")
    if record["site"] not in site_ids:
        site_ids[record["site"]] = _site_id(session, record)
    times = {name: _time(record, name, where) for name in TIME_FIELDS}
    first_seen = times["first_seen"]
    # By id, not by object: a Site object would keep every article in its collection.
    article = Article(
        site_id=site_ids[record["site"]],
        url=record["url"],
        title=record["title"],
        summary=record["summary"],
        body=record["body"],
        published=times["published"],
        updated=times["updated"],
        author=record["author"],
        source=record.get("source"),
        category=record["category"],
        language=record["language"],
        missing=record["missing"],
        profile=record["profile"],
        content_hash=digest,
        first_seen=first_seen,
        last_seen=times["last_seen"],
        images=[Image(src=image["src"], caption=image["caption"]) for image in record["images"]],
        attachments=[
            Attachment(url=item["url"], name=item["name"], media_type=item["media_type"])
            for item in record.get("attachments", [])
        ],
    )
    fingerprint(article)
    article.versions.append(
        ArticleVersion(
            content_hash=digest, title=record["title"], body=record["body"], captured_at=first_seen
        )
    )
    return article


def _new_documents(record: dict[str, Any], seen: set[str]) -> Iterator[Document]:
    """The documents the record's attachments hold the text of, each URL once per import.

    An export carries a document's text, not its bytes: the imported document has no
    capture, and its size is that of the text.
    """
    for item in record.get("attachments", []):
        if item["url"] in seen or item.get("text_status") is None:
            continue
        seen.add(item["url"])
        yield Document(
            url=item["url"],
            media_type=item["media_type"],
            size=len((item.get("text") or "").encode("utf-8")),
            text=item.get("text"),
            text_status=item["text_status"],
            converted_from=item.get("converted_from"),
        )


def _site_id(session: Session, record: dict[str, Any]) -> int:
    existing = session.scalar(select(Site.id).where(Site.key == record["site"]))
    if existing is not None:
        return existing
    # An export names the site only; the rest is what its URLs say.
    parts = urlsplit(record["url"])
    site = Site(
        key=record["site"],
        name=record["site"],
        base_url=f"{parts.scheme}://{parts.netloc}/",
        family="generic",
    )
    session.add(site)
    session.flush()
    return site.id


def _link_duplicates(session: Session, duplicates: list[tuple[str, str]]) -> None:
    for copy_url, original_url in duplicates:
        original_id = session.scalar(select(Article.id).where(Article.url == original_url))
        if original_id is None:
            raise ArchiveError(f"{copy_url} is a copy of {original_url}, which is not in the file")
        session.execute(
            update(Article).where(Article.url == copy_url).values(duplicate_of_id=original_id)
        )


def _time(record: dict[str, Any], name: str, where: str) -> datetime | None:
    value = record[name]
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ArchiveError(f"{where}: {name} {value!r} is not an ISO 8601 time") from None
