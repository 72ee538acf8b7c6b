"""One self-contained HTML page about the warehouse: stories, facts as charts, open alerts.

The page opens without network: plotly's JavaScript is embedded once, inline. Each fact gets
a chart of what every outlet reported over publication time, with intervals drawn as ranges
(an unbounded side runs to the edge of the plot and ends in an arrow), so "more than 1,000"
and "1,037" visibly overlap and a conflict visibly does not.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from warehouse.db import connect, fetch_frame, read_sql

STATUS_COLOUR = {"consistent": "#1a7f37", "conflict": "#cf222e", "revised": "#9a6700", "single_source": "#57606a"}
STATUS_ORDER = {"conflict": 0, "revised": 1, "consistent": 2, "single_source": 3}
SEVERITY_COLOUR = {"error": "#cf222e", "warning": "#9a6700", "info": "#0969da"}
PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#1b7c83", "#bf3989", "#57606a")
MAX_ALERTS = 200

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1300px;
padding:16px 24px;color:#1f2328;line-height:1.45;font-size:15px}
h1{font-size:26px;margin:8px 0}h2{font-size:21px;border-bottom:2px solid #d0d7de;padding-bottom:4px;margin-top:36px}
h3{font-size:17px;margin:22px 0 6px}table{border-collapse:collapse;margin:6px 0 12px;width:100%}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#f6f8fa}.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:13px;
font-weight:600}.muted{color:#57606a}.fact{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:12px 0}
mark{background:#fff3b0;padding:0 2px}.nav a{margin-right:12px}.num{text-align:right}
"""


@dataclass(frozen=True)
class ReportData:
    stories: pl.DataFrame
    outlets: pl.DataFrame
    facts: pl.DataFrame
    reports: pl.DataFrame
    alerts: pl.DataFrame
    counts: dict[str, int]


def load_report_data(warehouse: Path) -> ReportData:
    con = connect(warehouse, read_only=True)
    try:
        counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
                  for t in ("documents", "stories", "numbers", "quotes", "facts")}
        return ReportData(
            stories=fetch_frame(con, "select * from story_coverage order by first_published_at nulls last, story_id"),
            outlets=fetch_frame(con, "select * from story_outlets order by story_id, publication_rank, outlet"),
            facts=fetch_frame(con, "select * from facts order by story_id, fact_id"),
            reports=fetch_frame(con, "select * from fact_reports order by fact_id, published_at nulls last, outlet, number_id"),
            alerts=fetch_frame(con, read_sql("queries/latest_alerts.sql"), [False, MAX_ALERTS]),
            counts=counts,
        )
    finally:
        con.close()


def write_report(warehouse: Path, out: Path) -> Path:
    """Write the HTML report of ``warehouse`` to ``out`` (atomically); returns ``out``."""
    data = load_report_data(warehouse)
    docs_index = warehouse.parent / "docs" / "index.html"
    page = render_report(data, warehouse=warehouse, docs_link=os.path.relpath(docs_index, out.parent),
                         has_docs=docs_index.exists())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return out


def render_report(data: ReportData, *, warehouse: Path, docs_link: str, has_docs: bool) -> str:
    e = html.escape
    parts: list[str] = []
    plotly_state = {"included": False}
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    c = data.counts
    docs_note = "" if has_docs else " <span class='muted'>(not built yet: run an ingest)</span>"
    parts.append(
        f"<h1>newsledger report</h1><p class='muted'>Warehouse <code>{e(str(warehouse))}</code>, "
        f"generated {generated}. {c['documents']} documents, {c['stories']} stories, {c['numbers']} numbers, "
        f"{c['quotes']} quotes, {c['facts']} facts, {data.alerts.height} open alerts.</p>"
        f"<p class='nav'><a href='#alerts'>Open alerts</a><a href='{e(docs_link)}'>Data quality: Great Expectations "
        f"Data Docs</a>{docs_note}</p>"
        "<p class='muted'>Each chart shows what every outlet reported for one fact, one column per report in "
        "order of publication. "
        "A bar is the interval the words allow (\"about 1,000\", \"between 30 and 40\"); a dot is a single value; "
        "a side that the words leave open (\"more than 1,000\", \"fewer than 25\") runs to the edge of the plot "
        "and ends in an arrow. The shaded band is the interval every report agrees on (for a revised fact: the latest reports). Reports that "
        "overlap are compatible; reports that do not overlap are in conflict.</p>"
    )
    if data.stories.is_empty():
        parts.append("<p>No stories yet: ingest some articles first.</p>")
    for story in data.stories.iter_rows(named=True):
        parts.append(_story_section(story, data, plotly_state))
    parts.append(_alerts_section(data.alerts))
    body = "\n".join(parts)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>newsledger report</title>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{CSS}</style></head>"
            f"<body>{body}</body></html>")


def _fmt_time(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else "unknown"


def _badge(status: str) -> str:
    colour = STATUS_COLOUR.get(status, "#57606a")
    return f"<span class='badge' style='background:{colour}'>{html.escape(status.replace('_', ' '))}</span>"


def _story_section(story: dict[str, Any], data: ReportData, plotly_state: dict[str, bool]) -> str:
    e = html.escape
    sid = story["story_id"]
    out = [
        f"<h2 id='story-{e(sid)}'>{e(story['story_label'] or sid)}</h2>",
        f"<p class='muted'>{story['n_documents']} documents from {story['n_outlets']} outlets, "
        f"{story['n_independent']} independent ({story['n_copies']} syndicated copies); first published "
        f"{_fmt_time(story['first_published_at'])}, last {_fmt_time(story['last_published_at'])}. "
        f"Facts: {story['n_facts']} ({story['n_conflicts']} conflict, {story['n_revised']} revised, "
        f"{story['n_consistent']} consistent, {story['n_single_source']} single source).</p>",
        "<table><tr><th>#</th><th>outlet</th><th>first published (UTC)</th><th>hours after first</th>"
        "<th>documents</th><th>copies</th><th>facts</th><th>headline</th></tr>",
    ]
    for o in data.outlets.filter(pl.col("story_id") == sid).iter_rows(named=True):
        out.append(
            f"<tr><td>{o['publication_rank']}</td><td>{e(o['outlet'] or 'unknown outlet')}</td>"
            f"<td>{_fmt_time(o['first_published_at'])}</td><td class='num'>{_num(o['hours_behind_first'])}</td>"
            f"<td class='num'>{o['n_documents']}</td><td class='num'>{o['n_copies']}</td>"
            f"<td class='num'>{o['n_facts']}</td><td>{e(o['first_title'] or '')}</td></tr>")
    out.append("</table>")
    facts = data.facts.filter(pl.col("story_id") == sid)
    if facts.is_empty():
        out.append("<p class='muted'>No facts aligned for this story yet.</p>")
        return "\n".join(out)
    facts = facts.with_columns(pl.col("status").replace_strict(STATUS_ORDER, default=9).alias("_order")).sort(
        "_order", "n_sources", "fact_id", descending=[False, True, False])
    charted = facts.filter((pl.col("n_sources") > 1) | pl.col("status").is_in(["conflict", "revised"]))
    single = facts.filter(~pl.col("fact_id").is_in(charted["fact_id"].implode()))
    for fact in charted.iter_rows(named=True):
        out.append(_fact_block(fact, data.reports.filter(pl.col("fact_id") == fact["fact_id"]), plotly_state))
    if single.height:
        out.append(f"<h3>Single-source facts ({single.height})</h3><table><tr><th>fact</th><th>outlet</th>"
                   "<th>reported</th><th>sentence</th></tr>")
        for fact in single.iter_rows(named=True):
            for r in data.reports.filter(pl.col("fact_id") == fact["fact_id"]).iter_rows(named=True):
                out.append(f"<tr><td>{e(fact['label'])}</td><td>{e(r['outlet'] or 'unknown outlet')}</td>"
                           f"<td>{e(r['surface'])}</td><td>{_sentence(r)}</td></tr>")
        out.append("</table>")
    return "\n".join(out)


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _sentence(r: dict[str, Any]) -> str:
    """The sentence with the reported words marked."""
    sentence, surface = r["sentence"] or "", r["surface"] or ""
    i = sentence.find(surface) if surface else -1
    if i < 0:
        return html.escape(sentence)
    return (html.escape(sentence[:i]) + "<mark>" + html.escape(surface) + "</mark>"
            + html.escape(sentence[i + len(surface):]))


def _fact_block(fact: dict[str, Any], reports: pl.DataFrame, plotly_state: dict[str, bool]) -> str:
    e = html.escape
    if fact["low"] is not None and fact["high"] is not None and fact["low"] > fact["high"]:
        agreed = "no interval is compatible with every report"
    elif fact["status"] == "revised":
        agreed = f"the latest reports agree on [{_num(fact['low']) or '-∞'}, {_num(fact['high']) or '∞'}]"
    else:
        agreed = f"compatible interval [{_num(fact['low']) or '-∞'}, {_num(fact['high']) or '∞'}]"
    best = f", best value {_num(fact['value'])}" if fact["value"] is not None else ""
    out = [
        f"<div class='fact' id='fact-{e(fact['fact_id'])}'><h3>{e(fact['label'])} {_badge(fact['status'])}</h3>",
        f"<p class='muted'>{fact['n_mentions']} mentions in {fact['n_documents']} documents, "
        f"{fact['n_sources']} independent sources; {agreed}{best}.</p>",
    ]
    figure = fact_figure(fact, reports)
    if figure is not None:
        out.append(figure.to_html(full_html=False, include_plotlyjs=not plotly_state["included"],
                                  config={"displaylogo": False, "responsive": True}, default_height=340))
        plotly_state["included"] = True
    out.append("<table><tr><th>published (UTC)</th><th>outlet</th><th>reported</th><th>interval</th>"
               "<th>sentence</th><th>document</th></tr>")
    for r in reports.iter_rows(named=True):
        copy = " <span class='muted'>(copy)</span>" if r["is_copy"] else ""
        interval = f"[{_num(r['low']) or '-∞'}, {_num(r['high']) or '∞'}]"
        out.append(f"<tr><td>{_fmt_time(r['published_at'])}</td><td>{e(r['outlet'] or 'unknown outlet')}{copy}</td>"
                   f"<td>{e(r['surface'])}</td><td>{interval}</td><td>{_sentence(r)}</td>"
                   f"<td><code>{e(r['doc_id'])}</code> {e(r['title'] or '')}</td></tr>")
    out.append("</table></div>")
    return "\n".join(out)


def _axis_range(reports: pl.DataFrame) -> tuple[float, float] | None:
    finite = [v for col in ("low", "high", "value") for v in reports[col].to_list() if v is not None]
    if not finite:
        return None
    lo, hi = min(finite), max(finite)
    # Room beyond the finite values, so an open side visibly runs on to the edge.
    pad = max((hi - lo) * 0.35, abs(hi) * 0.06, 1.0)
    bottom = lo - pad
    if lo >= 0 and bottom < 0:
        bottom = 0.0 if lo > 0 else -pad
    return bottom, hi + pad


def _who(r: dict[str, Any]) -> str:
    return r["outlet"] or f"doc {r['doc_id'][:8]}"


def fact_figure(fact: dict[str, Any], reports: pl.DataFrame) -> go.Figure | None:
    """What each outlet reported, in publication order; intervals as ranges, open sides as arrows.

    One column per report, in publication order (undated reports last), labelled with the
    outlet and time: several reports often share a minute, which a time axis would pile up.
    """
    span = _axis_range(reports)
    if span is None or reports.is_empty():
        return None
    y_min, y_max = span
    rows = sorted(reports.iter_rows(named=True),
                  key=lambda r: (r["published_at"] is None, r["published_at"] or datetime.min.replace(tzinfo=UTC)))
    fig = go.Figure()
    if fact["status"] != "conflict" and (fact["low"] is not None or fact["high"] is not None) and (
            fact["low"] is None or fact["high"] is None or fact["low"] <= fact["high"]):
        fig.add_hrect(y0=fact["low"] if fact["low"] is not None else y_min,
                      y1=fact["high"] if fact["high"] is not None else y_max,
                      fillcolor=STATUS_COLOUR["consistent"], opacity=0.10, line_width=0)
    colours: dict[str, str] = {}
    ticks = []
    for x, r in enumerate(rows):
        who = _who(r)
        colour = colours.setdefault(who, PALETTE[len(colours) % len(PALETTE)])
        when = r["published_at"].astimezone(UTC).strftime("%m-%d %H:%M") if r["published_at"] else "no date"
        ticks.append(f"{html.escape(who)}{' (copy)' if r['is_copy'] else ''}<br>{when}")
        low, high, value = r["low"], r["high"], r["value"]
        bottom = low if low is not None else y_min
        top = high if high is not None else y_max
        hover = f"{html.escape(who)}<br>{html.escape(r['surface'])}<br>{_fmt_time(r['published_at'])}"
        legend = who not in {tr.name for tr in fig.data}
        if top > bottom:
            fig.add_trace(go.Scatter(x=[x, x], y=[bottom, top], mode="lines", line={"color": colour, "width": 10},
                                     opacity=0.55, name=who, legendgroup=who, showlegend=legend,
                                     hovertext=hover, hoverinfo="text"))
            legend = False
        ends = [(y_min, "triangle-down")] if low is None else []
        ends += [(y_max, "triangle-up")] if high is None else []
        if ends:
            fig.add_trace(go.Scatter(x=[x] * len(ends), y=[y for y, _ in ends], mode="markers", cliponaxis=False,
                                     marker={"symbol": [m for _, m in ends], "size": 16, "color": colour},
                                     name=who, legendgroup=who, showlegend=False, hovertext=hover, hoverinfo="text"))
        point = value if value is not None else (low if low is not None and low == high else None)
        fig.add_trace(go.Scatter(
            x=[x], y=[point if point is not None else (bottom + top) / 2],
            mode="markers+text" if point is not None else "text", text=[html.escape(r["surface"])],
            textposition="middle right", cliponaxis=False,
            marker={"size": 11, "color": colour, "line": {"color": "#fff", "width": 1}},
            name=who, legendgroup=who, showlegend=legend, hovertext=hover, hoverinfo="text"))
    fig.update_layout(
        margin={"l": 70, "r": 30, "t": 60, "b": 70}, height=360, template="plotly_white",
        yaxis={"range": [y_min, y_max], "title": html.escape(fact["unit_group"] or fact["kind"]), "tickformat": ","},
        xaxis={"title": "reports in order of publication (UTC)", "tickmode": "array",
               "tickvals": list(range(len(rows))), "ticktext": ticks, "range": [-0.5, len(rows) - 0.2],
               "showgrid": False},
        legend={"orientation": "h", "y": 1.04, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        showlegend=True,
    )
    return fig


def _alerts_section(alerts: pl.DataFrame) -> str:
    e = html.escape
    out = [f"<h2 id='alerts'>Open alerts ({alerts.height})</h2>"]
    if alerts.is_empty():
        out.append("<p>No open alerts.</p>")
        return "\n".join(out)
    out.append("<table><tr><th>severity</th><th>check</th><th>subject</th><th>message</th><th>updated (UTC)</th></tr>")
    for a in alerts.iter_rows(named=True):
        colour = SEVERITY_COLOUR.get(a["severity"], "#57606a")
        out.append(f"<tr><td><span class='badge' style='background:{colour}'>{e(a['severity'])}</span></td>"
                   f"<td>{e(a['check_name'])}</td><td>{e(a['subject'] or '')}</td><td>{e(a['message'])}</td>"
                   f"<td>{_fmt_time(a['updated_at'])}</td></tr>")
    out.append("</table>")
    return "\n".join(out)
