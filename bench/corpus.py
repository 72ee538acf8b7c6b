"""Build a benchmark corpus of N distinct articles from the giveme5w1h corpus and the samples.

Each article is a base article with its ids, dates and numbers varied (so no two files are
identical and copies are not trivial), written as a mix of .txt (with a header) and
news-please .json files. ``python -m bench.corpus N [--mode events|copies] [--out DIR]``.

Two shapes, because a real archive of N articles is not the 276 base articles repeated:

- ``events`` (the default): the base corpus is repeated as "universes". Universe 0 is the
  base corpus; in universe u > 0 every content word is renamed through a permutation of
  the corpus vocabulary drawn for u (case kept; stop words, the rule lexicons' words and
  numbers untouched), and dates move u * 10 days later. So each universe holds the same
  event structure as giveme5w1h (stories of a few outlets, syndicated copies, disagreeing
  numbers) about events no other universe shares: story sizes stay the same whatever N,
  as in a real archive where more articles mostly means more events.
- ``copies`` (the stress shape): every base article repeated N / 276 times with only ids,
  dates and numbers varied. Nearly every article is then a syndicated copy of one of 60
  ever-growing stories (60 stories of up to 1,000 documents at 10,000): the worst case for
  the cross-document steps, not a realistic archive.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "giveme5w1h"
SAMPLE = ROOT / "data" / "sample"
DEFAULT_OUT = ROOT / "bench" / "corpus"
MODES = ("events", "copies")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
UNIVERSE_SHIFT_DAYS = 10
_SAMPLE_DAY = datetime(2021, 7, 5, 12, 0)  # the sample articles' event


def corpus_dir(n: int, mode: str = "events") -> Path:
    """Where the N-article corpus of a mode lives (``copies`` keeps the historical name)."""
    return DEFAULT_OUT / (str(n) if mode == "copies" else f"{mode}_{n}")


_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def _lexicon_words(*names: str) -> set[str]:
    """Lower-cased words of the rule lexicons (``transforms/lexicon/<name>.py``; all when no name)."""
    paths = [ROOT / "transforms" / "lexicon" / f"{n}.py" for n in names] if names \
        else sorted((ROOT / "transforms" / "lexicon").glob("*.py"))
    return {w.lower() for path in paths for w in _WORD.findall(path.read_text(encoding="utf-8"))}


def _vocabulary(bases: list[dict[str, object]]) -> list[str]:
    """The words renamed in universes > 0: what makes one event another.

    Renamed: every proper noun ("Taliban", "Detroit": most of its uses are capitalised) and
    every other word except those the rules read (stop words, number words, units and
    counted nouns, speech verbs, header labels, web debris), calendar words and agency
    names: each universe keeps the base corpus's grammar for the parsers, and shares no
    content word with another (measured: stories do not cross universes).
    """
    kept = _lexicon_words("stopwords", "numbers_words", "units", "speech_verbs", "documents_header", "debris")
    never = _CALENDAR | _lexicon_words("agencies")
    lower: dict[str, int] = {}
    capital: dict[str, int] = {}
    seen: set[str] = set()
    for b in bases:
        for key in ("title", "description", "text", "raw"):
            for w in _WORD.findall(str(b.get(key) or "")):
                counts = capital if w[0].isupper() else lower
                counts[w.lower()] = counts.get(w.lower(), 0) + 1
                seen.add(w.lower())
    out = []
    for w in sorted(seen):
        if len(w) < 3 or w in never:
            continue
        proper = capital.get(w, 0) > 4 * lower.get(w, 0)
        if proper or w not in kept:
            out.append(w)
    return out


def _rename(text: str, mapping: dict[str, str]) -> str:
    """Every vocabulary word replaced by its image, keeping its case pattern."""
    def repl(m: re.Match[str]) -> str:
        w = m.group(0)
        new = mapping.get(w.lower())
        if new is None:
            return w
        if w.isupper() and len(w) > 1:
            return new.upper()
        if w[0].isupper():
            return new[0].upper() + new[1:]
        return new

    return _WORD.sub(repl, text)


def _bases() -> list[dict[str, object]]:
    bases: list[dict[str, object]] = []
    for path in sorted(CORPUS.glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        bases.append({k: rec.get(k) for k in ("title", "description", "text", "authors", "date_publish",
                                              "source_domain", "url", "language")})
    for path in sorted(SAMPLE.glob("*.txt")):
        bases.append({"raw": path.read_text(encoding="utf-8")})
    return bases


def _vary_numbers(text: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        digits = m.group(0).replace(",", "")
        if len(digits) == 4 and digits.startswith(("19", "20")):
            return m.group(0)  # keep years readable
        n = int(digits) + rng.randint(0, 9)
        return f"{n:,}" if "," in m.group(0) else str(n)

    return _NUMBER.sub(repl, text)


def build(n: int, out: Path | None = None, seed: int = 7, mode: str = "events") -> Path:
    """Write ``n`` articles under ``out`` (skipped when it already holds exactly ``n``)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    out = out or corpus_dir(n, mode)
    out.mkdir(parents=True, exist_ok=True)
    existing = list(out.glob("*/*"))
    if len(existing) == n:
        return out
    for p in existing:
        p.unlink()
    rng = random.Random(seed)
    bases = _bases()
    vocab = _vocabulary(bases) if mode == "events" else []
    mapping: dict[str, str] = {}
    start = datetime(2021, 1, 1)
    for i in range(n):
        universe, base = divmod(i, len(bases))
        base = dict(bases[base])
        if mode == "events" and universe and i % len(bases) == 0:
            images = vocab[:]
            random.Random(seed * 100_003 + universe).shuffle(images)
            mapping = dict(zip(vocab, images, strict=True))
        if mode == "events" and universe:
            base = {k: (_rename(v, mapping) if k in ("title", "description", "text", "raw") and isinstance(v, str)
                        else v) for k, v in base.items()}
        sub = out / f"{i // 1000:04d}"
        sub.mkdir(exist_ok=True)
        if mode == "events":
            published = base.get("date_publish")
            day = (datetime.fromisoformat(str(published)) if published else _SAMPLE_DAY) \
                + timedelta(days=UNIVERSE_SHIFT_DAYS * universe)
        else:
            day = start + timedelta(days=i % 700, minutes=i)
        if "raw" in base:
            text = _vary_numbers(str(base["raw"]), rng)
            # A renamed sample keeps its own header lines as text, under a dated header of its
            # universe (its own dates, undated or mangled by the number variation, would tie
            # every universe's copy of the event into one story).
            dated = f"Updated: {day:%Y-%m-%d %H:%M}\n\n" if mode == "events" and universe else ""
            (sub / f"a{i:07d}.txt").write_text(f"News ID: {i}\n{dated}{text}", encoding="utf-8")
        elif i % 2:
            header = f"{base['title']}\nUpdated: {day:%Y-%m-%d %H:%M}\n\n"
            (sub / f"a{i:07d}.txt").write_text(header + _vary_numbers(str(base["text"] or ""), rng), encoding="utf-8")
        else:
            rec = dict(base, text=_vary_numbers(str(base["text"] or ""), rng),
                       date_publish=f"{day:%Y-%m-%d %H:%M:%S}", url=f"{base['url']}?v={i}")
            (sub / f"a{i:07d}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", type=int)
    ap.add_argument("--mode", choices=MODES, default="events")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = build(args.n, args.out, mode=args.mode)
    print(out)


if __name__ == "__main__":
    main()
