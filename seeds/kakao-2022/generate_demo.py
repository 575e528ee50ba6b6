"""Build the Kakao-2022 demo corpus (demo/articles.jsonl, demo/comments.jsonl) from demo_parts/.

Every article and comment is made up for demonstration: the stories, sentences and comment
clauses are hand-written in demo_parts/*.toml, and this script combines them with a seeded random
generator, so the output is the same byte for byte on every run. Standard library only, no network.

    python seeds/kakao-2022/generate_demo.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PARTS = HERE / "demo_parts"
# The date of the fire; any fixed number would do, this one is easy to remember.
SEED = 20221015
# Korea has kept UTC+9 without daylight saving since 1988, so a fixed offset is exact here.
KST = timezone(timedelta(hours=9), "KST")
WINDOW_END = datetime(2022, 11, 30, 23, 59, 0, tzinfo=KST)
BASE_URL = "https://demo.minsim.invalid"
# The scenario calls for at least 5,000 comments; ~6,000 leaves room above the floor.
TARGET_COMMENTS = 6000
# How eagerly readers comment on each kind of page (portal news draws most, wire copy least).
SOURCE_APPETITE = {"demo-portal": 1.0, "demo-video": 0.9, "demo-community": 0.6, "demo-wire": 0.25}
# Mean hours between a page and a comment on it; video comments keep coming for days.
SOURCE_DELAY_HOURS = {
    "demo-portal": 3.0,
    "demo-video": 14.0,
    "demo-community": 3.0,
    "demo-wire": 4.0,
}
# Coverage bunches up right after news breaks: page times are window_start + span * u**this.
FRONT_LOAD = 1.6
# Share of news pages that end on a closing sentence, and that swap in a background sentence.
CLOSE_SHARE, BACKGROUND_SHARE = 0.6, 0.5
# Few people comment between 2 and 7 a.m.; most comments that would fall there come later.
NIGHT_HOURS, NIGHT_SHIFT_SHARE, NIGHT_SHIFT_HOURS = (2, 7), 0.6, (3.0, 6.0)
# In a mixed comment spelled out as two clauses, how often it leans which way.
MIXED_SPLIT_SHARE = 0.5
# Share of later clauses taken from the page's other topics rather than the first clause's.
OTHER_POOL_SHARE = 0.5
# Dislikes as a share of likes: praise of the company drew far more dislikes than complaints.
DISLIKE_SHARE = {"pos": 0.6, "default": 0.15}
STRAY_DISLIKE_SHARE = 0.3
# Spread of comment counts between pages of the same story and heat.
NOISE_SIGMA = 0.4
# Share of comments that arrive much later than the mean, and how much later.
LATE_SHARE = 0.1
LATE_FACTOR = (3.0, 10.0)
# Share of comments whose topic follows the article rather than the phase's talk of the day.
ON_TOPIC_SHARE = 0.75
# Shape of a comment: a bare reaction, one clause, two, three or four.
SHAPE_CUTS = (0.10, 0.52, 0.82, 0.95)
OPENER_SHARE, TAIL_SHARE, EMOJI_SHARE, LAUGH_SHARE = 0.3, 0.35, 0.18, 0.15
TYPO_SHARE, SQUASH_SHARE = 0.3, 0.15
# Likes follow a long tail (Pareto); the shape and per-source scale are eyeballed from portal pages.
LIKES_ALPHA = 1.15
LIKES_SCALE = {"demo-portal": 3.0, "demo-video": 2.0, "demo-community": 1.0, "demo-wire": 1.5}
LIKES_CAP = 4800
EARLY_COMMENTS, EARLY_BOOST = 5, 4.0
# Authors per source; a few of them write a lot (Zipf-like weights with this exponent).
AUTHORS = {"demo-portal": 1800, "demo-video": 900, "demo-community": 350, "demo-wire": 500}
AUTHOR_SKEW = 0.8
NEWS_SENTENCES = (3, 8)
POST_SENTENCES = (2, 5)
STANCES = ("neg", "pos", "neu", "mixed")


@dataclass(frozen=True)
class Page:
    """An article or post, with what its comments need to know."""

    row: dict[str, Any]
    source: str
    at: datetime
    pools: dict[str, int]
    heat: float


def load(name: str) -> dict[str, Any]:
    with (PARTS / name).open("rb") as handle:
        return tomllib.load(handle)


def kst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=KST)


def stamp(at: datetime) -> str:
    return at.replace(microsecond=0).isoformat()


def pick(rng: random.Random, weights: dict[str, float] | dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def build_pages(
    rng: random.Random, stories: list[dict[str, Any]], bg: dict[str, Any]
) -> list[Page]:
    pages: list[Page] = []
    serial = 0
    for story in stories:
        start, end = kst(story["window"][0]), kst(story["window"][1])
        titles = list(story["titles"])
        rng.shuffle(titles)
        for index in range(story["count"]):
            serial += 1
            source = pick(rng, story["sources"])
            at = start + (end - start) * rng.random() ** FRONT_LOAD
            at = at.replace(second=rng.randrange(60), microsecond=0)
            title = titles[index % len(titles)]
            if index >= len(titles):
                title = f"{title} (종합)"
            if source == "demo-video":
                title = f"[영상] {title}"
            path = f"{source.removeprefix('demo-')}/{at:%Y%m%d}/{story['id']}-{serial:04d}"
            url = f"{BASE_URL}/{path}"
            row = {
                "kind": "article",
                "source": source,
                "external_id": url,
                "url": url,
                "title": title,
                "text": page_text(rng, story, bg, source),
                "author": page_author(rng, source),
                "published_at": stamp(at),
            }
            pages.append(Page(row, source, at, story["pools"], float(story.get("heat", 1.0))))
    pages.sort(key=lambda p: (p.at, p.row["url"]))
    return pages


def page_text(rng: random.Random, story: dict[str, Any], bg: dict[str, Any], source: str) -> str:
    community = source == "demo-community"
    low, high = POST_SENTENCES if community else NEWS_SENTENCES
    total = rng.randint(low, high)
    sentences = [rng.choice(story["lead"])]
    use_close = rng.random() < CLOSE_SHARE and total > 2
    extra = [s for pool in story["pools"] for s in bg.get(pool, [])] if not community else []
    middle = rng.sample(story["body"], k=min(len(story["body"]), total - 1 - int(use_close)))
    if extra and rng.random() < BACKGROUND_SHARE and len(middle) > 1:
        middle[-1] = rng.choice(extra)
    sentences += middle
    if use_close:
        sentences.append(rng.choice(story["close"]))
    return (" " if community else "\n").join(sentences)


def page_author(rng: random.Random, source: str) -> str:
    if source == "demo-community":
        return f"데모회원{rng.randrange(1, AUTHORS[source] + 1)}"
    if source == "demo-video":
        return rng.choice(["데모뉴스채널", "데모경제TV", "데모이슈픽", "데모현장영상"])
    return f"데모기자 {rng.choice('ABCDEFGHJK')}"


def allocate(rng: random.Random, pages: Sequence[Page]) -> list[int]:
    """Comments per page: appetite x heat x noise, scaled to exactly TARGET_COMMENTS in all."""
    weights = [
        SOURCE_APPETITE[p.source] * p.heat * rng.lognormvariate(0.0, NOISE_SIGMA) for p in pages
    ]
    total = sum(weights)
    shares = [w / total * TARGET_COMMENTS for w in weights]
    counts = [int(s) for s in shares]
    leftover = TARGET_COMMENTS - sum(counts)
    by_fraction = sorted(range(len(pages)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_fraction[:leftover]:
        counts[i] += 1
    return counts


class CommentWriter:
    """Composes one comment at a time from the clause pools, per phase of the story."""

    def __init__(self, rng: random.Random, parts: dict[str, Any]) -> None:
        self.rng = rng
        self.p = parts
        self.phases = sorted((kst(start), name) for name, start in parts["phases"].items())
        self.timing = clause_timing(parts)
        self.now = self.phases[0][0]

    def phase(self, at: datetime) -> str:
        return [name for start, name in self.phases if start <= at][-1]

    def timely(self, clause: str) -> bool:
        not_before, not_after = self.timing.get(clause, (None, None))
        return (not_before is None or self.now >= not_before) and (
            not_after is None or self.now <= not_after
        )

    def stance(self, pool: str, phase: str) -> str:
        table = self.p["stance_weights"].get(pool, self.p["stance_weights"]["default"])
        stance = self.rng.choices(STANCES, weights=table[phase])[0]
        return stance if self.p["pool"][pool].get(stance) else "neg"

    def clause(self, pool: str, stance: str, used: set[str], taken: list[str]) -> str:
        """A clause not yet used under this page if possible, and never twice in one comment."""
        pool_stances = self.p["pool"][pool]
        candidates = [pool_stances.get(stance, []), *pool_stances.values(), self.p["short"][stance]]
        options: list[str] = []
        for group in candidates:
            options = [o for o in group if o not in taken and self.timely(o)]
            if options:
                break
        fresh = [o for o in options if o not in used] or options
        choice = self.rng.choice(fresh)
        used.add(choice)
        taken.append(choice)
        return choice

    def write(self, page: Page, at: datetime, used: set[str]) -> tuple[str, str]:
        rng, phase = self.rng, self.phase(at)
        self.now = at
        if rng.random() < ON_TOPIC_SHARE:
            pool = pick(rng, page.pools)
        else:
            pool = pick(rng, self.p["extra_pools"][phase])
        stance = self.stance(pool, phase)
        shape = rng.random()
        if shape < SHAPE_CUTS[0]:
            return rng.choice(self.p["short"][stance]), stance
        clauses: list[str] = []
        if stance == "mixed" and shape >= SHAPE_CUTS[1] and rng.random() < MIXED_SPLIT_SHARE:
            # a mixed view spelled out: praise then a complaint, or the other way round
            first, second = ("pos", "neg") if rng.random() < MIXED_SPLIT_SHARE else ("neg", "pos")
            self.clause(pool, first, used, clauses)
            self.clause(pool, second, used, clauses)
            return self.decorate(clauses, stance), stance
        self.clause(pool, stance, used, clauses)
        for cut in SHAPE_CUTS[1:]:
            if shape >= cut:
                other = pick(rng, page.pools) if rng.random() < OTHER_POOL_SHARE else pool
                self.clause(other, stance, used, clauses)
        return self.decorate(clauses, stance), stance

    def decorate(self, clauses: list[str], stance: str) -> str:
        rng, p = self.rng, self.p
        text = clauses[0]
        for clause in clauses[1:]:
            text = text.rstrip(".!") + rng.choice(p["connectors"][stance]) + clause
        if rng.random() < OPENER_SHARE:
            text = f"{rng.choice(p['openers'][stance])} {text}"
        if not text.endswith(("?", "!", ".")):
            text += rng.choice(p["endings"][stance])
        tail = rng.choice(p["tails"][stance])
        if rng.random() < TAIL_SHARE and tail not in text:
            text += rng.choice([" ", "\n", " ", ".. "]) + tail
        if rng.random() < LAUGH_SHARE:
            text += ("ㅋ" if stance in ("neg", "pos") else "ㅠ") * rng.randint(2, 8)
        if rng.random() < EMOJI_SHARE:
            repeat = rng.choice([1, 1, 2, 3])
            text += rng.choice(["", " "]) + rng.choice(p["emoji"][stance]) * repeat
        return self.roughen(text)

    def roughen(self, text: str) -> str:
        rng = self.rng
        if rng.random() < TYPO_SHARE:
            for right, wrong in rng.sample(self.p["typos"]["pairs"], k=4):
                if right in text:
                    text = text.replace(right, wrong, 1)
        if rng.random() < SQUASH_SHARE:
            keep = rng.uniform(0.2, 0.7)
            text = "".join(c for c in text if c != " " or rng.random() < keep)
        return text


def clause_timing(parts: dict[str, Any]) -> dict[str, tuple[datetime | None, datetime | None]]:
    """clause -> (not before, not after), checked against the pools so a typo cannot hide."""
    known = {c for pool in parts["pool"].values() for group in pool.values() for c in group}
    timing: dict[str, tuple[datetime | None, datetime | None]] = {}
    for key, slot in (("not_before", 0), ("not_after", 1)):
        for group in parts.get(key, []):
            for clause in group["clauses"]:
                if clause not in known:
                    raise ValueError(f"comments.toml [[{key}]] names an unknown clause: {clause!r}")
                bounds = list(timing.get(clause, (None, None)))
                bounds[slot] = kst(group["at"])
                timing[clause] = (bounds[0], bounds[1])
    return timing


def nicknames(rng: random.Random, parts: dict[str, Any], source: str) -> list[str]:
    names: list[str] = []
    heads, tails = parts["nicknames"]["heads"], parts["nicknames"]["tails"]
    while len(names) < AUTHORS[source]:
        if source == "demo-portal":
            name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(4)) + "****"
        elif source == "demo-video":
            name = f"@{rng.choice(heads)}{rng.choice(tails)}-{rng.randrange(100, 999)}"
        else:
            name = "ㅇㅇ" if rng.random() < 0.15 else f"{rng.choice(heads)}{rng.choice(tails)}"
        if name not in names or name == "ㅇㅇ":
            names.append(name)
    return names


def build_comments(rng: random.Random, pages: Sequence[Page], parts: dict[str, Any]) -> list[dict]:
    writer = CommentWriter(rng, parts)
    authors = {s: nicknames(rng, parts, s) for s in AUTHORS}
    author_weights = {s: [1 / (i + 1) ** AUTHOR_SKEW for i in range(n)] for s, n in AUTHORS.items()}
    rows: list[tuple[datetime, dict[str, Any]]] = []
    for page, count in zip(pages, allocate(rng, pages), strict=True):
        used: set[str] = set()
        for n in range(count):
            hours = rng.expovariate(1 / SOURCE_DELAY_HOURS[page.source])
            if rng.random() < LATE_SHARE:
                hours *= rng.uniform(*LATE_FACTOR)
            at = page.at + timedelta(minutes=1 + int(hours * 60), seconds=rng.randrange(60))
            if NIGHT_HOURS[0] <= at.hour < NIGHT_HOURS[1] and rng.random() < NIGHT_SHIFT_SHARE:
                at += timedelta(hours=rng.uniform(*NIGHT_SHIFT_HOURS))
            if at > WINDOW_END:
                at = WINDOW_END - timedelta(minutes=rng.randrange(1, 600))
                at = max(at, page.at + timedelta(minutes=1))
            text, stance = writer.write(page, at, used)
            # early comments sit at the top of the page and collect most of the likes
            boost = EARLY_BOOST if n < EARLY_COMMENTS else 1.0
            scale = LIKES_SCALE[page.source] * boost * page.heat
            likes = min(LIKES_CAP, int((rng.paretovariate(LIKES_ALPHA) - 1) * scale))
            row: dict[str, Any] = {
                "kind": "comment",
                "source": page.source,
                "external_id": f"{page.row['url'].rsplit('/', 1)[-1]}-c{n + 1:03d}",
                "text": text,
                "author": rng.choices(authors[page.source], author_weights[page.source])[0],
                "published_at": stamp(at),
                "article_url": page.row["url"],
                "likes": likes,
            }
            if page.source != "demo-video":  # video sites show no dislike counts
                share = DISLIKE_SHARE.get(stance, DISLIKE_SHARE["default"])
                stray = int(rng.random() < STRAY_DISLIKE_SHARE)
                row["dislikes"] = int(likes * rng.uniform(0, share)) + stray
            rows.append((at, row))
    rows.sort(key=lambda r: (r[0], r[1]["external_id"]))
    return [row for _, row in rows]


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def generate(out: Path) -> tuple[int, int]:
    rng = random.Random(SEED)
    stories = load("articles.toml")
    parts = load("comments.toml")
    pages = build_pages(rng, stories["story"], stories["background"])
    comments = build_comments(rng, pages, parts)
    write_jsonl(out / "articles.jsonl", [p.row for p in pages])
    write_jsonl(out / "comments.jsonl", comments)
    return len(pages), len(comments)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "demo", help="output folder")
    args = parser.parse_args(argv)
    articles, comments = generate(args.out)
    print(f"wrote {articles} articles and {comments} comments to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
