"""The import reader: good rows become items, bad rows are reported with their line number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minsim.errors import ImportFileError
from minsim.importer import RowError, read_rows
from minsim.models import RawItem

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


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
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
                json.dumps(good | {"colour": "red"}),
                "",
                json.dumps(good | {"external_id": "v2", "kind": "review"}),
            ]
        ),
        encoding="utf-8",
    )
    items, errors = _split(path)
    assert [i.external_id for i in items] == ["v1"]
    assert [e.line for e in errors] == [2, 3, 4, 6]
    assert "not valid JSON" in errors[0].message
    assert "unknown field(s) colour" in errors[2].message


def test_a_csv_without_the_needed_columns_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("제목,내용\n가,나\n", encoding="utf-8")
    _, errors = _split(path)
    assert len(errors) == 1 and "header lacks column(s) kind" in errors[0].message


def test_unknown_file_type(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(ImportFileError, match="unknown file type"):
        list(read_rows(path))
