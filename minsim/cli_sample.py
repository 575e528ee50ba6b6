"""`minsim sample`: draw stored documents into a file to label by hand, for `minsim eval`."""

from __future__ import annotations

import argparse

from minsim.cli_common import add_document_filters, add_period_options, whole_numbers
from minsim.errors import MinsimError

# More rows than a team labels by hand; `minsim eval` reads any size.
MAX_SAMPLE = 100_000


class SampleTargetError(MinsimError):
    """The sample could not be written to the file asked for."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    sample = commands.add_parser(
        "sample",
        help="draw stored documents at random into a text<TAB>label file to label by hand "
        "(then `minsim eval` it)",
        description="Draw up to SIZE stored documents inside the filters, at random but the same "
        "for the same --seed (a larger sample holds a smaller one), and write their texts, one "
        "line each, as a text<TAB>label file with the label empty. Fill in pos, neg or neu and "
        "`minsim eval FILE` measures the scorer on your own documents; rows still without a "
        "label are skipped and counted. Without --day or --hours, all the data.",
    )
    sample.add_argument("size", type=whole_numbers("documents", MAX_SAMPLE), metavar="SIZE",
                        help=f"how many documents to draw (1 to {MAX_SAMPLE:,})")  # fmt: skip
    add_period_options(sample)
    add_document_filters(sample, "only documents about these companies (repeatable)")
    sample.add_argument("--kind", choices=("comment", "article", "all"), default="comment",
                        help="which documents (default: comment)")  # fmt: skip
    sample.add_argument("--search", metavar="WORDS",
                        help='only documents holding these words, as the dashboard\'s search '
                        'reads them (카카오 보상, "보상 기준", -주가)')  # fmt: skip
    sample.add_argument("--seed", type=int, default=0,
                        help="which draw (default 0): another seed, other documents")  # fmt: skip
    sample.add_argument("-o", "--output", metavar="FILE",
                        help="write the file to FILE (UTF-8) instead of printing it")  # fmt: skip
    sample.set_defaults(func=run_sample)


def run_sample(args: argparse.Namespace) -> int:
    import sys

    from minsim import aggregate
    from minsim.cli_common import open_for_document_filters, period_asked
    from minsim.normalize import clean_text
    from minsim.sample import as_tsv, draw_sample

    engine = open_for_document_filters(args)
    start = end = None
    if args.day is not None or args.hours is not None:
        start, end = period_asked(args, aggregate.time_span(engine))
    flt = aggregate.Filters(
        start=start,
        end=end,
        companies=tuple(args.company),
        sources=tuple(args.source),
        kinds=() if args.kind == "all" else (args.kind,),
        # Cleaned as stored text was: a pasted zero-width space still finds what it looks like.
        text=" ".join(clean_text(args.search or "").split()) or None,
    )
    sample = draw_sample(engine, flt, args.size, args.seed)
    what = "documents" if args.kind == "all" else f"{args.kind}s"
    repeats = f", {sample.repeats} repeated text(s) left out" if sample.repeats else ""
    report = f"drew {len(sample.texts):,} of {sample.matching:,} {what} (seed {args.seed}{repeats})"
    if len(sample.texts) < args.size:
        report += f"; fewer than the {args.size:,} asked for: the filters hold no more"
    if args.output is None:
        print(as_tsv(sample.texts), end="")
        print(report, file=sys.stderr)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.write(as_tsv(sample.texts))
    except OSError as exc:
        raise SampleTargetError(f"cannot write {args.output}: {exc.strerror}") from None
    print(f"{report}; wrote {args.output}: write pos, neg or neu after each tab, then "
          f"`minsim eval {args.output}`")  # fmt: skip
    return 0
