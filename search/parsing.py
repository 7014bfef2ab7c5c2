"""Reading a researcher's query: the query language, its limits, and the words to mark.

Query language: words (all required), "double-quoted phrases", ``OR``,
``NOT`` / ``-word``, ``+word``, parentheses, ``prefix*`` and ``word^2``. Every
word is looked up with and without diacritics (see ``search.schema``), so
``dau an`` finds "Dấu ấn" while ``dấu ấn`` ranks the exact spelling first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import (
    EveryPlugin,
    FieldsPlugin,
    MultifieldParser,
    PrefixPlugin,
    RangePlugin,
    SingleQuotePlugin,
    WildcardPlugin,
)
from whoosh.reading import IndexReader

from search.analysis import fold, folded_analyzer
from search.errors import EmptyQueryError, QueryError
from search.schema import QUERY_FIELD_BOOSTS

# A query is typed, or pasted from a headline or a paragraph; parsing and matching grow with
# its words, and a pasted page took minutes. The command line and the web interface share these.
MAX_QUERY_CHARS = 1000
MAX_QUERY_WORDS = 64

# Wildcards would turn a trailing "?" ("là gì?") into "any one letter", and
# field syntax would read "Ghi chú:" as a field name; prefixes stay useful.
_REMOVED_PLUGINS = (FieldsPlugin, WildcardPlugin, RangePlugin, SingleQuotePlugin, EveryPlugin)
# Words without query syntax (quotes, operators, prefixes, boosts, grouping).
_PLAIN_WORDS = re.compile(r"(?!.*\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b)[^\"()*^+\-]+")


def check_query_text(text: str) -> None:
    """Refuses an empty or an overlong query before any index is opened."""
    if not text or not text.strip():
        raise EmptyQueryError("the search query is empty: type at least one word")
    words = len(text.split())
    if len(text) > MAX_QUERY_CHARS or words > MAX_QUERY_WORDS:
        raise QueryError(
            f"the search query is too long ({len(text)} characters, {words} words):"
            f" use at most {MAX_QUERY_CHARS} characters and {MAX_QUERY_WORDS} words"
        )


def parse_query(text: str, schema: Schema) -> wq.Query:
    """``text`` as a Whoosh query over the exact and folded fields, all words required.

    Plain words also score as a phrase: a researcher typing a headline's words
    in order wants that headline before pages that merely contain the words.
    """
    check_query_text(text)
    parsed = _parser(schema).parse(text)
    problem = _first_error(parsed)
    if problem is not None:
        raise QueryError(f"cannot understand the query {text!r}: {problem}")
    if isinstance(parsed, type(wq.NullQuery)):
        raise QueryError(f"the query {text!r} has no words to search for")
    if _PLAIN_WORDS.fullmatch(text) is None:
        return parsed
    words = [token.text for token in folded_analyzer()(text, mode="query")]
    if len(words) < 2:
        return parsed
    in_order = wq.Or(
        [
            wq.Phrase(field, words, boost=QUERY_FIELD_BOOSTS[field])
            for field in ("title_folded", "body_folded")
        ]
    )
    return wq.AndMaybe(parsed, in_order)


def highlight_terms(parsed: wq.Query, reader: IndexReader) -> frozenset[str]:
    """The folded forms of the query's words as they occur in the index.

    Prefixes are expanded against the index, so "thong*" marks "thông".
    """
    # Query.existing_terms() would do, but in Whoosh 3.54 it reuses its
    # ``fieldname`` argument as a loop variable and drops terms of other fields.
    return frozenset(
        fold(_term_text(text))
        for leaf in parsed.leaves()
        for fieldname, text in leaf.expanded_terms(reader, phrases=True)
        if fieldname in QUERY_FIELD_BOOSTS
    )


def _parser(schema: Schema) -> MultifieldParser:
    # The default group is AND: every word must match, in one field or another.
    parser = MultifieldParser(list(QUERY_FIELD_BOOSTS), schema, fieldboosts=QUERY_FIELD_BOOSTS)
    for plugin_class in _REMOVED_PLUGINS:
        parser.remove_plugin_class(plugin_class)
    parser.add_plugin(PrefixPlugin())
    return parser


def _first_error(parsed: wq.Query) -> str | None:
    for node in _walk(parsed):
        error = getattr(node, "error", None)
        if error:
            return str(error)
    return None


def _walk(node: wq.Query) -> Iterator[wq.Query]:
    yield node
    for child in node.children():
        yield from _walk(child)


def _term_text(text: bytes | str) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text
