"""What every command shares: the group, the data directory, errors in the user's words."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from archive.datadir import DATA_ENV, DB_ENV, DataDir
from archive.dates import DateRangeError
from archive.errors import ArchiveError, ConfigError, ServiceError
from search.errors import IndexLockedError, QueryError

if TYPE_CHECKING:
    from archive.db import Archive

# Errors a user can fix; they become one line on stderr and exit code 1.
USER_ERRORS = (
    ConfigError,
    ArchiveError,
    ServiceError,
    QueryError,
    DateRangeError,
    IndexLockedError,
    OSError,
)


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless there is one: "1 version", "2 versions"."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


# Builds a command when it is asked for.
CommandLoader = Callable[[], click.Command]


class PortalArchiveGroup(click.Group):
    """The main group: a command's module is imported only when the command is used (a
    search loads no crawler), and errors a user can fix become one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaders: dict[str, CommandLoader] = {}

    def add_lazy_command(self, name: str, loader: CommandLoader) -> None:
        self._loaders[name] = loader

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._loaders})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self._loaders:
            self.add_command(self._loaders[cmd_name](), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            # Flushed here, a closed pipe is handled below rather than reported by Python at exit.
            sys.stdout.flush()
            return result
        except BrokenPipeError:
            # The reader stopped reading (`search … | head`): click's main exits quietly.
            raise
        except USER_ERRORS as exc:
            fail(str(exc))


def data_dir(ctx: click.Context) -> DataDir:
    return ctx.find_object(DataDir)


def parse_overrides(values: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            fail(f"-s takes NAME=VALUE, not {value!r}")
        overrides[name] = setting
    return overrides


def read_archive(ctx: click.Context) -> Archive:
    """The archive, for a command that only reads it: opened read-only, never created or
    migrated."""
    # Imported when used: a search that needs no database starts without it.
    from archive.db import open_archive_read_only

    return open_archive_read_only(data_dir(ctx).db_url)


def write_archive(ctx: click.Context) -> Archive:
    """The archive, for a command that writes to it: the data directory is created and the
    schema migrated if need be."""
    from archive.db import open_archive

    directory = data_dir(ctx)
    directory.create()
    return open_archive(directory.db_url)


def parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2020-12-25") from None


@click.group(cls=PortalArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_ENV,
    help=f"Data directory (database, index, WARCs). Default: ${DATA_ENV} or ./data.",
)
@click.option(
    "--db",
    metavar="URL",
    envvar=DB_ENV,
    help=f"SQLAlchemy database URL instead of DATA/archive.sqlite3 (or ${DB_ENV}).",
)
@click.version_option(package_name="portal-archive")
@click.pass_context
def main(ctx: click.Context, data: Path | None, db: str | None) -> None:
    """Crawl, archive and search the articles of Vietnamese provincial government portals.

    Archivists run `crawl` over a sites config; researchers use `search`,
    `stats` and `export`. `demo` shows the whole flow on the offline testbed.
    """
    ctx.obj = DataDir.resolve(data, db)


F = TypeVar("F", bound=Callable[..., Any])


redis_option = click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    envvar="PORTAL_REDIS_URL",
    help="Redis holding the shared crawl queues, e.g. redis://127.0.0.1:6379/0 "
    "(or $PORTAL_REDIS_URL).",
)


def config_option(help_text: str, *, default: Path | None = Path("sites.toml")) -> Callable[[F], F]:
    """``--config FILE``: a sites config, as every command that reads one names it."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help_text,
    )


def output_option(
    help_text: str = "Write to this file instead of standard output.",
) -> Callable[[F], F]:
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=help_text
    )


def day_range_options(command: F) -> F:
    """``--from`` and ``--to``: whole days of Vietnam time, both included."""
    command = click.option(
        "--to", "date_to", callback=parse_day, metavar="YYYY-MM-DD",
        help="Published on or before this day.",
    )(command)  # fmt: skip
    return click.option(
        "--from", "date_from", callback=parse_day, metavar="YYYY-MM-DD",
        help="Published on or after this day.",
    )(command)  # fmt: skip
