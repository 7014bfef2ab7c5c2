"""Vietnamese text analysis for the index.

Vietnamese writes one syllable per space-separated word, so a word tokenizer
on Unicode word characters is the right segmentation for full-text search;
phrase queries recover multi-syllable words ("thông tin"). There are no stop
words: English stop lists would delete real syllables ("an", "to", "can", "a").

Two analyses exist side by side. The exact one keeps diacritics so that an
accented query can prefer accented matches; the folded one strips them so that
researchers typing without diacritics ("thong tin") still find "thông tin".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, Token

# Runs of word characters: "Covid-19" gives "covid" and "19", "4.0" gives "4"
# and "0". The schema turns such a query word back into a phrase, so
# "Covid-19" still means the two tokens side by side.
_WORD = re.compile(r"\w+")

# "đ" is a separate letter, not "d" plus a combining mark, so NFD leaves it alone.
_STROKE_D = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """``text`` without diacritics: "Đường Hồ Chí Minh" -> "Duong Ho Chi Minh"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return nfc(bare.translate(_STROKE_D))


# Indexing folds every token of every body; Vietnamese has a few thousand
# distinct syllables, so caching per token turns that into dictionary lookups.
_fold_token = lru_cache(maxsize=65536)(fold)


class NfcWordTokenizer(RegexTokenizer):
    """Word tokens of the NFC form of the input.

    NFD input must give the same tokens as NFC input, otherwise a page a
    publisher emitted in NFD would be unfindable. Character offsets refer to
    the NFC text, which is what the index stores.
    """

    def __init__(self) -> None:
        super().__init__(expression=_WORD)

    def __call__(self, value: str, **kwargs: object) -> Iterator[Token]:  # type: ignore[override]
        return super().__call__(nfc(value), **kwargs)


class FoldFilter(Filter):
    """Replace each token's text with its diacritic-free form."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = _fold_token(token.text)
            yield token


def exact_analyzer() -> Analyzer:
    """Lowercased word tokens with their diacritics."""
    return NfcWordTokenizer() | LowercaseFilter()


def folded_analyzer() -> Analyzer:
    """Lowercased word tokens without diacritics ("Đặng" -> "dang")."""
    return exact_analyzer() | FoldFilter()


def folded_keyword_analyzer() -> Analyzer:
    """The whole value as one lowercased, folded token, for exact-value filters."""
    return _WholeValueTokenizer() | LowercaseFilter() | FoldFilter()


class _WholeValueTokenizer(RegexTokenizer):
    """The whole NFC value, whitespace-collapsed, as a single token."""

    def __init__(self) -> None:
        super().__init__(expression=re.compile(r".+", re.DOTALL))

    def __call__(self, value: str, **kwargs: object) -> Iterator[Token]:  # type: ignore[override]
        return super().__call__(" ".join(nfc(value).split()), **kwargs)
