"""Scorer commands (explain, eval, lexicon check/induce) and the Scorer built from settings."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from minsim.cli_common import plural, terminal_safe
from minsim.errors import MinsimError, SettingsError

# `minsim explain -` (or `--file -`) reads the text from standard input.
STDIN_NAME = "-"
# Added to the output's name while `lexicon induce` writes it.
PARTIAL_SUFFIX = ".partial"


def scorer_from_settings(settings: Any) -> Any:
    """The Scorer for these settings: extra lexicons and the scenario's aspects.toml."""
    from sentiment import Scorer

    aspects = Path(settings.scenario.path) / "aspects.toml"
    return Scorer(settings.scorer.extra_lexicons, aspects if aspects.is_file() else None)


def _scorer(args: argparse.Namespace) -> Any:
    """Scorer from the settings file, or defaults when there is none (explain works anywhere)."""
    from minsim.settings import load_settings

    try:
        settings = load_settings(args.config)
    except SettingsError:
        if args.config is not None:
            raise
        from sentiment import Scorer

        return Scorer()
    return scorer_from_settings(settings)


def _settings_lexicons(args: argparse.Namespace) -> tuple[Path, ...]:
    """The extra lexicons named in the settings file, or none when there is no settings file."""
    from minsim.settings import load_settings

    try:
        return tuple(load_settings(args.config).scorer.extra_lexicons)
    except SettingsError:
        if args.config is not None:
            raise
        return ()


def _explain(args: argparse.Namespace) -> int:
    from sentiment.explain import explain_text
    from sentiment.tokenizer import tokenize_one

    text = _explain_input(args)
    scorer = _scorer(args)
    score = scorer.score(text)
    if args.json:  # for programs: left exactly as scored (JSON escapes the C0 controls itself)
        print(json.dumps(score.to_dict(), ensure_ascii=False, indent=2))
        return 0
    morphemes = [[m.key for m in s.morphemes] for s in tokenize_one(text)]
    print(f"scorer version: {scorer.version}")
    # The text is echoed: escape what a terminal would act on (colours, cursor moves, reordering).
    print(terminal_safe(explain_text(text, score, morphemes)))
    return 0


def _explain_input(args: argparse.Namespace) -> str:
    """The text to explain: the argument, or the UTF-8 contents of --file PATH or of stdin
    (`-`), for texts longer than a command line may be."""
    if args.file is not None and args.text is not None:
        raise MinsimError("explain: give the text or --file PATH, not both")
    source = args.file if args.file is not None else args.text
    if source is None:
        raise MinsimError("explain: give the text, - to read stdin, or --file PATH")
    if args.file is None and source != STDIN_NAME:
        return source
    if source == STDIN_NAME:
        return _decode(sys.stdin.buffer.read(), "standard input")
    path = Path(source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MinsimError(f"explain: {path}: no such file") from None
    except OSError as exc:
        raise MinsimError(f"explain: {path}: cannot read: {exc.strerror}") from None
    return _decode(data, str(path))


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MinsimError(f"explain: {where}: not UTF-8 text (byte {exc.start})") from None


def _eval(args: argparse.Namespace) -> int:
    from sentiment.evaluate import evaluate, format_evaluation

    scorer = _scorer(args)
    results = [evaluate(scorer, Path(path)) for path in args.files]
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        print(f"scorer version: {scorer.version}")
        for result in results:
            print(format_evaluation(result))
    return 0


def _lexicon_check(args: argparse.Namespace) -> int:
    from sentiment.lexicon_loader import LexiconError, load_lexicon, load_modifiers
    from sentiment.rules import EVENT_WORDS

    named = [Path(p) for p in args.files]
    errors: list[LexiconError] = []
    # The named files are checked together with the shipped ones (duplicates, overrides), and
    # every error of every file is collected, so one run shows all that needs fixing.
    lexicon = load_lexicon(named or _settings_lexicons(args), event_keys=EVENT_WORDS, errors=errors)
    modifiers = {} if named else load_modifiers()
    for warning in lexicon.warnings:
        print(f"warning: {warning}")
    for error in errors:
        print(error, file=sys.stderr)
    shown = named or lexicon.files
    failed = [p for p in shown if any(str(e).startswith(f"{p}:") for e in errors)]
    for path in shown:
        if path not in failed:
            print(_file_summary(lexicon, path))
    if errors:
        where = ", ".join(map(str, failed)) or "the shipped lexicon"
        raise LexiconError(f"{plural(len(errors), 'error', 'errors')} in {where}")
    if named:
        total = sum(_entries_from(lexicon, p) for p in named)
        print(f"ok: {plural(total, 'entry', 'entries')} in {plural(len(named), 'file', 'files')}")
    else:
        entries = plural(len(lexicon.entries), "entry", "entries")
        print(f"ok: {entries}, {plural(len(modifiers), 'modifier', 'modifiers')}")
    return 0


def _entries_from(lexicon: Any, path: Path) -> int:
    """Entries of the loaded lexicon that come from `path` (replaced ones are not counted)."""
    return sum(1 for e in lexicon.entries.values() if e.origin.startswith(f"{path}:"))


def _file_summary(lexicon: Any, path: Path) -> str:
    """`core.tsv: 1,234 entries ok`, with the induced rows left out for keys defined before."""
    line = f"{path}: {plural(_entries_from(lexicon, path), 'entry', 'entries')} ok"
    skipped = lexicon.skipped.get(path, 0)
    if skipped:
        rows = plural(skipped, "induced row", "induced rows")
        line += f"; {rows} skipped (their keys are already defined, the earlier row wins)"
    return line


# The induce options and what they mean. The defaults are written out here because importing
# sentiment.induce (and Kiwi with it) would make every --help slow; tests/test_cli.py checks
# that each one matches its constant in sentiment/induce.py.
INDUCE_OPTIONS: tuple[tuple[str, type, str], ...] = (
    ("--min-count", int, "documents a single morpheme must occur in (default 3)"),
    ("--bigram-min-count", int, "documents a pair of morphemes must occur in (default 3)"),
    (
        "--bigram-scale",
        float,
        "share of weight for pairs, which add to their words' weights (default 0.6)",
    ),
    ("--smoothing", float, "added to both document counts (default 0.5)"),
    ("--shrink", float, "rare keys are pulled towards 0 by n / (n + shrink) (default 10)"),
    ("--scale", float, "weight per unit of natural-log odds (default 1)"),
    ("--function-scale", float, "share of weight for endings and particles (default 0.75)"),
    ("--min-abs", float, "smaller weights are dropped (default 0.05)"),
)


def _given(value: Any, default: Any) -> Any:
    return default if value is None else value


def _lexicon_induce(args: argparse.Namespace) -> int:
    from sentiment import induce as defaults
    from sentiment.induce import InduceSettings, induce

    if not args.corpus.replace("-", "").replace("_", "").isalnum() or not args.corpus.islower():
        raise MinsimError(f"--corpus {args.corpus!r}: use lower-case letters, digits, - or _")
    settings = InduceSettings(
        corpus=args.corpus,
        min_count=_given(args.min_count, defaults.DEFAULT_MIN_COUNT),
        bigram_min_count=_given(args.bigram_min_count, defaults.DEFAULT_BIGRAM_MIN_COUNT),
        bigram_scale=_given(args.bigram_scale, defaults.DEFAULT_BIGRAM_SCALE),
        function_scale=_given(args.function_scale, defaults.DEFAULT_FUNCTION_SCALE),
        smoothing=_given(args.smoothing, defaults.DEFAULT_SMOOTHING),
        shrink=_given(args.shrink, defaults.DEFAULT_SHRINK),
        scale=_given(args.scale, defaults.DEFAULT_SCALE),
        min_abs=_given(args.min_abs, defaults.DEFAULT_MIN_ABS),
    )
    output = Path(args.output)
    # Learn into a file beside the output and move it into place only when it holds something:
    # an empty lexicon is of no use, and a good one already at the output must survive.
    partial = output.with_name(output.name + PARTIAL_SUFFIX)
    try:
        written = induce([Path(p) for p in args.files], partial, settings)
        if not written:
            raise MinsimError(_nothing_learned(args.files, settings, output))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    print(f"wrote {plural(written, 'entry', 'entries')} to {output}")
    return 0


def _nothing_learned(files: list[str], settings: Any, output: Path) -> str:
    """Why induction found no key worth a weight, and what to change."""
    return (
        f"lexicon induce: nothing learned from {', '.join(files)}: no morpheme occurred in "
        f"--min-count {settings.min_count} documents (pairs: --bigram-min-count "
        f"{settings.bigram_min_count}) with a weight of at least --min-abs {settings.min_abs}; "
        f"{output} not written (give more labeled rows, or lower --min-count)"
    )


def add_commands(subparsers: Any) -> None:
    """Add explain, eval and lexicon {check,induce} to the minsim command line."""
    explain = subparsers.add_parser("explain", help="show how a text is scored, rule by rule")
    explain.add_argument(
        "text", nargs="?", help="the Korean text to score, or - to read it from standard input"
    )
    explain.add_argument(
        "--file", metavar="PATH", help="read the text from this UTF-8 file (- for stdin)"
    )
    explain.add_argument("--json", action="store_true", help="print the full score as JSON")
    explain.set_defaults(func=_explain)

    evaluate = subparsers.add_parser(
        "eval", help="score labeled TSV files (text,label or text,aspect,label)"
    )
    evaluate.add_argument("files", nargs="+", metavar="FILE.tsv", help="labeled file(s)")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(func=_eval)

    lexicon = subparsers.add_parser("lexicon", help="check or induce lexicon files")
    actions = lexicon.add_subparsers(dest="lexicon_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="validate lexicon files (default: the shipped ones and those in settings)"
    )
    check.add_argument("files", nargs="*", metavar="FILE", help="user lexicon files to check")
    check.set_defaults(func=_lexicon_check)

    induce = actions.add_parser("induce", help="learn a lexicon from labeled text<TAB>label files")
    induce.add_argument("files", nargs="+", metavar="FILE.tsv", help="labeled training files")
    induce.add_argument("-o", "--output", required=True, metavar="PATH", help="lexicon to write")
    induce.add_argument("--corpus", default="custom", help="corpus name for the source column")
    for flag, kind, meaning in INDUCE_OPTIONS:
        induce.add_argument(flag, type=kind, help=meaning)
    induce.set_defaults(func=_lexicon_induce)
