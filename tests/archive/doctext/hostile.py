"""Readers that misbehave, for the isolated reader's tests; importable by its worker process."""

from __future__ import annotations

import time

from archive.doctext import DocumentText, ReadingLimits, read_document

HANG = b"hang"
HOG = b"hog"


def misbehaving_reader(media_type: str | None, body: bytes, limits: ReadingLimits) -> DocumentText:
    """Hangs on ``HANG``, takes all the memory it can on ``HOG``, and reads anything else."""
    if body == HANG:
        time.sleep(3600)
    if body == HOG:
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(1024)]
        return DocumentText(str(len(hoard)), read_document(media_type, body).status)
    return read_document(media_type, body, limits)
