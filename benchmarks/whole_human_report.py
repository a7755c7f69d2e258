"""The whole-human tour's measurements as a results file (issue 37's budget table).

Reads what `make tour` (scripts/tour_human.sh) printed — one line per step with its wall
time, genekg's peak RSS and the server's peak RSS so far, then the predictions the later
release confirmed by rank — and writes benchmarks/results/whole_human_tour.json, which
report.py renders. Run: make tour | tee tour.log; .venv/bin/python
benchmarks/whole_human_report.py tour.log [more.log …] [--note "…"]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

RES = Path(__file__).resolve().parent / "results"
STEP = re.compile(r"^(?P<step>.+?)\s+(?P<s>[\d.]+) s\s+genekg peak\s+(?P<rss>\d+) MiB\s+"
                  r"server peak (?P<srv>\S+)")
HITS = re.compile(r"^\s+top\s+(?P<k>\d+):\s+(?P<h>\d+) confirmed")
BUDGETS = {"ingest BioGRID 3.4.126": "with the KG ≤ 5 min", "train": "≤ 15 min, RSS ≤ 8 GB",
           "predict": "≤ 5 min", "second release": "≥ 50,000 rel/s"}


def main(logs: list[Path], note: str = "") -> Path:
    """Parse the tour's logs (a re-run that reused the loaded graph prints only the steps
    it ran: later logs replace a step's earlier line) into results/whole_human_tour.json."""
    by_step: dict[str, dict[str, object]] = {}
    confirmed: list[dict[str, int]] = []
    for log in logs:
        for line in log.read_text().splitlines():
            if m := STEP.match(line):
                budget = next((b for k, b in BUDGETS.items() if k in m["step"]), "")
                by_step[m["step"].strip()] = {
                    "step": m["step"].strip(), "seconds": float(m["s"]),
                    "rss_mib": int(m["rss"]), "server_mib": m["srv"].strip(), "budget": budget}
            elif m := HITS.match(line):
                confirmed = [c for c in confirmed if c["k"] != int(m["k"])]
                confirmed.append({"k": int(m["k"]), "hits": int(m["h"])})
    steps = list(by_step.values())
    if not steps:
        raise SystemExit(f"{log}: no step lines of scripts/tour_human.sh")
    out = RES / "whole_human_tour.json"
    out.write_text(json.dumps({
        "title": "BioGRID 3.4.126 + KG → train → predict → BioGRID 4.4.203 (make tour, seed 1)",
        "note": "2 cores, default server memory (heap 2g). Confirmed: predicted pairs "
                "(trained on 3.4.126 only) that 4.4.203 holds, by the rank predict gave them. "
                + note,
        "steps": steps, "confirmed": confirmed}, indent=1))
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    extra = args.pop(args.index("--note") + 1) if "--note" in args else ""
    print("wrote", main([Path(a) for a in args if a != "--note"], extra))
