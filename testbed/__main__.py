"""Command line: `python -m testbed serve [options]`."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from typing import NoReturn

from .faults import SLOW_SECONDS
from .portal import MAX_ARTICLES, MAX_RANDOM_FAMILIES, MIN_ARTICLES
from .server import Testbed
from .sites import SITES


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage dump: scripts and humans both read the first line only.
        self.exit(2, f"{self.prog}: error: {message}\n")


def _article_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not MIN_ARTICLES <= value <= MAX_ARTICLES:
        raise argparse.ArgumentTypeError(
            f"{value} is out of range ({MIN_ARTICLES} to {MAX_ARTICLES})"
        )
    return value


def _port_base(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 65536 - len(SITES):
        raise argparse.ArgumentTypeError(f"{value} leaves no room for {len(SITES)} ports")
    return value


def _family_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_RANDOM_FAMILIES:
        raise argparse.ArgumentTypeError(f"{value} is out of range (1 to {MAX_RANDOM_FAMILIES})")
    return value


def _revision(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"revisions start at 1, not {value}")
    return value


def _as_of(text: str) -> date:
    # The pattern first: fromisoformat alone also takes 20250101 and week dates.
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 600:
        raise argparse.ArgumentTypeError(f"{value} is out of range (0 to 600)")
    return value


def _output_path(text: str) -> Path:
    path = Path(text)
    parent = path.parent
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory")
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write into {parent}")
    return path


def _build_parser() -> _Parser:
    parser = _Parser(prog="python -m testbed", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve every sub-site until SIGTERM or Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    serve.add_argument(
        "--port-base", type=_port_base, help="site i listens on P+i (default: free ports)"
    )
    serve.add_argument("--articles", type=_article_count, default=300, help="default 300")
    serve.add_argument("--seed", type=int, default=1, help="default 1")
    serve.add_argument(
        "--random-families",
        type=_family_count,
        metavar="N",
        help="serve N sites of CMS families generated from the seed instead of the standard ones",
    )
    serve.add_argument(
        "--revision",
        type=_revision,
        default=1,
        help="serve revision N: about 5%% of the articles edited per step after 1 (default 1)",
    )
    serve.add_argument(
        "--as-of",
        type=_as_of,
        help="serve the portal as it was at the end of this day, YYYY-MM-DD (default: all)",
    )
    serve.add_argument("--gold", type=_output_path, help="write the gold JSON Lines here")
    serve.add_argument("--sites-out", type=_output_path, help="write the sites TOML here")
    serve.add_argument(
        "--faults", action="store_true", help="serve errors, broken answers, quirks and traps"
    )
    serve.add_argument(
        "--slow-seconds",
        type=_seconds,
        default=SLOW_SECONDS,
        help=f"delay of the slow answers with --faults (default {SLOW_SECONDS:g})",
    )
    serve.add_argument(
        "--faults-out", type=_output_path, help="write the permanent failures (JSON Lines) here"
    )
    return parser


def _serve(args: argparse.Namespace) -> int:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        testbed = Testbed(
            articles=args.articles,
            seed=args.seed,
            host=args.host,
            port_base=args.port_base,
            revision=args.revision,
            as_of=args.as_of,
            faults=args.faults,
            slow_seconds=args.slow_seconds,
            random_families=args.random_families or 0,
        )
        testbed.start()
    except (ValueError, OSError) as exc:
        print(f"testbed: error: {exc}", file=sys.stderr)
        return 1
    try:
        if args.gold:
            testbed.write_gold(args.gold)
        if args.sites_out:
            testbed.write_sites(args.sites_out)
        if args.faults_out:
            testbed.write_fault_manifest(args.faults_out)
        for site in testbed.sites:
            print(site.key, site.family, site.base_url)
        sys.stdout.flush()
        stop.wait()
    except OSError as exc:
        print(f"testbed: error: {exc}", file=sys.stderr)
        return 1
    finally:
        testbed.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.faults_out and not args.faults:
        parser.error("--faults-out needs --faults")
    sites = args.random_families or len(SITES)
    if args.port_base and args.port_base > 65536 - sites:
        parser.error(f"--port-base {args.port_base} leaves no room for {sites} ports")
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
