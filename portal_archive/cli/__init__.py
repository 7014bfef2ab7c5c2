"""The ``portal-archive`` command line: crawl portals; search, inspect and export the archive.

Each module holds the commands of one kind of work; this one names them. A
module is imported when one of its commands runs, so a search starts without
loading the crawler, the extractors or the database layer.
"""

from __future__ import annotations

import importlib

import click

from portal_archive.cli.common import CommandLoader, main


def _command(module: str, name: str) -> CommandLoader:
    def load() -> click.Command:
        command = getattr(importlib.import_module(f"portal_archive.cli.{module}"), name)
        assert isinstance(command, click.Command)
        return command

    return load


def _sites() -> click.Command:
    from portal_archive.cli import reading, setup

    reading.sites.add_command(setup.sites_add)
    return reading.sites


COMMANDS: dict[str, CommandLoader] = {
    "crawl": _command("crawling", "crawl"),
    "worker": _command("crawling", "worker"),
    "crawls": _command("crawling", "crawls"),
    "report": _command("crawling", "report"),
    "search": _command("searching", "search_command"),
    "stats": _command("reading", "stats"),
    "export": _command("reading", "export"),
    "sites": _sites,
    "show": _command("reading", "show"),
    "history": _command("reading", "history"),
    "serve": _command("reading", "serve"),
    "refs": _command("references", "refs"),
    "reindex": _command("maintenance", "reindex"),
    "indexer": _command("maintenance", "indexer"),
    "import": _command("maintenance", "import_command"),
    "verify": _command("maintenance", "verify"),
    "rebuild": _command("maintenance", "rebuild"),
    "cdx": _command("maintenance", "cdx"),
    "schedule": _command("setup", "schedule"),
    "watch": _command("watching", "watch"),
    "demo": _command("demo", "demo"),
}
for name, loader in COMMANDS.items():
    main.add_lazy_command(name, loader)

__all__ = ["main"]
