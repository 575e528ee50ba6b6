"""Read and validate lexicon TSV files (polarity files, modifiers.tsv); errors quote file:line."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
# Kiwi 0.24's tag set with irregular suffixes dropped (lexicon/README.md rule 6).
_TAG_TEXT = (
    "NNG NNP NNB NR NP VV VA VX VCP VCN MM MAG MAJ IC JKS JKC JKG JKO JKB JKV JKQ JX JC EP EF EC "
    "ETN ETM XPN XSN XSV XSA XSM XR SF SP SS SSO SSC SE SO SW SL SH SN SB W_URL W_EMAIL "
    "W_HASHTAG W_MENTION W_SERIAL W_EMOJI Z_CODA Z_SIOT"
)
KNOWN_TAGS = frozenset(_TAG_TEXT.split(" "))
# Kiwi's tag for words in Latin letters: keys hold them lowercase, from files and from Kiwi alike
# (lexicon/README.md rule 5; tokenizer.make_key).
LATIN_TAG = "SL"
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
    """All polarity entries by their full key, plus a first-morpheme index for phrase matching."""

    entries: dict[str, Entry] = field(default_factory=dict)
    phrases: dict[str, list[Entry]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, entry: Entry) -> None:
        self.entries[entry.key] = entry
        if len(entry.keys) > 1:
            bucket = self.phrases.setdefault(entry.keys[0], [])
            bucket[:] = [e for e in bucket if e.key != entry.key] + [entry]
            bucket.sort(key=lambda e: -len(e.keys))


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
        parts.append(f"{lemma.lower()}/{tag}" if tag == LATIN_TAG else part)
    return tuple(parts)


def _rows(path: Path, header: tuple[str, ...]) -> Iterable[tuple[int, list[str]]]:
    """Yield (line number, columns) of data rows after checking the header."""
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
            raise LexiconError(
                f"{path}:{number}: expected {len(header)} tab-separated columns, got {len(columns)}"
            )
        yield number, columns
    if not seen_header:
        raise LexiconError(f"{path}:1: no header line {'<TAB>'.join(header)!r}")


def read_polarity_file(path: Path) -> list[Entry]:
    """Parse and validate one polarity file; duplicate keys inside it are errors."""
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for number, (key, weight_text, source, note) in _rows(path, POLARITY_HEADER):
        origin = f"{path}:{number}"
        keys = parse_key(key, origin)
        try:
            weight = float(weight_text)
        except ValueError:
            raise LexiconError(f"{origin}: weight {weight_text!r} is not a number") from None
        if not math.isfinite(weight) or weight == 0 or abs(weight) > MAX_ABS_WEIGHT:
            raise LexiconError(
                f"{origin}: weight {weight_text} out of range "
                f"(non-zero, within ±{MAX_ABS_WEIGHT:g})"
            )
        if not SOURCE_PATTERN.match(source):
            raise LexiconError(
                f"{origin}: source {source!r} is not curated, domain, user or induced:<corpus>"
            )
        written = " ".join(keys)  # as matched: Latin words lowercased
        if written in seen:
            raise LexiconError(f"{origin}: duplicate key {key!r} (first at {seen[written]})")
        seen[written] = origin
        entries.append(Entry(keys, weight, source, note.strip(), origin))
    return entries


def shipped_files(directory: Path = LEXICON_DIR) -> list[Path]:
    """The shipped polarity files in reading order: curated ones, then induced ones by name."""
    curated = [directory / name for name in CURATED_FILES if (directory / name).exists()]
    return curated + sorted(directory.glob(INDUCED_GLOB))


def load_lexicon(
    extra: Sequence[Path] = (),
    directory: Path = LEXICON_DIR,
    event_keys: frozenset[str] = frozenset(),
) -> Lexicon:
    """Load the shipped files and the user's extra files into one validated Lexicon."""
    lexicon = Lexicon()
    for path in shipped_files(directory):
        induced = path.name.startswith("induced_")
        for entry in read_polarity_file(path):
            previous = lexicon.entries.get(entry.key)
            if previous is not None:
                if induced and not previous.source.startswith("induced:"):
                    continue  # a curated row wins over a generated one
                raise LexiconError(
                    f"{entry.origin}: duplicate key {entry.key!r} (first at {previous.origin})"
                )
            lexicon.add(entry)
        lexicon.files.append(path)
    user_origins: dict[str, str] = {}
    for path in extra:
        for entry in read_polarity_file(Path(path)):
            previous = lexicon.entries.get(entry.key)
            if entry.key in user_origins:
                raise LexiconError(
                    f"{entry.origin}: duplicate key {entry.key!r} "
                    f"(first at {user_origins[entry.key]})"
                )
            if previous is not None and not entry.note.startswith(OVERRIDE_NOTE):
                raise LexiconError(
                    f"{entry.origin}: key {entry.key!r} is already in {previous.origin}; "
                    f"start the note with {OVERRIDE_NOTE!r} to replace it"
                )
            user_origins[entry.key] = entry.origin
            lexicon.add(entry)
        lexicon.files.append(Path(path))
    for key in sorted(event_keys & lexicon.entries.keys()):
        lexicon.warnings.append(
            f"{lexicon.entries[key].origin}: {key!r} is an event word; the scorer ignores it"
        )
    return lexicon


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
