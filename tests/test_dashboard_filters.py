"""Pure parts of the dashboard: URL filters, score explanations and chart specs."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from dashboard import charts, doctable, explain, health, markers, timeaxis, ui
from dashboard.filters import (
    FilterState,
    bucket_window,
    narrow,
    parse_params,
    resolve,
    to_params,
)
from dashboard.search import MAX_QUERY_CHARS, clean_query
from minsim import overdue, store
from sentiment.result import STORED_HITS_LIMIT
from tests.test_sentiment_support import shared_scorer

COMPANIES = ["kakao", "naver", "skcc"]
SOURCES = ["demo-portal", "demo-video"]
SPAN = (datetime(2022, 10, 15, 6, 33, tzinfo=UTC), datetime(2022, 11, 30, 14, 0, tzinfo=UTC))


def _parse(params: dict) -> tuple[FilterState, list[str]]:
    parsed = parse_params(params, companies=COMPANIES, sources=SOURCES)
    return parsed.state, parsed.warnings


def test_round_trip_of_a_full_view() -> None:
    state = FilterState(
        companies=("naver", "kakao"), sources=("demo-video",), window="custom",
        date_from=date(2022, 10, 18), date_to=date(2022, 10, 20), bucket="hour", run=12,
    )  # fmt: skip
    assert to_params(state)["run"] == "12"
    again, warnings = _parse(to_params(state))
    assert again == state
    assert warnings == []


def test_defaults_make_a_short_url() -> None:
    assert to_params(FilterState()) == {}


@pytest.mark.parametrize(
    ("params", "expected_warnings"),
    [
        ({"company": ["kakao", "nope"]}, 1),
        ({"source": ["<script>alert(1)</script>"]}, 1),
        ({"window": "forever"}, 1),
        ({"bucket": "minute"}, 1),
        ({"from": "2022-13-45", "to": "yesterday"}, 2),
        ({"from": "x" * 10_000}, 1),
        ({"company": ["kakao"] * 500}, 0),
        ({"run": "0"}, 1),
        ({"run": "-3"}, 1),
        ({"run": "1e3"}, 1),
        ({"run": "2147483648"}, 1),  # past runs.id, 32-bit on PostgreSQL
        ({"run": "9" * 19}, 1),
        ({"run": "1٣"}, 1),  # a digit, but not an ASCII one
        ({"run": "12\n"}, 1),
        ({"run": ["4", "5"]}, 1),
    ],
)
def test_hostile_params_are_ignored_with_warnings(params: dict, expected_warnings: int) -> None:
    state, warnings = _parse(params)
    assert len(warnings) == expected_warnings
    assert set(state.companies) <= set(COMPANIES)
    assert set(state.sources) <= set(SOURCES)
    assert state.window in ("all", "24h", "7d", "custom")
    assert state.bucket in ("hour", "day")
    assert all(len(w) < 200 for w in warnings)  # a huge value is not echoed back whole


def test_a_run_id_passes_to_the_aggregate_filters_and_survives_narrowing() -> None:
    state, warnings = _parse({"run": "7", "company": "kakao"})
    assert state.run == 7 and warnings == []
    assert _parse({"run": ["4", "5"]})[0].run == 4  # the first value, with a warning
    assert _parse({"run": "abc"})[0].run is None
    assert _parse({"run": "2147483647"})[0].run == 2**31 - 1
    flt = resolve(state, SPAN)
    assert flt.run == 7 and flt.companies == ("kakao",)
    window = bucket_window("2022-10-18", "day")
    assert window is not None
    assert narrow(flt, window).run == 7


def test_search_words_round_trip_and_reach_the_aggregate_filters() -> None:
    state, warnings = _parse({"q": "  보상   신청 "})
    assert state.query == "보상 신청" and warnings == []
    assert to_params(state) == {"q": "보상 신청"}
    assert resolve(state, SPAN).text == "보상 신청"
    assert resolve(_parse({})[0], SPAN).text is None
    assert "q" not in to_params(_parse({"q": "   "})[0])


@pytest.mark.parametrize(
    ("raw", "expected", "note"),
    [
        ("보상\x1b[2J", "보상[2J", "제어 문자"),
        ("\u202e카카오", "카카오", "보이지 않는 문자"),
        ("카카오\u200b톡", "카카오톡", "보이지 않는 문자"),  # a zero-width space
        ("카카오\xad톡", "카카오톡", "보이지 않는 문자"),  # a soft hyphen
        (unicodedata.normalize("NFD", "카카오"), "카카오", None),  # decomposed Hangul, composed
        ("가" * 80, "가" * MAX_QUERY_CHARS, f"{MAX_QUERY_CHARS}자를 넘어"),
        # A word the cut would split is left out, not searched for as its first part.
        ("카카오 " * 12 + "-주가총액", ("카카오 " * 12).strip(), f"{MAX_QUERY_CHARS}자를 넘어"),
        # A quoted phrase the cut would split is left out whole: cut, its quote would be open
        # and its words required one by one instead of excluded together.
        (
            '카카오 -"주가 하락 우려 속 투자자 불안 확산 지속 전망 증권가 '
            '분석 보고서 요약 정리본 전체"',
            "카카오",
            f"{MAX_QUERY_CHARS}자를 넘어",
        ),
        # ... and so is one too long to keep at all, the words after it kept.
        (
            '-"주가 하락 우려 속 투자자 불안 확산 지속 전망 증권가 분석 보고서 요약 정리본 '
            '전체 내용" 카카오',
            "카카오",
            f"{MAX_QUERY_CHARS}자를 넘어",
        ),
        ("100%_", "100%_", None),  # wildcards are searched for as written (see where_clauses)
    ],
)
def test_hostile_search_words_are_cleaned_and_reported(
    raw: str, expected: str, note: str | None
) -> None:
    state, warnings = _parse({"q": raw})
    assert state.query == expected
    assert (note is None and warnings == []) or (len(warnings) == 1 and note in warnings[0])
    assert clean_query(raw)[0] == expected


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("실망/NNG", True),
        ("말/NNG 이/JKC 되다/VV 냐/EF", True),
        ("rule:sarcasm_well_done", True),
        ("//SP", True),
        ("실망", False),
        ("실망/nng", False),
        ("실망/NNG  좋다/VA", False),
        ("<b>/NNG</b>", False),
        ("가/NNG " * 30, False),
        ("\u202e실망/NNG", False),  # a bidi override would show the key reversed
        ("실\u200b망/NNG", False),  # a zero-width space would find nothing
    ],
)
def test_a_lexicon_entry_in_the_url_is_kept_only_when_it_looks_like_one(
    raw: str, kept: bool
) -> None:
    state, warnings = _parse({"word": raw})
    assert (state.word == raw) is kept and (warnings == []) is kept
    if kept:
        assert to_params(state) == {"word": raw} and resolve(state, SPAN).lexicon_key == raw


def test_latin_words_of_a_lexicon_entry_are_read_as_the_scorer_writes_them() -> None:
    state, warnings = _parse({"word": "SK/SL 탓/NNG"})
    assert state.word == "sk/SL 탓/NNG" and warnings == []


def test_search_words_cut_to_length_are_not_reported_as_cleaned() -> None:
    cleaned, notes = clean_query("보상" * 60_000)
    assert cleaned == ("보상" * 25) and len(notes) == 1 and "50자를 넘어" in notes[0]
    # A cut that leaves a joiner with nothing to join drops it too.
    joined, _ = clean_query("가" * 48 + "👨\u200d👩")
    assert joined == "가" * 48 + "👨"


def test_reversed_custom_dates_are_swapped() -> None:
    state, warnings = _parse({"window": "custom", "from": "2022-10-20", "to": "2022-10-18"})
    assert (state.date_from, state.date_to) == (date(2022, 10, 18), date(2022, 10, 20))
    assert len(warnings) == 1
    assert "from=2022-10-20" in warnings[0] and "(from 2022-10-18, to 2022-10-20)" in warnings[0]


# The KST days of SPAN: what the sidebar hands parse_params.
SPAN_DAYS = (date(2022, 10, 15), date(2022, 11, 30))


def _parse_in_span(params: dict) -> tuple[FilterState, list[str]]:
    parsed = parse_params(params, companies=COMPANIES, sources=SOURCES, span=SPAN_DAYS)
    return parsed.state, parsed.warnings


def test_dates_after_the_data_are_moved_and_reported() -> None:
    state, warnings = _parse_in_span({"window": "custom", "from": "2030-01-01",
                                      "to": "2030-01-02"})  # fmt: skip
    assert (state.date_from, state.date_to) == (SPAN_DAYS[1], SPAN_DAYS[1])
    assert warnings == [
        "from 2030-01-01은(는) 가장 최근 문서의 날짜(2022-11-30)보다 늦어 2022-11-30을(를) 씁니다.",
        "to 2030-01-02은(는) 가장 최근 문서의 날짜(2022-11-30)보다 늦어 2022-11-30을(를) 씁니다.",
        "보여 주는 기간: 2022-11-30 ~ 2022-11-30 (KST).",
    ]


def test_a_date_before_the_data_is_moved_and_reported() -> None:
    state, warnings = _parse_in_span({"window": "custom", "from": "2001-01-01"})
    assert state.date_from == SPAN_DAYS[0] and state.date_to is None
    assert "from 2001-01-01" in warnings[0] and "가장 오래된 문서의 날짜(2022-10-15)" in warnings[0]
    assert warnings[-1] == "보여 주는 기간: 2022-10-15 ~ 2022-11-30 (KST)."


def test_dates_inside_the_data_pass_without_a_word() -> None:
    params = {"window": "custom", "from": "2022-10-18", "to": "2022-10-20"}
    state, warnings = _parse_in_span(params)
    assert (state.date_from, state.date_to) == (date(2022, 10, 18), date(2022, 10, 20))
    assert warnings == []


def test_the_swap_message_matches_what_is_shown() -> None:
    state, warnings = _parse_in_span({"window": "custom", "from": "9999-12-31",
                                      "to": "0001-01-01"})  # fmt: skip
    assert (state.date_from, state.date_to) == SPAN_DAYS
    assert "두 날짜를 바꿨습니다" in warnings[0]
    assert warnings[-1] == "보여 주는 기간: 2022-10-15 ~ 2022-11-30 (KST)."


def test_from_and_to_alone_mean_a_custom_window() -> None:
    state, warnings = _parse_in_span({"from": "2022-10-17", "to": "2022-10-18"})
    assert state.window == "custom" and warnings == []
    assert to_params(state) == {"window": "custom", "from": "2022-10-17", "to": "2022-10-18"}


def test_from_and_to_with_another_window_are_reported_ignored() -> None:
    state, warnings = _parse_in_span({"window": "7d", "from": "2022-10-17", "to": "2022-10-18"})
    assert state.window == "7d" and state.date_from is None and state.date_to is None
    assert warnings == ["from/to는 window=custom일 때만 씁니다. window=7d이어서 무시했습니다."]


def test_a_bad_window_with_dates_falls_back_to_custom_and_says_so() -> None:
    state, warnings = _parse_in_span({"window": "forever", "from": "2022-10-17"})
    assert state.window == "custom" and state.date_from == date(2022, 10, 17)
    assert warnings == ["window='forever'은(는) 올바르지 않아 custom을(를) 씁니다."]
    _, plain = _parse_in_span({"bucket": "minute"})
    assert plain == ["bucket='minute'은(는) 올바르지 않아 day을(를) 씁니다."]


def test_repeated_single_value_params_say_which_value_was_read() -> None:
    state, warnings = _parse_in_span({"bucket": ["hour", "day"], "window": ["7d", "7d"]})
    assert state.bucket == "hour" and state.window == "7d"
    assert warnings == ["bucket 값이 여러 개라 첫 값 'hour'만 읽었습니다."]


def test_values_past_the_limit_are_reported_when_they_add_something() -> None:
    state, warnings = _parse({"company": ["kakao"] * 60 + ["naver"]})
    assert state.companies == ("kakao",)
    assert warnings == ["company 값이 50개를 넘어 앞의 50개만 읽었습니다."]


@pytest.mark.parametrize(
    "params",
    [
        {"window": "custom", "from": "9999-12-31", "to": "9999-12-31"},
        {"window": "custom", "from": "0001-01-01", "to": "0001-01-01"},
        {"from": ["<script>alert(1)</script>", "2022-10-17"], "to": "9" * 100_000},
        {"window": ["custom"] * 1000, "from": "2022-02-30", "to": "２０２２-１０-１７"},
        {"from": "2022-10-17T00:00", "to": " 2022-10-18", "bucket": ["day", "<b>"]},
    ],
)
def test_hostile_dates_never_raise_and_stay_in_the_data(params: dict) -> None:
    state, warnings = _parse_in_span(params)
    for day in (state.date_from, state.date_to):
        assert day is None or SPAN_DAYS[0] <= day <= SPAN_DAYS[1]
    assert all(len(w) < 200 for w in warnings)
    resolve(state, SPAN)  # real times, no overflow


def test_resolve_treats_the_calendar_edges_as_open_ends() -> None:
    # Without a span nothing fits the dates; the edges must still not overflow.
    state, _ = _parse({"window": "custom", "from": "0001-01-01", "to": "9999-12-31"})
    flt = resolve(state, None)
    assert flt.start is None and flt.end is None


def test_presets_count_back_from_the_newest_document() -> None:
    flt = resolve(FilterState(window="24h"), SPAN)
    assert flt.end is not None and flt.start is not None
    assert flt.end > SPAN[1]
    assert (flt.end - flt.start).total_seconds() == 24 * 3600
    assert resolve(FilterState(), SPAN).start is None


def test_custom_dates_are_whole_kst_days() -> None:
    state = FilterState(window="custom", date_from=date(2022, 10, 19), date_to=date(2022, 10, 19))
    flt = resolve(state, SPAN)
    assert flt.start == datetime(2022, 10, 18, 15, 0, tzinfo=UTC)  # 10-19 00:00 KST
    assert flt.end == datetime(2022, 10, 19, 15, 0, tzinfo=UTC)


SCORE_JSON = json.dumps(
    {
        "compound": -0.6,
        "rules": ["contrast"],
        "hits": [
            {"text": "실망", "key": "실망/NNG", "source": "curated", "base": -2.0,
             "modifiers": ["booster: -2.000 -> -2.600"], "weight": -2.6},
            {"text": "좋", "key": "좋다/VA", "source": "curated", "base": 1.5,
             "modifiers": [], "weight": 1.5},
        ],
    },
    ensure_ascii=False,
)  # fmt: skip


def test_explain_reads_the_scorer_json() -> None:
    frame = explain.hits_frame(SCORE_JSON)
    assert list(frame["키"]) == ["실망/NNG", "좋다/VA"]
    assert frame.iloc[0]["최종 가중치"] == pytest.approx(-2.6)
    assert "booster" in frame.iloc[0]["적용 규칙"]
    assert explain.summary(SCORE_JSON) == "실망 -2.60 · 좋 +1.50"
    assert explain.parse(SCORE_JSON)[1] == ["contrast"]


RANKED_JSON = json.dumps(
    {
        "hits": [
            {"text": "는", "key": "는/JX", "source": "induced:nsmc", "weight": -0.27},
            {"text": "좋", "key": "좋다/VA", "source": "curated", "weight": 1.5},
            {"text": "어요", "key": "어요/EF", "source": "induced:nsmc", "weight": 0.72},
            {"text": "실망", "key": "실망/NNG", "source": "curated", "weight": -2.6},
            {"text": "요", "key": "요/JX", "source": "induced:nsmc", "weight": 0.1},
            {"text": "네", "key": "네/EF", "source": "induced:nsmc", "weight": -0.1},
        ]
    },
    ensure_ascii=False,
)


def test_summary_names_the_heaviest_hits_first() -> None:
    # text order would name 는 first; the reader wants what moved the score
    assert explain.summary(RANKED_JSON) == "실망 -2.60 · 좋 +1.50 · 어요 +0.72 · 는 -0.27 (+2)"


def test_small_hits_fold_into_a_count_and_a_sum() -> None:
    frame = explain.hits_frame(RANKED_JSON)
    folded = explain.fold_small(frame)
    assert list(folded.shown["키"]) == ["좋다/VA", "어요/EF", "실망/NNG"]
    assert folded.folded == 3
    assert folded.folded_sum == pytest.approx(-0.27)
    everything = explain.fold_small(frame, 0.0)
    assert len(everything.shown) == 6 and everything.folded == 0


def test_hits_a_long_text_left_out_are_counted() -> None:
    # what sentiment.result.Score.to_json stores for a text with more hits than it keeps
    score = shared_scorer().score("카톡 먹통 진짜 최악이다. 보상은 언제 하냐? " * 200)
    raw = score.to_json()
    left, left_sum = explain.omitted(raw)
    assert left == len(score.hits) - STORED_HITS_LIMIT > 0
    assert left_sum == pytest.approx(json.loads(raw)["hits_omitted"]["weight"])
    assert explain.summary(raw).endswith(f"(+{STORED_HITS_LIMIT - explain.SUMMARY_HITS + left})")
    assert explain.omitted(SCORE_JSON) == (0, 0.0)


@pytest.mark.parametrize(
    "raw",
    [None, "", "{broken", "42", '{"hits": "no"}', "[1, 2]", '{"sentences": "x"}',
     '{"sentences": [1, {"rules": "x"}, {"rules": null}]}'],
)  # fmt: skip
def test_explain_tolerates_damaged_json(raw: str | None) -> None:
    assert explain.hits_frame(raw).empty
    assert explain.summary(raw) == ""
    assert explain.omitted(raw) == (0, 0.0)
    assert explain.sentence_rules(raw) == []


def test_sentence_rules_say_why_a_named_topic_did_not_count() -> None:
    text = "카카오는 데이터센터 투자를 늘리기로 했다. 주가는 언제 오르냐. 투자는 언제 하냐."
    stored = shared_scorer().score(text).to_json()
    assert explain.sentence_rules(stored) == [
        "topic words: 데이터/NNG 센터/NNG, 투자/NNG",
        "reported fact: weak words only",
        "topic words: 주가/NNG",
        "topic words: 투자/NNG",
    ]


def _series() -> pd.DataFrame:
    buckets = pd.date_range("2022-10-15", periods=3, freq="D", tz="Asia/Seoul")
    return pd.DataFrame(
        {"bucket": buckets, "docs": [10, 20, 30], "scored": [10, 20, 3],
         "mean_compound": [-0.5, 0.1, 0.9], "pos_share": [0.1, 0.5, 1.0],
         "neg_share": [0.7, 0.3, 0.0], "kind": ["comment"] * 3}
    )  # fmt: skip


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {"at": [pd.Timestamp("2022-10-19 11:00", tz="Asia/Seoul")], "company": ["kakao"],
         "title": ["사과 기자회견"]}
    )  # fmt: skip


def _layers(spec: dict) -> list[dict]:
    found = [spec]
    for layer in spec.get("layer", []):
        found += _layers(layer)
    return found


def test_trend_chart_has_title_tooltips_kst_and_events() -> None:
    spec = charts.trend_chart(_series(), _events(), {"kakao": "카카오"}).to_dict()
    assert spec["title"] == "감성 추이: 평균 점수와 긍정·부정 비율"
    layers = _layers(spec)
    assert any("tooltip" in layer.get("encoding", {}) for layer in layers)
    values = json.dumps(spec["datasets"], ensure_ascii=False)
    # Naive KST wall-clock times: 11:00 KST stays 11:00, not 02:00 UTC.
    assert "2022-10-19T11:00:00" in values
    assert "사과 기자회견" in values
    # The third bucket has 3 scored documents, under the minimum, so it is left out.
    assert "2022-10-17T00:00:00" not in values
    assert "시간 (KST)" in json.dumps(spec, ensure_ascii=False)


def test_volume_chart_labels_kinds_in_korean() -> None:
    spec = charts.volume_chart(_series()).to_dict()
    assert spec["title"] == "기사·댓글 수"
    assert "댓글" in json.dumps(spec["datasets"], ensure_ascii=False)
    assert spec["encoding"]["tooltip"]


def test_trend_chart_without_events_is_still_a_chart() -> None:
    empty = _events().iloc[0:0]
    spec = charts.trend_chart(_series(), empty, {}).to_dict()
    assert spec["title"]


def test_clicked_bucket_becomes_a_kst_window() -> None:
    day = bucket_window("2022-10-19", "day")
    assert day == (datetime(2022, 10, 18, 15, tzinfo=UTC), datetime(2022, 10, 19, 15, tzinfo=UTC))
    hour = bucket_window("2022-10-19 11:00", "hour")
    assert hour is not None and hour[0] == datetime(2022, 10, 19, 2, tzinfo=UTC)
    assert bucket_window("<script>", "day") is None
    assert bucket_window(1666137600000, "day") is None
    assert bucket_window("2022-10-19", "minute") is None


def test_narrow_intersects_with_the_sidebar_window() -> None:
    flt = resolve(FilterState(window="custom", date_from=date(2022, 10, 19),
                              date_to=date(2022, 10, 19), companies=("kakao",)), SPAN)  # fmt: skip
    window = bucket_window("2022-10-18", "day")
    assert window is not None
    narrowed = narrow(flt, window)
    assert narrowed.companies == ("kakao",)
    assert narrowed.start == flt.start and narrowed.end == window[1]  # empty: start >= end


def test_volume_chart_is_clickable_by_bucket_label() -> None:
    spec = charts.volume_chart(_series(), bucket="day").to_dict()
    assert spec["params"][0]["name"] == charts.PICK
    assert spec["params"][0]["select"]["fields"] == ["bucket_label"]
    assert "2022-10-15" in json.dumps(spec["datasets"])


def test_csv_export_defuses_formulas() -> None:
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"x\")", "+1", "보통 댓글", "@cmd"],
                          "compound": [-0.5, 0.1, 0.0, -0.2]})  # fmt: skip
    safe = doctable.csv_safe(frame)
    assert list(safe["text"]) == ['\'=HYPERLINK("x")', "'+1", "보통 댓글", "'@cmd"]
    assert list(safe["compound"]) == [-0.5, 0.1, 0.0, -0.2]


def _run(source: str, status: str, hour: int, error: str | None = None, **counters: int) -> dict:
    """A last_runs row started on 2022-10-15 at `hour` UTC."""
    started = datetime(2022, 10, 15, hour, tzinfo=UTC)
    return {"source": source, "status": status, "started_at": started, "finished_at": started,
            "counters": counters, "error": error}  # fmt: skip


CONFIGURED = [
    {"name": "rss", "kind": "rss", "interval_seconds": 900, "enabled": True},
    {"name": "file", "kind": "file", "interval_seconds": 60, "enabled": False},
]


def test_health_table_lists_collectors_with_their_last_run() -> None:
    runs = [_run("rss", "ok", 6, fetched=1200, **{"dropped/empty": 2, "dropped/old": 1})]
    rows = health.collectors(CONFIGURED, runs, {"rss": runs[0]["started_at"]})
    frame = health.collectors_frame(rows)
    assert list(frame["수집기"]) == ["file", "rss"]
    file, rss = frame.iloc[0], frame.iloc[1]
    assert rss["상태"] == "✓ 정상" and rss["설정"] == "rss · 15m · 켜짐"
    assert rss["가져옴"] == "1,200" and rss["버림"] == "3" and rss["중복"] == "—"
    assert rss["시작 (KST)"] == "2022-10-15 15:00 KST" and rss["걸린 시간"] == "0초"
    assert rss["마지막 정상 실행 (KST)"] == "2022-10-15 15:00 KST"
    assert file["걸린 시간"] == "—"
    assert file["상태"] == "기록 없음" and file["설정"] == "file · 1m · 꺼짐"
    assert rss["저장한 문서 출처"] == file["저장한 문서 출처"] == "—"  # nothing linked to a run


def test_health_table_names_the_document_sources_each_collector_stored_into() -> None:
    runs = [
        _run("rss", "ok", 6),
        _run("import:a.csv", "ok", 1),
        _run("import:b.csv", "ok", 2),
    ]
    stored = {"rss": ["outlet-a", "outlet-b"], "import:a.csv": ["export"],
              "import:b.csv": ["export", "survey"]}  # fmt: skip
    frame = health.collectors_frame(health.collectors(CONFIGURED, runs, {}, stored))
    column = dict(zip(frame["수집기"], frame["저장한 문서 출처"], strict=True))
    assert column["rss"] == "outlet-a, outlet-b"
    assert column[health.GROUPS[health.IMPORT_PREFIX][0]] == "export, survey"  # every file
    assert column["file"] == "—"


def test_run_tables_share_one_column_order_and_link_every_run() -> None:
    failed = {**_run("feed", "failed", 7, "HTTP 500"), "id": 9, "stored": 0}
    imported = {**_run("import:a.csv", "ok", 6, new=3), "id": 8, "stored": 3}
    runs = health.runs_frame([failed, imported])
    assert list(runs["실행"]) == ["#9 feed", "#8 import:a.csv"]
    assert list(runs["저장한 문서"]) == ["0", "3"]
    assert list(runs[health.RUN_LINK_COLUMN]) == ["documents?run=9", "documents?run=8"]
    tail = ["버림", "저장한 문서", health.RUN_LINK_COLUMN, "오류"]
    assert list(runs.columns[-4:]) == tail and runs.iloc[0]["오류"] == "HTTP 500"
    files = health.imports_frame([imported])
    assert list(files.columns[-3:]) == ["버림", health.RUN_LINK_COLUMN, "오류"]
    assert files.iloc[0]["파일"] == "a.csv"


def test_imports_are_one_group_not_a_source_each() -> None:
    runs = [
        _run("import:missing.csv", "failed", 1, "cannot read: No such file or directory"),
        _run("import:my.csv", "ok", 2, fetched=4, new=4),
        _run("demo:articles.jsonl", "ok", 0, fetched=246, new=246),
        _run("rss", "failed", 3, "HTTP 503"),
        _run("old-feed", "ok", 0),  # a source since removed from the settings
    ]
    last_ok = {r["source"]: r["started_at"] for r in runs if r["status"] == "ok"}
    rows = health.collectors(CONFIGURED, runs, last_ok)
    names = [r.name for r in rows]
    assert names == ["file", "old-feed", "rss", health.GROUPS[health.IMPORT_PREFIX][0],
                     health.GROUPS[health.DEMO_LOAD_PREFIX][0]]  # fmt: skip
    imports = rows[3]
    assert imports.file == "my.csv" and not imports.failed  # the latest import went well
    assert rows[1].kind == health.NOT_CONFIGURED
    # The header counts rows of this one table: never more failures than collectors.
    assert [r.name for r in rows if r.failed] == ["rss"]
    recent = health.imports_frame(health.recent_imports(runs))
    assert list(recent["파일"]) == ["my.csv", "missing.csv"]
    assert recent.iloc[1]["상태"] == "✗ 실패" and "No such file" in recent.iloc[1]["오류"]


def test_recent_imports_keep_only_the_latest_few() -> None:
    runs = [_run(f"import:f{n:02}.csv", "ok", n) for n in range(health.RECENT_IMPORTS + 5)]
    recent = health.recent_imports(runs)
    assert len(recent) == health.RECENT_IMPORTS
    assert recent[0]["source"] == f"import:f{health.RECENT_IMPORTS + 4:02}.csv"


def test_a_failed_import_after_a_good_one_fails_the_group() -> None:
    runs = [_run("import:a.csv", "ok", 1), _run("import:b.csv", "failed", 2, "bad rows")]
    (group,) = health.collectors([], runs, {"import:a.csv": runs[0]["started_at"]})
    frame = health.collectors_frame([group])
    assert group.failed and group.file == "b.csv"
    assert frame.iloc[0]["마지막 정상 실행 (KST)"] == "2022-10-15 10:00 KST"


def test_document_sources_table_formats_counts_and_kst_times() -> None:
    activity = pd.DataFrame(
        {"source": ["[x](https://evil.test)"], "docs": [1234], "articles": [34],
         "comments": [1200],
         "first_published": [pd.Timestamp("2022-10-15 06:33", tz="UTC")],
         "last_published": [pd.Timestamp("2022-10-20 09:40", tz="UTC")],
         "last_collected": [pd.Timestamp("2022-12-01 00:00", tz="UTC")]}
    )  # fmt: skip
    row = health.sources_frame(activity).iloc[0]
    assert row["문서 출처"] == "[x](https://evil.test)"  # a dataframe cell: shown as plain text
    assert row["문서 (건)"] == "1,234" and row["기사"] == "34" and row["댓글"] == "1,200"
    assert row["처음 발행 (KST)"] == "2022-10-15 15:33 KST"
    assert row["마지막 수집 (KST)"] == "2022-12-01 09:00 KST"


def test_collection_chart_is_on_collection_time_with_its_own_domain() -> None:
    frame = pd.DataFrame(
        {"bucket": pd.DatetimeIndex(["2022-12-01", "2022-12-03"], tz="Asia/Seoul"),
         "source": ["my-export", "demo-video"], "docs": [3, 36]}
    )  # fmt: skip
    spec = charts.collection_chart(frame, bucket="day").to_dict()
    assert spec["title"] == "출처별 수집량 (수집 시각 기준)"
    assert spec["encoding"]["x"]["title"] == "수집 시각 (KST)"
    # One empty day either side: 11-30 .. 12-05 00:00.
    assert [d["date"] for d in spec["encoding"]["x"]["scale"]["domain"]] == [30, 5]
    assert "2022-12-03T00:00:00" in json.dumps(spec["datasets"])


def _gappy_series() -> pd.DataFrame:
    """Three well-scored days with 10-17 missing (nothing collected that day)."""
    buckets = pd.DatetimeIndex(["2022-10-15", "2022-10-16", "2022-10-18"], tz="Asia/Seoul")
    return pd.DataFrame(
        {"bucket": buckets, "docs": [10, 20, 30], "scored": [10, 20, 30],
         "mean_compound": [-0.5, 0.1, 0.3], "pos_share": [0.1, 0.5, 0.6],
         "neg_share": [0.7, 0.3, 0.2]}
    )  # fmt: skip


def _line_rows(spec: dict, day: str) -> list[dict]:
    rows = [row for values in spec["datasets"].values() for row in values]
    return [row for row in rows if str(row.get("bucket", "")).startswith(day)]


def test_trend_lines_break_over_a_missing_day() -> None:
    spec = charts.trend_chart(_gappy_series(), _events().iloc[0:0], {}).to_dict()
    gap = _line_rows(spec, "2022-10-17")
    # One null row per series on the missing day, so the line stops there instead of joining
    # 10-16 to 10-18.
    assert len(gap) == len(charts.SERIES_LABELS)
    assert all(row["value"] is None for row in gap)
    lines = [layer for layer in _layers(spec) if "line" in json.dumps(layer.get("mark", ""))]
    assert lines and all(layer["mark"]["invalid"] == charts.BREAK_AT_GAPS for layer in lines)


def test_hourly_gaps_break_too_and_thin_buckets_count_as_gaps() -> None:
    frame = _gappy_series().assign(
        bucket=pd.DatetimeIndex(["2022-10-18 09:00", "2022-10-18 10:00", "2022-10-18 12:00"],
                                tz="Asia/Seoul"),
        scored=[10, 2, 30],
    )  # fmt: skip
    filled = timeaxis.fill_gaps(frame[frame["scored"] >= charts.MIN_SCORED_PER_BUCKET], "hour")
    assert [str(b)[11:16] for b in filled["bucket"]] == ["09:00", "10:00", "11:00", "12:00"]
    assert filled["mean_compound"].isna().tolist() == [False, True, True, False]


def test_count_lines_drop_to_zero_on_a_missing_day() -> None:
    frame = _gappy_series().assign(company="kakao")
    spec = charts.grouped_trend_chart(frame, group="company", labels={}, legend="회사",
                                      value="docs", title="언급량").to_dict()  # fmt: skip
    gap = _line_rows(spec, "2022-10-17")
    assert len(gap) == 1 and gap[0]["docs"] == 0 and gap[0]["company"] == "kakao"


def _aspects() -> pd.DataFrame:
    buckets = pd.DatetimeIndex(["2022-11-10", "2022-11-14", "2022-11-23"], tz="Asia/Seoul")
    return pd.DataFrame(
        {"bucket": buckets, "aspect": ["apology"] * 3, "n": [9, 9, 9],
         "mean_compound": [-0.4, -0.2, 0.1], "neg_share": [0.6, 0.4, 0.2]}
    )  # fmt: skip


def test_heatmap_is_on_a_time_axis_so_missing_days_show() -> None:
    domain = timeaxis.time_domain(datetime(2022, 11, 9, 15, tzinfo=UTC),
                                datetime(2022, 11, 24, 15, tzinfo=UTC), "day")  # fmt: skip
    spec = charts.aspect_heatmap(_aspects(), {"apology": "사과"}, domain=domain).to_dict()
    x = spec["encoding"]["x"]
    assert x["type"] == "temporal" and "timeUnit" not in x
    assert spec["encoding"]["x2"]["field"] == "bucket_end"  # each cell spans its whole day
    assert [d["date"] for d in x["scale"]["domain"]] == [10, 25]  # 11-10 .. 11-25 00:00 KST
    rows = next(iter(spec["datasets"].values()))
    assert rows[0]["bucket"].startswith("2022-11-10T00:00") and rows[0]["bucket_end"].startswith(
        "2022-11-11T00:00"
    )


def test_trend_and_volume_share_the_window_domain() -> None:
    # A custom window of 10-15 .. 10-19 KST; the data stop on 10-17.
    domain = timeaxis.time_domain(datetime(2022, 10, 14, 15, tzinfo=UTC),
                                datetime(2022, 10, 19, 15, tzinfo=UTC), "day")  # fmt: skip
    assert domain == (pd.Timestamp("2022-10-15"), pd.Timestamp("2022-10-20"))
    trend = charts.trend_chart(_series(), _events(), {}, domain=domain).to_dict()
    volume = charts.volume_chart(_series(), domain=domain).to_dict()
    trend_x = [layer["encoding"]["x"]["scale"] for layer in _layers(trend)
               if "x" in layer.get("encoding", {})]  # fmt: skip
    assert trend_x and all(scale == volume["encoding"]["x"]["scale"] for scale in trend_x)


def test_hour_domains_round_out_to_whole_hours() -> None:
    start = datetime(2022, 10, 18, 1, 20, tzinfo=UTC)  # 10:20 KST
    end = datetime(2022, 10, 18, 3, 0, 1, tzinfo=UTC)  # 12:00:01 KST
    assert timeaxis.time_domain(start, end, "hour") == (
        pd.Timestamp("2022-10-18 10:00"),
        pd.Timestamp("2022-10-18 13:00"),
    )


def test_events_close_in_time_are_stacked_not_overlapping() -> None:
    times = pd.Series(pd.to_datetime(
        ["2022-10-15 15:30", "2022-10-15 15:33", "2022-10-15 15:33", "2022-10-16 01:31",
         "2022-10-20 23:00", "2022-10-24 10:00", "2022-10-24 10:00", "2022-10-24 10:00"]
    ).tz_localize("Asia/Seoul"))  # fmt: skip
    domain = (pd.Timestamp("2022-10-15"), pd.Timestamp("2022-12-01"))
    lanes = markers.event_lanes(times, domain)
    assert lanes[:4] == [0, 1, 2, 3]  # four events within ten hours: four rows
    assert lanes[4] == 0  # days later, back on top
    assert lanes[5:] == [0, 1, 2]  # the three hearings of the same morning
    # More simultaneous events than rows reuse the row whose badge is oldest.
    crowd = pd.Series([pd.Timestamp("2022-10-15 12:00", tz="Asia/Seoul")] * 6)
    assert markers.event_lanes(crowd, domain) == [0, 1, 2, 3, 0, 1]


def test_unscored_documents_say_so_in_the_table_and_the_csv() -> None:
    rows = pd.DataFrame(
        {"doc_id": ["a", "b"], "kind": ["comment", "comment"], "source": ["s", "s"],
         "published_at": pd.DatetimeIndex(["2022-10-18 10:00", "2022-10-18 11:00"],
                                          tz="Asia/Seoul"),
         "title": [None, None], "text": ["좋다", "싫다"], "compound": [0.42, None],
         "label": ["pos", None], "hits": [SCORE_JSON, None], "companies": ["kakao", ""]}
    )  # fmt: skip
    table = doctable.display_frame(rows, {"kakao": "카카오"})
    assert list(table["compound"]) == ["+0.42", doctable.NOT_SCORED]
    assert list(table["label"]) == ["pos", doctable.NOT_SCORED]
    assert "None" not in table.astype(str).to_csv()
    exported = doctable.csv_bytes(rows, {"kakao": "카카오"}).decode("utf-8-sig").splitlines()
    assert exported[1].split(",")[6] == "0.42"  # a number a spreadsheet can sum
    assert exported[2].split(",")[6:8] == ["", doctable.NOT_SCORED]


def test_the_table_says_when_the_limit_cuts() -> None:
    cut = doctable.count_caption(200, 933)
    assert "933건 중 최신 200건" in cut and "최신순" in cut and "CSV에는 933건" in cut
    assert doctable.count_caption(12, 12) == "12건 (최신순)."


def test_scored_note_names_the_command() -> None:
    totals = {"docs": 10, "scored": 8, "scored_elsewhere": 0}
    note = ui.scored_note(totals, "lx-1")
    assert note is not None and "10건 중 8건 채점" in note and "`minsim score`" in note
    changed = ui.scored_note({**totals, "scored_elsewhere": 2}, "lx-1")
    assert changed is not None and "`minsim score --rescore`" in changed
    assert ui.scored_note({"docs": 10, "scored": 10, "scored_elsewhere": 0}, "lx-1") is None


def test_a_stale_newest_document_is_pointed_out() -> None:
    newest = datetime(2022, 11, 30, 14, 47, tzinfo=UTC)
    span = (SPAN[0], newest)
    now = newest + pd.Timedelta(days=3, hours=2)
    note = ui.stale_note(FilterState(window="24h"), span, now)
    assert note is not None and "2022-11-30 23:47 KST" in note and "3일 전" in note
    soon = ui.stale_note(FilterState(window="7d"), span, newest + pd.Timedelta(hours=7))
    assert soon is not None and "7시간 전" in soon
    assert ui.stale_note(FilterState(window="24h"), span, newest + pd.Timedelta(hours=1)) is None
    assert ui.stale_note(FilterState(window="all"), span, now) is None  # not counted back


def test_a_run_says_how_long_it_took_instead_of_when_it_ended() -> None:
    start = datetime(2022, 10, 15, 6, tzinfo=UTC)
    assert health.took(start, start + timedelta(seconds=4.4)) == "4초"
    assert health.took(start, start + timedelta(minutes=2, seconds=5)) == "2분 5초"
    assert health.took(start, start + timedelta(hours=1, minutes=3, seconds=9)) == "1시간 3분"
    assert health.took(start, start + timedelta(hours=2)) == "2시간"
    assert health.took(start, start + timedelta(days=3, hours=5, minutes=1)) == "3일 5시간"
    assert health.took(start, None) == "…"  # still running
    assert health.took(start, pd.NaT) == "…"
    assert health.took(start, start - timedelta(seconds=3)) == "0초"  # a clock set back
    running = {**_run("rss", "running", 6), "finished_at": None}
    [row] = health.runs_frame([{**running, "id": 7, "stored": 0}]).to_dict("records")
    assert row["걸린 시간"] == "…" and "종료 (KST)" not in row
    # A run closed at the next start after its process was killed: how long it ran is unknown.
    killed = {**running, "status": "failed", "finished_at": start + timedelta(hours=18),
              "error": store.INTERRUPTED_RUN}  # fmt: skip
    rows = health.collectors_frame(health.collectors(CONFIGURED, [killed], {}))
    row = rows[rows["수집기"] == "rss"].iloc[0]
    assert row["수집기"] == "rss" and row["걸린 시간"] == "—"


def test_a_collector_is_overdue_when_no_run_started_for_three_intervals() -> None:
    started = datetime(2022, 10, 15, 6, tzinfo=UTC)
    by = overdue.expected_by(started, 900)  # every 15m: three intervals and the slack
    assert by == started + timedelta(minutes=50)
    assert not overdue.is_overdue(started, 900, True, by)
    assert overdue.is_overdue(started, 900, True, by + timedelta(seconds=1))
    assert not overdue.is_overdue(started, 900, False, by + timedelta(days=9))  # disabled
    assert not overdue.is_overdue(None, 900, True, by + timedelta(days=9))  # never ran
    assert overdue.ago(started, started + timedelta(days=2, hours=4, minutes=9)) == "2d 4h"
    assert overdue.ago(started, started + timedelta(minutes=45, seconds=59)) == "45m"
    assert overdue.ago(started, started - timedelta(minutes=5)) == "0m"  # a clock set back
    # the collectors table: rss ran at 15:00 KST and is overdue by 16:00; file is disabled
    runs = [_run("rss", "ok", 6), _run("file", "ok", 6)]
    late = datetime(2022, 10, 15, 7, tzinfo=UTC)
    rows = {r.name: r for r in health.collectors(CONFIGURED, runs, {}, now=late)}
    assert rows["rss"].overdue and not rows["file"].overdue
    assert health.overdue_line(rows["rss"], late) == (
        "rss: 마지막 실행 시작 2022-10-15 15:00 KST (1시간 전, 15m마다)"
    )
    on_time = health.collectors(CONFIGURED, runs, {}, now=started + timedelta(minutes=30))
    assert not any(r.overdue for r in on_time)
    # a run still marked running holds back the next ones: said so
    running = [{**_run("rss", "running", 6), "finished_at": None}]
    [row] = [r for r in health.collectors(CONFIGURED, running, {}, now=late) if r.name == "rss"]
    assert row.overdue and health.overdue_line(row, late).endswith(
        "(1시간 전, 15m마다), 아직 실행 중으로 기록됨(긴 실행이거나, 닫지 못하고 멈춘 프로세스)"
    )
