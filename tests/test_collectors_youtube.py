"""The youtube kind: recorded commentThreads/videos pages, replies, paging, API key handling."""

from __future__ import annotations

import json

import pytest
from collector_support import payload, source_of
from httpserver import LocalServer, Reply

from collectors.base import CollectContext
from collectors.http import HttpStatusError
from collectors.youtube import collect, parse_replies, parse_threads, parse_videos
from minsim.errors import CollectError, SchemaChanged
from minsim.settings import SourceSettings

KEY = "AIzaTestKey-000111222"
ENV = {"YOUTUBE_API_KEY": KEY}
JSON = {"Content-Type": "application/json; charset=UTF-8"}
WATCH = "https://www.youtube.com/watch?v=kAk0Ap0l0gy"


def fixture(name: str) -> bytes:
    return payload("youtube", name)


def yt_source(endpoint: str, **options: object) -> SourceSettings:
    values = dict(options)
    values["endpoint"] = endpoint
    return source_of("youtube", "yt", enabled=True, **values)


def threads(request):
    name = "threads_page2.json" if request.arg("pageToken") else "threads_page1.json"
    return Reply(200, fixture(name), JSON)


@pytest.fixture
def server():
    with LocalServer() as s:
        s.route("/yt/commentThreads", threads)
        s.route("/yt/videos", Reply(200, fixture("videos.json"), JSON))
        yield s


def test_parse_threads_includes_replies_linked_to_the_video():
    page = parse_threads(fixture("threads_page1.json"), source="yt", where="t")
    assert [c.external_id for c in page.comments] == ["UgzA1", "UgzA1.r1", "UgzA2"]
    top, reply, _ = page.comments
    assert top.article_url == WATCH and top.likes == 523 and top.dislikes is None
    assert top.author == "UCa1"  # the channel id, hashed by normalize
    assert reply.extra["reply_to"] == "UgzA1"
    assert page.next_token == "QURTSl9pM2tUOKEN2"
    assert page.video_ids == ["kAk0Ap0l0gy"]


def test_parse_videos_gives_the_article():
    [video] = parse_videos(fixture("videos.json"), source="yt", where="t")
    assert video.kind == "article" and video.url == WATCH
    assert "카카오 대표 기자회견" in video.title


def test_collect_pages_then_yields_the_video_before_its_comments(server, client):
    ctx = CollectContext("yt", env=ENV)
    source = yt_source(server.url("/yt"), video_ids=["kAk0Ap0l0gy"])
    items = list(collect(source, client, ctx))
    assert [i.kind for i in items] == ["article", "comment", "comment", "comment", "comment"]
    requests = [r for r in server.requests if r.path == "/yt/commentThreads"]
    assert [r.arg("pageToken") for r in requests] == ["", "QURTSl9pM2tUOKEN2"]
    assert requests[0].arg("part") == "snippet,replies"
    assert requests[0].arg("videoId") == "kAk0Ap0l0gy"
    assert requests[0].arg("key") == KEY


def test_channel_mode_asks_for_all_threads_of_the_channel(server, client):
    ctx = CollectContext("yt", env=ENV)
    items = list(collect(yt_source(server.url("/yt"), channel_id="UCtest"), client, ctx))
    assert len(items) == 5
    assert server.requests[0].arg("allThreadsRelatedToChannelId") == "UCtest"


def test_repeated_page_token_stops_without_duplicates(server, client):
    page1 = json.loads(fixture("threads_page1.json"))
    server.route("/yt/commentThreads", Reply(200, json.dumps(page1), JSON))  # same token forever
    ctx = CollectContext("yt", env=ENV)
    items = list(collect(yt_source(server.url("/yt"), video_ids=["kAk0Ap0l0gy"]), client, ctx))
    assert len([i for i in items if i.kind == "comment"]) == 3
    assert ctx.counters.get("pages/repeated") == 1


def test_no_target_is_a_clear_error(server, client):
    with pytest.raises(CollectError, match="video_ids or channel_id"):
        list(collect(yt_source(server.url("/yt")), client, CollectContext("yt", env=ENV)))


def test_quota_error_names_the_reason_but_not_the_key(server, client):
    error = {
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your quota.",
            "errors": [{"reason": "quotaExceeded"}],
        }
    }
    server.route("/yt/commentThreads", Reply(403, json.dumps(error), JSON))
    with pytest.raises(HttpStatusError) as info:
        list(
            collect(
                yt_source(server.url("/yt"), video_ids=["x"]), client, CollectContext("yt", env=ENV)
            )
        )
    assert "exceeded your quota" in str(info.value)
    assert KEY not in str(info.value)


def test_renamed_top_level_comment_raises_schema_changed():
    body = fixture("threads_page1.json").replace(b'"topLevelComment"', b'"topComment"')
    with pytest.raises(SchemaChanged, match="topLevelComment missing"):
        parse_threads(body, source="yt", where="t")


def replies(request):
    name = "replies_page2.json" if request.arg("pageToken") else "replies_page1.json"
    return Reply(200, fixture(name), JSON)


@pytest.fixture
def long_thread(server):
    """A thread of 4 replies whose answer holds 1; comments.list serves all 4 on two pages."""
    server.route("/yt/commentThreads", Reply(200, fixture("threads_long.json"), JSON))
    server.route("/yt/comments", replies)
    return server


def test_parse_threads_notes_threads_whose_answer_left_replies_out():
    page = parse_threads(fixture("threads_long.json"), source="yt", where="t")
    assert page.partial_threads == [("UgzL1", "kAk0Ap0l0gy", 4)]  # 4 replies, 1 held
    complete = parse_threads(fixture("threads_page1.json"), source="yt", where="t")
    assert complete.partial_threads == []


def test_parse_replies_links_each_reply_to_its_thread_and_video():
    page = parse_replies(
        fixture("replies_page2.json"), source="yt", where="r", parent="UgzL1", video_id="vid"
    )
    assert [r.external_id for r in page.replies] == ["UgzL1.r3", "UgzL1.r4"]
    # these replies carry no videoId of their own: the thread's video is their article
    assert {r.article_url for r in page.replies} == {"https://www.youtube.com/watch?v=vid"}
    assert {r.extra["reply_to"] for r in page.replies} == {"UgzL1"}
    assert page.next_token is None


def test_replies_left_out_of_a_thread_are_fetched_once_each(long_thread, client):
    ctx = CollectContext("yt", env=ENV)
    items = list(collect(yt_source(long_thread.url("/yt"), video_ids=["x"]), client, ctx))
    comments = [i.external_id for i in items if i.kind == "comment"]
    assert comments == ["UgzL1", "UgzL1.r1", "UgzL1.r2", "UgzL1.r3", "UgzL1.r4"]
    calls = [r for r in long_thread.requests if r.path == "/yt/comments"]
    assert [r.arg("pageToken") for r in calls] == ["", "UkVQTFkyTOKEN"]
    first = calls[0]
    assert (first.arg("parentId"), first.arg("part"), first.arg("key")) == ("UgzL1", "snippet", KEY)
    assert first.arg("textFormat") == "plainText"
    assert ctx.counters.get("pages/replies") == 2
    # r1 came with the thread and again: expected, not a server repeating itself
    assert ctx.counters.get("skipped/repeated") == 0
    assert ctx.counters.get("replies/left_out") == 0


def test_reply_pages_are_capped_and_zero_keeps_only_the_included_replies(long_thread, client):
    capped = CollectContext("yt", env=ENV)
    source = yt_source(long_thread.url("/yt"), video_ids=["x"], max_reply_pages=1)
    items = list(collect(source, client, capped))
    assert len([i for i in items if i.kind == "comment"]) == 3  # the thread, r1, r2
    assert capped.counters.get("pages/replies_capped") == 1
    assert capped.counters.get("replies/left_out") == 2  # r3 and r4
    none = CollectContext("yt", env=ENV)
    source = yt_source(long_thread.url("/yt"), video_ids=["x"], max_reply_pages=0)
    items = list(collect(source, client, none))
    assert [i.external_id for i in items if i.kind == "comment"] == ["UgzL1", "UgzL1.r1"]
    assert none.counters.get("replies/left_out") == 3
    assert none.counters.get("pages/replies") == 0


def test_a_reply_page_of_another_shape_names_the_thread(long_thread, client):
    long_thread.route("/yt/comments", Reply(200, b'{"kind": "youtube#commentListResponse"}', JSON))
    source = yt_source(long_thread.url("/yt"), video_ids=["x"])
    with pytest.raises(SchemaChanged, match="replies of UgzL1 page 1: field.s. items missing"):
        list(collect(source, client, CollectContext("yt", env=ENV)))


def two_long_threads() -> bytes:
    page = json.loads(fixture("threads_long.json"))
    second = json.loads(json.dumps(page["items"][0]).replace("UgzL1", "UgzL2"))
    page["items"].append(second)
    return json.dumps(page, ensure_ascii=False).encode()


def test_reply_calls_of_a_run_stop_at_the_budget(long_thread, client):
    long_thread.route("/yt/commentThreads", Reply(200, two_long_threads(), JSON))
    ctx = CollectContext("yt", env=ENV)
    source = yt_source(long_thread.url("/yt"), video_ids=["x"], max_reply_calls=2)
    list(collect(source, client, ctx))
    calls = [r.arg("parentId") for r in long_thread.requests if r.path == "/yt/comments"]
    assert calls == ["UgzL1", "UgzL1"]  # the first thread took the budget
    assert ctx.counters.get("replies/left_out") == 3  # all the second thread left out


def test_a_thread_gone_since_is_skipped_but_quota_trouble_fails(long_thread, client):
    long_thread.route("/yt/comments", Reply(404, b'{"error": {"code": 404}}', JSON))
    ctx = CollectContext("yt", env=ENV)
    items = list(collect(yt_source(long_thread.url("/yt"), video_ids=["x"]), client, ctx))
    assert [i.external_id for i in items if i.kind == "comment"] == ["UgzL1", "UgzL1.r1"]
    assert ctx.counters.get("replies/gone") == 1
    assert ctx.counters.get("replies/left_out") == 0  # gone, not left out
    long_thread.route("/yt/comments", Reply(403, b'{"error": {"code": 403}}', JSON))
    with pytest.raises(HttpStatusError):
        list(collect(yt_source(long_thread.url("/yt"), video_ids=["x"]), client, ctx))


def test_a_repeating_reply_token_stops_the_thread(long_thread, client):
    long_thread.route("/yt/comments", Reply(200, fixture("replies_page1.json"), JSON))
    ctx = CollectContext("yt", env=ENV)
    items = list(collect(yt_source(long_thread.url("/yt"), video_ids=["x"]), client, ctx))
    assert [i.external_id for i in items if i.kind == "comment"] == [
        "UgzL1", "UgzL1.r1", "UgzL1.r2"
    ]  # fmt: skip
    assert ctx.counters.get("pages/repeated") == 1
    assert ctx.counters.get("pages/replies") == 2
    assert ctx.counters.get("replies/left_out") == 2
