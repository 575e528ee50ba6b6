"""Before/after page: how opinion moved across each event of the timeline, overall and by aspect."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import impact, loaders, ui
from dashboard.markers import number_events
from minsim import wording
from minsim.aggregate.impact import ALL_DOCUMENTS, MIN_PER_SIDE, event_keys, rows_of
from minsim.timefmt import format_kst

# Mean scores and their change print with a sign, as everywhere else (+0.42).
SCORE_CELLS = {name: st.column_config.NumberColumn(format="%+.2f")
               for name in ("이전 평균", "이후 평균", "변화")}  # fmt: skip
SHARE_CELLS = {name: st.column_config.ProgressColumn(min_value=0.0, max_value=1.0)
               for name in ("이전 부정 비율", "이후 부정 비율")}  # fmt: skip

ctx = ui.context()
st.title("사건 전후 · Before/after")
st.caption(ui.window_caption(ctx))

events = loaders.events(ctx.url, ctx.filters)
if events.empty:
    ui.empty_notice("사건")
    st.stop()
if ctx.version is None:
    st.info("채점된 문서가 없어 사건 전후를 비교할 수 없습니다. " + ui.SCORE_COMMANDS)
    st.stop()
numbered = number_events(events)
left, right = st.columns([2, 1])
with left:
    hours = st.radio(
        "비교 구간",
        impact.WINDOW_HOURS,
        index=impact.WINDOW_HOURS.index(impact.DEFAULT_HOURS),
        format_func=lambda h: f"사건 앞뒤 {h}시간",
        horizontal=True,
        key="impact_hours",
    )
with right:
    include_inherited = st.toggle(
        "기사에서 상속한 측면 포함",
        value=False,
        help="측면 단어가 없는 댓글은 기사의 측면을 물려받습니다. 끄면 직접 언급한 문장만 셉니다.",
        key="impact_inherited",
    )
compared = loaders.event_changes(
    ctx.url, ctx.filters, event_keys(numbered), hours, ctx.version, include_inherited
)
position = st.selectbox(
    "사건",
    range(len(numbered)),
    index=impact.default_event(numbered, compared),
    format_func=lambda i: impact.event_option(numbered.iloc[i], ctx.companies),
    key="impact_event",
)
event = numbered.iloc[position]
chosen = rows_of(compared, event["at"], event["company"])
overall = chosen[chosen["aspect"] == ALL_DOCUMENTS]
if overall.empty:
    st.info(f"이 사건 앞뒤 {hours}시간에 그 회사를 언급한 채점된 문서가 없습니다.")
else:
    row = overall.iloc[0]
    ui.metric_row([
        (f"이전 평균 점수 ({row['n_before']:,}건)", wording.signed(row["mean_before"]),
         f"사건 전 {hours}시간"),
        (f"이후 평균 점수 ({row['n_after']:,}건)", wording.signed(row["mean_after"]),
         f"사건 후 {hours}시간"),
        ("변화", wording.signed(row["change"]),
         f"95% 구간 {wording.interval_text(row['low'], row['high'])}"),
        ("판단", wording.verdict_text(row), None),
        ("부정 비율 (이전 → 이후)",
         f"{wording.percent(row['neg_share_before'])} → {wording.percent(row['neg_share_after'])}",
         None),
    ])  # fmt: skip
    labels = loaders.aspect_labels(ctx.url)
    if chosen["change"].notna().any():
        ui.chart_card(
            impact.change_chart(chosen, labels, title=f"#{event['no']} 전후 평균 점수의 변화"),
            "점은 이후 평균에서 이전 평균을 뺀 값, 막대는 그 95% 구간입니다. 구간이 0을 포함하지 "
            "않으면 좋아짐이나 나빠짐으로, 0을 포함하면 뚜렷하지 않음으로 판단했고, 한쪽이 "
            f"{MIN_PER_SIDE}건 미만이면 판단하지 않았습니다(표본 부족).",
        )
    else:
        st.info(f"사건 앞이나 뒤 {hours}시간에 채점된 문서가 없어 변화를 잴 수 없습니다.")
    ui.data_table(
        impact.change_table(chosen, labels),
        hide_index=True,
        width="stretch",
        column_config=SCORE_CELLS | SHARE_CELLS,
    )
nearby = impact.nearby_events(numbered, position, hours)
if not nearby.empty:
    names = "; ".join(f"#{e['no']} {e['title']}" for _, e in nearby.iterrows())
    st.warning(
        ui.escape_md(f"이 비교 구간 안에 다른 사건 {len(nearby)}건이 있습니다: {names}. ")
        + "그 영향도 변화에 섞여 있습니다.",
        icon=":material/warning:",
    )
newest = ctx.span[1] if ctx.span else None
pruned = loaders.pruned_before(ctx.url, ctx.filters)
for reason in impact.cut_sides(ctx.filters, newest, event["at"], hours, pruned):
    st.info(f"{reason}: 그 시간의 문서는 세지 않았습니다.", icon=":material/timelapse:")
st.caption(
    f"사건 시각 전 {hours}시간과 후 {hours}시간에 발행된, 그 사건의 회사를 언급하고 필터에 맞는 "
    f"문서 중 점수 버전 {ui.escape_md(ctx.version)}로 채점된 문서의 점수를 비교합니다. "
    "95% 구간은 Welch의 t 구간입니다. 같은 기사에 달린 댓글끼리는 닮기 쉬워 실제 불확실성은 "
    "이보다 클 수 있고, 사건 말고도 그 사이에 일어난 일이 모두 섞여 있습니다 "
    "(인과 효과가 아닙니다)."
)
st.subheader("모든 사건: 그 회사 문서의 평균 점수 변화")
if pruned is not None and (numbered["at"] - timedelta(hours=hours) < pruned.before).any():
    # the events near or before the cutoff have a side it emptied
    cutoff = format_kst(pruned.before)
    said = f"{wording.pruned_text(pruned)}. {cutoff} 전에 걸친 구간은 {cutoff}부터만 셉니다."
    st.caption(ui.escape_md(said))
ui.data_table(
    impact.events_table(numbered, compared, ctx.companies),
    hide_index=True,
    width="stretch",
    column_config=SCORE_CELLS,
)
