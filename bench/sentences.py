"""Benchmark for transforms.sentences against pySBD, blingfire and spaCy's sentencizer.

Run: ``cd /work/main && .venv/bin/python -m bench.sentences``. Writes
bench/results/sentences.json and bench/results/sentences.md. About two minutes.

- Golden rules: tests/data/golden_rules_en.json (pySBD's 48 English cases); a case passes when
  the tool's sentences, whitespace trimmed and empty ones dropped, equal the expected list.
- Boundary set: tests/data/sentence_boundaries.jsonl (hand-checked, see docs/sentences.md).
  Each paragraph is segmented on its own; a boundary is the end offset of a sentence with
  trailing whitespace trimmed. The paragraph's own end is left out (every tool gets it right),
  so precision, recall and F1 are over the internal boundaries only.
- Speed: the giveme5w1h article texts (about 1 MB) repeated to about 20 MB, shaped as the
  pipeline's documents.text (paragraphs separated by a blank line), segmented one document at
  a time by every tool (pySBD on the 1 MB base only: at about 0.2 MB/s the full 20 MB would
  take minutes), best of ``REPEATS`` for the fast tools. Both CPU time of this process and
  wall-clock time are reported: the machine is shared, so wall-clock varies with the load and
  the ratios use CPU time. newsledger is also timed through ``sentences(df)`` (the frame the
  pipeline builds), blingfire also through ``text_to_sentences`` (no offsets, its fastest call).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from bench.timing import mb as _mb
from bench.timing import timed as _timed
from transforms.sentences import sentences, split_sentences

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden_rules_en.json"
BOUNDARIES = ROOT / "tests" / "data" / "sentence_boundaries.jsonl"
CORPUS = ROOT / "tests" / "data" / "giveme5w1h"
OUT = ROOT / "bench" / "results"
TARGET_MB = 20.0
REPEATS = 3

Spans = Callable[[str], list[tuple[int, int]]]


# --- the four segmenters, each as text -> [(start, end)] ------------------------------------


def _newsledger() -> Spans:
    def spans(text: str) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in split_sentences(text)]

    return spans


def _pysbd() -> Spans:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def spans(text: str) -> list[tuple[int, int]]:
        return [(c.start, c.end) for c in seg.segment(text)]

    return spans


def _blingfire() -> Spans:
    import blingfire

    def spans(text: str) -> list[tuple[int, int]]:
        if not text.strip():
            return []
        return list(blingfire.text_to_sentences_and_offsets(text)[1])

    return spans


def _spacy() -> Spans:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000

    def spans(text: str) -> list[tuple[int, int]]:
        return [(s.start_char, s.end_char) for s in nlp(text).sents]

    return spans


TOOLS: dict[str, Callable[[], Spans]] = {
    "newsledger": _newsledger,
    "pySBD 0.3.4": _pysbd,
    "blingfire": _blingfire,
    "spaCy sentencizer": _spacy,
}


# --- measures --------------------------------------------------------------------------------


def _pieces(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [p for p in (text[a:b].strip() for a, b in spans) if p]


def golden(spans: Spans) -> tuple[int, list[int]]:
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))
    failed = []
    for n, case in enumerate(cases, 1):
        expected = [s.strip() for s in case["sentences"] if s.strip()]
        if _pieces(case["text"], spans(case["text"])) != expected:
            failed.append(n)
    return len(cases) - len(failed), failed


def _ends(text: str, spans: list[tuple[int, int]]) -> set[int]:
    ends = {len(text[:b].rstrip()) for a, b in spans if text[a:b].strip()}
    return ends - {len(text.rstrip())}


def boundaries(spans: Spans) -> dict[str, Any]:
    rows = [json.loads(line) for line in BOUNDARIES.read_text(encoding="utf-8").splitlines() if line]
    tp = fp = fn = 0
    errors = []
    for row in rows:
        text = row["paragraph"]
        gold = set(row["ends"]) - {len(text.rstrip())}
        got = _ends(text, spans(text))
        tp += len(gold & got)
        fp += len(got - gold)
        fn += len(gold - got)
        for e in sorted(got ^ gold):
            kind = "extra" if e in got else "missed"
            errors.append(f"{kind}: {Path(row['doc']).stem[:12]} …{text[max(0, e - 40):e]}|{text[e:e + 25]}…")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn, "errors": errors}


def _corpus() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*.json")):
        text = json.loads(path.read_text(encoding="utf-8")).get("text") or ""
        if text.strip():
            texts.append(text)
    return texts




def speed(spans: Spans, texts: list[str], repeats: int) -> dict[str, float]:
    return _timed(lambda: [spans(t) for t in texts], _mb(texts), repeats)


def frame_speed(texts: list[str], repeats: int) -> dict[str, float]:
    docs = pl.DataFrame({"doc_id": [str(n) for n in range(len(texts))], "text": texts})
    return _timed(lambda: sentences(docs), _mb(texts), repeats)


def blingfire_plain_speed(texts: list[str], repeats: int) -> dict[str, float]:
    import blingfire

    return _timed(lambda: [blingfire.text_to_sentences(t) for t in texts], _mb(texts), repeats)


# --- run -------------------------------------------------------------------------------------


def run() -> dict[str, Any]:
    base = [t.replace("\n", "\n\n") for t in _corpus()]
    reps = max(1, round(TARGET_MB / _mb(base)))
    big = base * reps
    sample = base  # pySBD: the 1 MB base only
    results: dict[str, Any] = {"corpus": {"documents": len(big), "mb": round(_mb(big), 3),
                                          "base_documents": len(base), "copies": reps},
                               "tools": {}}
    for name, make in TOOLS.items():
        spans = make()
        passed, failed = golden(spans)
        res: dict[str, Any] = {"golden_passed": passed, "golden_failed": failed}
        res["boundaries"] = boundaries(spans)
        slow = name.startswith("pySBD")
        res["speed"] = speed(spans, sample if slow else big, 1 if slow or name.startswith("spaCy") else REPEATS)
        results["tools"][name] = res
        print(f"{name}: golden {passed}/48, F1 {res['boundaries']['f1']}, {res['speed']['mb_per_s']} MB/s",
              flush=True)
    results["tools"]["newsledger"]["frame_speed"] = frame_speed(big, REPEATS)
    results["tools"]["blingfire"]["plain_speed"] = blingfire_plain_speed(big, REPEATS)
    ours = results["tools"]["newsledger"]["speed"]["mb_per_s"]
    for res in results["tools"].values():
        res["speed"]["ours_vs_this"] = round(ours / res["speed"]["mb_per_s"], 2)
    return results


def _markdown(res: dict[str, Any]) -> str:
    c = res["corpus"]
    lines = [
        "# sentences benchmark",
        "",
        "Command: `.venv/bin/python -m bench.sentences`. Golden rules: tests/data/golden_rules_en.json; "
        "boundary set: tests/data/sentence_boundaries.jsonl (internal boundaries, hand-checked); "
        f"speed: {c['base_documents']} giveme5w1h texts x{c['copies']} = {c['mb']} MB, paragraphs separated by a "
        "blank line as in documents.text, one document per call (pySBD on the 1 MB base only). MB/s (CPU) is "
        "text size over this process's CPU time (best of 3; spaCy and pySBD one run); the machine is shared "
        "by other jobs, so wall-clock MB/s is lower and noisy; ratios use CPU time.",
        "",
        "| tool | golden rules (48) | boundary precision | recall | F1 | MB/s (CPU) | MB/s (wall) "
        "| newsledger speed / this |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in res["tools"].items():
        b, s = r["boundaries"], r["speed"]
        lines.append(f"| {name} | {r['golden_passed']} | {b['precision']} | {b['recall']} | {b['f1']} | "
                     f"{s['mb_per_s']} | {s['wall_mb_per_s']} | x{s['ours_vs_this']} |")
    fs = res["tools"]["newsledger"]["frame_speed"]
    bp = res["tools"]["blingfire"]["plain_speed"]
    lines += ["", f"newsledger through `sentences(df)` (the pipeline's frame): {fs['mb_per_s']} MB/s CPU, "
              f"{fs['wall_mb_per_s']} MB/s wall ({fs['mb']} MB).",
              f"blingfire `text_to_sentences` (no offsets): {bp['mb_per_s']} MB/s CPU, "
              f"{bp['wall_mb_per_s']} MB/s wall.", "",
              "Targets (issue 4): 48/48 golden rules, F1 >= 0.97, >= 30 MB/s.", "",
              "## Failed golden rules (case numbers, 1-based)", ""]
    for name, r in res["tools"].items():
        lines.append(f"- {name}: {r['golden_failed'] or 'none'}")
    lines += ["", "## newsledger boundary errors", ""]
    lines += [f"- {e}" for e in res["tools"]["newsledger"]["boundaries"]["errors"]] or ["- none"]
    return "\n".join(lines) + "\n"


def main() -> None:
    res = run()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sentences.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (OUT / "sentences.md").write_text(_markdown(res), encoding="utf-8")
    print((OUT / "sentences.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
