"""`minsim sample`: draw stored documents into a file to label by hand, for `minsim eval`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from minsim.cli_common import add_document_filters, add_period_options, whole_numbers
from minsim.errors import MinsimError

if TYPE_CHECKING:
    from minsim.sample import Sample

# More rows than a team labels by hand (and a bound on what is held in memory); `minsim eval`
# reads any size.
MAX_SAMPLE = 10_000


class SampleTargetError(MinsimError):
    """The sample's file cannot be written or extended as asked."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    sample = commands.add_parser(
        "sample",
        help="draw stored documents at random into a text<TAB>label file to label by hand "
        "(then `minsim eval` it)",
        description="Draw up to SIZE stored documents inside the filters, at random but the same "
        "for the same --seed while the documents are the same, and write their texts, one line "
        "each, as a text<TAB>label file with the label empty. Fill in pos, neg or neu and "
        "`minsim eval FILE` measures the scorer on your own documents; rows still without a "
        "label are skipped and counted. To label more later, --extend the file: its rows and "
        "labels stay as they are. Without --day, --hours or --until, all the data.",
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
                        help="write the file to FILE (UTF-8, readable by you only) instead of "
                        "printing it; an existing FILE needs --extend or --force")  # fmt: skip
    existing = sample.add_mutually_exclusive_group()
    existing.add_argument("--extend", action="store_true",
                          help="keep the rows and labels of FILE and add new texts after them "
                          "until it holds SIZE")  # fmt: skip
    existing.add_argument("--force", action="store_true",
                          help="write over FILE, labels and all")  # fmt: skip
    sample.set_defaults(func=run_sample)


def run_sample(args: argparse.Namespace) -> int:
    import sys

    from minsim import aggregate
    from minsim.cli_common import open_for_document_filters, period_asked, write_output
    from minsim.normalize import clean_text
    from minsim.sample import as_tsv, draw_sample

    target = Path(args.output) if args.output else None
    if target is None and (args.extend or args.force):
        raise SampleTargetError("--extend and --force need -o FILE")
    kept = _kept_rows(target, extend=args.extend) if target and not args.force else []
    engine = open_for_document_filters(args)
    start = end = None
    if args.day is not None or args.hours is not None or args.until is not None:
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
    sample = draw_sample(engine, flt, args.size, args.seed, have=[text for text, _ in kept])
    report = _report(args, sample, len(kept))
    if target is None:
        print(as_tsv(sample.texts), end="")
        print(report, file=sys.stderr)
        return 0
    write_output(target, as_tsv(sample.texts, kept), private=True)
    print(f"{report}; wrote {target}: write pos, neg or neu after each tab, then "
          f"`minsim eval {target}`")  # fmt: skip
    return 0


def _kept_rows(target: Path, *, extend: bool) -> list[tuple[str, str]]:
    """The rows (text, label) of the file being extended; none when it does not exist. An
    existing file is never written over by surprise: it holds hand-made labels."""
    from sentiment.evaluate import LabeledFileError, read_labeled

    if not target.exists():
        return []
    if not extend:
        raise SampleTargetError(
            f"{target} exists: --extend keeps its rows and labels and adds new texts after "
            "them; --force writes over it"
        )
    try:
        kind, rows = read_labeled(target, unlabeled_ok=True)
    except LabeledFileError as exc:
        raise SampleTargetError(f"cannot extend {exc}") from None
    if kind != "document":
        raise SampleTargetError(f"cannot extend {target}: it is an aspect file (text,aspect,label)")
    return [(text, label) for text, _, label in rows]


def _report(args: argparse.Namespace, sample: Sample, kept: int) -> str:
    """'drew 300 of 5,939 comments (seed 0, 14 repeated text(s) left out)', and what was kept
    and what was short."""
    what = "documents" if args.kind == "all" else f"{args.kind}s"
    notes = [f"seed {args.seed}"]
    if sample.repeats:
        notes.append(f"{sample.repeats} repeated text(s) left out")
    if kept:
        notes.append(f"{kept} row(s) of the file kept, {sample.held} of them drawn again")
    new = " new" if kept else ""
    report = f"drew {len(sample.texts):,}{new} of {sample.matching:,} {what} ({', '.join(notes)})"
    if kept + len(sample.texts) < args.size:
        report += f"; fewer than the {args.size:,} asked for: the filters hold no more"
    return report
