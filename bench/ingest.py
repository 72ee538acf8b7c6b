"""End-to-end ingest benchmark: fresh warehouse, N articles, wall time, MB/s, peak memory
(RSS of the whole process tree), per-stage times; then an unchanged re-run and one with 1%
of the files changed. ``python -m bench.ingest 10000 [100000 ...] [--mode events|copies] [--timeout S]``
(``bench.corpus`` explains the two corpus shapes; ``events`` is the default).

Each run is ``bench.ingest_once`` in a child process (the real flow: Prefect, transforms,
load, GX validation in its own child, alerts, swap), so the wall time includes interpreter
start and imports; ``flow_seconds`` is the flow alone. Figures are merged by corpus shape and
size into bench/results/ingest.json and summarised in bench/results/ingest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from bench.corpus import DEFAULT_OUT, build, corpus_dir

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORKDIR = DEFAULT_OUT / "warehouses"
# Stage names in flow order (flows/ingest.py and transforms/pipeline.py time these).
STAGES = ("stage", "discover", "extract", "documents", "sentences", "quotes", "numbers",
          "load", "derive", "derive: copies", "derive: stories", "derive: quote groups", "derive: facts",
          "validate", "alerts")
CHANGE = "\nA later update said 3 more people were hurt.\n"
# A run whose process tree passes this is killed and recorded as aborted (80% of the RAM).
MAX_TREE_RSS = float(os.environ.get("NEWSLEDGER_BENCH_MAX_RSS_GB", 0) or 0.8 * psutil.virtual_memory().total / 1e9) * 1e9


class MemoryLimitError(RuntimeError):
    """The measured run outgrew the memory the benchmark allows it."""


def _tree(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return [proc]


def _label(p: psutil.Process) -> str:
    """A short name for a process of the tree: its module or script."""
    try:
        cmd = p.cmdline()
    except psutil.Error:
        return "?"
    if cmd and cmd[0].endswith("py-spy"):
        return "py-spy"
    if "-m" in cmd and cmd.index("-m") + 1 < len(cmd):
        return cmd[cmd.index("-m") + 1]
    return Path(cmd[1]).name if len(cmd) > 1 else (cmd[0] if cmd else "?")


def _unexeced(procs: list[psutil.Process]) -> set[int]:
    """Children forked and not yet exec'd: the same command line as their parent in the tree.

    Between fork (or vfork) and exec a child maps its parent's pages, shared, and the kernel
    reports the parent's RSS for it: counted, a worker starting from a 700 MB flow briefly
    doubled the tree (a 1,606 MB "peak" at 10,000 articles, seen on the facts workers' start).
    """
    cmd: dict[int, list[str]] = {}
    for p in procs:
        try:
            cmd[p.pid] = p.cmdline()
        except psutil.Error:
            continue
    pending = set()
    for p in procs:
        try:
            parent = p.ppid()
        except psutil.Error:
            continue
        if parent in cmd and p.pid in cmd and cmd[p.pid] == cmd[parent]:
            pending.add(p.pid)
    return pending


def _tree_rss(procs: list[psutil.Process], by_process: dict[str, int] | None = None) -> int:
    """Summed RSS of the tree (each process's shared pages counted in each), forks awaiting
    their exec left out (``_unexeced``)."""
    total = 0
    pending = _unexeced(procs)
    for p in procs:
        if p.pid in pending:
            continue
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        if by_process is not None:
            name = _label(p)
            by_process[name] = max(by_process.get(name, 0), rss)
    return total


def _tree_pss(procs: list[psutil.Process]) -> int:
    """Summed PSS of the tree: a page shared by k processes counts 1/k in each, so the
    libraries every child maps (Polars, DuckDB, Python: about 140 MB resident in a process
    that has used them) count once, as the machine holds them. A fork awaiting its exec needs
    no special case here: the pages it shares with its parent are split between the two."""
    total = 0
    for p in procs:
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            continue
    return total


def _kill_tree(proc: psutil.Process) -> None:
    for p in reversed(_tree(proc)):
        try:
            p.kill()
        except psutil.Error:
            pass


def _tree_cpu(procs: list[psutil.Process], seen: dict[int, float]) -> float:
    """CPU seconds (user + system) of the tree so far: each process's latest reading, kept in
    ``seen`` by pid, so a child that has ended still counts what it used until last seen."""
    for p in procs:
        try:
            c = p.cpu_times()
        except psutil.Error:
            continue
        seen[p.pid] = c.user + c.system
    return sum(seen.values())


def run_measured(args: list[str], env: dict[str, str], timeout: float | None = None,
                 by_process: dict[str, int] | None = None, usage: dict[str, Any] | None = None,
                 usage_window_s: float = 10.0) -> tuple[dict[str, Any], float, int]:
    """Run a command, sampling the RSS of its process tree; returns (last JSON line, seconds, peak RSS).

    ``by_process`` (if given) receives each process's own peak RSS, by module or script name.
    ``usage`` (if given) receives ``cpu_seconds``, the CPU time of the whole tree (from the
    kernel's accounting of the waited-for descendants, exact), and ``cores_by_10s``, the cores
    busy in each ``usage_window_s`` (10 s) of the run (sampled every 0.1 s: a child's last
    0.1 s before it ends falls in the last window), ``rss_mb_by_10s``, the tree's peak RSS
    in each window (MB): the memory each phase of the run leaves to spare, and ``peak_pss_mb``,
    the tree's peak PSS (``_tree_pss``, sampled every 0.5 s: reading it walks each process's
    page tables).
    The whole tree is killed when ``timeout`` seconds pass (a benchmark must not outlive its slot).
    """
    t0 = time.perf_counter()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    ps = psutil.Process(proc.pid)
    peak = 0
    peak_at = [0.0]  # seconds into the run when the peak was seen, to place it among the stages
    done = threading.Event()
    cpu_seen: dict[int, float] = {}
    cpu_marks: list[float] = []  # the tree's CPU seconds at the end of each window
    rss_marks: list[int] = [0]  # the tree's peak RSS in each window, the current one last
    pss_peak = [0]
    n_samples = [0]

    over = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            procs = _tree(ps)
            rss = _tree_rss(procs, by_process)
            if rss > peak:
                peak = rss
                peak_at[0] = time.perf_counter() - t0
            if rss > MAX_TREE_RSS:  # protect a shared machine: stop before the kernel's OOM killer does
                over.set()
                _kill_tree(ps)
                return
            if usage is not None:  # read every time: a child living a few seconds must be seen
                cpu_now = _tree_cpu(procs, cpu_seen)
                if time.perf_counter() - t0 >= usage_window_s * (len(cpu_marks) + 1):
                    cpu_marks.append(cpu_now)
                    rss_marks.append(0)
                rss_marks[-1] = max(rss_marks[-1], rss)
                n_samples[0] += 1
                if n_samples[0] % 5 == 1:
                    pss_peak[0] = max(pss_peak[0], _tree_pss(procs))
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(ps)
        proc.communicate()
        raise
    finally:
        done.set()
        t.join()
    seconds = time.perf_counter() - t0
    if by_process is not None:
        by_process["peak_at_s"] = int(peak_at[0] * 1e6)  # stored in the same units, divided below
    if usage is not None:
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
        marks = [0.0, *cpu_marks, max([cpu, *cpu_marks[-1:]])]
        spans = [usage_window_s] * len(cpu_marks) + [seconds - usage_window_s * len(cpu_marks)]
        usage["cpu_seconds"] = round(cpu, 2)
        usage["cores_by_10s"] = [round((b - a) / w, 2) if w > 0 else None
                                 for a, b, w in zip(marks[:-1], marks[1:], spans, strict=True)]
        # a window whose mark fell on the last sample holds no sample of its own: none
        usage["rss_mb_by_10s"] = [round(r / 1e6) if r else None for r in rss_marks[:len(usage["cores_by_10s"])]]
        usage["peak_pss_mb"] = round(pss_peak[0] / 1e6)
    if over.is_set():
        raise MemoryLimitError(f"process tree passed {MAX_TREE_RSS / 1e9:.1f} GB after {seconds:.0f} s: killed")
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]  # py-spy, when used, prints too
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{args} failed ({proc.returncode}): {err[-3000:]}")
    return json.loads(lines[-1]), seconds, peak


def corpus_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _stages(summary: dict[str, Any]) -> dict[str, float]:
    got = summary.get("stage_seconds", {})
    return {k: round(got[k], 3) for k in (*STAGES, *sorted(set(got) - set(STAGES))) if k in got}


def bench_size(n: int, env: dict[str, str], timeout: float | None = None, profile: bool = False,
               reruns: bool = True, mode: str = "events") -> dict[str, Any]:
    corpus = build(n, mode=mode)
    size = corpus_bytes(corpus)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    name = corpus_dir(n, mode).name
    wh = WORKDIR / f"bench_{name}.duckdb"
    for p in WORKDIR.glob(f"*bench_{name}.duckdb*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    cmd = [sys.executable, "-m", "bench.ingest_once", str(corpus), str(wh)]
    load0 = os.getloadavg()[0]
    per_proc: dict[str, int] = {}
    usage: dict[str, Any] = {}
    raw = DEFAULT_OUT / f"profile_{name}.txt"
    spy = [str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses", "--threads", "--rate", "20",
           "--format", "raw", "--output", str(raw), "--nonblocking", "--"] if profile else []
    try:
        first, secs, peak = run_measured([*spy, *cmd], env, timeout, per_proc, None if profile else usage)
    except (MemoryLimitError, subprocess.TimeoutExpired) as exc:
        return {"articles": n, "corpus": mode, "bytes": size, "status": "aborted", "error": f"{type(exc).__name__}: {exc}",
                "wall_seconds": None, "flow_seconds": None, "peak_rss_mb": None,
                "peak_rss_mb_by_process": {k: round(v / 1e6) for k, v in per_proc.items() if k != "peak_at_s"},
                "stage_seconds": {}, "load_average_1m_start": round(load0, 2),
                "unchanged_rerun_seconds": None, "changed_1pct_seconds": None}
    if profile:  # sampled from outside (py-spy): the run's own figures are barely touched
        from bench.profile import write_summary

        write_summary(raw, {"articles": n, "rate": 20, "wall_seconds": round(secs, 1),
                            "load_average": round(os.getloadavg()[0], 2)})
    out: dict[str, Any] = {
        "articles": n, "corpus": mode, "bytes": size, "status": first["status"], "error": first.get("error"),
        "wall_seconds": round(secs, 2), "flow_seconds": round(first["flow_seconds"], 2),
        "startup_seconds": round(first.get("import_seconds", 0.0), 2),
        "articles_per_s": round(n / secs, 1), "mb_per_s": round(size / 1e6 / secs, 3),
        "flow_mb_per_s": round(size / 1e6 / first["flow_seconds"], 3),
        "peak_rss_mb": round(peak / 1e6),
        "peak_rss_seen_at_s": round(per_proc.pop("peak_at_s", 0) / 1e6, 1),
        "peak_rss_mb_by_process": {k: round(v / 1e6) for k, v in sorted(per_proc.items(), key=lambda kv: -kv[1])},
        # CPU of the whole tree, and cores busy on average and per 10 s (of os.cpu_count()):
        # what a phase leaves idle, against what only less CPU can speed up.
        "cpu_seconds": usage.get("cpu_seconds"),
        "cores_busy": round(usage["cpu_seconds"] / secs, 2) if usage.get("cpu_seconds") else None,
        "cores_by_10s": usage.get("cores_by_10s"),
        "rss_mb_by_10s": usage.get("rss_mb_by_10s"),
        "peak_pss_mb": usage.get("peak_pss_mb"),
        "stage_seconds": _stages(first), "rows": first["rows"],
        "files_loaded": first["files_loaded"], "files_quarantined": first["files_quarantined"],
        "load_average_1m_start": round(load0, 2), "load_average_1m_end": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    if not reruns:
        out["unchanged_rerun_seconds"] = out["changed_1pct_seconds"] = None
        return out
    if first["status"] != "succeeded" or not wh.exists():
        # Nothing was committed: a re-run would redo everything, so re-run figures would lie.
        out["unchanged_rerun_seconds"] = out["changed_1pct_seconds"] = None
        return out
    out["warehouse_mb"] = round(wh.stat().st_size / 1e6, 1)
    unchanged, secs_unchanged, peak_u = run_measured(cmd, env, timeout)
    out.update({
        "unchanged_rerun_seconds": round(secs_unchanged, 2),
        "unchanged_rerun_flow_seconds": round(unchanged["flow_seconds"], 2),
        "unchanged_rerun_stage_seconds": _stages(unchanged),
        "unchanged_files_skipped": unchanged["files_skipped"], "unchanged_peak_rss_mb": round(peak_u / 1e6),
        "unchanged_status": unchanged["status"], "unchanged_error": unchanged.get("error"),
    })
    # The same re-run as a scheduled run makes it: against a Prefect server that is already up
    # (`newsledger serve`), so the temporary server's start leaves the figure.
    out.update(_served_unchanged(cmd, env, timeout))
    # Change 1% of the files (append a sentence), re-run, then restore so the corpus stays reusable.
    files = sorted(corpus.rglob("*.txt"))[: max(1, n // 100)]
    for p in files:
        p.write_text(p.read_text(encoding="utf-8") + CHANGE, encoding="utf-8")
    try:
        changed, secs_changed, _ = run_measured(cmd, env, timeout)
    finally:
        for p in files:
            p.write_text(p.read_text(encoding="utf-8").replace(CHANGE, ""), encoding="utf-8")
    out.update({
        "changed_1pct_seconds": round(secs_changed, 2),
        "changed_1pct_flow_seconds": round(changed["flow_seconds"], 2),
        "changed_1pct_stage_seconds": _stages(changed),
        "changed_1pct_files_loaded": changed["files_loaded"], "changed_1pct_status": changed["status"],
        "changed_1pct_error": changed.get("error"),
    })
    return out


def shape(r: dict[str, Any]) -> str:
    """The corpus shape of a result (results from before the shapes existed were ``copies``)."""
    return str(r.get("corpus", "copies"))


def _served_unchanged(cmd: list[str], env: dict[str, str], timeout: float | None) -> dict[str, Any]:
    """Unchanged re-runs against a running Prefect server: best of 3 (wall, flow)."""
    from flows.serve import start_server, stop_process_group

    server = start_server(DEFAULT_OUT / ".prefect-served")
    try:
        served = {**env, "PREFECT_API_URL": server.url}
        runs = [run_measured(cmd, served, timeout) for _ in range(3)]
    finally:
        if server.process is not None:
            stop_process_group(server.process)
    best = min(runs, key=lambda r: r[1])
    return {"unchanged_served_seconds": round(best[1], 2),
            "unchanged_served_flow_seconds": round(best[0]["flow_seconds"], 2),
            "unchanged_served_import_seconds": round(best[0].get("import_seconds", 0.0), 2),
            "unchanged_served_stage_seconds": _stages(best[0]),
            "unchanged_served_all_seconds": [round(r[1], 2) for r in runs]}


def _fmt(v: Any, spec: str = ".1f") -> str:
    return "n/a" if v is None else format(v, spec)


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["# End-to-end ingest", "",
             "Corpus shapes (`bench/corpus.py`): `events` = the base corpus renamed into distinct events per "
             "replica (story sizes stay constant: a realistic archive); `copies` = the base articles repeated "
             "with only ids, dates and numbers varied (60 ever-growing stories of syndicated copies: the stress case).", "",
             "| corpus | articles | MB | status | wall s | flow s | articles/s | MB/s | peak RSS MB | "
             "CPU s (cores busy) | "
             "unchanged re-run s (flow s) | unchanged, Prefect server up, s (flow s) | 1% changed s (flow s) | "
             "load avg start/end |",
             "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        if r["status"] == "aborted":
            lines.append(f"| {shape(r)} | {r['articles']} | {r['bytes'] / 1e6:.1f} | aborted | " + " | ".join(["n/a"] * 10) + " |")
            continue
        lines.append(
            f"| {shape(r)} | {r['articles']} | {r['bytes'] / 1e6:.1f} | {r['status']} | {r['wall_seconds']:.1f} | "
            f"{r['flow_seconds']:.1f} | {r['articles_per_s']:.0f} | {r['mb_per_s']:.2f} | {r['peak_rss_mb']} | "
            f"{_fmt(r.get('cpu_seconds'), '.0f')} ({_fmt(r.get('cores_busy'), '.2f')}) | "
            f"{_fmt(r.get('unchanged_rerun_seconds'))} ({_fmt(r.get('unchanged_rerun_flow_seconds'))}) | "
            f"{_fmt(r.get('unchanged_served_seconds'))} ({_fmt(r.get('unchanged_served_flow_seconds'))}) | "
            f"{_fmt(r.get('changed_1pct_seconds'))} ({_fmt(r.get('changed_1pct_flow_seconds'))}) | "
            f"{r.get('load_average_1m_start', 'n/a')}/{r.get('load_average_1m_end', 'n/a')} |")
    busy = [r for r in results if r.get("cores_by_10s")]
    if busy:
        lines += ["", "Cores busy in each 10 s of the first run (CPU seconds of the process tree per second of "
                  "wall, out of `cpus`; from the start of the process):", ""]
        lines += [f"- {shape(r)} {r['articles']} ({r.get('cpus')} cpus): "
                  + " ".join(_fmt(c, ".2f") for c in r["cores_by_10s"]) for r in busy]
    held = [r for r in results if r.get("rss_mb_by_10s")]
    if held:
        lines += ["", "Peak RSS of the process tree in each 10 s of the first run (MB):", ""]
        lines += [f"- {shape(r)} {r['articles']}: " + " ".join(_fmt(m, ".0f") for m in r["rss_mb_by_10s"])
                  for r in held]
    lines += ["", "Per-stage seconds (parse stages run in 2 threads, so they can add up to more than the wall):", ""]
    names = [s for s in STAGES if any(s in (r.get("stage_seconds") or {}) for r in results)]
    lines.append("| corpus | articles | run | " + " | ".join(names) + " |")
    lines.append("| --- | ---: | --- |" + " ---: |" * len(names))
    for r in results:
        if r["status"] == "aborted":
            continue
        for run, key in (("first", "stage_seconds"), ("unchanged", "unchanged_rerun_stage_seconds"),
                         ("unchanged, server up", "unchanged_served_stage_seconds"),
                         ("1% changed", "changed_1pct_stage_seconds")):
            st = r.get(key)
            if st:
                lines.append(f"| {shape(r)} | {r['articles']} | {run} | " + " | ".join(_fmt(st.get(s), ".2f") for s in names) + " |")
    for r in results:
        for run, key in (("first", ""), ("unchanged re-run", "unchanged_"), ("1% changed re-run", "changed_1pct_")):
            if r.get(key + "error"):
                lines += ["", f"- {shape(r)} {r['articles']} articles, {run} failed: {r[key + 'error'][:400]}"]
    return "\n".join(lines) + "\n"


def run(sizes: list[int], timeout: float | None = None, profile: bool = False,
        reruns: bool = True, mode: str = "events") -> list[dict[str, Any]]:
    """Benchmark each size, merge into bench/results/ingest.json (by shape and size), rewrite ingest.md."""
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    # A Prefect home of its own: temporary servers of other processes sharing ~/.prefect's
    # SQLite database made this one time out at start on a busy machine.
    env.setdefault("PREFECT_HOME", str(DEFAULT_OUT / ".prefect"))
    # Under load the temporary server can take more than Prefect's default 20 s to come up.
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "ingest.json"
    merged: dict[tuple[str, int], dict[str, Any]] = {}
    if path.exists():
        merged = {(shape(r), r["articles"]): r for r in json.loads(path.read_text(encoding="utf-8"))}
    fresh = []
    for n in sizes:
        r = bench_size(n, env, timeout, profile and n == min(sizes), reruns, mode)
        r["profiled"] = profile and n == min(sizes)
        r["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        merged[(mode, n)] = r
        fresh.append(r)
        results = [merged[k] for k in sorted(merged)]
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        (RESULTS / "ingest.md").write_text(markdown(results), encoding="utf-8")
    return fresh


def remeasure_unchanged(sizes: list[int], timeout: float | None = None, mode: str = "events") -> None:
    """The unchanged re-runs again (after a change to that path), merged into the size's record."""
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.setdefault("PREFECT_HOME", str(DEFAULT_OUT / ".prefect"))
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    path = RESULTS / "ingest.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    for n in sizes:
        wh = WORKDIR / f"bench_{corpus_dir(n, mode).name}.duckdb"
        cmd = [sys.executable, "-m", "bench.ingest_once", str(corpus_dir(n, mode)), str(wh)]
        run_measured(cmd, env, timeout)  # settles files whose mtime a restore touched (read, same bytes)
        unchanged, secs, peak = run_measured(cmd, env, timeout)
        record = next(r for r in results if shape(r) == mode and r["articles"] == n)
        record.update({"unchanged_rerun_seconds": round(secs, 2),
                       "unchanged_rerun_flow_seconds": round(unchanged["flow_seconds"], 2),
                       "unchanged_rerun_stage_seconds": _stages(unchanged),
                       "unchanged_files_skipped": unchanged["files_skipped"],
                       "unchanged_peak_rss_mb": round(peak / 1e6),
                       **_served_unchanged(cmd, env, timeout),
                       "unchanged_remeasured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "ingest.md").write_text(markdown(results), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", type=int, nargs="*", default=[10_000])
    ap.add_argument("--timeout", type=float, default=None, help="kill a run after this many seconds")
    ap.add_argument("--profile", action="store_true",
                    help="run the first ingest of the smallest size under py-spy (bench/results/profile.md)")
    ap.add_argument("--no-reruns", action="store_true", help="first run only (scaling points)")
    ap.add_argument("--mode", choices=("events", "copies"), default="events", help="corpus shape (bench.corpus)")
    ap.add_argument("--unchanged-only", action="store_true",
                    help="re-measure only the unchanged re-runs against the warehouse a full run left")
    args = ap.parse_args()
    if args.unchanged_only:
        remeasure_unchanged(args.sizes, args.timeout, args.mode)
    else:
        run(args.sizes, args.timeout, args.profile, not args.no_reruns, args.mode)
    print((RESULTS / "ingest.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
