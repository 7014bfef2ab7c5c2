"""What the application is given to serve, and how a view reaches it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from archive.db import Archive

# Host names that always mean this machine, answered besides the address listened on.
LOCAL_HOSTS = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class WebConfig:
    """The archive (opened read-only by ``serve``), the index and the WARC files; and the
    Host names the server answers to (the others are refused, against DNS rebinding)."""

    archive: Archive
    index_dir: Path
    warc_dir: Path
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS


def config_of(request: Request) -> WebConfig:
    return request.app.state.config
