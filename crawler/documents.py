"""Reading the text of attached documents during a crawl, off the reactor thread.

Documents are read one at a time by an ``archive.doctext.IsolatedReader`` (a
worker process with a memory limit and a timeout), waited on from a thread of
our own, so that neither a slow document nor a queue of them holds the reactor
or the reactor's thread pool (which resolves host names).
"""

from __future__ import annotations

from typing import Self

from scrapy.settings import BaseSettings
from twisted.internet import reactor
from twisted.internet.defer import Deferred, succeed
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from archive.doctext import DocumentText, IsolatedReader, TextStatus
from crawler.items import AttachedDocument


class DocumentTextReader:
    """The text of each attached document, or ``skipped`` when document text is turned off."""

    def __init__(self, enabled: bool, timeout: float) -> None:
        self._reader = IsolatedReader(timeout=timeout) if enabled else None
        self._threads = ThreadPool(minthreads=1, maxthreads=1, name="document-text")
        if enabled:
            self._threads.start()
            # A crawl stopped by force never closes its pipelines, and the pool's thread
            # would keep the process alive after the reactor is gone.
            reactor.addSystemEventTrigger("before", "shutdown", self.close)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(
            settings.getbool("PORTAL_DOCUMENT_TEXT"), settings.getfloat("PORTAL_DOCUMENT_TIMEOUT")
        )

    def read(self, document: AttachedDocument) -> Deferred[DocumentText]:
        if self._reader is None:
            return succeed(DocumentText.without_text(TextStatus.SKIPPED))
        return deferToThreadPool(
            reactor, self._threads, self._reader.read, document.media_type, document.body
        )

    def close(self) -> None:
        if self._reader is not None and self._threads.started:
            self._threads.stop()
            self._reader.close()
