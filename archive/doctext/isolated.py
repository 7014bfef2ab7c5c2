"""Reading documents in a separate process, so that no file can stall or exhaust the caller.

One worker process reads one document at a time, under an address-space limit
set when it starts. A document that takes longer than the timeout has its
worker killed and replaced, and is recorded as a timeout; a worker that dies
(out of memory, a crash in a parser) is replaced and the document recorded as
failed. The worker is started with "spawn", so it shares nothing with the
caller (threads, the reactor, open databases).
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Self

from archive.doctext.registry import read_document
from archive.doctext.result import DEFAULT_LIMITS, DocumentText, ReadingLimits, TextStatus

ReadFunction = Callable[[str | None, bytes, ReadingLimits], DocumentText]
TIMEOUT_SECONDS = 30.0
MEMORY_BYTES = 1024 * 1024 * 1024


def _serve(connection: Connection, read: ReadFunction, memory_bytes: int) -> None:
    """The worker: reads each (media type, bytes, limits) it is sent, until the pipe closes."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            media_type, body, limits = connection.recv()
        except EOFError:
            return
        connection.send(read(media_type, body, limits))


class IsolatedReader:
    """Reads documents in a worker process with a timeout; thread-safe, one at a time."""

    def __init__(
        self,
        limits: ReadingLimits = DEFAULT_LIMITS,
        timeout: float = TIMEOUT_SECONDS,
        memory_bytes: int = MEMORY_BYTES,
        read: ReadFunction = read_document,
    ) -> None:
        self.limits = limits
        self.timeout = timeout
        self.memory_bytes = memory_bytes
        self._read = read
        self._lock = threading.Lock()
        self._worker: tuple[BaseProcess, Connection] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def read(self, media_type: str | None, body: bytes) -> DocumentText:
        if len(body) > self.limits.max_file_bytes:
            return DocumentText.without_text(TextStatus.TOO_LARGE)
        with self._lock:
            connection = self._started()
            try:
                connection.send((media_type, body, self.limits))
                if connection.poll(self.timeout):
                    return connection.recv()
                status = TextStatus.TIMEOUT
            except (EOFError, OSError):
                status = TextStatus.FAILED  # the worker died on this document
            self._stop()
            return DocumentText.without_text(status)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _started(self) -> Connection:
        if self._worker is None:
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_serve, args=(theirs, self._read, self.memory_bytes), daemon=True
            )
            process.start()
            theirs.close()
            self._worker = (process, ours)
        return self._worker[1]

    def _stop(self) -> None:
        if self._worker is None:
            return
        process, connection = self._worker
        self._worker = None
        connection.close()
        process.kill()
        process.join()
