"""What the application is given to serve, and how a view reaches it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request

from archive.db import Archive
from archive.stats import crawl_runs
from crawler.locks import with_live_status

# Host names that always mean this machine, answered besides the address listened on.
LOCAL_HOSTS = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class WebConfig:
    """The archive (opened read-only by ``serve``), the index, the WARC files and the crawl
    locks (which tell a running crawl from a killed one); and the Host names the server
    answers to (the others are refused, against DNS rebinding)."""

    archive: Archive
    index_dir: Path
    warc_dir: Path
    jobs_dir: Path
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS

    def crawl_runs(self) -> list[dict[str, Any]]:
        """Every crawl run, oldest first, "running" only while a crawl holds its sites."""
        return [with_live_status(run, self.jobs_dir) for run in crawl_runs(self.archive)]


def config_of(request: Request) -> WebConfig:
    return request.app.state.config
