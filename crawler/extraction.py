"""Extracting article pages in worker processes, so that a crawl uses every core.

Parsing a page (lxml, trafilatura, the family's rules) and fingerprinting its body
(SimHash) are pure CPU work on one page; they run in a pool of processes and
their results come back to the reactor as Deferreds. Storing stays on the
reactor thread: SQLite has one writer, and the store's transactions are short.

Every crawl of one process shares one pool (a run crawls many sites at once);
it stops when the last crawl using it closes, or when the reactor shuts down,
since a crawl stopped by force never closes its pipelines.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from typing import Protocol, TypeVar

from twisted.internet.base import ReactorBase
from twisted.internet.defer import CancelledError, Deferred

from archive.dedup import BodyPrints
from archive.extract import ExtractedArticle, extract_article
from archive.profiles import Family

T = TypeVar("T")


@dataclass(frozen=True)
class PageExtraction:
    """What a worker makes of one article page."""

    article: ExtractedArticle
    prints: BodyPrints


def extract_page(html: str | bytes, url: str, family: Family | str) -> PageExtraction:
    """The article of one page and its body's fingerprints; runs in a worker process."""
    article = extract_article(html, url, profile=family)
    return PageExtraction(article, BodyPrints.of(article.body))


def sendable_family(family: Family) -> Family | str:
    """``family`` as a worker can receive it: the family itself when it pickles (its versions
    by reference, so one added at run time reaches the worker), else its name, which the
    worker looks up among the families it knows."""
    try:
        pickle.dumps(family)
    except (pickle.PicklingError, AttributeError, TypeError):
        return family.name
    return family


def _prepare_worker() -> None:
    # Ctrl-C reaches the whole process group; the crawl decides how its workers stop, and a
    # worker killed by it mid-page would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker holds both ends of its task queue, so it never sees the queue close: when
    # the crawl is killed, this is how the worker learns it is gone.
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def default_processes() -> int:
    return len(os.sched_getaffinity(0))


class PageExtractor(Protocol):
    """What the archive pipeline extracts pages with (:class:`ExtractionPool`, in a crawl)."""

    def acquire(self) -> None:
        """A crawl starts using it."""

    def release(self) -> None:
        """That crawl is done with it."""

    def extract(
        self, html: str | bytes, url: str, family: Family | str
    ) -> Deferred[PageExtraction]: ...


class ExtractionPool:
    """A pool of ``processes`` worker processes (started when first used) extracting pages."""

    def __init__(self, processes: int) -> None:
        self.processes = processes or default_processes()
        self._executor: ProcessPoolExecutor | None = None
        self._users = 0
        _reactor().addSystemEventTrigger("before", "shutdown", self.close)

    def acquire(self) -> None:
        self._users += 1

    def release(self) -> None:
        """One crawl is done with the pool; the last one stops it."""
        self._users -= 1
        if self._users <= 0:
            self.close()

    def extract(
        self, html: str | bytes, url: str, family: Family | str
    ) -> Deferred[PageExtraction]:
        """The page's extraction, fired on the reactor thread; fails as extraction failed."""
        return deferred_from_future(self.submit(html, url, family))

    def submit(self, html: str | bytes, url: str, family: Family | str) -> Future[PageExtraction]:
        """The page's extraction, as it goes in a worker process."""
        try:
            return self._running().submit(extract_page, html, url, family)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): the pool is replaced, the page sent again.
            self.close()
            return self._running().submit(extract_page, html, url, family)

    def close(self) -> None:
        """Stops the workers once their current page is done, without waiting for them."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _running(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # Spawned, not forked: a fork would copy the reactor, its threads and the open
            # database connections into every worker.
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_prepare_worker,
            )
        return self._executor


@cache
def shared_pool(processes: int) -> ExtractionPool:
    """The one pool of this process for ``processes`` workers (0: one per core)."""
    return ExtractionPool(processes)


def deferred_from_future(future: Future[T]) -> Deferred[T]:
    """A Deferred fired on the reactor thread with the outcome of ``future``; cancelling it
    cancels the future if its work has not started."""
    deferred: Deferred[T] = Deferred(lambda _deferred: future.cancel())
    future.add_done_callback(lambda done: _reactor().callFromThread(_settle, deferred, done))
    return deferred


def _settle(deferred: Deferred[T], done: Future[T]) -> None:
    if deferred.called:  # cancelled while the worker was at it
        return
    if done.cancelled():
        deferred.errback(CancelledError())
    elif (error := done.exception()) is not None:
        deferred.errback(error)
    else:
        deferred.callback(done.result())


def _reactor() -> ReactorBase:
    # Imported when used: worker processes import this module too, and importing the reactor
    # installs one.
    from twisted.internet import reactor

    return reactor
