"""Crawl runs: starting, resuming and finishing them, each site's mode, and its counters.

A run's counters are kept as rows, one per site, process (``worker``) and part
of the run (a run resumed after a kill is a new part): each process only ever
rewrites its own row, so several processes crawling one run never overwrite
each other's counts, and a resumed part never needs to know what earlier parts
counted. A site's counters over the run are the merge of its rows, and the
run's totals the merge of its sites': computed when read rather than kept in
columns of the run, which concurrent processes would have to update in step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import reduce
from typing import Any, Self

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from archive.db import Archive
from archive.models import CrawlRun, RunSiteCounters, RunSiteMode, utcnow

RUNNING, INTERRUPTED = "running", "interrupted"
# A run in one of these states can be resumed; any other end deletes its frontier.
RESUMABLE = (RUNNING, INTERRUPTED)
FULL = "full"
# The mode of a run whose sites were crawled in different modes.
MIXED = "mixed"
# The worker of a crawl run in one process.
MAIN_WORKER = "main"

# Counts that add up over the parts and workers of a run.
SUMMED = (
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "articles_missing_fields",
    "known_skipped",
    "revalidated",
    "out_of_scope",
    "robots_forbidden",
    "retried",
    "bytes",
)
# Counts per name (failure reason, trap kind, reported field) that add up name by name.
TALLIED = ("articles_without", "failures", "traps")


@dataclass(frozen=True)
class FailedPage:
    url: str
    reason: str


@dataclass(frozen=True)
class SiteCounters:
    """What a crawl counted of one site; the merge of two parts is what the whole counted.

    ``articles_without`` is empty for runs recorded before it was counted, which must
    not read as no article lacking anything.
    """

    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    # Articles lacking any of title, date and body.
    articles_missing_fields: int = 0
    # Per reported field (archive.profiles.records), the archived articles without it.
    articles_without: Mapping[str, int] = field(default_factory=dict)
    # Known articles an incremental crawl did not fetch, or fetched conditionally.
    known_skipped: int = 0
    revalidated: int = 0
    out_of_scope: int = 0
    traps: Mapping[str, int] = field(default_factory=dict)
    robots_forbidden: int = 0
    # Pages lost for good, per reason, and the first of them (the crawler caps the list).
    failures: Mapping[str, int] = field(default_factory=dict)
    failed: tuple[FailedPage, ...] = ()
    # Transient errors that a later attempt got past.
    retried: int = 0
    bytes: int = 0
    started: datetime | None = None
    finished: datetime | None = None
    # The time the site was being crawled, not the time between its parts.
    duration_s: float = 0.0
    finish_reason: str | None = None

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    @property
    def pages_per_s(self) -> float:
        return round(self.pages_fetched / self.duration_s, 2) if self.duration_s > 0 else 0.0

    def merge(self, other: SiteCounters) -> SiteCounters:
        """The counters of both; associative, with ``SiteCounters()`` as identity. The
        finish and its reason are those of the part that finished last."""
        last = other if _not_before(other.finished, self.finished) else self
        return SiteCounters(
            **{name: getattr(self, name) + getattr(other, name) for name in SUMMED},
            **{name: _tally(getattr(self, name), getattr(other, name)) for name in TALLIED},
            failed=self.failed + other.failed,
            started=min(filter(None, (self.started, other.started)), default=None),
            finished=last.finished,
            duration_s=round(self.duration_s + other.duration_s, 3),
            finish_reason=last.finish_reason,
        )

    def to_dict(self) -> dict[str, Any]:
        """The stored form, which reports show as it is: times in ISO 8601, and the errors
        and pages per second that follow from the counts."""
        stored = {item.name: getattr(self, item.name) for item in fields(self)}
        return stored | {
            "articles_without": dict(self.articles_without),
            "traps": dict(self.traps),
            "failures": dict(self.failures),
            "failed": [{"url": page.url, "reason": page.reason} for page in self.failed],
            "started": self.started.isoformat() if self.started else None,
            "finished": self.finished.isoformat() if self.finished else None,
            "errors": self.errors,
            "pages_per_s": self.pages_per_s,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Self:
        """Counters from their stored form; what older versions did not count is zero, and
        keys that follow from the counts are left out."""
        names = {item.name for item in fields(cls)}
        known = {name: value for name, value in stored.items() if name in names}
        return cls(
            **(
                known
                | {
                    "failed": tuple(FailedPage(**page) for page in stored.get("failed", [])),
                    "started": _moment(stored.get("started")),
                    "finished": _moment(stored.get("finished")),
                }
            )
        )


def merged(counters: Iterable[SiteCounters]) -> SiteCounters:
    return reduce(SiteCounters.merge, counters, SiteCounters())


def _not_before(moment: datetime | None, other: datetime | None) -> bool:
    return other is None or (moment is not None and moment >= other)


def _tally(first: Mapping[str, int], second: Mapping[str, int]) -> dict[str, int]:
    # Counter.update keeps zero counts, which say that nothing of that name happened.
    tally = Counter(first)
    tally.update(second)
    return dict(tally)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Counting:
    """Whose counters one row holds: a process (``worker``) crawling a site in one part of a
    run (``part``: how often the run had been resumed when the process started)."""

    run_id: int
    site_key: str
    worker: str
    part: int


def site_counters(run: CrawlRun) -> dict[str, SiteCounters]:
    """The counters over the run (rows merged) of each site it recorded a mode or a count of,
    in the order the run lists its sites."""
    rows: dict[str, list[SiteCounters]] = {row.site_key: [] for row in run.site_modes}
    for row in run.site_counters:
        rows.setdefault(row.site_key, []).append(SiteCounters.from_dict(row.counters))
    listed = run.sites.split()
    keys = [key for key in listed if key in rows] + [key for key in rows if key not in listed]
    return {key: merged(rows[key]) for key in keys}


def site_modes(run: CrawlRun) -> dict[str, str]:
    return {row.site_key: row.mode for row in run.site_modes}


def run_mode(run: CrawlRun) -> str:
    """The mode its sites were crawled in, or the one it started with before any was chosen."""
    modes = set(site_modes(run).values())
    if not modes:
        return run.mode
    return modes.pop() if len(modes) == 1 else MIXED


class CrawlRuns:
    """The archive's crawl runs; every method is its own transaction."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def start(self, site_keys: list[str], mode: str = FULL) -> int:
        with self.archive.session() as session:
            run = CrawlRun(sites=" ".join(site_keys), mode=mode)
            session.add(run)
            session.flush()
            return run.id

    def finish(self, run_id: int, status: str) -> None:
        with self.archive.session() as session:
            run = session.get_one(CrawlRun, run_id)
            run.status = status
            run.finished_at = utcnow()

    def resumable(self, site_keys: Collection[str]) -> int | None:
        """The newest run of exactly these sites, if it did not end (killed or interrupted)."""
        wanted = set(site_keys)
        with self.archive.sessions() as session:
            for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())):
                if set(run.sites.split()) == wanted:
                    return run.id if run.status in RESUMABLE else None
        return None

    def reopen(self, run_id: int) -> None:
        """Marks the run running again, as a new part: what earlier parts counted stays in
        their rows."""
        with self.archive.session() as session:
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(status=RUNNING, finished_at=None, resumed=CrawlRun.resumed + 1)
            )

    def part(self, run_id: int) -> int:
        """The part of the run a process starting now counts in."""
        with self.archive.sessions() as session:
            return session.get_one(CrawlRun, run_id).resumed

    def set_site_mode(self, run_id: int, site_key: str, mode: str) -> None:
        """Records whether the run crawls the site in full or incrementally, unless a
        process crawling it too chose first."""
        try:
            with self.archive.session() as session:
                session.add(RunSiteMode(run_id=run_id, site_key=site_key, mode=mode))
        except IntegrityError:
            pass

    def site_mode(self, run_id: int, site_key: str) -> str | None:
        """The mode an (interrupted and resumed) run already chose for the site."""
        statement = select(RunSiteMode.mode).where(
            RunSiteMode.run_id == run_id, RunSiteMode.site_key == site_key
        )
        with self.archive.sessions() as session:
            return session.scalar(statement)

    def last_full_crawl(self, site_key: str) -> datetime | None:
        """When the site's latest completed full crawl finished, if it ever had one."""
        statement = (
            select(CrawlRun.finished_at)
            .join(RunSiteMode)
            .where(
                CrawlRun.status == "finished",
                CrawlRun.finished_at.is_not(None),
                RunSiteMode.site_key == site_key,
                RunSiteMode.mode == FULL,
            )
            .order_by(CrawlRun.finished_at.desc())
            .limit(1)
        )
        with self.archive.sessions() as session:
            return session.scalar(statement)

    def save_counters(self, counting: Counting, counters: SiteCounters) -> None:
        """Keeps what the process counted so far (saved again as the crawl goes on)."""
        key = (
            RunSiteCounters.run_id == counting.run_id,
            RunSiteCounters.site_key == counting.site_key,
            RunSiteCounters.worker == counting.worker,
            RunSiteCounters.part == counting.part,
        )
        with self.archive.session() as session:
            row = session.scalar(select(RunSiteCounters).where(*key))
            if row is None:
                row = RunSiteCounters(
                    run_id=counting.run_id,
                    site_key=counting.site_key,
                    worker=counting.worker,
                    part=counting.part,
                )
                session.add(row)
            row.counters = counters.to_dict()

    def site_counters(self, run_id: int) -> dict[str, SiteCounters]:
        with self.archive.sessions() as session:
            return site_counters(session.get_one(CrawlRun, run_id))
