"""Crawl locks, one per site: two crawls never fetch the same site at once.

A lock is an ``flock`` on ``jobs/crawl-SITE.lock``, which holds the pid of
its holder. The OS drops it when its process dies, however it dies, so a run
still recorded "running" whose sites nobody holds was killed. Reading whether
a site is locked creates nothing, so read commands may ask.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Collection, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from archive.errors import ArchiveError


def lock_path(jobs_dir: Path, site_key: str) -> Path:
    return jobs_dir / f"crawl-{site_key}.lock"


@contextmanager
def crawl_lock(jobs_dir: Path, site_keys: Collection[str]) -> Iterator[None]:
    """Holds the lock of every site of a crawl; a site another crawl holds is an error."""
    jobs_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as held:
        # Always in the same order, so two crawls sharing sites cannot each hold half.
        for key in sorted(site_keys):
            handle = held.enter_context(lock_path(jobs_dir, key).open("a+", encoding="ascii"))
            _take(handle, key)
        yield


def _take(handle: IO[str], site_key: str) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        raise ArchiveError(
            f"another crawl of site {site_key} is running (pid {pid}); "
            "wait for it to end or stop it first"
        ) from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()


def is_locked(jobs_dir: Path, site_key: str) -> bool:
    """Whether a live crawl holds the site's lock."""
    try:
        handle = lock_path(jobs_dir, site_key).open("r", encoding="ascii")
    except FileNotFoundError:
        return False
    with handle:
        try:
            # Shared, and let go at once: a crawl starting meanwhile still gets it.
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


# How a run shown interrupted can go on.
RESUME_HINT = "run the same crawl command again to resume it"


def with_live_status(run: dict[str, Any], jobs_dir: Path) -> dict[str, Any]:
    """A crawl run (as ``archive.stats.crawl_runs`` gives it) with the status to show:
    "running" only while a crawl holds one of its sites; a run recorded running that no
    crawl holds was killed, and is interrupted, with how to resume it."""
    if run["status"] != "running" or any(is_locked(jobs_dir, key) for key in run["sites"]):
        return run
    return run | {"status": "interrupted", "resume": RESUME_HINT}
