"""Korean sentiment scorer: Kiwi morphemes, a lexicon with provenance, rules and aspects."""
