"""The index is fed from the database: saving queues, one indexer drains the queue, and a crash
anywhere between the two loses no index update."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from archive.datadir import DataDir
from archive.db import open_archive
from archive.doctext import DocumentText, TextStatus
from archive.extract import ExtractedArticle
from archive.profiles.records import AttachmentRef
from archive.store import ArchiveStore
from search.errors import IndexLockedError
from search.indexer import ArticleIndex, indexed_hashes
from search.indexqueue import IndexerProcess, QueueIndexer
from tests.helpers import STTTT, VIETNAM, plain_article

BODY = "Hội nghị chuyển đổi số của tỉnh Hà Tĩnh bàn về dịch vụ công trực tuyến cho người dân. "


def article(number: int, body: str = BODY) -> ExtractedArticle:
    return plain_article(
        f"stttt/bai-{number}.html", f"Bài {number}", body * 3, datetime(2021, 1, 1, tzinfo=VIETNAM)
    )


@pytest.fixture
def data(tmp_path: Path) -> DataDir:
    directory = DataDir.resolve(tmp_path / "data")
    directory.create()
    return directory


@pytest.fixture
def store(data: DataDir) -> ArchiveStore:
    return ArchiveStore(open_archive(data.db_url))


def queued(store: ArchiveStore) -> list[int]:
    return [article_id for _entry, article_id in store.index_queue(1000)]


def indexer_of(data: DataDir) -> QueueIndexer:
    return QueueIndexer(open_archive(data.db_url), ArticleIndex(data.index_dir))


def test_saving_queues_new_and_changed_articles_not_unchanged_ones(store: ArchiveStore) -> None:
    site_id = store.ensure_site(STTTT)
    first = store.save_article(site_id, article(1), None).article_id
    assert queued(store) == [first]
    store.save_article(site_id, article(1), None)
    assert queued(store) == [first]
    changed = dataclasses.replace(article(1), body=BODY + "Thêm một câu.")
    store.save_article(site_id, changed, None)
    assert queued(store) == [first, first]


def test_a_copy_regrouped_under_an_earlier_original_is_queued_with_it(
    store: ArchiveStore,
) -> None:
    site_id = store.ensure_site(STTTT)
    later = store.save_article(site_id, article(2), None).article_id
    earlier = dataclasses.replace(article(1), published=datetime(2020, 1, 1, tzinfo=VIETNAM))
    saved = store.save_article(site_id, earlier, None)
    assert saved.regrouped == {later}
    assert sorted(queued(store)) == sorted([later, later, saved.article_id])


def test_a_document_whose_text_changed_queues_the_articles_attaching_it(
    store: ArchiveStore,
) -> None:
    url = "http://127.0.0.1:8002/stttt/van-ban.pdf"
    site_id = store.ensure_site(STTTT)
    attaching = dataclasses.replace(
        article(1), attachments=[AttachmentRef(url, "Văn bản", "application/pdf")]
    )
    article_id = store.save_article(site_id, attaching, None).article_id
    store.forget_indexed(entry for entry, _article in store.index_queue(10))
    read = DocumentText("Quyết định số 12", TextStatus.TEXT)
    store.save_document(url, "application/pdf", 100, read, None)
    assert queued(store) == [article_id]
    store.save_document(url, "application/pdf", 100, read, None)
    assert queued(store) == [article_id]


def test_a_drain_indexes_exactly_the_queued_articles_and_empties_the_queue(
    data: DataDir, store: ArchiveStore
) -> None:
    site_id = store.ensure_site(STTTT)
    ids = [store.save_article(site_id, article(n), None).article_id for n in (1, 2, 3)]
    left_out = store.index_queue(10)[1][0]
    store.forget_indexed([left_out])
    indexer = QueueIndexer(store.archive, ArticleIndex(data.index_dir), batch_size=1)
    assert indexer.drain() == 2
    assert set(indexed_hashes(data.index_dir)) == {str(ids[0]), str(ids[2])}
    assert store.index_queue_length() == 0


def test_an_article_saved_by_a_crawl_killed_before_indexing_is_indexed_by_the_next_drain(
    data: DataDir, store: ArchiveStore
) -> None:
    script = (
        "import os, signal, sys\n"
        "from archive.db import open_archive\n"
        "from archive.store import ArchiveStore\n"
        "from tests.helpers import STTTT\n"
        "from tests.search.test_indexqueue import article\n"
        "store = ArchiveStore(open_archive(sys.argv[1]))\n"
        "store.save_article(store.ensure_site(STTTT), article(1), None)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, data.db_url], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert indexed_hashes(data.index_dir) == {}
    assert indexer_of(data).drain() == 1
    assert list(indexed_hashes(data.index_dir)) == ["1"]


def test_an_indexer_that_could_not_write_leaves_the_queue_for_the_next_one(
    data: DataDir, store: ArchiveStore
) -> None:
    store.save_article(store.ensure_site(STTTT), article(1), None)
    ArticleIndex(data.index_dir)
    # Another writer, as far as Whoosh's lock goes.
    writer = whoosh_index.open_dir(str(data.index_dir)).writer()
    try:
        blocked = QueueIndexer(store.archive, ArticleIndex(data.index_dir, lock_timeout=0.1))
        with pytest.raises(IndexLockedError):
            blocked.drain()
    finally:
        writer.cancel()
    assert store.index_queue_length() == 1
    assert indexer_of(data).drain() == 1
    assert list(indexed_hashes(data.index_dir)) == ["1"]


def test_the_indexer_process_indexes_while_the_crawl_saves_and_everything_by_its_finish(
    data: DataDir, store: ArchiveStore
) -> None:
    site_id = store.ensure_site(STTTT)
    indexer = IndexerProcess(data.db_url, data.index_dir)
    indexer.start()
    ids = [store.save_article(site_id, article(n), None).article_id for n in range(1, 6)]
    indexer.finish()
    assert set(indexed_hashes(data.index_dir)) == {str(article_id) for article_id in ids}
    assert store.index_queue_length() == 0


def test_the_indexer_command_follows_the_queue_until_sigterm(
    data: DataDir, store: ArchiveStore
) -> None:
    command = [sys.executable, "-m", "portal_archive", "--data", str(data.root), "indexer"]
    follower = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        site_id = store.ensure_site(STTTT)
        ids = {str(store.save_article(site_id, article(n), None).article_id) for n in (1, 2)}
        deadline = time.monotonic() + 60
        while set(indexed_hashes(data.index_dir)) != ids and time.monotonic() < deadline:
            time.sleep(0.2)
        assert set(indexed_hashes(data.index_dir)) == ids
        follower.send_signal(signal.SIGTERM)
        out, err = follower.communicate(timeout=30)
    finally:
        follower.kill()
    assert follower.returncode == 0, err
    assert out.strip() == "2 queued articles indexed"
    assert store.index_queue_length() == 0
