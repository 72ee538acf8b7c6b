"""Fact alignment against the hand-labelled set tests/data/facts_labelled.jsonl.

Runs the real pipeline (documents -> sentences -> numbers, see bench/facts_parse.py) on the
giveme5w1h articles of every labelled event (each event is one story), maps each labelled
mention to an extracted one (same document, sentence containing the labelled snippet, same
surface), and scores the alignment pairwise within each event. Also times ``facts()`` on
the whole corpus (271 articles, stories = events) against the numbers stage in the same run.

``python -m bench.facts`` -> bench/results/facts.json and bench/results/facts.md
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import polars as pl

from bench.facts_parse import ParsedArticles, parse_files
from transforms.facts import facts
from transforms.numbers import numbers as numbers_stage

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "giveme5w1h"
LABELS = ROOT / "tests" / "data" / "facts_labelled.jsonl"
OUT = ROOT / "bench" / "results"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("’", "'")).strip()


def _events() -> dict[str, list[Path]]:
    by_event: dict[str, list[Path]] = defaultdict(list)
    for p in sorted(CORPUS.glob("*.json")):
        by_event[json.loads(p.read_text(encoding="utf-8"))["newsCluster"]["Event"]].append(p)
    return by_event


def _with_story(pa: ParsedArticles, story_of: dict[str, str]) -> pl.DataFrame:
    return pa.documents.with_columns(
        story_id=pl.col("source_path").map_elements(lambda s: story_of[Path(s).stem], return_dtype=pl.String))


def _map_labels(labels: list[dict[str, Any]], pa: ParsedArticles) -> dict[int, str | None]:
    """Labelled mention index -> extracted number_id (None when numbers did not extract it)."""
    stem_of = {r["doc_id"]: Path(r["source_path"]).stem for r in pa.documents.iter_rows(named=True)}
    rows = pa.numbers.join(pa.sentences.select("doc_id", "sentence_no", pl.col("text").alias("s")),
                           on=["doc_id", "sentence_no"])
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows.sort("doc_id", "char_start").iter_rows(named=True):
        by_doc[stem_of[r["doc_id"]]].append(r)
    mapped: dict[int, str | None] = {}
    for i, lab in enumerate(labels):
        snippet, surface = _norm(lab["sentence"]), _norm(lab["surface"]).lower()
        hits = [r for r in by_doc.get(lab["dId"], []) if snippet in _norm(r["s"])
                and (surface in r["surface"].lower() or r["surface"].lower() in surface)]
        # Prefer the mention whose surface equals the label, then the first.
        hits.sort(key=lambda r: r["surface"].lower() != surface)
        mapped[i] = hits[0]["number_id"] if hits else None
    return mapped


def run() -> dict[str, Any]:
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    events = _events()
    all_paths = [p for ps in events.values() for p in ps]
    story_of = {p.stem: ev for ev, ps in events.items() for p in ps}
    pa = parse_files(all_paths)
    docs = _with_story(pa, story_of)
    t0 = time.perf_counter()
    nums = numbers_stage(pa.sentences)
    t_numbers = time.perf_counter() - t0
    t0 = time.perf_counter()
    fact_frame, links = facts(pa.numbers, pa.sentences, docs)
    t_facts = time.perf_counter() - t0
    # Worst case for the pairwise steps: every article in one story.
    t0 = time.perf_counter()
    one_story, _ = facts(pa.numbers, pa.sentences, docs.with_columns(story_id=pl.lit("all")))
    t_one_story = time.perf_counter() - t0
    fact_of = dict(zip(links["number_id"], links["fact_id"], strict=True))
    status_of = dict(zip(fact_frame["fact_id"], fact_frame["status"], strict=True))
    mapped = _map_labels(labels, pa)
    per_event: dict[str, dict[str, Any]] = {}
    tp = fp = fn = 0
    for ev in sorted({lab["event"] for lab in labels}):
        idx = [i for i, lab in enumerate(labels) if lab["event"] == ev and mapped[i] is not None]
        e_tp = e_fp = e_fn = 0
        for i, j in combinations(idx, 2):
            gold = labels[i]["fact"] == labels[j]["fact"]
            pred = fact_of.get(mapped[i] or "") is not None and fact_of.get(mapped[i] or "") == fact_of.get(mapped[j] or "")
            e_tp += gold and pred
            e_fp += pred and not gold
            e_fn += gold and not pred
        n_lab = sum(1 for lab in labels if lab["event"] == ev)
        per_event[ev] = {"labelled": n_lab, "extracted": len(idx), "tp": e_tp, "fp": e_fp, "fn": e_fn}
        tp, fp, fn = tp + e_tp, fp + e_fp, fn + e_fn
    # Alerts: facts in conflict among labelled mentions; false when they mix gold facts.
    conflicts: dict[str, set[str]] = defaultdict(set)
    for i, nid in mapped.items():
        f = fact_of.get(nid or "")
        if f and status_of[f] == "conflict":
            conflicts[f].add(labels[i]["fact"])
    body_of = {Path(r["source_path"]).stem: _norm(r["text"]) for r in pa.documents.iter_rows(named=True)}
    missed = [{**{k: labels[i][k] for k in ("dId", "surface", "fact")},
               "reason": "numbers missed it" if _norm(labels[i]["sentence"]) in body_of.get(labels[i]["dId"], "")
               else "not in the body text (title or caption kept out by documents)"}
              for i, nid in mapped.items() if nid is None]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "stand_ins": pa.stand_ins,
        "labelled_mentions": len(labels), "events": len(per_event),
        "not_extracted": len(missed), "not_extracted_list": missed,
        "pairs": {"tp": tp, "fp": fp, "fn": fn},
        "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
        "per_event": per_event,
        "conflicts_touching_labels": {f: sorted(keys) for f, keys in conflicts.items()},
        "false_conflicts": sum(1 for keys in conflicts.values() if len(keys) > 1),
        "corpus": {"documents": pa.documents.height, "numbers": nums.height, "facts": fact_frame.height,
                   "status": dict(fact_frame["status"].value_counts().iter_rows()),
                   "candidate_mentions": links.height,
                   "seconds_facts": round(t_facts, 3), "seconds_numbers": round(t_numbers, 3),
                   "seconds_facts_one_story": round(t_one_story, 3),
                   "facts_over_numbers": round(t_facts / t_numbers, 3) if t_numbers else None,
                   "alerts": _alerts(fact_frame, links, pa),
                   # Stress: 54 unrelated events wrongly clustered as one story. Every conflict
                   # or revision here that mixes events is a false alert a bad clustering would cause.
                   "one_story_status": dict(one_story["status"].value_counts().iter_rows())},
        "sample": _sample(),
    }


def _alerts(fact_frame: pl.DataFrame, links: pl.DataFrame, pa: ParsedArticles) -> list[dict[str, Any]]:
    """Every conflict and revision in the corpus, with its mentions, for a human to judge."""
    flagged = fact_frame.filter(pl.col("status").is_in(["conflict", "revised"]))
    rows = (links.join(flagged.select("fact_id", "label", "status", "story_id"), on="fact_id")
            .join(pa.numbers.select("number_id", "doc_id", "sentence_no", "surface"), on="number_id")
            .join(pa.sentences.select("doc_id", "sentence_no", "text"), on=["doc_id", "sentence_no"]))
    out = []
    for fid in rows["fact_id"].unique(maintain_order=True):
        g = rows.filter(pl.col("fact_id") == fid)
        out.append({"story": g["story_id"][0], "label": g["label"][0], "status": g["status"][0],
                    "mentions": [f"{r['surface']} | {r['text'][:160]}" for r in g.iter_rows(named=True)]})
    return out


def _sample() -> dict[str, Any]:
    """Facts of the five sample articles (one story)."""
    pa = parse_files(sorted((ROOT / "data" / "sample").glob("*.txt")))
    f, links = facts(pa.numbers, pa.sentences, pa.documents.with_columns(story_id=pl.lit("sample")))
    surfaces = (links.join(pa.numbers.select("number_id", "surface"), on="number_id")
                .group_by("fact_id").agg(pl.col("surface")))
    multi = f.join(surfaces, on="fact_id").filter(pl.col("n_sources") > 1).sort("n_mentions", descending=True)
    return {"status": dict(f["status"].value_counts().iter_rows()),
            "multi_source_facts": [{k: r[k] for k in ("label", "n_sources", "low", "high", "value", "status", "surface")}
                                   for r in multi.iter_rows(named=True)]}


def main() -> None:
    res = run()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "facts.json").write_text(json.dumps(res, indent=2, default=str) + "\n", encoding="utf-8")
    lines = [
        "# facts: alignment on the hand-labelled set", "",
        f"stand-ins for stub stages: {', '.join(res['stand_ins']) or 'none'}", "",
        "| measure | value |", "| --- | --- |",
        f"| labelled mentions / events | {res['labelled_mentions']} / {res['events']} |",
        f"| labelled mentions not extracted (numbers missed / not in body text) | {res['not_extracted']} ({sum(m['reason'] == 'numbers missed it' for m in res['not_extracted_list'])} / {sum(m['reason'] != 'numbers missed it' for m in res['not_extracted_list'])}) |",
        f"| pairwise precision | {res['precision']} |", f"| pairwise recall | {res['recall']} |",
        f"| pairwise F1 | {res['f1']} |",
        f"| conflicts among labelled facts (false: mixing facts) | {len(res['conflicts_touching_labels'])} ({res['false_conflicts']}) |",
        f"| corpus: facts / consistent / conflict / revised | {res['corpus']['facts']} / {res['corpus']['status'].get('consistent', 0)} / {res['corpus']['status'].get('conflict', 0)} / {res['corpus']['status'].get('revised', 0)} |",
        f"| stress, all 271 docs as one story: conflict / revised | {res['corpus']['one_story_status'].get('conflict', 0)} / {res['corpus']['one_story_status'].get('revised', 0)} |",
        f"| facts() s, 271 docs in 54 stories / in 1 story / numbers stage s | {res['corpus']['seconds_facts']} / {res['corpus']['seconds_facts_one_story']} / {res['corpus']['seconds_numbers']} |",
        f"| sample articles: statuses | {res['sample']['status']} |",
        "", "| event | labelled | extracted | tp | fp | fn |", "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {ev} | {d['labelled']} | {d['extracted']} | {d['tp']} | {d['fp']} | {d['fn']} |"
              for ev, d in res["per_event"].items()]
    lines += ["", "| sample fact (>1 source) | sources | low | high | status |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {r['label']} | {r['n_sources']} | {r['low']} | {r['high']} | {r['status']} |"
              for r in res["sample"]["multi_source_facts"]]
    (OUT / "facts.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
