"""Finding the same article twice: exact copies by body hash, near copies by SimHash.

Portals re-import each other's RSS and republish national media, so the same
story appears on several sites under different URLs, often with a shortened
body, a "Chi tiết" link or a changed lead-in. URLs are useless for this; the
normalised text is what is compared:

* ``body_hash``: SHA-256 of the body's words (NFC, case-folded; punctuation and spacing
  ignored) — the exact copy;
* ``simhash``: a 64-bit SimHash over word 3-shingles of the same text — two
  bodies within ``NEAR_DUPLICATE_BITS`` bits of each other are near copies;
* the same title, when the shorter body opens the longer one: an RSS import.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive.models import Article

SIMHASH_BITS = 64
SHINGLE_WORDS = 3
# 3 bits, as in Manku et al. (WWW 2007) for 64-bit SimHashes. On 1,000 testbed
# articles (bodies recombined from one sentence pool, so closer than real ones)
# the nearest unrelated pair is 5 bits apart; one edited sentence in a short
# article moves its SimHash by about 3 bits.
NEAR_DUPLICATE_BITS = 3
# The SimHash cut into 4 bands of 16 bits, each an indexed column: two SimHashes
# at most 3 bits apart share at least one whole band, so the candidates of a
# near-duplicate are found with 4 index lookups instead of a scan.
SIMHASH_BANDS = 4
BAND_BITS = SIMHASH_BITS // SIMHASH_BANDS
# Very short bodies (a photo caption, "Chi tiết") say too little to call a copy.
MIN_WORDS_FOR_NEAR_DUPLICATE = 40
# An RSS import of an article carries its title and at least its lead paragraph.
MIN_WORDS_FOR_LEAD_MATCH = 15

_WORD = re.compile(r"\w+")
_SIGN_BIT = 1 << (SIMHASH_BITS - 1)


def normalised_words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def body_hash(body: str) -> str:
    return hashlib.sha256(" ".join(normalised_words(body)).encode("utf-8")).hexdigest()


def simhash(body: str) -> int | None:
    """The signed 64-bit SimHash of ``body`` (signed so it fits a BIGINT), or None when the
    body is too short to compare."""
    words = normalised_words(body)
    if len(words) < MIN_WORDS_FOR_NEAR_DUPLICATE:
        return None
    hashes = (
        int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for shingle in _shingles(words)
    )
    ones, total = _ones_per_bit(hashes)
    # A bit of the SimHash is set when more shingle hashes have it set than not.
    unsigned = sum(1 << bit for bit, count in enumerate(ones) if 2 * count > total)
    return unsigned - (1 << SIMHASH_BITS) if unsigned & _SIGN_BIT else unsigned


def _ones_per_bit(values: Iterable[int]) -> tuple[list[int], int]:
    """How many of ``values`` have each of the 64 bits set, and how many values there are.

    The counts are kept as bit planes (plane k holds bit k of every position's
    count) and each value is added with a ripple carry across the planes: a
    few big-integer operations per value instead of one per bit, which makes
    SimHash about ten times faster in pure Python.
    """
    planes: list[int] = []
    total = 0
    for value in values:
        total += 1
        carry = value
        for level, plane in enumerate(planes):
            planes[level] = plane ^ carry
            carry &= plane
            if not carry:
                break
        if carry:
            planes.append(carry)
    ones = [
        sum((plane >> bit & 1) << level for level, plane in enumerate(planes))
        for bit in range(SIMHASH_BITS)
    ]
    return ones, total


def hamming_distance(first: int, second: int) -> int:
    return ((first ^ second) & ((1 << SIMHASH_BITS) - 1)).bit_count()


def is_near_duplicate(first: int | None, second: int | None) -> bool:
    if first is None or second is None:
        return False
    return hamming_distance(first, second) <= NEAR_DUPLICATE_BITS


def _shingles(words: list[str]) -> Iterable[str]:
    if len(words) <= SHINGLE_WORDS:
        yield " ".join(words)
        return
    for start in range(len(words) - SHINGLE_WORDS + 1):
        yield " ".join(words[start : start + SHINGLE_WORDS])


def _age(article: Article) -> tuple[bool, datetime, datetime, int]:
    """Sort key: the earliest published copy first, then the first seen, then the first stored."""
    published = article.published or datetime.max.replace(tzinfo=UTC)
    return (article.published is None, published, article.first_seen, article.id)


@dataclass(frozen=True)
class BodyPrints:
    """The hashes duplicates are found by, of one body; worked out wherever the body is."""

    body_hash: str
    simhash: int | None

    @classmethod
    def of(cls, body: str) -> BodyPrints:
        return cls(body_hash(body), simhash(body))


def fingerprint(article: Article, prints: BodyPrints | None = None) -> None:
    """Sets the hashes duplicates are found by: ``prints`` of the article's body, worked out
    from it unless given."""
    prints = prints or BodyPrints.of(article.body)
    article.body_hash = prints.body_hash
    article.simhash = prints.simhash
    for band, value in enumerate(simhash_bands(article.simhash)):
        setattr(article, f"simhash_band{band}", value)


def simhash_bands(value: int | None) -> tuple[int | None, ...]:
    if value is None:
        return (None,) * SIMHASH_BANDS
    unsigned = value % (1 << SIMHASH_BITS)
    mask = (1 << BAND_BITS) - 1
    return tuple(unsigned >> (BAND_BITS * band) & mask for band in range(SIMHASH_BANDS))


def group_duplicates(session: Session, article: Article) -> set[int]:
    """Points ``article`` and its copies at the earliest of them; returns the ids of the other
    articles whose original changed (their index entries are out of date).

    Everything is looked up in the database, so crawlers of several sites (or
    processes) writing at once see each other's articles.
    """
    copies = _copies(session, article)
    members = {article, *copies}
    members |= {copy.duplicate_of for copy in copies if copy.duplicate_of is not None}
    original = min(members, key=_age)
    # Copies of a copy that was taken for the original until now follow the group.
    followers = session.scalars(
        select(Article).where(
            Article.duplicate_of_id.in_([member.id for member in members]),
            Article.id.not_in([member.id for member in members]),
        )
    ).all()
    changed = set()
    for member in [*members, *followers]:
        target = None if member is original else original
        if member.duplicate_of is not target:
            member.duplicate_of = target
            changed.add(member.id)
    return changed - {article.id}


def _copies(session: Session, article: Article) -> list[Article]:
    imports = [copy for copy in _same_title(session, article) if _one_opens_other(article, copy)]
    candidates = [*_same_body(session, article), *_near(session, article), *imports]
    return list({copy.id: copy for copy in candidates}.values())


def _same_body(session: Session, article: Article) -> list[Article]:
    if article.simhash is None:  # too short to call anything a copy
        return []
    same_body = select(Article).where(
        Article.body_hash == article.body_hash, Article.id != article.id
    )
    return list(session.scalars(same_body))


def _near(session: Session, article: Article) -> list[Article]:
    if article.simhash is None:
        return []
    bands = enumerate(simhash_bands(article.simhash))
    sharing_a_band = select(Article).where(
        Article.id != article.id,
        or_(*(getattr(Article, f"simhash_band{band}") == value for band, value in bands)),
    )
    return [
        other
        for other in session.scalars(sharing_a_band)
        if is_near_duplicate(article.simhash, other.simhash)
    ]


def _same_title(session: Session, article: Article) -> list[Article]:
    """Articles with the same title: an RSS import keeps the title and the lead only, too
    little text for SimHash to see the copy."""
    if not article.title:
        return []
    return list(
        session.scalars(
            select(Article).where(Article.title == article.title, Article.id != article.id)
        )
    )


def _one_opens_other(first: Article, second: Article) -> bool:
    shorter, longer = sorted((normalised_words(first.body), normalised_words(second.body)), key=len)
    if len(shorter) < MIN_WORDS_FOR_LEAD_MATCH:
        return False
    lead = " ".join(shorter[:MIN_WORDS_FOR_LEAD_MATCH])
    return lead in " ".join(longer)
