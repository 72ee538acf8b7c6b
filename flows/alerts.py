"""Alerts: turn validation findings into rows of ``alerts`` (raised once, resolved when
gone) and deliver the new ones to the log and the configured targets."""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.request
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from transforms import schema
from warehouse import db

if TYPE_CHECKING:
    from flows.ingest import RunSummary
    from flows.settings import Settings

log = logging.getLogger("newsledger.alerts")

# Checks whose findings are one alert per offending row (subject = the row's key column).
PER_ROW_SUBJECT = {"facts.conflict": "fact_id", "facts.revised": "fact_id", "documents.empty_share": "doc_id"}
# Findings about one run only: never resolved by a later run's silence.
RUN_SCOPED = ("run.quarantine_share", "run.failed")


def _alert_id(check: str, subject: str) -> str:
    return hashlib.sha256(f"{check}\x00{subject}".encode()).hexdigest()[:16]


def _fact_reports(con: duckdb.DuckDBPyConnection, fact_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each fact's mentions as the alert details show them; one query for all the facts."""
    if not fact_ids:
        return {}
    con.register("_alert_facts", pl.DataFrame({"fact_id": sorted(set(fact_ids))}, schema={"fact_id": pl.String}))
    try:
        reports = db.fetch_frame(con, db.read_sql("queries/fact_alert_details.sql"))
    finally:
        con.unregister("_alert_facts")
    out: dict[str, list[dict[str, Any]]] = {}
    for r in reports.to_dicts():
        out.setdefault(r.pop("fact_id"), []).append(r)
    return out


def _message(check: str, description: str, row: dict[str, Any] | None, count: int | None, details: dict[str, Any]) -> str:
    if row is not None and check.startswith("facts.") and details.get("reports"):
        by_source: dict[str, list[str]] = {}  # one entry per outlet (or file, when the text names no outlet)
        for r in details["reports"]:
            words = by_source.setdefault(r["outlet"] or r.get("file_name") or r["doc_id"], [])
            if r["surface"] not in words:
                words.append(r["surface"])
        values = "; ".join(f"{source}: {', '.join(words)}" for source, words in by_source.items())
        verb = "conflicting reports" if check == "facts.conflict" else "revised over time"
        return f"{row.get('label')}: {verb} ({values})"
    if row is not None:
        return f"{description}: {json.dumps(row, default=str)[:300]}"
    return f"{description} ({count} rows)"


def _findings_to_alerts(con: duckdb.DuckDBPyConnection, findings: list[dict[str, Any]], summary: RunSummary,
                        settings: Settings) -> list[dict[str, Any]]:
    out = []
    reports = _fact_reports(con, [str(row.get(PER_ROW_SUBJECT[f["check_name"]])) for f in findings
                                  if not f["success"] and f["severity"] != "error"
                                  and f["check_name"].startswith("facts.") and f["check_name"] in PER_ROW_SUBJECT
                                  for row in f["rows"]])
    for f in findings:
        if f["success"] or f["severity"] == "error":
            continue
        check = f["check_name"]
        key = PER_ROW_SUBJECT.get(check)
        if key:
            for row in f["rows"]:
                subject = str(row.get(key))
                details = ({"fact_id": subject, "reports": reports.get(subject, [])} if check.startswith("facts.")
                           else {"row": row})
                out.append({"check_name": check, "subject": subject, "severity": f["severity"],
                            "message": _message(check, f["description"], row, None, details), "details": details})
        else:
            out.append({"check_name": check, "subject": f["table"], "severity": f["severity"],
                        "message": _message(check, f["description"], None, f["unexpected_count"], {}),
                        "details": {"unexpected_count": f["unexpected_count"], "sample": f["rows"][:20]}})
    seen = summary.files_loaded + summary.files_quarantined
    if seen and summary.files_quarantined / seen > settings.quarantine_alert_share:
        out.append({"check_name": "run.quarantine_share", "subject": summary.run_id, "severity": "warning",
                    "message": f"run quarantined {summary.files_quarantined} of {seen} changed files",
                    "details": {"quarantined": [{"path": p, "reason": r} for p, r in summary.quarantined[:200]]}})
    return out


def record(con: duckdb.DuckDBPyConnection, findings: list[dict[str, Any]], summary: RunSummary,
           settings: Settings) -> list[dict[str, Any]]:
    """Upsert this run's findings into ``alerts``; resolve the ones no longer found.

    Returns the alerts that are new, changed or re-opened (the ones to deliver).
    """
    now = datetime.now(UTC)
    found = _findings_to_alerts(con, findings, summary, settings)
    existing = {r["alert_id"]: r for r in db.fetch_frame(con, "select * from alerts").to_dicts()}
    rows, fresh = [], []
    current: set[str] = set()
    for a in found:
        aid = _alert_id(a["check_name"], a["subject"])
        current.add(aid)
        details = json.dumps(a["details"], default=str, sort_keys=True)
        old = existing.get(aid) or {}
        changed = not old or old["is_resolved"] or old["details"] != details or old["severity"] != a["severity"]
        rows.append({"alert_id": aid, "run_id": summary.run_id if changed else old["run_id"],
                     "created_at": old.get("created_at", now), "updated_at": now if changed else old["updated_at"],
                     "severity": a["severity"], "check_name": a["check_name"], "subject": a["subject"],
                     "message": a["message"], "details": details, "is_resolved": False})
        if changed:
            fresh.append({**a, "alert_id": aid, "run_id": summary.run_id})
    for aid, old in existing.items():
        if aid in current:
            continue
        resolve = not old["is_resolved"] and old["check_name"] not in RUN_SCOPED
        rows.append({**old, "is_resolved": old["is_resolved"] or resolve,
                     "updated_at": now if resolve else old["updated_at"],
                     "run_id": summary.run_id if resolve else old["run_id"]})
    frame = schema.conform(pl.DataFrame(rows, infer_schema_length=None), "alerts") if rows else schema.empty("alerts")
    db.replace_table(con, "alerts", frame)
    return fresh


def record_failure(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    now = datetime.now(UTC)
    con.execute(
        "insert or replace into alerts values (?, ?, ?, ?, 'error', 'run.failed', ?, ?, ?, false)",
        [_alert_id("run.failed", summary.run_id), summary.run_id, now, now, summary.run_id,
         f"ingest run failed: {summary.error}", json.dumps({"error": summary.error})],
    )


def deliver(alerts: list[dict[str, Any]], settings: Settings) -> None:
    """Send new alerts to the configured webhook (JSON POST); failures are logged, not raised."""
    if not alerts or not settings.alert_webhook_url:
        return
    payload = json.dumps({"source": "newsledger", "alerts": alerts}, default=str).encode()
    req = urllib.request.Request(settings.alert_webhook_url, data=payload,
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            log.info("delivered %d alerts to webhook (%s)", len(alerts), resp.status)
    except OSError as exc:
        log.error("alert delivery to %s failed: %s", settings.alert_webhook_url, exc)
