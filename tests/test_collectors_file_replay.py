"""The file kind (dropped CSV/JSONL files imported once) and the replay kind (demo over time)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from collectors import file as file_kind
from collectors import replay
from collectors.base import CollectContext
from collectors.http import HttpClient
from collectors.registry import KINDS
from minsim.errors import CollectError
from minsim.settings import SourceSettings

ARTICLE = {
    "kind": "article",
    "source": "dropbox",
    "url": "https://demo.minsim.invalid/a/1",
    "title": "카카오 서비스 복구율 90% 넘어",
    "text": "카카오는 주요 서비스 복구가 대부분 끝났다고 밝혔다.",
    "published_at": "2022-10-16T20:00:00+09:00",
}
COMMENT = {
    "kind": "comment",
    "source": "dropbox",
    "external_id": "c-1",
    "text": "이제야 좀 되네요 휴",
    "author": "지나가던사람",
    "published_at": "2022-10-16T20:30:00+09:00",
    "article_url": "https://demo.minsim.invalid/a/1",
    "likes": 3,
    "dislikes": 0,
}
CSV = (
    "kind,source,external_id,text,published_at,article_url,likes\n"
    "comment,dropbox,c-2,보상은 언제 하나요,2022-10-17T09:00:00+09:00,https://demo.minsim.invalid/a/1,7\n"
    "comment,dropbox,c-3,날짜가 없는 줄,,https://demo.minsim.invalid/a/1,1\n"
)


def source(kind: str, **options: object) -> SourceSettings:
    spec = KINDS[kind].options
    values = {key: options.get(key, option.default) for key, option in spec.items()}
    return SourceSettings(f"test-{kind}", kind, 60, True, values)


def jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


@pytest.fixture
def client():
    with HttpClient() as c:
        yield c


def test_file_imports_each_file_once_and_again_when_it_changes(tmp_path, client):
    jsonl(tmp_path / "a.jsonl", [ARTICLE, COMMENT])
    (tmp_path / "b.csv").write_text(CSV, "utf-8")
    (tmp_path / "notes.txt").write_text("ignored", "utf-8")
    first = CollectContext("drop")
    items = list(file_kind.collect(source("file", folder=str(tmp_path)), client, first))
    assert [i.external_id for i in items] == ["https://demo.minsim.invalid/a/1", "c-1", "c-2"]
    assert first.counters.get("dropped/bad_row") == 1
    assert first.counters.get("files/imported") == 2
    second = CollectContext("drop", cursor=first.new_cursor)
    assert list(file_kind.collect(source("file", folder=str(tmp_path)), client, second)) == []
    jsonl(tmp_path / "a.jsonl", [ARTICLE, COMMENT, {**COMMENT, "external_id": "c-9"}])
    os.utime(tmp_path / "a.jsonl", ns=(1, 1))  # a different mtime even on coarse clocks
    third = CollectContext("drop", cursor=first.new_cursor)
    again = list(file_kind.collect(source("file", folder=str(tmp_path)), client, third))
    assert [i.external_id for i in again][-1] == "c-9"


def test_an_unreadable_file_fails_the_run_but_the_others_are_read(tmp_path, client):
    (tmp_path / "a_broken.jsonl").write_bytes(b"\xff\xfe\xff not text")
    jsonl(tmp_path / "b.jsonl", [ARTICLE])
    ctx = CollectContext("drop")
    items = []
    with pytest.raises(CollectError, match="1 file\\(s\\) failed.*a_broken.jsonl"):
        for item in file_kind.collect(source("file", folder=str(tmp_path)), client, ctx):
            items.append(item)
    assert len(items) == 1
    assert "b.jsonl" in json.loads(ctx.new_cursor)["imported"]
    assert "a_broken.jsonl" not in json.loads(ctx.new_cursor)["imported"]


def test_a_file_without_one_good_row_fails_every_run_until_it_is_fixed(tmp_path, client):
    (tmp_path / "bad.csv").write_text("kind,text,published_at\ncomment,,\n", "utf-8")
    jsonl(tmp_path / "good.jsonl", [ARTICLE])
    cursor = None
    for _ in range(2):  # the second run must not turn the broken file into a quiet "no items"
        ctx = CollectContext("drop", cursor=cursor)
        with pytest.raises(
            CollectError, match="no readable row in bad.csv; first problem: .*empty"
        ):
            list(file_kind.collect(source("file", folder=str(tmp_path)), client, ctx))
        assert ctx.counters.get("files/failed") == 1
        cursor = ctx.new_cursor or cursor
    assert ctx.counters.get("files/imported") == 0  # good.jsonl was imported once, by run one
    (tmp_path / "bad.csv").write_text(CSV, "utf-8")  # fixed: read again, no failure
    fixed = CollectContext("drop", cursor=cursor)
    items = list(file_kind.collect(source("file", folder=str(tmp_path)), client, fixed))
    assert [i.external_id for i in items] == ["c-2"]
    assert fixed.counters.get("files/imported") == 1
    again = CollectContext("drop", cursor=fixed.new_cursor)
    assert list(file_kind.collect(source("file", folder=str(tmp_path)), client, again)) == []


def test_an_unreadable_file_fails_every_run_while_it_is_there(tmp_path, client):
    (tmp_path / "broken.jsonl").write_bytes(b"\xff\xfe\xff not text")
    jsonl(tmp_path / "good.jsonl", [ARTICLE])
    cursor = None
    for _ in range(2):
        ctx = CollectContext("drop", cursor=cursor)
        with pytest.raises(CollectError, match="broken.jsonl"):
            list(file_kind.collect(source("file", folder=str(tmp_path)), client, ctx))
        cursor = ctx.new_cursor or cursor
    (tmp_path / "broken.jsonl").unlink()  # removed: the failures end
    gone = CollectContext("drop", cursor=cursor)
    assert list(file_kind.collect(source("file", folder=str(tmp_path)), client, gone)) == []


def test_missing_folder_is_named(tmp_path, client):
    with pytest.raises(CollectError, match="does not exist"):
        list(
            file_kind.collect(
                source("file", folder=str(tmp_path / "nope")), client, CollectContext("d")
            )
        )


def demo_corpus(folder: Path) -> None:
    articles = [
        {
            **ARTICLE,
            "source": "demo-portal",
            "url": f"https://demo.minsim.invalid/a/{h}",
            "published_at": f"2022-10-15T{15 + h:02d}:40:00+09:00",
        }
        for h in (0, 5)
    ]
    comments = [
        {
            **COMMENT,
            "source": "demo-portal",
            "external_id": f"c{h}",
            "article_url": f"https://demo.minsim.invalid/a/{0 if h < 5 else 5}",
            "published_at": f"2022-10-15T{15 + h:02d}:45:00+09:00",
        }
        for h in range(8)
    ]
    jsonl(folder / "comments.jsonl", comments)  # read first by name, still released after articles
    jsonl(folder / "articles.jsonl", articles)


def test_replay_releases_the_corpus_in_simulated_hours(tmp_path, client):
    demo_corpus(tmp_path)
    src = source("replay", demo_dir=str(tmp_path), hours_per_run=4)
    cursor, released = None, []
    for _ in range(4):
        ctx = CollectContext("demo", cursor=cursor)
        released.append([i.external_id for i in replay.collect(src, client, ctx)])
        cursor = ctx.new_cursor or cursor
    assert released[0] == ["https://demo.minsim.invalid/a/0", "c0", "c1", "c2", "c3"]
    assert released[1] == ["https://demo.minsim.invalid/a/5", "c4", "c5", "c6", "c7"]
    assert released[2] == released[3] == []
    assert ctx.counters.get("replay/finished") == 1
    assert json.loads(cursor)["clock"] == "2022-10-15T14:40:00+00:00"


def test_replay_uses_the_scenario_demo_folder_and_a_start_option(tmp_path, client):
    demo_corpus(tmp_path)
    src = source("replay", start="2022-10-15T21:00:00+09:00", hours_per_run=1.5)
    ctx = CollectContext("demo", demo_dir=tmp_path)
    assert [i.external_id for i in replay.collect(src, client, ctx)] == ["c6"]
