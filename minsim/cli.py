"""The `minsim` command line: the boundary that turns errors into one message and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from minsim import __version__
from minsim.errors import MinsimError
from minsim.settings import DATABASE_URL_ENV

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minsim",
        description="민심 minsim: public-sentiment monitoring of Korean news and netizen comments.",
    )
    parser.add_argument("--version", action="version", version=f"minsim {__version__}")
    parser.add_argument(
        "--config", metavar="PATH", help="settings file (default: $MINSIM_CONFIG or ./minsim.toml)"
    )
    parser.add_argument(
        "--database-url", metavar="URL", help=f"database URL (overrides ${DATABASE_URL_ENV})"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    from minsim import cli_collect, cli_data, cli_scorer

    cli_data.add_commands(commands)
    cli_scorer.add_commands(commands)
    cli_collect.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.database_url:
        # flag > environment > file: the settings loader reads the environment
        os.environ[DATABASE_URL_ENV] = args.database_url
    try:
        return int(args.func(args) or 0)
    except MinsimError as exc:
        print(f"minsim: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("minsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
