"""The whole replica portal: article metadata, per-site indexes, gold truth."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate

from . import content, pools, references, revisions
from .attachments import attachments_for, document_bytes, document_gold
from .families import FAMILIES, Family
from .families.randomcms import random_sites
from .model import Article, Attachment, Body, Category, SiteDef
from .sites import SEED_CATEGORY, SEED_SITE, SITES, TICKER_CATEGORY, site_def
from .text import reader_text

MIN_ARTICLES = 1
MAX_ARTICLES = 50_000
MAX_RANDOM_FAMILIES = 100

_FIRST_DAY, _LAST_DAY = date(2017, 1, 1), date(2025, 12, 31)
_DAYS = (_LAST_DAY - _FIRST_DAY).days + 1
# Office hours dominate, with the odd evening post, as on the real portals.
_HOURS = (7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17, 20)
# Publication times of the seed ticker's other headlines, newest first like the ticker.
_TICKER_TIMES = ("2020-12-28 08:15", "2020-12-26 16:40", "2020-12-26 07:30", "2020-12-25 14:05")
# Sites that import other sites' articles through RSS, and the share of their articles that
# are such copies; a copy of a copy is never made, so an article lives on at most 3 sites.
_REPUBLISHERS, _REPUBLISHED_SHARE = frozenset({"nongthonmoi", "xacamhung"}), 0.25


class Portal:
    def __init__(
        self,
        articles: int = 300,
        seed: int = 1,
        revision: int = 1,
        as_of: date | None = None,
        random_families: int = 0,
    ) -> None:
        if not MIN_ARTICLES <= articles <= MAX_ARTICLES:
            raise ValueError(f"articles must be between {MIN_ARTICLES} and {MAX_ARTICLES}")
        if not 0 <= random_families <= MAX_RANDOM_FAMILIES:
            raise ValueError(f"random_families must be between 0 and {MAX_RANDOM_FAMILIES}")
        self.seed = seed
        # Generated families replace the standard sites; those keep their pages unchanged.
        self.sites = random_sites(seed, random_families) if random_families else SITES
        # Filled in by the server once ports are bound; pages and gold need absolute URLs.
        self.base_urls: dict[str, str] = {}
        rng = random.Random(f"{seed}:portal")
        # Every article of every date, by id: ids, URLs and titles never depend on as_of.
        self.articles = _generate(rng, articles, self.sites)
        self.families: dict[str, Family] = {s.key: FAMILIES[s.family](self, s) for s in self.sites}
        # Every article gets its path, as a family avoids the paths already taken, so a
        # URL is the same whatever the as-of date; only existing articles stay routed.
        self.by_path: dict[str, dict[str, Article]] = {s.key: {} for s in self.sites}
        for article in self.articles:
            article.path = self.families[article.site].assign_path(article, rng)
            self.by_path[article.site][article.path] = article
        # After the paths, which stay those of the titles as drafted: the citation leading
        # a title is no part of its slug.
        seed_page = content.seed_article()
        references.cite_in_titles(seed, self.articles, {seed_page.title, *seed_page.ticker})
        self.now = _now(self.articles, as_of)
        # Articles published after `now` do not exist yet: no page, listing, feed or gold.
        self.existing = [a for a in self.articles if a.published <= self.now]
        self.by_path = {s.key: {} for s in self.sites}
        for article in self.existing:
            self.by_path[article.site][article.path] = article
        # After the paths: a CMS keeps an article's URL when its title is corrected.
        self.revision = revision
        self.edits = revisions.plan(self.existing, seed, revision)
        for article_id, steps in self.edits.items():
            self.articles[article_id].title = revisions.revised_title(
                self.articles[article_id].title, steps
            )
        self._modified = {
            article_id: self._edit_time(self.articles[article_id], steps[-1].step)
            for article_id, steps in self.edits.items()
        }
        self.attachments: dict[int, list[Attachment]] = {}
        self.by_attachment_path: dict[str, dict[str, tuple[Article, Attachment]]] = {
            s.key: {} for s in self.sites
        }
        for article in self.existing:
            family = self.families[article.site]
            if family.attachment_path is None:
                continue
            self.attachments[article.id] = attachments_for(article, family.attachment_path)
            for attachment in self.attachments[article.id]:
                self.by_attachment_path[article.site][attachment.path] = (article, attachment)

        # Feeds, tickers and related links follow publication; listings follow edits.
        self.site_articles = self._by_site(lambda a: a.published)
        self.category_articles = self._by_category(lambda a: a.published)
        self.category_listing = self._by_category(self.modified)
        self.site_rank = {
            a.id: i for arts in self.site_articles.values() for i, a in enumerate(arts)
        }
        self.body = lru_cache(maxsize=4096)(self._revised_body)

    def _newest_first(self, key: Callable[[Article], datetime]) -> list[Article]:
        return sorted(self.existing, key=lambda a: (-key(a).timestamp(), a.id))

    def _by_site(self, key: Callable[[Article], datetime]) -> dict[str, list[Article]]:
        grouped: dict[str, list[Article]] = {s.key: [] for s in self.sites}
        for article in self._newest_first(key):
            grouped[article.site].append(article)
        return grouped

    def _by_category(
        self, key: Callable[[Article], datetime]
    ) -> dict[tuple[str, str], list[Article]]:
        grouped: dict[tuple[str, str], list[Article]] = {
            (s.key, c.slug): [] for s in self.sites for c in s.categories
        }
        for article in self._newest_first(key):
            grouped[(article.site, article.category.slug)].append(article)
        return grouped

    def _edit_time(self, article: Article, step: int) -> datetime:
        """Step k is made (revision - k) hours before `now`, never before the article."""
        made = self.now - timedelta(hours=self.revision - step)
        return max(made, article.published + timedelta(minutes=1))

    def modified(self, article: Article) -> datetime:
        """When the article's served text was last changed: its last edit, else publication."""
        return self._modified.get(article.id, article.published)

    def etag(self, article: Article) -> str:
        """A strong validator: the text of an article changes only with its revision."""
        return f'"{article.id}-r{revisions.revision_of(self.edits, article.id)}"'

    def _revised_body(self, article_id: int) -> Body:
        return revisions.revised_body(self._body(article_id), self.edits.get(article_id, ()))

    def edited_urls(self, step: int | None = None) -> list[str]:
        """URLs of the articles revision ``step`` (default: the one served) edited."""
        edited = revisions.edited_in(self.edits, step or self.revision)
        return [self.article_url(self.articles[article_id]) for article_id in sorted(edited)]

    def _body(self, article_id: int) -> Body:
        if article_id == 0 and self.articles[0].site == SEED_SITE:
            return content.seed_article().body
        original = self.articles[article_id].original
        if original is not None:
            return self.body(original)
        return content.generate_body(self.seed, self.articles[article_id])

    def url(self, site: str, path: str) -> str:
        return self.base_urls[site] + path.lstrip("/")

    def article_url(self, article: Article) -> str:
        return self.url(article.site, article.path)

    def related(self, article: Article, count: int = 5) -> list[Article]:
        """The next older articles of the same site, wrapping round, never the article itself."""
        arts = self.site_articles[article.site]
        start = self.site_rank[article.id]
        picks = (arts[(start + k) % len(arts)] for k in range(1, min(count, len(arts) - 1) + 1))
        return list(picks)

    def document(self, site: str, path: str) -> tuple[bytes, str] | None:
        """The bytes and media type of an attachment served at ``path``, if any."""
        found = self.by_attachment_path[site].get(path)
        if found is None:
            return None
        article, attachment = found
        return document_bytes(attachment, article, self.body(article.id)), attachment.media_type

    def gold_record(self, article: Article) -> dict[str, object]:
        body = self.body(article.id)
        summary = reader_text(body.summary)
        lines = [summary, *(reader_text(block.text) for block in body.blocks)]
        attachments = [
            {
                "url": self.url(article.site, a.path),
                "name": a.name,
                "media_type": a.media_type,
                "text": document_gold(a, article, body),
                "text_kind": a.kind,
            }
            for a in self.attachments.get(article.id, [])
        ]
        duplicate_of = (
            {}
            if article.original is None
            else {"duplicate_of": self.article_url(self.articles[article.original])}
        )
        return {
            "url": self.article_url(article),
            "site": article.site,
            "title": reader_text(article.title),
            "published": article.published.isoformat(),
            "author": self.families[article.site].gold_author(article),
            "category": article.category.name,
            "summary": summary,
            "body": "\n".join(lines),
            # Absent for text as first published (revision 1).
            **self._revision_gold(article),
            "attachments": attachments,
            "references": self._reference_gold(article, lines, attachments),
            **duplicate_of,
        }

    def _reference_gold(
        self, article: Article, body: list[str], attachments: list[dict[str, object]]
    ) -> list[dict[str, object]]:
        source = self.articles[article.original if article.original is not None else article.id]
        cited = references.citations(self.seed, source)
        named = references.attachment_documents(self.attachments.get(article.id, []))
        documents = [str(item[field] or "") for item in attachments for field in ("name", "text")]
        return references.gold_references(
            [*cited.title, *cited.body, *named], reader_text(article.title), body, documents
        )

    def _revision_gold(self, article: Article) -> dict[str, object]:
        revision = revisions.revision_of(self.edits, article.id)
        if revision == revisions.FIRST_REVISION:
            return {}
        return {"revision": revision, "modified": self.modified(article).isoformat()}

    def iter_gold(self) -> Iterator[dict[str, object]]:
        for article in self.existing:
            yield self.gold_record(article)


def _now(articles: list[Article], as_of: date | None) -> datetime:
    """The portal's clock: the last minute of the as-of day, else the newest publication."""
    if as_of is None:
        return max(article.published for article in articles)
    return datetime.combine(as_of, time(23, 59), tzinfo=content.VN_TZ)


def _category(site: str, slug: str) -> Category:
    return next(c for c in site_def(site).categories if c.slug == slug)


def _random_time(rng: random.Random) -> datetime:
    day = _FIRST_DAY + timedelta(days=rng.randrange(_DAYS))
    hour, minute = rng.choice(_HOURS), rng.randrange(60)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=content.VN_TZ)


def _generate(rng: random.Random, count: int, sites: tuple[SiteDef, ...]) -> list[Article]:
    articles = _seed_and_ticker(rng, count) if sites is SITES else []
    titles = {a.title for a in articles}
    # Distinct minutes per site keep "newest first" free of ties.
    stamps = {(a.site, a.published) for a in articles}
    cum_weights = list(accumulate(s.weight for s in sites))
    nfd_counters = dict.fromkeys((s.key for s in sites), 0)
    while len(articles) < count:
        site = rng.choices(sites, cum_weights=cum_weights)[0]
        category = rng.choice(site.categories)
        published = _random_time(rng)
        while (site.key, published) in stamps:
            published = _random_time(rng)
        stamps.add((site.key, published))
        title = _unique_title(rng, category.topic, published, titles)
        titles.add(title)
        nfd = False
        if site.nfd_every:
            nfd = nfd_counters[site.key] % site.nfd_every == 3
            nfd_counters[site.key] += 1
        if site.key in _REPUBLISHERS and rng.random() < _REPUBLISHED_SHARE:
            copy = _republished_copy(rng, articles, len(articles), site.key, category, stamps)
            if copy is not None:
                articles.append(copy)
                continue
        articles.append(
            Article(
                len(articles),
                site.key,
                category,
                title,
                published,
                rng.choice(pools.AUTHORS),
                nfd=nfd,
            )
        )
    return articles


def _seed_and_ticker(rng: random.Random, count: int) -> list[Article]:
    """The real seed page and the other headlines of its ticker, as the first articles."""
    seed = content.seed_article()
    articles = [
        Article(
            0,
            SEED_SITE,
            _category(SEED_SITE, SEED_CATEGORY),
            seed.title,
            seed.published,
            seed.author,
        )
    ]
    ticker_titles = [t for t in seed.ticker if t != seed.title]
    for title, stamp in zip(ticker_titles, _TICKER_TIMES, strict=True):
        if len(articles) == count:
            break
        published = datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=content.VN_TZ)
        articles.append(
            Article(
                len(articles),
                SEED_SITE,
                _category(SEED_SITE, TICKER_CATEGORY),
                title,
                published,
                rng.choice(pools.AUTHORS),
            )
        )
    return articles


def _republished_copy(
    rng: random.Random,
    articles: list[Article],
    new_id: int,
    site: str,
    category: Category,
    stamps: set[tuple[str, datetime]],
) -> Article | None:
    """A copy of an earlier original of another site, imported a few hours after it."""
    copied_here = {a.original for a in articles if a.site == site}
    originals = [
        a for a in articles if a.original is None and a.site != site and a.id not in copied_here
    ]
    if not originals:
        return None
    original = rng.choice(originals)
    delay = timedelta(hours=rng.randint(1, 48), minutes=rng.randrange(60))
    published = original.published + delay
    while (site, published) in stamps:
        published += timedelta(minutes=1)
    if published.date() > _LAST_DAY:
        return None
    stamps.add((site, published))
    return Article(
        new_id, site, category, original.title, published, original.author, original=original.id
    )


def _unique_title(rng: random.Random, topic: str, published: datetime, taken: set[str]) -> str:
    for _ in range(50):
        title = content.make_title(rng, topic, published)
        if title not in taken:
            return title
    # Portals number the parts of a series, so a forced repeat reads naturally.
    part = 2
    while f"{title} (bài {part})" in taken:
        part += 1
    return f"{title} (bài {part})"
