"""Score one sentence of morphemes: lexicon matching, then the rules of sentiment/rules.py."""

from __future__ import annotations

import math
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import compress
from operator import not_
from typing import Final

from sentiment import rules as R
from sentiment.aspects import Topics
from sentiment.lexicon_loader import INDUCED_SOURCE_PREFIX, Entry, Lexicon
from sentiment.result import Hit, SentenceScore, normalize
from sentiment.tokenizer import Sentence

# Constants are Final: the compiled build reads them as C values rather than looking each up
# in the module's dict, which its per-morpheme and per-hit loops would do every time.
# Tags counted as content words when reporting the neutral share (pos/neg/neu weights).
CONTENT_TAGS: Final = frozenset(
    {"NNG", "NNP", "VV", "VA", "MAG", "XR", "IC", "SL", "W_EMOJI", "SW"}
)
# Source label of weights that come from a rule rather than a lexicon row.
RULE_SOURCE: Final = "rule"
EXPRESSIVE_DEFAULTS: Final = {
    **{key: R.DEFAULT_LAUGHTER_WEIGHT for key in R.LAUGHTER_KEYS},
    **{key: R.DEFAULT_CRYING_WEIGHT for key in R.CRYING_KEYS},
    **{key: R.DEFAULT_SMILE_WEIGHT for key in R.SMILE_KEYS},
}
ECHOING_KEYS: Final = R.LAUGHTER_KEYS | R.CRYING_KEYS
# Marks the morphemes of a written phrase, which no generated pair may touch.
PHRASE_MARK: Final = 2.0
# Sentences without a glued slang prefix (nearly all) share this empty set.
NO_PREFIXES: Final[frozenset[int]] = frozenset()
# Source of the entries that stand for a topic word or phrase (rules.TOPIC_RULE): matched and
# named in the sentence's rules, never a hit.
TOPIC_SOURCE: Final = "topic"
NO_TOPICS: Final = Topics()


class Match:
    """What a hit on a word or phrase starts from: its key, where its weight comes from and the
    weight. Read for most morphemes, so a plain compiled object rather than the loader's Entry."""

    def __init__(self, key: str, source: str, weight: float) -> None:
        self.key = key
        self.source = source
        self.weight = weight


def _match_of(entry: Entry) -> Match:
    return Match(entry.text_key, entry.source, entry.weight)


class Head:
    """Everything a hit can start with at one morpheme key (SentenceEngine.heads)."""

    def __init__(
        self,
        longer: list[tuple[int, list[str], Match]],
        pairs: dict[str, Match] | None,
        word: Match | None,
        following: dict[str, Match] | None,
    ) -> None:
        self.longer = longer  # written phrases of three or more morphemes, longest first
        self.pairs = pairs  # written two-morpheme phrases, by second key
        self.word = word  # the key's own word
        self.following = following  # generated pairs, by second key


@dataclass
class SentenceParts:
    """A scored sentence plus what later document-level rules and aspects need."""

    score: SentenceScore
    keys: list[str]
    clause_of: list[int]
    bonus: float  # punctuation emphasis magnitude, added in the direction of the sentence
    neutral_count: int
    has_smile: bool

    # Written out: see result.Hit.__init__ (the compiled build calls it natively).
    def __init__(
        self,
        score: SentenceScore,
        keys: list[str],
        clause_of: list[int],
        bonus: float,
        neutral_count: int,
        has_smile: bool,
    ) -> None:
        self.score = score
        self.keys = keys
        self.clause_of = clause_of
        self.bonus = bonus
        self.neutral_count = neutral_count
        self.has_smile = has_smile


def _sign(value: float) -> float:
    return math.copysign(1.0, value) if value else 0.0


def _merged(words: list[Hit], pairs: list[Hit]) -> list[Hit]:
    """Two lists of hits, each in text order, as one in text order (a word before a pair that
    starts with it)."""
    merged: list[Hit] = []
    i = 0
    for pair in pairs:
        while i < len(words) and (
            words[i].start < pair.start
            or (words[i].start == pair.start and words[i].end <= pair.end)
        ):
            merged.append(words[i])
            i += 1
        merged.append(pair)
    merged.extend(words[i:])
    return merged


def _written(lexicon: Lexicon, keys: tuple[str, ...]) -> bool:
    """Whether a team-written (not induced) entry has exactly these morphemes."""
    entry = lexicon.entries.get(" ".join(keys))
    return entry is not None and not entry.source.startswith(INDUCED_SOURCE_PREFIX)


def finish(parts: SentenceParts) -> None:
    """Recompute a sentence's total and compound from its hits (after any rule changed them)."""
    raw = sum([hit.weight for hit in parts.score.hits])
    total = raw + _sign(raw) * parts.bonus if raw else 0.0
    parts.score.total = total
    parts.score.compound = normalize(total)


class SentenceEngine:
    """Holds the lexicon indexes; `score` is pure and does no I/O."""

    def __init__(
        self, lexicon: Lexicon, modifiers: dict[str, frozenset[str]], topics: Topics = NO_TOPICS
    ) -> None:
        # Event words carry nothing; topic words (rules.TOPIC_RULE) nothing learned.
        self.single: dict[str, Entry] = {
            key: entry
            for key, entry in lexicon.entries.items()
            if len(entry.keys) == 1
            and key not in R.EVENT_WORDS
            and key not in modifiers
            and not (key in topics.words and entry.source.startswith(INDUCED_SOURCE_PREFIX))
        }
        self.modifiers = modifiers
        self.negators = {
            k for k, kinds in modifiers.items() if kinds & {"negator_pre", "negator_post"}
        }
        self.boosters = {k for k, kinds in modifiers.items() if "booster" in kinds}
        self.dampeners = {k for k, kinds in modifiers.items() if "dampener" in kinds}
        self.contrasts = {k for k, kinds in modifiers.items() if "contrast" in kinds}
        # A sentence holding none of these keys skips the degree or the negation scan.
        self.degree_keys = frozenset(self.boosters | self.dampeners)
        self.negator_keys = frozenset(self.negators)
        # What each key that can start a hit may start: written phrases of three or more
        # morphemes, longest first; two-morpheme phrases by their second key; its one-morpheme
        # hit, a lexicon word or the default weight of a laughter, crying or smile mark; and the
        # generated pairs it opens. Longest match wins. A topic word the team gave no weight is
        # matched too, to be named, never scored.
        words: dict[str, Match] = {
            **{key: Match(key, TOPIC_SOURCE, 0.0) for key in topics.words if key not in modifiers},
            **{key: Match(key, RULE_SOURCE, w) for key, w in EXPRESSIVE_DEFAULTS.items()},
            **{key: _match_of(e) for key, e in self.single.items()},
        }
        phrases = {key: list(bucket) for key, bucket in lexicon.phrases.items()}
        for cue in topics.phrases:  # a written phrase of the same morphemes says more
            if not _written(lexicon, cue):
                topic = Entry(cue, 0.0, TOPIC_SOURCE, "aspect cue", "aspects")
                phrases.setdefault(cue[0], []).append(topic)
        for bucket in phrases.values():
            bucket.sort(key=lambda e: -len(e.keys))
        # Generated pairs by first and second key; none holds an event word (a user's file may)
        # or a topic word.
        unsaid = R.EVENT_WORDS | topics.words
        collocations = {
            first: {k: _match_of(e) for k, e in following.items() if k not in unsaid}
            for first, following in lexicon.collocations.items()
            if first not in unsaid
        }
        self.has_collocations = bool(collocations)
        # One table, one lookup per morpheme for words, phrases and pairs alike.
        self.heads: dict[str, Head] = {}
        for key in {*words, *phrases, *collocations}:
            bucket = phrases.get(key, [])
            pairs = {e.keys[1]: _match_of(e) for e in bucket if len(e.keys) == 2}
            longer = [(len(e.keys), list(e.keys), _match_of(e)) for e in bucket if len(e.keys) > 2]
            following = collocations.get(key)
            self.heads[key] = Head(longer, pairs or None, words.get(key), following or None)
        # Keys that can open a new clause: sentences without any skip the clause scan.
        self.clause_keys = frozenset(self.contrasts) | {R.CONTRAST_BOUND_NOUN}

    # --- matching ---------------------------------------------------------------------------
    def _match(
        self,
        text: str,
        sentence: Sentence,
        keys: list[str],
        heads_at: list[Head | None],
        topics: list[tuple[int, int]],
    ) -> list[Hit]:
        """Words and written phrases, longest first; topic words and phrases go to `topics` as
        spans."""
        hits: list[Hit] = []
        starts, ends = sentence.starts, sentence.ends
        size = len(keys)
        i = 0
        while i < size:
            head = heads_at[i]
            if head is None:  # most morphemes start no hit at all
                i += 1
                continue
            found: Match | None = None
            last = i
            for length, phrase_keys, phrase in head.longer:
                if keys[i : i + length] == phrase_keys:
                    found, last = phrase, i + length - 1
                    break
            if found is None and head.pairs is not None and i + 1 < size:
                found = head.pairs.get(keys[i + 1])
                last = i + 1
            if found is None:
                found = head.word
                last = i
            if found is None:
                i += 1
                continue
            if found.source == TOPIC_SOURCE:  # named, so explain can say why it did not count
                topics.append((i, last))
                i = last + 1
                continue
            hits.append(self._hit(text, starts[i], ends[last], found, i, last))
            i = last + 1  # the next hit starts after the phrase or word
        return hits

    def _collocation_hits(
        self,
        text: str,
        sentence: Sentence,
        keys: list[str],
        heads_at: list[Head | None],
        hits: list[Hit],
        topics: list[tuple[int, int]],
    ) -> list[Hit]:
        """Generated pairs found in the sentence; they overlap the hits of their words. Where the
        team or a rule has said what a word means, reviews do not overrule it: a pair touching a
        written phrase (10점 만점, 마음이 아프다) is left out, and so is a pair that contradicts
        a written word (curated, domain, user, a rule's mark) or a word a rule turned around
        (슬프다 praises a film; 좋아요 would undo the 안 of 안 좋아요, 깊었 of 안 깊었어요)."""
        # what a pair must agree with, per morpheme: 0 nothing, +1 / -1 a decided word's sign
        # (after degree and negation), PHRASE_MARK a written phrase
        decided = [0.0] * len(keys)
        for hit in hits:
            written = not hit.source.startswith(INDUCED_SOURCE_PREFIX)
            if written and hit.first < hit.last:
                mark = PHRASE_MARK
            elif written or hit.weight * hit.base < 0:
                mark = -1.0 if hit.weight < 0 else 1.0
            else:
                continue
            for j in range(hit.first, hit.last + 1):
                decided[j] = mark
        for first, last in topics:  # a topic, like a written phrase, is not pulled apart
            for j in range(first, last + 1):
                decided[j] = PHRASE_MARK
        starts, ends = sentence.starts, sentence.ends
        found: list[Hit] = []
        for i in range(len(keys) - 1):
            head = heads_at[i]
            if head is None or head.following is None:
                continue
            pair = head.following.get(keys[i + 1])
            if pair is None:
                continue
            weight = pair.weight
            before, after = decided[i], decided[i + 1]
            if before * weight < 0 or after * weight < 0 or PHRASE_MARK in (before, after):
                continue
            found.append(self._hit(text, starts[i], ends[i + 1], pair, i, i + 1))
        return found

    @staticmethod
    def _hit(text: str, start: int, end: int, match: Match, first: int, last: int) -> Hit:
        weight = match.weight
        return Hit(start, end, text, match.key, match.source, weight, weight, None, first, last)

    # --- per-hit rules ----------------------------------------------------------------------
    @staticmethod
    def _glued_prefixes(sentence: Sentence, hits: list[Hit]) -> set[int]:
        """Where 개/핵/존 is written onto a content word that starts a hit of its own."""
        keys, tags, starts, ends = sentence.keys, sentence.tags, sentence.starts, sentence.ends
        hit_starts = {h.first for h in hits}
        return {
            i
            for i in range(len(keys) - 1)
            if keys[i] in R.SLANG_PREFIX_KEYS
            and ends[i] == starts[i + 1]
            and tags[i + 1] in R.SLANG_PREFIX_TARGET_TAGS
            and i + 1 in hit_starts
        }

    def _degree(
        self, hit: Hit, keys: list[str], covered: list[bool], prefixes: AbstractSet[int]
    ) -> None:
        change = 0.0
        names: list[str] = []
        distance = 0
        j = hit.first - 1
        while j >= 0 and distance < R.BOOSTER_WINDOW and not covered[j]:
            key = keys[j]
            if key in self.contrasts:
                break
            if key in self.boosters or (distance == 0 and j in prefixes):
                change += R.BOOSTER_INCREMENT * R.BOOSTER_DECAY[distance]
                names.append(key.split("/")[0])
            elif key in self.dampeners:
                change -= R.DAMPENER_DECREMENT * R.BOOSTER_DECAY[distance]
                names.append(key.split("/")[0])
            distance += 1
            j -= 1
        if change:
            new = hit.weight + _sign(hit.weight) * change
            if _sign(new) != _sign(hit.weight) or abs(new) < abs(hit.weight) * R.DAMPENED_FLOOR:
                new = hit.weight * R.DAMPENED_FLOOR  # a dampener weakens a word, never flips it
            hit.apply(f"degree({','.join(names)})", new)

    def negators_of(
        self, keys: list[str], tags: list[str], first: int, last: int, covered: list[bool]
    ) -> list[str]:
        """The negators whose scope covers morphemes first..last (안 before; 않다/없다 after)."""
        found: list[str] = []
        for j in range(first - 1, max(-1, first - 1 - R.NEGATION_PRE_WINDOW), -1):
            if (covered[j] and tags[j] not in R.NEGATION_SKIP_TAGS) or keys[j] in self.contrasts:
                break
            if "negator_pre" in self.modifiers.get(keys[j], ()):
                found.append(keys[j].split("/")[0])
        predicates = 1 if tags[last] in R.PREDICATE_TAGS else 0
        for j in range(last + 1, min(len(keys), last + 1 + R.NEGATION_POST_WINDOW)):
            key, tag = keys[j], tags[j]
            content_hit = covered[j] and tag not in R.NEGATION_SKIP_TAGS
            if content_hit or key in self.contrasts or tag == "SF":
                break
            if key in self.negators:
                found.append(key.split("/")[0])
                continue
            if tag in R.PREDICATE_TAGS:
                if predicates:
                    break
                predicates += 1
                continue
            if tag not in R.NEGATION_SKIP_TAGS and key not in self.boosters:
                break
        return found

    def _negation(self, hit: Hit, keys: list[str], tags: list[str], covered: list[bool]) -> None:
        found = self.negators_of(keys, tags, hit.first, hit.last, covered)
        if not found:
            return
        label = "+".join(found)
        if len(found) % 2:
            hit.apply(f"negation({label})", hit.weight * R.NEGATION_SCALAR)
        else:
            hit.note(f"double negation({label}): unchanged")

    # --- sentence rules ---------------------------------------------------------------------
    def _sarcasm_well_done(
        self,
        keys: list[str],
        hits: list[Hit],
        parts: list[str],
        extra: list[Hit],
        text: str,
        sentence: Sentence,
    ) -> None:
        if R.SARCASM_WELL_KEY not in keys:
            return
        for i, key in enumerate(keys):
            if key != R.SARCASM_WELL_KEY:
                continue
            after = keys[i + 1 : i + 1 + R.SARCASM_WELL_WINDOW]
            does = any(k in R.SARCASM_DO_KEYS for k in after)
            cued = (i > 0 and keys[i - 1] in R.SARCASM_WELL_PREFIXES) or any(
                k in R.SARCASM_WELL_MARKERS for k in after
            )
            if not (does and cued):
                continue
            span_end = i + 1 + next(n for n, k in enumerate(after) if k in R.SARCASM_DO_KEYS)
            for hit in hits:
                if hit.weight > 0 and hit.first <= span_end and hit.last >= i - 1:
                    hit.apply("sarcasm(잘~한다)", 0.0)
            first = max(0, i - 1)
            sarcasm = self._hit(
                text,
                sentence.starts[first],
                sentence.ends[span_end],
                Match("rule:sarcasm_well_done", RULE_SOURCE, R.SARCASM_WELL_DONE_WEIGHT),
                first,
                span_end,
            )
            extra.append(sarcasm)
            parts.append("sarcasm: 참 잘~한다")

    def _clauses(
        self, keys: list[str], tags: list[str], present: set[str]
    ) -> tuple[list[int], list[int]]:
        """Clause index of each morpheme, and where the contrast markers are."""
        if self.clause_keys.isdisjoint(present):
            return [0] * len(keys), []
        clause_of: list[int] = []
        contrast_at: list[int] = []
        clause = 0
        contrasts = self.contrasts
        for i, key in enumerate(keys):
            clause_of.append(clause)
            if key in contrasts or (
                key == R.CONTRAST_BOUND_NOUN and i > 0 and tags[i - 1] == "ETM"
            ):
                contrast_at.append(i)
                clause += 1
        return clause_of, contrast_at

    @staticmethod
    def _contrast(hits: list[Hit], contrast_at: list[int], clause_of: list[int]) -> None:
        """Each hit's clause, and the "but" rule: before the last marker weighs less, after the
        first more. A pair holding the marker itself (지만/EC 재밌다/VA) belongs with its other
        morpheme."""
        last_contrast, first_contrast = contrast_at[-1], contrast_at[0]
        for hit in hits:
            first, last = hit.first, hit.last
            if first < last:
                if first in contrast_at:
                    first += 1
                elif last in contrast_at:
                    last -= 1
            hit.clause = clause_of[first]
            if last < last_contrast:
                hit.apply("contrast(before)", hit.weight * R.CONTRAST_BEFORE_SCALAR)
            elif first > first_contrast:
                hit.apply("contrast(after)", hit.weight * R.CONTRAST_AFTER_SCALAR)

    def score(self, text: str, sentence: Sentence) -> SentenceParts:
        """Score one sentence; the caller adds aspects and document-level rules."""
        keys, tags = sentence.keys, sentence.tags
        # One pass over the morphemes; the rules below ask it whether their cue words occur.
        present = set(keys)
        clause_of, contrast_at = self._clauses(keys, tags, present)
        topics: list[tuple[int, int]] = []
        heads = self.heads
        heads_at = [heads.get(key) for key in keys]  # the only lexicon lookup per morpheme
        hits = self._match(text, sentence, keys, heads_at, topics)
        prefixes: AbstractSet[int] = NO_PREFIXES
        if not R.SLANG_PREFIX_KEYS.isdisjoint(present):
            prefixes = self._glued_prefixes(sentence, hits)
            if prefixes:  # the prefix's own weight (개 as dog) gives way to the boost
                hits = [h for h in hits if h.first != h.last or h.first not in prefixes]
        covered = [False] * len(keys)
        for hit in hits:  # the matched words and phrases never overlap
            first, last = hit.first, hit.last
            if first == last:
                covered[first] = True
            else:
                covered[first : last + 1] = [True] * (last + 1 - first)
        applied: list[str] = []
        if topics:
            named = ", ".join(" ".join(keys[a : b + 1]) for a, b in topics)
            applied.append(f"{R.TOPIC_RULE}: {named}")
        grading = bool(prefixes) or not self.degree_keys.isdisjoint(present)
        negating = not self.negator_keys.isdisjoint(present)
        if grading or negating:
            for hit in hits:
                if hit.key in EXPRESSIVE_DEFAULTS or tags[hit.first] in R.NEGATION_SKIP_TAGS:
                    continue  # degree and negation act on content words, not on endings
                if grading:
                    self._degree(hit, keys, covered, prefixes)
                if negating:
                    self._negation(hit, keys, tags, covered)
        if self.has_collocations:  # after degree and negation: a pair carries its own (안 되다)
            pairs = self._collocation_hits(text, sentence, keys, heads_at, hits, topics)
            if pairs:  # stored and shown in text order, each pair beside its words
                hits = _merged(hits, pairs)
        if R.SARCASM_WELL_KEY in present:
            extra: list[Hit] = []
            self._sarcasm_well_done(keys, hits, applied, extra, text, sentence)
            hits.extend(extra)
        content = [h for h in hits if h.key not in EXPRESSIVE_DEFAULTS]
        content_sum = sum([h.weight for h in content])
        clear = R.CLEAR_OPINION_WEIGHT
        if (
            R.SARCASM_YEOKSI_KEY in present
            and any(h.key in R.LAUGHTER_KEYS for h in hits)
            and not any(h.weight >= clear for h in content)
        ):
            i = keys.index(R.SARCASM_YEOKSI_KEY)
            hits.append(
                self._hit(
                    text,
                    sentence.starts[i],
                    sentence.ends[i],
                    Match("rule:sarcasm_yeoksi", RULE_SOURCE, R.SARCASM_YEOKSI_WEIGHT),
                    i,
                    i,
                )
            )
            applied.append("sarcasm: 역시 ~ㅋㅋ")
            content_sum += R.SARCASM_YEOKSI_WEIGHT
        if abs(content_sum) >= clear and not ECHOING_KEYS.isdisjoint(present):
            for hit in hits:
                if hit.key in ECHOING_KEYS and _sign(hit.weight) != _sign(content_sum):
                    hit.apply(
                        "echo sentence",
                        _sign(content_sum) * abs(hit.weight) * R.EXPRESSIVE_ECHO_SCALAR,
                    )
        marks = ""
        if "SF" in tags:
            marks = "".join([f for f, t in zip(sentence.forms, tags, strict=True) if t == "SF"])
        has_question = "?" in marks
        if (
            has_question
            and not R.RHETORICAL_ENDINGS.isdisjoint(present)
            and any(h.weight >= clear for h in content)
            and not any(h.weight <= -clear for h in content)
        ):
            for hit in content:
                if hit.weight > 0:  # the praise is what the question denies
                    hit.apply("rhetorical question", hit.weight * R.RHETORICAL_SCALAR)
            applied.append("rhetorical question")
        if contrast_at:  # otherwise every hit stays in clause 0
            self._contrast(hits, contrast_at, clause_of)
        if R.REPORT_TENSE_KEY in present or not R.HEADLINE_END_KEYS.isdisjoint(present):
            self._reported_fact(keys, tags, hits, applied)
        bonus = self._punctuation(marks, applied) if marks else 0.0
        # content morphemes outside every hit
        neutral = sum(map(CONTENT_TAGS.__contains__, compress(tags, map(not_, covered))))
        score = SentenceScore(sentence.start, sentence.end, 0.0, 0.0, [], hits, applied)
        parts = SentenceParts(
            score,
            keys,
            clause_of,
            bonus,
            neutral,
            not R.SMILE_KEYS.isdisjoint(present) and any(h.key in R.SMILE_KEYS for h in hits),
        )
        finish(parts)
        return parts

    @staticmethod
    def _reported_fact(
        keys: list[str], tags: list[str], hits: list[Hit], applied: list[str]
    ) -> None:
        """A plain past-tense report, or a headline closing on a news noun (기자회견 예정, 복구
        완료), with only weak, non-evaluative hits carries no opinion."""
        if not hits or R.REPORT_MARK_TAG in tags:
            return
        if not R.REPORT_FIRST_PERSON_KEYS.isdisjoint(keys):
            return  # 나도 울었다, 나의 120분을 탕진했다: the writer's own experience is opinion
        endings = [key for key, tag in zip(keys, tags, strict=True) if tag == "EF"]
        if endings:
            if R.REPORT_TENSE_KEY not in keys or endings[-1] not in R.REPORT_ENDINGS:
                return
            register = "reported fact"
        else:
            words = [
                key
                for key, tag in zip(keys, tags, strict=True)
                if tag not in R.HEADLINE_TRAILING_TAGS
            ]
            if not words or words[-1] not in R.HEADLINE_END_KEYS:
                return
            register = "headline"
        for hit in hits:
            if abs(hit.base) >= R.REPORT_WEAK_WEIGHT or tags[hit.first] in R.REPORT_OPINION_TAGS:
                return
        for hit in hits:
            hit.apply(register, 0.0)
        applied.append(f"{register}: weak words only")

    @staticmethod
    def _punctuation(marks: str, applied: list[str]) -> float:
        bonus = 0.0
        exclamations = min(marks.count("!"), R.MAX_EXCLAMATIONS)
        if exclamations:
            bonus += exclamations * R.EXCLAMATION_INCREMENT
            applied.append(f"exclamation x{exclamations}")
        questions = marks.count("?")
        if questions > 1:
            bonus += (
                questions * R.QUESTION_INCREMENT
                if questions <= R.MAX_QUESTION_COUNT
                else R.QUESTION_CAP
            )
            applied.append(f"question marks x{questions}")
        return bonus
