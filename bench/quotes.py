"""Benchmark for transforms.quotes: recall, speaker accuracy, quote groups and speed.

Run: ``cd /work/main && .venv/bin/python -m bench.quotes``. Writes bench/results/quotes.json
and bench/results/quotes.md.

- Labelled set: tests/data/quotes_labelled.jsonl (hand-labelled by reading the articles:
  doc, the quote's first words, expected speaker, optional description, speaker_alt for the
  few genuinely ambiguous cases, is_partial, split). "dev" documents were read while the
  rules were written; "heldout" documents were labelled before the code was run on them.
- A label is found when a quote of that document starts with the labelled words (whitespace
  and apostrophes normalised); speaker is right when it equals the expected name or an
  alternative (case, a leading "the" and apostrophe style ignored).
- Speed: the giveme5w1h article texts (about 1 MB) shaped as the pipeline's documents.text
  (paragraphs separated by a blank line) and repeated to about ``TARGET_MB`` MB, one document
  per call, best of ``REPEATS``: ``find_quotes`` (sentence spans computed beforehand) and
  ``quotes(df)`` (the pipeline's call, from the documents frame and the sentences table built
  by transforms.sentences). Peers timed in the same run on the same text: the sentence
  splitter (when implemented, else the bench's own regex splitter) and a bare regex pass that
  only pairs quotation marks. CPU time of this process and wall-clock time are both reported:
  the machine is shared, so wall-clock varies with the load; ratios use CPU time. Nothing is
  cached across documents (a repeated copy costs what the first did).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl

from bench.timing import mb as _mb
from bench.timing import timed as _timed
from transforms import quotes as Q
from transforms import schema

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "quotes_labelled.jsonl"
CORPUS = ROOT / "tests" / "data" / "giveme5w1h"
SAMPLES = ROOT / "data" / "sample"
OUT = ROOT / "bench" / "results"
TARGET_MB = 20.0
REPEATS = 3
GROUP_COPIES = 6  # quote_groups runs on the corpus quotes copied under this many doc ids

_FALLBACK_SENT = re.compile(r"[^\n]+?(?:[.!?][\"”’)]*(?=\s+[\"“‘(A-Z])|$)", re.M)


def _fallback_split(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _FALLBACK_SENT.finditer(text):
        seg = m.group()
        lead = len(seg) - len(seg.lstrip())
        if seg.strip():
            spans.append((m.start() + lead, m.start() + len(seg.rstrip())))
    return spans


def _splitter() -> tuple[str, Any]:
    try:
        from transforms.sentences import split_sentences

        split_sentences("A test. Another one.")
    except NotImplementedError:
        return "bench regex splitter (transforms.sentences not implemented yet)", _fallback_split

    def split(text: str) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in split_sentences(text)]

    return "transforms.sentences.split_sentences", split


def _doc_text(rel: str) -> str:
    path = ROOT / rel
    if path.suffix == ".json":
        return str(json.loads(path.read_text(encoding="utf-8"))["text"] or "")
    return path.read_text(encoding="utf-8")


def _norm(s: str | None) -> str:
    s = (s or "").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"\s+", " ", s).strip().lower()
    return re.sub(r"^the ", "", s)


def evaluate(split: Any, which: str | None = None) -> dict[str, Any]:
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]
    if which is not None:
        labels = [lab for lab in labels if lab.get("split") == which]
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for lab in labels:
        by_doc[lab["doc"]].append(lab)
    found = speaker_ok = partial_ok = desc_total = desc_ok = 0
    errors: list[dict[str, Any]] = []
    for doc, labs in by_doc.items():
        text = _doc_text(doc)
        qs = Q.find_quotes(text, split(text))
        used: set[int] = set()
        for lab in labs:
            want = _norm(lab["quote"])
            hit = next(
                (i for i, q in enumerate(qs) if i not in used and _norm(q.text).startswith(want)),
                None,
            )
            if hit is None:
                errors.append({"doc": doc, "quote": lab["quote"], "error": "not found"})
                continue
            used.add(hit)
            q = qs[hit]
            found += 1
            ok_names = {_norm(lab["speaker"])} | {_norm(a) for a in lab.get("speaker_alt", [])}
            if _norm(q.speaker) in ok_names:
                speaker_ok += 1
            else:
                errors.append({"doc": doc, "quote": lab["quote"], "error": "speaker",
                               "expected": lab["speaker"], "got": q.speaker})
            partial_ok += q.is_partial == lab["is_partial"]
            if "speaker_description" in lab:
                desc_total += 1
                desc_ok += _norm(q.speaker_description) == _norm(lab["speaker_description"])
    n = len(labels)
    return {
        "labels": n,
        "documents": len(by_doc),
        "found": found,
        "found_share": round(found / n, 3),
        "speaker_right": speaker_ok,
        "speaker_right_share": round(speaker_ok / n, 3),
        "speaker_right_share_of_found": round(speaker_ok / max(found, 1), 3),
        "is_partial_agreement": round(partial_ok / max(found, 1), 3),
        "description_labelled": desc_total,
        "description_exact": desc_ok,
        "errors": errors,
    }


def sample_groups(split: Any) -> dict[str, Any]:
    docs = []
    sents = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc_id = path.stem
        docs.append((doc_id, text))
        for n, (s, e) in enumerate(split(text)):
            sents.append((doc_id, n, 0, s, e, text[s:e], "body"))
    frame = Q.quotes(
        pl.DataFrame(docs, schema=["doc_id", "text"], orient="row"),
        pl.DataFrame(sents, schema=schema.polars_schema("sentences"), orient="row"),
    )
    grouped = Q.quote_groups(frame)
    multi = (
        grouped.filter(pl.col("quote_group_id").is_not_null())
        .group_by("quote_group_id")
        .agg(pl.col("doc_id").n_unique().alias("n_docs"), pl.col("quote_id"),
             pl.col("text").first().str.slice(0, 70).alias("text"))
        .filter(pl.col("n_docs") >= 2)
        .sort("n_docs", "quote_group_id", descending=[True, False])
    )
    committee = grouped.filter(pl.col("text").str.starts_with("Taking into account"))
    return {
        "quotes": grouped.height,
        "groups_across_documents": [
            {"group": r["quote_group_id"], "n_docs": r["n_docs"], "members": r["quote_id"],
             "text": r["text"]}
            for r in multi.iter_rows(named=True)
        ],
        "committee_statement_docs": committee.height,
        "committee_statement_one_group": committee["quote_group_id"].n_unique() == 1
        and committee["quote_group_id"].null_count() == 0,
    }




_PAIR = re.compile(r"[\"“]([^\"“”\n]+)[\"”]")


def speed(split: Any) -> dict[str, Any]:
    from transforms.sentences import sentences

    base = [
        str(json.loads(p.read_text(encoding="utf-8")).get("text") or "").replace("\n", "\n\n")
        for p in sorted(CORPUS.glob("*.json"))
    ]
    base = [t for t in base if t.strip()]
    copies = max(1, round(TARGET_MB / _mb(base)))
    big = base * copies
    mb = _mb(big)
    base_spans = [split(t) for t in base]
    spans = base_spans * copies
    find = _timed(lambda: [Q.find_quotes(t, s) for t, s in zip(big, spans, strict=True)], mb, REPEATS)
    splitter = _timed(lambda: [split(t) for t in big], mb, REPEATS)
    pairs = _timed(lambda: [_PAIR.findall(t) for t in big], mb, REPEATS)
    n = sum(len(Q.find_quotes(t, s)) for t, s in zip(base, base_spans, strict=True)) * copies
    docs = pl.DataFrame({"doc_id": [f"d{i:06d}" for i in range(len(big))], "text": big})
    sents = sentences(docs)
    frame = _timed(lambda: Q.quotes(docs, sents), mb, REPEATS)
    # Grouping at scale: the base corpus quotes copied under GROUP_COPIES doc ids.
    base_docs = docs.head(len(base))
    base_quotes = Q.quotes(base_docs, sents.filter(pl.col("doc_id").is_in(base_docs["doc_id"].to_list())))
    many = pl.concat([
        base_quotes.with_columns((pl.col("quote_id") + f"#{k}").alias("quote_id"),
                                 (pl.col("doc_id") + f"#{k}").alias("doc_id"))
        for k in range(GROUP_COPIES)
    ])
    groups = _timed(lambda: Q.quote_groups(many), 0.0, 2)
    return {
        "corpus_mb": round(mb, 3),
        "documents": len(big),
        "base_documents": len(base),
        "copies": copies,
        "quotes_found": n,
        "find_quotes": find,
        "quotes_frame": frame,
        "peer_sentence_split": splitter,
        "peer_regex_pairs": pairs,
        "ratio_to_sentence_split": round(find["cpu_seconds"] / splitter["cpu_seconds"], 2)
        if splitter["cpu_seconds"] else None,
        "ratio_to_regex_pairs": round(find["cpu_seconds"] / pairs["cpu_seconds"], 1)
        if pairs["cpu_seconds"] else None,
        "quote_groups_n_quotes": many.height,
        "quote_groups_cpu_s": groups["cpu_seconds"],
        "quote_groups_wall_s": groups["wall_seconds"],
    }


def main() -> None:
    name, split = _splitter()
    result: dict[str, Any] = {"sentence_splitter": name, "accuracy": evaluate(split),
              "accuracy_dev": evaluate(split, "dev"),
              "accuracy_heldout": evaluate(split, "heldout"),
              "sample_groups": sample_groups(split), "speed": speed(split)}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "quotes.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    a, g, s = result["accuracy"], result["sample_groups"], result["speed"]
    dev, held = result["accuracy_dev"], result["accuracy_heldout"]
    lines = [
        "# quotes benchmark",
        "",
        f"Command: `.venv/bin/python -m bench.quotes`. Sentence spans from: {name}. Speed: "
        f"{s['base_documents']} giveme5w1h texts x{s['copies']} = {s['corpus_mb']} MB ({s['documents']} documents, "
        f"{s['quotes_found']} quotes), paragraphs separated by a blank line as in documents.text, one document per "
        f"call, best of {REPEATS}; MB/s (CPU) is text size over this process's CPU time, wall-clock in brackets "
        "(the machine is shared: wall-clock is lower and noisy). See docs/quotes.md.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| labelled quotes (documents) | {a['labels']} ({a['documents']}) | >= 60 |",
        f"| share found | {a['found_share']} | >= 0.95 |",
        f"| share with the right speaker | {a['speaker_right_share']} | >= 0.9 |",
        f"| dev part ({dev['labels']} quotes, rules tuned on it): found / speaker | "
        f"{dev['found_share']} / {dev['speaker_right_share']} | |",
        f"| held-out part ({held['labels']} quotes, labelled before any run): found / speaker | "
        f"{held['found_share']} / {held['speaker_right_share']} | |",
        f"| right speaker among found | {a['speaker_right_share_of_found']} | |",
        f"| is_partial agreement (found) | {a['is_partial_agreement']} | |",
        f"| description exact (labelled) | {a['description_exact']}/{a['description_labelled']} | |",
        f"| sample: committee statement in one group | {g['committee_statement_one_group']} "
        f"({g['committee_statement_docs']} docs) | |",
        f"| sample: groups across documents | {len(g['groups_across_documents'])} | |",
        f"| find_quotes speed, CPU (wall) | {s['find_quotes']['mb_per_s']} MB/s "
        f"({s['find_quotes']['wall_mb_per_s']} MB/s) on {s['corpus_mb']} MB | >= 15 MB/s CPU |",
        f"| quotes(df) speed, CPU (wall) | {s['quotes_frame']['mb_per_s']} MB/s "
        f"({s['quotes_frame']['wall_mb_per_s']} MB/s) | >= 15 MB/s CPU |",
        f"| peers, CPU: sentence splitter / regex pairs | {s['peer_sentence_split']['mb_per_s']} / "
        f"{s['peer_regex_pairs']['mb_per_s']} MB/s | |",
        f"| find_quotes time vs sentence splitter / regex pairs (CPU) | x{s['ratio_to_sentence_split']} / "
        f"x{s['ratio_to_regex_pairs']} | |",
        f"| quote_groups on {s['quote_groups_n_quotes']} quotes, CPU (wall) | {s['quote_groups_cpu_s']} s "
        f"({s['quote_groups_wall_s']} s) | |",
        "",
        "## Misses",
        "",
    ]
    lines += [
        f"- {e['doc'].split('/')[-1][:12]} \"{e['quote'][:40]}\": {e['error']}"
        + (f" (expected {e['expected']!r}, got {e['got']!r})" if e["error"] == "speaker" else "")
        for e in a["errors"]
    ]
    lines += ["", "## Sample groups across documents", ""]
    lines += [f"- {x['n_docs']} docs: {x['text']!r}" for x in g["groups_across_documents"]]
    (OUT / "quotes.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
