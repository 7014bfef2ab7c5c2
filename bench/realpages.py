"""The generic reader against vanilla trafilatura on real pages of real sites, in one run.

    python -m bench.realpages [--data DIR] [--filter REGEX] [--per-page]

The pages and their gold (title, body, date) are not ours and never enter the
repository: they are read from ``DIR`` (default ``../shared/realpages-dev``
beside the checkout, or ``PORTAL_REALPAGES``), and scored by the ``score.py``
that ships with them, so both extractors are measured by the same code on the
same bytes in the same process. The generic reader is ``extract_article`` with
the generic profile, the one that reads portals nobody wrote a profile for.

Printed per group (all pages, by source, non-article pages): body token F1
(mean, with its bootstrap spread), title exact and up to a site-name affix,
publication day, pages per second, and for non-article pages the mean number
of characters returned (less is better: a listing has no article text).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from statistics import mean
from types import ModuleType
from typing import Any

from archive.extract import extract_article

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "realpages-dev"
EXTRACTORS = ("trafilatura", "bench.realpages:generic_reader")
GROUPS = ("ALL", "src:article-extraction-benchmark", "src:web-content-extraction-benchmark")
GROUP_PREFIXES = ("src:fundus", "lang:", "type:")


def generic_reader(html: str, url: str) -> dict[str, Any]:
    """The adapter score.py calls: the generic profile's title, body and publication day."""
    article = extract_article(html, url, profile="generic")
    published = article.published
    return {
        "title": article.title,
        "body": article.body,
        "date": published.date().isoformat() if published else None,
    }


def realpages_dir(given: str | None) -> Path:
    return Path(given or os.environ.get("PORTAL_REALPAGES") or DEFAULT_DATA)


def load_scorer(data: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("realpages_score", data / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"Error: no score.py in {data}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(scorer: ModuleType, extractor: str, data: Path, page_filter: str | None) -> dict:
    args = argparse.Namespace(
        extractor=extractor,
        data=str(data),
        pythonpath=[str(Path(__file__).resolve().parents[1])],
        vi_only=False,
        filter=page_filter,
        limit=None,
        lower=False,
        no_warmup=False,
        keep_text=False,
    )
    result = scorer.run(args)
    scorer.compute_groups(result)
    return result


def _cell(value: float | None, width: int = 7) -> str:
    return f"{value:>{width}.3f}" if isinstance(value, float) else f"{'-':>{width}}"


def print_comparison(results: dict[str, dict]) -> None:
    header = (
        f"{'group':<36}{'extractor':<16}{'n':>4}{'F1':>7}{'±':>7}{'P':>7}{'R':>7}"
        f"{'Texact':>7}{'Taffix':>7}{'date':>7}{'p/s':>7}{'chars':>8}"
    )
    print(header)
    print("-" * len(header))
    first = next(iter(results.values()))["groups"]
    names = [g for g in first if g in GROUPS or g.startswith(GROUP_PREFIXES)]
    for group in names:
        for extractor, result in results.items():
            agg = result["groups"].get(group)
            if agg is None:
                continue
            rows = [p for p in result["pages"] if _in_group(p, group)]
            chars = mean(p["pred_chars"] for p in rows) if rows else 0
            print(
                f"{group[:35]:<36}{extractor.rsplit(':', 1)[-1][:15]:<16}{agg['n']:>4}"
                f"{_cell(agg.get('F1'))}{_cell(agg.get('F1_std'))}{_cell(agg.get('P'))}"
                f"{_cell(agg.get('R'))}{_cell(agg.get('title_exact'))}"
                f"{_cell(agg.get('title_affix'))}{_cell(agg.get('date_acc'))}"
                f"{agg['pages_per_s']:>7.1f}{chars:>8.0f}"
            )
    speeds = [result["pages_per_s"] for result in results.values()]
    print(f"\nspeed: generic reader at {speeds[1] / speeds[0]:.2f}x trafilatura's pages/s")


def _in_group(page: dict, group: str) -> bool:
    if group == "ALL":
        return True
    if group.startswith("src:"):
        return (page["source_repo"] or "").split("/")[-1] == group[4:]
    if group == "type:non-article":
        return page["page_type"] != "article"
    if group.startswith("lang:"):
        lang = (page["lang"] or "und").split("-")[0]
        return (lang if lang in ("en", "vi") else "other") == group[5:]
    return False


def print_worst(result: dict, count: int) -> None:
    print(f"\nworst {count} pages of the generic reader (body F1):")
    rows = sorted(result["pages"], key=lambda page: (page.get("body") or {}).get("f1", 2))
    for page in rows[:count]:
        body = page.get("body") or {}
        print(
            f"  {page['id']:<48} F1={body.get('f1', 0):.3f} P={body.get('p', 0):.3f}"
            f" R={body.get('r', 0):.3f} date={'ok' if page.get('date_ok') else '-'}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="the realpages folder (default: ../shared/realpages-dev)")
    parser.add_argument("--filter", help="only pages whose id or source matches this regex")
    parser.add_argument("--per-page", type=int, default=0, metavar="N", help="list the N worst")
    args = parser.parse_args(argv)
    data = realpages_dir(args.data)
    if not (data / "score.py").is_file():
        sys.exit(f"Error: no real pages at {data} (set --data or PORTAL_REALPAGES)")
    scorer = load_scorer(data)
    results = {name: score(scorer, name, data, args.filter) for name in EXTRACTORS}
    print_comparison(results)
    if args.per_page:
        print_worst(results[EXTRACTORS[1]], args.per_page)


if __name__ == "__main__":
    main()
