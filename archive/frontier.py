"""A crawl run's frontier: every request it scheduled per site, kept so that a killed crawl
resumes where it stopped.

A request is recorded as the page that produced it is read, and marked done
once everything its response produced is safe. A run that ends any other way
than killed or interrupted deletes its frontier (``archive.runs``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from archive.db import Archive
from archive.models import Article, ArticleVersion, Attachment, Capture, Document, FrontierRequest


@dataclass(frozen=True)
class FrontierEntry:
    fingerprint: str
    url: str
    request: bytes


class FrontierStore:
    """The ``frontier_request`` rows of the archive's runs; every method is its own transaction."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def fingerprints(self, run_id: int, site_key: str) -> set[str]:
        with self.archive.sessions() as session:
            return set(
                session.scalars(
                    select(FrontierRequest.fingerprint).where(
                        FrontierRequest.run_id == run_id, FrontierRequest.site_key == site_key
                    )
                )
            )

    def pending(self, run_id: int, site_key: str) -> list[FrontierEntry]:
        """The requests not done yet, in the order they were recorded."""
        statement = (
            select(FrontierRequest.fingerprint, FrontierRequest.url, FrontierRequest.request)
            .where(
                FrontierRequest.run_id == run_id,
                FrontierRequest.site_key == site_key,
                FrontierRequest.done.is_(False),
            )
            .order_by(FrontierRequest.id)
        )
        with self.archive.sessions() as session:
            return [FrontierEntry(*row) for row in session.execute(statement)]

    def record(self, run_id: int, site_key: str, entries: Iterable[FrontierEntry]) -> None:
        """Adds requests new to the run's frontier (the caller knows which are new)."""
        with self.archive.session() as session:
            session.add_all(
                FrontierRequest(
                    run_id=run_id,
                    site_key=site_key,
                    fingerprint=entry.fingerprint,
                    url=entry.url,
                    request=entry.request,
                )
                for entry in entries
            )

    def mark_done(self, run_id: int, site_key: str, fingerprint: str) -> None:
        with self.archive.session() as session:
            session.execute(
                update(FrontierRequest)
                .where(
                    FrontierRequest.run_id == run_id,
                    FrontierRequest.site_key == site_key,
                    FrontierRequest.fingerprint == fingerprint,
                )
                .values(done=True)
            )

    def clear(self, run_id: int) -> None:
        with self.archive.session() as session:
            session.execute(delete(FrontierRequest).where(FrontierRequest.run_id == run_id))

    def drop_lost_captures(self, run_id: int, warc_file: str, kept: int) -> int:
        """Forgets the captures whose WARC record was cut off ``warc_file`` at ``kept`` bytes;
        their requests become pending again, so the resumed crawl fetches them anew."""
        lost = select(Capture.id, Capture.url).where(
            Capture.warc_file == warc_file, Capture.warc_offset + Capture.warc_length > kept
        )
        with self.archive.session() as session:
            rows = session.execute(lost).all()
            if not rows:
                return 0
            ids = [row.id for row in rows]
            for model in (Article, ArticleVersion, Attachment, Document):
                session.execute(
                    update(model).where(model.capture_id.in_(ids)).values(capture_id=None)
                )
            session.execute(delete(Capture).where(Capture.id.in_(ids)))
            session.execute(
                update(FrontierRequest)
                .where(
                    FrontierRequest.run_id == run_id,
                    FrontierRequest.url.in_([row.url for row in rows]),
                )
                .values(done=False)
            )
            return len(ids)
