"""`minsim brief`: what changed in a period, as Markdown for a channel, a mail or a file."""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta

from minsim.cli_common import add_document_filters, whole_numbers
from minsim.errors import MinsimError

DEFAULT_HOURS = 24
# A month: longer periods are better read on the dashboard.
MAX_HOURS = 24 * 31


class BriefTargetError(MinsimError):
    """The brief could not be written to the file asked for."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    brief = commands.add_parser(
        "brief",
        help="what changed in a period, in Markdown (documents, opinion against the period "
        "before, aspects, surges, events)",
        description="Write a brief of a period in Markdown: documents, and per company the "
        "mean score and negative share against the period of the same length before it (the "
        "change with its 95% interval and a verdict), the aspects most talked about, the "
        "surges and the timeline's events with a day either side. Without --day, the last "
        "--hours up to the end of the newest document's hour. Figures and names only: no "
        "comment text.",
    )
    when = brief.add_mutually_exclusive_group()
    when.add_argument("--day", type=_day, metavar="YYYY-MM-DD",
                      help="a KST calendar day")  # fmt: skip
    when.add_argument("--hours", type=whole_numbers("hours", MAX_HOURS), metavar="N",
                      help=f"the last N hours (default {DEFAULT_HOURS})")  # fmt: skip
    add_document_filters(brief, "only these companies (repeatable)")
    brief.add_argument("-o", "--output", metavar="FILE",
                       help="write the brief to FILE (UTF-8) instead of printing it")  # fmt: skip
    brief.set_defaults(func=run_brief)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None


def run_brief(args: argparse.Namespace) -> int:
    from minsim import aggregate
    from minsim.brief import Period, write_brief
    from minsim.cli_common import open_for_document_filters

    engine = open_for_document_filters(args)
    period = _period(args, aggregate.time_span(engine))
    flt = aggregate.Filters(companies=tuple(args.company), sources=tuple(args.source))
    version = aggregate.latest_scorer_version(engine)
    text = write_brief(engine, flt, Period(*period), version=version)
    if args.output is None:
        print(text, end="")
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise BriefTargetError(f"cannot write {args.output}: {exc.strerror}") from None
    print(f"wrote the brief of {period[0]:%Y-%m-%d %H:%M} ~ {period[1]:%Y-%m-%d %H:%M} KST "
          f"to {args.output}")  # fmt: skip
    return 0


def _period(
    args: argparse.Namespace, span: tuple[datetime, datetime] | None
) -> tuple[datetime, datetime]:
    """[start, end) in KST: the day asked for, or the last hours up to the end of the newest
    document's hour (of the current hour when there are no documents)."""
    from minsim.timefmt import KST

    if args.day is not None:
        start = datetime(args.day.year, args.day.month, args.day.day, tzinfo=KST)
        return start, start + timedelta(days=1)
    # A document dated in the future (a feed's wrong clock) must not make the brief of a day
    # to come.
    newest = min(span[1], datetime.now(KST)) if span else datetime.now(KST)
    end = newest.astimezone(KST).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return end - timedelta(hours=args.hours or DEFAULT_HOURS), end
