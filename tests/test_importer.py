"""The import reader: good rows become items, bad rows are reported with their line number."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from minsim import importer, schema
from minsim.errors import ImportFileError
from minsim.importer import MAX_COUNT, RowError, read_rows
from minsim.models import RawItem
from tests.cli_support import run_minsim, write_sqlite_config

HEADER = "kind,source,external_id,url,title,text,author,published_at,article_url,likes,dislikes\n"
GOOD_ARTICLE = (
    "article,demo-portal,,https://demo.minsim.invalid/a/1,카카오 먹통,"
    '"판교 화재, 서비스 중단",,2022-10-15T16:00:00+09:00,,,\n'
)
GOOD_COMMENT = (
    "comment,demo-portal,c1,,,복구 언제 돼요ㅠㅠ,닉,2022-10-15T17:00:00+09:00,"
    "https://demo.minsim.invalid/a/1,12,3\n"
)


def _split(path: Path) -> tuple[list[RawItem], list[RowError]]:
    rows = list(read_rows(path))
    return [r for r in rows if isinstance(r, RawItem)], [r for r in rows if isinstance(r, RowError)]


def test_csv_good_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        HEADER
        + GOOD_ARTICLE
        + "comment,demo-portal,c2,,,텍스트,,어제,,,\n"  # line 3: bad date
        + GOOD_COMMENT
        + "comment,demo-portal,c3,,,좋아요,,2022-10-15T17:00:00+09:00,,many,\n"  # line 5
        + 'comment,demo-portal,c4,,,"여러 줄\n댓글",,2022-10-15T18:00:00+09:00,,,\n'
        + "article,demo-portal,,,,본문,,2022-10-15T18:00:00+09:00,,,\n",  # line 8: no url
        encoding="utf-8",
    )
    items, errors = _split(path)
    assert [i.external_id for i in items] == ["https://demo.minsim.invalid/a/1", "c1", "c4"]
    assert [(e.line, e.message.split(" ")[0]) for e in errors] == [
        (3, "published_at"),
        (5, "likes"),
        (8, "an"),
    ]
    assert items[1].likes == 12 and items[1].article_url == "https://demo.minsim.invalid/a/1"
    assert str(errors[0]).startswith(f"{path}:3: ")


def test_cp949_csv_from_a_korean_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes((HEADER + GOOD_COMMENT).encode("cp949"))
    items, errors = _split(path)
    assert not errors
    assert items[0].text == "복구 언제 돼요ㅠㅠ"


def test_jsonl_good_and_bad_lines(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = {
        "kind": "comment",
        "source": "demo-video",
        "external_id": "v1",
        "text": "사과는 했지만 진정성이 없다",
        "published_at": "2022-10-19T12:00:00+09:00",
    }
    path = tmp_path / "rows.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(good, ensure_ascii=False),
                "{broken json",
                json.dumps([1, 2]),
                json.dumps(good | {"external_id": "v3", "colour": "red"}),
                "",
                json.dumps(good | {"external_id": "v2", "kind": "review"}),
            ]
        ),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="minsim.importer"):
        items, errors = _split(path)
    assert [i.external_id for i in items] == ["v1", "v3"]  # an unknown field is ignored
    assert [e.line for e in errors] == [2, 3, 6]
    assert "not valid JSON" in errors[0].message
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}:4: ignored unknown field(s) colour"
    ]


def test_a_csv_without_the_needed_columns_fails_as_a_file_not_as_a_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("제목,내용\n가,나\n", encoding="utf-8")
    # not one row could be read: the file fails, it is not counted as one bad row
    with pytest.raises(ImportFileError, match=f"^{path}:1: header lacks column\\(s\\) kind, text"):
        list(read_rows(path))


def test_unknown_file_type(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(ImportFileError, match="unknown file type"):
        list(read_rows(path))


def test_unknown_csv_columns_are_ignored_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "ranked.csv"
    path.write_text(
        "rank,kind,source,external_id,text,published_at,category\n"
        "1,comment,demo-portal,c1,복구 언제 돼요,2022-10-15T17:00:00+09:00,IT\n"
        "2,comment,demo-portal,c2,보상은요,2022-10-15T18:00:00+09:00,IT\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="minsim.importer"):
        items, errors = _split(path)
    assert [i.external_id for i in items] == ["c1", "c2"]
    assert errors == []
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}:1: ignoring unknown column(s) rank, category"
    ]


def test_a_field_beyond_the_csv_module_default_is_read(tmp_path: Path) -> None:
    body = "판교 화재로 서비스가 멈췄다. " * 12_000  # 204,000 characters
    path = tmp_path / "big.csv"
    path.write_text(
        HEADER
        + f'article,demo-portal,,https://demo.minsim.invalid/a/9,긴 기사,"{body}",,'
        + "2022-10-15T16:00:00+09:00,,,\n"
        + GOOD_COMMENT,
        encoding="utf-8",
    )
    default_limit = csv.field_size_limit()
    items, errors = _split(path)
    assert errors == []
    assert len(body) > 131_072  # the csv module's default field limit
    assert [i.text for i in items] == [body, "복구 언제 돼요ㅠㅠ"]
    assert csv.field_size_limit() == default_limit  # the process-wide limit is left as it was


def test_a_field_beyond_the_cap_is_one_row_error_and_the_rest_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "MAX_FIELD_CHARS", 1_000)  # the real cap is 10 M characters
    path = tmp_path / "huge.csv"
    path.write_text(
        HEADER
        + GOOD_ARTICLE
        + f"comment,demo-portal,c9,,,{'가' * 1_001},,2022-10-15T17:00:00+09:00,,,\n"  # line 3
        + GOOD_COMMENT,
        encoding="utf-8",
    )
    items, errors = _split(path)
    assert [i.external_id for i in items] == ["https://demo.minsim.invalid/a/1", "c1"]
    assert [str(e) for e in errors] == [
        f"{path}:3: a field is longer than 1,000 characters (an unclosed quote?)"
    ]


def test_line_numbers_count_blank_lines_and_multi_line_fields(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        HEADER
        + "\n"  # line 2: blank
        + "comment,demo-portal,c4,,,날짜 없음,,,,,\n"  # line 3
        + 'comment,demo-portal,c5,,,"첫 줄\n둘째 줄",,2022-10-15T17:00:00+09:00,,,\n'  # 4-5
        + "comment,demo-portal,c6,,,날짜 없음,,,,,\n",  # line 6
        encoding="utf-8",
    )
    items, errors = _split(path)
    assert [i.external_id for i in items] == ["c5"]
    assert [e.line for e in errors] == [3, 6]


def test_a_row_dated_in_the_future_is_a_row_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "future.csv"
    path.write_text(
        HEADER
        + GOOD_COMMENT
        + "comment,demo-portal,c7,,,미래에서 온 댓글,,2099-01-01T00:00:00+09:00,,,\n",  # line 3
        encoding="utf-8",
    )
    items, errors = _split(path)
    assert [i.external_id for i in items] == ["c1"]
    assert [str(e) for e in errors] == [
        f"{path}:3: published_at '2099-01-01T00:00:00+09:00' is in the future"
    ]


def test_a_source_or_id_longer_than_its_column_is_a_row_error(tmp_path: Path) -> None:
    from minsim.normalize import MAX_EXTERNAL_ID_CHARS, MAX_SOURCE_CHARS

    long_source, long_id = "s" * (MAX_SOURCE_CHARS + 1), "c" * (MAX_EXTERNAL_ID_CHARS + 1)
    path = tmp_path / "long.csv"
    path.write_text(
        HEADER
        + GOOD_COMMENT
        + f"comment,{long_source},c8,,,출처가 길다,,2022-10-15T17:00:00+09:00,,,\n"  # line 3
        + f"comment,demo-portal,{long_id},,,아이디가 길다,,2022-10-15T17:00:00+09:00,,,\n",
        encoding="utf-8",
    )
    items, errors = _split(path)
    assert [i.external_id for i in items] == ["c1"]
    assert [str(e) for e in errors] == [
        f"{path}:3: source is {MAX_SOURCE_CHARS + 1} characters; "
        f"at most {MAX_SOURCE_CHARS} are stored",
        f"{path}:4: external_id is {MAX_EXTERNAL_ID_CHARS + 1} characters; "
        f"at most {MAX_EXTERNAL_ID_CHARS} are stored",
    ]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "https:no-host"]
)
def test_an_article_url_that_is_not_http_is_a_row_error(tmp_path: Path, url: str) -> None:
    path = tmp_path / "links.jsonl"
    row = {"kind": "article", "source": "s", "url": url, "text": "본문"}
    path.write_text(
        json.dumps(row | {"published_at": "2022-10-15T16:00:00+09:00"}) + "\n", encoding="utf-8"
    )
    items, errors = _split(path)
    assert items == []
    assert [str(e) for e in errors] == [f"{path}:1: url {url!r} is not http(s)"]


def test_a_comment_link_that_is_not_http_is_left_out_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "comments.csv"
    path.write_text(
        HEADER
        + "comment,demo-portal,c8,javascript:alert(1),,댓글,,2022-10-15T17:00:00+09:00,"
        + '"data:text/html,<script>",,\n',
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="minsim.importer"):
        items, errors = _split(path)
    assert errors == []
    assert (items[0].external_id, items[0].url, items[0].article_url) == ("c8", None, None)
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}:2: url 'javascript:alert(1)' is not http(s); imported without it",
        f"{path}:2: article_url 'data:text/html,<script>' is not http(s); imported without it",
    ]


def test_an_article_defaults_its_external_id_to_the_canonical_url(tmp_path: Path) -> None:
    path = tmp_path / "tracked.csv"
    path.write_text(
        HEADER
        + "article,demo-portal,,https://demo.minsim.invalid/a/2?id=7&utm_source=kakao,제목,본문,,"
        + "2022-10-15T16:00:00+09:00,,,\n",
        encoding="utf-8",
    )
    items, _ = _split(path)
    assert items[0].external_id == "https://demo.minsim.invalid/a/2?id=7"


@pytest.mark.parametrize("value", ["²", "9" * 5_000, str(MAX_COUNT + 1), "-1", "1.5"])
def test_counts_that_are_not_storable_whole_numbers_are_row_errors(
    tmp_path: Path, value: str
) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(
        HEADER + f"comment,demo-portal,c1,,,댓글,,2022-10-15T17:00:00+09:00,,{value},\n",
        encoding="utf-8",
    )
    items, errors = _split(path)
    assert items == []
    assert errors[0].line == 2 and errors[0].message.startswith("likes ")
    assert len(errors[0].message) < 200  # a huge value is quoted only in part


def test_jsonl_lines_that_break_the_json_parser_are_row_errors(tmp_path: Path) -> None:
    good = {
        "kind": "comment",
        "source": "demo-video",
        "external_id": "v1",
        "text": "첫 문장\u2028둘째 문장",  # U+2028 is allowed unescaped inside a JSON string
        "published_at": "2022-10-19T12:00:00+09:00",
    }
    path = tmp_path / "odd.jsonl"
    path.write_text(
        json.dumps(good, ensure_ascii=False)
        + "\n"
        + '{"likes": '
        + "1" * 5_000
        + "}\n"  # line 2: past Python's integer digit limit
        + "[" * 100_000
        + "\n",  # line 3: nested deeper than the parser recurses
        encoding="utf-8",
    )
    items, errors = _split(path)
    assert [i.external_id for i in items] == ["v1"]
    assert [(e.line, e.message.startswith("not valid JSON")) for e in errors] == [
        (2, True),
        (3, True),
    ]


def test_import_command_stores_long_fields_extra_columns_and_clean_links(tmp_path: Path) -> None:
    """`minsim import` end to end on a real SQLite file: no traceback, honest counters."""
    config = write_sqlite_config(tmp_path)
    big = tmp_path / "big.csv"  # a 200,000-character title (stored cut to 1,000)
    big.write_text(
        HEADER
        + f"article,demo-portal,,https://demo.minsim.invalid/a/5,{'먹통' * 100_000},본문,,"
        + "2022-10-15T16:00:00+09:00,,,\n",
        encoding="utf-8",
    )
    ranked = tmp_path / "ranked.csv"  # the same article from two tracked links, one extra column
    ranked.write_text(
        "kind,source,url,text,published_at,rank\n"
        "article,demo-portal,https://demo.minsim.invalid/a/6?id=3&utm_source=fb&fbclid=x,"
        "판교 화재,2022-10-15T16:00:00+09:00,1\n"
        "article,demo-portal,https://demo.minsim.invalid/a/6?utm_medium=sns&id=3&gclid=y,"
        "판교 화재,2022-10-15T16:00:00+09:00,2\n",
        encoding="utf-8",
    )
    result = run_minsim("--config", str(config), "import", str(big), str(ranked), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "bad_row" not in result.stdout
    assert f"{ranked}:1: ignoring unknown column(s) rank" in result.stderr
    engine = create_engine(f"sqlite:///{tmp_path}/minsim.db")
    with engine.connect() as conn:
        rows = conn.execute(
            select(schema.documents.c.url, schema.documents.c.title).order_by(
                schema.documents.c.url
            )
        ).all()
    engine.dispose()
    assert [(url, len(title or "")) for url, title in rows] == [
        ("https://demo.minsim.invalid/a/5", 1_000),
        ("https://demo.minsim.invalid/a/6?id=3", 0),
    ]


def test_many_unknown_jsonl_fields_make_one_short_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    row = {"kind": "comment", "source": "s", "external_id": "v1", "text": "댓글"}
    extra = {f"x{n:02}": n for n in range(12)}
    path = tmp_path / "wide.jsonl"
    path.write_text(
        json.dumps(row | extra | {"published_at": "2022-10-19T12:00:00+09:00"}) + "\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="minsim.importer"):
        items, errors = _split(path)
    assert (len(items), errors) == (1, [])
    names = ", ".join(f"x{n:02}" for n in range(10))
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}:1: ignored unknown field(s) {names} and 2 more"
    ]
