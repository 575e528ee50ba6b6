"""`minsim brief`: what changed in a period, as Markdown for a channel, a mail or a file."""

from __future__ import annotations

import argparse

from minsim.cli_common import add_document_filters, add_period_options


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
    add_period_options(brief)
    add_document_filters(brief, "only these companies (repeatable)")
    brief.add_argument("-o", "--output", metavar="FILE",
                       help="write the brief to FILE (UTF-8) instead of printing it")  # fmt: skip
    brief.set_defaults(func=run_brief)


def run_brief(args: argparse.Namespace) -> int:
    from minsim import aggregate
    from minsim.brief import Period, write_brief
    from minsim.cli_common import open_for_document_filters, period_asked, write_output
    from minsim.settings import load_settings

    engine = open_for_document_filters(args)
    period = period_asked(args, aggregate.time_span(engine))
    flt = aggregate.Filters(companies=tuple(args.company), sources=tuple(args.source))
    version = aggregate.latest_scorer_version(engine)
    watch = load_settings(args.config).surges.watch
    text = write_brief(engine, flt, Period(*period), version=version, watch=watch)
    if args.output is None:
        print(text, end="")
        return 0
    write_output(args.output, text)
    print(f"wrote the brief of {period[0]:%Y-%m-%d %H:%M} ~ {period[1]:%Y-%m-%d %H:%M} KST "
          f"to {args.output}")  # fmt: skip
    return 0
