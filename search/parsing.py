"""Reading a researcher's query: the query language, its limits, and the words to mark.

The query language:

``tin học``
    Words: every word is required, in the title or the body.
``"thông tin"``
    A phrase: the words side by side, in this order.
``nông OR dịch``
    Either word (``OR`` in capitals).
``NOT công``, ``-công``
    Without the word (``NOT`` in capitals; ``-`` starting a word, so
    "Covid-19" and "Văn hóa - Du lịch" stay plain words).
``nghi*``
    Words starting with "nghi".
``(a OR b) c``, ``word^2``
    Grouping, and a word that counts twice as much.
``date:2020``, ``date:2020-03``, ``date:2020-03-15``
    Published in that year, month or day (Vietnam time).
``date:2019..2020-06``, ``date:2020-07..``, ``date:..2019``
    Published from the start of the first to the end of the last.
``ref:81/2004/QĐ-UB``, ``ref:17/nq-cp``
    Citing that legal document, in the title, the body or an attached document;
    its number in any case, with or without diacritics (see :mod:`archive.references`).
``title:``, ``author:``, ``site:``, ``category:``
    A word, ``"phrase"`` or ``(group)`` in that field only:
    ``title:"chuyển đổi số"``, ``author:"Lê Hoa"``, ``site:stttt``,
    ``category:"Tin hoạt động"`` (the whole category name). Any other
    ``word:`` is a plain word, so "Ghi chú:" pasted from a document is text.

Diacritics: every word is looked up with and without diacritics, so
``dau an`` finds "Dấu ấn". A query typed with any diacritic is read as meant:
articles with more of its words spelled exactly as typed rank above those
that only match once diacritics are stripped (``ẩn`` puts "ẩn" before "an"
and "ấn"; ``hà tinh`` puts "hà tinh" before "Hà Tĩnh"). In exact mode
(``--exact``, ``exact=1``) only the exact spelling matches. Either way NFD
input and both tone placements ("hoà"/"hòa", "thuỷ"/"thủy") are the same
word, and there are no stop words and no stemming. The author field is
always compared without diacritics.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.matching import Matcher, NullMatcher, WrappingMatcher
from whoosh.qparser import (
    EveryPlugin,
    FieldsPlugin,
    MultifieldParser,
    PlusMinusPlugin,
    PrefixPlugin,
    RangePlugin,
    SingleQuotePlugin,
    TaggingPlugin,
    WildcardPlugin,
    syntax,
)
from whoosh.reading import IndexReader
from whoosh.searching import SearchContext, Searcher

from archive.dates import DateRangeError, check_day_range, utc_day_bounds
from archive.references import folded_key, normalised_key
from search.analysis import LETTERS_BY_FOLD, canonical_tones, fold
from search.errors import EmptyQueryError, QueryError
from search.indexer import to_naive_utc
from search.schema import (
    BODY_BOOST,
    DOCUMENTS_BOOST,
    POSITIONS_OF_FOLDED,
    QUERY_FIELD_BOOSTS,
    TITLE_BOOST,
)
from search.snippets import Marks

# A query is typed, or pasted from a headline or a paragraph; parsing and matching grow with
# its words, and a pasted page took minutes. The command line and the web interface share these.
MAX_QUERY_CHARS = 1000
MAX_QUERY_WORDS = 64
# Plain words in order also score as a phrase: a typed headline ("Dấu ấn ngành thông tin và
# truyền thông Hà Tĩnh năm 2020" is 12 words). Past that a query is pasted text, where the
# phrase costs much and ranks little.
MAX_PHRASE_BOOST_WORDS = 12

# Wildcards would turn a trailing "?" ("là gì?") into "any one letter", and the
# stock field syntax would read "Ghi chú:" as a field name; prefixes stay useful.
_REMOVED_PLUGINS = (FieldsPlugin, WildcardPlugin, RangePlugin, SingleQuotePlugin, EveryPlugin)
# "-" negates only at the start of a word: "Covid-19" and "Văn hóa - Du lịch" are words.
_MINUS = r"(?<!\S)-(?=[^\s-])"
# Where field syntax may begin: a query's or a word's start, after "(" or a "-".
_WORD_START = r"(?<![^\s(\-])"
_NO_PLUS = r"(?!)"

_EXACT_BOOSTS = {"title": TITLE_BOOST, "body": BODY_BOOST, "documents": DOCUMENTS_BOOST}
# The field each query field name searches; ``title:`` searches the folded
# title unless only exact spellings may match.
_NAMED_FIELDS = {"author": "author", "site": "site", "category": "category"}
_FOLDED_NAMED_FIELDS = {**_NAMED_FIELDS, "title": "title_folded"}
_EXACT_NAMED_FIELDS = {**_NAMED_FIELDS, "title": "title"}
_FIELD_SYNTAX = "|".join([*_EXACT_NAMED_FIELDS, "date", "ref"])
# Words without query syntax (quotes, operators, fields, prefixes, boosts, grouping).
_PLAIN_WORDS = re.compile(
    rf"(?!.*\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b)(?!.*(?<!\S)(?:{_FIELD_SYNTAX}):)"
    r"[^\"()*^+\-]+"
)
# What each query word spelled exactly as typed adds to a document's score: far
# more than BM25F gives a document for a query of ordinary length, so an article
# with more exactly spelled words ranks above one with fewer, and BM25F orders
# articles with as many.
EXACT_WORD_BONUS = 10_000.0


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


def is_plain_words(text: str) -> bool:
    """Whether ``text`` is words alone, without any query syntax."""
    return _PLAIN_WORDS.fullmatch(text) is not None


def parse_query(text: str, schema: Schema, *, exact: bool = False) -> wq.Query:
    """``text`` as a Whoosh query, all words required (see the module's query language).

    ``exact`` matches the exact (accented) fields only. Otherwise both are
    searched, and a query with diacritics gives :data:`EXACT_WORD_BONUS` per
    word an article spells exactly as typed. Plain words also score as a
    phrase: a researcher typing a headline's words in order wants that
    headline before pages that merely contain the words.
    """
    check_query_text(text)
    if exact:
        exact_query = _parse(text, schema, _EXACT_BOOSTS, _EXACT_NAMED_FIELDS)
        return _with_phrase_boost(exact_query, text, schema, "title", "body")
    query = _parse(text, schema, QUERY_FIELD_BOOSTS, _FOLDED_NAMED_FIELDS)
    query = _with_phrase_boost(query, text, schema, "title_folded", "body_folded")
    if fold(text) == text:
        return query
    exact_query = _parse(text, schema, _EXACT_BOOSTS, _EXACT_NAMED_FIELDS)
    bonuses = _exact_word_bonuses(exact_query)
    # The diacritics may all be in a document number (ref:81/2004/QĐ-UB), not in words.
    if not bonuses:
        return query
    return _Unpruned(wq.AndMaybe(query, wq.Or(bonuses)))


def highlight_terms(parsed: wq.Query, reader: IndexReader) -> Marks:
    """The words and phrases of ``parsed`` to mark in titles and snippets.

    Prefixes are expanded against the index, so "thong*" marks "thông". A
    query over the exact fields only (exact mode) marks exact spellings; any
    other marks every word that matches once diacritics are stripped.
    """
    leaves = [leaf for leaf in _positive_leaves(parsed) if leaf.field() in QUERY_FIELD_BOOSTS]
    exact = all(leaf.field() in _EXACT_BOOSTS for leaf in leaves)
    spelled = canonical_tones if exact else fold
    # Query.existing_terms() would do, but in Whoosh 3.54 it reuses its
    # ``fieldname`` argument as a loop variable and drops terms of other fields.
    words = frozenset(
        spelled(_term_text(text))
        for leaf in leaves
        if not isinstance(leaf, wq.Phrase)
        for _fieldname, text in leaf.expanded_terms(reader)
    )
    phrases = frozenset(
        tuple(spelled(word) for word in leaf.words)
        for leaf in leaves
        if isinstance(leaf, wq.Phrase)
    )
    return Marks(words=words, phrases=phrases, exact=exact)


def _parse(
    text: str, schema: Schema, boosts: dict[str, float], named_fields: dict[str, str]
) -> wq.Query:
    parsed = _parser(schema, boosts, named_fields).parse(text)
    problem = _first_error(parsed)
    if problem is not None:
        raise QueryError(f"cannot understand the query {text!r}: {problem}")
    if isinstance(parsed, type(wq.NullQuery)):
        raise QueryError(f"the query {text!r} has no words to search for")
    return parsed


def _parser(
    schema: Schema, boosts: dict[str, float], named_fields: dict[str, str]
) -> MultifieldParser:
    # The default group is AND: every word must match, in one field or another.
    parser = MultifieldParser(list(boosts), schema, fieldboosts=boosts, phraseclass=Phrase)
    for plugin_class in _REMOVED_PLUGINS:
        parser.remove_plugin_class(plugin_class)
    parser.add_plugin(PrefixPlugin())
    parser.add_plugin(PlusMinusPlugin(plusexpr=_NO_PLUS, minusexpr=_MINUS))
    parser.add_plugin(_KnownFieldsPlugin(named_fields))
    parser.add_plugin(_DateRangePlugin())
    parser.add_plugin(_ReferencePlugin())
    return parser


class _KnownFieldsPlugin(FieldsPlugin):
    """``name:`` for the query's field names only, each standing for its index field."""

    def __init__(self, named_fields: dict[str, str]) -> None:
        names = "|".join(sorted(named_fields))
        # Case-sensitive, and only at the start of a word: "Site:" in prose stays text.
        super().__init__(expr=rf"{_WORD_START}(?P<text>{names}):")
        self.named_fields = named_fields

    def taggers(self, parser: MultifieldParser) -> list[tuple[object, int]]:
        return [(_NamedFieldTagger(self.expr, self.named_fields), 0)]


class _NamedFieldTagger(FieldsPlugin.FieldnameTagger):
    def __init__(self, expr: str, named_fields: dict[str, str]) -> None:
        super().__init__(expr)
        self.named_fields = named_fields

    def create(self, parser: MultifieldParser, match: re.Match[str]) -> syntax.FieldnameNode:
        return syntax.FieldnameNode(self.named_fields[match.group("text")], match.group(0))


_PERIOD = r"\d{4}(?:-\d{1,2}){0,2}"


class _DateRangePlugin(TaggingPlugin):
    """``date:`` and a year, month or day, or a range of them, as a published-date range."""

    # Before words and field names, so "date:2020..2021" is never split.
    priority = -1
    expr = (
        rf"{_WORD_START}date:(?=[\d.])"
        rf"(?P<first>{_PERIOD})?(?P<range>\.\.(?P<last>{_PERIOD})?)?(?!\S)"
    )

    def create(self, parser: MultifieldParser, match: re.Match[str]) -> _DateRangeNode:
        first = match.group("first")
        last = match.group("last") if match.group("range") else first
        if first is None and last is None:
            raise QueryError("date: needs a year, month or day, as in date:2020-03")
        first_day = None if first is None else _period_day(first, at_end=False)
        last_day = None if last is None else _period_day(last, at_end=True)
        try:
            check_day_range(first_day, last_day)
        except DateRangeError as error:
            raise QueryError(f"{match.group(0)}: {error}") from error
        return _DateRangeNode(first_day, last_day)


def _period_day(period: str, *, at_end: bool) -> date:
    """The first or the last day of the year, month or day ``period`` ("2020", "2020-03")."""
    year, month, day = ([int(part) for part in period.split("-")] + [0, 0])[:3]
    month = month or (12 if at_end else 1)
    try:
        day = day or (calendar.monthrange(year, month)[1] if at_end else 1)
        return date(year, month, day)
    except (ValueError, calendar.IllegalMonthError) as error:
        raise QueryError(f"date:{period} is not a year, month or day") from error


class _DateRangeNode(syntax.SyntaxNode):
    def __init__(self, first: date | None, last: date | None) -> None:
        self.first = first
        self.last = last

    def r(self) -> str:
        return f"date {self.first}..{self.last}"

    def query(self, parser: MultifieldParser) -> wq.Query:
        start, end = (
            None if bound is None else to_naive_utc(bound)
            for bound in utc_day_bounds(self.first, self.last)
        )
        return wq.DateRange("published", start, end, endexcl=True)


class _ReferencePlugin(TaggingPlugin):
    """``ref:`` and a legal document's number, typed in any case, with or without
    diacritics: the articles citing that document."""

    # Before words, so the number's "/" and "-" never split it.
    priority = -1
    expr = rf"{_WORD_START}ref:(?P<number>[^\s()\"]*)"

    def create(self, parser: MultifieldParser, match: re.Match[str]) -> _ReferenceNode:
        key = normalised_key(match.group("number"))
        if key is None:
            raise QueryError(
                f"{match.group(0)}: ref: needs a document number, as in ref:81/2004/QĐ-UB"
            )
        return _ReferenceNode(key)


class _ReferenceNode(syntax.SyntaxNode):
    def __init__(self, key: str) -> None:
        self.key = key

    def r(self) -> str:
        return f"ref {self.key}"

    def query(self, parser: MultifieldParser) -> wq.Query:
        return wq.Term("refs", folded_key(self.key))


def _with_phrase_boost(
    query: wq.Query, text: str, schema: Schema, title_field: str, body_field: str
) -> wq.Query:
    if not is_plain_words(text):
        return query
    words = list(schema[title_field].process_text(text, mode="query"))
    if not 2 <= len(words) <= MAX_PHRASE_BOOST_WORDS:
        return query
    in_order = wq.Or(
        [
            Phrase(field, words, boost=QUERY_FIELD_BOOSTS[field])
            for field in (title_field, body_field)
        ]
    )
    return wq.AndMaybe(query, in_order)


class Phrase(wq.Phrase):
    """Words side by side; in a folded field, matched on the positions of every spelling
    of each word in the exact field that keeps them (the folded fields keep none)."""

    def matcher(self, searcher: Searcher, context: SearchContext | None = None) -> Matcher:
        exact_field = POSITIONS_OF_FOLDED.get(self.fieldname)
        if exact_field is None:
            return super().matcher(searcher, context)
        reader = searcher.reader()
        spelled = [spellings(reader, exact_field, word) for word in self.words]
        if not all(spelled):
            return NullMatcher()
        in_order = wq.Sequence(
            [wq.Or([wq.Term(exact_field, word) for word in words]) for words in spelled],
            slop=self.slop,
            boost=self.boost,
        )
        return in_order.matcher(searcher, context)


# Letters no diacritic ever changes: a folded word's spellings all start with the same
# run of them ("th" of "thong"), so only words under that prefix need folding.
_UNMARKED = "bcfghjklmnpqrstvwxz0123456789_"


def spellings(reader: IndexReader, fieldname: str, folded: str) -> list[str]:
    """The words of ``fieldname`` in ``reader`` that fold to ``folded`` ("thông", "thống"
    for "thong")."""
    lead = len(folded) - len(folded.lstrip(_UNMARKED))
    if lead == len(folded):
        return [folded] if (fieldname, folded) in reader else []
    stem, letter = folded[:lead], folded[lead]
    return [
        word
        for first in LETTERS_BY_FOLD.get(letter, (letter,))
        for word in map(_term_text, reader.expand_prefix(fieldname, stem + first))
        if fold(word) == folded
    ]


def _exact_word_bonuses(exact_query: wq.Query) -> list[wq.Query]:
    """One constant-score query per word or phrase of ``exact_query`` that must
    or may match, over every exact field it names."""
    by_word: dict[tuple[str, ...], list[wq.Query]] = {}
    for leaf in _positive_leaves(exact_query):
        if leaf.field() in _EXACT_BOOSTS:
            by_word.setdefault(_spelling(leaf), []).append(leaf)
    return [wq.ConstantScoreQuery(wq.Or(leaves), EXACT_WORD_BONUS) for leaves in by_word.values()]


def _spelling(leaf: wq.Query) -> tuple[str, ...]:
    if isinstance(leaf, wq.Phrase):
        return (type(leaf).__name__, *leaf.words)
    return (type(leaf).__name__, _term_text(leaf.text))


class _Unpruned(wq.WrappingQuery):
    """``child``, scored for every matching document.

    Whoosh's top-N search drops sub-matchers whose best possible score it
    thinks too low to matter, and it misjudges constant-score ones: the
    article with every word spelled exactly went missing from the first ten.
    """

    def _rewrap(self, child: wq.Query) -> _Unpruned:
        return self.__class__(child)

    def matcher(self, searcher: Searcher, context: SearchContext | None = None) -> Matcher:
        return _UnprunedMatcher(self.child.matcher(searcher, context))


class _UnprunedMatcher(WrappingMatcher):
    def supports_block_quality(self) -> bool:
        return False

    def replace(self, minquality: float = 0) -> Matcher:
        return self

    def _replacement(self, newchild: Matcher) -> _UnprunedMatcher:
        return self.__class__(newchild)


def _positive_leaves(node: wq.Query) -> Iterator[wq.Query]:
    """The leaves of ``node`` that a document may match, not the excluded ones."""
    if isinstance(node, wq.Not):
        return
    if isinstance(node, wq.AndNot):
        yield from _positive_leaves(node.a)
        return
    if node.is_leaf():
        yield node
        return
    for child in node.children():
        yield from _positive_leaves(child)


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
