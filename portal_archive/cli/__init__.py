"""The ``portal-archive`` command line: crawl portals; search, inspect and export the archive.

Each module holds the commands of one kind of work; this one registers them.
"""

from __future__ import annotations

from portal_archive.cli import crawling, demo, maintenance, reading
from portal_archive.cli.common import main

COMMANDS = (
    crawling.crawl,
    crawling.crawls,
    crawling.report,
    reading.search_command,
    reading.stats,
    reading.export,
    reading.sites,
    reading.show,
    reading.history,
    reading.serve,
    maintenance.reindex,
    maintenance.import_command,
    maintenance.verify,
    maintenance.rebuild,
    maintenance.cdx,
    demo.demo,
)
for command in COMMANDS:
    main.add_command(command)

__all__ = ["main"]
