"""`minsim brief` as a user runs it: a child process on a real SQLite file, Markdown out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import brief_sections, run_minsim, write_sqlite_config
from sqlalchemy import insert
from test_aggregate_fixtures import APOLOGY_AT, SURGE_AT, VERSION, add_burst, build_database

from minsim import schema
from minsim.aggregate import Filters
from minsim.brief import Period, _words, file_name, period_of, write_brief
from minsim.wording import escape_inline
from minsim.words import count_words

HOSTILE_TITLE = "**굵게** | 표 깨기\n둘째 줄 \x1b[2J <b>x</b>"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shared fixture (each day: a Kakao and a Naver article with three scored comments),
    a burst of Kakao comments on 10-19 11:00 KST and a Naver event whose title holds markup,
    a line break and a terminal escape."""
    engine = build_database(tmp_path / "minsim.db")
    add_burst(engine, SURGE_AT, "s")
    with engine.begin() as conn:
        conn.execute(
            insert(schema.events),
            [{"at": APOLOGY_AT + timedelta(hours=3), "company": "naver", "title": HOSTILE_TITLE}],
        )
    engine.dispose()
    write_sqlite_config(tmp_path)
    return tmp_path


def test_a_day_against_the_day_before(folder: Path) -> None:
    result = run_minsim("brief", "--day", "2022-10-19", cwd=folder)
    assert result.returncode == 0, result.stderr
    parts = brief_sections(result.stdout)
    assert parts["head"][0] == "# 민심 브리핑 · 2022-10-19 00:00 ~ 2022-10-20 00:00 KST"
    assert (
        parts["head"][1] == "범위: 모든 회사 · 모든 출처 · 점수 버전 v-test-1 · 직전 24시간과 비교"
    )
    assert parts["head"][2].startswith("> 데모 데이터: demo-portal, demo-video의 글은")
    # 2 articles and 6 comments of the fixture's day, and the 30 burst comments.
    assert parts["한눈에"][0].startswith("문서 38건 (기사 2, 댓글 36) · 채점 38건")
    kakao = next(line for line in parts["한눈에"] if line.startswith("| 카카오 |"))
    assert kakao.startswith("| 카카오 | 34 (4) |")  # the burst is Kakao's
    naver = next(line for line in parts["한눈에"] if line.startswith("| 네이버 |"))
    assert naver.startswith("| 네이버 | 4 (4) |") and naver.endswith("| 표본 부족 |")
    assert any(line.startswith("| 카카오 | 사과 |") for line in parts["측면"])
    # Every fixture explanation holds 실망/NNG at -2.6 (and 네요/EF, too weak to count).
    negative, positive, note = parts["점수를 움직인 말"]
    assert negative == "- 부정 쪽: 실망 (-93.6, 36건)" and positive == "- 긍정 쪽: 없음"
    assert note.startswith("(채점된 댓글 36건에서 가중치 합")
    [surge] = parts["급증"]
    assert surge.startswith("- 카카오 문서 급증: 10-19 11:00 ~ 10-19 12:00 (1시간), 정점")
    apology, hostile = parts["사건"]
    assert apology.startswith("- 10-19 11:00 · 카카오 · 사과 기자회견·대표 사퇴: 앞뒤 24시간 평균")


def test_names_from_the_database_stay_text(folder: Path) -> None:
    result = run_minsim("brief", "--day", "2022-10-19", cwd=folder)
    hostile = brief_sections(result.stdout)["사건"][1]
    assert hostile.startswith(
        "- 10-19 14:00 · 네이버 · \\*\\*굵게\\*\\* \\| 표 깨기 둘째 줄 \\x1b\\[2J \\<b\\>x\\</b\\>"
    )
    assert "\x1b" not in result.stdout  # shown as an escape, never sent to the terminal
    assert escape_inline("SK C&C (주) - 1.5") == "SK C&C (주) - 1.5"  # plain punctuation stays
    # Addresses a renderer would turn into links by itself stay text.
    assert escape_inline("https://x.example www.y.example a@b.example") == (
        "https\\://x.example \\www.y.example a\\@b.example"
    )


def test_the_last_hours_end_with_the_newest_document_s_hour(folder: Path) -> None:
    # The fixture's newest document: the Naver comment of 10-20 at 19:03 KST.
    result = run_minsim("brief", "--hours", "6", "--company", "naver", cwd=folder)
    assert result.returncode == 0, result.stderr
    head = result.stdout.splitlines()
    assert head[0] == "# 민심 브리핑 · 2022-10-20 14:00 ~ 2022-10-20 20:00 KST"
    assert head[2].startswith("범위: 네이버 · 모든 출처") and "직전 6시간과 비교" in head[2]


def test_a_file_or_a_clear_error(folder: Path) -> None:
    target = folder / "brief.md"
    result = run_minsim("brief", "--day", "2022-10-19", "-o", str(target), cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote the brief of 2022-10-19 00:00 ~ 2022-10-20 00:00 KST")
    assert target.read_text(encoding="utf-8").startswith("# 민심 브리핑 · 2022-10-19 00:00")
    missing = run_minsim("brief", "-o", str(folder / "no" / "such" / "dir.md"), cwd=folder)
    assert missing.returncode == 2
    assert "cannot write" in missing.stderr and "No such file or directory" in missing.stderr
    both = run_minsim("brief", "--day", "2022-10-19", "--hours", "3", cwd=folder)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    bad = run_minsim("brief", "--day", "2022-02-30", cwd=folder)
    assert bad.returncode == 2 and "expected a date as YYYY-MM-DD" in bad.stderr


def test_a_page_s_period_is_its_window_or_all_the_data() -> None:
    span = (datetime(2022, 10, 15, 6, 49, tzinfo=UTC), datetime(2022, 11, 30, 14, 47, tzinfo=UTC))
    every = period_of(Filters(), span)
    # From the first document's hour (15:00 KST) to the end of the newest one's (23:47 -> 00:00).
    assert (every.start.isoformat(), every.end.isoformat()) == (
        "2022-10-15T15:00:00+09:00",
        "2022-12-01T00:00:00+09:00",
    )
    assert every.hours == 1113
    window = Filters(start=datetime(2022, 10, 18, 15, tzinfo=UTC), end=span[1])
    assert period_of(window, span) == Period(window.start, span[1])
    assert file_name(every) == "minsim-brief-20221015-1500.md"


def test_the_scope_line_names_every_filter_the_page_had(tmp_path: Path) -> None:
    engine = build_database(tmp_path / "scope.db")
    try:
        flt = Filters(kinds=("comment",), text="실망 -네이버", run=3, lexicon_key="실망/NNG")
        day = datetime(2022, 10, 18, 15, tzinfo=UTC)  # 10-19 00:00 KST
        text = write_brief(engine, flt, Period(day, day + timedelta(hours=1.5)), version=VERSION)
    finally:
        engine.dispose()
    scope = text.splitlines()[2]
    assert scope == (
        "범위: 모든 회사 · 모든 출처 · 댓글만 · 수집 실행 #3이 저장한 문서만 · "
        "'실망'이(가) 든 문서만, '네이버'이(가) 든 문서는 빼고 · "
        "사전 항목 실망/NNG이(가) 들어간 점수의 문서만 · 점수 버전 v-test-1 · 직전 1.5시간과 비교"
    )


def test_the_word_list_says_when_it_read_only_the_newest() -> None:
    found = count_words([]).words
    assert _words(found, 0, 0, ("comment",))[-1] == "이 기간에 채점된 댓글이(가) 없습니다."
    assert _words(found, 3, 3, ("comment",))[-1].startswith("이 기간의 채점된 댓글에서")
    lines = _words(count_words(['{"hits":[{"key":"실망/NNG","weight":-2}]}']).words, 5000, 6200,
                   ("comment",))  # fmt: skip
    assert lines[-1].startswith("(채점된 댓글 6,200건 중 최신 5,000건에서 가중치 합")


def test_words_are_lexicon_entries_and_alike_ones_get_their_keys() -> None:
    hits = [
        '{"hits":[{"key":"짜다/VA","text":"짜","weight":-2},{"key":"짜다/VV","text":"짜",'
        '"weight":-1},{"key":"책임/NNG 회피/NNG","text":"책임[회피](x)","weight":-1.5}]}'
    ]
    negative = _words(count_words(hits).words, 1, 1, ("comment",))[3]
    assert negative == (
        "- 부정 쪽: 짜다 (짜다/VA) (-2.0, 1건), 책임 회피 (-1.5, 1건), 짜다 (짜다/VV) (-1.0, 1건)"
    )
