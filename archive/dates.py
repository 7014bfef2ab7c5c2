"""Dates as Vietnamese portals print them (portal-notes section 3).

Portals write dates day-first and mean Asia/Ho_Chi_Minh local time:
``09:04 25/12/2020``, ``Đăng ngày 25/12/2020 09:04``, ``13/06/2021, 22:19``,
``04-12-2018 - 01:20``, ``Thứ Ba, 29.11.2022 - 07:56:45``,
``21/07/2022 | 10:00 AM``, ``(25/12/2020)``; feeds use RFC-822 and meta tags
ISO 8601. Weekday prefixes and labels need no rule of their own: the scanner
looks for the date itself and reads the time written right after or right
before it. Labels only decide whether a date is a publication or an update.

Nothing here guesses: a string without a complete, valid day/month/year gives
``None``, and a date without a time is midnight of that day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from archive.text import clean_line

PORTAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_iso(moment: datetime | None) -> str | None:
    """``moment`` in portal time as ISO 8601 ("2020-12-25T09:04:00+07:00"), to the second."""
    return moment.astimezone(PORTAL_TZ).isoformat(timespec="seconds") if moment else None


_DAY_FIRST_DATE = re.compile(
    r"(?<![\d/.\-])(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"
)
_TIME = (
    r"(?P<hour>\d{1,2})[:hg](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
)
# What may stand between a date and its time: "25/12/2020 09:04", "13/06/2021, 22:19",
# "04-12-2018 - 01:20", "21/07/2022 | 10:00 AM", "… lúc 09:04", "10h00 ngày 05/05/2020".
_GLUE = r"[\s,|\-–—]{0,5}(?:(?:lúc|ngày)\s+)?"
_TIME_AFTER_DATE = re.compile(rf"{_GLUE}{_TIME}(?![\d:])", re.IGNORECASE)
_TIME_BEFORE_DATE = re.compile(rf"(?<![\d:]){_TIME}{_GLUE}$", re.IGNORECASE)
_ISO_8601 = re.compile(
    r"(?<!\d)\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_RFC_822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:[+-]\d{4}|[A-Z]{1,3}))?"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
# English pages write the month's name: "December 17, 2025", "17 Dec 2025"; Vietnamese
# documents write "ngày 25 tháng 12 năm 2020".
_NAMED_MONTH_DATES = (
    re.compile(
        rf"(?<!\w){_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})(?!\d)", re.I
    ),
    re.compile(
        rf"(?<!\w)(?P<day>\d{{1,2}}){_ORDINAL}\s+{_MONTH},?\s+(?P<year>\d{{4}})(?!\d)", re.I
    ),
    re.compile(
        r"ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<number>\d{1,2})\s+năm\s+(?P<year>\d{4})(?!\d)",
        re.I,
    ),
)
_UPDATE_LABEL = re.compile(r"cập\s*nhật|updated?", re.IGNORECASE)
# The words that may surround a date on a line that says nothing else.
_DATELINE_WORDS = re.compile(
    r"ngày\s+đăng|đăng\s+ngày|đăng\s+tải|ngày\s+cập\s+nhật|cập\s+nhật|ngày\s+xuất\s+bản|"
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|lúc|[\W_]+",
    re.IGNORECASE,
)


class DateRole(StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"


@dataclass(frozen=True)
class FoundDate:
    value: datetime
    role: DateRole
    start: int
    end: int


def parse_date(text: str | None) -> datetime | None:
    """The first date in ``text``, timezone-aware, or ``None`` if there is none."""
    first = next(find_dates(text or ""), None)
    return first.value if first else None


def is_dateline(text: str) -> bool:
    """Whether ``text`` is only a date with its labels, like ``Đăng ngày 25/12/2020 09:04``."""
    rest = clean_line(text)
    found = list(find_dates(rest))
    for stamp in reversed(found):
        rest = rest[: stamp.start] + " " + rest[stamp.end :]
    return bool(found) and not _DATELINE_WORDS.sub("", rest)


def find_dates(text: str) -> Iterator[FoundDate]:
    """Every valid date in ``text``, in order, each with the role its label gives it."""
    text = clean_line(text)
    previous_end = 0
    for found in _scan(text):
        label = text[previous_end : found.start]
        role = DateRole.UPDATED if _UPDATE_LABEL.search(label) else DateRole.PUBLISHED
        yield FoundDate(found.value, role, found.start, found.end)
        previous_end = found.end


def _scan(text: str) -> Iterator[FoundDate]:
    candidates = sorted(
        [
            *_day_first_dates(text),
            *_named_month_dates(text),
            *_iso_dates(text),
            *_rfc822_dates(text),
        ],
        key=lambda found: found.start,
    )
    taken_until = 0
    for found in candidates:
        if found.start >= taken_until:
            taken_until = found.end
            yield found


def _day_first_dates(text: str) -> Iterator[FoundDate]:
    previous_end = 0
    for match in _DAY_FIRST_DATE.finditer(text):
        start, end = match.span()
        time = _TIME_AFTER_DATE.match(text, end)
        if time:
            end = time.end()
        else:
            # A time already read as the previous date's is not this one's.
            time = _TIME_BEFORE_DATE.search(text, max(previous_end, start - 24), start)
            if time:
                start = time.start()
        value = _local_datetime(match, time)
        if value is not None:
            yield FoundDate(value, DateRole.PUBLISHED, start, end)
            previous_end = end


def _named_month_dates(text: str) -> Iterator[FoundDate]:
    for pattern in _NAMED_MONTH_DATES:
        for match in pattern.finditer(text):
            start, end = match.span()
            time = _TIME_AFTER_DATE.match(text, end)
            if time:
                end = time.end()
            value = _local_datetime(match, time)
            if value is not None:
                yield FoundDate(value, DateRole.PUBLISHED, start, end)


def _month_number(date: re.Match[str]) -> int:
    names = date.groupdict()
    if names.get("number"):
        return int(names["number"])
    month = names["month"]
    return int(month) if month.isdigit() else _MONTHS[month.lower()]


def _local_datetime(date: re.Match[str], time: re.Match[str] | None) -> datetime | None:
    hour, minute, second = _clock(time) if time else (0, 0, 0)
    try:
        return datetime(
            int(date["year"]),
            _month_number(date),
            int(date["day"]),
            hour,
            minute,
            second,
            tzinfo=PORTAL_TZ,
        )
    except ValueError:
        return None


def _clock(time: re.Match[str]) -> tuple[int, int, int]:
    hour = int(time["hour"])
    ampm = (time["ampm"] or "").replace(".", "").upper()
    # "12:30 AM" is half past midnight; an out-of-range hour keeps its value and
    # fails validation instead of being corrected into something else.
    if ampm and hour <= 12:
        hour = hour % 12 + (12 if ampm == "PM" else 0)
    return hour, int(time["minute"]), int(time["second"] or 0)


def _iso_dates(text: str) -> Iterator[FoundDate]:
    for match in _ISO_8601.finditer(text):
        try:
            value = datetime.fromisoformat(match.group())
        except ValueError:
            continue
        yield FoundDate(_in_portal_tz(value), DateRole.PUBLISHED, *match.span())


def _rfc822_dates(text: str) -> Iterator[FoundDate]:
    for match in _RFC_822.finditer(text):
        try:
            value = parsedate_to_datetime(match.group())
        except (TypeError, ValueError):
            continue
        yield FoundDate(_in_portal_tz(value), DateRole.PUBLISHED, *match.span())


def _in_portal_tz(value: datetime) -> datetime:
    # Without an offset the value is portal local time, like every printed date; with one
    # it is the publisher's own clock, whose calendar day is the one it published on.
    return value.replace(tzinfo=PORTAL_TZ) if value.tzinfo is None else value


class DateRangeError(ValueError):
    """A range of days that ends before it starts."""


def check_day_range(first: date | None, last: date | None) -> None:
    """Refuses a range of days whose first day comes after its last: it could only ever
    select nothing, which looks like an empty archive rather than a mistyped date."""
    if first is not None and last is not None and first > last:
        raise DateRangeError(f"the date range ends ({last}) before it starts ({first})")


def utc_day_bounds(
    first: date | None, last: date | None
) -> tuple[datetime | None, datetime | None]:
    """Where the whole days ``first`` … ``last`` of portal time begin and end (the end
    excluded), as aware UTC times; None for an end left open."""
    check_day_range(first, last)
    start = None if first is None else _start_of_day_utc(first)
    if last is None:
        return start, None
    # The day after 9999-12-31 is past what datetime can hold: every moment is before it.
    end = _LAST_MOMENT if last == date.max else _start_of_day_utc(last + timedelta(days=1))
    return start, end


_FIRST_MOMENT = datetime.min.replace(tzinfo=UTC)
_LAST_MOMENT = datetime.max.replace(tzinfo=UTC)


def _start_of_day_utc(day: date) -> datetime:
    try:
        return datetime.combine(day, time.min, tzinfo=PORTAL_TZ).astimezone(UTC)
    except OverflowError:  # 0001-01-01 in Vietnam begins before datetime's first UTC moment
        return _FIRST_MOMENT
