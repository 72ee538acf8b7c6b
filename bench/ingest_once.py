"""One ingest run, its summary as JSON on the last line of stdout (used by bench.ingest)."""

from __future__ import annotations

import dataclasses
import json
import sys
import time

from flows.ingest import run_ingest


def main() -> None:
    paths, warehouse = sys.argv[1:-1], sys.argv[-1]
    t0 = time.perf_counter()
    summary = run_ingest(paths, warehouse)
    out = dataclasses.asdict(summary)
    out["flow_seconds"] = time.perf_counter() - t0
    out["quarantined"] = out["quarantined"][:20]
    out["new_alerts"] = len(out["new_alerts"])
    sys.stdout.write(json.dumps(out, default=str) + "\n")


if __name__ == "__main__":
    main()
