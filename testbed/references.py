"""The legal documents generated articles cite, written as portals write them, and the gold.

Each portal seed has a catalogue of documents ("văn bản"): decisions, resolutions,
decrees, circulars, directives, plans, official letters, reports, laws and Party
resolutions, each with its canonical number ("81/2004/QĐ-UB"). Some articles cite
one to three of them in their body, a few in their title, in the forms real
pages use: with or without the kind's name and "số", typographic dashes, spaces
around the slashes, a number below ten without its leading zero, now and then
without diacritics. Attached documents are named by their own numbers. Every
choice is drawn from the seed and the article id alone, so the other texts of
an article are what they were without citations.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from functools import cache

from .model import Article, Attachment, Block, Body
from .text import fold, reader_text

# Share of generated articles citing documents in the body, and of those in the title too.
CITING_SHARE = 0.4
TITLE_SHARE = 0.15
MAX_CITED = 3
CATALOGUE_SIZE = 150


@dataclass(frozen=True)
class DocumentKind:
    abbreviation: str  # in the symbol; "" for official letters and laws
    name: str  # the word before the number
    issuers: tuple[str, ...]
    yearly: float  # share of its documents numbered with their year
    party: bool = False  # Party documents: "57-NQ/TW"


KINDS = (
    DocumentKind("QĐ", "Quyết định", ("UBND", "UB", "TTg", "BTTTT", "SNV"), 0.3),
    DocumentKind("NQ", "Nghị quyết", ("CP", "HĐND"), 0.4),
    DocumentKind("NĐ", "Nghị định", ("CP",), 1.0),
    DocumentKind("TT", "Thông tư", ("BTTTT", "BTC", "BGDĐT", "BNV", "BYT"), 1.0),
    DocumentKind("CT", "Chỉ thị", ("TTg", "UBND"), 0.2),
    DocumentKind("KH", "Kế hoạch", ("UBND", "SGDĐT", "STTTT"), 0.0),
    DocumentKind("TTr", "Tờ trình", ("SNV", "UBND"), 0.0),
    DocumentKind("TB", "Thông báo", ("VPUB", "UBND"), 0.0),
    DocumentKind("BC", "Báo cáo", ("STTTT", "UBND"), 0.0),
    DocumentKind("HD", "Hướng dẫn", ("SGDĐT", "SNV"), 0.0),
    DocumentKind("", "Công văn", ("UBND-KT1", "UBND-VX", "SNV-TCBC", "VPCP-KSTT", "TTg-KTTH"), 0.0),
    DocumentKind("", "Luật", ("QH13", "QH14"), 1.0),
    DocumentKind("NQ", "Nghị quyết", ("TW",), 0.0, party=True),
    DocumentKind("CT", "Chỉ thị", ("TW", "TU"), 0.0, party=True),
)
# What the archive calls the kinds without an abbreviation.
LETTER, LAW = "CV", "Luật"
_DASHES = ("-",) * 14 + ("–", "—", "\u2011")
_BODY_SENTENCES = (
    "Thực hiện {c}, các cơ quan, đơn vị đã triển khai nhiều giải pháp đồng bộ.",
    "Căn cứ {c}, địa phương xây dựng kế hoạch cụ thể cho từng giai đoạn.",
    "Theo {c}, việc triển khai phải hoàn thành trước tháng 12.",
    "Nội dung này được quy định tại {c} và các văn bản hướng dẫn.",
    "Hội nghị đã quán triệt {c} tới toàn thể cán bộ, công chức.",
)
_TITLE_LEADS = ("Triển khai {c}", "Quán triệt {c}", "Sơ kết thực hiện {c}")
# How the attachments' names are written: "Kế hoạch số 145/KH-UBND", "Công văn số 145/UBND".
_ATTACHMENT_NAME = re.compile(r"(?P<word>.+?) số (?P<number>\d+)/(?P<symbol>\S+)")


@dataclass(frozen=True)
class Document:
    """A document of the catalogue, with its parts as the archive normalises them."""

    kind: DocumentKind
    number: int
    year: int | None
    issuer: str  # with the drafting unit for letters ("UBND-KT1")

    @property
    def key(self) -> str:
        number = f"{self.number:02d}"
        if self.kind.party:
            return f"{number}-{self.kind.abbreviation}/{self.issuer}"
        symbol = "-".join(part for part in (self.kind.abbreviation, self.issuer) if part)
        return f"{number}/{self.year}/{symbol}" if self.year else f"{number}/{symbol}"

    def gold(self, places: list[str]) -> dict[str, object]:
        kind = self.kind.abbreviation or (LAW if self.kind.name == LAW else LETTER)
        issuer = self.issuer if self.kind.abbreviation else self.issuer.split("-")[0]
        return {
            "key": self.key,
            "kind": kind,
            "number": f"{self.number:02d}",
            "year": self.year,
            "issuer": issuer,
            "places": places,
        }


@dataclass(frozen=True)
class Cited:
    """A document as one article writes it."""

    document: Document
    written: str


@dataclass(frozen=True)
class Citations:
    """What one article cites, as written, in its title and in its body."""

    title: list[Cited]
    body: list[Cited]


@cache
def catalogue(seed: int) -> tuple[Document, ...]:
    """The documents the articles of a portal seed cite, most cited first."""
    rng = random.Random(f"{seed}:documents")
    documents: dict[str, Document] = {}
    while len(documents) < CATALOGUE_SIZE:
        kind = rng.choice(KINDS)
        year = rng.randint(2004, 2024) if rng.random() < kind.yearly else None
        number = rng.randint(1, 40) if kind.party or kind.name == LAW else _office_number(rng)
        document = Document(kind, number, year, rng.choice(kind.issuers))
        documents.setdefault(document.key, document)
    return tuple(documents.values())


def _office_number(rng: random.Random) -> int:
    # Most numbers have two or three digits; busy offices reach thousands by December.
    return rng.choice((rng.randint(1, 9), rng.randint(10, 999), rng.randint(1000, 4999)))


def citations(seed: int, article: Article) -> Citations:
    """What ``article`` cites in its title and in its body, as written."""
    rng = _rng(seed, article)
    if rng.random() >= CITING_SHARE:
        return Citations([], [])
    documents = catalogue(seed)
    # Earlier documents of the catalogue are cited more often, as a few decisions are.
    weights = [1 / (rank + 1) for rank in range(len(documents))]
    chosen = rng.choices(documents, weights=weights, k=rng.randint(1, MAX_CITED))
    body = [Cited(document, written(rng, document)) for document in dict.fromkeys(chosen)]
    title = [Cited(body[0].document, written(rng, body[0].document, named=True))]
    return Citations(title if rng.random() < TITLE_SHARE else [], body)


def _rng(seed: int, article: Article, purpose: str = "references") -> random.Random:
    return random.Random(f"{seed}:{article.id}:{purpose}")


def written(rng: random.Random, document: Document, *, named: bool = False) -> str:
    """The document's number as a page may write it, its kind named before it or not."""
    dash = rng.choice(_DASHES)
    slash = " / " if rng.random() < 0.05 else "/"
    digits = str(document.number) if rng.random() < 0.3 else f"{document.number:02d}"
    kind = document.kind
    if kind.party:
        symbol = f"{digits}{dash}{kind.abbreviation}{slash}{document.issuer}"
    else:
        parts = [part for part in (kind.abbreviation, document.issuer) if part]
        tail = dash.join(parts)
        symbol = slash.join([digits, *([str(document.year)] if document.year else []), tail])
    lead = kind.name if named or rng.random() < 0.85 else ""
    number_word = rng.choice(("số ", "số ", "số: ", ""))
    text = f"{lead} {number_word}{symbol}".strip() if lead else symbol
    return fold(text) if rng.random() < 0.05 else text


def cited_title(seed: int, article: Article) -> str:
    """The article's title, led by the document it cites there, if any."""
    cited = citations(seed, article).title
    if not cited:
        return article.title
    lead = _rng(seed, article, "title").choice(_TITLE_LEADS)
    return f"{lead.format(c=cited[0].written)}: {article.title}"


def cite_in_titles(seed: int, articles: list[Article], kept: set[str]) -> None:
    """Leads some titles with the document they cite; ``kept`` titles are real ones, left
    as they are. A copy keeps its original's title, which comes before it."""
    for article in articles:
        if article.original is not None:
            article.title = articles[article.original].title
        elif article.title not in kept:
            article.title = cited_title(seed, article)


def cited_body(seed: int, article: Article, body: Body) -> Body:
    """``body`` with a sentence citing each document the article cites closing one of its
    paragraphs."""
    cited = citations(seed, article).body
    paragraphs = [index for index, block in enumerate(body.blocks) if block.kind == "p"]
    if not cited or not paragraphs:
        return body
    blocks = list(body.blocks)
    rng = _rng(seed, article, "body")
    for each in cited:
        index = rng.choice(paragraphs)
        sentence = rng.choice(_BODY_SENTENCES).format(c=each.written)
        blocks[index] = Block("p", f"{blocks[index].text} {sentence}")
    return replace(body, blocks=blocks)


def attachment_documents(attachments: list[Attachment]) -> list[Cited]:
    """The documents the attachments are, by their names."""
    found = []
    for attachment in attachments:
        match = _ATTACHMENT_NAME.fullmatch(attachment.name)
        if match is None:
            continue
        kind = next(
            (k for k in KINDS if k.name == match["word"] and not k.party and k.abbreviation),
            None,
        )
        if kind is not None and match["symbol"].startswith(f"{kind.abbreviation}-"):
            issuer = match["symbol"][len(kind.abbreviation) + 1 :]
        else:
            kind, issuer = next(k for k in KINDS if k.name == "Công văn"), match["symbol"]
        document = Document(kind, int(match["number"]), None, issuer)
        found.append(Cited(document, attachment.name))
    return found


def gold_references(
    cited: list[Cited], title: str, body: list[str], documents: list[str]
) -> list[dict[str, object]]:
    """The gold of what an article cites: each document once, with every place whose final
    text (after any revision) still holds it as written."""
    texts = {"title": [title], "body": body, "document": documents}
    places: dict[str, list[str]] = {}
    by_key: dict[str, Document] = {}
    for each in cited:
        mark = reader_text(each.written)
        for place, held in texts.items():
            if any(mark in reader_text(text) for text in held):
                found = places.setdefault(each.document.key, [])
                by_key.setdefault(each.document.key, each.document)
                if place not in found:
                    found.append(place)
    order = list(texts)
    return [
        by_key[key].gold(sorted(found, key=order.index)) for key, found in places.items() if found
    ]
