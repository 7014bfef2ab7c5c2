"""Documents attached to articles ("văn bản"): which articles carry them, their bytes and text.

Every document is the article's own text set out as an official document: its
number as the heading ("Kế hoạch số 145/KH-UBND", the link's name), the place and
date line, the title, the summary and the body's paragraphs. The mix, fixed by
the article id:

* the plan (``.pdf``): a Unicode text layer; one in four in the TCVN3 font
  ``.VnTime``; one in seven a scan without text (``documents.py``);
* the official letter (``.doc`` / ``.docx``, documents sections only): a DOCX for a
  third, and for the others a ``.doc`` that is plain text, not Word's binary
  format, half of them TCVN3 bytes (capitals with a tone mark written lowercase,
  as that font had none), the others UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import documents
from .model import Article, Attachment, Body
from .text import reader_text, tcvn3_bytes

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What a correct reader makes of the document (the gold's "text_kind").
TEXT, TCVN3, SCANNED = "text", "tcvn3", "scanned"
# One article in this many carries a plan (PDF) even outside the documents sections.
_PLAN_EVERY = 6
_SCANNED_EVERY = 7
_TCVN3_PLAN_EVERY = 4

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
        name = f"Kế hoạch số {number}/KH-UBND"
        found.append(Attachment(path_for(article, filename), name, PDF, _plan_kind(article.id)))
    if is_documents:
        name = f"Công văn số {number}/UBND"
        media_type, kind = _letter_form(article.id)
        extension = "docx" if media_type == DOCX else "doc"
        filename = f"cong-van-{number}-ubnd.{extension}"
        found.append(Attachment(path_for(article, filename), name, media_type, kind))
    return found


def _plan_kind(article_id: int) -> str:
    if article_id % _SCANNED_EVERY == 3:
        return SCANNED
    # Halved: plans outside the documents sections are on even ids only.
    return TCVN3 if article_id // 2 % _TCVN3_PLAN_EVERY == 1 else TEXT


def _letter_form(article_id: int) -> tuple[str, str]:
    return ((DOC, TCVN3), (DOCX, TEXT), (DOC, TEXT))[article_id % 3]


def document_paragraphs(attachment: Attachment, article: Article, body: Body) -> list[str]:
    """The document's paragraphs as a reader sees them, its number first."""
    day = article.published
    paragraphs = [
        attachment.name,
        f"Hà Tĩnh, ngày {day.day} tháng {day.month} năm {day.year}",
        article.title,
        body.summary,
        *(block.text for block in body.blocks if block.kind in ("p", "h")),
    ]
    return [text for text in map(reader_text, paragraphs) if text]


@dataclass(frozen=True)
class _Form:
    """How one kind of file holds the paragraphs, and what a correct reader gives back."""

    file: Callable[[list[str]], bytes]
    gold: Callable[[list[str]], str]


def _lines(paragraphs: list[str]) -> str:
    return "\n".join(paragraphs)


_FORMS: dict[tuple[str, str], _Form] = {
    (PDF, TEXT): _Form(
        lambda paragraphs: documents.unicode_pdf(documents.wrapped(paragraphs)),
        lambda paragraphs: _lines(documents.wrapped(paragraphs)),
    ),
    (PDF, TCVN3): _Form(
        lambda paragraphs: documents.tcvn3_pdf(documents.wrapped(paragraphs)),
        lambda paragraphs: _lines(documents.tcvn3_gold(documents.wrapped(paragraphs))),
    ),
    (PDF, SCANNED): _Form(
        lambda paragraphs: documents.scanned_pdf(
            len(documents.paged(documents.wrapped(paragraphs)))
        ),
        lambda paragraphs: "",
    ),
    (DOCX, TEXT): _Form(documents.docx, _lines),
    (DOC, TEXT): _Form(lambda paragraphs: (_lines(paragraphs) + "\n").encode("utf-8"), _lines),
    (DOC, TCVN3): _Form(
        lambda paragraphs: tcvn3_bytes(_lines(paragraphs) + "\n"),
        lambda paragraphs: _lines(documents.tcvn3_gold(paragraphs)),
    ),
}


def document_bytes(attachment: Attachment, article: Article, body: Body) -> bytes:
    form = _FORMS[attachment.media_type, attachment.kind]
    return form.file(document_paragraphs(attachment, article, body))


def document_gold(attachment: Attachment, article: Article, body: Body) -> str:
    """The text a correct reader gets from the document: its lines, "" for a scan."""
    form = _FORMS[attachment.media_type, attachment.kind]
    return form.gold(document_paragraphs(attachment, article, body))
