"""Whoosh's on-disk structures read whole, as arrays: the one module that uses its internals.

Whoosh's public API walks postings and columns one document at a time, a
couple of microseconds each; a word found in most of 100,000 articles then
costs a quarter of a second before anything is scored. Its codec stores a
term's postings in blocks (a pickled tuple of delta-coded ids and weights) and
a column as fixed-width values, so both can be read a block or a column at a
time. Everything here depends on ``whoosh.codec.whoosh3`` and
``whoosh.columns`` as they are; ``tests/search/test_whoosh_compat.py`` compares
each reader with the public API and fails when Whoosh changes them.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import EmptyColumnReader, NumericColumn, RefBytesColumn
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length
from whoosh.writing import IndexWriter, PostingPool, SegmentWriter

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
# Field lengths are stored as one byte each, a logarithmic code.
_LENGTH_OF_BYTE = np.array([byte_to_length(code) for code in range(256)], dtype=np.float32)


def postings(reader: SegmentReader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (ascending) and weights (term frequencies) of ``text`` in
    ``fieldname`` of one segment, deleted documents included (see :func:`live_documents`);
    empty arrays if the segment lacks the term."""
    if (fieldname, text) not in reader:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):  # the reader's own skipping of deleted documents
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        # A rare term's postings are kept inline in its term info, not in blocks.
        return _walked(matcher)
    return _blocks(matcher)


def _walked(matcher: object) -> tuple[np.ndarray, np.ndarray]:
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():  # type: ignore[attr-defined]
        ids.append(matcher.id())  # type: ignore[attr-defined]
        weights.append(matcher.weight())  # type: ignore[attr-defined]
        matcher.next()  # type: ignore[attr-defined]
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


def _blocks(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    deltas: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    previous_max = 0
    postfile = matcher._postfile
    while True:
        count = matcher._blocklength
        data = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        ids, block_weights = pickle.loads(zlib.decompress(data) if matcher._compression else data)[
            :2
        ]
        if matcher._byteids:
            raise ValueError(f"postings of {matcher._term!r} hold byte ids, not documents")
        block = np.asarray(ids, dtype=np.int64)
        # Each block codes its ids from 0; counted from the previous block's last id
        # instead, one cumulative sum decodes them all.
        block[0] -= previous_max
        deltas.append(block)
        weights.append(_block_weights(block_weights, count))
        previous_max = matcher._maxid
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return np.cumsum(np.concatenate(deltas)), np.concatenate(weights)


def _block_weights(weights: object, count: int) -> np.ndarray:
    if weights is None:
        return np.ones(count, dtype=np.float32)
    if isinstance(weights, float):
        return np.full(count, weights, dtype=np.float32)
    return np.asarray(weights, dtype=np.float32)


def field_lengths(reader: SegmentReader, fieldname: str) -> np.ndarray:
    """Every document's length in ``fieldname`` (words), as Whoosh scores it."""
    perdoc = reader._perdoc
    lengths = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if lengths is None:
        return np.zeros(reader.doc_count_all(), dtype=np.float32)
    return _LENGTH_OF_BYTE[_fixed_width(lengths, "B", 0, reader.doc_count_all())]


def numeric_column(reader: SegmentReader, fieldname: str) -> np.ndarray:
    """The raw values of a numeric column (a date's sortable integer), the column's default
    for documents without one."""
    column = reader.schema[fieldname].column_type
    if not isinstance(column, NumericColumn):
        raise TypeError(f"{fieldname} is not a numeric column")
    creader = reader.column_reader(fieldname, translate=False)
    return _fixed_width(creader, column._typecode, column._default, reader.doc_count_all())


def _fixed_width(creader: object, typecode: str, default: int, doccount: int) -> np.ndarray:
    dtype = np.dtype(">" + typecode)
    values = np.full(doccount, default, dtype=dtype.newbyteorder("="))
    if isinstance(creader, EmptyColumnReader):  # no document of the segment has a value
        return values
    stored = creader._count  # type: ignore[attr-defined]
    raw = creader._dbfile.get(creader._basepos, stored * dtype.itemsize)  # type: ignore[attr-defined]
    values[:stored] = np.frombuffer(raw, dtype=dtype)
    return values


def ref_column(reader: SegmentReader, fieldname: str) -> tuple[np.ndarray, list[str]]:
    """A column of few distinct values as a code per document and the values by code
    ("" for documents without one)."""
    if not isinstance(reader.schema[fieldname].column_type, RefBytesColumn):
        raise TypeError(f"{fieldname} is not a column of distinct values")
    creader = reader.column_reader(fieldname, translate=False)
    doccount = reader.doc_count_all()
    if isinstance(creader, EmptyColumnReader):
        return np.zeros(doccount, dtype=np.int32), [""]
    dtype = np.dtype(">" + creader._typecode)
    raw = creader._dbfile.get(creader._basepos, doccount * dtype.itemsize)
    codes = np.frombuffer(raw, dtype=dtype).astype(np.int32)
    return codes, [value.decode("utf-8") for value in creader._uniques]


def live_documents(reader: SegmentReader) -> np.ndarray | None:
    """A mask of the segment's documents that are not deleted, or None if none is."""
    if not reader.has_deletions():
        return None
    live = np.ones(reader.doc_count_all(), dtype=bool)
    live[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
    return live


# Postings a run file keeps per pickle: a merge holds one such chunk per run in memory.
_RUN_CHUNK = 4096


class _ChunkedPostingPool(PostingPool):
    """Whoosh's posting pool, writing its sorted runs a chunk of postings per pickle.

    A writer whose postings outgrow its pool (any rebuild of a large archive)
    sorts them in runs on disk and merges the runs. Whoosh pickles each posting
    on its own, which cost a third of the time of a large rebuild; a chunk per
    pickle costs little more than the write itself.
    """

    def _write_run(self, f: BinaryIO, items: Iterable[object]) -> None:
        chunk: list[object] = []
        for item in items:
            chunk.append(item)
            if len(chunk) == _RUN_CHUNK:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[object]:
        f = self._open_run(path)
        try:
            while True:
                yield from pickle.load(f)
        except EOFError:
            return
        finally:
            f.close()
            self._remove_run(path)


def with_chunked_runs(writer: IndexWriter, limit_mb: int) -> IndexWriter:
    """``writer`` (fresh, nothing added yet) with runs pickled in chunks, if it is the
    single-process writer that has a pool of its own."""
    if isinstance(writer, SegmentWriter):
        pool = writer.pool
        writer.pool = _ChunkedPostingPool(pool.tempstore, pool.segment, limitmb=limit_mb)
    return writer
