"""Documents attached to articles ("văn bản"): which articles carry them, and their bytes.

A ``.pdf`` is a small valid PDF. A ``.doc`` is plain text, not Word's binary
format: what matters to an archive is the name, the media type and the text
encoding, and some old DOCs are TCVN3 bytes (the pre-Unicode ABC encoding),
which is what the testbed serves for a third of them.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import Article, Attachment, Body
from .text import fold, tcvn3_bytes

PDF = "application/pdf"
DOC = "application/msword"
# One article in this many carries a plan (PDF) even outside the documents sections.
_PLAN_EVERY = 6
_LEGACY_EVERY = 3

PathFor = Callable[[Article, str], str]


def attachments_for(article: Article, path_for: PathFor) -> list[Attachment]:
    """The documents attached to ``article``; ``path_for`` is the family's upload path."""
    if article.original is not None:
        return []  # an RSS import brings the text, never the files
    number = 100 + article.id
    found = []
    is_documents = article.category.topic == "vanban"
    if is_documents or article.id % _PLAN_EVERY == 0:
        filename = f"ke-hoach-{number}-kh-ubnd.pdf"
        found.append(Attachment(path_for(article, filename), f"Kế hoạch số {number}/KH-UBND", PDF))
    if is_documents:
        filename = f"cong-van-{number}-ubnd.doc"
        legacy = article.id % _LEGACY_EVERY == 0
        name = f"Công văn số {number}/UBND"
        found.append(Attachment(path_for(article, filename), name, DOC, legacy))
    return found


def document_bytes(attachment: Attachment, article: Article, body: Body) -> bytes:
    text = f"{attachment.name}\n{article.title}\n{body.summary}\n"
    if attachment.media_type == PDF:
        return _pdf(fold(text))
    return tcvn3_bytes(text) if attachment.legacy else text.encode("utf-8")


def _pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    lines = [line.replace("\\", "").replace("(", "").replace(")", "") for line in text.split("\n")]
    stream = "BT /F1 11 Tf 50 800 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("ascii", "replace")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
