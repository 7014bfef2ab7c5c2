"""Revisions of the portal: later states in which editors have changed some articles.

Revision 1 is the portal as first published. Each later step (2, 3, …) edits
about ``EDIT_SHARE`` of the articles, picked deterministically from the seed
and the step: every edited article gets a sentence added to its first
paragraph, and some also get a corrected title. Revision N carries the edits
of steps 2 to N. URLs never change: a CMS keeps the slug when a title is
corrected, so an archive must see the same article with new content. Only
articles that exist when the revision is served are edited; the portal dates
step k (N - k) hours before its clock.

Articles that are copied by other sites (RSS imports) and the copies
themselves are never edited, so one edit changes exactly one page's article.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .model import Article, Block, Body

FIRST_REVISION = 1
EDIT_SHARE = 0.05
TITLE_EDIT_SHARE = 0.3
# The seed article and its ticker headlines are the demo's fixed points.
_FIXED_ARTICLES = 5


@dataclass(frozen=True, slots=True)
class Edit:
    step: int
    retitled: bool


Edits = Mapping[int, tuple[Edit, ...]]


def plan(articles: list[Article], seed: int, revision: int) -> dict[int, tuple[Edit, ...]]:
    """The edits of revisions 2..``revision``, by article id, oldest step first.

    ``articles`` are those that exist when the revision is served, in id order.
    """
    if revision < FIRST_REVISION:
        raise ValueError(f"revision must be {FIRST_REVISION} or more, not {revision}")
    candidates = _editable(articles)
    edits: dict[int, tuple[Edit, ...]] = {}
    for step in range(FIRST_REVISION + 1, revision + 1):
        rng = random.Random(f"{seed}:revision:{step}")
        count = min(len(candidates), max(1, round(EDIT_SHARE * len(articles))))
        for article_id in sorted(rng.sample(candidates, count)):
            edit = Edit(step, retitled=rng.random() < TITLE_EDIT_SHARE)
            edits[article_id] = (*edits.get(article_id, ()), edit)
    return edits


def edited_in(edits: Edits, step: int) -> set[int]:
    """Ids of the articles whose text changed from revision ``step - 1`` to ``step``."""
    return {article_id for article_id, steps in edits.items() if any(e.step == step for e in steps)}


def revision_of(edits: Edits, article_id: int) -> int:
    """The revision the article's current text belongs to."""
    steps = edits.get(article_id, ())
    return steps[-1].step if steps else FIRST_REVISION


def revised_title(title: str, steps: Iterable[Edit]) -> str:
    for edit in steps:
        if edit.retitled:
            title = f"{title} (cập nhật lần {edit.step - 1})"
    return title


def revised_body(body: Body, steps: Iterable[Edit]) -> Body:
    blocks = list(body.blocks)
    for edit in steps:
        first = next(i for i, block in enumerate(blocks) if block.kind == "p")
        added = (
            f"Thông tin được ban biên tập cập nhật, bổ sung lần thứ {edit.step - 1} "
            "theo phản ánh của bạn đọc."
        )
        blocks[first] = Block("p", f"{blocks[first].text} {added}")
    return replace(body, blocks=blocks)


def _editable(articles: list[Article]) -> list[int]:
    copied = {article.original for article in articles if article.original is not None}
    return [
        article.id
        for article in articles
        if article.id >= _FIXED_ARTICLES and article.original is None and article.id not in copied
    ]
