"""The Jinja2 templates of the interface, with autoescape always on.

Templates get the few filters and tests the pages need: dates as Vietnamese
readers write them, counts with a dot between thousands, and ``web_url``, the
test a URL must pass to become a link.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from archive.dates import PORTAL_TZ
from archive.urls import is_web_url

TEMPLATES_DIR = Path(__file__).parent / "templates"


def shown_time(moment: datetime | None) -> str:
    """Day first, in portal time: "25/12/2020 09:04"; "không rõ ngày" without a date."""
    if moment is None:
        return "không rõ ngày"
    return moment.astimezone(PORTAL_TZ).strftime("%d/%m/%Y %H:%M")


def shown_day(day: date | None) -> str:
    """Day first, as the date fields of the form take it: "25/12/2020"; empty without one."""
    return "" if day is None else f"{day:%d/%m/%Y}"


def shown_count(count: int) -> str:
    """Thousands separated by dots, as Vietnamese writes numbers: "12.345"."""
    return f"{count:,}".replace(",", ".")


def _environment() -> jinja2.Environment:
    # Autoescape for every template, whatever its name: archived text is never markup.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["time"] = shown_time
    environment.filters["day"] = shown_day
    environment.filters["count"] = shown_count
    environment.tests["web_url"] = is_web_url
    return environment


TEMPLATES = Jinja2Templates(env=_environment())


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)
