"""The data directory: where one archive keeps its database, index, WARCs and job state."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


DATA_ENV = "PORTAL_ARCHIVE_DATA"
# Read from the environment by the command line: a URL with a password stays off its argv.
DB_ENV = "PORTAL_ARCHIVE_DB"
DEFAULT_DATA_DIR = Path("data")


@dataclass(frozen=True)
class DataDir:
    root: Path
    db_url: str

    @classmethod
    def resolve(cls, root: Path | None = None, db_url: str | None = None) -> DataDir:
        """The directory named by the caller, else ``$PORTAL_ARCHIVE_DATA``, else ``./data``."""
        if root is None:
            root = Path(os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)
        root = root.absolute()
        return cls(root=root, db_url=db_url or sqlite_url(root / "archive.sqlite3"))

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def warc_dir(self) -> Path:
        return self.root / "warc"

    @property
    def jobs_dir(self) -> Path:
        return self.root / "jobs"

    def create(self) -> None:
        for path in (self.root, self.index_dir, self.warc_dir, self.jobs_dir):
            path.mkdir(parents=True, exist_ok=True)
