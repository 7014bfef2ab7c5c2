"""Queries of plain words, answered from whole posting lists as arrays.

Most searches are a few words typed as they come ("chuyển đổi số", "ha tinh").
Whoosh's matchers score them a posting at a time, a few microseconds each, so
a word in most of 100,000 articles took a second. Here each word's postings
are read a block at a time from the folded fields (which hold every word
folded and as spelled, see :mod:`search.schema`), scored with the same BM25F
and field weights as the query parser's path, and combined with array
operations. What the parser would do differently it does here too: every word
is required; a query typed with diacritics gives each word spelled exactly as
typed :data:`~search.parsing.EXACT_WORD_BONUS`; exact mode reads exact
spellings only; the words in the order typed earn a phrase bonus, checked on
the stored text of the best matches only, as a rescoring step.

Words beside ``ref:`` numbers (``ref:17/NQ-CP giáo dục``) are answered here too, among
the articles citing those documents. Any other query (phrases, operators, fields,
prefixes, a word that is several tokens like "Covid-19") goes through Whoosh's own
matchers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from archive.references import folded_key, normalised_key
from search import whoosh_compat
from search.analysis import EXACT_MARK, exact_analyzer, fold, folded_words_pattern, nfc
from search.parsing import EXACT_WORD_BONUS, MAX_PHRASE_BOOST_WORDS, is_plain_words
from search.schema import (
    BODY_BOOST,
    BODY_FOLDED_BOOST,
    DOCUMENTS_BOOST,
    DOCUMENTS_FOLDED_BOOST,
    POSITIONS_OF_FOLDED,
    TITLE_BOOST,
    TITLE_FOLDED_BOOST,
)

# Whoosh's BM25F defaults, so both paths rank alike.
_B = 0.75
_K1 = 1.2
# How many of the best matches the phrase bonus looks at: three pages' worth.
RESCORE_WINDOW = 30
_EXACT_ANALYZER = exact_analyzer()
# What a folded field contributes per word: (its folded word, its exact word) weights.
_FIELD_WEIGHTS = {
    "title_folded": (TITLE_FOLDED_BOOST, TITLE_BOOST),
    "body_folded": (BODY_FOLDED_BOOST, BODY_BOOST),
    "documents_folded": (DOCUMENTS_FOLDED_BOOST, DOCUMENTS_BOOST),
}
# The fields whose words in the order typed earn the phrase bonus: those the index stores
# as one text (an article's documents are stored one by one).
_IN_ORDER_FIELDS = ("title_folded", "body_folded")
_REFERENCE_PREFIX = "ref:"


@dataclass(frozen=True)
class PlainWords:
    """A query of plain words: each word's exact spelling (as the index writes it)."""

    words: tuple[str, ...]
    exact: bool  # only the exact spellings match
    exact_bonus: bool  # exact spellings rank first (the query was typed with diacritics)
    # Folded numbers of legal documents every match cites (``ref:17/NQ-CP giáo dục``).
    references: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, *, exact: bool) -> PlainWords | None:
        """The plain words of ``text``, or None if it needs the query parser."""
        references, text = _references_and_words(text)
        if references is None or not is_plain_words(text):
            return None
        words = []
        for typed in text.split():
            tokens = [token.text for token in _EXACT_ANALYZER(typed)]
            if len(tokens) > 1:
                return None  # several tokens side by side: a phrase
            words.extend(tokens)
        if not words:
            return None
        exact_bonus = not exact and fold(text) != text
        return cls(tuple(words), exact=exact, exact_bonus=exact_bonus, references=references)


def _references_and_words(text: str) -> tuple[tuple[str, ...] | None, str]:
    """The folded document numbers of the ``ref:`` words of ``text`` and its other words;
    None for the numbers if one is no number (the query parser says why)."""
    references, words = [], []
    for typed in text.split():
        if not typed.startswith(_REFERENCE_PREFIX):
            words.append(typed)
        elif (key := normalised_key(typed.removeprefix(_REFERENCE_PREFIX))) is not None:
            references.append(folded_key(key))
        else:
            return None, text
    return tuple(references), " ".join(words)


@dataclass(frozen=True)
class Matches:
    """The documents a query matched (global document numbers) and their scores."""

    docnums: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docnums)

    def without(self, excluded: np.ndarray) -> Matches:
        """These matches but for the documents of the mask ``excluded`` (by docnum)."""
        keep = ~excluded[self.docnums]
        return Matches(self.docnums[keep], self.scores[keep])


def matches(
    searcher: Searcher, query: PlainWords, allowed: np.ndarray | None, deadline: float | None
) -> tuple[Matches, bool]:
    """The documents of ``searcher`` that ``query`` matches, scored, only those of the mask
    ``allowed`` (by global docnum) if given; and whether the search stopped at ``deadline``
    (a ``time.monotonic()``), with the matches of the segments read until then."""
    stats = _Statistics(searcher)
    parts = [NO_MATCHES]
    timed_out = False
    for leaf, offset in searcher.leaf_searchers():
        segment = _segment_matches(leaf, query, stats, deadline)
        if segment is None:
            timed_out = True
            break
        parts.append(Matches(segment.docnums + offset, segment.scores))
    found = Matches(
        np.concatenate([part.docnums for part in parts]),
        np.concatenate([part.scores for part in parts]),
    )
    if allowed is not None:
        found = found.without(~allowed)
    if query.references:
        found = found.without(~_citing(searcher, query.references))
    return found, timed_out


def _citing(searcher: Searcher, references: tuple[str, ...]) -> np.ndarray:
    """A mask of the documents citing every one of ``references`` (folded numbers)."""
    citing = np.zeros(searcher.doc_count_all(), dtype=bool)
    every = wq.And([wq.Term("refs", key) for key in references])
    citing[np.fromiter(searcher.docs_for_query(every), dtype=np.int64)] = True
    return citing


NO_MATCHES = Matches(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def rescore_in_order(searcher: Searcher, query: PlainWords, found: Matches) -> Matches:
    """``found`` with a phrase bonus for the best :data:`RESCORE_WINDOW` matches whose title
    or body has the words in the order typed (folded)."""
    if not 2 <= len(query.words) <= MAX_PHRASE_BOOST_WORDS or not len(found):
        return found
    folded = [fold(word) for word in query.words]
    in_order = folded_words_pattern((tuple(folded),))
    stats = _Statistics(searcher)
    bonus = {
        fieldname: _FIELD_WEIGHTS[fieldname][0] * sum(stats.idf(fieldname, word) for word in folded)
        for fieldname in _IN_ORDER_FIELDS
    }
    scores = found.scores.copy()
    for position in _best(found, RESCORE_WINDOW):
        stored = searcher.stored_fields(int(found.docnums[position]))
        for fieldname, field_bonus in bonus.items():
            if in_order.search(nfc(stored.get(POSITIONS_OF_FOLDED[fieldname]) or "")):
                scores[position] += field_bonus
    return Matches(found.docnums, scores)


def _best(found: Matches, count: int) -> np.ndarray:
    """Positions in ``found`` of its ``count`` best scores."""
    if len(found) <= count:
        return np.arange(len(found))
    return np.argpartition(-found.scores, count - 1)[:count]


class _Statistics:
    """The index-wide figures BM25F weighs a word with, as Whoosh computes them."""

    def __init__(self, searcher: Searcher) -> None:
        self._searcher = searcher
        self._documents = searcher.doc_count_all()
        self._average_lengths = {
            fieldname: searcher.avg_field_length(fieldname) or 1.0 for fieldname in _FIELD_WEIGHTS
        }

    def idf(self, fieldname: str, text: str) -> float:
        frequency = self._searcher.doc_frequency(fieldname, text)
        return math.log(self._documents / (frequency + 1)) + 1

    def average_length(self, fieldname: str) -> float:
        return self._average_lengths[fieldname]


def _segment_matches(
    leaf: Searcher, query: PlainWords, stats: _Statistics, deadline: float | None
) -> Matches | None:
    """The segment's matches, or None if ``deadline`` passed before they were all read."""
    reader = leaf.reader()
    size = reader.doc_count_all()
    lengths = {
        fieldname: whoosh_compat.field_lengths(reader, fieldname) for fieldname in _FIELD_WEIGHTS
    }
    required = np.ones(size, dtype=bool)
    scores = np.zeros(size, dtype=np.float64)
    for word in query.words:
        if deadline is not None and time.monotonic() > deadline:
            return None
        matched = np.zeros(size, dtype=bool)
        exact_spelling = np.zeros(size, dtype=bool)
        for fieldname, (folded_weight, exact_weight) in _FIELD_WEIGHTS.items():
            terms = [(EXACT_MARK + word, exact_weight)]
            if not query.exact:
                terms.append((fold(word), folded_weight))
            for text, weight in terms:
                ids, frequencies = whoosh_compat.postings(reader, fieldname, text)
                scores[ids] += weight * _bm25(
                    stats.idf(fieldname, text),
                    frequencies,
                    lengths[fieldname][ids],
                    stats.average_length(fieldname),
                )
                matched[ids] = True
                if text[0] == EXACT_MARK:
                    exact_spelling[ids] = True
        required &= matched
        if not required.any():
            break  # no document of the segment has every word so far
        if query.exact_bonus:
            scores += EXACT_WORD_BONUS * exact_spelling
    live = whoosh_compat.live_documents(reader)
    if live is not None:
        required &= live
    docnums = np.flatnonzero(required)
    return Matches(docnums, scores[docnums])


def _bm25(
    idf: float, frequencies: np.ndarray, lengths: np.ndarray, average_length: float
) -> np.ndarray:
    norm = _K1 * ((1 - _B) + _B * lengths / average_length)
    return idf * (frequencies * (_K1 + 1)) / (frequencies + norm)
