"""What a results page shows besides the hits: facets, active filters, pages, a histogram.

Each is computed here from the results and the parameters, as plain values
with their links ready; the templates only lay them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from portal_archive.web.params import MAX_PAGE, PAGE_SIZE, SearchParams, period_days
from search.query import FacetCount, SearchResults

# The facets shown, in this order: those a link can filter by. Any other the search counts
# is left out, as no filter of the interface would narrow to its values.
FACET_TITLES = {
    "site": "Trang",
    "category": "Chuyên mục",
    "author": "Tác giả",
    "year": "Năm",
    "language": "Ngôn ngữ",
    "document_type": "Văn bản đính kèm",
    "ref_kind": "Loại văn bản được dẫn",
    "ref_issuer": "Cơ quan ban hành văn bản được dẫn",
}
# Facet values shown per facet; the rest are reachable by narrowing the search.
FACET_LIMIT = 12
# Page numbers shown on each side of the current one.
PAGER_REACH = 2
# The histogram's drawing, in SVG user units.
CHART_HEIGHT = 120
BAR_WIDTH = 24
BAR_GAP = 4
LABEL_SPACE = 18
# Month bars are labelled every this many, so labels never overlap.
MONTH_LABEL_EVERY = 3


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    href: str
    active: bool


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_href: str


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the gap ("…") between distant pages
    href: str
    current: bool


@dataclass(frozen=True)
class Bar:
    period: str
    count: int
    href: str
    x: int
    y: int
    height: int
    label: str  # shown under the bar; empty for the bars between labels


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    period_name: str  # "tháng" or "năm"
    bar_width: int = BAR_WIDTH
    plot_height: int = CHART_HEIGHT


def facet_links(
    params: SearchParams, facets: Mapping[str, list[FacetCount]]
) -> dict[str, list[FacetLink]]:
    """Each facet's values as links that narrow the search to them."""
    return {
        title: [_facet_link(params, name, facet) for facet in facets[name][:FACET_LIMIT]]
        for name, title in FACET_TITLES.items()
        if facets.get(name)
    }


def _facet_link(params: SearchParams, name: str, facet: FacetCount) -> FacetLink:
    if name == "site":
        narrowed = params.changed(sites=(facet.value,))
        active = params.filters.sites == (facet.value,)
    elif name == "year":
        narrowed = params.in_period(facet.value)
        active = (params.filters.date_from, params.filters.date_to) == period_days(facet.value)
    else:
        narrowed = params.changed(**{name: facet.value})
        active = getattr(params.filters, name) in (facet.value, facet.label)
    return FacetLink(facet.label, facet.count, narrowed.link(), active)


def active_filters(params: SearchParams, site_names: Mapping[str, str]) -> list[ActiveFilter]:
    """The filters in force, each with the link that drops it."""
    filters = params.filters
    shown = [
        ActiveFilter(
            f"Trang: {site_names.get(key, key)}",
            params.changed(sites=tuple(other for other in filters.sites if other != key)).link(),
        )
        for key in filters.sites
    ]
    if filters.date_from:
        shown.append(
            ActiveFilter(f"Từ {filters.date_from:%d/%m/%Y}", params.changed(date_from=None).link())
        )
    if filters.date_to:
        shown.append(
            ActiveFilter(f"Đến {filters.date_to:%d/%m/%Y}", params.changed(date_to=None).link())
        )
    if filters.author:
        shown.append(ActiveFilter(f"Tác giả: {filters.author}", params.changed(author=None).link()))
    for name, title in (
        ("category", "Chuyên mục"),
        ("language", "Ngôn ngữ"),
        ("document_type", "Văn bản đính kèm"),
        ("ref_kind", "Loại văn bản được dẫn"),
        ("ref_issuer", "Cơ quan ban hành"),
    ):
        value = getattr(filters, name)
        if value:
            shown.append(ActiveFilter(f"{title}: {value}", params.changed(**{name: None}).link()))
    return shown


def shown_range(results: SearchResults) -> str:
    """Which hits of how many this page shows: "1–20 trong 287"."""
    if not results.hits:
        return f"0 trong {results.total}"
    first = (results.page - 1) * PAGE_SIZE + 1
    return f"{first}–{first + len(results.hits) - 1} trong {results.total}"


def page_links(params: SearchParams, results: SearchResults) -> list[PageLink]:
    """Numbered pages: the first, the last, and those around the current one, with gaps."""
    last = min(results.pages, MAX_PAGE)
    if last <= 1:
        return []
    numbers = sorted(
        {1, last}
        | set(range(max(1, params.page - PAGER_REACH), min(last, params.page + PAGER_REACH) + 1))
    )
    links: list[PageLink] = []
    for number in numbers:
        if links and links[-1].number is not None and number > links[-1].number + 1:
            links.append(PageLink(None, "", False))
        links.append(PageLink(number, params.changed(page=number).link(), number == params.page))
    return links


def chart(params: SearchParams, histogram: list[tuple[str, int]]) -> Chart | None:
    """The histogram as bars whose links narrow the search to their period."""
    if not histogram:
        return None
    tallest = max(count for _, count in histogram) or 1
    monthly = len(histogram[0][0]) > 4
    bars = []
    for index, (period, count) in enumerate(histogram):
        height = round(CHART_HEIGHT * count / tallest)
        labelled = not monthly or index % MONTH_LABEL_EVERY == 0
        bars.append(
            Bar(
                period=period,
                count=count,
                href=params.in_period(period).link(),
                x=index * (BAR_WIDTH + BAR_GAP),
                y=CHART_HEIGHT - height,
                height=height,
                label=_period_label(period) if labelled else "",
            )
        )
    return Chart(
        bars=bars,
        width=len(bars) * (BAR_WIDTH + BAR_GAP),
        height=CHART_HEIGHT + LABEL_SPACE,
        period_name="tháng" if monthly else "năm",
    )


def _period_label(period: str) -> str:
    """A year as it is ("2020"), a month day-first ("2020-03" as "3/2020")."""
    year, _, month = period.partition("-")
    return f"{int(month)}/{year}" if month else year
