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
- authors: a JSON author string that looks like a person's name (2-4 words, each
  capitalised; no digit, dot-com, or Press/News/Reporter/Published/Staff/Agency word) is
  carried when it appears verbatim in one of the first 5 or last 5 non-empty lines that
  is short (at most 12 words: a byline, a signature) or that starts with the name
  followed by " is " (an author bio), or when any line is "Follow <name> on Twitter";
- outlet: the readable outlet name of source_domain (``transforms.lexicon.outlets``; for
  an unlisted domain, any name whose letters spell the domain's first label, so
  "Hawaii News Now" for hawaiinewsnow.com) is carried when one of the first 5 or last 5
  non-empty lines credits it: the line starts with "(Outlet)" or "(Outlet 10/03/2017
  page4)" (a newspaper credit), has "(Outlet) -" / "(Outlet) Text" (a dateline credit),
  is "Source: Outlet", is a copyright line (contains "Copyright" or "©") naming it, or is
  an author bio ("... is ... to/for/at Outlet", "... is Outlet's ..."). A dateline
  credit naming a WIRE AGENCY ("(Reuters) -") does not carry the outlet: it names who
  wrote the story, not who published it (in this corpus 1 of the 10 "(Reuters)"
  datelines is on reuters.com).

Next to each carried count the bench reports how many records have the JSON value
ANYWHERE in the text (title as a substring, the day in any of the forms above, an author
name, the outlet name): an upper bound showing that the carried sets are small because
news-please's ``text`` field rarely keeps its page header, not because the rules are
narrow.

Precision = correct predictions / predictions, over ALL records (a title predicted for a
text that has none counts as wrong); for authors only over records whose JSON lists
authors (news-please often misses a byline the text has, so an empty list cannot judge). Recall = correct / carried. A title or outlet is
correct when equal (case and spacing ignored); a date when the day is equal; an author
when it equals a JSON author (case ignored).

A second, SYNTHETIC test (reported separately, optimistic because its header forms are
the ones the rules were written for) renders every record as a scraped plain-text file:
the real JSON title, description, date and authors placed in one of eight header/footer
layouts taken from the sample articles (Press TV id + GMT line + repeated title, TRT
"date ... WORLD" + standfirst + date line, UrduPoint byline with relative time, Xinhua
"Outlet | Updated:", Irish Times signature + bio, "By A and B" + date line, a bare
title, and no header at all). It measures how the rules cope with real titles and
names: title, day, authors and outlet are compared with what the layout put in.

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
from transforms.lexicon.agencies import ALIASES as AGENCY_ALIASES
from transforms.text import normalise

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "giveme5w1h"
SAMPLE = ROOT / "data" / "sample"
OUT = ROOT / "bench" / "results"
TARGET_MB = 20.0
MONTH_NAMES = ("January February March April May June July August September October November December").split()


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _canon(s: str | None) -> str:
    return " ".join(normalise(s or "").translate(_QUOTES).casefold().split()).strip(" .:;,")


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


def _author_carried(name: str, lines: list[str], all_lines: list[str]) -> bool:
    follow = re.compile(rf"^follow {re.escape(name)} on twitter\b", re.IGNORECASE)
    return (any(name in ln and (len(ln.split()) <= 12 or ln.startswith(name + " is ")) for ln in lines)
            or any(follow.match(ln) for ln in all_lines))


_ANY_NAME = r"(?P<o>[A-Z][\w&'’.!-]*(?: [A-Z][\w&'’.!-]*){0,4})"
_CREDITS = (
    # (pattern with the outlet name as group o, is a dateline credit)
    (re.compile(rf"^\({_ANY_NAME}(?:\)|\s+\d)"), False),
    (re.compile(rf"\({_ANY_NAME}\)\s*(?:[-—–]|(?=[A-Z]))"), True),
    (re.compile(rf"^source:\s*{_ANY_NAME}\.?$", re.IGNORECASE), False),
    (re.compile(rf"^[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){{1,3}} is .*(?:\b(?:to|for|at) {_ANY_NAME}|\bis {_ANY_NAME.replace('?P<o>', '?P<o2>')}['’]s\b)"), False),
)


def _squash(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^the\s+", "", s.casefold()))


def _outlet_equal(name: str | None, gold: str, domain: str) -> bool:
    """Same outlet: equal readable names, or a name spelling an unlisted domain's first label."""
    if not name or not gold:
        return False
    if _canon(name) == _canon(gold):
        return True
    label = gold.split(".")[0] if "." in gold else ""
    return bool(label) and _squash(name) == _squash(label)


def _outlet_carried(gold: str, domain: str, lines: list[str]) -> bool:
    for ln in lines:
        for pat, dateline in _CREDITS:
            for m in pat.finditer(ln):
                names = [g for g in m.groups() if g]
                # A prefix of the captured words may be the name ("(China Daily 10/03/2017 page4)").
                for o in names:
                    words = o.split()
                    if any(_outlet_equal(" ".join(words[:k]), gold, domain) for k in range(1, len(words) + 1)):
                        if not (dateline and o.strip() in AGENCY_ALIASES):
                            return True
        if re.search(r"copyright|©", ln, re.IGNORECASE):
            label = gold.split(".")[0] if "." in gold else ""
            if re.search(rf"\b{re.escape(gold)}\b", ln, re.IGNORECASE) or (label and _squash(label) in _squash(ln)):
                return True
    return False


_NAMEISH = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,3}$")


_NOT_PERSON = re.compile(r"\d|\.com|\b(?:press|news|reporter|published|associated|staff|agency|agencies)\b", re.IGNORECASE)


def _person_names(rec: dict[str, Any]) -> list[str]:
    """JSON authors that look like a person's name (the JSON also lists outlets and noise)."""
    return [a for a in rec.get("authors") or [] if _NAMEISH.match(a) and not _NOT_PERSON.search(a)]


def _title_carried(title: str, head: list[str]) -> bool:
    return bool(title) and any(_canon(x).startswith(_canon(title)) for x in head)


def _anywhere(rec: dict[str, Any], text: str, lines: list[str]) -> dict[str, int]:
    """Whether the JSON value is written anywhere in the text (an upper bound on 'carried')."""
    flat = _canon(text)
    title = _canon(rec.get("title"))
    day = datetime.fromisoformat(rec["date_publish"]) if rec.get("date_publish") else None
    domain = rec.get("source_domain") or ""
    outlet = _outlet_from_domain(domain)
    label = outlet.split(".")[0] if "." in outlet else ""
    return {
        "title": int(bool(title) and title in flat),
        "date": int(day is not None and _day_written(day, [" ".join(ln.split()[:12]) for ln in lines]
                                                     + [ln[k:k + 60] for ln in lines for k in range(0, len(ln), 40)])),
        "authors": sum(a in text for a in _person_names(rec)),
        "outlet": int(bool(outlet) and (re.search(rf"\b{re.escape(outlet)}\b", text, re.IGNORECASE) is not None
                                        or (bool(label) and _squash(label) in _squash(text)))),
    }


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
    counts = {f: {"predicted": 0, "carried": 0, "anywhere": 0, "correct_predicted": 0, "correct_carried": 0}
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
        for f, hit in _anywhere(rec, text, lines).items():
            counts[f]["anywhere"] += hit
        # title
        gold_t = rec.get("title") or ""
        carried = _title_carried(gold_t, head)
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
        gold_a = _person_names(rec)
        gold_keys = {_canon(a) for a in rec.get("authors") or []}
        carried_a = [a for a in gold_a if _author_carried(a, head + tail, lines)]
        got = [_canon(a) for a in doc.authors]
        correct = sum(g in gold_keys for g in got)
        found = sum(_canon(a) in got for a in carried_a)
        # precision is only judged where the JSON names authors at all
        judged = bool(rec.get("authors"))
        tally("authors", len(got) if judged else 0, len(carried_a), correct if judged else 0, found)
        if correct < len(got) or found < len(carried_a):
            misses.append(f"author gold={rec.get('authors')} carried={carried_a} got={doc.authors}")
        # outlet
        domain = rec.get("source_domain") or ""
        gold_o = _outlet_from_domain(domain)
        carried = bool(gold_o) and _outlet_carried(gold_o, domain, head + tail)
        ok = _outlet_equal(doc.outlet, gold_o, domain)
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


_LAYOUTS = 8
_DOW = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _render(i: int, rec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A scraped-looking text for ``rec`` and what it carries (title, day, authors, outlet)."""
    title = " ".join((rec.get("title") or "").split())
    desc = " ".join((rec.get("description") or "").split())
    day = datetime.fromisoformat(rec["date_publish"]) if rec.get("date_publish") else datetime(2018, 1, 1, 9, 30)
    names = _person_names(rec)
    outlet = _outlet_from_domain(rec.get("source_domain") or "")
    body = rec["text"]
    month = MONTH_NAMES[day.month - 1]
    layout = i % _LAYOUTS
    gold: dict[str, Any] = {"title": title, "day": day.date(), "authors": [], "outlet": None,
                            "judge_authors": layout in (3, 4, 5) and bool(names), "judge_outlet": layout == 4 and bool(names)}
    if layout == 0:
        text = f"{title}\nXinhua | Updated: {day:%Y-%m-%d %H:%M}\n{body}"
    elif layout == 1:
        text = f"News ID: {1000 + i}\nPublished: {day:%H%M} GMT {month} {day:%d}, {day.year}\n\n{title}\n\n{title}\n\n{body}"
    elif layout == 2:
        std = f"{desc}\n" if desc else ""
        text = f" date {day:%Y-%m-%d} WORLD\n{title}\n{std}{month} {day.day}, {day.year}\n\n{body}"
    elif layout == 3 and names:
        text = (f"{title}\n\n{names[0]} 6 minutes ago {_DOW[day.weekday()]} {_ordinal(day.day)} {month} {day.year} | "
                f"{day:%I:%M %p}\n\n{title}\n\n{body}")
        gold["authors"] = names[:1]
    elif layout == 4 and names:
        text = f"{title}\n\n{body}\n\n{names[0]}\n\n{names[0]}\n\n{names[0]} is a contributor to {outlet} from Europe"
        gold.update(authors=names[:1], outlet=outlet if "." not in outlet else None, day=None)
    elif layout == 5 and names:
        text = f"{title}\nBy {' and '.join(names[:2])}\n{month} {day.day}, {day.year}\n\n{body}"
        gold["authors"] = names[:2]
    elif layout == 6:
        text = body
        gold.update(title=None, day=None)
    else:
        text = f"{title}\n\n{body}"
        gold["day"] = None
    if layout in (3, 4, 5) and not names:
        text = f"{title}\n{month} {day.day}, {day.year}\n\n{body}"
        gold["day"] = day.date()
    if layout == 6 and _title_carried(title, _lines(body)[:5]):
        gold["title"] = title  # the text itself starts with its headline
    return text, gold


def synthetic(recs: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    counts = {f: [0, 0, 0] for f in ("title", "date", "authors", "outlet")}  # predicted, carried, correct
    for i, rec in enumerate(recs):
        text, gold = _render(i, rec)
        doc = parse_document(text)
        pairs = {
            "title": ([_canon(doc.title)] if doc.title else [], [_canon(gold["title"])] if gold["title"] else []),
            "date": ([str(doc.published_at.date())] if doc.published_at else [], [str(gold["day"])] if gold["day"] else []),
            "authors": ([_canon(a) for a in doc.authors], [_canon(a) for a in gold["authors"]]),
            "outlet": ([_canon(doc.outlet)] if doc.outlet else [], [_canon(gold["outlet"])] if gold["outlet"] else []),
        }
        for f, (got, want) in pairs.items():
            if (f == "authors" and not gold["judge_authors"]) or (f == "outlet" and not gold["judge_outlet"]):
                continue  # judged only where the layout put them (the real text may carry others)
            c = counts[f]
            c[0] += len(got)
            c[1] += len(want)
            c[2] += sum(g in want for g in got)
    return {f: {"predicted": p, "carried": w, "correct": k,
                "precision": round(k / p, 3) if p else 1.0, "recall": round(k / w, 3) if w else 1.0}
            for f, (p, w, k) in counts.items()}


def _records_frame(texts: list[str], metas: list[str | None]) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame({
        "doc_id": [f"{i:016x}" for i in range(n)], "source_path": [f"bench/{i}.txt" for i in range(n)],
        "source_format": ["txt"] * n, "content_sha256": [f"{i:064x}" for i in range(n)],
        "raw_text": texts, "meta_json": metas,
    })


def speed(recs: list[dict[str, Any]]) -> dict[str, float]:
    base: list[tuple[str, str | None]] = [(r["text"], json.dumps({k: r.get(k) for k in ("title", "description", "authors", "date_publish",
                                                          "source_domain", "url", "language")}))
            for r in recs]
    base += [(p.read_text(encoding="utf-8"), None) for p in sorted(SAMPLE.glob("*.txt"))]
    size = sum(len(t.encode("utf-8")) for t, _ in base)
    reps = max(1, round(TARGET_MB * 1e6 / size))
    texts = [t for t, _ in base] * reps
    metas = [m for _, m in base] * reps
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    out: dict[str, float] = {"mb": round(mb, 2), "documents": len(texts)}

    def timed(name: str, fn: Any, digits: int) -> None:
        # Wall clock, and this process's CPU time: the machine is shared, so the wall figure
        # moves with the load; the CPU figure of the single-threaded stages does not.
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        out[f"{name}_mb_s"] = round(mb / (time.perf_counter() - w0), digits)
        out[f"{name}_cpu_mb_s"] = round(mb / (time.process_time() - c0), digits)

    frame_plain = _records_frame(texts, [None] * len(texts))
    frame_meta = _records_frame(texts, metas)
    s = pl.Series(texts)
    timed("floor_polars_regex_count", lambda: s.str.count_matches(r"\d+").sum(), 1)
    timed("normalise_only", lambda: [normalise(t) for t in texts], 1)
    timed("documents_meta_hidden", lambda: documents(frame_plain), 2)
    timed("documents_with_meta", lambda: documents(frame_meta), 2)
    out["documents_vs_floor"] = round(out["documents_meta_hidden_mb_s"] / out["floor_polars_regex_count_mb_s"], 4)
    return out


def main() -> None:
    recs = _load()
    acc = accuracy(recs)
    misses = acc.pop("_misses")
    syn = synthetic(recs)
    spd = speed(recs)
    result = {"records": len(recs), "accuracy": acc, "synthetic_headers": syn, "speed": spd}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "metadata.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    rows = ["| field | predicted | carried (header/footer) | anywhere in text | precision | recall |",
            "| --- | --- | --- | --- | --- | --- |"]
    for f, c in acc.items():
        rows.append(f"| {f} | {c['predicted']} | {c['carried']} | {c['anywhere']} | {c['precision']:.3f} | {c['recall']:.3f} |")
    syn_rows = ["| field | predicted | in header | precision | recall |", "| --- | --- | --- | --- | --- |"]
    for f, c in syn.items():
        syn_rows.append(f"| {f} | {c['predicted']} | {c['carried']} | {c['precision']:.3f} | {c['recall']:.3f} |")
    md = [
        "# Metadata from plain text (giveme5w1h, JSON metadata hidden)", "",
        f"{len(recs)} records; rules for 'carried' in `bench/metadata.py`.", "", *rows, "",
        "Synthetic headers (real titles, dates and names in the sample layouts; optimistic):", "",
        *syn_rows, "",
        f"Speed on {spd['mb']} MB ({int(spd['documents'])} documents), same run:", "",
        "| stage | MB/s (wall clock) | MB/s (CPU time of this process) |", "| --- | --- | --- |",
        *(f"| {label} | {spd[key + '_mb_s']} | {spd[key + '_cpu_mb_s']} |" for label, key in (
            ("floor: Polars regex count (multi-threaded: CPU time sums the threads)", "floor_polars_regex_count"),
            ("normalise() only", "normalise_only"),
            ("documents(), meta hidden", "documents_meta_hidden"),
            ("documents(), with meta", "documents_with_meta"))),
        "",
    ]
    (OUT / "metadata.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))
    print("\n".join(str(m) for m in misses))  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
