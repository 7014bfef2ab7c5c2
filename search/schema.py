"""The Whoosh schema of the article index.

Every text is indexed twice: with its diacritics (``title``, ``body``) and
folded (``title_folded``, ``body_folded``). A query runs over both, and an
unaccented query still finds everything through the folded fields; how an
accented query ranks the very same accents first ("bàn" over "bán") is
:mod:`search.parsing`'s. Titles weigh more than bodies because a word in the
headline says more about what an article is about.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh.analysis import Analyzer
from whoosh.fields import DATETIME, ID, TEXT, Schema

from search.analysis import exact_analyzer, folded_analyzer, folded_keyword_analyzer

TITLE_BOOST = 3.0
TITLE_FOLDED_BOOST = 1.5
BODY_BOOST = 1.0
BODY_FOLDED_BOOST = 0.5

# The fields a free-text query searches, and how much a match in each counts.
# Applied at query time, so retuning them needs no reindex.
QUERY_FIELD_BOOSTS: dict[str, float] = {
    "title": TITLE_BOOST,
    "title_folded": TITLE_FOLDED_BOOST,
    "body": BODY_BOOST,
    "body_folded": BODY_FOLDED_BOOST,
}


def _text(analyzer_factory: Callable[[], Analyzer], *, stored: bool = False) -> TEXT:
    # A query word that analyses into several tokens ("Covid-19", "4.0") means
    # those tokens side by side, not each of them anywhere in the document.
    # Every text field keeps positions: phrases are searched on the exact fields
    # (exact mode, multi-token words), on the folded ones and on author names.
    return TEXT(analyzer=analyzer_factory(), stored=stored, multitoken_query="phrase")


def article_schema() -> Schema:
    return Schema(
        article_id=ID(unique=True, stored=True, sortable=True),
        url=ID(stored=True),
        site=ID(stored=True),
        # Whole-value, accent- and case-insensitive: a filter names one category.
        category=ID(stored=True, analyzer=folded_keyword_analyzer()),
        # Sign-offs vary ("Nguyễn Văn A", "Nguyễn Văn A - Sở TTTT"), so the
        # author filter matches words, not the whole value.
        author=_text(folded_analyzer, stored=True),
        title=_text(exact_analyzer, stored=True),
        title_folded=_text(folded_analyzer),
        body=_text(exact_analyzer, stored=True),
        body_folded=_text(folded_analyzer),
        # Naive UTC: Whoosh has no timezone-aware datetimes.
        published=DATETIME(stored=True, sortable=True),
        # A column, so verify/reindex can compare it with the database cheaply.
        content_hash=ID(stored=True, sortable=True),
        # Copies of another article (RSS imports, republications) name its URL, so a
        # search can show one hit per story and list the copies under it.
        original=ID(stored=True),
        is_copy=ID(),
    )
