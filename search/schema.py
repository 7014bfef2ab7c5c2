"""The Whoosh schema of the article index.

Every text (title, body, the text of attached documents) is indexed twice.
The exact fields (``title``, ``body``, ``documents``) keep each word with its
diacritics and its position, for phrases and exact spellings. The folded
fields (``title_folded``, ``body_folded``, ``documents_folded``) keep each word folded and
as spelled (``tinh`` and ``=tỉnh``) without positions: they answer every plain
word, accented or not, from one small posting list each, which is what makes
searching a large archive fast (:mod:`search.plainwords`). A phrase in the
folded fields is matched on the exact ones (:mod:`search.parsing`). Titles weigh
more than bodies because a word in the headline says more about what an
article is about.

Site, category, author and language are columns too, so facets count them without
reading documents; their few distinct values are stored once per segment.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh.analysis import Analyzer
from whoosh.columns import RefBytesColumn
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from search.analysis import (
    exact_analyzer,
    folded_analyzer,
    folded_and_exact_analyzer,
    folded_keyword_analyzer,
)

TITLE_BOOST = 3.0
TITLE_FOLDED_BOOST = 1.5
BODY_BOOST = 1.0
BODY_FOLDED_BOOST = 0.5
# The text of attached documents says less about what the article is about than its own body.
DOCUMENTS_BOOST = 0.5
DOCUMENTS_FOLDED_BOOST = 0.25

# The fields a free-text query searches, and how much a match in each counts.
# Applied at query time, so retuning them needs no reindex.
QUERY_FIELD_BOOSTS: dict[str, float] = {
    "title": TITLE_BOOST,
    "title_folded": TITLE_FOLDED_BOOST,
    "body": BODY_BOOST,
    "body_folded": BODY_FOLDED_BOOST,
    "documents": DOCUMENTS_BOOST,
    "documents_folded": DOCUMENTS_FOLDED_BOOST,
}


# The exact field that holds the positions of each folded field's words.
POSITIONS_OF_FOLDED = {
    "title_folded": "title",
    "body_folded": "body",
    "documents_folded": "documents",
}


def _text(
    analyzer_factory: Callable[[], Analyzer],
    *,
    stored: bool = False,
    positions: bool = True,
    sortable: RefBytesColumn | None = None,
) -> TEXT:
    # A query word that analyses into several tokens ("Covid-19", "4.0") means
    # those tokens side by side, not each of them anywhere in the document.
    return TEXT(
        analyzer=analyzer_factory(),
        stored=stored,
        phrase=positions,
        sortable=sortable or False,
        multitoken_query="phrase",
    )


def article_schema() -> Schema:
    return Schema(
        article_id=ID(unique=True, stored=True, sortable=True),
        url=ID(stored=True),
        site=ID(stored=True, sortable=RefBytesColumn()),
        # Whole-value, accent- and case-insensitive: a filter names one category.
        category=ID(stored=True, analyzer=folded_keyword_analyzer(), sortable=RefBytesColumn()),
        # Sign-offs vary ("Nguyễn Văn A", "Nguyễn Văn A - Sở TTTT"), so the
        # author filter matches words, not the whole value; the facet counts whole values.
        author=_text(folded_analyzer, stored=True, sortable=RefBytesColumn()),
        title=_text(exact_analyzer, stored=True),
        title_folded=_text(folded_and_exact_analyzer, positions=False),
        body=_text(exact_analyzer, stored=True),
        body_folded=_text(folded_and_exact_analyzer, positions=False),
        # The text of the documents the article attaches, searched with it; stored per
        # document in ``attached_documents`` so a hit can say which one matched.
        documents=_text(exact_analyzer),
        documents_folded=_text(folded_and_exact_analyzer, positions=False),
        attached_documents=STORED(),
        language=ID(stored=True, sortable=RefBytesColumn()),
        # The legal documents the article cites (title, body, attached documents), one
        # token per folded number ("81/2004/qd-ub"): ``ref:`` matches it whole; and their
        # kinds ("QĐ") and issuers ("UBND"), which the facets count.
        refs=KEYWORD(scorable=False),
        ref_kind=KEYWORD(scorable=False),
        ref_issuer=KEYWORD(scorable=False),
        # The kinds of the documents an article attaches ("pdf,docx"); none if it attaches none.
        document_type=KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        # Naive UTC: Whoosh has no timezone-aware datetimes.
        published=DATETIME(stored=True, sortable=True),
        # A column, so verify/reindex can compare it with the database cheaply.
        content_hash=ID(stored=True, sortable=True),
        # Copies of another article (RSS imports, republications) name its URL, so a
        # search can show one hit per story and list the copies under it.
        original=ID(stored=True),
        is_copy=ID(),
    )
