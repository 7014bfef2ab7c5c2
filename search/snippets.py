"""Snippets and titles with the query's words marked.

Snippets are the passages of an article richest in the query's words. A
phrase is marked where its words stand side by side, not word by word
elsewhere; exact-mode marks only the words spelled as typed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any, Literal

from whoosh.analysis import Token
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    Formatter,
    Fragmenter,
    WholeFragmenter,
    get_text,
    top_fragments,
)

from search.analysis import fold, folded_words_pattern, nfc, word_spans

SnippetFormat = Literal["text", "html"]

# Plain text marks matches the way Markdown shows emphasis; HTML uses <mark>.
_MARKERS: dict[str, tuple[str, str]] = {"text": ("**", "**"), "html": ("<mark>", "</mark>")}
SNIPPET_CHARS = 240
_SNIPPET_CONTEXT_CHARS = 80
_SNIPPET_FRAGMENTS = 2
# A snippet is chosen among the passages holding the first marked words of a text: enough
# for its two fragments to be the densest, without analysing every word of a long body.
_MARKS_READ = 6
_PASSAGE_CHARS = 500
_ELLIPSIS = " … "


@dataclass(frozen=True)
class Marks:
    """What to mark: single words, phrases (word tuples), as the exact or the folded analysis
    spells them."""

    words: frozenset[str]
    phrases: frozenset[tuple[str, ...]] = frozenset()
    exact: bool = False


def snippet(text: str, marks: Marks, snippet_format: SnippetFormat = "text") -> str:
    """The passages of ``text`` richest in the marked words, with those words marked.

    Outside exact mode matching compares folded words, so an unaccented query
    still marks the accented words of the original text.
    """
    return marked_snippet(text, marks, snippet_format) or lead_snippet(text, snippet_format)


def marked_snippet(text: str, marks: Marks, snippet_format: SnippetFormat = "text") -> str:
    """The passages of ``text`` richest in the marked words, as :func:`snippet` makes them;
    empty if ``text`` holds none of them."""
    formatter = _MarkFormatter(snippet_format)
    fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=_SNIPPET_CONTEXT_CHARS)
    return _one_line(_marked(text, marks, fragmenter, formatter, top=_SNIPPET_FRAGMENTS))


def marks_held(text: str, marks: Marks) -> int:
    """How many of the marked words and phrases ``text`` holds, however it accents them:
    which of several texts a snippet is best taken from."""
    wanted = [(fold(word),) for word in marks.words]
    wanted += [tuple(fold(word) for word in phrase) for phrase in marks.phrases]
    return sum(folded_words_pattern((words,)).search(text) is not None for words in wanted)


def lead_snippet(text: str, snippet_format: SnippetFormat = "text") -> str:
    """The opening of ``text``, escaped for ``snippet_format``: the snippet of a hit whose
    text holds none of the marked words."""
    return _MarkFormatter(snippet_format).escape(_lead(text))


def title_snippet(title: str, marks: Marks, snippet_format: SnippetFormat = "text") -> str:
    """The whole ``title``, escaped for ``snippet_format``, with the marked words marked."""
    formatter = _MarkFormatter(snippet_format)
    return _marked(title, marks, WholeFragmenter(), formatter, top=1) or formatter.escape(title)


def _marked(
    text: str, marks: Marks, fragmenter: Fragmenter, formatter: Formatter, *, top: int
) -> str:
    tokens = _matched_tokens(text, marks)
    fragments = fragmenter.fragment_tokens(text, iter(tokens))
    best = top_fragments(fragments, top, BasicFragmentScorer(), FIRST, minscore=1)
    return formatter(text, best)


def _matched_tokens(text: str, marks: Marks) -> list[Token]:
    """The tokens a fragment can hold: the marked ones and their neighbours.

    A body has hundreds of words and a snippet a few dozen; the fragmenter only
    looks a fragment's length around the marked words, so the rest of the text
    is never made into tokens.
    """
    spans = _leading_spans(nfc(text), marks)
    matched = [word in marks.words for word, _start, _end in spans]
    for position, length in _phrase_occurrences([word for word, *_ in spans], marks.phrases):
        matched[position : position + length] = [True] * length
    marked_at = [start for (_word, start, _end), hit in zip(spans, matched, strict=True) if hit]
    return [
        _token(word, start, end, hit)
        for (word, start, end), hit in zip(spans, matched, strict=True)
        if _within(start, marked_at, SNIPPET_CHARS)
    ]


def _leading_spans(text: str, marks: Marks) -> list[tuple[str, int, int]]:
    """The words of ``text`` up to the end of the passage holding its first
    :data:`_MARKS_READ` marked words (all of it if it has fewer): the snippet is chosen
    among them, as a search engine bounds the text it analyses."""
    spans: list[tuple[str, int, int]] = []
    marked = 0
    start = 0
    while start < len(text) and marked < _MARKS_READ:
        end = _passage_end(text, start)
        passage = word_spans(text[start:end], folded=not marks.exact)
        spans.extend((word, start + first, start + last) for word, first, last in passage)
        marked += sum(word in marks.words for word, _first, _last in passage)
        start = end
    return spans


def _passage_end(text: str, start: int) -> int:
    """Where the passage from ``start`` ends: :data:`_PASSAGE_CHARS` on, at a space."""
    end = start + _PASSAGE_CHARS
    if end >= len(text):
        return len(text)
    space = text.find(" ", end)
    return len(text) if space < 0 else space


def _within(position: int, marked_at: list[int], reach: int) -> bool:
    """Whether a marked word starts within ``reach`` characters of ``position``
    (``marked_at`` is in ascending order)."""
    index = bisect.bisect_left(marked_at, position - reach)
    return index < len(marked_at) and marked_at[index] <= position + reach


def _token(text: str, start: int, end: int, matched: bool) -> Token:
    token = Token(chars=True)
    token.text, token.startchar, token.endchar, token.matched = text, start, end, matched
    return token


def _phrase_occurrences(
    words: list[str], phrases: Iterable[tuple[str, ...]]
) -> Iterable[tuple[int, int]]:
    """(position, length) of every occurrence of each phrase in ``words``."""
    for phrase in phrases:
        length = len(phrase)
        for position in range(len(words) - length + 1):
            if tuple(words[position : position + length]) == phrase:
                yield position, length


class _MarkFormatter(Formatter):
    between = _ELLIPSIS

    def __init__(self, snippet_format: SnippetFormat) -> None:
        if snippet_format not in _MARKERS:
            raise ValueError(f"snippet_format is 'text' or 'html', not {snippet_format!r}")
        self.open_mark, self.close_mark = _MARKERS[snippet_format]
        self.escape = _html_text if snippet_format == "html" else _plain_text

    def _text(self, text: str) -> str:
        return self.escape(text)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        word = self.escape(get_text(text, token, replace))
        return f"{self.open_mark}{word}{self.close_mark}"


def _html_text(text: str) -> str:
    return html_escape(text, quote=False)


def _plain_text(text: str) -> str:
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lead(text: str) -> str:
    """The opening of ``text``, cut at a word boundary, for hits with no body match."""
    flat = _one_line(text)
    if len(flat) <= SNIPPET_CHARS:
        return flat
    return flat[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
