"""Deterministic Vietnamese article content: the seed article and generated articles."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources

from . import pools, references
from .model import Article, Block, Body

VN_TZ = timezone(timedelta(hours=7))

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_TICKER_SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class SeedArticle:
    title: str
    published: datetime
    author: str
    body: Body
    ticker: tuple[str, ...]


@cache
def seed_article() -> SeedArticle:
    """Parse the bundled copy of the real page text (see data/seed_article.txt)."""
    text = resources.files(__package__).joinpath("data/seed_article.txt").read_text("utf-8")
    lines = text.split("\n")
    ticker = tuple(t.strip() for t in lines[0].split(_TICKER_SEPARATOR) if t.strip())
    title, stamp = lines[2].strip(), lines[4].strip()
    body_lines = lines[5:]
    while not body_lines[-1].strip():
        body_lines.pop()
    author = body_lines.pop().strip()

    paragraphs: list[tuple[int, str]] = []
    blanks = 0
    for line in body_lines:
        if line.strip():
            paragraphs.append((blanks, line.strip()))
            blanks = 0
        else:
            blanks += 1
    summary = paragraphs[0][1]
    blocks: list[Block] = []
    for index, (blank_run, para) in enumerate(paragraphs[1:], start=1):
        # In the scraped text a photo left an extra blank line before its caption.
        if blank_run >= 2:
            blocks.append(Block("img", para, image=_image_token(f"seed:{index}")))
        elif len(para) < 150 and para[-1] not in ".!?…":
            blocks.append(Block("h", para))
        else:
            blocks.append(Block("p", para))
    published = datetime.strptime(stamp, "%H:%M %d/%m/%Y").replace(tzinfo=VN_TZ)
    return SeedArticle(title, published, author, Body(summary, blocks), ticker)


@cache
def seed_sentences() -> tuple[str, ...]:
    """Sentences of the seed body, recombined into generated articles."""
    seed = seed_article()
    paragraphs = [b.text for b in seed.body.blocks if b.kind == "p"]
    sentences: list[str] = []
    for para in paragraphs:
        pieces: list[str] = []
        for piece in _SENTENCE_END.split(para):
            # Only a capital starts a new sentence, so "Kỳ Anh…. và" style runs stay whole.
            if pieces and not piece[:1].isupper():
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
        sentences.extend(s for s in pieces if 40 <= len(s) <= 400)
    return tuple(sentences)


@cache
def _sentence_pool(topic: str) -> tuple[str, ...]:
    # dict.fromkeys drops the repeats when the topic is itself "chung".
    combined = pools.SENTENCES[topic] + pools.SENTENCES["chung"] + seed_sentences()
    return tuple(dict.fromkeys(combined))


def _image_token(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()


def _fill(template: str, ctx: dict[str, str]) -> str:
    return template.format_map(ctx)


def _context(rng: random.Random, published: datetime) -> dict[str, str]:
    place = rng.choice(pools.PLACES)
    ctx = {
        "place": place,
        "Place": place[0].upper() + place[1:],
        "org": rng.choice(pools.ORGS),
        "leader": rng.choice(pools.LEADERS),
        "year": str(published.year),
        "d": str(published.day),
        "m": str(published.month),
        "stage": _stage(published),
    }
    ctx["when"] = _fill(rng.choice(pools.WHEN), ctx)
    ctx["period"] = _fill(rng.choice(pools.PERIODS), ctx)
    return ctx


def _stage(published: datetime) -> str:
    return "2021-2025" if published.year >= 2021 else "2016-2020"


def make_title(rng: random.Random, topic: str, published: datetime) -> str:
    template = rng.choice(pools.TITLE_TEMPLATES[topic])
    # Optional place prefix and period suffix multiply the title space for 50,000 articles.
    if (
        "{place}" not in template.lower()
        and not template.startswith("Hà Tĩnh")
        and rng.random() < 0.5
    ):
        template = "{Place}: " + template
    if "{period}" not in template and rng.random() < 0.5:
        template += " {period}"
    place = rng.choice(pools.PLACES)
    period = rng.choice(pools.PERIODS).format(year=published.year, stage=_stage(published))
    obj = rng.choice(pools.OBJECTS[topic])
    return template.format(place=place, Place=place[0].upper() + place[1:], period=period, obj=obj)


def article_rng(seed: int, article_id: int) -> random.Random:
    return random.Random(f"{seed}:{article_id}")


def generate_body(seed: int, article: Article) -> Body:
    """Body of a generated article, a pure function of (seed, article id, metadata)."""
    rng = article_rng(seed, article.id)
    topic = article.category.topic
    ctx = _context(rng, article.published)
    ctx["obj"] = rng.choice(pools.OBJECTS[topic])
    summary = _fill(rng.choice(pools.LEADS), ctx)

    sentence_pool = _sentence_pool(topic)
    count = rng.randint(4, 12)
    image_slots = set(rng.sample(range(count), rng.choice((0, 1, 1, 2))))
    heading_slot = rng.randrange(2, count) if rng.random() < 0.4 else -1
    sizes = [rng.randint(1, 3) for _ in range(count)]
    # One draw for the whole article, so no sentence appears twice in it.
    sentences = iter(rng.sample(sentence_pool, sum(sizes)))
    blocks: list[Block] = []
    for index, size in enumerate(sizes):
        if index == heading_slot:
            blocks.append(Block("h", rng.choice(pools.SUBHEADINGS)))
        paragraph = " ".join(_fill(next(sentences), ctx) for _ in range(size))
        blocks.append(Block("p", paragraph))
        if index in image_slots:
            caption = _fill(rng.choice(pools.CAPTIONS), ctx)
            token = _image_token(f"{seed}:{article.id}:{index}")
            blocks.append(Block("img", caption, image=token))
    return references.cited_body(seed, article, Body(summary, blocks))
