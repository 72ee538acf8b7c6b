"""Metadata accuracy and speed of ``transforms.documents`` on plain text.

Accuracy: the 271 giveme5w1h news-please records. The JSON metadata is hidden
(``parse_document(text, meta=None)``) and the extracted title, publication day, authors
and outlet are compared with the JSON values, only where the text carries them. The
"carries" rules are mechanical and independent of the parser:

- title: the JSON title (case, spacing and curly quotes ignored) is one whole line, or
  the start of a line, among the first 5 non-empty lines of the text;
- date: the JSON date_publish day is written as ``YYYY-MM-DD`` or as month name + day +
  year (``July 5, 2021``, ``5 July 2021``, ``Jul 5 2021``) in one of the first 5
  non-empty lines that is a header line: at most 12 words, or the date right after a
  label (Updated, Published, Posted, Date). A body sentence that mentions the day does
  not count;
- authors: a JSON author string that looks like a name (2-4 words, each capitalised, no
  digit, no dot-com) is carried when it appears verbatim in one of the first 5 or last 5
  non-empty lines that is short (at most 12 words: a byline, a signature, "Follow X on
  Twitter") or that starts with the name followed by " is " (an author bio);
- outlet: the readable outlet name of source_domain (``transforms.lexicon.outlets``) is
  carried when one of the first 5 or last 5 non-empty lines credits it: the line starts
  with "(Outlet)" or has "(Outlet) -" / "(Outlet) Text" (a dateline credit), is
  "Source: Outlet", is a copyright line (contains "Copyright" or "©") naming it, or is
  an author bio ("... is ... to/for/at Outlet", "... is Outlet's ...").

Precision = correct predictions / predictions, over ALL records (a title predicted for a
text that has none counts as wrong); for authors only over records whose JSON lists
authors (news-please often misses a byline the text has, so an empty list cannot judge). Recall = correct / carried. A title or outlet is
correct when equal (case and spacing ignored); a date when the day is equal; an author
when it equals a JSON author (case ignored).

Speed: the giveme5w1h texts and the five samples replicated to ~20 MB, parsed by
``documents()`` (meta hidden, and with meta), against two peers on the same bytes in the
same run: a Polars regex count (the floor every stage is measured against) and
``transforms.text.normalise`` alone.

Run: ``cd /work/main && .venv/bin/python -m bench.metadata``.
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from transforms.documents import _outlet_from_domain, documents, parse_document
from transforms.text import normalise

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "giveme5w1h"
SAMPLE = ROOT / "data" / "sample"
OUT = ROOT / "bench" / "results"
TARGET_MB = 20.0
MONTH_NAMES = ("January February March April May June July August September October November December").split()


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _canon(s: str | None) -> str:
    return " ".join((s or "").translate(_QUOTES).casefold().split()).strip(" .:;,")


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in normalise(text).split("\n") if ln.strip()]


_LABELLED = re.compile(r"\b(?:updated|published|posted|date)\b\s*:?\s*$", re.IGNORECASE)


def _day_written(day: datetime, lines: list[str]) -> bool:
    full, abbr = MONTH_NAMES[day.month - 1], MONTH_NAMES[day.month - 1][:3]
    forms = [
        re.escape(f"{day:%Y-%m-%d}"),
        rf"\b(?:{full}|{abbr})\.?\s+0?{day.day}(?:st|nd|rd|th)?,?\s+{day.year}\b",
        rf"\b0?{day.day}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{full}|{abbr})\.?,?\s+{day.year}\b",
    ]
    pat = re.compile("|".join(forms), re.IGNORECASE)
    for ln in lines:
        m = pat.search(ln)
        if m and (len(ln.split()) <= 12 or _LABELLED.search(ln[: m.start()])):
            return True
    return False


def _author_carried(name: str, lines: list[str]) -> bool:
    return any(name in ln and (len(ln.split()) <= 12 or ln.startswith(name + " is ")) for ln in lines)


def _outlet_carried(name: str, lines: list[str]) -> bool:
    n = re.escape(name)
    credit = re.compile(
        rf"^\({n}\)|\({n}\)\s*(?:[-—–]|(?=[A-Z]))|^source:\s*{n}\.?$|^(?=.*(?:copyright|©)).*\b{n}\b|"
        rf"^[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){{1,3}} is .*(?:\b(?:to|for|at) {n}\b|\b{n}['’]s\b)",
        re.IGNORECASE,
    )
    return any(credit.search(ln) for ln in lines)


_NAMEISH = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,3}$")


def _load() -> list[dict[str, Any]]:
    recs = []
    for path in sorted(CORPUS.glob("*.json")):
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("text"), str):
            recs.append(rec)
    return recs


def accuracy(recs: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    counts = {f: {"predicted": 0, "carried": 0, "correct_predicted": 0, "correct_carried": 0}
              for f in ("title", "date", "authors", "outlet")}
    misses: list[str] = []

    def tally(field: str, predicted: int, carried: int, correct_p: int, correct_c: int) -> None:
        c = counts[field]
        c["predicted"] += predicted
        c["carried"] += carried
        c["correct_predicted"] += correct_p
        c["correct_carried"] += correct_c

    for rec in recs:
        text = rec["text"]
        doc = parse_document(text, meta=None)
        lines = _lines(text)
        head, tail = lines[:5], lines[-5:]
        # title
        gold_t = rec.get("title") or ""
        carried = bool(gold_t) and any(_canon(x).startswith(_canon(gold_t)) for x in head)
        ok = doc.title is not None and _canon(doc.title) == _canon(gold_t)
        tally("title", doc.title is not None, carried, ok, ok and carried)
        if (doc.title is not None) != carried or (doc.title and not ok):
            misses.append(f"title  gold={gold_t!r} carried={carried} got={doc.title!r}")
        # date
        gold_d = rec.get("date_publish")
        day = datetime.fromisoformat(gold_d) if gold_d else None
        carried = day is not None and _day_written(day, head)
        got_day = doc.published_at.date() if doc.published_at else None
        ok = got_day is not None and day is not None and got_day == day.date()
        tally("date", got_day is not None, carried, ok, ok and carried)
        if (got_day is not None) != carried or (got_day and not ok):
            misses.append(f"date   gold={gold_d} carried={carried} got={doc.published_at} ({doc.published_at_source})")
        # authors
        gold_a = [a for a in rec.get("authors") or [] if _NAMEISH.match(a) and not re.search(r"\d|\.com", a, re.I)]
        gold_keys = {_canon(a) for a in rec.get("authors") or []}
        carried_a = [a for a in gold_a if _author_carried(a, head + tail)]
        got = [_canon(a) for a in doc.authors]
        correct = sum(g in gold_keys for g in got)
        found = sum(_canon(a) in got for a in carried_a)
        # precision is only judged where the JSON names authors at all
        judged = bool(rec.get("authors"))
        tally("authors", len(got) if judged else 0, len(carried_a), correct if judged else 0, found)
        if correct < len(got) or found < len(carried_a):
            misses.append(f"author gold={rec.get('authors')} carried={carried_a} got={doc.authors}")
        # outlet
        gold_o = _outlet_from_domain(rec.get("source_domain") or "")
        carried = bool(gold_o) and _outlet_carried(gold_o, head + tail)
        ok = doc.outlet is not None and _canon(doc.outlet) == _canon(gold_o)
        tally("outlet", doc.outlet is not None, carried, ok, ok and carried)
        if (doc.outlet is not None) != carried or (doc.outlet and not ok):
            misses.append(f"outlet gold={gold_o!r} carried={carried} got={doc.outlet!r}")

    result: dict[str, dict[str, float | int]] = {}
    for f, c in counts.items():
        p = c["correct_predicted"] / c["predicted"] if c["predicted"] else 1.0
        r = c["correct_carried"] / c["carried"] if c["carried"] else 1.0
        result[f] = {**c, "precision": round(p, 3), "recall": round(r, 3)}
    result["_misses"] = misses  # type: ignore[assignment]
    return result


def _records_frame(texts: list[str], metas: list[str | None]) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame({
        "doc_id": [f"{i:016x}" for i in range(n)], "source_path": [f"bench/{i}.txt" for i in range(n)],
        "source_format": ["txt"] * n, "content_sha256": [f"{i:064x}" for i in range(n)],
        "raw_text": texts, "meta_json": metas,
    })


def speed(recs: list[dict[str, Any]]) -> dict[str, float]:
    base = [(r["text"], json.dumps({k: r.get(k) for k in ("title", "description", "authors", "date_publish",
                                                          "source_domain", "url", "language")}))
            for r in recs]
    base += [(p.read_text(encoding="utf-8"), None) for p in sorted(SAMPLE.glob("*.txt"))]
    size = sum(len(t.encode("utf-8")) for t, _ in base)
    reps = max(1, round(TARGET_MB * 1e6 / size))
    texts = [t for t, _ in base] * reps
    metas = [m for _, m in base] * reps
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    out: dict[str, float] = {"mb": round(mb, 2), "documents": len(texts)}

    def timed(fn: Any) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    frame_plain = _records_frame(texts, [None] * len(texts))
    frame_meta = _records_frame(texts, metas)
    s = pl.Series(texts)
    out["floor_polars_regex_count_mb_s"] = round(mb / timed(lambda: s.str.count_matches(r"\d+").sum()), 1)
    out["normalise_only_mb_s"] = round(mb / timed(lambda: [normalise(t) for t in texts]), 1)
    out["documents_meta_hidden_mb_s"] = round(mb / timed(lambda: documents(frame_plain)), 2)
    out["documents_with_meta_mb_s"] = round(mb / timed(lambda: documents(frame_meta)), 2)
    out["documents_vs_floor"] = round(out["documents_meta_hidden_mb_s"] / out["floor_polars_regex_count_mb_s"], 4)
    return out


def main() -> None:
    recs = _load()
    acc = accuracy(recs)
    misses = acc.pop("_misses")
    spd = speed(recs)
    result = {"records": len(recs), "accuracy": acc, "speed": spd}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "metadata.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    rows = ["| field | predicted | carried | precision | recall |", "| --- | --- | --- | --- | --- |"]
    for f, c in acc.items():
        rows.append(f"| {f} | {c['predicted']} | {c['carried']} | {c['precision']:.3f} | {c['recall']:.3f} |")
    md = [
        "# Metadata from plain text (giveme5w1h, JSON metadata hidden)", "",
        f"{len(recs)} records; rules for 'carried' in `bench/metadata.py`.", "", *rows, "",
        f"Speed on {spd['mb']} MB ({int(spd['documents'])} documents), same run:", "",
        "| stage | MB/s |", "| --- | --- |",
        f"| floor: Polars regex count | {spd['floor_polars_regex_count_mb_s']} |",
        f"| normalise() only | {spd['normalise_only_mb_s']} |",
        f"| documents(), meta hidden | {spd['documents_meta_hidden_mb_s']} |",
        f"| documents(), with meta | {spd['documents_with_meta_mb_s']} |", "",
    ]
    (OUT / "metadata.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))
    print("\n".join(str(m) for m in misses))  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
