"""The kinds of documents articles attach ("văn bản"); their text is ``archive.doctext``'s."""

from __future__ import annotations

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
