"""Search words as the filters read them: every word must appear, a "quoted phrase" as written,
and a -word must not appear.

Crisis teams search the way news archives let them (BigKinds, a portal's detailed search): 카카오
보상 finds the documents holding both words, wherever they stand; "보상 기준" holds them together;
-주가 leaves out the documents about the share price. Pure; the SQL is in minsim.aggregate.sql.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A "quoted phrase" (perhaps -"excluded"), or a run of non-spaces.
_TERM_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')
QUOTE = '"'
EXCLUDE = "-"
# Curly and full-width quotes (a phone or a word processor types them) are quotes too.
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\uff02", QUOTE))


@dataclass(frozen=True)
class SearchTerms:
    """What a document's title or text must hold (all of `required`) and must not hold (any
    of `excluded`), each matched in any case as written."""

    required: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded)


def cut_terms(text: str, limit: int) -> str:
    """The whole terms of `text` (words, or quoted phrases with their marks) that fit in
    `limit` characters from the first one kept. A phrase is never cut (its quote left open,
    its words would be required one by one): a first phrase longer than the limit is left out;
    a first word longer than it keeps its first `limit` characters."""
    found = list(_TERM_RE.finditer(text.translate(_QUOTES)))
    while found and found[0].group(3) is None and found[0].end() - found[0].start() > limit:
        found.pop(0)
    if not found:
        return ""
    first = found[0].start()
    end = 0
    for match in found:
        if match.end() - first > limit:
            break
        end = match.end()
    return text[first : end or first + limit]


def parse_search(text: str) -> SearchTerms:
    """The terms of search words. A quote left open is read as a plain character of no
    meaning, and a lone - is a word to find (a dash), not an exclusion of nothing."""
    required: list[str] = []
    excluded: list[str] = []
    for match in _TERM_RE.finditer(text.translate(_QUOTES)):
        negated_mark, phrase, token = match.groups()
        if token is not None:
            negated = token.startswith(EXCLUDE) and len(token) > 1
            word = (token[1:] if negated else token).replace(QUOTE, "")
        else:
            negated, word = bool(negated_mark), " ".join(phrase.split())
        target = excluded if negated else required
        if word and word not in target:
            target.append(word)
    return SearchTerms(tuple(required), tuple(excluded))
