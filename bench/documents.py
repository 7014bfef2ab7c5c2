"""Document text figures: how faithfully and how fast attached documents are read.

    python -m bench.documents [--articles 300] [--seed 1] [--rounds 2]

Reads every document the testbed attaches (PDF with a Unicode text layer, PDF
in a TCVN3 font, scanned PDF, DOCX, plain-text and TCVN3 DOC) and prints, per
kind, the token F1 of the text read against the gold text (min and mean), how
many TCVN3 documents were converted and scans flagged, and documents per
second, read in this process and through the isolated worker the crawl uses.
Then it crawls the same testbed with document text on and off (``--delay 0``,
``--rounds`` times each, the fastest kept) and prints the slowdown.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from archive.doctext import DocumentText, IsolatedReader, TextStatus, read_document
from archive.documents import document_type
from bench.runs import CrawlFigures, print_rows, timed_crawl
from bench.scoring import token_f1
from testbed import Testbed


@dataclass(frozen=True)
class Fetched:
    kind: str  # "pdf tcvn3", "docx text", …
    media_type: str
    body: bytes
    gold: dict[str, Any]


def fetched_documents(testbed: Testbed) -> list[Fetched]:
    return [
        Fetched(
            f"{document_type(item['media_type'])} {item['text_kind']}",
            item["media_type"],
            urllib.request.urlopen(item["url"]).read(),
            item,
        )
        for record in testbed.gold()
        for item in record["attachments"]
    ]


Read = Callable[[str | None, bytes], DocumentText]


def timed_reads(documents: list[Fetched], read: Read) -> tuple[list[DocumentText], float]:
    started = time.perf_counter()
    results = [read(document.media_type, document.body) for document in documents]
    return results, time.perf_counter() - started


def accuracy_rows(documents: list[Fetched], results: list[DocumentText]) -> list[tuple[str, str]]:
    scores: dict[str, list[float]] = defaultdict(list)
    for document, result in zip(documents, results, strict=True):
        scores[document.kind].append(token_f1(result.text or "", document.gold["text"]))
    rows = [
        (f"{kind} token-F1 min / mean", f"{min(f1):.4f} / {mean(f1):.4f} ({len(f1)} files)")
        for kind, f1 in sorted(scores.items())
    ]
    pairs = list(zip(documents, results, strict=True))
    legacy = [result for document, result in pairs if document.gold["text_kind"] == "tcvn3"]
    scans = [result for document, result in pairs if document.gold["text_kind"] == "scanned"]
    unicode = [result for document, result in pairs if document.gold["text_kind"] == "text"]
    rows += [
        ("TCVN3 converted", f"{sum(r.converted_from == 'tcvn3' for r in legacy)} of {len(legacy)}"),
        ("Unicode converted (must be 0)", str(sum(r.converted_from is not None for r in unicode))),
        ("scans flagged", f"{sum(r.status == TextStatus.SCANNED for r in scans)} of {len(scans)}"),
    ]
    return rows


def speed_rows(documents: list[Fetched], read: Read, label: str) -> list[tuple[str, str]]:
    read(documents[0].media_type, documents[0].body)  # a worker starts on its first document
    by_kind: dict[str, list[Fetched]] = defaultdict(list)
    for document in documents:
        by_kind[document.kind].append(document)
    rows = []
    for kind, group in sorted(by_kind.items()):
        _, seconds = timed_reads(group, read)
        rows.append((f"{kind} ({label})", f"{len(group) / seconds:.1f} documents/s"))
    return rows


def pdfminer_row(documents: list[Fetched]) -> list[tuple[str, str]]:
    """pypdf against pdfminer.six on the same text-layer PDFs, when pdfminer is installed."""
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        return [("pdfminer.six", "not installed: no comparison")]
    pdfs = [d for d in documents if d.kind in ("pdf text", "pdf tcvn3")]
    _, pypdf_seconds = timed_reads(pdfs, read_document)
    started = time.perf_counter()
    for document in pdfs:
        extract_text(io.BytesIO(document.body))
    pdfminer_seconds = time.perf_counter() - started
    return [
        (
            "PDF text layers, pypdf / pdfminer",
            f"{len(pdfs) / pypdf_seconds:.1f} / {len(pdfs) / pdfminer_seconds:.1f} documents/s",
        )
    ]


def fastest_crawl(workdir: Path, config: Path, text: bool, rounds: int) -> CrawlFigures:
    crawls = [
        timed_crawl(workdir / f"data-{text}-{n}", config, "-s", f"PORTAL_DOCUMENT_TEXT={text}")
        for n in range(rounds)
    ]
    return min(crawls, key=lambda figures: figures.seconds)


def slowdown_rows(testbed: Testbed, rounds: int) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        config = workdir / "sites.toml"
        testbed.write_sites(config)
        off = fastest_crawl(workdir, config, False, rounds)
        on = fastest_crawl(workdir, config, True, rounds)
    return [
        ("crawl, document text off", off.speed),
        ("crawl, document text on", on.speed),
        ("slowdown", f"{100 * (on.seconds - off.seconds) / off.seconds:+.1f} %"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with Testbed(args.articles, args.seed) as testbed, IsolatedReader() as isolated:
        documents = fetched_documents(testbed)
        results, _ = timed_reads(documents, read_document)
        print(f"testbed: {args.articles} articles, seed {args.seed}, {len(documents)} documents")
        print_rows("accuracy", accuracy_rows(documents, results))
        print_rows(
            "speed",
            speed_rows(documents, read_document, "in process")
            + speed_rows(documents, isolated.read, "worker process")
            + pdfminer_row(documents),
        )
        print_rows("crawl", slowdown_rows(testbed, args.rounds))


if __name__ == "__main__":
    main()
