"""The `minsim` command line: the boundary that turns errors into one message and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from minsim import __version__
from minsim.errors import MinsimError
from minsim.settings import DATABASE_URL_ENV

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
# What a shell reports for a program stopped by SIGPIPE (128 + 13): the reader of our output
# went away (`minsim explain --json ... | head`), which is not an error worth a message.
EXIT_BROKEN_PIPE = 141


def add_global_options(parser: argparse.ArgumentParser, default: Any = None) -> None:
    """--config, --database-url and -v, which every command takes before or after its name."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="settings file (default: $MINSIM_CONFIG or ./minsim.toml)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=default,
        help=f"database URL (overrides ${DATABASE_URL_ENV})",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if default is None else default,
        help="log progress details",
    )


class CommandParser(argparse.ArgumentParser):
    """A command's parser: it also takes the global options (`minsim status --config x`).

    Their default is SUPPRESS, so a command that is not given one keeps the value parsed before
    the command's name (or the top-level default) instead of overwriting it. Sub-commands made
    from a CommandParser (lexicon check) are CommandParsers too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_global_options(self, default=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minsim",
        description="민심 minsim: public-sentiment monitoring of Korean news and netizen comments.",
    )
    parser.add_argument("--version", action="version", version=f"minsim {__version__}")
    add_global_options(parser)
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=CommandParser
    )

    from minsim import (
        cli_brief,
        cli_check,
        cli_collect,
        cli_data,
        cli_events,
        cli_impact,
        cli_prune,
        cli_sample,
        cli_scorer,
        cli_surges,
        cli_topics,
    )

    cli_data.add_commands(commands)
    cli_prune.add_commands(commands)
    cli_scorer.add_commands(commands)
    cli_sample.add_commands(commands)
    cli_collect.add_commands(commands)
    cli_check.add_commands(commands)
    cli_impact.add_commands(commands)
    cli_events.add_commands(commands)
    cli_surges.add_commands(commands)
    cli_topics.add_commands(commands)
    cli_brief.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _run(argv)
        finally:
            # Output to a pipe is buffered: flush it here (also after --help), where a reader
            # that went away can still be handled, not in the interpreter's exit.
            sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()


def _run(argv: Sequence[str] | None) -> int:
    """Parse the arguments and run the command; a MinsimError becomes one line and exit 2."""
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


def _reader_gone() -> int:
    """End quietly after the reader of stdout closed it: point stdout at devnull so that the
    interpreter's last flush of the unwritten rest cannot fail (and print a traceback) again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
