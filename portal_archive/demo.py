"""The testbed portal as a background process, for the demo."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

STARTUP_TIMEOUT = 120.0


@contextmanager
def running_testbed(workdir: Path, *, articles: int, seed: int) -> Iterator[Path]:
    """Starts ``python -m testbed serve`` and yields its sites config once it serves."""
    workdir.mkdir(parents=True, exist_ok=True)
    sites_config = workdir / "sites.toml"
    gold = workdir / "gold.jsonl"
    sites_config.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "testbed", "serve",
        "--articles", str(articles), "--seed", str(seed),
        "--gold", str(gold), "--sites-out", str(sites_config),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        _wait_for(sites_config, process)
        yield sites_config
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> None:
    # The testbed writes the file atomically once every server accepts connections.
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not path.exists():
        if process.poll() is not None:
            raise click.ClickException(f"the testbed stopped with exit code {process.returncode}")
        if time.monotonic() > deadline:
            raise click.ClickException(f"the testbed did not start in {STARTUP_TIMEOUT:.0f} s")
        time.sleep(0.1)
