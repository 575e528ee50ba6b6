"""A small, deterministic Kakao-2022-like database the aggregate and dashboard tests share.

The builder writes real rows with SQLAlchemy Core into a real SQLite file (the schema comes from
the migrations when minsim.db is available). Importing `build_database` from here keeps every test
on the same known numbers, which the assertions below and in the other test modules rely on.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

from minsim import aggregate, schema, store
from minsim.db import migrate, open_engine

VERSION = "v-test-1"
OLD_VERSION = "v-test-0"
FIRE_AT = datetime(2022, 10, 15, 6, 33, tzinfo=UTC)  # 15:33 KST, the Pangyo fire
APOLOGY_AT = datetime(2022, 10, 19, 2, 0, tzinfo=UTC)  # 11:00 KST press conference
DAYS = 6  # 2022-10-15 .. 2022-10-20 KST
COLLECTED_AT = datetime(2022, 12, 1, tzinfo=UTC)  # 09:00 KST: when every fixture row was stored
ARTICLES_PER_DAY = 2
COMMENTS_PER_ARTICLE = 3
COMMENT_TEXTS = (
    ("카카오 사과가 너무 늦었다 진짜 실망", -0.6, "neg", "apology"),
    ("복구 빨리 해줘서 다행이네요 고생하셨습니다", 0.5, "pos", "outage"),
    ("남궁훈 대표 사퇴는 책임지는 모습이라 좋다", 0.4, "pos", "resignation"),
)
HOSTILE_COMMENT = "<script>alert('x')</script> **굵게** 카카오 ㅋㅋ"


def _engine(path: Path) -> Engine:
    engine = open_engine(f"sqlite:///{path}")
    migrate(engine)
    return engine


def empty_database(path: Path) -> Engine:
    """A database with the schema and nothing else."""
    return _engine(path)


def build_database(path: Path, *, demo: bool = True) -> Engine:
    """Fill a fresh database: 12 articles, 36 comments, scores, aspects, events and runs.

    Articles alternate between Kakao and Naver; every comment inherits its article's company.
    Sources are `demo-portal` (articles) and `demo-video` (comments) unless demo is False, in
    which case they are `news-rss` and `portal-comments`.
    """
    return fill(_engine(path), demo=demo)


def fill(engine: Engine, *, demo: bool = True) -> Engine:
    """Write the rows `build_database` documents into an engine whose schema exists."""
    article_source, comment_source = (
        ("demo-portal", "demo-video") if demo else ("news-rss", "portal-comments")
    )
    collected = COLLECTED_AT
    docs, tags, score_rows, aspect_rows = [], [], [], []
    for day in range(DAYS):
        for n in range(ARTICLES_PER_DAY):
            published = FIRE_AT + timedelta(days=day, hours=n * 3)
            company = "kakao" if n == 0 else "naver"
            art_id = f"a{day}{n}"
            docs.append(
                _doc(
                    art_id,
                    "article",
                    article_source,
                    published,
                    collected,
                    parent=None,
                    title=f"{'카카오' if n == 0 else '네이버'} 서비스 장애 {day + 1}일째",
                    text="데이터센터 화재로 서비스가 멈췄다.",
                    url=f"https://news.test/{art_id}",
                )
            )
            tags.append({"doc_id": art_id, "company": company})
            score_rows.append(_score(art_id, VERSION, 0.0, "neu"))
            aspect_rows.append(_aspect(art_id, VERSION, "outage", 0.0, "neu", inherited=False))
            for c, (text, compound, label, aspect) in enumerate(COMMENT_TEXTS):
                com_id = f"c{day}{n}{c}"
                body = HOSTILE_COMMENT if (day, n, c) == (0, 0, 0) else text
                docs.append(
                    _doc(
                        com_id,
                        "comment",
                        comment_source,
                        published + timedelta(minutes=10 * (c + 1)),
                        collected,
                        parent=art_id,
                        title=None,
                        text=body,
                        url=None,
                    )
                )
                tags.append({"doc_id": com_id, "company": company})
                score_rows.append(_score(com_id, VERSION, compound, label))
                aspect_rows.append(_aspect(com_id, VERSION, aspect, compound, label, False))
                if aspect != "outage":  # the article's aspect, inherited
                    aspect_rows.append(_aspect(com_id, VERSION, "outage", 0.0, "neu", True))
    # One stale score of an older scorer version that the readers must ignore.
    score_rows.append(_score("a00", OLD_VERSION, -1.0, "neg"))
    with engine.begin() as conn:
        conn.execute(insert(schema.documents), docs)
        conn.execute(insert(schema.document_companies), tags)
        conn.execute(insert(schema.scores), score_rows)
        conn.execute(insert(schema.aspect_scores), aspect_rows)
        conn.execute(
            insert(schema.companies),
            [
                {"id": "kakao", "name": "카카오", "aliases": json.dumps(["카카오", "카톡"])},
                {"id": "naver", "name": "네이버", "aliases": json.dumps(["네이버"])},
                {"id": "skcc", "name": "SK C&C", "aliases": json.dumps(["SK C&C"])},
            ],
        )
        conn.execute(
            insert(schema.aspects),
            [
                {"id": "apology", "label": "사과"},
                {"id": "resignation", "label": "사퇴"},
                {"id": "outage", "label": "서비스 장애"},
            ],
        )
        conn.execute(
            insert(schema.events),
            [
                {"at": FIRE_AT, "company": "kakao", "title": "판교 데이터센터 화재"},
                {"at": APOLOGY_AT, "company": "kakao", "title": "사과 기자회견·대표 사퇴"},
            ],
        )
        conn.execute(insert(schema.runs), _runs(article_source, comment_source))
    return engine


def _doc(doc_id, kind, source, published, collected, *, parent, title, text, url) -> dict:
    return {
        "doc_id": doc_id, "kind": kind, "source": source, "external_id": doc_id,
        "parent_id": parent, "url": url, "title": title, "text": text,
        "author_hash": None, "published_at": published, "collected_at": collected,
        "likes": 1, "dislikes": 0, "content_hash": doc_id,
    }  # fmt: skip


def _score(doc_id: str, version: str, compound: float, label: str) -> dict:
    # The shape sentiment.result.Score.to_json writes: the hits plus document-level rules.
    hits = {
        "compound": compound,
        "rules": [],
        "hits": [
            {"span": [0, 2], "text": "실망", "key": "실망/NNG", "source": "curated",
             "base": -2.0, "modifiers": ["booster: -2.000 -> -2.600"], "weight": -2.6},
            {"span": [3, 5], "text": "네요", "key": "네요/EF", "source": "induced:nsmc",
             "base": 0.31, "modifiers": [], "weight": 0.31},
        ],
    }  # fmt: skip
    return {
        "doc_id": doc_id, "scorer_version": version, "compound": compound, "label": label,
        "pos": max(compound, 0.0), "neg": max(-compound, 0.0), "neu": 1 - abs(compound),
        "hits": json.dumps(hits, ensure_ascii=False, separators=(",", ":")),  # as the scorer
        "scored_at": datetime(2022, 12, 1, tzinfo=UTC),
    }  # fmt: skip


def _aspect(doc_id, version, aspect, compound, label, inherited) -> dict:
    return {
        "doc_id": doc_id, "scorer_version": version, "aspect": aspect,
        "compound": compound, "label": label, "inherited": inherited,
    }  # fmt: skip


def _runs(article_source: str, comment_source: str) -> list[dict]:
    start = datetime(2022, 12, 1, 0, 0, tzinfo=UTC)
    return [
        {"source": article_source, "started_at": start, "finished_at": start + timedelta(minutes=1),
         "status": "ok", "counters": json.dumps({"fetched": 5, "new": 5}), "error": None},
        {"source": article_source, "started_at": start + timedelta(hours=1),
         "finished_at": start + timedelta(hours=1, minutes=1), "status": "ok",
         "counters": json.dumps({"fetched": 7, "new": 2, "duplicate": 5}), "error": None},
        {"source": comment_source, "started_at": start + timedelta(hours=2), "finished_at": None,
         "status": "failed", "counters": json.dumps({"fetched": 0, "retry/count": 3}),
         "error": "HTTP 503 from comments endpoint"},
    ]  # fmt: skip


N_ARTICLES = DAYS * ARTICLES_PER_DAY
N_COMMENTS = N_ARTICLES * COMMENTS_PER_ARTICLE


def add_comments(
    engine: Engine,
    *,
    source: str,
    count: int,
    start: datetime,
    version: str | None = None,
    company: str = "kakao",
    prefix: str = "x",
    collected: datetime = COLLECTED_AT,
    every: timedelta = timedelta(minutes=1),
) -> list[str]:
    """Write `count` more comments of `source`, one `every` (a minute) from `start`, tagged
    `company`, collected at `collected`; scored neutral under `version` when one is given, else
    left unscored. Returns their ids."""
    ids = [f"{prefix}{i:04d}" for i in range(count)]
    docs = [
        _doc(doc_id, "comment", source, start + i * every, collected, parent=None,
             title=None, text=f"가져온 댓글 {i}", url=None)
        for i, doc_id in enumerate(ids)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(schema.documents), docs)
        conn.execute(
            insert(schema.document_companies), [{"doc_id": d, "company": company} for d in ids]
        )
        if version is not None:
            conn.execute(insert(schema.scores), [_score(d, version, 0.0, "neu") for d in ids])
    return ids


# Bursts of Kakao comments: one inside the fixture's days (2022-10-19 11:00 KST), one after its
# newest document (2022-10-21 09:00 KST), so it is the newest hour of the data.
SURGE_AT = datetime(2022, 10, 19, 2, 0, tzinfo=UTC)
LIVE_SURGE_AT = datetime(2022, 10, 21, 0, 0, tzinfo=UTC)
BURST_COMMENTS = 30


def add_burst(engine: Engine, start: datetime, prefix: str) -> None:
    """BURST_COMMENTS scored Kakao comments in half an hour from `start`: far above the
    fixture's few documents an hour, a volume surge."""
    add_comments(engine, source="burst", count=BURST_COMMENTS, start=start, version=VERSION,
                 prefix=prefix)  # fmt: skip


def add_scored_comments(
    engine: Engine,
    prefix: str,
    moment: datetime,
    offsets_minutes: list[int],
    compounds: list[float],
    *,
    aspect: str = "apology",
    inherited: bool = False,
    source: str = "portal",
    company: str = "kakao",
    version: str = VERSION,
) -> None:
    """Comments published `offset` minutes from `moment`, each scored `compound` under
    `version` and naming `aspect` with the same score."""
    docs, tags, score_rows, aspect_rows = [], [], [], []
    for i, (offset, compound) in enumerate(zip(offsets_minutes, compounds, strict=True)):
        doc_id = f"{prefix}{i}"
        label = "pos" if compound > 0 else "neg" if compound < 0 else "neu"
        published = moment + timedelta(minutes=offset)
        docs.append({
            "doc_id": doc_id, "kind": "comment", "source": source, "external_id": doc_id,
            "parent_id": None, "url": None, "title": None, "text": "댓글", "author_hash": None,
            "published_at": published, "collected_at": published, "likes": 0, "dislikes": 0,
            "content_hash": doc_id,
        })  # fmt: skip
        tags.append({"doc_id": doc_id, "company": company})
        score_rows.append({
            "doc_id": doc_id, "scorer_version": version, "compound": compound, "label": label,
            "pos": 0.0, "neg": 0.0, "neu": 1.0, "hits": "{}", "scored_at": published,
        })  # fmt: skip
        aspect_rows.append({
            "doc_id": doc_id, "scorer_version": version, "aspect": aspect, "compound": compound,
            "label": label, "inherited": inherited,
        })  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(schema.documents), docs)
        conn.execute(insert(schema.document_companies), tags)
        conn.execute(insert(schema.scores), score_rows)
        conn.execute(insert(schema.aspect_scores), aspect_rows)


def test_builder_writes_the_documented_counts(tmp_path: Path) -> None:
    from sqlalchemy import func, select

    engine = build_database(tmp_path / "m.db")
    with engine.connect() as conn:
        n_docs = conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()
        n_scores = conn.execute(select(func.count()).select_from(schema.scores)).scalar_one()
    assert n_docs == N_ARTICLES + N_COMMENTS == 48
    assert n_scores == n_docs + 1  # plus the stale old-version row


def prune(engine: Engine, cut: datetime, sources: tuple[str, ...] = ()) -> int:
    """Remove what `minsim prune --yes` removes before `cut` (of these sources), recording the
    cutoff as it does; returns how many documents went."""
    found = aggregate.prunable_documents(engine, cut, sources)
    record = store.PruneRecord(cut, sources, found.total)
    going = aggregate.prunable_ids(engine, cut, sources)
    return store.delete_documents(engine, going, record=record)
