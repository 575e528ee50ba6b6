"""`minsim topics`: the nouns a period's documents name most and those that rose against the
period before, as on the dashboard's Topics page, in the terminal or as JSON."""

from __future__ import annotations

import argparse
import json
import math
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Any

from minsim.cli_common import add_document_filters, add_period_options, whole_numbers
from minsim.errors import MinsimError

if TYPE_CHECKING:
    from minsim.aggregate.terms import TermTable

# Rows of each list in the terminal; --json holds every listed term.
DEFAULT_LIMIT = 20
MAX_LIMIT = 500
KINDS = ("article", "comment")
# Terminal columns of the term column: a term is at most 30 characters, most are 2-6 syllables.
TERM_COLUMNS = 14


class NoTermsTable(MinsimError):
    """The database predates the topic terms."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    topics = commands.add_parser(
        "topics",
        help="the nouns a period's documents name most, and those that rose against the "
        "period before",
        description="Count the nouns of the documents of a period scored by the current "
        "scorer version, once per document, as on the dashboard's Topics page: the terms "
        "named in 3 documents or more, most named first, with the mean score and negative "
        "share of their documents and their count in the period of the same length before; "
        "a term rises when its share of the documents is at least twice what it was, by a "
        "one-sided two-proportion z of 3.09 or more. The chosen companies' names are left "
        "out. Without --day, the last --hours up to the end of the newest document's hour.",
    )
    add_period_options(topics)
    add_document_filters(topics, "only documents about these companies (repeatable)")
    topics.add_argument("--kind", choices=KINDS, help="only articles or only comments")
    topics.add_argument("--limit", type=whole_numbers("rows", MAX_LIMIT),
                        default=DEFAULT_LIMIT, metavar="N",
                        help=f"rows of each list (default {DEFAULT_LIMIT})")  # fmt: skip
    topics.add_argument("--json", action="store_true", help="print every listed term as JSON")
    topics.set_defaults(func=run_topics)


def run_topics(args: argparse.Namespace) -> int:
    from minsim import aggregate
    from minsim.cli_common import (
        cutoff_record,
        open_for_document_filters,
        period_asked,
        pruned_note,
        terminal_safe,
    )
    from minsim.db import TERMS_MIGRATION, has_terms

    engine = open_for_document_filters(args)
    if not has_terms(engine):
        raise NoTermsTable(
            f"this database has no topic terms yet (migration {TERMS_MIGRATION}); "
            "`minsim score` upgrades it and scores the documents again, which counts them"
        )
    start, end = period_asked(args, aggregate.time_span(engine))
    flt = aggregate.Filters(
        start=start,
        end=end,
        companies=tuple(args.company),
        sources=tuple(args.source),
        kinds=(args.kind,) if args.kind else (),
    )
    version = aggregate.latest_scorer_version(engine)
    table = aggregate.term_table(engine, flt, version=version)
    scope = {"companies": list(args.company), "sources": list(args.source), "kind": args.kind}
    looks_back_to = start - (end - start)  # the period before is compared
    if args.json:
        # the moment the period before is counted from, when a prune cut it
        cut = cutoff_record(aggregate.pruned_before(engine, flt), looks_back_to)
        found = {**_as_json(table, version, start, end), **scope, "pruned_before": cut}
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0
    for line in _lines(table, version, start, end, args.limit, scope):
        print(line)
    note = pruned_note(engine, flt, looks_back_to)
    if note:
        print(terminal_safe(note))
    return 0


def _as_json(
    table: TermTable, version: str | None, start: datetime, end: datetime
) -> dict[str, Any]:
    """Every listed term with its figures; the figures of the period before are null when
    there was no period before with documents."""
    compared = table.compared
    terms = []
    for row in table.terms.to_dict("records"):
        terms.append(
            {
                "term": row["term"],
                "docs": int(row["docs"]),
                "share": _number(row["share"]),
                "mean_compound": _number(row["mean_compound"]),
                "neg_share": _number(row["neg_share"]),
                "pos_share": _number(row["pos_share"]),
                "before_docs": int(row["before_docs"]) if compared else None,
                "before_share": _number(row["before_share"]) if compared else None,
                "ratio": _number(row["ratio"]) if compared else None,
                "z": _number(row["z"]) if compared else None,
                "rising": bool(row["rising"]) if compared else False,
            }
        )
    return {
        "scorer_version": version,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "documents": table.documents,
        "before_documents": table.before_documents,
        "left_out": list(table.left_out),
        "terms": terms,
        "rising": list(table.rising(len(table.terms))["term"]) if compared else [],
    }


def _number(value: object) -> float | None:
    """A figure as JSON can hold it: NaN (no documents to divide by) as null."""
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else round(number, 4)


def _lines(
    table: TermTable,
    version: str | None,
    start: datetime,
    end: datetime,
    limit: int,
    scope: dict[str, Any],
) -> list[str]:
    from minsim.aggregate.terms import MIN_TERM_DOCS
    from minsim.cli_common import terminal_safe
    from minsim.timefmt import format_kst

    before = (
        f"{table.before_documents:,} in the period before"
        if table.compared
        else "no documents in the period before to compare with"
    )
    chosen = [
        f"{name}: {', '.join(scope[key])}"
        for key, name in (("companies", "companies"), ("sources", "sources"))
        if scope[key]
    ] + ([f"kind: {scope['kind']}"] if scope["kind"] else [])
    lines = [
        f"scorer version: {version or 'none'}; {format_kst(start)} ~ {format_kst(end)}; "
        + ("; ".join(chosen) if chosen else "every company, source and kind"),
        f"{table.documents:,} scored document(s); {before}",
    ]
    if table.left_out:
        lines.append(terminal_safe(f"left out (the companies' names): {', '.join(table.left_out)}"))
    if table.terms.empty:
        lines.append(f"no term is named in {MIN_TERM_DOCS} documents or more")
        return lines
    lines += ["", f"most named ({len(table.terms)} term(s) in {MIN_TERM_DOCS} documents or more):",
              _header(table.compared)]  # fmt: skip
    lines += [_row(row, table.compared) for row in table.top(limit).to_dict("records")]
    if table.compared:
        rising = table.rising(limit)
        count = int(table.terms["rising"].sum())
        shown = f"{count}" if count <= limit else f"{count}, the surest {limit}"
        lines += ["", f"rising ({shown}; share at least twice the period before's):"]
        if rising.empty:
            lines.append("  none")
        else:
            lines += [_header(True)]
            lines += [_row(row, True) for row in rising.to_dict("records")]
    return lines


def _header(compared: bool) -> str:
    head = f"  {_pad('term', TERM_COLUMNS)} {'docs':>6} {'share':>6} {'mean':>6} {'neg':>5}"
    return head + (f" {'before':>7} {'change':>7}" if compared else "")


def _row(row: dict[str, Any], compared: bool) -> str:
    """'  보상           10  50.0%  +0.12   20%       0     new'."""
    line = (
        f"  {_pad(row['term'], TERM_COLUMNS)} {row['docs']:>6,} {row['share']:>6.1%} "
        f"{row['mean_compound']:>+6.2f} {row['neg_share']:>5.0%}"
    )
    if compared:
        change = "new" if row["before_docs"] == 0 else f"x{row['ratio']:.1f}"
        line += f" {row['before_docs']:>7,} {change:>7}"
    return line


def _pad(text: str, columns: int) -> str:
    """`text` padded with spaces to `columns` terminal columns (a Hangul syllable takes two)."""
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(columns - width, 0)
