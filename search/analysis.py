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

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, Token, Tokenizer

# Runs of word characters: "Covid-19" gives "covid" and "19", "4.0" gives "4"
# and "0". The schema turns such a query word back into a phrase, so
# "Covid-19" still means the two tokens side by side.
_WORD = re.compile(r"\w+")
# The whole value as one token, when a field asks not to tokenize.
_ANYTHING = re.compile(r".*", re.DOTALL)

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


# Indexing reads every word of every body; Vietnamese has a few thousand
# distinct syllables, so caching per word turns the analysis into dictionary
# lookups.
_fold_token = lru_cache(maxsize=65536)(fold)


@lru_cache(maxsize=65536)
def _index_word(word: str) -> str:
    return canonical_tones(word.lower())


@lru_cache(maxsize=65536)
def _folded_word(word: str) -> str:
    return _fold_token(_index_word(word))


def word_spans(text: str, *, folded: bool) -> list[tuple[str, int, int]]:
    """The words of the NFC ``text`` as the exact (or folded) analysis spells them, with
    where each starts and ends: the analysis without its token objects, for marking
    matches in stored text."""
    spell = _folded_word if folded else _index_word
    return [(spell(match.group()), match.start(), match.end()) for match in _WORD.finditer(text)]


def _letters_by_fold() -> dict[str, tuple[str, ...]]:
    letters: dict[str, list[str]] = {}
    for code in [*range(ord("a"), ord("z") + 1), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        if letter.islower() and len(folded := fold(letter)) == 1:
            letters.setdefault(folded, []).append(letter)
    return {folded: tuple(spelled) for folded, spelled in letters.items()}


# Every lowercase letter that folds to each letter: "a" to "aàáảãạăắ…", "d" to "dđ…".
LETTERS_BY_FOLD = _letters_by_fold()


@lru_cache(maxsize=1024)
def folded_words_pattern(phrases: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """A regular expression for any of ``phrases`` (folded words side by side) in NFC
    text however it is accented or cased: regular expressions search a body in
    microseconds, where analysing its words takes milliseconds."""
    alternatives = [r"\W+".join(map(_folded_word_pattern, words)) for words in phrases]
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def _folded_word_pattern(word: str) -> str:
    return "".join(
        f"[{''.join(LETTERS_BY_FOLD[letter])}]" if letter in LETTERS_BY_FOLD else re.escape(letter)
        for letter in word
    )


# Marks the exact spelling among the folded words of a field that holds both
# ("tinh" and "=tỉnh"); a word never starts with it, as words are runs of \w.
EXACT_MARK = "="


class WordTokenizer(Tokenizer):
    """Lowercased word tokens of the NFC form of the input, tone marks placed one way.

    NFD input must give the same tokens as NFC input, otherwise a page a
    publisher emitted in NFD would be unfindable. Character offsets refer to
    the NFC text, which is what the index stores. One pass does what a
    tokenizer and two filters would: this runs over every word indexed.
    """

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        text = nfc(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = _WORD.finditer(text) if tokenize else [_ANYTHING.fullmatch(text)]
        for pos, match in enumerate(matches, start_pos):
            word = match.group()
            token.text = _index_word(word)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class FoldFilter(Filter):
    """Replace each token's text with its diacritic-free form."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = _fold_token(token.text)
            yield token


class FoldedAndExactFilter(Filter):
    """Each token folded and, when indexing, again as spelled, marked with :data:`EXACT_MARK`.

    A field without positions that holds both answers a folded word and an
    exact one from a single posting list each, which is what fast searches of
    plain words read; phrases are matched on the exact fields, which keep
    positions. Queries analyse to the folded word alone.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            exact = token.text
            token.text = _fold_token(exact)
            yield token
            if token.mode == "index":
                token.text = EXACT_MARK + exact
                yield token


def exact_analyzer() -> Analyzer:
    """Lowercased word tokens with their diacritics, tone marks placed one way."""
    return WordTokenizer()


def folded_analyzer() -> Analyzer:
    """Lowercased word tokens without diacritics ("Đặng" -> "dang")."""
    return WordTokenizer() | FoldFilter()


def folded_and_exact_analyzer() -> Analyzer:
    """Folded word tokens, each followed in the index by its exact spelling (see
    :class:`FoldedAndExactFilter`)."""
    return WordTokenizer() | FoldedAndExactFilter()


def folded_keyword_analyzer() -> Analyzer:
    """The whole value as one lowercased, folded token, for exact-value filters."""
    return _WholeValueTokenizer() | LowercaseFilter() | FoldFilter()


class _WholeValueTokenizer(RegexTokenizer):
    """The whole NFC value, whitespace-collapsed, as a single token."""

    def __init__(self) -> None:
        super().__init__(expression=re.compile(r".+", re.DOTALL))

    def __call__(self, value: str, **kwargs: object) -> Iterator[Token]:  # type: ignore[override]
        return super().__call__(" ".join(nfc(value).split()), **kwargs)
