"""What reading a document gives, and the limits every reader keeps to."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from archive.legacy import LegacyEncoding


class TextStatus(StrEnum):
    """How a document's text was had; stored as ``Document.text_status``."""

    TEXT = "text"
    # Cut at a limit (pages or characters): the text of the first part only.
    PARTIAL = "partial"
    SCANNED = "scanned"  # pages without a text layer: images only
    UNSUPPORTED = "unsupported"  # no reader for the format (or its tool is not installed)
    FAILED = "failed"  # the file is damaged, encrypted or not what its type says
    TOO_LARGE = "too-large"  # the file, or what it unpacks to, is beyond the limits
    TIMEOUT = "timeout"
    SKIPPED = "skipped"  # document text is turned off for the crawl


@dataclass(frozen=True)
class DocumentText:
    text: str | None
    status: TextStatus
    converted_from: LegacyEncoding | None = None
    pages: int | None = None

    @classmethod
    def without_text(cls, status: TextStatus, pages: int | None = None) -> DocumentText:
        return cls(None, status, None, pages)


@dataclass(frozen=True)
class ReadingLimits:
    """What one document may cost. A hostile file is cut or refused, never followed."""

    max_file_bytes: int = 64 * 1024 * 1024
    max_pages: int = 200  # pages read; the text of the rest is left out
    max_characters: int = 2_000_000
    # What the parts read from a DOCX, ODT or XLSX package may unpack to, in all.
    max_unpacked_bytes: int = 128 * 1024 * 1024


DEFAULT_LIMITS = ReadingLimits()


_SPACES = re.compile(r"[^\S\n]+")
# Control characters other than the line and tab: a text layer's junk, never text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def tidy_lines(text: str) -> str:
    """``text`` in NFC, one line per line of the document, each with single spaces, no empty
    lines: the form every reader returns, whatever the format kept."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text).replace("\r\n", "\n"))
    lines = (
        " ".join(_SPACES.sub(" ", line).split()) for line in text.replace("\r", "\n").split("\n")
    )
    return "\n".join(line for line in lines if line)


def within_characters(text: str, limits: ReadingLimits) -> DocumentText:
    """``text`` as read, cut to the character limit (then partial)."""
    if len(text) > limits.max_characters:
        return DocumentText(text[: limits.max_characters], TextStatus.PARTIAL)
    return DocumentText(text, TextStatus.TEXT)
