"""Writers for the gold JSON Lines and the sites TOML; both land atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TextIO

from .families.randomcms import RandomCms
from .model import SiteRecord


def atomic_write(path: str | os.PathLike[str], write: Callable[[TextIO], None]) -> None:
    """Write via a temp file in the same directory and rename, so pollers never see half."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
        # mkstemp creates the file private; the result is an ordinary shared output file.
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_gold(path: str | os.PathLike[str], records: Iterable[Mapping[str, str]]) -> None:
    def write(handle: TextIO) -> None:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    atomic_write(path, write)


def toml_string(value: str) -> str:
    escapes = {
        '"': '\\"',
        "\\": "\\\\",
        "\b": "\\b",
        "\t": "\\t",
        "\n": "\\n",
        "\f": "\\f",
        "\r": "\\r",
    }
    out = []
    for ch in value:
        if ch in escapes:
            out.append(escapes[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def sites_toml(sites: Iterable[SiteRecord]) -> str:
    tables = []
    for site in sites:
        lines = [
            f"[sites.{site.key}]",
            f"name = {toml_string(site.name)}",
            f"family = {toml_string(_crawled_as(site.family))}",
            f"base_url = {toml_string(site.base_url)}",
            f"start_urls = [{toml_string(site.start_url)}]",
        ]
        if site.parent:
            lines.append(f"parent = {toml_string(site.parent)}")
        tables.append("\n".join(lines) + "\n")
    return "\n".join(tables)


def _crawled_as(family: str) -> str:
    """A generated family has no profile by design: the crawler is to read it as unknown."""
    return "generic" if family == RandomCms.name else family


def write_sites(path: str | os.PathLike[str], sites: Iterable[SiteRecord]) -> None:
    text = sites_toml(sites)
    atomic_write(path, lambda handle: handle.write(text))
