"""The legal documents ("văn bản") an article cites, found by their numbers and normalised.

Vietnamese administrative documents carry a number and a symbol ("số, ký hiệu",
Nghị định 30/2020/NĐ-CP on clerical work): the number, the year for legal
normative documents, then the abbreviation of the kind joined by a hyphen to
that of the issuer: ``81/2004/QĐ-UB``, ``17/NQ-CP``, ``20/2018/TT-BTTTT``.
Official letters (công văn) have no kind abbreviation, only the issuer and
the drafting unit: ``1234/UBND-KT1``. Laws end with the issuing National
Assembly: ``86/2015/QH13``. Party documents put the kind before the slash:
``57-NQ/TW``. Articles write them with or without "số", with typographic
dashes and stray spaces, decomposed diacritics or none at all (``QD-UBND``).

Each citation normalises to one key per document: ASCII hyphens and slashes,
no spaces, NFC, kind abbreviations spelled as the decree spells them (``QĐ``
for ``QD``), issuers upper-case but for the conventional ``TTg``, numbers
below ten with their leading zero (``05/CT-TTg`` and ``5/CT-TTg`` are one
directive). A bare ``12/2020`` or ``3/4`` has no symbol and is no reference.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from archive.db import Archive
from archive.export import batches
from archive.models import (
    Article,
    ArticleReference,
    Attachment,
    Document,
    LegalReference,
    Site,
)

# Every kind of document with its abbreviation in the symbol (Nghị định 30/2020/NĐ-CP,
# appendix III; Luật 80/2015/QH13; the Party's Quy định 66-QĐ/TW).
KIND_NAMES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "NQLT": "Nghị quyết liên tịch",
    "QĐ": "Quyết định",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "QĐi": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "GM": "Giấy mời",
    "GUQ": "Giấy ủy quyền",
    "KL": "Kết luận",
    "PL": "Pháp lệnh",
    "L": "Lệnh",
    "VBHN": "Văn bản hợp nhất",
    "CV": "Công văn",
}
# Kinds whose symbol has no kind abbreviation.
LETTER = "CV"
LAW = "Luật"
KIND_NAMES[LAW] = LAW

# The words that name a kind before a number, each with the kind it names.
_KIND_WORDS: dict[str, str] = {
    "nghị quyết liên tịch": "NQLT",
    "nghị quyết": "NQ",
    "quyết định": "QĐ",
    "nghị định": "NĐ",
    "thông tư liên tịch": "TTLT",
    "thông tư": "TT",
    "chỉ thị": "CT",
    "quy chế": "QC",
    "quy định": "QyĐ",
    "thông cáo": "TC",
    "thông báo": "TB",
    "hướng dẫn": "HD",
    "chương trình": "CTr",
    "kế hoạch": "KH",
    "phương án": "PA",
    "đề án": "ĐA",
    "dự án": "DA",
    "báo cáo": "BC",
    "biên bản": "BB",
    "tờ trình": "TTr",
    "công điện": "CĐ",
    "giấy mời": "GM",
    "kết luận": "KL",
    "pháp lệnh": "PL",
    "văn bản hợp nhất": "VBHN",
    "công văn": LETTER,
    "văn bản": LETTER,
    "luật": LAW,
}
# Mixed-case abbreviations, by their upper-case spelling; every other one is upper-case.
_MIXED_CASE = {"TTG": "TTg", "TTR": "TTr", "CTR": "CTr", "QYĐ": "QyĐ", "QĐI": "QĐi"}
# A kind written without diacritics ("QD") is the kind it can only be; "HD" and "DA"
# are kinds of their own (Hướng dẫn, Dự án), so their accented twins need the Đ.
_UNACCENTED_KINDS = {"QD": "QĐ", "ND": "NĐ", "CD": "CĐ", "QYD": "QyĐ", "QDI": "QĐi"}

# Characters writers use for the hyphen, slash and space of a symbol, and "Ð" (U+00D0,
# the Icelandic eth) typed for "Đ"; each maps to one character so offsets are kept.
_LOOKALIKES = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
        **dict.fromkeys("\u2215\u2044\uff0f", "/"),
        **dict.fromkeys("\u00a0\u2007\u2009\u202f\u200a\t", " "),
        "\u00d0": "Đ",
    }
)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).replace("đ", "d").replace("Đ", "D")


def _word_pattern(words: Iterable[str]) -> str:
    """Any of ``words``, with or without diacritics, words separated by any spaces."""
    spellings = {spelling for word in words for spelling in (word, _folded(word))}
    longest_first = sorted(spellings, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, word.split())) for word in longest_first)


# Spaces around a symbol's slashes and hyphens, or the line break of a wrapped line.
_SPACE = r"\s{0,2}"
# An abbreviation: upper-case letters and digits, or one of the mixed-case ones.
_MIXED = "|".join(sorted({*_MIXED_CASE.values(), "QyD", "QDi"}, key=len, reverse=True))
_SEGMENT = rf"(?:{_MIXED}|[A-ZĐ][A-ZĐ0-9]*)(?![\w])"
_SEGMENTS = rf"{_SEGMENT}(?:{_SPACE}-{_SPACE}{_SEGMENT})*"


def _number(name: str) -> str:
    # Not inside a longer number, a decimal, a path or a date ("12/3/2020" holds no "3/…").
    # Some portals group thousands with a dot ("1.234/QĐ-UBND").
    return rf"(?<![\w./\\-])(?P<{name}>\d{{1,2}}\.\d{{3}}(?!\.\d)|\d{{1,5}})"


_YEAR = rf"(?:{_SPACE}/{_SPACE}(?P<year>(?:19|20)\d\d))?"
_LEAD = (
    rf"(?:(?P<word>(?i:{_word_pattern(_KIND_WORDS)}))\s+)?"
    r"(?:(?P<so>(?i:số|so))\s*:?\s*)?"
)
_STATE_SYMBOL = rf"{_number('number')}{_YEAR}{_SPACE}/{_SPACE}(?P<symbol>{_SEGMENTS})"
_PARTY_SYMBOL = (
    rf"{_number('pnumber')}{_SPACE}-{_SPACE}(?P<pkind>{_SEGMENT})"
    rf"{_SPACE}/{_SPACE}(?P<pissuer>{_SEGMENTS})"
)
_CITATION = re.compile(rf"(?<!\w){_LEAD}(?:{_STATE_SYMBOL}|{_PARTY_SYMBOL})(?![/\w]|\.\w)")
_SEPARATOR = re.compile(rf"{_SPACE}-{_SPACE}")
# The National Assembly, by term ("QH13"): the issuer of laws and of its resolutions.
_ASSEMBLY = re.compile(r"QH\d*")
# A token holding these is a URL or a file path, whose digits and slashes are no number.
_PATH_MARKS = ("://", "www.", "\\", ".gov.vn", ".vn/", ".html", ".pdf", ".doc")


@dataclass(frozen=True)
class Citation:
    """One legal document cited in a text: its normalised number and what it says of it."""

    key: str  # "81/2004/QĐ-UB"
    kind: str  # "QĐ"; "CV" for an official letter, "Luật" for a law
    kind_name: str  # "Quyết định"
    number: str  # "81"
    year: int | None
    issuer: str | None  # "UB"
    cited_as: str  # as the text writes it: "Quyết định số 81/2004/QĐ-UB"

    @property
    def folded_key(self) -> str:
        return folded_key(self.key)


def folded_key(key: str) -> str:
    """``key`` without diacritics, lower-case: what a query typed without them matches."""
    return _folded(key).lower()


def find_citations(text: str) -> list[Citation]:
    """Every legal document number in ``text``, in order of appearance, repeats included."""
    composed = unicodedata.normalize("NFC", text)
    searched = composed.translate(_LOOKALIKES)
    return [
        citation
        for match in _CITATION.finditer(searched)
        if not _inside_path(searched, match)
        and (citation := _citation(match, composed[match.start() : match.end()])) is not None
    ]


def distinct_citations(texts: Iterable[str]) -> Iterator[Citation]:
    """The first citation of each document in ``texts``, in order."""
    seen: set[str] = set()
    for text in texts:
        for citation in find_citations(text):
            if citation.key not in seen:
                seen.add(citation.key)
                yield citation


def normalised_key(text: str) -> str | None:
    """The key of the one document number ``text`` is, typed in any case ("81/2004/qd-ub");
    None if it is none."""
    typed = " ".join(text.split())
    found = find_citations(typed.upper())
    if len(found) != 1 or len(found[0].cited_as) != len(typed):
        return None
    return found[0].key


def canonical_kind(text: str) -> str:
    """A kind abbreviation as the decree spells it, however it was typed ("qd" -> "QĐ")."""
    upper = text.strip().upper().translate(_LOOKALIKES)
    return _UNACCENTED_KINDS.get(upper) or _MIXED_CASE.get(upper) or _kind_by_fold(upper)


def canonical_issuer(text: str) -> str:
    """An issuer's abbreviation upper-case, but for the conventional mixed case ("TTg")."""
    return "-".join(
        _MIXED_CASE.get(part, part)
        for part in _SEPARATOR.split(text.strip().upper().translate(_LOOKALIKES))
    )


def _kind_by_fold(upper: str) -> str:
    for kind in KIND_NAMES:
        if kind.upper() == upper:
            return kind
    return upper


def _inside_path(text: str, match: re.Match[str]) -> bool:
    start, end = match.start(), match.end()
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    token = text[start:end]
    return token.startswith("/") or any(mark in token for mark in _PATH_MARKS)


def _citation(match: re.Match[str], cited_as: str) -> Citation | None:
    word_kind = _KIND_WORDS.get(_folded_word(match["word"])) if match["word"] else None
    if match["pnumber"] is not None:
        return _party_citation(match, cited_as)
    number = _canonical_number(match["number"])
    year = int(match["year"]) if match["year"] else None
    segments = _SEPARATOR.split(match["symbol"])
    first = canonical_kind(segments[0])
    if first in KIND_NAMES and first != LAW:
        if len(segments) < 2:
            return None  # "04/2020/TT" names no issuer: a kind alone is no symbol
        issuer = canonical_issuer("-".join(segments[1:]))
        key = _state_key(number, year, f"{first}-{issuer}")
        return Citation(key, first, KIND_NAMES[first], number, year, issuer, cited_as)
    symbol = canonical_issuer("-".join(segments))
    issuer = symbol.split("-")[0]
    if len(issuer) < 2 or issuer.isdigit():
        return None
    if len(segments) == 1 and not (match["so"] or match["word"]) and year is None:
        return None  # "24/TP" alone could be anything; a letter's number is introduced
    kind = _kind_without_abbreviation(word_kind, issuer, year)
    key = _state_key(number, year, symbol)
    return Citation(key, kind, KIND_NAMES[kind], number, year, issuer, cited_as)


def _kind_without_abbreviation(word_kind: str | None, issuer: str, year: int | None) -> str:
    """What a symbol of the issuer alone is: a law or resolution of the National Assembly
    when it is that ("86/2015/QH13"), named by the word before it; otherwise a letter."""
    if _ASSEMBLY.fullmatch(issuer) and year is not None:
        # Laws are what articles cite most by such a number.
        return word_kind if word_kind in (LAW, "NQ", "PL") else LAW
    return LETTER


def _party_citation(match: re.Match[str], cited_as: str) -> Citation | None:
    kind = canonical_kind(match["pkind"])
    if kind not in KIND_NAMES or kind in (LAW, LETTER):
        return None
    number = _canonical_number(match["pnumber"])
    issuer = canonical_issuer(match["pissuer"])
    key = f"{number}-{kind}/{issuer}"
    return Citation(key, kind, KIND_NAMES[kind], number, None, issuer, cited_as)


def _state_key(number: str, year: int | None, symbol: str) -> str:
    return f"{number}/{year}/{symbol}" if year is not None else f"{number}/{symbol}"


def _canonical_number(digits: str) -> str:
    # Documents write numbers below ten with a leading zero ("05/CT-TTg"); writers drop it.
    return f"{int(digits.replace('.', '')):02d}"


def _folded_word(word: str) -> str:
    return next(
        (name for name in _KIND_WORDS if _folded(name) == _folded(" ".join(word.lower().split()))),
        "",
    )


# ----- the archive's record of them ------------------------------------------------------

# Articles relinked per transaction: a batch's texts and links are held in memory at once.
RELINK_BATCH = 500


def link_article_references(session: Session, article: Article) -> None:
    """Links ``article`` to every document its title, summary and body cite, and those
    its attachments' names and stored texts cite (place "document"), replacing the links
    of what it no longer cites. A document cited for the first time gets its row."""
    cited: dict[tuple[LegalReference, str], str] = {}
    for place, texts in _cited_texts(session, article):
        for citation in distinct_citations(texts):
            cited.setdefault((_reference(session, citation), place), citation.cited_as)
    kept = {(link.reference, link.place): link for link in article.references}
    article.references = [
        kept.get(target) or ArticleReference(reference=target[0], place=target[1])
        for target in cited
    ]
    for link in article.references:
        link.cited_as = cited[(link.reference, link.place)]


def link_document_references(session: Session, document: Document) -> int:
    """Relinks every article that attaches ``document`` (by its canonical URL), so that the
    documents its text cites are linked to them with place "document"; returns how many
    articles it relinked. Call it once the document's text is set."""
    session.flush()
    attaching = select(Attachment.article_id).where(Attachment.url == document.url)
    articles = session.scalars(select(Article).where(Article.id.in_(attaching))).all()
    for article in articles:
        link_article_references(session, article)
    return len(articles)


def _cited_texts(session: Session, article: Article) -> list[tuple[str, list[str]]]:
    """The texts of each place an article may cite documents in."""
    urls = [attachment.url for attachment in article.attachments]
    stored = session.scalars(
        select(Document.text).where(Document.url.in_(urls), Document.text.is_not(None))
    ).all()
    names = [attachment.name for attachment in article.attachments if attachment.name]
    return [
        ("title", [article.title or ""]),
        ("body", [article.summary or "", article.body or ""]),
        ("document", [*names, *stored]),
    ]


def _reference(session: Session, citation: Citation) -> LegalReference:
    """The archive's row for the cited document: the one with its folded key (the same
    number typed with or without diacritics), else a new one."""
    folded = citation.folded_key
    found = session.scalars(
        select(LegalReference).where(LegalReference.folded_key == folded)
    ).first()
    if found is not None:
        return found
    reference = LegalReference(
        key=citation.key,
        folded_key=folded,
        kind=citation.kind,
        kind_name=citation.kind_name,
        number=citation.number,
        year=citation.year,
        issuer=citation.issuer,
    )
    session.add(reference)
    return reference


@dataclass(frozen=True)
class CitingArticle:
    """An article that cites a document, with where and how."""

    article_id: int
    url: str
    title: str | None
    site_key: str
    site_name: str
    published: datetime | None
    places: tuple[str, ...]  # "title", "body", "document"
    cited_as: str | None  # as the first of those places writes it


@dataclass(frozen=True)
class CitedDocument:
    """A document some articles cite, and how many."""

    reference: LegalReference
    articles: int


def find_reference(session: Session, text: str) -> LegalReference | None:
    """The archive's row for the document numbered ``text``, typed in any case, with or
    without diacritics ("81/2004/qd-ub"); None if no article cites it."""
    key = normalised_key(text) or text.strip()
    exact = session.scalars(select(LegalReference).where(LegalReference.key == key)).first()
    if exact is not None:
        return exact
    by_fold = select(LegalReference).where(LegalReference.folded_key == folded_key(key))
    return session.scalars(by_fold.order_by(LegalReference.id)).first()


def citing_articles(session: Session, reference: LegalReference) -> list[CitingArticle]:
    """The articles citing ``reference``, oldest first (undated last)."""
    rows = session.execute(
        select(Article, Site.name, ArticleReference.place, ArticleReference.cited_as)
        .join(Site, Article.site_id == Site.id)
        .join(ArticleReference, ArticleReference.article_id == Article.id)
        .where(ArticleReference.reference_id == reference.id)
        .order_by(Article.published.is_(None), Article.published, Article.id, ArticleReference.id)
    )
    by_article: dict[int, CitingArticle] = {}
    for article, site_name, place, cited_as in rows:
        known = by_article.get(article.id)
        if known is None:
            by_article[article.id] = CitingArticle(
                article.id,
                article.url,
                article.title,
                article.site_key,
                site_name,
                article.published,
                (place,),
                cited_as,
            )
        else:
            by_article[article.id] = replace(known, places=(*known.places, place))
    return list(by_article.values())


def cited_documents(
    session: Session,
    *,
    kind: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
) -> list[CitedDocument]:
    """Every document the archive's articles cite, of that kind, issuer and year when given,
    most cited first."""
    articles = func.count(func.distinct(ArticleReference.article_id))
    statement: Select[tuple[LegalReference, int]] = (
        select(LegalReference, articles)
        .join(ArticleReference, ArticleReference.reference_id == LegalReference.id)
        .group_by(LegalReference.id)
        .order_by(articles.desc(), LegalReference.key)
    )
    if kind:
        statement = statement.where(LegalReference.kind == canonical_kind(kind))
    if issuer:
        statement = statement.where(LegalReference.issuer == canonical_issuer(issuer))
    if year is not None:
        statement = statement.where(LegalReference.year == year)
    return [CitedDocument(reference, count) for reference, count in session.execute(statement)]


def relink_archive(archive: Archive) -> int:
    """Links every article of ``archive`` afresh, a batch per transaction (an archive made
    before references were recorded, or by an older recogniser); returns how many."""
    with archive.sessions() as session:
        ids = session.scalars(select(Article.id).order_by(Article.id)).all()
    for batch in batches(ids, RELINK_BATCH):
        with archive.session() as session:
            statement = select(Article).where(Article.id.in_(batch))
            loaded = statement.options(
                selectinload(Article.references), selectinload(Article.attachments)
            )
            for article in session.scalars(loaded):
                link_article_references(session, article)
    return len(ids)
