"""The Kakao-2022 scenario files and its demo corpus: parse, stay in the window, link up, and
regenerate byte for byte."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from minsim.companies import CompanyMatcher
from minsim.scenario import load_scenario

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds" / "kakao-2022"
DEMO_DIR = SEED_DIR / "demo"
KST = timezone(timedelta(hours=9))
DEMO_SOURCES = {"demo-portal", "demo-wire", "demo-video", "demo-community"}
DEMO_URL_PREFIX = "https://demo.minsim.invalid/"
# The floors issue 2 sets for the demo corpus.
MIN_ARTICLES, MIN_COMMENTS = 150, 5000
# A day counts as a spike when it carries this many times the median day's comments.
SPIKE_FACTOR = 3


def _toml(name: str) -> dict[str, Any]:
    with (SEED_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@cache
def _jsonl(name: str) -> tuple[dict[str, Any], ...]:
    lines = (DEMO_DIR / name).read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines)


def _articles() -> tuple[dict[str, Any], ...]:
    return _jsonl("articles.jsonl")


def _comments() -> tuple[dict[str, Any], ...]:
    return _jsonl("comments.jsonl")


def _window() -> tuple[datetime, datetime]:
    meta = _toml("scenario.toml")
    start, end = meta["start"], meta["end"]
    assert isinstance(start, date) and isinstance(end, date)
    return datetime.combine(start, time.min, KST), datetime.combine(end, time.max, KST)


def _companies() -> list[dict[str, Any]]:
    return _toml("companies.toml")["company"]


@cache
def _matcher() -> CompanyMatcher:
    return CompanyMatcher(load_scenario(SEED_DIR).companies)


def test_scenario_toml_names_the_scenario_and_labels_it_demo() -> None:
    meta = _toml("scenario.toml")
    assert meta["name"] == "kakao-2022" == SEED_DIR.name
    assert "카카오" in meta["title"] and "Kakao" in meta["title"]
    assert meta["timezone"] == "Asia/Seoul"
    assert meta["demo"] is True
    assert "데모" in meta["demo_note"] and "Demo" in meta["demo_note"]
    assert set(meta["demo_sources"]) == DEMO_SOURCES
    start, end = _window()
    assert start < end


def test_companies_have_unique_ids_names_and_aliases() -> None:
    companies = _companies()
    ids = [c["id"] for c in companies]
    assert len(ids) == len(set(ids)) >= 5
    assert {"kakao", "naver", "skcc"} <= set(ids)
    owners: dict[str, str] = {}
    for company in companies:
        assert company["name"].strip()
        assert company["aliases"], company["id"]
        for alias in company["aliases"]:
            assert alias.strip(), company["id"]
            other = owners.setdefault(alias.lower(), company["id"])
            assert other == company["id"], f"{alias!r} names both {other} and {company['id']}"


@pytest.mark.parametrize(
    "ordinary",
    [
        "다음 주에 다시 얘기하자",  # 다음 = next
        "다음에 봐요",
        "온라인 가이드라인이 라인업 데드라인보다 중요",  # 라인 inside ordinary words
        "the deadline is online",
        "아침으로 토스트를 먹고 토스터를 닦았다",  # 토스 inside 토스트
        "KTX 타고 부산 간다",  # KT inside KTX
        "멜론 한 통에 만 원",  # the fruit
        "SK하이닉스와 SKT가 실적 발표",  # other SK companies; KT inside SKT
        "카페 이용 시간은 열 시까지",
        "포토스팟에서 사진 찍었다",
    ],
)
def test_aliases_do_not_match_ordinary_words(ordinary: str) -> None:
    """Alias matching is substring matching, so no alias may hide inside everyday text."""
    assert _matcher().match(ordinary) == []


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("다음 메일이 아직도 안 열린다", "kakao"),
        ("카톡 먹통 사흘째", "kakao"),
        ("남궁 대표 사퇴", "kakao"),
        ("라인 메신저로 갈아탐", "naver"),
        ("판교 데이터센터 화재 원인", "skcc"),
        ("KT가 작년에 보상한 방식", "kt"),
        ("kt 장애 때도 그랬다", "kt"),
        ("토스로 송금해서 살았다", "toss"),
    ],
)
def test_aliases_find_the_company(text: str, company: str) -> None:
    assert company in _matcher().match(text)


def test_the_scenario_loader_reads_every_company_and_event() -> None:
    scenario = load_scenario(SEED_DIR)
    assert [c.id for c in scenario.companies] == [c["id"] for c in _companies()]
    assert len(scenario.events) == len(_toml("events.toml")["event"])
    assert scenario.demo_dir == DEMO_DIR


def test_events_parse_name_known_companies_and_fall_in_the_window() -> None:
    events = _toml("events.toml")["event"]
    known = {c["id"] for c in _companies()}
    start, end = _window()
    assert len(events) >= 8
    for event in events:
        at = datetime.fromisoformat(event["at"])
        assert at.utcoffset() == timedelta(hours=9), event
        assert start <= at <= end, event
        assert event["company"] in known, event
        assert 0 < len(event["title"]) <= 40, event
    titles = " ".join(e["title"] for e in events)
    for milestone in ("화재", "복구", "사과", "사임", "국정감사"):
        assert milestone in titles


def test_corpus_is_big_enough_and_every_row_is_well_formed() -> None:
    articles, comments = _articles(), _comments()
    assert len(articles) >= MIN_ARTICLES
    assert len(comments) >= MIN_COMMENTS
    for row in articles:
        assert row["kind"] == "article"
        assert row["url"] == row["external_id"]
        assert row["url"].startswith(DEMO_URL_PREFIX)
        assert row["title"].strip() and row["text"].strip() and row["author"].strip()
    for row in comments:
        assert row["kind"] == "comment"
        assert row["text"].strip() and row["author"].strip()
        assert isinstance(row["likes"], int) and row["likes"] >= 0
        assert isinstance(row.get("dislikes", 0), int) and row.get("dislikes", 0) >= 0
    assert {r["source"] for r in articles} == DEMO_SOURCES
    assert {r["source"] for r in comments} == DEMO_SOURCES


def test_every_date_parses_as_kst_inside_the_window() -> None:
    start, end = _window()
    for row in (*_articles(), *_comments()):
        at = datetime.fromisoformat(row["published_at"])
        assert at.utcoffset() == timedelta(hours=9), row["published_at"]
        assert start <= at <= end, row["published_at"]


def test_every_comment_belongs_to_an_existing_article_and_follows_it() -> None:
    published = {a["url"]: datetime.fromisoformat(a["published_at"]) for a in _articles()}
    for row in _comments():
        assert row["article_url"] in published, row["external_id"]
        assert row["source"] in DEMO_SOURCES
        assert datetime.fromisoformat(row["published_at"]) > published[row["article_url"]]


def test_no_duplicate_ids() -> None:
    articles = Counter(a["url"] for a in _articles())
    comments = Counter((c["source"], c["external_id"]) for c in _comments())
    assert [k for k, n in articles.items() if n > 1] == []
    assert [k for k, n in comments.items() if n > 1] == []


def test_every_company_is_mentioned_by_articles_and_comments() -> None:
    matcher = _matcher()
    for rows in (_articles(), _comments()):
        named = Counter(
            company
            for row in rows
            for company in matcher.match(f"{row.get('title') or ''}\n{row['text']}")
        )
        assert set(named) == {c["id"] for c in _companies()}
        assert named.most_common(1)[0][0] == "kakao"


def test_every_article_names_a_company_so_every_document_gets_tagged() -> None:
    """Comments inherit their article's companies: an article naming none leaves a thread bare."""
    matcher = _matcher()
    untagged = [a["url"] for a in _articles() if not matcher.match(f"{a['title']}\n{a['text']}")]
    assert untagged == []


def test_article_titles_do_not_pose_as_real_outlets() -> None:
    outlets = (
        "연합뉴스",
        "뉴시스",
        "뉴스1",
        "KBS",
        "MBC",
        "SBS",
        "YTN",
        "JTBC",
        "조선일보",
        "중앙일보",
        "동아일보",
        "한겨레",
        "경향신문",
        "한국경제",
        "매일경제",
        "머니투데이",
    )
    for row in _articles():
        for outlet in outlets:
            assert outlet not in row["title"] and outlet not in row["author"], row["url"]


def test_comment_volume_spikes_on_the_fire_and_on_the_apology_then_decays() -> None:
    per_day = Counter(c["published_at"][:10] for c in _comments())
    median = statistics.median(per_day.values())
    assert per_day["2022-10-16"] > SPIKE_FACTOR * median
    assert per_day["2022-10-19"] > SPIKE_FACTOR * median
    assert per_day["2022-10-19"] > per_day["2022-10-18"]
    assert per_day["2022-10-24"] > per_day["2022-10-23"]  # the audit hearing
    november = sum(n for day, n in per_day.items() if day >= "2022-11-01")
    fire_week = sum(n for day, n in per_day.items() if day <= "2022-10-21")
    assert november < fire_week / 3


def test_comments_read_like_many_people_not_one_template() -> None:
    comments = _comments()
    texts = Counter(c["text"] for c in comments)
    assert len(texts) > 0.8 * len(comments)
    assert max(texts.values()) < 0.01 * len(comments)
    lengths = [len(c["text"]) for c in comments]
    assert min(lengths) <= 5 and max(lengths) >= 100
    joined = "".join(texts)
    for mark in ("ㅋㅋ", "ㅠㅠ", "^^", "?", "사과", "사퇴", "보상", "이중화", "주가"):
        assert mark in joined, mark


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """Running the generator again reproduces the committed files byte for byte."""
    script = SEED_DIR / "generate_demo.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    for name in ("articles.jsonl", "comments.jsonl"):
        assert (tmp_path / name).read_bytes() == (DEMO_DIR / name).read_bytes(), name


def test_scenario_ids_must_fit_the_columns_that_store_them(tmp_path: Path) -> None:
    import shutil

    from minsim import schema
    from minsim.errors import ScenarioError
    from minsim.scenario import MAX_ID_CHARS

    for column in (schema.companies.c.id, schema.aspects.c.id, schema.document_companies.c.company):
        assert column.type.length == MAX_ID_CHARS, column
    copy = tmp_path / "scenario"
    shutil.copytree(SEED_DIR, copy, ignore=shutil.ignore_patterns("demo"))
    companies = copy / "companies.toml"
    text = companies.read_text(encoding="utf-8")
    companies.write_text(text.replace('id = "kakao"', f'id = "{"k" * 65}"', 1), encoding="utf-8")
    with pytest.raises(ScenarioError, match=f"id must be 1 to {MAX_ID_CHARS} characters"):
        load_scenario(copy)
