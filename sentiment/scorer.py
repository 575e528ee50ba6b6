"""The Scorer: loads lexicons, modifiers and aspects once, then scores documents without I/O."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from sentiment import rules as R
from sentiment.aspects import Aspect, AspectMatcher, load_aspects, topic_cues
from sentiment.engine import (
    ECHOING_KEYS,
    EXPRESSIVE_DEFAULTS,
    SentenceEngine,
    SentenceParts,
    finish,
)
from sentiment.lexicon_loader import LEXICON_DIR, MODIFIERS_FILE, load_lexicon, load_modifiers
from sentiment.native import PACKAGE_DIR
from sentiment.result import AspectScore, Score, label_for, normalize
from sentiment.tokenizer import Sentence, noun_terms, tokenize_many, tokenize_one

# Hex digits of the version hash kept (the scorer_version column holds at most 32 characters).
VERSION_HEX_DIGITS = 24
# Prefix naming the scorer family, so a different scorer's versions never collide.
VERSION_PREFIX = "lx-"
# The modules whose code decides a score (sentence splitting, matching, rules, documents,
# aspects, normalisation): their source is part of the version as much as the lexicon is.
SCORING_CODE = ("tokenizer", "lexicon_loader", "engine", "scorer", "aspects", "result", "rules")
# Where their sources live (the compiled build loads from elsewhere; the sources stay here).
SCORING_CODE_DIR = PACKAGE_DIR


class Scorer:
    """Lexicon-and-rules Korean sentiment scorer; everything is read at construction."""

    def __init__(
        self,
        extra_lexicons: Sequence[Path] = (),
        aspects_path: Path | None = None,
        *,
        lexicon_dir: Path = LEXICON_DIR,
    ) -> None:
        self.lexicon = load_lexicon(
            tuple(Path(p) for p in extra_lexicons), lexicon_dir, R.EVENT_WORDS
        )
        modifiers_path = lexicon_dir / MODIFIERS_FILE
        self.modifiers = load_modifiers(modifiers_path)
        self.aspects: tuple[Aspect, ...] = load_aspects(Path(aspects_path)) if aspects_path else ()
        self.engine = SentenceEngine(self.lexicon, self.modifiers, topic_cues(self.aspects))
        self.matcher = AspectMatcher(self.aspects)
        inputs = [*self.lexicon.files, modifiers_path]
        if aspects_path:
            inputs.append(Path(aspects_path))
        inputs += [SCORING_CODE_DIR / f"{name}.py" for name in SCORING_CODE]
        self.version = self._version(inputs)

    @staticmethod
    def _version(files: Iterable[Path]) -> str:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        digest.update(json.dumps(R.rule_constants(), sort_keys=True, default=str).encode())
        return VERSION_PREFIX + digest.hexdigest()[:VERSION_HEX_DIGITS]

    # --- public API ---------------------------------------------------------------------------
    def score(self, text: str, inherited_aspects: Sequence[str] = ()) -> Score:
        """Score one text; `inherited_aspects` apply when the text names no aspect itself."""
        return self._document(text, tokenize_one(text), inherited_aspects)

    def score_many(
        self, texts: Iterable[str], inherited_aspects: Sequence[Sequence[str]] | None = None
    ) -> list[Score]:
        """Score many texts through Kiwi's multi-threaded batch tokenizer, in input order."""
        texts = list(texts)
        if inherited_aspects is not None and len(inherited_aspects) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(inherited_aspects)} inherited aspects")
        scores: list[Score] = []
        # Scores hold no reference cycles; pausing the cyclic collector keeps it from rescanning
        # the growing result list again and again (measured: half the rate at 20,000 texts).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for index, sentences in enumerate(tokenize_many(texts)):
                inherited = inherited_aspects[index] if inherited_aspects is not None else ()
                scores.append(self._document(texts[index], sentences, inherited))
        finally:
            if collecting:
                gc.enable()
        return scores

    # --- documents ----------------------------------------------------------------------------
    def _document(self, text: str, sentences: list[Sentence], inherited: Sequence[str]) -> Score:
        parts = [self.engine.score(text, sentence) for sentence in sentences]
        rules_applied: list[str] = []
        self._smile_sarcasm(parts, rules_applied)
        self._echo_expressive_sentences(parts, rules_applied)
        self._sentence_weights(parts)
        # The document's compound is the normalised mean of its sentences' totals: a mean, not a
        # sum, so long articles do not saturate, while one clear sentence still outweighs a few
        # faint ones of the other sign (a mean of compounds let them outvote it) and a comment's
        # score does not hang on where its unpunctuated sentences were split. Held-out reviews
        # 0.8432 -> 0.8449; comments and the project's tables unchanged.
        scored = [p.score for p in parts if p.score.total]
        weight = sum(s.weight for s in scored)
        compound = normalize(sum(s.total * s.weight for s in scored) / weight) if weight else 0.0
        weights = [h.weight for p in parts for h in p.score.hits]
        pos = sum([w for w in weights if w > 0.0])
        neg = -sum([w for w in weights if w < 0.0])
        neu = float(sum(p.neutral_count for p in parts))
        mass = pos + neg + neu
        shares = (pos / mass, neg / mass, neu / mass) if mass else (0.0, 0.0, 1.0)
        aspects = self._aspects(parts, compound, inherited)
        return Score(
            compound,
            label_for(compound),
            *shares,
            [p.score for p in parts],
            aspects,
            rules_applied,
            noun_terms(sentences),
        )

    @staticmethod
    def _smile_sarcasm(parts: list[SentenceParts], applied: list[str]) -> None:
        """Praise followed by ^^ in a complaint: the praise is sarcastic."""
        if not any(p.has_smile for p in parts):
            return
        # a written word that ends negative and is clear before or after the rules
        # (먹통 halved by a trailing -ㄴ데 is still a complaint)
        complaint = sum(
            abs(h.base)
            for p in parts
            for h in p.score.hits
            if h.weight < 0
            and max(-h.weight, abs(h.base)) >= R.CLEAR_OPINION_WEIGHT
            and h.key not in EXPRESSIVE_DEFAULTS
            and h.source in R.COMPLAINT_SOURCES
        )
        if not complaint:
            return
        # Written praise well beyond the complaint makes the smile sincere ("막장이지만 그래도
        # 볼만한 코미디^^"). Both sides by their lexicon weights: the boosters and the contrast
        # that carry the mockery would otherwise count for the praise.
        praise = sum(
            h.base
            for p in parts
            for h in p.score.hits
            if h.weight > 0 and h.key not in EXPRESSIVE_DEFAULTS and h.source in R.COMPLAINT_SOURCES
        )
        if praise > complaint * R.SARCASM_SINCERE_PRAISE_RATIO:
            return
        for p in parts:
            if not p.has_smile:
                continue
            for hit in p.score.hits:
                if hit.weight > 0:
                    hit.apply("sarcasm(^^ in a complaint)", hit.weight * R.SARCASM_SMILE_SCALAR)
            finish(p)
            applied.append("sarcasm: praise with ^^ in a complaint")

    @staticmethod
    def _echo_expressive_sentences(parts: list[SentenceParts], applied: list[str]) -> None:
        """A sentence of only ㅋㅋ/ㅠㅠ echoes the opinion of the rest of the document."""
        if len(parts) < 2:
            return  # a lone sentence has no rest to echo
        content = sum(
            h.weight for p in parts for h in p.score.hits if h.key not in EXPRESSIVE_DEFAULTS
        )
        if abs(content) < R.CLEAR_OPINION_WEIGHT:
            return
        sign = 1.0 if content > 0 else -1.0
        for p in parts:
            hits = p.score.hits
            if hits and all(h.key in EXPRESSIVE_DEFAULTS for h in hits):
                changed = False
                for hit in hits:
                    if hit.key in ECHOING_KEYS and hit.weight * sign < 0:
                        hit.apply(
                            "echo document", sign * abs(hit.weight) * R.EXPRESSIVE_ECHO_SCALAR
                        )
                        changed = True
                if changed:
                    finish(p)
                    applied.append("laughter/crying echoes the document")

    def _sentence_weights(self, parts: list[SentenceParts]) -> None:
        """A sentence opening with a contrast word outweighs the ones before it."""
        for index, p in enumerate(parts):
            if index and p.keys and p.keys[0] in self.engine.contrasts:
                p.score.weight = float(R.SENTENCE_CONTRAST_AFTER_WEIGHT)
                for earlier in parts[:index]:
                    earlier.score.weight *= float(R.SENTENCE_CONTRAST_BEFORE_WEIGHT)

    def _aspects(
        self, parts: list[SentenceParts], compound: float, inherited: Sequence[str]
    ) -> list[AspectScore]:
        named: dict[str, list[float]] = {}
        carry: set[str] = set()
        carried_for = 0
        for p in parts:
            found = self.matcher.find(p.keys) if self.aspects else []
            if not p.keys:
                continue
            if not found and (not carry or carried_for >= R.ASPECT_CARRY_SENTENCES):
                # the usual sentence: no cue of its own and nothing carried into it
                p.score.aspects = []
                carry = set()
                carried_for += 1
                continue
            clauses = p.clause_of[-1] + 1
            by_clause: list[set[str]] = [set() for _ in range(clauses)]
            for index, aspect in found:
                by_clause[p.clause_of[index]].add(aspect)
            if found:
                current: set[str] = set()
                carried_for = 0
            else:
                current = carry if carried_for < R.ASPECT_CARRY_SENTENCES else set()
                carried_for += 1
            sums: dict[str, float] = {}
            for clause in range(clauses):
                if by_clause[clause]:
                    current = by_clause[clause]
                for aspect in current:
                    sums.setdefault(aspect, 0.0)
                    sums[aspect] += sum(h.weight for h in p.score.hits if h.clause == clause)
            p.score.aspects = sorted(sums)
            for aspect, total in sums.items():
                bucket = named.setdefault(aspect, [])
                if total:
                    bucket.append(total)
            carry = current
        if named:
            order = [a.id for a in self.aspects]
            result = []
            for aspect in sorted(named, key=order.index):
                totals = named[aspect]  # as a document does: the normalised mean total
                value = normalize(sum(totals) / len(totals)) if totals else 0.0
                result.append(AspectScore(aspect, value, label_for(value), False))
            return result
        label = label_for(compound)
        return [
            AspectScore(str(aspect), compound, label, True) for aspect in dict.fromkeys(inherited)
        ]
