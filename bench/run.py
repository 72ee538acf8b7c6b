"""The benchmark harness behind ``make bench``: end to end, side by side, targets vs measured.

``python -m bench.run [--full] [--profile] [--stage-benches] [--only summary]``

1. End-to-end ingest of the 10,000-article bench corpus (``bench.ingest``: fresh warehouse,
   unchanged re-run, the same against a running Prefect server, 1%-changed re-run); with
   ``--full`` (or ``NEWSLEDGER_BENCH_FULL=1``) the 100,000-article corpus too. The corpus is
   the ``events`` shape (``bench.corpus``); ``--stress`` adds the ``copies`` shape at 10,000.
2. Side by side on the same text (``bench.floor``): our sentences vs pySBD and blingfire,
   our numbers vs quantulum3, and the floor (read the bytes + one Polars regex pass).
3. Optionally a py-spy profile of the first ingest (``--profile``, ``bench.profile``) and the
   per-stage quality benches (``--stage-benches``: ``bench.sentences``, ``bench.numbers``,
   ... when present, each in its own process).
4. ``bench/results/summary.md``: every target of issue 8 against the measured figure, with
   the ratios (the machine is shared: ratios travel, absolute times do not).

The default run (10,000 articles with its re-runs, then the side by side) takes about 5 minutes
on 2 quiet cores; ``--full`` adds about 12 minutes for 100,000 articles and its re-runs
(docs/scaling.md, "Limits measured").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
STAGE_BENCHES = ("sentences", "numbers", "quotes", "stories", "metadata", "facts")
MB = 1e6


def _py(module: str, *args: str, timeout: float | None = None) -> int:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    print(f"$ python -m {module} {' '.join(args)}", flush=True)
    try:
        return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, timeout=timeout,
                              check=False).returncode
    except subprocess.TimeoutExpired:
        print(f"  {module}: timed out after {timeout} s", flush=True)
        return -1


def _load(name: str) -> Any:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _x(v: float | None, digits: int = 0) -> str:
    return "n/a" if v is None else f"{v:,.{digits}f}x"


def _n(v: float | None, digits: int = 1, unit: str = "") -> str:
    return "n/a" if v is None else f"{v:,.{digits}f}{unit}"


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")


def summary_markdown() -> str:
    """Targets of issue 8 against the latest figures in bench/results/."""
    from bench.ingest import shape

    every = _load("ingest.json") or []
    # The targets are judged on the realistic shape (distinct events); the stress shape
    # (syndicated copies of 60 ever-growing stories) is reported beside them.
    aborted = [r for r in every if r["status"] == "aborted" and shape(r) == "events"]
    ingest = {r["articles"]: r for r in every if r["status"] != "aborted" and shape(r) == "events"}
    stress = {r["articles"]: r for r in every if r["status"] != "aborted" and shape(r) == "copies"}
    floor = _load("floor.json")
    profile = _load("profile.json")
    small = ingest.get(10_000) or (ingest[min(ingest)] if ingest else None)
    big = ingest.get(100_000)
    head = big or small
    rows: list[tuple[str, str, str, str]] = []
    if head:
        rows.append((f"End to end, {head['articles']:,} articles (Prefect, GX, load included)", ">= 5 MB/s",
                     f"{head['mb_per_s']:.2f} MB/s ({head['articles_per_s']:.0f} articles/s, {head['wall_seconds']:.0f} s wall"
                     + (f"; {head['cpu_seconds']:.0f} CPU-s, {head['cores_busy']:.2f} of {head.get('cpus')} cores busy"
                        if head.get("cores_busy") else "") + ")",
                     _met(head["mb_per_s"] >= 5 and head["status"] == "succeeded")))
        if big:
            rows.append(("100,000 articles", "a few minutes", f"{big['wall_seconds'] / 60:.1f} min",
                         _met(big["wall_seconds"] <= 300)))
        elif small:
            est = small["wall_seconds"] * 100_000 / small["articles"]
            mem = small["peak_rss_mb"] / small["articles"] * 100_000 / 1000
            rows.append(("100,000 articles", "a few minutes",
                         f"not run: {est / 60:.0f} min if linear from {small['articles']:,}, and about "
                         f"{mem:.0f} GB at its peak RSS per article", "n/a"))
        peak = max(r["peak_rss_mb"] for r in ingest.values())
        measured = ", ".join(f"{r['peak_rss_mb']:,} MB at {n:,}" for n, r in sorted(ingest.items()))
        flat = peak < 2000
        if len(ingest) >= 2:
            # "any size": the growth between the two largest sizes, carried on, must stay
            # under 2 GB well past the largest size measured (10 times it).
            n_mid, n_hi = sorted(ingest)[-2:]
            slope = (ingest[n_hi]["peak_rss_mb"] - ingest[n_mid]["peak_rss_mb"]) / (n_hi - n_mid)
            if slope > 0:
                at = n_hi + (2000 - ingest[n_hi]["peak_rss_mb"]) / slope
                measured += (f"; grows {slope * 1000:.1f} MB per 1,000 articles from {n_mid:,} to {n_hi:,}: "
                             f"2 GB near {round(max(at, n_hi), -3):,.0f} articles (extrapolated)")
                flat = flat and at >= 10 * n_hi
        pss = [(n, r["peak_pss_mb"]) for n, r in sorted(ingest.items()) if r.get("peak_pss_mb")]
        if pss:  # context, not the target's measure: shared library pages counted once
            measured += ". Peak PSS of the tree (shared pages counted once): " + ", ".join(
                f"{m:,} MB at {n:,}" for n, m in pss)
        rows.append(("Peak RSS of the process tree", "< 2 GB, any size", measured, _met(flat)))
        if len(ingest) >= 2:
            lo, hi = ingest[min(ingest)], ingest[max(ingest)]

            def per_article(r: dict[str, Any], key: str | None) -> float:
                return (r["stage_seconds"].get(key, 0.0) if key else r["flow_seconds"]) / r["articles"]

            # The whole flow hides growth behind fixed costs (Prefect's server, GX): show the
            # step that grows fastest too.
            worst = max(lo["stage_seconds"], key=lambda k: per_article(hi, k) / max(per_article(lo, k), 1e-9)
                        if lo["stage_seconds"][k] >= 1.0 else 0.0)
            lin = per_article(hi, None) / per_article(lo, None)
            lin_worst = per_article(hi, worst) / per_article(lo, worst)
            # documents() is strictly per-document work: when it grows too, the shared load grew.
            control = per_article(hi, "documents") / max(per_article(lo, "documents"), 1e-9)
            upper = ""
            if len(ingest) >= 3:  # where the growth is now: the two largest sizes
                mid = ingest[sorted(ingest)[-2]]
                upper = (f"; {hi['articles']:,} vs {mid['articles']:,}: flow "
                         f"{per_article(hi, None) / per_article(mid, None):.2f}, {worst} "
                         f"{per_article(hi, worst) / max(per_article(mid, worst), 1e-9):.2f}")
            rows.append(("Linear in corpus size", "time per article, largest / smallest size ~ 1",
                         f"flow {lin:.2f}, fastest-growing step {worst} {lin_worst:.2f}, per-document control "
                         f"(documents) {control:.2f} ({hi['articles']:,} vs {lo['articles']:,}{upper}; per stage below)",
                         _met(max(lin, lin_worst) <= 1.25)))
        else:
            rows.append(("Linear in corpus size", "10k vs 100k", "one size only", "n/a"))
        un = head.get("unchanged_rerun_seconds")
        served = head.get("unchanged_served_seconds")
        rows.append((f"Unchanged re-run, {head['articles']:,} files", "< 5 s at 100k",
                     (f"{_n(served)} s wall against a running Prefect server "
                      f"({_n(head.get('unchanged_served_flow_seconds'))} s in the flow, "
                      f"{_n(head.get('unchanged_served_import_seconds'))} s interpreter start and imports); "
                      if served is not None else "")
                     + (f"{_n(un)} s wall as a one-off run with a temporary Prefect server "
                        f"({_n(head.get('unchanged_rerun_flow_seconds'))} s in the flow)"
                        if un is not None else "not measured (first run did not commit)"),
                     _met((served if served is not None else un) < 5) if un is not None else "n/a"))
        ch = head.get("changed_1pct_seconds")
        rows.append((f"1% changed re-run, {head['articles']:,} files", "(no target; proportional to the change)",
                     f"{_n(ch)} s wall ({_n(head.get('changed_1pct_flow_seconds'))} s in the flow)"
                     if ch is not None else "not measured", "n/a"))
    for n, r in sorted(stress.items()):
        rows.append((f"Stress shape (copies), {n:,} articles", "(no target: 60 stories of up to 1,000 copies)",
                     f"{r['mb_per_s']:.2f} MB/s ({r['wall_seconds']:.0f} s wall, derive "
                     f"{r['stage_seconds'].get('derive', 0):.0f} s, peak RSS {r['peak_rss_mb']:,} MB)", "n/a"))
    if floor:
        r = floor["ratios"]
        rows.append(("Sentences vs pySBD (same text)", ">= 100x",
                     f"{_x(r['sentences_ours_vs_pysbd'])} wall, {_x(r['sentences_ours_vs_pysbd_cpu'])} CPU",
                     _met((r["sentences_ours_vs_pysbd_cpu"] or 0) >= 100)))
        rows.append(("Sentences vs blingfire (same text)", "(peer)",
                     f"{_x(r.get('sentences_ours_vs_blingfire_cpu'), 2)} CPU with offsets, "
                     f"{_x(r.get('sentences_ours_vs_blingfire_no_offsets_cpu'), 2)} CPU without", "n/a"))
        rows.append(("Numbers vs quantulum3 (same sentences)", ">= 1,000x",
                     f"{_x(r['numbers_ours_vs_quantulum3'])} wall, {_x(r['numbers_ours_vs_quantulum3_cpu'])} CPU",
                     _met((r["numbers_ours_vs_quantulum3_cpu"] or 0) >= 1000)))
        if head:
            rows.append(("End to end vs the floor (read + one Polars regex pass)", "(context)",
                         f"floor {floor['floor']['mb_per_s']:.0f} MB/s = "
                         f"{_x(floor['floor']['mb_per_s'] / head['mb_per_s'])} the end-to-end rate", "n/a"))
    lines = ["# Benchmark summary (issue 8)", "",
             "Generated by `python -m bench.run` (`make bench`) from bench/results/*.json; "
             "the machine is 2 shared cores, so the load average at each run is recorded and ratios "
             "are the figures to compare. Peer ratios are judged on CPU time (process time, all threads: "
             "it counts Polars' extra threads against us and is less sensitive to the load than wall time).", "",
             "| target | goal | measured | met |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += [f"| End to end, {r['articles']:,} articles | completes | aborted: {r['error'][:200]} | **no** |"
              for r in aborted]
    for n, r in sorted(ingest.items()):
        st = r["stage_seconds"]
        lines += ["", f"## {n:,} articles ({r['bytes'] / MB:.0f} MB), measured {r.get('measured_at', '?')}, "
                  f"load average {r.get('load_average_1m_start')} -> {r.get('load_average_1m_end')} on {r.get('cpus')} CPUs", "",
                  f"Status {r['status']}; wall {r['wall_seconds']:.1f} s, of which interpreter start and imports "
                  f"{r.get('startup_seconds', 0):.1f} s and the flow {r['flow_seconds']:.1f} s; "
                  f"{r['files_loaded']:,} files loaded, {r['files_quarantined']:,} quarantined. Peak RSS "
                  f"{r['peak_rss_mb']:,} MB, seen {r.get('peak_rss_seen_at_s', '?')} s into the run"
                  + (f" (peak PSS {r['peak_pss_mb']:,} MB)" if r.get("peak_pss_mb") else "") + "; each process's own peak: "
                  + ", ".join(f"{k} {v:,} MB" for k, v in (r.get("peak_rss_mb_by_process") or {}).items() if v) + ".", "",
                  "| stage | seconds | share of flow |", "| --- | ---: | ---: |"]
        lines += [f"| {k} | {v:.2f} | {v / r['flow_seconds']:.0%} |" for k, v in st.items()]
        # Parse stages overlap in threads; "derive: ..." parts are inside derive.
        accounted = sum(v for k, v in st.items()
                        if k not in ("documents", "sentences", "quotes", "numbers", "extract") and not k.startswith("derive: "))
        lines.append(f"| (parse stages run in 2 threads; rest of the flow outside the timed stages) | "
                     f"{max(0.0, r['flow_seconds'] - accounted - _parse_wall(st)):.2f} | |")
        if r.get("error"):
            lines += ["", f"Run error: `{r['error'][:300]}`"]
    if len(ingest) >= 2:
        names = [k for k in next(iter(ingest.values()))["stage_seconds"]]
        lines += ["", "## Seconds per 1,000 articles, by size (flat = linear)", "",
                  "| articles | flow | " + " | ".join(names) + " |", "| ---: |" + " ---: |" * (len(names) + 1)]
        for n, r in sorted(ingest.items()):
            k = n / 1000
            lines.append(f"| {n:,} | {r['flow_seconds'] / k:.1f} | "
                         + " | ".join(f"{r['stage_seconds'].get(s, 0) / k:.2f}" for s in names) + " |")
    if floor:
        lines += ["", "## Side by side (bench/results/floor.md)", "",
                  (RESULTS / "floor.md").read_text(encoding="utf-8").split("\n", 2)[2].strip()]
    if profile:
        lines += ["", "## Profile (bench/results/profile.md)", ""]
        for title, key in (("by process/thread", "by_process"), ("by library", "cpu_by_library")):
            total = profile["samples"] or 1
            top = list(profile[key].items())[:8]
            lines.append(f"- {title}: " + ", ".join(f"{k.strip()} {v / total:.0%}" for k, v in top))
    lines += ["", "What the figures mean and what limits them: docs/scaling.md (section \"Limits measured\")."]
    others = [p.stem for p in sorted(RESULTS.glob("*.md"))
              if p.stem not in ("summary", "ingest", "floor", "profile")]
    if others:
        lines += ["", "Stage quality benches: " + ", ".join(f"[{s}]({s}.md)" for s in others) + "."]
    return "\n".join(lines) + "\n"


def _parse_wall(st: dict[str, float]) -> float:
    """Rough wall share of the parse stages: their summed thread time over the 2 pool threads."""
    return sum(st.get(k, 0.0) for k in ("extract", "documents", "sentences", "quotes", "numbers")) / 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", default=os.environ.get("NEWSLEDGER_BENCH_FULL") == "1",
                    help="also the 100,000-article ingest (or NEWSLEDGER_BENCH_FULL=1)")
    ap.add_argument("--sizes", type=int, nargs="*", default=None, help="ingest sizes (default 10000)")
    ap.add_argument("--side-articles", type=int, default=1000, help="articles for the side-by-side stage")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds given to pySBD and quantulum3 each")
    ap.add_argument("--timeout", type=float, default=3600.0, help="kill one ingest run after this many seconds")
    ap.add_argument("--profile", action="store_true",
                    help="run the first ingest of the smallest size under py-spy (needs py-spy in the venv)")
    ap.add_argument("--stage-benches", action="store_true", help="also run the per-stage quality benches")
    ap.add_argument("--stress", action="store_true", help="also the 10,000-article copies-shaped corpus")
    ap.add_argument("--only", choices=("ingest", "side", "summary"), default=None)
    args = ap.parse_args()
    sizes = args.sizes or ([10_000, 100_000] if args.full else [10_000])
    t0 = time.perf_counter()
    if args.only in (None, "ingest"):
        from bench.ingest import run as run_ingest_bench

        run_ingest_bench(sizes, args.timeout, profile=args.profile)
        if args.stress:
            run_ingest_bench([10_000], args.timeout, reruns=False, mode="copies")
    if args.only in (None, "side"):
        _py("bench.floor", "--articles", str(args.side_articles), "--budget", str(args.budget), timeout=1800)
    if args.stage_benches and args.only is None:
        for name in STAGE_BENCHES:
            if (ROOT / "bench" / f"{name}.py").exists():
                _py(f"bench.{name}", timeout=900)
    md = summary_markdown()
    (RESULTS / "summary.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"bench.run: {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
