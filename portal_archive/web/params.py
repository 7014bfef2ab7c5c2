"""What a search request asks for, read from its query string and checked.

Every parameter comes from whoever typed or crafted the URL: each one is
validated here and a mistake becomes :class:`BadRequest` (HTTP 400, a message
in Vietnamese), never an exception deeper down. The same value rebuilds the
links of the results page (facets, pages, histogram bars) with one change each.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException

from archive.dates import DateRangeError
from search.filters import SearchFilters
from search.parsing import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from search.query import PERIODS, SORTS, Period, Sort

PAGE_SIZE = 20
# Deeper pages make the index collect page × 20 hits; an export gives a whole result set.
MAX_PAGE = 500
# Portals began in the 1990s; a year far outside this is a typing mistake (or a probe).
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Author and category values are names, not documents.
MAX_NAME_CHARS = 300
# A span of days up to this long is charted per month, a longer one per year.
MONTHLY_SPAN_DAYS = 2 * 366
_PAGE_NUMBER = re.compile(r"[0-9]{1,4}")
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Day first, as Vietnamese readers write dates (what a text input without a date picker gets).
_DAY_FIRST = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_FILTER_NAMES = frozenset(each.name for each in fields(SearchFilters))
_TRUE = frozenset({"1", "on", "true"})
_FALSE = frozenset({"", "0", "off", "false"})


class BadRequest(HTTPException):
    """A parameter that cannot be used, with what to do instead, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=400, detail=message)


@dataclass(frozen=True)
class SearchParams:
    """A search (or a browse, without ``query``) as the web interface's parameters give it:
    ``q``; the filters ``site`` (repeatable), ``from``, ``to``, ``author``, ``category``,
    ``language``, ``type`` (of attached document), ``ref_kind`` and ``ref_issuer`` (of a
    cited legal document); ``exact``, ``sort``, ``page`` and
    ``histogram``."""

    query: str | None = None
    filters: SearchFilters = field(default_factory=SearchFilters)
    exact: bool = False
    sort: Sort | None = None  # None: by relevance with a query, newest first without
    page: int = 1
    histogram: Period | None = None  # None: chosen from the span of days

    @classmethod
    def from_query_params(cls, params: QueryParams) -> SearchParams:
        return cls(
            query=_query_text(params.get("q")),
            filters=_filters(
                sites=_site_keys(params.getlist("site")),
                date_from=_day(params.get("from"), "Từ ngày"),
                date_to=_day(params.get("to"), "Đến ngày"),
                author=_name(params.get("author"), "Tác giả"),
                category=_name(params.get("category"), "Chuyên mục"),
                language=_name(params.get("language"), "Ngôn ngữ"),
                document_type=_name(params.get("type"), "Loại văn bản"),
                ref_kind=_name(params.get("ref_kind"), "Loại văn bản được dẫn"),
                ref_issuer=_name(params.get("ref_issuer"), "Cơ quan ban hành"),
            ),
            exact=_flag(params.get("exact"), "exact"),
            sort=cast(Sort | None, _choice(params.get("sort"), SORTS, "sort")),
            page=_page(params.get("page")),
            histogram=cast(Period | None, _choice(params.get("histogram"), PERIODS, "histogram")),
        )

    @property
    def asks_for_results(self) -> bool:
        """Whether there is anything to list: a query, a filter or a chosen order. A bare
        visit gets the form alone."""
        return bool(self.query) or self.filters != SearchFilters() or self.sort is not None

    @property
    def order(self) -> Sort:
        if self.sort is not None:
            return self.sort
        return "relevance" if self.query else "newest"

    @property
    def period(self) -> Period:
        """Months for a span of about two years or less, years otherwise."""
        if self.histogram is not None:
            return self.histogram
        first, last = self.filters.date_from, self.filters.date_to
        if first is None or last is None:
            return "year"
        return "month" if (last - first).days <= MONTHLY_SPAN_DAYS else "year"

    def changed(self, **changes: Any) -> SearchParams:
        """These parameters with ``changes`` (to filters too, by their names); a change of
        what is searched starts again at page 1."""
        filtering = {name: changes.pop(name) for name in list(changes) if name in _FILTER_NAMES}
        filters = replace(self.filters, **filtering) if filtering else self.filters
        return replace(self, **{"page": 1, "filters": filters, **changes})

    def in_period(self, period: str) -> SearchParams:
        """Narrowed to the days of a histogram period, "2020" or "2020-03"."""
        first, last = period_days(period)
        return self.changed(date_from=first, date_to=last, histogram=None)

    def query_string(self) -> str:
        """The parameters as a query string, without those left at their defaults."""
        filters = self.filters
        pairs: list[tuple[str, str]] = [("q", self.query)] if self.query else []
        pairs += [("site", key) for key in filters.sites]
        pairs += [
            (name, value)
            for name, value in (
                ("from", filters.date_from and filters.date_from.isoformat()),
                ("to", filters.date_to and filters.date_to.isoformat()),
                ("author", filters.author),
                ("category", filters.category),
                ("language", filters.language),
                ("type", filters.document_type),
                ("ref_kind", filters.ref_kind),
                ("ref_issuer", filters.ref_issuer),
                ("exact", "1" if self.exact else None),
                ("sort", self.sort),
                ("page", str(self.page) if self.page > 1 else None),
                ("histogram", self.histogram),
            )
            if value
        ]
        return urlencode(pairs)

    def link(self, path: str = "/") -> str:
        query = self.query_string()
        return f"{path}?{query}" if query else path


def period_days(period: str) -> tuple[date, date]:
    """The first and last day of a year ("2020") or a month ("2020-03")."""
    year, _, month = period.partition("-")
    if not month:
        return date(int(year), 1, 1), date(int(year), 12, 31)
    last_day = calendar.monthrange(int(year), int(month))[1]
    return date(int(year), int(month), 1), date(int(year), int(month), last_day)


def _filters(**values: Any) -> SearchFilters:
    try:
        return SearchFilters(**values)
    except DateRangeError:
        raise BadRequest(
            f"Khoảng ngày kết thúc ({values['date_to']:%d/%m/%Y}) trước khi bắt đầu"
            f" ({values['date_from']:%d/%m/%Y})."
        ) from None


def _query_text(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    words = len(text.split())
    if len(text) > MAX_QUERY_CHARS or words > MAX_QUERY_WORDS:
        raise BadRequest(
            f"Câu tìm kiếm quá dài ({len(text)} ký tự, {words} từ): tối đa"
            f" {MAX_QUERY_CHARS} ký tự và {MAX_QUERY_WORDS} từ."
        )
    return text


def _site_keys(values: list[str]) -> tuple[str, ...]:
    """Each key once, in the order given; blank values (an empty select) are none."""
    return tuple(dict.fromkeys(key for value in values if (key := value.strip())))


def _day(value: str | None, label: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    match = _ISO_DAY.fullmatch(text)
    if match:
        year, month, day = map(int, match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = map(int, match.groups())
    else:
        raise BadRequest(f"{label}: {text!r} không phải là ngày (ngày/tháng/năm, như 25/12/2020).")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadRequest(f"{label}: năm {year} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise BadRequest(f"{label}: không có ngày {day:02d}/{month:02d}/{year}.") from None


def _name(value: str | None, label: str) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_NAME_CHARS:
        raise BadRequest(f"{label}: tối đa {MAX_NAME_CHARS} ký tự.")
    return text or None


def _flag(value: str | None, name: str) -> bool:
    text = (value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadRequest(f"Tham số {name} là 1 hoặc 0.")


def _choice(value: str | None, choices: tuple[str, ...], name: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if text not in choices:
        raise BadRequest(f"Tham số {name} là một trong {', '.join(choices)}.")
    return text


def _page(value: str | None) -> int:
    text = (value or "").strip()
    if not text:
        return 1
    # Only ASCII digits: "²" is a digit to str.isdigit() but no number to int().
    if not _PAGE_NUMBER.fullmatch(text) or not 1 <= int(text) <= MAX_PAGE:
        raise BadRequest(f"Số trang là một số từ 1 đến {MAX_PAGE}.")
    return int(text)
