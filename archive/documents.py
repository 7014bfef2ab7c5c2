"""Reading the documents articles attach ("văn bản"): which ones have text the archive can keep."""

from __future__ import annotations

from archive.legacy import decode_document

# Old portal documents are often .doc files that are really plain text, some in
# the pre-Unicode TCVN3 or VNI encodings.
TEXT_MEDIA_TYPES = frozenset({"application/msword", "text/plain"})


def document_text(media_type: str | None, body: bytes) -> str | None:
    """The document's text in Unicode, or None for binary formats.

    A NUL byte means a binary file (a real Word or PDF file): its bytes stay in
    the WARC, and no text is made up from them.
    """
    if media_type not in TEXT_MEDIA_TYPES or b"\x00" in body:
        return None
    return decode_document(body)
