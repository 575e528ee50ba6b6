"""Scorer commands (explain, eval, lexicon check/induce) and the Scorer built from settings."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from minsim.errors import MinsimError, SettingsError


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

    scorer = _scorer(args)
    score = scorer.score(args.text)
    if args.json:
        print(json.dumps(score.to_dict(), ensure_ascii=False, indent=2))
        return 0
    morphemes = [[m.key for m in s.morphemes] for s in tokenize_one(args.text)]
    print(f"scorer version: {scorer.version}")
    print(explain_text(args.text, score, morphemes))
    return 0


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
    from sentiment.lexicon_loader import load_lexicon, load_modifiers, read_polarity_file
    from sentiment.rules import EVENT_WORDS

    if args.files:
        total = 0
        for path in args.files:
            entries = read_polarity_file(Path(path))
            total += len(entries)
            for entry in entries:
                if entry.key in EVENT_WORDS:
                    print(f"warning: {entry.origin}: {entry.key!r} is an event word; ignored")
            print(f"{path}: {len(entries)} entries ok")
        # also check them together with the shipped files (duplicates, overrides)
        load_lexicon([Path(p) for p in args.files], event_keys=EVENT_WORDS)
        print(f"ok: {total} entries in {len(args.files)} file(s)")
        return 0
    lexicon = load_lexicon(_settings_lexicons(args), event_keys=EVENT_WORDS)
    modifiers = load_modifiers()
    for warning in lexicon.warnings:
        print(f"warning: {warning}")
    for path in lexicon.files:
        count = sum(1 for e in lexicon.entries.values() if e.origin.startswith(f"{path}:"))
        print(f"{path}: {count} entries")
    print(f"ok: {len(lexicon.entries)} entries, {len(modifiers)} modifiers")
    return 0


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
        bigram_min_gain=_given(args.bigram_min_gain, defaults.DEFAULT_BIGRAM_MIN_GAIN),
        function_scale=_given(args.function_scale, defaults.DEFAULT_FUNCTION_SCALE),
        smoothing=_given(args.smoothing, defaults.DEFAULT_SMOOTHING),
        shrink=_given(args.shrink, defaults.DEFAULT_SHRINK),
        scale=_given(args.scale, defaults.DEFAULT_SCALE),
        min_abs=_given(args.min_abs, defaults.DEFAULT_MIN_ABS),
    )
    written = induce([Path(p) for p in args.files], Path(args.output), settings)
    print(f"wrote {written} entries to {args.output}")
    return 0


def add_commands(subparsers: Any) -> None:
    """Add explain, eval and lexicon {check,induce} to the minsim command line."""
    explain = subparsers.add_parser("explain", help="show how a text is scored, rule by rule")
    explain.add_argument("text", help="the Korean text to score")
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
    induce.add_argument(
        "--min-count", type=int, help="default: sentiment/induce.py DEFAULT_MIN_COUNT"
    )
    induce.add_argument(
        "--smoothing", type=float, help="default: sentiment/induce.py DEFAULT_SMOOTHING"
    )
    induce.add_argument("--bigram-min-count", type=int, help="default: DEFAULT_BIGRAM_MIN_COUNT")
    induce.add_argument("--bigram-min-gain", type=float, help="default: DEFAULT_BIGRAM_MIN_GAIN")
    induce.add_argument("--function-scale", type=float, help="default: DEFAULT_FUNCTION_SCALE")
    induce.add_argument("--shrink", type=float, help="default: sentiment/induce.py DEFAULT_SHRINK")
    induce.add_argument("--scale", type=float, help="default: sentiment/induce.py DEFAULT_SCALE")
    induce.add_argument(
        "--min-abs", type=float, help="default: sentiment/induce.py DEFAULT_MIN_ABS"
    )
    induce.set_defaults(func=_lexicon_induce)
