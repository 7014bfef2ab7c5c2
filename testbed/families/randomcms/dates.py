"""How a generated family prints a publication time (portal-notes 3).

Every format a portal was seen to use, with weekday spellings and labels. A
visible format without the time of day always comes with a machine-readable
time elsewhere on the page, so the gold minute stays knowable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

Weekdays = tuple[str, ...]


def _twelve(moment: datetime) -> str:
    return moment.strftime("%I:%M ") + ("AM" if moment.hour < 12 else "PM")


# name -> (printer, whether the time of day is shown); printers get the weekday names.
FORMATS: dict[str, tuple[Callable[[datetime, Weekdays], str], bool]] = {
    "hm_dmy": (lambda m, w: f"{m:%H:%M %d/%m/%Y}", True),
    "dmy_hm": (lambda m, w: f"{m:%d/%m/%Y %H:%M}", True),
    "nukeviet": (lambda m, w: f"{w[m.weekday()]} - {m:%d/%m/%Y %H:%M}", True),
    "weekday_hm_dmy": (lambda m, w: f"{w[m.weekday()]}, {m:%H:%M %d/%m/%Y}", True),
    "weekday_dmy_hm": (lambda m, w: f"{w[m.weekday()]}, {m:%d/%m/%Y %H:%M}", True),
    "weekday_bare": (lambda m, w: f"{w[m.weekday()]} {m:%d/%m/%Y %H:%M}", True),
    "dmy_comma_hm": (lambda m, w: f"{m:%d/%m/%Y, %H:%M}", True),
    "dotted": (lambda m, w: f"{w[m.weekday()]}, {m:%d.%m.%Y - %H:%M:%S}", True),
    "dashed": (lambda m, w: f"{m:%d-%m-%Y - %H:%M}", True),
    "liferay": (lambda m, w: f"{m:%d/%m/%Y} | {_twelve(m)}", True),
    "dmy_dash_hm": (lambda m, w: f"{m:%d/%m/%Y - %H:%M}", True),
    "h_mark": (lambda m, w: f"{m:%Hh%M} ngày {m:%d/%m/%Y}", True),
    "iso_like": (lambda m, w: f"{m:%Y-%m-%d %H:%M}", True),
    "dmy": (lambda m, w: f"{m:%d/%m/%Y}", False),
    "paren_dmy": (lambda m, w: f"({m:%d/%m/%Y})", False),
    "dashed_dmy": (lambda m, w: f"{m:%d-%m-%Y}", False),
    "weekday_dmy": (lambda m, w: f"{w[m.weekday()]}, {m:%d/%m/%Y}", False),
}

# Where the publication time sits: shown, shown in <time datetime>, or only for machines.
PLACES = ("text", "text", "text", "time_element", "meta_only", "json_ld_only", "attribute_only")
MACHINE_KINDS = ("meta", "json_ld", "itemprop")


@dataclass(frozen=True, slots=True)
class DateStyle:
    format: str
    weekdays: Weekdays
    label: str
    place: str
    # For a date without its time of day, or a hidden date: how machines are told.
    machine: str
    utc: bool
    # Many themes repeat the time for machines even when the page shows it whole.
    always_head: bool
    # Seconds printed by formats that show them; the gold keeps the minute only.
    seconds: int = 0

    def shows_time(self) -> bool:
        return FORMATS[self.format][1]

    def text(self, moment: datetime) -> str:
        printer = FORMATS[self.format][0]
        return printer(moment.replace(second=self.seconds), self.weekdays)

    def labelled(self, moment: datetime) -> str:
        return escape(self.label + self.text(moment))

    def iso(self, moment: datetime) -> str:
        return (moment.astimezone(UTC) if self.utc else moment).isoformat().replace("+00:00", "Z")

    def needs_head(self) -> bool:
        """Whether the head must carry the time: hidden on the page, or shown without its hour."""
        hidden = self.place in ("meta_only", "json_ld_only")
        return hidden or (self.place == "text" and not self.shows_time())

    def visible(self, moment: datetime, tag: str, attrs: str) -> str:
        """The date as it sits near the title; empty when only machines are told."""
        if self.place in ("meta_only", "json_ld_only"):
            return ""
        if self.place == "attribute_only":
            return f'<{tag}{attrs}><time datetime="{self.iso(moment)}"></time></{tag}>'
        if self.place == "time_element":
            return (
                f'<{tag}{attrs}>{escape(self.label)}<time datetime="{self.iso(moment)}">'
                f"{escape(self.text(moment))}</time></{tag}>"
            )
        return f"<{tag}{attrs}>{self.labelled(moment)}</{tag}>"

    def head(self, moment: datetime, title: str) -> str:
        """What the page's head says about the time, if anything."""
        if not (self.needs_head() or self.always_head):
            return ""
        kind = {"meta_only": "meta", "json_ld_only": "json_ld"}.get(self.place, self.machine)
        iso = self.iso(moment)
        if kind == "json_ld":
            data = {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": title,
                "datePublished": iso,
            }
            script = json.dumps(data, ensure_ascii=False)
            return f'<script type="application/ld+json">{script}</script>'
        if kind == "itemprop":
            return f'<meta itemprop="datePublished" content="{iso}">'
        return f'<meta property="article:published_time" content="{iso}">'
