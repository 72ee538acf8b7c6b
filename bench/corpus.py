"""Build a benchmark corpus of N distinct articles from the giveme5w1h corpus and the samples.

Each article is a base article with its ids, dates and numbers varied (so no two files are
identical and copies are not trivial), written as a mix of .txt (with a header) and
news-please .json files. ``python -m bench.corpus N [--out DIR]``.
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
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b")


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


def build(n: int, out: Path, seed: int = 7) -> Path:
    """Write ``n`` articles under ``out`` (skipped when it already holds exactly ``n``)."""
    out.mkdir(parents=True, exist_ok=True)
    existing = list(out.glob("*/*"))
    if len(existing) == n:
        return out
    for p in existing:
        p.unlink()
    rng = random.Random(seed)
    bases = _bases()
    start = datetime(2021, 1, 1)
    for i in range(n):
        base = bases[i % len(bases)]
        day = start + timedelta(days=i % 700, minutes=i)
        sub = out / f"{i // 1000:04d}"
        sub.mkdir(exist_ok=True)
        if "raw" in base:
            text = _vary_numbers(str(base["raw"]), rng)
            (sub / f"a{i:07d}.txt").write_text(f"News ID: {i}\n{text}", encoding="utf-8")
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
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = build(args.n, args.out or DEFAULT_OUT / str(args.n))
    print(out)


if __name__ == "__main__":
    main()
