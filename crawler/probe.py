"""A polite first look at a portal: what a crawl of it would find, from a handful of requests.

``sites add`` and ``crawl --dry-run`` use it. :class:`PoliteFetcher` makes the
requests one at a time, obeying robots.txt and its Crawl-delay, following
redirects only within the site, and never more than its budget; each exchange
may be handed on to be archived (:class:`ProbeArchiver`). :func:`probe_site`
reads what came back with the crawler's own rules: the family detected from
the markup (generic when none shows), the family's URL rules for listings and
articles, and its article verdict on the sampled pages. Every page is hostile:
bodies, links and samples are bounded.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.client import HTTPException, HTTPResponse
from itertools import islice
from pathlib import Path
from posixpath import commonpath
from typing import Self
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement
from protego import Protego
from w3lib.url import safe_url_string

from archive.models import utcnow
from archive.profiles import Profile, detect_family, get_family
from archive.profiles.base import document_title
from archive.profiles.records import ExtractedArticle
from archive.profiles.sitewide import url_shape
from archive.runs import CrawlRuns
from archive.sites import SiteConfig
from archive.store import ArchiveStore, CaptureRecord
from archive.text import parse_html
from archive.urls import without_session
from archive.warc import HttpExchange, WarcWriter, payload_digest
from crawler import discovery

TIMEOUT = 30.0
# A probe reads pages, not documents: anything larger is not read (nor archived).
MAX_BODY = 4 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_LINKS = 2_000  # links read from one page
SAMPLED_LISTINGS = 3
SAMPLED_ARTICLES = 5
MAX_ROBOTS_LINES = 20  # rules and sitemaps taken from robots.txt
MAX_SHAPES = 3
MAX_NAME = 200
# A pager number beyond this is a trap or a typo, not a page count.
MAX_PAGES = 100_000

Exchange = Callable[[HttpExchange], None]


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


@dataclass(frozen=True)
class Robots:
    """What the site's robots.txt says to this crawler."""

    found: bool
    rules: list[str] = field(default_factory=list)
    crawl_delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses: each hop is a request to count, check and archive."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class PoliteFetcher:
    """GETs the pages of one site one at a time, as the crawler would be allowed to.

    robots.txt is read first (:meth:`read_robots`); a URL it disallows is not
    fetched, and requests are spaced by the larger of ``delay`` and its
    Crawl-delay. No more than ``max_requests`` requests are made in all.
    """

    def __init__(
        self,
        user_agent: str,
        *,
        max_requests: int,
        delay: float = 1.0,
        on_exchange: Exchange | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.max_requests = max_requests
        self.delay = delay
        self.on_exchange = on_exchange
        self.requests = 0
        self.refused: list[str] = []
        self.failures: list[tuple[str, str]] = []
        self._robots: Protego | None = None
        self._last_request: float | None = None
        self._opener = urllib.request.build_opener(_NoRedirects)

    @property
    def exhausted(self) -> bool:
        return self.requests >= self.max_requests

    def read_robots(self, base_url: str) -> Robots:
        fetched = self._request(urljoin(base_url, "/robots.txt"))
        if fetched is None or fetched.status != 200:
            # As the crawl does: no readable robots.txt, no rules.
            return Robots(found=False)
        text = fetched.body.decode("utf-8", errors="replace")
        self._robots = Protego.parse(text)
        delay = self._robots.crawl_delay(self.user_agent)
        if delay is not None:
            self.delay = max(self.delay, float(delay))
        return Robots(
            found=True,
            rules=robots_rules(text, self.user_agent),
            crawl_delay=delay,
            sitemaps=list(islice(self._robots.sitemaps, MAX_ROBOTS_LINES)),
        )

    def get(self, url: str) -> Fetched | None:
        """The page at ``url`` after redirects within its host; None if it could not be had."""
        scope = urlsplit(url).netloc.lower()
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).netloc.lower() != scope:
                self.failures.append((url, "redirected off the site"))
                return None
            fetched = self._request(url)
            location = fetched.headers.get("Location") if fetched else None
            if fetched is None or fetched.status not in (301, 302, 303, 307, 308) or not location:
                return fetched
            url = urljoin(url, location)
        self.failures.append((url, "too many redirects"))
        return None

    def _request(self, url: str) -> Fetched | None:
        if self.exhausted:
            return None
        if self._robots is not None and not self._robots.can_fetch(url, self.user_agent):
            self.refused.append(url)
            return None
        self._wait()
        self.requests += 1
        # Links may be IRIs (Vietnamese letters in the path); what goes on the wire is ASCII.
        request = urllib.request.Request(
            safe_url_string(url), headers={"User-Agent": self.user_agent}
        )
        try:
            response: HTTPResponse | urllib.error.HTTPError = self._opener.open(
                request, timeout=TIMEOUT
            )
        except urllib.error.HTTPError as error:
            # An error status is a response like any other: read, archived, reported.
            response = error
        except (OSError, ValueError, HTTPException) as exc:
            self.failures.append((url, str(getattr(exc, "reason", exc))))
            return None
        finally:
            self._last_request = time.monotonic()
        with response:
            return self._read(url, request, response)

    def _read(
        self,
        url: str,
        request: urllib.request.Request,
        response: HTTPResponse | urllib.error.HTTPError,
    ) -> Fetched | None:
        try:
            body = response.read(MAX_BODY + 1)
        except (OSError, HTTPException) as exc:
            self.failures.append((url, f"cut short: {exc}"))
            return None
        if len(body) > MAX_BODY:
            self.failures.append((url, "too large"))
            return None
        # Repeated headers are joined as on the wire, as the crawl archives them.
        headers = {name: ", ".join(response.headers.get_all(name)) for name in response.headers}
        fetched = Fetched(url, response.status or 0, headers, body)
        if self.on_exchange is not None:
            self.on_exchange(
                HttpExchange(
                    url=url,
                    method="GET",
                    request_headers=dict(request.header_items()),
                    status=fetched.status,
                    response_headers=headers,
                    body=body,
                    fetched_at=utcnow(),
                )
            )
        return fetched

    def _wait(self) -> None:
        if self._last_request is None:
            return
        pause = self._last_request + self.delay - time.monotonic()
        if pause > 0:
            time.sleep(pause)


def robots_rules(text: str, user_agent: str) -> list[str]:
    """The Allow and Disallow lines of the group that applies to ``user_agent`` (its own
    group, else ``*``), as written; Protego decides, this only shows."""
    token = user_agent.split("/")[0].lower()
    groups: dict[str, list[str]] = {}
    agents: list[str] = []
    in_rules = False
    for line in text.splitlines()[:10_000]:
        name, _, value = line.split("#")[0].partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "user-agent":
            if in_rules:
                # A user-agent line after rules starts the next group.
                agents, in_rules = [], False
            agents.append(value.lower())
        elif name in ("allow", "disallow") and agents:
            in_rules = True
            for agent in agents:
                groups.setdefault(agent, []).append(f"{name.capitalize()}: {value}")
    own = next((rules for agent, rules in groups.items() if agent != "*" and agent in token), None)
    return (own or groups.get("*", []))[:MAX_ROBOTS_LINES]


@dataclass(frozen=True)
class ListingSample:
    url: str
    articles: list[str]
    # The last page its pager shows (1: no pager).
    pages: int
    # Every link of the page on the site.
    links: list[str] = field(default_factory=list)

    @property
    def estimate(self) -> int:
        return len(self.articles) * self.pages


@dataclass(frozen=True)
class ArticleSample:
    url: str
    recognised: bool
    article: ExtractedArticle | None = None


@dataclass
class ProbeReport:
    start_url: str
    home_url: str | None = None
    # Why the home page could not be read, when it could not (nothing else is then read).
    home_problem: str | None = None
    site_name: str | None = None
    robots: Robots = field(default_factory=lambda: Robots(found=False))
    family: str = "generic"
    # Where the family came from: "given" (the config's), "detected" (the home page's markup
    # or URL), or "" (none shows: generic).
    family_source: str = ""
    sitemaps: dict[str, int] = field(default_factory=dict)
    feeds: dict[str, int] = field(default_factory=dict)
    listings_found: int = 0
    listings: list[ListingSample] = field(default_factory=list)
    articles: list[ArticleSample] = field(default_factory=list)
    requests: int = 0
    refused: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recognised(self) -> list[ArticleSample]:
        return [sample for sample in self.articles if sample.recognised]

    @property
    def preview(self) -> ExtractedArticle | None:
        """The first sampled article read in full: what the crawl would archive."""
        return next((sample.article for sample in self.recognised if sample.article), None)

    @property
    def context_path(self) -> str:
        """The path the site lives under: what its home page and its articles share."""
        home = self.home_url or self.start_url
        paths = [urlsplit(url).path for url in [home, *(s.url for s in self.recognised)]]
        folders = [path.rsplit("/", 1)[0] or "/" for path in paths]
        shared = commonpath(folders) if all(f.startswith("/") for f in folders) else "/"
        return shared.rstrip("/") + "/"

    @property
    def estimate(self) -> int:
        """Articles the site holds at least: its sitemap's pages, or what the sampled
        listings hold by their pagination, whichever says more."""
        listed = sum(sample.estimate for sample in self.listings)
        return max([listed, *self.sitemaps.values()])

    def shapes(self, urls: Iterable[str]) -> list[tuple[str, int]]:
        """The commonest URL templates among ``urls`` (numbers and slugs generalised)."""
        counts = Counter("/" + "/".join(url_shape(url)) for url in urls)
        return counts.most_common(MAX_SHAPES)

    def not_found(self) -> list[str]:
        """What the probe looked for and did not find, in the archivist's words."""
        missing = []
        if not self.robots.found:
            missing.append("no robots.txt")
        if not self.sitemaps:
            missing.append("no sitemap")
        if not self.feeds:
            missing.append("no feed")
        if not self.family_source:
            missing.append("no known CMS family (read as generic)")
        if not self.listings_found:
            missing.append("no listing page")
        if not self.recognised:
            missing.append("no article page recognised")
        elif self.preview is not None:
            missing += [f"no {name} in the article read" for name in self.preview.missing]
        return missing


def probe_site(start_url: str, fetcher: PoliteFetcher, family: str | None = None) -> ProbeReport:
    """What a crawl from ``start_url`` would find, read with ``family`` (else the family the
    home page shows, else generic)."""
    report = ProbeReport(start_url)
    report.robots = fetcher.read_robots(start_url)
    home = fetcher.get(start_url)
    tree = _page(home)
    report.home_problem = _home_problem(fetcher, home, tree)
    if home is not None and tree is not None and report.home_problem is None:
        _read_site(report, fetcher, home, tree, family)
    report.requests = fetcher.requests
    report.refused, report.failures = fetcher.refused, fetcher.failures
    return report


def _home_problem(
    fetcher: PoliteFetcher, home: Fetched | None, tree: HtmlElement | None
) -> str | None:
    if home is None:
        if fetcher.failures:
            return fetcher.failures[-1][1]
        return "robots.txt disallows it" if fetcher.refused else "no request left to ask for it"
    if home.status != 200:
        return f"HTTP {home.status}"
    return "it is no HTML page" if tree is None else None


def _read_site(
    report: ProbeReport,
    fetcher: PoliteFetcher,
    home: Fetched,
    tree: HtmlElement,
    family: str | None,
) -> None:
    """Family, sitemaps, feeds, listings and sampled articles, from the home page on."""
    report.home_url, report.site_name = home.url, _site_name(tree)
    detected = family or detect_family(tree, home.url)
    report.family = detected or "generic"
    report.family_source = "given" if family else "detected" if detected else ""
    profile = get_family(report.family).latest()
    links = _links(tree, home.url)
    sitemap_pages = _read_sitemaps(report, fetcher)
    feed_items = _read_feeds(report, fetcher, tree, home.url)
    listing_urls = [url for url in links if profile.is_listing_url(url) and url != home.url]
    report.listings_found = len(listing_urls)
    report.listings = _read_listings(listing_urls[:SAMPLED_LISTINGS], fetcher, profile, links)
    # Strongest evidence first: a feed lists articles, a listing its items; a sitemap lists
    # every page, and the home page's article-shaped links may be its static pages.
    candidates = [
        *feed_items,
        *(url for listing in report.listings for url in listing.articles),
        *sitemap_pages,
        *(url for url in links if profile.is_article_link(url)),
    ]
    if profile.judges_pages:
        candidates += _likely_items(profile, (home.url, links), report.listings)
    for url in _unique(candidates)[:SAMPLED_ARTICLES]:
        page = fetcher.get(url)
        page_tree = _page(page)
        if page is not None and page_tree is not None and page.status == 200:
            report.articles.append(_read_article(page.url, page_tree, report.family))


def _read_sitemaps(report: ProbeReport, fetcher: PoliteFetcher) -> list[str]:
    """The page URLs of the first sitemap robots.txt names, and of the first sitemap of an
    index; the count of each is kept for the size estimate."""
    queue, pages = list(report.robots.sitemaps[:1]), []
    while queue and not fetcher.exhausted:
        url = queue.pop(0)
        fetched = fetcher.get(url)
        if fetched is None or fetched.status != 200:
            continue
        found, nested = discovery.sitemap_entries(fetched.body)
        report.sitemaps[url] = len(found)
        pages += list(found)[:MAX_LINKS]
        queue += nested[:1]
    return pages


def _read_feeds(
    report: ProbeReport, fetcher: PoliteFetcher, tree: HtmlElement, page_url: str
) -> list[str]:
    """The items of the first feed the home page advertises."""
    for url in discovery.feed_links_in_page(tree, page_url)[:1]:
        fetched = fetcher.get(url)
        if fetched is not None and fetched.status == 200:
            items = discovery.feed_item_links(fetched.body, fetched.url)[:MAX_LINKS]
            report.feeds[url] = len(items)
            return items
    return []


def _read_listings(
    urls: list[str], fetcher: PoliteFetcher, profile: Profile, home_links: list[str]
) -> list[ListingSample]:
    """The article links the listing pages at ``urls`` yield and the pages their pagers show.

    A profile that judges pages knows no article URL for sure, so there a
    listing's items are its links that are not the site's template (not on most
    of the pages read, the home page included) and not of its own shape (its
    pager).
    """
    read: dict[str, tuple[list[str], str | None, int]] = {}
    for url in urls:
        page = fetcher.get(url)
        tree = _page(page)
        if page is not None and tree is not None and page.status == 200:
            read[page.url] = (_links(tree, page.url), *_pager(tree, page.url, profile))
    template = _template_links([home_links, *(links for links, _, _ in read.values())])
    samples = []
    for url, (links, next_page, pages) in read.items():
        if profile.judges_pages:
            pager = {url_shape(url), url_shape(next_page or url)}
            articles = [
                link for link in links if link not in template and url_shape(link) not in pager
            ]
        else:
            articles = [link for link in links if profile.is_article_link(link)]
        samples.append(ListingSample(url, articles, pages, links))
    return samples


def _likely_items(
    profile: Profile, home: tuple[str, list[str]], listings: list[ListingSample]
) -> list[str]:
    """The other links of the pages read, the commonest URL shape first.

    Where a box on every page repeats the items (a "latest news" column), no
    link stands out as a listing's own; but a site's items share one URL
    template, so the shape most links have is the likeliest an article's.
    """
    home_url, home_links = home
    read = {home_url, *(listing.url for listing in listings)}
    links = [*home_links, *(link for listing in listings for link in listing.links)]
    rest = [url for url in _unique(links) if url not in read and not profile.is_skipped_url(url)]
    shapes = Counter(url_shape(url) for url in rest)
    return sorted(rest, key=lambda url: -shapes[url_shape(url)])


def _template_links(pages: list[list[str]]) -> set[str]:
    """The links most of the pages carry; of two pages, the first's (the home page's)."""
    if len(pages) <= 2:
        return set(pages[0])
    counts = Counter(link for links in pages for link in set(links))
    return {link for link, count in counts.items() if count > len(pages) / 2}


def _pager(tree: HtmlElement, page_url: str, profile: Profile) -> tuple[str | None, int]:
    """The listing's next page, and the highest page number its pager links to in the shape
    of that next page (1 without a next page)."""
    next_page = profile.next_page_url(tree, page_url)
    if next_page is None:
        return None, 1
    shape = url_shape(next_page)
    numbers = [
        int(text)
        for link in tree.xpath("//a[@href]")[:MAX_LINKS]
        if (text := link.text_content().strip()).isdigit()
        and url_shape(urljoin(page_url, link.get("href").strip())) == shape
    ]
    return next_page, min(max([2, *numbers]), MAX_PAGES)


def _read_article(url: str, tree: HtmlElement, family: str) -> ArticleSample:
    """The family's verdict on the page (the generic reader's, for generic) and its reading."""
    profile = get_family(family).profile_for(tree)
    if not profile.is_article_page(tree, url):
        return ArticleSample(url, recognised=False)
    article = profile.parse(tree, url)
    # A page at an article URL that yields no title and no text is not what it seemed.
    return ArticleSample(url, recognised=bool(article.title and article.body), article=article)


def _page(fetched: Fetched | None) -> HtmlElement | None:
    if fetched is None or discovery.is_feed_type(fetched.content_type):
        return None
    return parse_html(fetched.body)


def _links(tree: HtmlElement, page_url: str) -> list[str]:
    """The page's links on its own host and port, without fragments and session ids."""
    scope = urlsplit(page_url).netloc.lower()
    found = []
    for href in tree.xpath("//a/@href")[:MAX_LINKS]:
        url = without_session(safe_url_string(urljoin(page_url, href.strip()).split("#")[0]))
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc.lower() == scope:
            found.append(url)
    return _unique(found)


def _site_name(tree: HtmlElement) -> str | None:
    """What the home page calls the site: its declared name, else its title, once."""
    declared = tree.xpath("string(//meta[@property='og:site_name']/@content)").strip()
    title = document_title(tree) or ""
    # "Name - Name": a template that puts the site's name after the page's, which is the same.
    parts = {part.strip() for part in title.split(" - ")}
    name = (declared or (parts.pop() if len(parts) == 1 else title))[:MAX_NAME]
    # It goes into the config and onto terminals: no control characters.
    return "".join(char for char in name if char.isprintable()) or None


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


class ProbeArchiver:
    """Archives a probe's exchanges as a crawl run of their own (mode ``probe``): WARC
    records and ``Capture`` rows, as the crawl's capture middleware writes them.

    A context manager: leaving it closes the WARC file and ends the run.
    """

    def __init__(self, store: ArchiveStore, warc_dir: Path, site: SiteConfig) -> None:
        self.store = store
        self.runs = CrawlRuns(store.archive)
        self.site_id = store.ensure_site(site)
        self.run_id = self.runs.start([site.key], mode="probe")
        self.writer = WarcWriter(warc_dir, run_id=self.run_id, site_key=site.key)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # No counters are kept: a probe archives pages, never articles, and a run's counters
        # say how its crawl read the site.
        self.writer.close()
        self.runs.finish(self.run_id, "finished" if exc_info[0] is None else "failed")

    def __call__(self, exchange: HttpExchange) -> None:
        revisit = self.store.earlier_capture(exchange.url, payload_digest(exchange.body))
        location = self.writer.write(exchange, revisit)
        record = CaptureRecord(
            url=exchange.url,
            final_url=exchange.url,
            status=exchange.status,
            headers=dict(exchange.response_headers),
            body=exchange.body,
            fetched_at=exchange.fetched_at,
            warc=location,
        )
        self.store.record_capture(self.run_id, self.site_id, record)

    def record_site(self, site: SiteConfig) -> None:
        """Records the site as the probe found it (its family, name and start URL)."""
        self.store.ensure_site(site)
