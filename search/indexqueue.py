"""Feeding the search index from the database: the one indexer of an archive.

Saving an article queues it in ``index_queue`` in the same transaction (see
``archive.store``); the indexer reads the queue oldest first, indexes those
articles as the database holds them now, and deletes the entries it indexed.
Whoosh has a single writer, so an archive has one indexer: for a crawl on one
machine, a process the crawl starts (:class:`IndexerProcess`), so that the
index is written on another core and its segment merges never hold the crawl
up; for crawlers on several machines, ``portal-archive indexer``.

An entry is deleted only after the index commit that holds its article, so a
crash at any point leaves it queued and the next drain indexes the article
(again: an update, never a second copy).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from archive.db import Archive, open_archive
from archive.models import Article, with_what_the_index_reads
from archive.store import ArchiveStore
from search.indexer import ArticleIndex

logger = logging.getLogger(__name__)

# Queue entries per index commit: well within the writer's posting pool (see search.indexer).
DRAIN_BATCH = 500
# How long the indexer, caught up, lets the queue fill before its next commit: a Whoosh
# commit (segment files, merges of small segments) costs about as much for five articles as
# for five hundred, and a crawl's last articles are indexed when it ends whatever this is.
POLL_SECONDS = 5.0


class StopSignal(Protocol):
    """When to stop following the queue (``threading.Event`` and ``multiprocessing.Event``
    fit)."""

    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


class QueueIndexer:
    """Indexes the articles queued in ``archive`` into ``index``."""

    def __init__(self, archive: Archive, index: ArticleIndex, batch_size: int = DRAIN_BATCH):
        self.archive = archive
        self.store = ArchiveStore(archive)
        self.index = index
        self.batch_size = batch_size

    def index_batch(self) -> int:
        """Indexes the oldest queued articles in one commit; returns how many queue entries
        that cleared (0: the queue was empty)."""
        entries = self.store.index_queue(self.batch_size)
        if not entries:
            return 0
        # An article deleted since it was queued is not found, and its entry goes all the same.
        selected = select(Article).where(Article.id.in_({article for _entry, article in entries}))
        with self.archive.sessions() as session:
            self.index.add(session.scalars(with_what_the_index_reads(selected)))
        self.store.forget_indexed(entry for entry, _article in entries)
        return len(entries)

    def drain(self) -> int:
        """Indexes everything queued, batch after batch; returns how many entries it cleared."""
        total = 0
        while cleared := self.index_batch():
            total += cleared
        return total

    def follow(self, stop: StopSignal) -> int:
        """Indexes the queue as crawls fill it, until ``stop`` is set (the batch being written
        is committed first); returns how many entries it cleared."""
        total = 0
        while not stop.is_set():
            cleared = self.index_batch()
            total += cleared
            if cleared < self.batch_size:
                stop.wait(POLL_SECONDS)
        return total


class IndexerProcess:
    """The indexer of one crawl command, in a process of its own from :meth:`start` until
    :meth:`finish`, which returns once everything queued is indexed."""

    def __init__(self, db_url: str, index_dir: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self.db_url = db_url
        self.index_dir = index_dir
        self._stop = context.Event()
        # Daemonic, so that it dies with the crawl however the crawl ends; what it had not
        # indexed stays queued.
        self._process: BaseProcess = context.Process(
            target=_index_until_stopped,
            args=(db_url, index_dir, self._stop),
            name="portal-archive indexer",
            daemon=True,
        )

    def start(self) -> None:
        self._process.start()

    def finish(self) -> None:
        """Has the indexer index what is still queued, and waits until it is done."""
        self._stop.set()
        self._process.join()
        if self._process.exitcode != 0:
            # It failed (and said why on stderr): what it left is indexed here, or its error
            # raised here, where the command reports it.
            logger.warning("the indexer process failed (%s)", self._process.exitcode)
            QueueIndexer(open_archive(self.db_url), ArticleIndex(self.index_dir)).drain()


class _WhileParentLives:
    """A stop signal also set when the process that started this one is gone (killed): an
    indexer must not outlive its crawl."""

    def __init__(self, stop: StopSignal) -> None:
        self.stop = stop
        self.parent = multiprocessing.parent_process()

    def is_set(self) -> bool:
        return self.stop.is_set() or (self.parent is not None and not self.parent.is_alive())

    def wait(self, timeout: float | None = None) -> bool:
        return self.stop.wait(timeout)


def _index_until_stopped(db_url: str, index_dir: Path, stop: StopSignal) -> None:
    # Ctrl-C reaches the whole process group; the crawl says when its indexer stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    indexer = QueueIndexer(open_archive(db_url), ArticleIndex(index_dir))
    indexer.follow(_WhileParentLives(stop))
    indexer.drain()
