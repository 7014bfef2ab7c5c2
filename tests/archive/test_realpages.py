"""The generic reader on real pages of real sites, which it was not written against.

The pages and their gold stay where their publishers' licence keeps them
(``../shared/realpages-dev``, or ``PORTAL_REALPAGES``); the tests skip when
they are absent. ``python -m bench.realpages`` prints the full comparison
with trafilatura; here every other page is read and the reader must not
crash, must not change the letters of any language, and must keep its
quality above a floor well under what the bench measures.
"""

from __future__ import annotations

import json
import unicodedata
from statistics import mean
from types import ModuleType

import lxml.html
import pytest

from archive.extract import extract_article
from bench.realpages import load_scorer, realpages_dir

DATA = realpages_dir(None)
pytestmark = pytest.mark.skipif(
    not (DATA / "score.py").is_file(),
    reason=f"the real pages are not at {DATA} (set PORTAL_REALPAGES)",
)
MIN_MEAN_BODY_F1 = 0.88
MIN_DATE_ACCURACY = 0.8


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    return load_scorer(DATA)


@pytest.fixture(scope="module")
def pages() -> list[dict[str, object]]:
    records = [json.loads(path.read_text()) for path in sorted(DATA.glob("*.json"))]
    return [record for record in records if "html_sha256" in record][::2]


@pytest.fixture(scope="module")
def read(pages: list[dict[str, object]]) -> list[tuple[dict[str, object], str, object]]:
    results = []
    for page in pages:
        html = (DATA / f"{page['id']}.html").read_text(encoding="utf-8")
        results.append((page, html, extract_article(html, str(page["url"] or ""), "generic")))
    return results


def test_no_letter_is_invented(read: list[tuple[dict[str, object], str, object]]) -> None:
    """Whatever the language, the text keeps the page's own letters (no legacy conversion)."""
    for page, html, article in read:
        tree = lxml.html.document_fromstring(html)
        page_letters = set(unicodedata.normalize("NFC", tree.text_content()))
        invented = {ch for ch in article.body if not ch.isascii() and ch not in page_letters}
        assert not invented, (page["id"], sorted(invented)[:10])


def test_body_and_date_stay_above_the_floor(
    read: list[tuple[dict[str, object], str, object]], scorer: ModuleType
) -> None:
    f1 = [
        scorer.prf(scorer.tokens(article.body), scorer.tokens(page["body"]))["f1"]
        for page, _, article in read
        if page["body"]
    ]
    dated = [(page, article) for page, _, article in read if page.get("date")]
    right = sum(
        article.published is not None and article.published.date().isoformat() == page["date"]
        for page, article in dated
    )
    assert mean(f1) >= MIN_MEAN_BODY_F1
    assert right >= MIN_DATE_ACCURACY * len(dated)
