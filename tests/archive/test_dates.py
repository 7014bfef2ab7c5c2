from datetime import UTC, datetime

import pytest

from archive.dates import PORTAL_TZ, DateRole, find_dates, is_dateline, parse_date


def vn(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PORTAL_TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:04 25/12/2020", vn(2020, 12, 25, 9, 4)),
        ("25/12/2020 09:04", vn(2020, 12, 25, 9, 4)),
        ("Đăng ngày 25/12/2020 09:04", vn(2020, 12, 25, 9, 4)),
        ("13/06/2021, 22:19", vn(2021, 6, 13, 22, 19)),
        ("04-12-2018 - 01:20", vn(2018, 12, 4, 1, 20)),
        ("Thứ Ba, 29.11.2022 - 07:56:45", vn(2022, 11, 29, 7, 56, 45)),
        (" 21/07/2022 | 10:00 AM ", vn(2022, 7, 21, 10, 0)),
        ("Ngày đăng 06/01/2016 | 03:30 PM | View count: 426", vn(2016, 1, 6, 15, 30)),
        ("12/01/2016 | 12:15 AM", vn(2016, 1, 12, 0, 15)),
        ("12/01/2016 | 12:15 PM", vn(2016, 1, 12, 12, 15)),
        ("Thứ sáu - 25/12/2020 09:04", vn(2020, 12, 25, 9, 4)),
        ("Thứ năm, 16:44 23/04/2020", vn(2020, 4, 23, 16, 44)),
        ("Thứ năm, 06/07/2023 16:32", vn(2023, 7, 6, 16, 32)),
        ("Thứ 6, 09/08/2024 16:00", vn(2024, 8, 9, 16, 0)),
        ("Thứ bảy 10/05/2025 12:16", vn(2025, 5, 10, 12, 16)),
        ("Chủ nhật, 11/05/2025 - 08:00", vn(2025, 5, 11, 8, 0)),
        ("25/12/2020", vn(2020, 12, 25)),
        ("(25/12/2020)", vn(2020, 12, 25)),
        ("17-04-2024", vn(2024, 4, 17)),
        ("Đăng tải: 05/03/2024 7:05", vn(2024, 3, 5, 7, 5)),
        ("Ngày cập nhật 14/07/2020", vn(2020, 7, 14)),
        ("Ngày xuất bản: 01/02/2021", vn(2021, 2, 1)),
        ("Cập nhật: 01/02/2021 10:10", vn(2021, 2, 1, 10, 10)),
        # Day first even where month-first would also be a valid date.
        ("03/04/2021", vn(2021, 4, 3)),
        ("Fri, 25 Dec 2020 02:04:00 GMT", vn(2020, 12, 25, 9, 4)),
        ("Fri, 25 Dec 2020 09:04:00 +0700", vn(2020, 12, 25, 9, 4)),
        ("2020-12-25T09:04:00+07:00", vn(2020, 12, 25, 9, 4)),
        ("2020-12-25T02:04:00Z", vn(2020, 12, 25, 9, 4)),
        ("2020-12-25", vn(2020, 12, 25)),
    ],
)
def test_formats(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Không có ngày tháng",
        "31/02/2020",
        "25/13/2020",
        "25/12",
        "Số 86549/UBND-NCKS",
        "12/2020",
        "25/12/20",
    ],
)
def test_no_date_is_none(text: str | None) -> None:
    assert parse_date(text) is None


def test_results_are_aware_in_portal_time() -> None:
    value = parse_date("09:04 25/12/2020")
    assert value is not None
    assert value.utcoffset() == vn(2020, 1, 1).utcoffset()
    assert value.astimezone(UTC) == datetime(2020, 12, 25, 2, 4, tzinfo=UTC)


def test_an_invalid_clock_is_not_corrected_into_a_date() -> None:
    assert parse_date("25/12/2020 25:61") is None


def test_labels_give_roles() -> None:
    found = list(find_dates("Đăng ngày 25/12/2020 09:04 | Cập nhật 26/12/2020 10:00"))
    assert [(f.role, f.value) for f in found] == [
        (DateRole.PUBLISHED, vn(2020, 12, 25, 9, 4)),
        (DateRole.UPDATED, vn(2020, 12, 26, 10, 0)),
    ]


def test_a_time_belongs_to_one_date_only() -> None:
    found = list(find_dates("25/12/2020 09:04 26/12/2020"))
    assert [f.value for f in found] == [vn(2020, 12, 25, 9, 4), vn(2020, 12, 26)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:04 25/12/2020", True),
        ("Đăng ngày 25/12/2020 09:04", True),
        ("Thứ sáu - 25/12/2020 09:04", True),
        ("(25/12/2020)", True),
        ("Sáng 25/12/2020, Sở TT&TT tổ chức hội nghị.", False),
        ("Không có ngày", False),
    ],
)
def test_is_dateline(text: str, expected: bool) -> None:
    assert is_dateline(text) is expected
