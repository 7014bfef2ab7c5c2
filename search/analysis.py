"""Vietnamese text analysis for the index.

Vietnamese writes one syllable per space-separated word, so a word tokenizer
on Unicode word characters is the right segmentation for full-text search;
phrase queries recover multi-syllable words ("thông tin"). There are no stop
words: English stop lists would delete real syllables ("an", "to", "can", "a").

Two analyses exist side by side. The exact one keeps diacritics so that an
accented query can prefer accented matches; the folded one strips them so that
researchers typing without diacritics ("thong tin") still find "thông tin".

Both read the same word however it was typed: NFD input is composed (NFC),
and the tone mark of "oa", "oe" and "uy" ending a syllable goes on the first
vowel whichever convention the writer followed ("hoà" and "hòa", "thuỷ" and
"thủy", "uỳ" and "ùy" are one word each).
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


# The five tone marks, as combining characters after NFD.
_TONE = "[\u0300\u0301\u0303\u0309\u0323]"
# A tone on the second vowel of a syllable-final "oa", "oe" or "uy" (the newer
# convention); "qu" is a consonant, so the tone of "quý" is on "y" in both.
_TONE_ON_SECOND_VOWEL = re.compile(rf"(?<!q)(o)([ae])({_TONE})(?!\w)|(?<!q)(u)(y)({_TONE})(?!\w)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def canonical_tones(word: str) -> str:
    """The lowercase ``word`` with the older tone placement: "hoà" -> "hòa", "thuỷ" -> "thủy".

    The older placement is the one government documents mostly use, so the
    index's words stay the ones its texts show.
    """
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return nfc(_TONE_ON_SECOND_VOWEL.sub(_tone_on_first_vowel, decomposed))


def _tone_on_first_vowel(match: re.Match[str]) -> str:
    first, second, tone = (group for group in match.groups() if group is not None)
    return f"{first}{tone}{second}"


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
_canonical_token = lru_cache(maxsize=65536)(canonical_tones)


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


class CanonicalTonesFilter(Filter):
    """Put each lowercase token's tone mark where :func:`canonical_tones` puts it."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = _canonical_token(token.text)
            yield token


def exact_analyzer() -> Analyzer:
    """Lowercased word tokens with their diacritics, tone marks placed one way."""
    return NfcWordTokenizer() | LowercaseFilter() | CanonicalTonesFilter()


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
