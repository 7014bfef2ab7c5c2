"""Snippets: the passages of an article richest in the query's words, with them marked."""

from __future__ import annotations

from html import escape as html_escape
from typing import Any, Literal

from whoosh.highlight import ContextFragmenter, Formatter, get_text, highlight

from search.analysis import folded_analyzer

SnippetFormat = Literal["text", "html"]

# Plain text marks matches the way Markdown shows emphasis; HTML uses <mark>.
_MARKERS: dict[str, tuple[str, str]] = {"text": ("**", "**"), "html": ("<mark>", "</mark>")}
SNIPPET_CHARS = 240
_SNIPPET_CONTEXT_CHARS = 80
_SNIPPET_FRAGMENTS = 2
_ELLIPSIS = " … "


def snippet(text: str, terms: frozenset[str], snippet_format: SnippetFormat = "text") -> str:
    """The passages of ``text`` richest in ``terms``, with those words marked.

    Matching compares folded words, so an unaccented query still marks the
    accented words of the original text.
    """
    formatter = _MarkFormatter(snippet_format)
    excerpt = highlight(
        text,
        terms,
        _SNIPPET_ANALYZER,
        ContextFragmenter(maxchars=SNIPPET_CHARS, surround=_SNIPPET_CONTEXT_CHARS),
        formatter,
        top=_SNIPPET_FRAGMENTS,
    )
    return _one_line(excerpt) or formatter.escape(_lead(text))


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


_SNIPPET_ANALYZER = folded_analyzer()


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
