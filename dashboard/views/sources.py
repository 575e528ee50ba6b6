"""Sources page: how each collector last ran and which document sources it stored into
(collectors table, imports grouped), the newest runs of all collectors, each linked to the
documents it stored, and what each document source holds (document sources table, volume by
collection time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from dashboard import charts, health, loaders, ui
from minsim import presence
from minsim.overdue import OVERDUE_INTERVALS

# Opens the Documents page (in a new tab) filtered to what a run stored.
RUN_LINK = st.column_config.LinkColumn(
    display_text="문서 보기", help="이 실행이 저장한 문서만 문서 보기 페이지에 엽니다"
)

# Every run table: its first column (what ran) stays in view while the wide tables scroll, and
# the start time is shown whole.
START_WIDTH_PX = 150


def run_columns(first: str, **more: object) -> dict[str, object]:
    """The column settings of a run table whose first column is `first`, with `more`."""
    return {
        first: st.column_config.TextColumn(pinned=True),
        "시작 (KST)": st.column_config.TextColumn(width=START_WIDTH_PX),
        health.RUN_LINK_COLUMN: RUN_LINK,
        "오류": st.column_config.TextColumn(width="large"),
        **more,
    }


ctx = ui.context()
st.title("수집 상태 · Sources")
st.caption(
    "수집기가 어떻게 돌았는지(수집 실행)와 무엇이 저장되었는지(문서 출처)를 보여 줍니다. "
    "문서마다 그 내용을 저장한 실행이 기록되어, 수집기 표의 '저장한 문서 출처'가 두 표를 "
    "잇습니다. 시각은 KST입니다."
)

runs = loaders.last_runs(ctx.url)
# The runs may be as old as the cache: a source is not called stopped for the cache's age.
read_at = datetime.now(UTC) - timedelta(seconds=loaders.CACHE_TTL_SECONDS)
configured = loaders.configured_sources()
rows = health.collectors(
    configured, runs, loaders.last_ok_runs(ctx.url), loaders.stored_sources(ctx.url),
    now=read_at,
)  # fmt: skip
# The `minsim run` processes: which enabled sources none of the running ones collects.
now = datetime.now(UTC)
recorded = loaders.processes(ctx.url)
live = presence.running(recorded, now)
enabled = [str(c["name"]) for c in configured if c["enabled"]]
by_name = {row.name: row for row in rows}
# One collected on time is collected by something else (`minsim collect` on a timer).
uncollected = [
    name for name in presence.not_collected(enabled, live)
    if by_name[name].run is None or by_name[name].overdue
]  # fmt: skip
twice = presence.collected_twice(live)
failed = [r for r in rows if r.failed]
activity = loaders.source_activity(ctx.url, ctx.filters)
ui.metric_row(
    [
        ("수집기", f"{len(rows)}", "설정된 출처, 실행 기록이 있는 수집기, 그리고 파일 가져오기·"
         "데모 불러오기 묶음(각각 한 줄): 아래 수집기 표의 줄 수"),
        ("마지막 실행 실패", f"{len(failed)}", "수집기 표에서 마지막 실행이 실패한 줄 수"),
        ("문서 출처", f"{len(activity)}",
         "필터가 고른 문서의 출처(source) 수: 문서 출처 표의 줄 수"),
        ("저장된 문서 (건)", f"{int(activity['docs'].sum()):,}", "필터가 고른 문서"),
    ]
)  # fmt: skip


def _display_name(row: health.Collector) -> str:
    """The collector's name, with the file for a group of file loads."""
    return row.name if row.file == health.MISSING else f"{row.name}: {row.file}"


if failed:
    names = ", ".join(_display_name(r) for r in failed)
    st.error("마지막 실행이 실패한 수집기: " + ui.escape_md(names), icon=":material/report:")
if live:
    st.caption(
        "`minsim run` "
        + ui.escape_md("; ".join(health.process_line(process, now) for process in live))
    )
elif recorded:
    st.info(
        "실행 중인 `minsim run`이 없습니다. " + ui.escape_md(health.gone_line(recorded[0], now)),
        icon=":material/power_off:",
    )
if uncollected:
    running = "; ".join(f"{p.name}, {ui.fmt_kst(p.started_at)} 시작" for p in live)
    st.warning(
        "켜져 있는데 실행 중인 `minsim run`이 수집하지 않는 수집기: "
        + ui.escape_md(f"{', '.join(uncollected)} (실행 중: {running})")
        + ". `minsim run`은 시작할 때 설정을 읽으므로 그 뒤에 더하거나 이름을 바꾸거나 켠 "
        "수집기, 그리고 시작할 때 이름으로 주지 않은 수집기는 수집하지 않습니다. 다시 시작하세요.",
        icon=":material/sync_problem:",
    )
if twice:
    both = "; ".join(
        f"{name}: " + ", ".join(p.name for p in found) for name, found in twice.items()
    )
    st.warning(
        "`minsim run` 두 프로세스가 함께 수집하는 수집기: " + ui.escape_md(both)
        + ". 같은 실행이 겹치니 하나를 멈추세요.",
        icon=":material/content_copy:",
    )  # fmt: skip
# A source no running process collects, or two collect, is said so above, not as stopped.
overdue = [r for r in rows if r.overdue and r.name not in uncollected and r.name not in twice]
# Those a running `minsim run` collects are not stopped: their runs wait behind a long one,
# or the process predates a change of their interval.
waiting = {name for process in live for name in process.sources}
stopped = [r for r in overdue if r.name not in waiting]
if stopped:
    st.warning(
        f"수집이 멈춘 것 같은 수집기(켜져 있는데 간격의 {OVERDUE_INTERVALS}배가 넘도록 새 "
        "실행이 시작되지 않음): "
        + ui.escape_md("; ".join(health.overdue_line(r) for r in stopped))
        + ". `minsim run`이 돌고 있는지 확인하세요.",
        icon=":material/schedule:",
    )
late = [r for r in overdue if r.name in waiting]
if late:
    st.warning(
        f"실행 중인 `minsim run`이 수집하는데도 간격의 {OVERDUE_INTERVALS}배가 넘도록 새 실행이 "
        "시작되지 않은 수집기: "
        + ui.escape_md("; ".join(health.overdue_line(r) for r in late))
        + ". 실행은 한 번에 하나씩이라 긴 실행 뒤에서 기다리고 있거나, 그 프로세스가 시작된 뒤 "
        "간격을 바꿨다면 다시 시작해야 합니다.",
        icon=":material/hourglass_top:",
    )

st.subheader("수집기 · 마지막 실행")
st.caption(
    "설정 파일의 `[[sources]]`와 그 밖에 실행 기록이 있는 수집기입니다. 파일 가져오기"
    "(`minsim import`)는 파일마다 한 번 도는 실행이라 한 줄(가장 최근 가져오기)로 묶었습니다. "
    "'저장한 문서 출처'는 그 수집기의 실행들이 저장한 문서(지금 저장된 판)의 출처이고, "
    "'이 실행의 문서'는 마지막 실행이 저장한 문서만 보여 주는 링크입니다. "
    "이 기록이 생기기 전에 저장된 문서는 어느 실행에도 이어지지 않습니다."
)
if rows:
    ui.data_table(
        health.collectors_frame(rows),
        hide_index=True,
        width="stretch",
        column_config=run_columns(
            "수집기", **{"저장한 문서 출처": st.column_config.TextColumn(width="medium")}
        ),
    )
if not runs:
    st.info("아직 수집 실행 기록이 없습니다. `minsim collect`가 실행되면 여기에 나타납니다.")

imports = health.recent_imports(runs)
if imports:
    with st.expander(f"최근 가져오기 {len(imports)}건 (파일별 마지막 실행, 최신순)"):
        ui.data_table(
            health.imports_frame(imports), hide_index=True, width="stretch",
            column_config=run_columns("파일"),
        )  # fmt: skip

recent = loaders.recent_runs(ctx.url, health.RECENT_RUNS)
if recent:
    with st.expander(f"최근 실행 {len(recent)}건 (모든 수집기를 합쳐 최신순)"):
        st.caption(
            "'저장한 문서'는 그 실행이 처음 저장했거나 내용을 바꿔 다시 저장한 문서 중 지금도 그 "
            "판인 문서의 수이고, '이 실행의 문서'는 그 문서만 보여 주는 링크입니다."
        )
        ui.data_table(
            health.runs_frame(recent), hide_index=True, width="stretch",
            column_config=run_columns("실행"),
        )  # fmt: skip

with st.expander("카운터 전체 (JSON)"):
    for row in rows:
        if row.run is not None:
            st.text(_display_name(row))
            st.json(dict(row.run["counters"]))

st.subheader("문서 출처")
st.caption(
    "문서마다 기록된 출처(source 열)별 집계로, 사이드바 필터가 고른 문서만 셉니다. 마지막 "
    "수집은 그 출처의 문서를 처음 저장했거나 내용이 바뀌어 다시 저장한 가장 늦은 시각입니다."
)
if activity.empty:
    ui.empty_notice("문서")
else:
    ui.data_table(health.sources_frame(activity), hide_index=True, width="stretch")
    frame = loaders.collection_timeseries(ctx.url, ctx.filters, ctx.state.bucket)
    ui.chart_card(
        charts.collection_chart(frame, bucket=ctx.state.bucket),
        "수집 시각 기준입니다 (문서를 처음 저장했거나 내용이 바뀌어 다시 저장한 시각; 발행 시각 "
        "기준 추이는 개요 페이지에 있습니다). 막대가 없는 구간에는 그 출처의 문서가 저장되지 "
        "않았습니다: 수집이 멈췄는지는 위 수집기 표에서 확인하세요.",
    )
