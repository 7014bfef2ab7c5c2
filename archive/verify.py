"""Checking that the database, the search index and the WARC files tell the same story.

* an SQLite database passes SQLite's own check of its pages;
* every article is indexed, with the content hash it has in the database;
* every index entry is an article of the database, indexed once;
* every capture's WARC record can be read at its offset, is of the recorded
  type and holds the payload whose digest the capture recorded.

The index is passed in as its (article id, content hash) entries (``search``
lists them), so this module needs nothing of the search package.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from sqlalchemy import select, text

from archive.db import Archive
from archive.models import Article, Capture
from archive.warc import READ_ERRORS, payload_digest, read_response

VERIFY_BATCH = 1000


@dataclass(frozen=True)
class Problem:
    # "database", "not indexed", "stale index entry", "index entry without article",
    # "duplicate index entry", "warc"
    kind: str
    subject: str  # the database, an article URL, an index id or a capture's WARC location
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}: {self.detail}"


@dataclass(frozen=True)
class VerifyReport:
    articles: int
    index_entries: int
    captures: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_archive(
    archive: Archive, index_entries: Iterable[tuple[str, str]], warc_dir: Path
) -> VerifyReport:
    entries = list(index_entries)
    indexed = dict(entries)
    problems = list(database_problems(archive))
    problems.extend(_duplicate_entries(entries))
    article_count = 0
    with archive.sessions() as session:
        rows = session.execute(
            select(Article.id, Article.url, Article.content_hash).order_by(Article.id)
        )
        in_database: set[str] = set()
        for article_id, url, digest in rows.yield_per(VERIFY_BATCH):
            article_count += 1
            in_database.add(str(article_id))
            problems.extend(_index_problems(str(article_id), url, digest, indexed))
        problems.extend(
            Problem("index entry without article", f"article id {article_id}", "not in database")
            for article_id in sorted(set(indexed) - in_database, key=int)
        )
        captures = session.scalars(
            select(Capture)
            .where(Capture.warc_file.is_not(None))
            .order_by(Capture.warc_file, Capture.warc_offset)
        ).all()
    problems.extend(warc_problems(captures, warc_dir))
    return VerifyReport(article_count, len(entries), len(captures), problems)


def _duplicate_entries(entries: list[tuple[str, str]]) -> Iterator[Problem]:
    # Searches would count such an article twice; only a rebuild removes the extra copies.
    times = Counter(article_id for article_id, _ in entries)
    for article_id, count in sorted(times.items(), key=lambda item: int(item[0])):
        if count > 1:
            yield Problem(
                "duplicate index entry", f"article id {article_id}", f"indexed {count} times"
            )


def database_problems(archive: Archive) -> Iterator[Problem]:
    """What SQLite's ``quick_check`` finds wrong with the pages of the database: damage that
    the queries below may not read."""
    if archive.engine.dialect.name != "sqlite":
        return
    with archive.engine.connect() as connection:
        findings = connection.execute(text("PRAGMA quick_check")).scalars().all()
    if findings != ["ok"]:
        for finding in findings:
            yield Problem("database", archive.display_url, f"{finding}; see `rebuild`")


def _index_problems(
    article_id: str, url: str, digest: str, indexed: Mapping[str, str]
) -> Iterator[Problem]:
    if article_id not in indexed:
        yield Problem("not indexed", url, f"article {article_id} is not in the search index")
    elif indexed[article_id] != digest:
        yield Problem("stale index entry", url, "indexed text differs from the database")


def warc_problems(captures: list[Capture], warc_dir: Path) -> Iterator[Problem]:
    """Reads every capture's record, one file open per WARC, in offset order."""
    for name, in_file in groupby(captures, key=lambda capture: capture.warc_file):
        path = warc_dir / str(name)
        if not path.is_file():
            yield Problem("warc", str(name), "file missing")
            continue
        for capture in in_file:
            detail = _record_problem(path, capture)
            if detail is not None:
                yield Problem("warc", f"{name}@{capture.warc_offset} ({capture.url})", detail)


def _record_problem(path: Path, capture: Capture) -> str | None:
    try:
        stored = read_response(path, capture.warc_offset or 0)
    except READ_ERRORS as exc:
        return f"unreadable record: {type(exc).__name__}: {exc}"
    if stored.record_type != capture.warc_type:
        return f"a {stored.record_type} record where a {capture.warc_type} was recorded"
    if stored.digest_header != capture.payload_digest:
        return "WARC-Payload-Digest differs from the capture's digest"
    if stored.record_type == "response" and payload_digest(stored.payload) != stored.digest_header:
        return "payload does not match its digest"
    return None
