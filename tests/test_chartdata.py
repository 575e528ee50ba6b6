"""The figures behind a chart as CSV: KST times, names beside ids, no formula cells."""

from __future__ import annotations

import csv
import io

import pandas as pd

from dashboard.chartdata import chart_csv


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
