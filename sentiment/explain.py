"""Render a Score as a readable terminal explanation (sentences, hits, rules, aspects)."""

from __future__ import annotations

from sentiment.result import Score


def explain_text(text: str, score: Score, morphemes: list[list[str]] | None = None) -> str:
    """Lines a person can read: each sentence, the morphemes it was analysed into, every hit
    with its base weight, the rules that changed it and the final weight, then the aspects."""
    lines = [
        f"text:     {text}",
        f"compound: {score.compound:+.4f}  label: {score.label}  "
        f"(pos {score.pos:.3f} / neg {score.neg:.3f} / neu {score.neu:.3f})",
    ]
    scored = [s for s in score.sentences if s.total]
    if len(scored) > 1:  # one sentence's total is the document's; several are averaged
        weight = sum(s.weight for s in scored)
        mean = sum(s.total * s.weight for s in scored) / weight
        lines.append(
            f"document: mean of its {len(scored)} scored sentences' totals (by their weight in "
            f"the document) {mean:+.3f}, normalised to the compound"
        )
    if score.rules:
        lines.append(f"document rules: {'; '.join(score.rules)}")
    for number, sentence in enumerate(score.sentences, start=1):
        lines.append("")
        span = text[sentence.start : sentence.end]
        lines.append(f"sentence {number} [{sentence.start}:{sentence.end}] {span}")
        if morphemes is not None and number <= len(morphemes):
            lines.append(f"  morphemes: {' '.join(morphemes[number - 1])}")
        lines.append(
            f"  compound {sentence.compound:+.4f}  total {sentence.total:+.3f}  "
            f"weight in document {sentence.weight:g}"
            + (f"  aspects: {', '.join(sentence.aspects)}" if sentence.aspects else "")
        )
        for rule in sentence.rules:
            lines.append(f"  rule: {rule}")
        if not sentence.hits:
            lines.append("  (no lexicon hits: neutral)")
        for hit in sentence.hits:
            lines.append(
                f"  hit {hit.text!r} [{hit.start}:{hit.end}] {hit.key}  base {hit.base:+.2f} "
                f"({hit.source}) -> final {hit.weight:+.3f}"
            )
            for modifier in hit.modifiers:
                lines.append(f"      {modifier}")
    lines.append("")
    if score.aspects:
        for aspect in score.aspects:
            origin = " (inherited)" if aspect.inherited else ""
            lines.append(f"aspect {aspect.aspect}: {aspect.compound:+.4f} {aspect.label}{origin}")
    else:
        lines.append("aspects: none named")
    return "\n".join(lines)
