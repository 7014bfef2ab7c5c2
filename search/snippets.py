"""Snippets and titles with the query's words marked.

Snippets are the passages of an article richest in the query's words. A
phrase is marked where its words stand side by side, not word by word
elsewhere; exact-mode marks only the words spelled as typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any, Literal

from whoosh.analysis import Analyzer, Token
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

from search.analysis import exact_analyzer, folded_analyzer

SnippetFormat = Literal["text", "html"]

# Plain text marks matches the way Markdown shows emphasis; HTML uses <mark>.
_MARKERS: dict[str, tuple[str, str]] = {"text": ("**", "**"), "html": ("<mark>", "</mark>")}
SNIPPET_CHARS = 240
_SNIPPET_CONTEXT_CHARS = 80
_SNIPPET_FRAGMENTS = 2
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
    formatter = _MarkFormatter(snippet_format)
    fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=_SNIPPET_CONTEXT_CHARS)
    excerpt = _marked(text, marks, fragmenter, formatter, top=_SNIPPET_FRAGMENTS)
    return _one_line(excerpt) or formatter.escape(_lead(text))


def title_snippet(title: str, marks: Marks, snippet_format: SnippetFormat = "text") -> str:
    """The whole ``title``, escaped for ``snippet_format``, with the marked words marked."""
    formatter = _MarkFormatter(snippet_format)
    return _marked(title, marks, WholeFragmenter(), formatter, top=1) or formatter.escape(title)


def _marked(
    text: str, marks: Marks, fragmenter: Fragmenter, formatter: Formatter, *, top: int
) -> str:
    analyzer = _EXACT_ANALYZER if marks.exact else _FOLDED_ANALYZER
    tokens = _matched_tokens(analyzer, text, marks)
    fragments = fragmenter.fragment_tokens(text, iter(tokens))
    best = top_fragments(fragments, top, BasicFragmentScorer(), FIRST, minscore=1)
    return formatter(text, best)


def _matched_tokens(analyzer: Analyzer, text: str, marks: Marks) -> list[Token]:
    # The analyzer reuses one Token object; phrases need to look ahead, so keep copies.
    tokens = [token.copy() for token in analyzer(text, chars=True, mode="query")]
    words = [token.text for token in tokens]
    for token in tokens:
        token.matched = token.text in marks.words
    for position, length in _phrase_occurrences(words, marks.phrases):
        for token in tokens[position : position + length]:
            token.matched = True
    return tokens


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


_EXACT_ANALYZER = exact_analyzer()
_FOLDED_ANALYZER = folded_analyzer()


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
