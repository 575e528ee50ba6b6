"""What narrows the documents by their words: search words as typed, and a lexicon entry.

Pure. Search words are cleaned the way stored text was (minsim.normalize.clean_text: NFC, no
control or invisible characters), so a pasted zero-width space or decomposed Hangul still finds
what it looks like. A lexicon entry is a key as the scorer writes it (`화나다/VV`,
`말/NNG 이/JKC 되다/VV 냐/EF`, `rule:sarcasm_well_done`).
"""

from __future__ import annotations

import re
import unicodedata

from minsim.normalize import clean_text

# Search words: a phrase, not a document; longer ones are cut (and the page says so).
MAX_QUERY_CHARS = 50
# A lexicon key: lemma/TAG morphemes joined by single spaces, or a rule's name; no longer than
# a URL parameter of ours.
MAX_KEY_CHARS = 100
_KEY_RE = re.compile(r"rule:[a-z_]+|\S+/[A-Z_]+(?: \S+/[A-Z_]+)*")


def clean_query(text: str) -> tuple[str, list[str]]:
    """Search words as the filter uses them: NFC, control and invisible characters removed,
    runs of spaces folded, cut to MAX_QUERY_CHARS; with a note for each change a reader would
    not expect."""
    notes = []
    cleaned = " ".join(clean_text(text).split())
    if cleaned != " ".join(unicodedata.normalize("NFC", text).split()):
        notes.append("검색어의 제어 문자와 보이지 않는 문자는 뺐습니다.")
    if len(cleaned) > MAX_QUERY_CHARS:
        notes.append(f"검색어가 {MAX_QUERY_CHARS}자를 넘어 앞의 {MAX_QUERY_CHARS}자만 씁니다.")
        cleaned = cleaned[:MAX_QUERY_CHARS].rstrip()
    return cleaned, notes


def is_lexicon_key(text: str) -> bool:
    """Whether `text` is written like a lexicon key (not whether the lexicon holds it)."""
    return len(text) <= MAX_KEY_CHARS and _KEY_RE.fullmatch(text) is not None
