"""Read and validate lexicon TSV files (polarity files, modifiers.tsv); errors quote file:line."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from minsim.errors import MinsimError

# The shipped lexicon folder (package data).
LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
# Curated files in the order they are read; induced_*.tsv follow, then user files.
CURATED_FILES = ("core.tsv", "domain.tsv", "emoticons.tsv")
# Glob of generated files: curated rows win over them on a repeated key.
INDUCED_GLOB = "induced_*.tsv"
MODIFIERS_FILE = "modifiers.tsv"
# VADER's scale: every weight lies in [-4, 4].
MAX_ABS_WEIGHT = 4.0
POLARITY_HEADER = ("key", "weight", "source", "note")
MODIFIER_HEADER = ("key", "kind", "note")
MODIFIER_KINDS = frozenset(
    {"negator_pre", "negator_post", "booster", "dampener", "contrast", "sarcasm"}
)
# A user row whose note starts with this replaces a shipped key.
OVERRIDE_NOTE = "override"
# Source of generated rows (`induced:<corpus>`): a key defined before them wins over them.
# Final: the compiled scorer then uses the value itself, not a look-up per hit.
INDUCED_SOURCE_PREFIX: Final = "induced:"
# Kiwi 0.24's tag set with irregular suffixes dropped (lexicon/README.md rule 6).
_TAG_TEXT = (
    "NNG NNP NNB NR NP VV VA VX VCP VCN MM MAG MAJ IC JKS JKC JKG JKO JKB JKV JKQ JX JC EP EF EC "
    "ETN ETM XPN XSN XSV XSA XSM XR SF SP SS SSO SSC SE SO SW SL SH SN SB W_URL W_EMAIL "
    "W_HASHTAG W_MENTION W_SERIAL W_EMOJI Z_CODA Z_SIOT"
)
KNOWN_TAGS = frozenset(_TAG_TEXT.split(" "))
# Kiwi's tag for words in Latin letters: keys hold them lowercase, from files and from Kiwi alike
# (lexicon/README.md rule 5; tokenizer.make_key).
LATIN_TAG: Final = "SL"
# Predicate tags whose lemma carries 다 (lexicon/README.md rule 1).
PREDICATE_TAGS = frozenset({"VV", "VA", "VX", "VCP", "VCN"})
SOURCE_PATTERN = re.compile(r"^(curated|domain|user|induced:[a-z0-9_-]+)$")
MORPHEME_PATTERN = re.compile(r"^(?P<lemma>\S+)/(?P<tag>[A-Z_]+)$")


class LexiconError(MinsimError):
    """A lexicon file is malformed; the message starts with `file:line`."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One polarity row: the morpheme keys of a word or phrase and where it came from."""

    keys: tuple[str, ...]
    weight: float
    source: str
    note: str
    origin: str  # file:line
    text_key: str = ""  # the keys joined by spaces, filled in at construction

    def __post_init__(self) -> None:
        if not self.text_key:
            object.__setattr__(self, "text_key", " ".join(self.keys))

    @property
    def key(self) -> str:
        return self.text_key


@dataclass
class Lexicon:
    """All polarity entries by their full key, plus first-morpheme indexes for matching: phrases
    (written rows of several morphemes, which replace their words) and collocations (generated
    pairs, which add to their words, the way they were learned)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    phrases: dict[str, list[Entry]] = field(default_factory=dict)
    collocations: dict[str, dict[str, Entry]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Induced rows left out per file because an earlier row already defines their key.
    skipped: dict[Path, int] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        previous = self.entries.get(entry.key)
        if previous is not None and is_collocation(previous):  # an override replaces it
            del self.collocations[previous.keys[0]][previous.keys[1]]
        self.entries[entry.key] = entry
        if is_collocation(entry):
            self.collocations.setdefault(entry.keys[0], {})[entry.keys[1]] = entry
        elif len(entry.keys) > 1:
            bucket = self.phrases.setdefault(entry.keys[0], [])
            bucket[:] = [e for e in bucket if e.key != entry.key] + [entry]
            bucket.sort(key=lambda e: -len(e.keys))


def is_collocation(entry: Entry) -> bool:
    """A generated pair: its weight adds to its two words' (lexicon/README.md, induced files)."""
    return len(entry.keys) == 2 and _is_induced(entry)


def parse_key(raw: str, origin: str) -> tuple[str, ...]:
    """Split and check a key `lemma/TAG lemma/TAG ...`; raises LexiconError quoting origin."""
    if not raw or raw != raw.strip() or "  " in raw:
        raise LexiconError(f"{origin}: malformed key {raw!r} (morphemes joined by single spaces)")
    parts: list[str] = []
    for part in raw.split(" "):
        match = MORPHEME_PATTERN.match(part)
        if not match:
            raise LexiconError(f"{origin}: malformed morpheme {part!r} in key {raw!r} (lemma/TAG)")
        lemma, tag = match["lemma"], match["tag"]
        if tag not in KNOWN_TAGS:
            raise LexiconError(f"{origin}: unknown tag {tag!r} in key {raw!r}")
        if tag in PREDICATE_TAGS and not lemma.endswith("다"):
            raise LexiconError(
                f"{origin}: predicate {part!r} must carry 다 as Kiwi's lemma does ({lemma}다/{tag})"
            )
        # interned: the same morpheme starts or ends thousands of generated pairs
        parts.append(sys.intern(f"{lemma.lower()}/{tag}" if tag == LATIN_TAG else part))
    return tuple(parts)


def _report(error: LexiconError, errors: list[LexiconError] | None) -> None:
    """Raise `error`, or keep it when the caller wants every error of a file (lexicon check)."""
    if errors is None:
        raise error
    errors.append(error)


def _rows(
    path: Path, header: tuple[str, ...], errors: list[LexiconError] | None = None
) -> Iterable[tuple[int, list[str]]]:
    """Yield (line number, columns) of data rows after checking the header; rows with the wrong
    number of columns are reported (see _report) and skipped. An unreadable file or a wrong
    header always raises: no row of it can be trusted."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}:0: cannot read lexicon file: {exc}") from exc
    seen_header = False
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if not seen_header:
            if tuple(c.strip() for c in columns) != header:
                raise LexiconError(
                    f"{path}:{number}: header must be {'<TAB>'.join(header)!r}, got {line!r}"
                )
            seen_header = True
            continue
        if len(columns) == len(header) - 1:
            columns.append("")  # the note column may be left off
        if len(columns) != len(header):
            message = f"expected {len(header)} tab-separated columns, got {len(columns)}"
            _report(LexiconError(f"{path}:{number}: {message}"), errors)
            continue
        yield number, columns
    if not seen_header:
        raise LexiconError(f"{path}:1: no header line {'<TAB>'.join(header)!r}")


def read_polarity_file(path: Path, errors: list[LexiconError] | None = None) -> list[Entry]:
    """Parse and validate one polarity file; duplicate keys inside it are errors.

    Raises the first error; given a list `errors`, keeps every bad row's error there instead
    and returns the good rows (an unreadable file or a wrong header still raises).
    """
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for number, columns in _rows(path, POLARITY_HEADER, errors):
        origin = f"{path}:{number}"
        try:
            entry = _polarity_entry(columns, origin)
            if entry.key in seen:
                raise LexiconError(
                    f"{origin}: duplicate key {columns[0]!r} (first at {seen[entry.key]})"
                )
        except LexiconError as error:
            _report(error, errors)
            continue
        seen[entry.key] = origin
        entries.append(entry)
    return entries


def _polarity_entry(columns: list[str], origin: str) -> Entry:
    """One checked polarity row; raises LexiconError quoting origin."""
    key, weight_text, source, note = columns
    keys = parse_key(key, origin)
    try:
        weight = float(weight_text)
    except ValueError:
        raise LexiconError(f"{origin}: weight {weight_text!r} is not a number") from None
    if not math.isfinite(weight) or weight == 0 or abs(weight) > MAX_ABS_WEIGHT:
        raise LexiconError(
            f"{origin}: weight {weight_text} out of range (non-zero, within ±{MAX_ABS_WEIGHT:g})"
        )
    if not SOURCE_PATTERN.match(source):
        raise LexiconError(
            f"{origin}: source {source!r} is not curated, domain, user or induced:<corpus>"
        )
    if len(keys) > 2 and source.startswith(INDUCED_SOURCE_PREFIX):
        raise LexiconError(
            f"{origin}: a generated ({source}) row holds one morpheme or a pair, got {len(keys)}"
        )
    return Entry(keys, weight, source, note.strip(), origin)  # keys as matched: Latin lowercased


def shipped_files(directory: Path = LEXICON_DIR) -> list[Path]:
    """The shipped polarity files in reading order: curated ones, then induced ones by name."""
    curated = [directory / name for name in CURATED_FILES if (directory / name).exists()]
    return curated + sorted(directory.glob(INDUCED_GLOB))


def load_lexicon(
    extra: Sequence[Path] = (),
    directory: Path = LEXICON_DIR,
    event_keys: frozenset[str] = frozenset(),
    errors: list[LexiconError] | None = None,
) -> Lexicon:
    """Load the shipped files and the user's extra files into one validated Lexicon.

    Raises the first error; given a list `errors`, keeps every error there and goes on, so
    `minsim lexicon check` can report them all (the Lexicon then holds only the good rows).
    """
    lexicon = Lexicon()
    for path in shipped_files(directory):
        induced = path.name.startswith("induced_")
        for entry in _read_or_report(path, errors):
            previous = lexicon.entries.get(entry.key)
            if previous is None:
                lexicon.add(entry)
            elif induced and not _is_induced(previous):
                _skip(lexicon, path)  # a curated row wins over a generated one
            else:
                message = f"duplicate key {entry.key!r} (first at {previous.origin})"
                _report(LexiconError(f"{entry.origin}: {message}"), errors)
        lexicon.files.append(path)
    user_origins: dict[str, str] = {}
    for path in map(Path, extra):
        for entry in _read_or_report(path, errors):
            _add_user_entry(lexicon, entry, path, user_origins, errors)
        lexicon.files.append(path)
    for key in sorted(event_keys & lexicon.entries.keys()):
        lexicon.warnings.append(
            f"{lexicon.entries[key].origin}: {key!r} is an event word; the scorer ignores it"
        )
    for following in lexicon.collocations.values():
        for entry in following.values():
            if not event_keys.isdisjoint(entry.keys):
                lexicon.warnings.append(
                    f"{entry.origin}: generated pair {entry.key!r} holds an event word; "
                    "the scorer ignores it"
                )
    return lexicon


def _read_or_report(path: Path, errors: list[LexiconError] | None) -> list[Entry]:
    """The good rows of one file; an unreadable file is reported (see _report) as having none."""
    try:
        return read_polarity_file(path, errors)
    except LexiconError as error:
        _report(error, errors)
        return []


def _is_induced(entry: Entry) -> bool:
    return entry.source.startswith(INDUCED_SOURCE_PREFIX)


def _skip(lexicon: Lexicon, path: Path) -> None:
    lexicon.skipped[path] = lexicon.skipped.get(path, 0) + 1


def _add_user_entry(
    lexicon: Lexicon,
    entry: Entry,
    path: Path,
    user_origins: dict[str, str],
    errors: list[LexiconError] | None,
) -> None:
    """Add one row of a user file: a generated (induced) row never replaces a key defined
    before it, as in the shipped files, so a file from `minsim lexicon induce` loads as it is;
    a hand-written row replaces a shipped key only with an `override` note."""
    previous = lexicon.entries.get(entry.key)
    if previous is not None and _is_induced(entry):
        _skip(lexicon, path)
        return
    if entry.key in user_origins:
        message = f"duplicate key {entry.key!r} (first at {user_origins[entry.key]})"
        _report(LexiconError(f"{entry.origin}: {message}"), errors)
        return
    if previous is not None and not entry.note.startswith(OVERRIDE_NOTE):
        _report(
            LexiconError(
                f"{entry.origin}: key {entry.key!r} is already in {previous.origin}; "
                f"start the note with {OVERRIDE_NOTE!r} to replace it"
            ),
            errors,
        )
        return
    user_origins[entry.key] = entry.origin
    lexicon.add(entry)


def load_modifiers(path: Path = LEXICON_DIR / MODIFIERS_FILE) -> dict[str, frozenset[str]]:
    """Read modifiers.tsv into {key: kinds}; a key may have several kinds on separate lines."""
    modifiers: dict[str, set[str]] = {}
    origins: dict[tuple[str, str], str] = {}
    for number, (key, kind, _note) in _rows(path, MODIFIER_HEADER):
        origin = f"{path}:{number}"
        keys = parse_key(key, origin)
        if len(keys) != 1:
            raise LexiconError(f"{origin}: a modifier is one morpheme, got {key!r}")
        if kind not in MODIFIER_KINDS:
            raise LexiconError(f"{origin}: unknown modifier kind {kind!r}")
        if (keys[0], kind) in origins:
            raise LexiconError(
                f"{origin}: duplicate {kind} {key!r} (first at {origins[(keys[0], kind)]})"
            )
        modifiers.setdefault(keys[0], set()).add(kind)
        origins[(keys[0], kind)] = origin
    return {key: frozenset(kinds) for key, kinds in modifiers.items()}
