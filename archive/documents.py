"""Reading the documents articles attach ("văn bản"): which ones have text the archive can keep."""

from __future__ import annotations

from archive.legacy import decode_document

# Old portal documents are often .doc files that are really plain text, some in
# the pre-Unicode TCVN3 or VNI encodings.
TEXT_MEDIA_TYPES = frozenset({"application/msword", "text/plain"})


# The short names researchers filter by, for the media types portals attach.
_TYPE_OF_MEDIA = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "text/plain": "txt",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/vnd.rar": "rar",
    "application/x-rar-compressed": "rar",
    "application/x-7z-compressed": "7z",
}


def document_type(media_type: str | None) -> str:
    """What kind of document a media type is, as researchers name it ("pdf", "docx"), or
    "other"."""
    essence = (media_type or "").split(";")[0].strip().lower()
    return _TYPE_OF_MEDIA.get(essence, "other")


def document_text(media_type: str | None, body: bytes) -> str | None:
    """The document's text in Unicode, or None for binary formats.

    A NUL byte means a binary file (a real Word or PDF file): its bytes stay in
    the WARC, and no text is made up from them.
    """
    if media_type not in TEXT_MEDIA_TYPES or b"\x00" in body:
        return None
    return decode_document(body)
