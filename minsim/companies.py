"""Which companies a text names, by the scenario's aliases. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from minsim.models import Company


class CompanyMatcher:
    """Case-insensitive alias matching; Latin aliases must stand alone (KT is not inside KTX)."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self._patterns = [(c.id, _pattern(c.aliases)) for c in companies if c.aliases]

    def match(self, text: str) -> list[str]:
        return [company for company, pattern in self._patterns if pattern.search(text)]


def _pattern(aliases: Sequence[str]) -> re.Pattern[str]:
    parts = []
    for alias in sorted(aliases, key=len, reverse=True):
        escaped = re.escape(alias.strip())
        if alias.strip()[:1].isascii():
            escaped = r"(?<![A-Za-z0-9])" + escaped
        if alias.strip()[-1:].isascii():
            escaped = escaped + r"(?![A-Za-z0-9])"
        parts.append(escaped)
    return re.compile("|".join(parts), re.IGNORECASE)
