"""What narrows the documents by their words: search words as typed, and a lexicon entry.

Pure. Search words (minsim.search: 카카오 보상 holds both, "보상 기준" the phrase, -주가 leaves
out; minsim.wording says back what they keep) are cleaned the way stored text was
(minsim.normalize.clean_text: NFC, no control or invisible characters), so a pasted zero-width
space or decomposed Hangul still finds what it looks like. A lexicon entry is a key as the
scorer writes it (`화나다/VV`, `말/NNG 이/JKC 되다/VV 냐/EF`, `rule:sarcasm_well_done`).
"""

from __future__ import annotations

import re
import unicodedata

from minsim.normalize import clean_text
from minsim.search import cut_terms
from minsim.words import RULE_PREFIX

# Search words: a phrase, not a document; longer ones are cut (and the page says so).
MAX_QUERY_CHARS = 50
# A lexicon key: lemma/TAG morphemes joined by single spaces, or a rule's name; no longer than
# a URL parameter of ours.
MAX_KEY_CHARS = 100
_KEY_RE = re.compile(r"rule:[a-z_]+|\S+/[A-Z_]+(?: \S+/[A-Z_]+)*")
# Kiwi's tag of Latin words, whose keys the scorer writes in lower case (sentiment/tokenizer.py).
LATIN_TAG = "SL"


def clean_query(text: str) -> tuple[str, list[str]]:
    """Search words as the filter uses them: NFC, control and invisible characters removed,
    runs of spaces folded, cut to MAX_QUERY_CHARS without cutting a word or a quoted phrase in
    two (unless it is the first); with a note for each change a reader would not expect."""
    notes = []
    plain = " ".join(unicodedata.normalize("NFC", text).split())
    cleaned = _cleaned(text[: MAX_QUERY_CHARS * 4])  # more is cut anyway: clean no more
    if cleaned != plain[: len(cleaned)] or (cleaned == "" and plain):
        notes.append("검색어의 제어 문자와 보이지 않는 문자는 뺐습니다.")
    if len(cleaned) > MAX_QUERY_CHARS:
        notes.append(
            f"검색어가 {MAX_QUERY_CHARS}자를 넘어 앞의 {MAX_QUERY_CHARS}자까지, 잘린 낱말이나 "
            "따옴표 구절은 빼고 씁니다."
        )
        # A word cut in two is another word (-주가총액 would become -주, leaving out every
        # document with 주), and a phrase cut in two leaves its quote open (its words then
        # required one by one): only whole terms are kept (see cut_terms).
        cut = cut_terms(cleaned, MAX_QUERY_CHARS)
        # Cleaned again: a cut may leave a joiner or a space with nothing after it.
        cleaned = _cleaned(cut)
    return cleaned, notes


def _cleaned(text: str) -> str:
    return " ".join(clean_text(text).split())


def lexicon_key(text: str) -> str | None:
    """`text` as the lexicon key it is written as, or None when it is not one: the Latin words
    of a key lower-cased as the scorer writes them (SK/SL -> sk/SL, which SQLite and PostgreSQL
    then match alike), and nothing a reader cannot see (a bidi override, a zero-width space)."""
    if len(text) > MAX_KEY_CHARS or _cleaned(text) != text or not _KEY_RE.fullmatch(text):
        return None
    if text.startswith(RULE_PREFIX):
        return text
    parts = [part.rpartition("/") for part in text.split(" ")]
    return " ".join(
        f"{lemma.lower() if tag == LATIN_TAG else lemma}/{tag}" for lemma, _, tag in parts
    )
