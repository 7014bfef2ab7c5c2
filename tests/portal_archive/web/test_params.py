"""Reading the parameters of a search and writing them back into links."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.datastructures import QueryParams

from portal_archive.web.params import BadRequest, SearchParams, period_days


def parsed(query_string: str) -> SearchParams:
    return SearchParams.from_query_params(QueryParams(query_string))


def test_parameters_survive_a_round_trip_through_a_link() -> None:
    params = parsed(
        "q=d%E1%BA%A5u+%E1%BA%A5n&site=stttt&site=sgd&site=stttt&from=25/12/2020"
        "&to=2021-01-31&author=L%C3%AA+Hoa&category=Tin&exact=1&sort=oldest&page=3"
    )
    assert params.filters.sites == ("stttt", "sgd")
    assert params.filters.date_from == date(2020, 12, 25)
    assert parsed(params.query_string()) == params


def test_blank_fields_of_a_submitted_form_are_no_filters() -> None:
    params = parsed("q=tin&site=&from=&to=&author=+&category=&sort=&exact=")
    assert params == SearchParams(query="tin")
    assert params.query_string() == "q=tin"
    assert not parsed("q=++").asks_for_results
    assert parsed("sort=newest").asks_for_results


def test_a_change_of_what_is_searched_starts_at_page_one() -> None:
    params = parsed("q=tin&page=4")
    assert params.changed(category="Tin").page == 1
    assert params.changed(page=5).link() == "/?q=tin&page=5"
    assert params.changed().link("/export.csv") == "/export.csv?q=tin"


def test_the_order_and_the_period_follow_what_is_asked() -> None:
    assert parsed("q=tin").order == "relevance"
    assert parsed("site=sgd").order == "newest"
    assert parsed("q=tin").period == "year"
    assert parsed("q=tin&from=2020-01-01&to=2020-12-31").period == "month"
    assert parsed("q=tin&from=2010-01-01&to=2020-12-31").period == "year"
    assert parsed("q=tin&histogram=month").period == "month"


@pytest.mark.parametrize(
    ("period", "days"),
    [
        ("2020", (date(2020, 1, 1), date(2020, 12, 31))),
        ("2020-02", (date(2020, 2, 1), date(2020, 2, 29))),
        ("2021-12", (date(2021, 12, 1), date(2021, 12, 31))),
    ],
)
def test_a_period_is_its_days(period: str, days: tuple[date, date]) -> None:
    assert period_days(period) == days
    narrowed = parsed("q=tin&page=2").in_period(period)
    assert (narrowed.filters.date_from, narrowed.filters.date_to, narrowed.page) == (*days, 1)


@pytest.mark.parametrize(
    "query_string",
    ["page=%EF%BC%91", "page=1e3", "page=501", "from=2020-13-01", "from=99999-01-01", "sort=New"],
)
def test_what_cannot_be_used_is_refused(query_string: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parsed(query_string)
    assert refused.value.status_code == 400
