"""Crash safety: SIGKILL ``newsledger ingest`` at random moments, re-run, compare every table.

Each trial copies a starting warehouse (none, or one holding an earlier run over part of the
input), starts ``newsledger ingest INBOX --warehouse W`` in its own process group, kills the
whole group with SIGKILL at a moment aimed at one phase (discover and parse, load and derive,
validation, alerts + checkpoint + fsync + rename, after the rename, or anywhere), checks that
the live file is then exactly the starting state or exactly the finished run (never anything
in between), re-runs to completion and compares
every table with an uninterrupted run's warehouse: per-table checksums over rows with the run
bookkeeping columns left out, keys unique, no orphan rows.

``python -m bench.crash [--trials 24] [--seed 1] [--files N]``; figures go to bench/results/crash.json
and bench/results/crash.md. The test suite runs a few trials (tests/integration/test_crash.py).
The runs use one ``prefect server start`` child (flows.serve.start_server), as a scheduled
deployment would, instead of a temporary server per process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT / "tests" / "data" / "giveme5w1h"
NEWSLEDGER = str(Path(sys.executable).parent / "newsledger")
PHASES = ("parse", "load", "validate", "swap", "after_swap", "anywhere")

# Columns that say when or by which run a row was written, or where this warehouse keeps a
# copy: not content. None = the whole table is bookkeeping.
BOOKKEEPING: dict[str, tuple[str, ...] | None] = {
    "documents": ("run_id",),
    "files": ("last_run_id", "mtime_ns"),
    "quarantine": ("run_id", "detected_at", "kept_copy"),
    "alerts": ("run_id", "created_at", "updated_at"),
    "runs": None,
}
KEYS = {
    "documents": "doc_id", "sentences": "doc_id, sentence_no", "quotes": "quote_id", "numbers": "number_id",
    "stories": "story_id", "facts": "fact_id", "fact_mentions": "fact_id, number_id", "alerts": "alert_id",
    "files": "path", "quarantine": "path, run_id",
}
ORPHANS = {
    "sentences": "select count(*) from sentences where doc_id not in (select doc_id from documents)",
    "quotes": "select count(*) from quotes where doc_id not in (select doc_id from documents)",
    "numbers": "select count(*) from numbers where doc_id not in (select doc_id from documents)",
    "fact_mentions.fact": "select count(*) from fact_mentions where fact_id not in (select fact_id from facts)",
    "fact_mentions.number": "select count(*) from fact_mentions where number_id not in (select number_id from numbers)",
    "facts.story": "select count(*) from facts where story_id not in (select story_id from stories)",
}
BAD_FILES = {"empty.txt": b"", "binary.txt": bytes(range(256)) * 4, "broken.json": b'{"title": "x", "text": "unterm'}


def table_checksums(warehouse: Path) -> dict[str, list[int]]:
    """Per table: [rows, order-independent hash sum of the rows without bookkeeping columns]."""
    from transforms.schema import TABLES

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for table in TABLES:
            skip = BOOKKEEPING.get(table, ())
            if skip is None:
                continue
            exclude = f" exclude ({', '.join(skip)})" if skip else ""
            n, h = con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from (select *{exclude} from {table}) t").fetchone()  # type: ignore[misc]
            out[table] = [int(n), int(h)]
        return out
    finally:
        con.close()


def integrity_problems(warehouse: Path) -> list[str]:
    """Duplicate keys and orphan rows, as readable strings (empty when clean)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        problems = []
        for table, key in KEYS.items():
            dup = con.execute(f"select count(*) - count(distinct ({key})) from {table}").fetchone()[0]  # type: ignore[index]
            if dup:
                problems.append(f"{table}: {dup} duplicate keys")
        for name, sql in ORPHANS.items():
            n = con.execute(sql).fetchone()[0]  # type: ignore[index]
            if n:
                problems.append(f"{name}: {n} orphan rows")
        return problems
    finally:
        con.close()


@dataclass
class Fixture:
    """The input folder and the reference warehouses, built once per session."""

    work: Path
    inbox: Path
    earlier: Path  # an earlier run over part of the input (the starting state of some trials)
    fresh_final: Path  # the uninterrupted run over the full input, from nothing
    earlier_final: Path  # the uninterrupted run over the full input, after `earlier`
    checksums: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    timeline: dict[str, float] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


def _ingest(inbox: Path, warehouse: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([NEWSLEDGER, "ingest", str(inbox), "--warehouse", str(warehouse)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=timeout, check=False)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"ingest exit {proc.returncode}: {proc.stderr[-3000:]}")
    return proc


def build_inputs(inbox: Path, n_files: int | None) -> tuple[list[Path], list[Path]]:
    """The inbox in its final state; returns (files of the earlier state, files added after it).

    The final state differs from the earlier one by new files, one changed file and one removed
    file, so a run that lands on the earlier warehouse adds, retires and marks removed.
    """
    files = sorted(CORPUS.glob("*.json"))[: n_files or None]
    inbox.mkdir(parents=True)
    for f in files:
        shutil.copy2(f, inbox / f.name)
    for name, data in BAD_FILES.items():
        (inbox / name).write_bytes(data)
    half = len(files) // 2
    return [inbox / f.name for f in files[:half]], [inbox / f.name for f in files[half:]]


@contextlib.contextmanager
def fixture(work: Path, n_files: int | None = None) -> Iterator[Fixture]:
    """Build the inbox and the reference warehouses against one Prefect server child."""
    from flows.serve import start_server, stop_process_group

    server = start_server(work / ".prefect")
    env = {**os.environ, "PREFECT_API_URL": server.url, "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONWARNINGS": "ignore"}
    try:
        inbox = work / "inbox"
        first, added = build_inputs(inbox, n_files)
        # Earlier state: only the first half, plus a file that will be removed and one that will change.
        stash = work / "stash"
        stash.mkdir()
        for p in added:
            p.rename(stash / p.name)
        removed = inbox / "removed-later.json"
        shutil.copy2(stash / added[0].name, removed)
        changed = first[0]
        original = changed.read_bytes()
        doc = json.loads(original)
        doc["text"] = doc.get("text", "") + "\n\nAn earlier version of this article said 12 people were hurt."
        changed.write_text(json.dumps(doc))
        earlier = work / "ref" / "earlier" / "newsledger.duckdb"
        _ingest(inbox, earlier, env)
        # Final state.
        for p in added:
            (stash / p.name).rename(p)
        removed.unlink()
        changed.write_bytes(original)
        os.utime(changed, ns=(time.time_ns(), time.time_ns()))
        fresh_final = work / "ref" / "fresh" / "newsledger.duckdb"
        t0 = time.perf_counter()
        _ingest(inbox, fresh_final, env)
        fresh_seconds = time.perf_counter() - t0
        earlier_final = work / "ref" / "earlier_final" / "newsledger.duckdb"
        earlier_final.parent.mkdir(parents=True)
        shutil.copy2(earlier, earlier_final)
        _ingest(inbox, earlier_final, env)
        fx = Fixture(work=work, inbox=inbox, earlier=earlier, fresh_final=fresh_final,
                     earlier_final=earlier_final, env=env)
        fx.checksums = {k: table_checksums(v) for k, v in
                        (("earlier", earlier), ("fresh_final", fresh_final), ("earlier_final", earlier_final))}
        fx.timeline = measure_timeline(fx)
        fx.timeline["fresh_run_seconds"] = fresh_seconds
        yield fx
    finally:
        stop_process_group(server.process)  # type: ignore[arg-type]


def _validator_alive(pid: int) -> bool:
    from flows.serve import descendant_pids

    for child in descendant_pids(pid):
        with contextlib.suppress(OSError):
            if b"expectations.validate" in Path(f"/proc/{child}/cmdline").read_bytes():
                return True
    return False


@dataclass
class Observer:
    """Watches one ingest process from outside: when its stage appears, its DDL pass ends, its
    first batch is written, its validator runs and ends, and the stage is renamed over the live file.

    Writes are seen through the stage's write-ahead log: ``begin_stage`` copies the live file,
    applies the DDL (first ``.wal`` episode) and closes it (the ``.wal`` goes); discovery and
    parsing do not write; the first loaded batch starts the second episode, which lasts until
    the checkpoint that ends loading and deriving. The DDL episode lasts a few hundred
    milliseconds and polling runs every few, so it is not missed in practice.
    """

    proc: subprocess.Popen[bytes]
    stage: Path
    t0: float = field(default_factory=time.perf_counter)
    stage_at: float | None = None
    parse_at: float | None = None  # the DDL episode ended: discovery and parsing
    load_at: float | None = None  # the second episode began: the first batch is being written
    wal_episodes: int = 0
    _wal: bool = False
    validate_at: float | None = None
    validated_at: float | None = None
    swapped_at: float | None = None

    def poll(self) -> None:
        now = time.perf_counter() - self.t0
        stage_exists = self.stage.exists()
        if self.stage_at is None and stage_exists:
            self.stage_at = now
        if self.stage_at is not None and self.validate_at is None:
            wal = self.stage.with_name(self.stage.name + ".wal").exists()
            if wal and not self._wal:
                self.wal_episodes += 1
                if self.wal_episodes == 2 and self.load_at is None:
                    self.load_at = now
            elif self._wal and not wal and self.wal_episodes == 1 and self.parse_at is None:
                self.parse_at = now
            self._wal = wal
        alive = _validator_alive(self.proc.pid)
        if self.validate_at is None and alive:
            self.validate_at = now
        if self.validate_at is not None and self.validated_at is None and not alive:
            self.validated_at = now
        if self.validated_at is not None and self.swapped_at is None and not stage_exists:
            self.swapped_at = now

    def phase(self) -> str:
        if self.swapped_at is not None:
            return "after_swap"
        if self.validated_at is not None:
            return "alerts_swap"
        if self.validate_at is not None:
            return "validate"
        if self.load_at is not None:
            return "load_derive"
        if self.parse_at is not None:
            return "discover_parse"
        if self.stage_at is not None:
            return "stage_copy_ddl"
        return "startup"


def _start(fx: Fixture, warehouse: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([NEWSLEDGER, "ingest", str(fx.inbox), "--warehouse", str(warehouse)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=fx.env,
                            start_new_session=True)


def measure_timeline(fx: Fixture) -> dict[str, float]:
    """Seconds from start to stage, validator start, validator end and exit, for a fresh run."""
    from warehouse.db import stage_path

    wh = fx.work / "timeline" / "newsledger.duckdb"
    proc = _start(fx, wh)
    obs = Observer(proc, stage_path(wh))
    while proc.poll() is None:
        obs.poll()
        time.sleep(0.01)
    end = time.perf_counter() - obs.t0
    if obs.stage_at is None or obs.validate_at is None or obs.validated_at is None:
        raise RuntimeError(f"could not observe the phases of a run: {obs}")
    if obs.parse_at is None or obs.load_at is None:  # a missed WAL episode: "parse" and "load" share a window
        print(f"warning: could not tell the DDL pass, parsing and loading apart: {obs}", file=sys.stderr)
    parse_at = obs.parse_at if obs.parse_at is not None else obs.stage_at
    load_at = obs.load_at if obs.load_at is not None else parse_at
    return {"stage_at": obs.stage_at, "parse_at": parse_at, "load_at": load_at, "validate_at": obs.validate_at,
            "validated_at": obs.validated_at, "swapped_at": obs.swapped_at or end, "exit_at": end}


@dataclass
class Trial:
    no: int
    start_state: str  # empty or earlier
    target: str
    delay_s: float
    killed_in: str  # phase observed when the kill landed (alerts_swap includes the rename itself)
    exit_before_kill: int | None
    after_kill: str  # start (live file unchanged), final (the run had landed) or BAD
    stage_left: bool  # a stale stage file was left behind (the re-run discards it)
    rerun_seconds: float
    identical: bool
    problems: list[str]


def trial(fx: Fixture, no: int, rng: random.Random, target: str, start_state: str) -> Trial:
    """One kill-and-recover trial; see the module docstring."""
    from warehouse.db import stage_path

    wh = fx.work / "trials" / f"t{no:03d}" / "newsledger.duckdb"
    wh.parent.mkdir(parents=True)
    if start_state == "earlier":
        shutil.copy2(fx.earlier, wh)
    tl = fx.timeline
    # A random moment inside the target phase, measured from the phase's start.
    window = {"parse": (tl.get("parse_at", tl["stage_at"]), tl.get("load_at", tl["validate_at"])),
              "load": (tl.get("load_at", tl["stage_at"]), tl["validate_at"]), "validate": (tl["validate_at"], tl["validated_at"]),
              # swap: alerts, checkpoint, fsync and the rename; after_swap: alert delivery, lock release, exit
              "swap": (tl["validated_at"], tl.get("swapped_at", tl["exit_at"])),
              "after_swap": (tl.get("swapped_at", tl["validated_at"]), tl["exit_at"]), "anywhere": (0.0, tl["exit_at"])}[target]
    delay = rng.uniform(0, max(window[1] - window[0], 0.05))
    proc = _start(fx, wh)
    obs = Observer(proc, stage_path(wh))
    anchor = {"parse": "parse_at" if "parse_at" in tl else "stage_at", "load": "load_at" if "load_at" in tl else "stage_at",
              "validate": "validate_at", "swap": "validated_at", "after_swap": "swapped_at", "anywhere": None}[target]
    fire_at: float | None = delay if anchor is None else None
    while proc.poll() is None:
        obs.poll()
        if fire_at is None and getattr(obs, anchor or "", None) is not None:
            fire_at = getattr(obs, anchor) + delay  # type: ignore[arg-type]
        if fire_at is not None and time.perf_counter() - obs.t0 >= fire_at:
            killed_in = obs.phase()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.005)
    else:
        killed_in = "finished"
    exit_code = proc.returncode if killed_in == "finished" else None
    # Right after the kill the live file is the starting state or the finished run, nothing else.
    stage_left = stage_path(wh).exists()
    start_sums = fx.checksums["earlier"] if start_state == "earlier" else None
    final_key = "earlier_final" if start_state == "earlier" else "fresh_final"
    if not wh.exists():
        after = "start" if start_state == "empty" else "BAD"
    else:
        sums = table_checksums(wh)
        after = "start" if sums == start_sums else "final" if sums == fx.checksums[final_key] else "BAD"
    t0 = time.perf_counter()
    _ingest(fx.inbox, wh, fx.env)
    rerun = time.perf_counter() - t0
    problems = integrity_problems(wh)
    sums = table_checksums(wh)
    if sums != fx.checksums[final_key]:
        problems += [f"{t}: {sums[t]} != {fx.checksums[final_key][t]}" for t in sums if sums[t] != fx.checksums[final_key][t]]
    if after == "BAD":
        problems.append("the live file after the kill was neither the starting state nor the finished run")
    return Trial(no=no, start_state=start_state, target=target, delay_s=round(delay, 3), killed_in=killed_in,
                 exit_before_kill=exit_code, after_kill=after, stage_left=stage_left, rerun_seconds=round(rerun, 2),
                 identical=sums == fx.checksums[final_key], problems=problems)


def run_trials(fx: Fixture, n: int, seed: int) -> list[Trial]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        target = PHASES[i % len(PHASES)]
        start_state = "earlier" if (i // len(PHASES)) % 2 == 0 else "empty"
        t = trial(fx, i, rng, target, start_state)
        print(json.dumps(asdict(t)), flush=True)
        out.append(t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=None, help="Corpus files to use (default: all of tests/data/giveme5w1h).")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsledger-crash-") as tmp, fixture(Path(tmp), args.files) as fx:
        same = table_checksums(fx.fresh_final) == table_checksums(fx.work / "timeline" / "newsledger.duckdb")
        t0 = time.perf_counter()
        trials = run_trials(fx, args.trials, args.seed)
        wall = time.perf_counter() - t0
        n_docs = fx.checksums["fresh_final"]["documents"][0]
        result: dict[str, Any] = {
            "command": f"python -m bench.crash --trials {args.trials} --seed {args.seed}"
                       + (f" --files {args.files}" if args.files else ""),
            "input": {"files": len(list(fx.inbox.iterdir())), "documents": n_docs, "bad_files": len(BAD_FILES)},
            "timeline_seconds": {k: round(v, 2) for k, v in fx.timeline.items()},
            "trials": len(trials),
            "identical_after_rerun": sum(t.identical for t in trials),
            "with_problems": sum(bool(t.problems) for t in trials),
            "killed_in": {p: sum(t.killed_in == p for t in trials) for p in
                          ("startup", "stage_copy_ddl", "discover_parse", "load_derive", "validate", "alerts_swap", "after_swap",
                           "finished")},
            "targets": {p: sum(t.target == p for t in trials) for p in PHASES},
            "stale_stage_left_after_kill": sum(t.stage_left for t in trials),
            "load_average_1_5_15m_at_end": [round(x, 2) for x in os.getloadavg()],
            "live_after_kill": {s: sum(t.after_kill == s for t in trials) for s in ("start", "final", "BAD")},
            "start_states": {s: sum(t.start_state == s for t in trials) for s in ("empty", "earlier")},
            "two_fresh_runs_identical": same,
            "wall_seconds": round(wall, 1),
            "details": [asdict(t) for t in trials],
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "crash.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "crash.md").write_text(_markdown(result))
    print(_markdown(result))
    if result["with_problems"]:
        sys.exit(1)


def _markdown(r: dict[str, Any]) -> str:
    lines = [
        "# Crash safety (SIGKILL during ingest, then re-run)", "",
        f"`{r['command']}`: {r['trials']} trials over {r['input']['files']} files "
        f"({r['input']['documents']} documents, {r['input']['bad_files']} bad files).", "",
        f"- identical to the uninterrupted run after the re-run: **{r['identical_after_rerun']} / {r['trials']}**; "
        f"trials with any problem (duplicates, orphans, mismatch): **{r['with_problems']}**",
        f"- live file right after the kill: {r['live_after_kill']} (start = unchanged, final = the run had landed)",
        f"- phase the kill landed in: {r['killed_in']}",
        f"- starting warehouse: {r['start_states']}; two fresh runs of the same input identical: {r['two_fresh_runs_identical']}",
        f"- aimed at: {r['targets']}; a stale stage file was left by {r['stale_stage_left_after_kill']} kills "
        "(the re-run discarded it)",
        f"- timeline of one run (s): {r['timeline_seconds']}; bench wall time {r['wall_seconds']} s; "
        f"load average (1/5/15 min) at the end {r['load_average_1_5_15m_at_end']} on 2 cores", "",
        "| # | start | aimed at | delay s | landed in | live after kill | stage left | re-run s | identical | problems |",
        "| ---: | --- | --- | ---: | --- | --- | --- | ---: | --- | --- |",
    ]
    lines += [f"| {t['no']} | {t['start_state']} | {t['target']} | {t['delay_s']} | {t['killed_in']} | {t['after_kill']} | "
              f"{'yes' if t['stage_left'] else 'no'} | {t['rerun_seconds']} | {'yes' if t['identical'] else 'NO'} | "
              f"{'; '.join(t['problems']) or 'none'} |" for t in r["details"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
