"""The figures behind a chart as CSV: KST times, names beside ids, no formula cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from sqlalchemy import insert
from test_aggregate_fixtures import VERSION, build_database

from dashboard.chartdata import chart_csv
from minsim import aggregate, schema
from minsim.aggregate import Filters


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # the BOM Excel needs to read Hangul
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_times_are_kst_text_and_names_stand_beside_their_ids() -> None:
    frame = pd.DataFrame(
        {
            "bucket": pd.to_datetime(["2022-10-15 06:00", "2022-10-15 07:00"], utc=True).tz_convert(
                "Asia/Seoul"
            ),
            "company": ["kakao", "unknown"],
            "docs": [12, 0],
            "mean_compound": [-0.123456, float("nan")],
        }
    )
    rows = _rows(chart_csv(frame, {"company": {"kakao": "카카오"}}))
    assert list(rows[0]) == ["time_kst", "company", "company_name", "docs", "mean_compound"]
    assert rows[0] == {
        "time_kst": "2022-10-15 15:00",
        "company": "kakao",
        "company_name": "카카오",
        "docs": "12",
        "mean_compound": "-0.1235",
    }
    # An id without a name keeps the id; a bucket without scored documents has no mean.
    assert rows[1]["company_name"] == "unknown" and rows[1]["mean_compound"] == ""


def test_no_cell_can_start_a_spreadsheet_formula() -> None:
    """Source names come from settings and imports: one may be written to run in Excel."""
    frame = pd.DataFrame({"source": ["=HYPERLINK(\"http://evil\")", "+cmd", "news"],
                          "docs": [1, 2, -3]})  # fmt: skip
    rows = _rows(chart_csv(frame))
    assert [r["source"] for r in rows] == ['\'=HYPERLINK("http://evil")', "'+cmd", "news"]
    assert rows[2]["docs"] == "-3"  # numbers are numbers, negative ones too


def test_naive_times_are_read_as_utc_and_written_in_kst() -> None:
    naive = pd.DataFrame({"bucket": pd.to_datetime(["2022-10-15 06:33"]), "docs": [1]})
    assert _rows(chart_csv(naive))[0]["time_kst"] == "2022-10-15 15:33"
    text = pd.DataFrame({"bucket": ["2022-10-15T06:33:00+00:00"], "docs": [1]})
    assert _rows(chart_csv(text))[0]["time_kst"] == "2022-10-15 15:33"


def test_every_chart_s_aggregate_writes_a_file_of_its_rows(tmp_path: Path) -> None:
    """The frames the pages hand over, read from a real database, as the files hold them."""
    engine = build_database(tmp_path / "minsim.db")
    with engine.begin() as conn:
        named = [{"doc_id": doc_id, "term": "보상"} for doc_id in ("a00", "a10")]
        conn.execute(insert(schema.document_terms), named)
    flt = Filters()
    frames = {
        "company": aggregate.timeseries(engine, flt, bucket="day", version=VERSION, by="company"),
        "aspect": aggregate.aspect_timeseries(engine, flt, bucket="hour", version=VERSION),
        "term": aggregate.term_trend(engine, flt, ("보상",), bucket="day", version=VERSION),
    }
    names = aggregate.company_names(engine)
    engine.dispose()
    for column, frame in frames.items():
        rows = _rows(chart_csv(frame, {"company": names}))
        assert len(rows) == len(frame) > 0, column
        assert list(rows[0])[:2] == ["time_kst", column], column
        assert all(len(r["time_kst"]) == len("2022-10-15 00:00") for r in rows), column
    company_rows = _rows(chart_csv(frames["company"], {"company": names}))
    assert {r["company_name"] for r in company_rows} == {"카카오", "네이버"}
    assert sum(int(r["docs"]) for r in company_rows) == frames["company"]["docs"].sum()
    term_rows = _rows(chart_csv(frames["term"]))
    assert sum(int(r["docs"]) for r in term_rows) == 2
