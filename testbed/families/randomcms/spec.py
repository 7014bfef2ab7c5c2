"""What one generated CMS family looks like, drawn once from a seed.

Everything a theme decides is drawn here and nowhere else: element kinds and
names, nesting, layout, how the body's pieces are marked up, where the date
and the author sit, which chrome surrounds the article, which feeds exist.
Pages are then pure functions of this spec and the article.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape

from . import names
from .dates import FORMATS, MACHINE_KINDS, PLACES, DateStyle
from .urls import UrlScheme, draw_scheme

CHROME_KINDS = (
    "today",  # the header prints today's date, as many portals do
    "ticker",  # the newest headlines scroll on every page
    "sidebar_news",  # boxes of dated links beside the article
    "comments",  # readers' comments with names and dates
    "related",  # "Tin liên quan" with dates
    "share",  # share links to social networks
    "tags",  # "Từ khóa" links
    "stats",  # visit counters in the footer
    "poster",  # "Người đăng: admin", who typed it in, not who wrote it
    "views",  # "Lượt xem: 1.234"
)
_CONTAINER_TAGS = ("div", "div", "div", "section", "article", "main")


@dataclass(frozen=True, slots=True)
class Element:
    tag: str
    attrs: str = ""

    def wrap(self, inner: str) -> str:
        return f"<{self.tag}{self.attrs}>{inner}</{self.tag}>"


@dataclass(frozen=True, slots=True)
class Spec:
    urls: UrlScheme
    dates: DateStyle
    # The dates of listings and chrome lists; some themes print them like the article's.
    list_dates: DateStyle
    layout: str
    sidebar_first: bool
    elements: dict[str, Element]
    # Layout boxes round the article and round the body, outermost first.
    outer: tuple[Element, ...]
    inner: tuple[Element, ...]
    date_before_title: bool
    title_encoding: str
    sapo_style: str
    heading_style: str
    caption_style: str
    paragraph_style: str
    nbsp: bool
    zero_width: bool
    split_spans: bool
    author_style: str
    # Share of the articles that name their author; the others carry none.
    author_share: float
    source_line: bool
    chrome: frozenset[str]
    related_inside: bool
    related_summaries: bool
    related_count: int
    sidebar_count: int
    comment_count: int
    pager_style: str
    next_label: str
    rel_next: bool
    robots: bool
    sitemap: bool
    rss: bool
    print_view: bool
    print_canonical: bool
    canonical: bool
    og_title: bool
    title_tag: str
    statics: int
    attachments: bool
    breadcrumb: bool
    image_prefix: str
    file_prefix: str
    poster: str
    related_heading: str
    sidebar_headings: tuple[str, ...]
    ticker_heading: str
    print_label: str
    share_label: str
    home_label: str
    attachment_heading: str
    search_label: str
    # The header's "today": the day the pages were (pretend) fetched, after every article.
    today_offset: int


def _class_name(rng: random.Random, role: str) -> str:
    style = rng.random()
    if style < 0.6:
        return rng.choice(names.ROLE_NAMES[role])
    if style < 0.8:
        return f"{rng.choice(names.BEM_BLOCKS)}__{rng.choice(names.BEM_ELEMENTS)}"
    # A build tool's hashed class, or a CSS-module name.
    digest = "".join(rng.choices("0123456789abcdef", k=5))
    return f"c{digest}" if rng.random() < 0.5 else f"{role.title()}_{role}__{digest}"


def _element(rng: random.Random, role: str, tags: tuple[str, ...]) -> Element:
    tag = rng.choice(tags)
    kind = rng.random()
    if kind < 0.15:
        return Element(tag)
    name = escape(_class_name(rng, role))
    attribute = "id" if kind < 0.3 else "class"
    extra = f" {rng.choice(names.FILLERS)}" if attribute == "class" and rng.random() < 0.3 else ""
    return Element(tag, f' {attribute}="{name}{extra}"')


_ROLE_TAGS: dict[str, tuple[str, ...]] = {
    "article": _CONTAINER_TAGS,
    "body": ("div", "div", "div", "section", "article"),
    "title": ("h1", "h1", "h1", "h2", "div", "p"),
    "date": ("span", "div", "p", "em", "small"),
    "sapo": ("p", "div", "h2", "strong"),
    "related": ("div", "section", "aside", "ul"),
    "sidebar": ("div", "aside", "section"),
    "footer": ("div", "footer"),
    "header": ("div", "header"),
    "comments": ("div", "section"),
    "nav": ("div", "nav", "ul"),
    "breadcrumb": ("div", "ol", "ul", "nav"),
    "meta": ("div", "p", "span"),
    "author": ("p", "div", "span"),
    "list": ("div", "ul", "section"),
    "item": ("div", "li", "article"),
    "pager": ("div", "ul", "nav", "p"),
}


def _date_style(rng: random.Random, *, listing: bool) -> DateStyle:
    return DateStyle(
        format=rng.choice(tuple(FORMATS)),
        weekdays=rng.choice(names.WEEKDAY_SPELLINGS),
        label="" if listing else rng.choice(names.DATE_LABELS),
        place="text" if listing else rng.choice(PLACES),
        machine=rng.choice(MACHINE_KINDS),
        utc=rng.random() < 0.3,
        always_head=rng.random() < 0.3,
        seconds=rng.randrange(60),
    )


def _boxes(rng: random.Random, most: int) -> tuple[Element, ...]:
    return tuple(
        Element(rng.choice(("div", "div", "section")), f' class="{rng.choice(names.FILLERS)}"')
        for _ in range(rng.randint(0, most))
    )


def draw_spec(key: str) -> Spec:
    rng = random.Random(f"randomcms:{key}")
    dates = _date_style(rng, listing=False)
    # A third of the themes print list dates exactly like the article's, the hard case.
    list_dates = dates if rng.random() < 0.33 else _date_style(rng, listing=True)
    chrome = frozenset(kind for kind in CHROME_KINDS if rng.random() < 0.65)
    return Spec(
        urls=draw_scheme(rng),
        dates=dates,
        list_dates=list_dates,
        layout=rng.choice(("div", "html5", "table", "bootstrap")),
        sidebar_first=rng.random() < 0.4,
        elements={role: _element(rng, role, tags) for role, tags in _ROLE_TAGS.items()},
        outer=_boxes(rng, 3),
        inner=_boxes(rng, 2),
        date_before_title=rng.random() < 0.25,
        title_encoding=rng.choice(("plain", "plain", "named", "hex", "decimal")),
        sapo_style=rng.choice(("bold", "plain", "first_p", "strong_p", "em")),
        heading_style=rng.choice(("h2", "h3", "h4", "p_strong", "p_b")),
        caption_style=rng.choice(("figure", "table", "p_em", "div", "p_center")),
        paragraph_style=rng.choice(("p", "p", "p_justify", "div", "br")),
        nbsp=rng.random() < 0.5,
        zero_width=rng.random() < 0.3,
        split_spans=rng.random() < 0.4,
        author_style=rng.choice(
            ("signoff_right", "signoff_bold", "signoff_plain", "tacgia", "byline", "none")
        ),
        author_share=rng.choice((1.0, 1.0, 0.8, 0.6)),
        source_line=rng.random() < 0.3,
        chrome=chrome,
        related_inside=rng.random() < 0.4,
        related_summaries=rng.random() < 0.3,
        related_count=rng.randint(3, 12),
        sidebar_count=rng.choice((3, 5, 8, 12, 20)),
        comment_count=rng.randint(1, 4),
        pager_style=rng.choice(("numbers", "next", "both", "both")),
        next_label=rng.choice(names.NEXT_LABELS),
        rel_next=rng.random() < 0.3,
        robots=rng.random() < 0.7,
        sitemap=rng.random() < 0.4,
        rss=rng.random() < 0.5,
        print_view=rng.random() < 0.5,
        print_canonical=rng.random() < 0.5,
        canonical=rng.random() < 0.6,
        og_title=rng.random() < 0.5,
        title_tag=rng.choice(("title_site", "site_title", "title")),
        statics=rng.randint(1, len(names.STATIC_PAGES)),
        attachments=rng.random() < 0.3,
        breadcrumb=rng.random() < 0.7,
        image_prefix=rng.choice(("/uploads/images", "/Upload/news", "/images/tintuc", "/media")),
        file_prefix=rng.choice(("/uploads/files", "/Upload/vanban", "/documents")),
        poster=rng.choice(names.POSTERS),
        related_heading=rng.choice(names.RELATED_HEADINGS),
        sidebar_headings=tuple(rng.sample(names.SIDEBAR_HEADINGS, 2)),
        ticker_heading=rng.choice(names.TICKER_HEADINGS),
        print_label=rng.choice(names.PRINT_LABELS),
        share_label=rng.choice(names.SHARE_LABELS),
        home_label=rng.choice(names.HOME_LABELS),
        attachment_heading=rng.choice(names.ATTACHMENT_HEADINGS),
        search_label=rng.choice(names.SEARCH_LABELS),
        today_offset=rng.randint(30, 400),
    )
