"""The errors of the archive a user can fix, apart from the code that raises them.

The command line turns them into one line in the user's words; keeping them
here lets it do so without loading the database layer or the site profiles.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """A problem with the archive that the user can act on."""


class ConfigError(ValueError):
    """The sites config is missing or wrong; the message says where."""


class ServiceError(Exception):
    """A server the crawl needs besides the database (Redis) cannot be used; the message
    names it without its password."""
