from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from archive.datadir import DataDir
from archive.db import open_archive_read_only
from portal_archive.web import WebConfig, create_app

from .archive import WebArchive, build_web_archive

# The address ``serve`` listens on by default; the app refuses other Host headers.
LOCAL_BASE_URL = "http://127.0.0.1:8080"


@pytest.fixture(scope="session")
def web_archive(tmp_path_factory: pytest.TempPathFactory) -> WebArchive:
    return build_web_archive(DataDir.resolve(tmp_path_factory.mktemp("web") / "data"))


def web_config(data: DataDir) -> WebConfig:
    """What ``serve`` gives the app: the archive opened read-only."""
    return WebConfig(
        archive=open_archive_read_only(data.db_url),
        index_dir=data.index_dir,
        warc_dir=data.warc_dir,
        jobs_dir=data.jobs_dir,
    )


@pytest.fixture(scope="session")
def client(web_archive: WebArchive) -> Iterator[TestClient]:
    with TestClient(create_app(web_config(web_archive.data)), base_url=LOCAL_BASE_URL) as client:
        yield client
