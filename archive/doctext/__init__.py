"""The text of the documents articles attach: PDF, DOCX, ODT, XLSX, ODS, DOC and text files.

``read_document(media_type, body)`` picks the reader registered for the kind
of document (``archive.documents.document_type``) and returns a
``DocumentText``: the text in Unicode (NFC, one line per line or paragraph),
how it was had (``TextStatus``), the legacy encoding it was converted from and
the page count. Every reader keeps to ``ReadingLimits`` (file size, pages,
characters, unpacked size); ``IsolatedReader`` adds a wall-clock timeout and a
memory limit by reading in a separate process, which is how the crawl reads.

OCR plugs in as one more reader: a scan comes back as ``TextStatus.SCANNED``
with its page count, and a reader registered for "pdf" that calls the PDF
reader first and, for a scan, renders its pages (pdftoppm) and runs Tesseract
with the ``vie`` model (``tesseract page.png - -l vie``) would return the
recognised text instead, under the same limits and in the same separate
process. It needs a status of its own ("ocr") so that recognised text is never
taken for a text layer.
"""

from archive.doctext import office, pdf, word
from archive.doctext.isolated import IsolatedReader
from archive.doctext.registry import READERS, read_document, reads
from archive.doctext.result import DocumentText, ReadingLimits, TextStatus

__all__ = [
    "READERS",
    "DocumentText",
    "IsolatedReader",
    "ReadingLimits",
    "TextStatus",
    "office",
    "pdf",
    "read_document",
    "reads",
    "word",
]
