"""Writing articles into the Whoosh index.

The database is the source of truth; this index is derived from it and can be
rebuilt at any time. Only one writer may hold an index at a time (Whoosh's
write lock, an fcntl lock that dies with its process): a second writer waits
up to ``lock_timeout`` seconds and then gets :class:`IndexLockedError`.
Searching never takes the lock and sees the last committed state.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index, IndexVersionError, LockError
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, IndexWriter

from archive.documents import document_type
from search import whoosh_compat
from search.analysis import nfc
from search.errors import IndexLockedError, IndexNotFoundError, IndexOutdatedError
from search.schema import article_schema

# The machine has two cores and a crawl commits many small batches: one
# process, with a posting pool large enough that a batch never spills to disk
# (about 800 articles fit). Each batch commits with Whoosh's default MERGE_SMALL
# policy, which keeps the segment count logarithmic without rewriting large
# segments. A rebuild outgrows any pool that keeps its memory bounded; its runs
# on disk are pickled a chunk at a time (see search.whoosh_compat). Extra writer
# processes (procs=2, multisegment) pickle every document to a child: measured
# on two shared cores, no faster in wall time and no less CPU.
WRITER_LIMIT_MB = 128
WRITER_PROCS = 1
# Called with the number of articles a rebuild has read so far.
Progress = Callable[[int], None]
DEFAULT_LOCK_TIMEOUT = 10.0
_LOCK_RETRY_DELAY = 0.25
# The ``is_copy`` term of every document that copies another one.
COPY_MARK = "1"
# The text of an article's documents indexed at most: a 500-page annex must not make one
# article cost more to index and to store than a thousand others.
MAX_DOCUMENT_CHARS = 200_000


class AttachmentLike(Protocol):
    """What the index needs from a document an article attaches."""

    @property
    def url(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def media_type(self) -> str | None: ...
    @property
    def text(self) -> str | None:
        """The document's text, once it is fetched and read; None until then or if it has
        none."""
        ...


class CitedDocumentLike(Protocol):
    """What the index needs from a legal document an article cites."""

    @property
    def folded_key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def issuer(self) -> str | None: ...


class CitationLike(Protocol):
    """That an article cites a legal document (``archive.models.ArticleReference`` fits)."""

    @property
    def reference(self) -> CitedDocumentLike: ...


class ArticleLike(Protocol):
    """What the index needs from an article (``archive.models.Article`` fits)."""

    @property
    def id(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def site_key(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def summary(self) -> str | None: ...
    @property
    def body(self) -> str: ...
    @property
    def published(self) -> datetime | None: ...
    @property
    def author(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def language(self) -> str: ...
    @property
    def attachments(self) -> Sequence[AttachmentLike]: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def duplicate_of_url(self) -> str | None: ...
    @property
    def references(self) -> Sequence[CitationLike]: ...


class ArticleIndex:
    """The article index in ``index_dir``, created there if it does not exist.

    Not thread-safe for writing: give each writing thread or process its own
    instance, and expect :class:`IndexLockedError` if two write at once.
    """

    def __init__(self, index_dir: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        # An index this version cannot read is kept as its error: only a rebuild,
        # which replaces it, can use it.
        self._opened: Index | IndexOutdatedError
        try:
            self._opened = _open_or_create(self.index_dir)
        except IndexOutdatedError as exc:
            self._opened = exc

    def add(self, articles: Iterable[ArticleLike]) -> int:
        """Index or re-index ``articles`` in one commit; return how many were written.

        An article already in the index is replaced, never duplicated.
        """
        latest = _latest_per_id(articles)
        if not latest:
            return 0
        with self._writer() as writer:
            for article in latest.values():
                writer.update_document(**article_document(article))
        return len(latest)

    def delete(self, article_ids: Iterable[int | str]) -> int:
        """Remove the given articles; return how many documents were deleted."""
        ids = {str(article_id) for article_id in article_ids}
        if not ids:
            return 0
        with self._writer() as writer:
            return sum(writer.delete_by_term("article_id", article_id) for article_id in ids)

    def rebuild(self, articles: Iterable[ArticleLike], progress: Progress | None = None) -> int:
        """Replace the whole index with ``articles``, each given once; return how many were
        indexed. ``progress``, if given, is called after each article with the count so far.

        The articles are streamed, not held: memory stays flat however large the
        archive. The old index stays visible to searches until the new one is
        committed (one atomic rename of its table of contents), and stays intact
        if this fails half-way.
        """
        if isinstance(self._opened, IndexOutdatedError):
            self._opened = _create(self.index_dir)
        count = 0
        with self._writer(mergetype=CLEAR) as writer:
            for article in articles:
                writer.add_document(**article_document(article))
                count += 1
                if progress is not None:
                    progress(count)
        return count

    def optimize(self) -> None:
        """Merge all segments into one.

        Batches already merge small segments as they commit, so this is
        maintenance, not a step of every crawl: it rewrites the whole index
        (about 25 s for 5,000 articles). ``rebuild`` needs none.
        """
        self._open_writer().commit(optimize=True)

    def doc_count(self) -> int:
        return self._readable_index().doc_count()

    def indexed_ids(self) -> set[str]:
        return set(self.indexed_hashes())

    def indexed_hashes(self) -> dict[str, str]:
        """The content hash of every indexed article, by article id."""
        return _hashes_of(self._readable_index())

    @contextmanager
    def _writer(self, **commit_options: Any) -> Iterator[IndexWriter]:
        writer = self._open_writer()
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit(**commit_options)

    def _readable_index(self) -> Index:
        if isinstance(self._opened, IndexOutdatedError):
            raise self._opened
        return self._opened

    def _open_writer(self) -> IndexWriter:
        try:
            writer = self._readable_index().writer(
                procs=WRITER_PROCS,
                limitmb=WRITER_LIMIT_MB,
                timeout=self.lock_timeout,
                delay=_LOCK_RETRY_DELAY,
            )
        except LockError:
            raise IndexLockedError(
                f"search index {self.index_dir} is locked by another writer "
                f"(waited {self.lock_timeout:g}s); is another crawl or reindex running?"
            ) from None
        return whoosh_compat.with_chunked_runs(writer, WRITER_LIMIT_MB)


def open_index(index_dir: Path) -> Index:
    """The existing index in ``index_dir``, for searching; never creates anything."""
    if not _has_index(index_dir):
        raise IndexNotFoundError(f"no search index in {index_dir}; run a crawl or reindex first")
    index = _open_readable(index_dir)
    # A writer creates the index before its first commit (a crawl may stop before its first
    # batch); Whoosh cannot read columns of an index without segments.
    if index.is_empty():
        raise IndexNotFoundError(
            f"the search index in {index_dir} holds no articles; run reindex if the archive has any"
        )
    return index


def open_searcher(index_dir: Path) -> Searcher:
    """A searcher of the last index committed in ``index_dir``; never creates anything.

    A rebuild can commit, and delete the segments of the index it replaces, between
    the moment a search reads the table of contents and the moment it opens the
    segments it names; the next table of contents names segments that exist, so the
    search reads it again.
    """
    for _retry in range(_OPEN_RETRIES):
        try:
            return open_index(index_dir).searcher()
        except FileNotFoundError:
            continue
    return open_index(index_dir).searcher()


def indexed_hashes(index_dir: Path) -> dict[str, str]:
    """The content hash of every article indexed in ``index_dir``, by article id; none if there
    is no index or it cannot be read. Opens the index for reading only."""
    try:
        return _hashes_of(open_index(index_dir))
    except IndexNotFoundError:
        return {}


def index_entries(index_dir: Path) -> list[tuple[str, str]]:
    """(article id, content hash) of every document in ``index_dir``, an article indexed twice
    twice; none if there is no index. Raises :class:`IndexOutdatedError` if it cannot be read."""
    try:
        return _entries_of(open_index(index_dir))
    except IndexOutdatedError:
        raise
    except IndexNotFoundError:
        return []


def _hashes_of(index: Index) -> dict[str, str]:
    return dict(_entries_of(index))


def _entries_of(index: Index) -> list[tuple[str, str]]:
    if index.is_empty():
        return []
    with index.searcher() as searcher:
        reader = searcher.reader()
        ids = reader.column_reader("article_id")
        hashes = reader.column_reader("content_hash")
        return [(ids[docnum], hashes[docnum]) for docnum in reader.all_doc_ids()]


_OPEN_RETRIES = 4
_INDEX_NAME = "MAIN"  # Whoosh's default name, used by every index of the archive
# What unpickling the schema of an index written by another version raises: the
# classes of its analyzers were renamed, moved or changed.
_UNREADABLE_SCHEMA_ERRORS = (
    AttributeError,
    ImportError,
    TypeError,
    EOFError,
    pickle.UnpicklingError,
    IndexVersionError,
)


def _has_index(index_dir: Path) -> bool:
    # Whoosh's exists_in() opens the index, schema and all, so it fails like open_dir()
    # on an unreadable one; a table of contents ("_MAIN_<generation>.toc") says enough.
    return index_dir.is_dir() and any(index_dir.glob(f"_{_INDEX_NAME}_*.toc"))


def _open_readable(index_dir: Path) -> Index:
    # Memory-mapped, a segment is copied whole into memory by every searcher that opens
    # it (Whoosh wraps the map in a BytesIO): a second per search at 100,000 articles.
    # Read through its open file instead, it costs nothing to open, and a rebuild that
    # deletes it cannot pull it away from a search still reading it.
    storage = FileStorage(str(index_dir), supports_mmap=False)
    try:
        return storage.open_index()
    except _UNREADABLE_SCHEMA_ERRORS as exc:
        raise IndexOutdatedError(
            f"the search index in {index_dir} was written by another version of this program"
            f" ({type(exc).__name__}: {exc}); run reindex"
        ) from exc


def _open_or_create(index_dir: Path) -> Index:
    if _has_index(index_dir):
        return _with_current_fields(_open_readable(index_dir))
    return _create(index_dir)


def _create(index_dir: Path) -> Index:
    index_dir.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(index_dir, article_schema())


def _with_current_fields(index: Index) -> Index:
    """The index, with the fields added since it was created (their documents lack them until
    they are indexed again; ``reindex`` does all at once)."""
    added = {
        name: field for name, field in article_schema().items() if name not in index.schema.names()
    }
    if not added:
        return index
    writer = index.writer()
    for name, field in added.items():
        writer.add_field(name, field)
    writer.commit()
    return _open_readable(Path(index.storage.folder))


def _latest_per_id(articles: Iterable[ArticleLike]) -> dict[int, ArticleLike]:
    # update_document only replaces documents already committed, so the same
    # id twice within one batch would otherwise be indexed twice.
    return {article.id: article for article in articles}


def article_document(article: ArticleLike) -> dict[str, Any]:
    """The Whoosh fields of one article."""
    title = nfc(article.title or "")
    body = searchable_body(article.summary, article.body)
    document: dict[str, Any] = {
        "article_id": str(article.id),
        "url": article.url,
        "site": article.site_key,
        "title": title,
        "title_folded": title,
        "body": body,
        "body_folded": body,
        "content_hash": article.content_hash,
    }
    optional = {
        "author": article.author and nfc(article.author),
        "category": article.category and nfc(article.category),
        "published": article.published and to_naive_utc(article.published),
        "language": article.language,
        "document_type": ",".join(
            sorted({document_type(attached.media_type) for attached in article.attachments})
        ),
        "original": article.duplicate_of_url,
        "is_copy": article.duplicate_of_url and COPY_MARK,
        **reference_fields(article.references),
    }
    document.update({name: value for name, value in optional.items() if value})
    attached = attached_texts(article.attachments)
    if attached:
        joined = "\n\n".join(text for _name, text in attached)
        document.update(documents=joined, documents_folded=joined, attached_documents=attached)
    return document


def attached_texts(attachments: Sequence[AttachmentLike]) -> tuple[tuple[str, str], ...]:
    """(name, text) of each attached document with text, in the article's order, within
    :data:`MAX_DOCUMENT_CHARS` in all."""
    found = []
    budget = MAX_DOCUMENT_CHARS
    for attached in attachments:
        text = nfc(attached.text or "").strip()
        if not text or budget <= 0:
            continue
        name = nfc(attached.name or "").strip() or _file_name(attached.url)
        found.append((name, text[:budget]))
        budget -= len(text)
    return tuple(found)


def _file_name(url: str) -> str:
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or url


def reference_fields(citations: Sequence[CitationLike]) -> dict[str, str]:
    """The ``refs``, ``ref_kind`` and ``ref_issuer`` terms of an article's citations, each once."""
    cited = [citation.reference for citation in citations]
    return {
        "refs": " ".join(sorted({document.folded_key for document in cited})),
        "ref_kind": " ".join(sorted({document.kind for document in cited})),
        "ref_issuer": " ".join(sorted({document.issuer for document in cited if document.issuer})),
    }


def searchable_body(summary: str | None, body: str) -> str:
    """The body, led by the summary (sapo) unless the body already contains it.

    Extractors differ on whether the sapo belongs to the body; a word that is
    only in the sapo must still be findable.
    """
    body = nfc(body or "")
    summary = nfc(summary or "").strip()
    if not summary or summary in body:
        return body
    return f"{summary}\n\n{body}" if body else summary


def to_naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the index stores aware times only")
    return moment.astimezone(UTC).replace(tzinfo=None)
