"""The readers of document text, one per kind of document (``archive.documents.document_type``).

A reader is a function of the file's bytes and the limits; it may raise on a
damaged file, which ``read_document`` records as failed. A new format, or OCR
for scans, is one more registered function (see ``archive/doctext/__init__.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from archive.doctext.result import DEFAULT_LIMITS, DocumentText, ReadingLimits, TextStatus
from archive.documents import document_type

logger = logging.getLogger(__name__)

Reader = Callable[[bytes, ReadingLimits], DocumentText]
READERS: dict[str, Reader] = {}


def reads(*kinds: str) -> Callable[[Reader], Reader]:
    """Registers the decorated function as the reader of ``kinds`` ("pdf", "docx", …)."""

    def register(reader: Reader) -> Reader:
        for kind in kinds:
            READERS[kind] = reader
        return reader

    return register


def read_document(
    media_type: str | None, body: bytes, limits: ReadingLimits = DEFAULT_LIMITS
) -> DocumentText:
    """The text of a document of ``media_type``, within ``limits``; never raises for a bad
    file (the status says what happened)."""
    reader = READERS.get(document_type(media_type))
    if reader is None:
        return DocumentText.without_text(TextStatus.UNSUPPORTED)
    if len(body) > limits.max_file_bytes:
        return DocumentText.without_text(TextStatus.TOO_LARGE)
    try:
        return reader(body, limits)
    except MemoryError:
        return DocumentText.without_text(TextStatus.TOO_LARGE)
    except Exception:
        # A crawled file is hostile: whatever breaks a reader is that file's failure alone.
        logger.warning("could not read a %s document", media_type, exc_info=True)
        return DocumentText.without_text(TextStatus.FAILED)
