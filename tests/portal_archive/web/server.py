"""``portal-archive serve`` started as a user starts it, for tests that need a real server."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STOP_TIMEOUT = 10


@contextmanager
def serving(data: Path, *options: str) -> Iterator[str]:
    """Runs ``portal-archive --data DATA serve --port 0 OPTIONS``; yields its base URL."""
    command = [sys.executable, "-m", "portal_archive", "--data", str(data), "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://\S+/", line)
        assert found is not None, f"serve printed {line!r}"
        yield found[0].rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=STOP_TIMEOUT)
