"""Render benchmarks/results/*.json into benchmarks/RESULTS.md (tables with mean ± sd)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RES = Path(__file__).resolve().parent / "results"
def _labels() -> dict[str, str]:
    """Method labels from genekg's method table (one source of names)."""
    from genekg.linkpred.methods import METHODS

    return {name: m.label for name, m in METHODS.items()}


LABELS = _labels()
# Result files a later benchmark replaced (kept in git history, not in RESULTS.md): the
# retrieval of the default before stack-rank; the temporal yeast runs of one seed and the
# recall through the old exhaustive top_k_recall (it bypassed stage 1 and disagreed with
# retrieval_yeast_temporal, which ranks through predict's path).
SUPERSEDED = {"retrieval_human_previous-default", "exp_temporal_yeast",
              "exp_temporal_yeast_recall"}


# What a reader must know about one table that its numbers do not say (a known defect of
# the run that produced it), printed under its provenance line.
NOTES = {
    "retrieval_human_whole_temporal_gcn": (
        "**Read the `auto` row with care:** `auto` chose stack-rank+gcn in this run, but "
        "ranked it without its cascade (`Auto.tail_block` did not yet delegate to the "
        "choice; fixed right after, with a test), hence its 2% ceiling and lower MRR. "
        "What `auto` gives now is the stack-rank+gcn row."),
}


def provenance(name: str) -> str:
    """Which commit committed a table's result files, and when (`git log`); results
    changed since the last commit say so."""
    import subprocess

    files = [str(p) for p in (RES / f"{name}.json", RES / f"{name}_rows.csv",
                              RES / f"{name}.csv", RES / name) if p.exists()]
    if not files:
        return ""
    repo = RES.parent.parent
    log = subprocess.run(["git", "log", "-1", "--format=%h %ad", "--date=short", "--", *files],
                         cwd=repo, capture_output=True, text=True).stdout.split()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *files], cwd=repo,
                           capture_output=True, text=True).stdout.strip()
    if not log or dirty:
        return "_Results: this checkout, not yet committed._"
    return f"_Results committed in `{log[0]}` ({log[1]})._"


def _with_provenance(text: str, name: str) -> str:
    """`text` (a section) with its provenance line under the heading."""
    head, _, rest = text.partition("\n")
    note = f"\n{NOTES[name]}\n" if name in NOTES else ""
    return f"{head}\n\n{provenance(name)}\n{note}{rest}"


def flat_table(name: str, data: Any) -> str:
    """A results JSON as a two-column table of its numbers (nested keys joined by ' · ')."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, v: Any) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(f"{prefix} · {k}" if prefix else str(k), x)
        elif isinstance(v, list):
            if all(isinstance(x, int | float) for x in v):
                rows.append((prefix, ", ".join(f"{x:,.4g}" for x in v)))
            else:
                for i, x in enumerate(v):
                    walk(f"{prefix}[{i}]", x)
        elif isinstance(v, float):
            rows.append((prefix, f"{v:,.4g}"))
        elif isinstance(v, int) and not isinstance(v, bool):
            rows.append((prefix, f"{v:,}"))
        else:
            rows.append((prefix, str(v)))

    walk("", data)
    return "\n".join([f"### {name}", "", "| measure | value |", "|---|---|",
                      *[f"| {k} | {v} |" for k, v in rows], ""])


def topology_rows(name: str) -> list[dict[str, object]]:
    """For an expression table (table_<org>_<dataset>), the topology-only rows of the
    same seeds from table_<org> — same seed, same network = same split."""
    import pandas as pd

    base = "_".join(name.split("_")[:2])
    own, other = RES / f"{name}_rows.csv", RES / f"{base}_rows.csv"
    if base == name or not own.exists() or not other.exists():
        return []
    mine = pd.read_csv(own)
    df = pd.read_csv(other)
    df = df[df["seed"].isin(set(mine["seed"])) & df["negatives"].isin(set(mine["negatives"]))
            & df["method"].isin(["gne", "spectral", "node2vec"])
            & ~df["method"].isin(set(mine["method"]))]
    if df.empty:
        return []
    g = df.groupby(["method", "negatives"], sort=False).agg(
        auroc_mean=("auroc", "mean"), auroc_sd=("auroc", "std"), aupr_mean=("aupr", "mean"),
        aupr_sd=("aupr", "std"), seconds=("seconds", "mean")).reset_index()
    return [{**r, "method": f"{r['method']}*"} for r in g.fillna(0.0).to_dict("records")]


def table(name: str) -> str:
    data = json.loads((RES / f"{name}.json").read_text())
    rows = data["summary"] + topology_rows(name)
    modes = sorted({r["negatives"] for r in rows}, key=lambda m: m != "uniform")
    order = list(LABELS)
    methods = sorted(dict.fromkeys(r["method"] for r in rows),
                     key=lambda m: order.index(m.rstrip("*")) if m.rstrip("*") in order else 99)
    by = {(r["method"], r["negatives"]): r for r in rows}
    head = "| method | " + " | ".join(f"{m} AUROC | {m} AUPR" for m in modes) + " | s/run |"
    net = data["network"]
    desc = f"{net['genes']:,} genes, {net['edges']:,} pairs"
    if net.get("genes_with_profile") is not None:
        desc += f", {net['genes_with_profile']:,} genes with a profile"
    lines = [f"### {name} — {desc}, {data['seeds']} seeds", "", head,
             "|" + "---|" * (2 * len(modes) + 2)]
    for meth in methods:
        cells = []
        for m in modes:
            r = by.get((meth, m))
            cells += [f"{r['auroc_mean']:.3f} ± {r['auroc_sd']:.3f}",
                      f"{r['aupr_mean']:.3f} ± {r['aupr_sd']:.3f}"] if r else ["", ""]
        secs = max(by[(meth, m)]["seconds"] for m in modes if (meth, m) in by)
        label = LABELS.get(meth.rstrip("*"), meth) + ("\\*" if meth.endswith("*") else "")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {secs:.1f} |")
    if any(m.endswith("*") for m in methods):
        lines += ["", f"\\* same seeds and splits, from `{'_'.join(name.split('_')[:2])}`."]
    return "\n".join(lines) + "\n"


def _experiment_config(folder: Path) -> dict[str, Any]:
    """The experiment's settings: run.json's config (the run record), or the results.json of
    runs recorded before the record existed."""
    if (folder / "run.json").exists():
        return dict(json.loads((folder / "run.json").read_text())["config"])
    return dict(json.loads((folder / "results.json").read_text()))


def experiment(name: str) -> str:
    """λ sweep, sparsity and temporal hold-out (`genekg evaluate --experiment ...` output)."""
    import pandas as pd

    folder = RES / name
    meta = _experiment_config(folder)
    df = pd.read_csv(folder / "results.csv")
    kind = meta["experiment"]
    sel = meta["selection"]
    where = f"{sel['organism']} {sel['source'] or ''} {sel['release'] or ''}".strip()
    if sel.get("dataset"):
        where += f" + {sel['dataset']}"
    if kind == "temporal":
        where += (f" {meta.get('old_release')} -> {meta.get('new_release')} (train on the older,"
                  " test on pairs new in the newer)")
    if kind == "temporal" and "recall@1000" in df.columns:  # with the curator's number
        lines = [f"### {name} — temporal, {where}, seeds {meta['seeds']}", "",
                 "Recall@k: share of the newer release's new pairs among the method's k best "
                 "of ALL candidate pairs (every pair not a training/validation edge).", "",
                 "| method | negatives | seed | AUROC | AUPR | recall@1000 | recall@20000 | s |",
                 "|---|---|---|---|---|---|---|---|"]
        rows = df.to_dict("records")
        if df["seed"].nunique() > 1:  # and the mean over seeds
            mean = df.groupby(["method", "negatives"], sort=False).mean(numeric_only=True)
            rows += [{**r, "method": m, "negatives": n, "seed": "mean"}
                     for (m, n), r in mean.to_dict("index").items()]
        for r in rows:
            lines.append(f"| {LABELS.get(r['method'], r['method'])} | {r['negatives']} | "
                         f"{r['seed']} | {r['auroc']:.3f} | {r['aupr']:.3f} | "
                         f"{r['recall@1000']:.3f} | {r['recall@20000']:.3f} | "
                         f"{r['seconds']:.0f} |")
        return "\n".join(lines) + "\n"
    if kind == "sparsity":  # one row per training fraction, one column per method
        g = df.groupby(["train_frac", "method", "negatives"], sort=False)[["auroc", "aupr"]]
        m = g.mean().reset_index()
        methods = list(dict.fromkeys(m["method"]))
        lines = [f"### {name} — sparsity (test = 10% of edges), {where}, seeds {meta['seeds']}",
                 "", "| train fraction | negatives | " + " | ".join(
                     f"{LABELS.get(x, x)} AUROC / AUPR" for x in methods) + " |",
                 "|" + "---|" * (2 + len(methods))]
        for (tf, neg), grp in m.groupby(["train_frac", "negatives"], sort=False):
            by = {r["method"]: r for r in grp.to_dict("records")}
            cells = [f"{by[x]['auroc']:.3f} / {by[x]['aupr']:.3f}" if x in by else ""
                     for x in methods]
            lines.append(f"| {tf:g} | {neg} | " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"
    key = {"lambda": "lambda", "temporal": "method"}[kind]
    cols: list[str] = []
    g = df.groupby([key, *cols, "negatives"], sort=False)[["auroc", "aupr"]].mean()
    wide = g.unstack("negatives")
    modes = list(dict.fromkeys(df["negatives"]))
    head = f"| {key} | " + "".join(f"{c} | " for c in cols) + " | ".join(
        f"{m} AUROC | {m} AUPR" for m in modes) + " |"
    lines = [f"### {name} — {kind}, {where}, seeds {meta['seeds']}", "", head,
             "|" + "---|" * (1 + len(cols) + 2 * len(modes))]
    for idx, r in wide.iterrows():
        idx = idx if isinstance(idx, tuple) else (idx,)
        cells = [LABELS.get(str(v), str(v)) for v in idx]
        for m in modes:
            cells += [f"{r[('auroc', m)]:.3f}", f"{r[('aupr', m)]:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


PEERS = {  # docs/peers.md, same splits (seeds 1-5), AUROC / AUPR: the numbers to beat
    "ecoli": {"uniform": "0.978 / 0.969", "degree": "0.862 / 0.827"},
    "yeast": {"uniform": "0.952 / 0.956", "degree": "0.798 / 0.806"},
    "human": {"uniform": "0.867 / 0.890", "degree": "0.807 / 0.826"},
}
TARGETS = {
    "ecoli": {"uniform": "0.982 / 0.975", "degree": "0.88 / 0.85"},
    "yeast": {"uniform": "0.960 / 0.962", "degree": "0.83 / 0.83"},
    "human": {"uniform": "0.90 / 0.90", "degree": "0.85 / 0.85"},
}


def linkpred(name: str) -> str:
    """Table of benchmarks/linkpred_table.py rows (mean ± sd over the seeds run)."""
    import pandas as pd

    df = pd.read_csv(RES / f"{name}_rows.csv")
    org = name.split("_")[1]
    peers = RES / f"linkpred_{org}_peers_rows.csv"  # bench_gae.py: same splits, own script
    if name == f"linkpred_{org}" and peers.exists():
        df = pd.concat([df, pd.read_csv(peers)], ignore_index=True)
    lines = [f"## Interaction prediction — {name.removeprefix('linkpred_')} "
             f"(`benchmarks/linkpred_table.py {org}`)", "",
             "AUROC / AUPR, mean ± sd over seeds (n = seeds run); Brier of the calibrated "
             "scores; seconds per run (a fit shared within a split is counted once, by the "
             "first method that needs it: auto carries spectral-reg and the stack). Same "
             "splits as docs/peers.md. Peer rows come from their own scripts on the same "
             "splits (`benchmarks/bench_gae.py`: PyTorch Geometric GAE, CPU, 1 thread; its "
             "Brier is of its raw sigmoid scores, it has no calibration step).", "",
             "| method | uniform | Brier | degree-matched | Brier | s/run |",
             "|---|---|---|---|---|---|"]
    for meth, g in df.groupby("method", sort=False):
        cells = []
        for mode in ("uniform", "degree"):
            r = g[g["negatives"] == mode]
            if r.empty:
                cells += ["—", ""]
                continue
            sd = f" ± {r['auroc'].std():.3f}" if len(r) > 1 else ""
            cells += [f"{r['auroc'].mean():.3f}{sd} / {r['aupr'].mean():.3f} (n={len(r)})",
                      f"{r['brier'].mean():.3f}" if "brier" in r else ""]
        lines.append(f"| {meth} | " + " | ".join(cells) + f" | {g['seconds'].mean():.0f} |")
    if org in PEERS:
        lines.append(f"| *peer: cheap stack + spectral (docs/peers.md)* | {PEERS[org]['uniform']}"
                     f" | | {PEERS[org]['degree']} | | |")
        lines.append(f"| *target (issue)* | {TARGETS[org]['uniform']} | | "
                     f"{TARGETS[org]['degree']} | | |")
    return "\n".join(lines) + "\n"


def expression_paper(name: str) -> str:
    """The expression experiment with its control (benchmarks/bench_mtrs.py)."""
    d = json.loads((RES / f"{name}.json").read_text())
    c = d["config"]
    lines = [f"## Expression prediction with the control — {name}", "",
             f"Real A375 L1000 plate (level 3, 377 signatures), real human KG; "
             f"{len(d['genes'])} target genes, {c['trees']} trees, learner `{c['learner']}`, "
             f"baseline ensemble of {c['ensemble']}; total {d['seconds_total']} s, peak RSS "
             f"{d['peak_rss_mib']['main']:.0f} MiB (main) / "
             f"{d['peak_rss_mib']['largest_worker']:.0f} MiB (largest worker). "
             f"`benchmarks/bench_mtrs.py --genes {c['genes']} --trees {c['trees']} --learner "
             f"{c['learner']} --split-seeds {c['split_seeds']}`.", ""]
    for run in d["runs"]:
        g = len(d["genes"])
        lines += [f"Split seed {run['split_seed']} ({run['n_train']} train / {run['n_test']} "
                  f"test signatures, {run['seconds']} s):", "",
                  "| model | mean R² | median R² | best for | wins vs baseline (sign p, "
                  "Wilcoxon p) | wins vs baseline ensemble (sign p, Wilcoxon p) | s |",
                  "|---|---|---|---|---|---|---|"]
        for m, r in run["comparison"].items():
            cells = []
            for tag in ("baseline", "ensemble"):
                cells.append(f"{r[f'wins_vs_{tag}']}/{g} ({r[f'sign_p_vs_{tag}']:.2g}, "
                             f"{r[f'wilcoxon_p_vs_{tag}']:.2g})" if f"wins_vs_{tag}" in r
                             else "")
            lines.append(f"| {m} | {r['mean_r2']:.4f} | {r['median_r2']:.4f} | "
                         f"{r['best_count']} | {cells[0]} | {cells[1]} | "
                         f"{run['timings_s'].get(m, 0):.0f} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def expression_compound(name: str) -> str:
    """Expression of compounds never profiled (benchmarks/bench_expression_compound.py)."""
    d = json.loads((RES / f"{name}.json").read_text())
    n = d["data"]
    g = n["genes"]
    feats = ", ".join(f"{k} {v:.0f}" for k, v in d["feature_seconds"].items())
    lines = [f"## Expression of compounds never profiled — {name}", "",
             f"`{d['command']}`: {n['compounds']:,} compounds × {g} landmark genes "
             f"(consensus L1000 signatures), {n['with_targets']:,} with targets in the graph, "
             f"{n['with_structure']:,} with a structure; 5 folds by compound. Total "
             f"{d['seconds_total']} s (features, s: {feats}; fits {d['fit_seconds']} s), peak "
             f"RSS {d['peak_rss_mib']} MiB (genekg) / {d['server_rss_mib'] or 0:.0f} MiB "
             "(server). R² and r per gene over all compounds' out-of-fold predictions; "
             "wins: genes where the model's R² beats the reference's.", "",
             "| model | mean R² | median R² | mean r | r per compound | wins vs mean | wins vs "
             "chemistry (sign p, Wilcoxon p) | R² [≥1 target] | R² [no target] | s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in d["summary"]:
        chem = (f"{r['wins_vs_chemistry[all]']}/{g} ({r['sign_p_vs_chemistry[all]']:.2g}, "
                f"{r['wilcoxon_p_vs_chemistry[all]']:.2g})"
                if "wins_vs_chemistry[all]" in r else "")
        mean = f"{r['wins_vs_mean[all]']}/{g}" if "wins_vs_mean[all]" in r else ""
        lines.append(f"| {r['model']} | {r['mean_r2']:.4f} | {r['median_r2']:.4f} | "
                     f"{r['mean_r']:.3f} | {r['compound_r']:.3f} | {mean} | {chem} | "
                     f"{r.get('mean_r2[targets]', float('nan')):.4f} | "
                     f"{r.get('mean_r2[no_targets]', float('nan')):.4f} | "
                     f"{r['seconds']:.0f} |")
    if d.get("explanations"):
        lines += ["", "Genes the graph helps most over chemistry, with the graph model's "
                  "heaviest columns:", "", "| gene | R² graph | R² chemistry | carried by |",
                  "|---|---|---|---|"]
        lines += [f"| {e['gene']} | {e['r2_graph']:.3f} | {e['r2_chemistry']:.3f} | "
                  f"{e['carried_by']} |" for e in d["explanations"]]
    return "\n".join(lines) + "\n"


def expression_verdict(name: str) -> str:
    """The compound verdict over graph seeds × fold seeds (bench_expression_compound.py
    --seeds)."""
    d = json.loads((RES / f"{name}.json").read_text())
    runs = d["runs"]
    command = d["command"].replace("-s" + str(runs[0]["seed"]), "-sS")
    lines = [f"## Expression of compounds never profiled — the verdict over seeds ({name})",
             "", f"`{command}` for S = "
             f"{', '.join(map(str, d['seeds']))}: each seed "
             "redraws the graph's embeddings (node2vec, DeepWalk) and the command redraws "
             "the 5 folds with 3 fold seeds of its own (S, S+1, S+2). Cells: genes of 978 "
             "where the model's R² beats the reference's (sign-test p). A verdict holds "
             "where the model wins more than half the genes with p < 0.01 in every cell.", "",
             "| model | against | " + " | ".join(
                 f"S={r['seed']}, folds {f}" for r in runs for f in r["fold_seeds"])
             + " | cells won |", "|---|---|" + "---|" * (sum(len(r["fold_seeds"])
                                                         for r in runs) + 1)]
    pairs = [(c["model"], c["reference"]) for c in runs[0]["over_fold_seeds"]]
    for model, ref in pairs:
        cells, won, total = [], 0, 0
        for r in runs:
            c = next(x for x in r["over_fold_seeds"]
                     if (x["model"], x["reference"]) == (model, ref))
            for w, p in zip(c["wins"], c["sign_p"], strict=True):
                cells.append(f"{w} ({p:.1g})")
                won += int(w / c["genes"] > 0.5 and p < 0.01)
                total += 1
        lines.append(f"| {model} | {ref} | " + " | ".join(cells) + f" | {won} of {total} |")
    lines += ["", "Mean R² of the first fold seed of each S:", "",
              "| model | " + " | ".join(f"S={r['seed']}" for r in runs) + " |",
              "|---|" + "---|" * len(runs)]
    for m in ("chemistry", "graph", "graph+chem", "core+chem", "stacking"):
        lines.append(f"| {m} | " + " | ".join(f"{r['mean_r2'][m]:.4f}" for r in runs) + " |")
    secs = ", ".join(f"{r['seconds_total']} s" for r in runs)
    lines += ["", f"Time per S (features once, 3 × 5 folds): {secs}; peak RSS "
              f"{max(r['peak_rss_mib'] for r in runs)} MiB."]
    return "\n".join(lines) + "\n"


def ingest_human(name: str) -> str:
    """Whole human BioGRID, first release then second (benchmarks/bench_ingest_human.py)."""
    d = json.loads((RES / f"{name}.json").read_text())
    lines = ["## Ingest of whole human BioGRID: 3.4.126, then 4.4.203 as a second release "
             "(`benchmarks/bench_ingest_human.py`)", "",
             f"Real data (../shared). Each repeat empties the graph, loads 3.4.126 (GENCODE v22 "
             f"as the map) through the staged writer, then 4.4.203 into that live graph; "
             f"{d['writers']} writers, default batch and heap, alone on {d['machine']}. "
             f"Seconds from the writer's start (parsing apart: 3.4.126 "
             f"{d['parse_s']['3.4.126']} s, 4.4.203 {d['parse_s']['4.4.203']} s). diff: the "
             "release diff's one read and comparison (before the writes); relationships: "
             "lookups and writes; flip: the transaction that makes the load live. Second "
             f"release: median **{d['second_rate_median']:,.0f} relationships/s** (min "
             f"{d['second_rate_min']:,.0f}, max {d['second_rate_max']:,.0f}); Python peak "
             f"{d['python_peak_mib']} MiB, server peak {d['server_peak_mib'] or 0:.0f} MiB.", "",
             "| repeat | first: rel | s | rel/s | second: rel | new | s | rel/s | diff s | "
             "relationships s | flip s |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, r in enumerate(d["runs"], 1):
        a, b = r["first"], r["second"]
        lines.append(f"| {i} | {a['relationships']:,} | {a['seconds']:.1f} | "
                     f"{a['rel_per_s']:,} | {b['relationships']:,} | {b['new']:,} | "
                     f"{b['seconds']:.1f} | {b['rel_per_s']:,} | {b['diff_s']:.1f} | "
                     f"{b['relationships_s']:.1f} | {b['flip_s']:.1f} |")
    diff = d["runs"][-1]["second"]["release_diff"].get("INTERACTS_WITH 9606", {})
    if diff:
        lines += ["", f"The release diff: {diff['new_pairs']:,} pairs new in 4.4.203, "
                  f"{diff['absent_pairs']:,} of 3.4.126 absent from it (mostly 4.4.203's "
                  f"largest-connected-component filter, not retractions), "
                  f"{diff['kept_pairs']:,} in both; {diff['new_genes']:,} genes new."]
    return "\n".join(lines) + "\n"


def ingest_release(name: str) -> str:
    """Ingest of a release by batch size (benchmarks/bench_ingest_release.py)."""
    d = json.loads((RES / f"{name}.json").read_text())
    if "rows" not in d:
        return ""  # the SIGKILL check: rendered with its release table
    staged = "heap" in d  # written by the staged writer (before: one transaction per load)
    lines = [f"## Ingest of a release, by batch size — SYNTHETIC, {d['genes']:,} genes, "
             f"{d['edges']:,} pairs (not biology)", "",
             "`benchmarks/bench_ingest_release.py`: r1 into an empty graph, then r2 (90% of "
             "r1's pairs + 10% new) into the graph holding r1; each load in its own process"
             + (f", staged (each batch its own transaction), server heap {d['heap']}. "
                "Phases: nodes, relationship lookups + writes (new pairs, then re-tagging), "
                "the release diff, the flip (one small transaction)."
                if staged else "; each load one transaction. Phases: nodes, relationship "
                "lookups + writes, the release diff, the commit (after the last write)."), "",
             f"| writers | batch | release | s | rel/s | nodes s | rels s | diff s | "
             f"{'flip' if staged else 'commit'} s | new rels | Python MiB | server RSS MiB |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in d["rows"]:
        lines.append(f"| {r.get('writers', 1)} | {r['batch']:,} | {r['release']} | "
                     f"{r['seconds']:.1f} | "
                     f"{r['rel_per_s']:,.0f} | {r['nodes_s']:.1f} | {r['relationships_s']:.1f} "
                     f"| {r['diff_s']:.1f} | {r['commit_s']:.1f} | {r['new_relationships']:,} "
                     f"| {r['python_peak_mib']:.0f} | {r['server_rss_mib']:.0f} |")
    for r in d["rows"]:
        samples = r.get("reader_samples")
        if not samples:
            continue
        seen = [list(dict.fromkeys(s[k] for s in samples)) for k in (1, 2)]
        ok = all(len(v) <= 2 and [s[k] for s in samples] ==
                 sorted((s[k] for s in samples), key=v.index)
                 for k, v in zip((1, 2), seen, strict=True))
        lines += ["", f"Readers during {r['release']} (batch {r['batch']:,}; pull/network "
                  f"among the 2,000 hub genes, {len(samples)} samples over {samples[-1][0]} s): "
                  f"all releases {' → '.join(f'{x:,}' for x in seen[0])} pairs, release "
                  f"{r['release']} {' → '.join(f'{x:,}' for x in seen[1])}: "
                  + ("the old graph, then the whole new one, nothing between."
                     if ok else "**a state between old and new was seen.**")]
    kill = RES / f"ingest_release_kill_{d['edges']}.json"
    if kill.exists():
        k = json.loads(kill.read_text())
        lines += ["", "SIGKILL of `ingest` (r2, batch 20,000) into the graph holding r1, at "
                  "three points, then the same command once more:", "",
                  "| killed at | after s | pending rels then | r1 pairs re-tagged then | "
                  "readers unchanged |", "|---|---|---|---|---|"]
        for pt in k["points"]:
            st = pt["state_at_kill"]
            same = "yes" if pt["readers_unchanged"] else "NO"
            lines.append(f"| {pt['point']} | {pt['killed_after_s']} | {st.get('rels', 0):,} | "
                         f"{st.get('tagged', 0):,} | {same} |")
        lines += ["", f"Re-run: {k['final']['seconds']:.1f} s, collected "
                  f"{', '.join(k.get('collected') or []) or 'nothing'}; counts {k['counts']} — "
                  + ("equal to an uninterrupted load" if k["expected"] else "**NOT equal**")
                  + f"; pending rows left: {len(k['pending_after'])}."]
    if d.get("note"):
        lines += ["", d["note"]]
    return "\n".join(lines) + "\n"


def scale(name: str) -> str:
    """The synthetic 20k-gene / 1M-edge run end to end (benchmarks/bench_scale.py)."""
    d = json.loads((RES / f"{name}.json").read_text())
    lines = [f"## End to end at human-BioGRID size — {d['graph']}", "",
             f"Degrees: max {d['degree']['max']}, median {d['degree']['median']}, "
             f"isolated {d['degree']['isolated']}. Each step is its own process "
             "(peak RSS from /usr/bin/time); server peak = the JVM's VmHWM so far."
             + (f" Transactional steps ran on a server with a {d['transactional_server_heap']} "
                "heap (one load = one transaction); the bulk path on genekg's default (2g)."
                if "transactional_server_heap" in d else ""), "",
             "| step | seconds | Python peak MiB | server peak MiB | throughput | rc |",
             "|---|---|---|---|---|---|"]
    steps = [k for k in d if k.startswith("ingest_transactional")] + [
        "ingest_bulk", "train_default", "predict_top10000_writeback"]
    for step in steps:
        r = d.get(step)
        if not r:
            continue
        m = re.search(r"import ([\d.]+) s \(([\d,]+)\s+rels/s\)", str(r.get("tail", "")))
        if r["rc"] != 0:
            thr = "FAILED: " + ("transaction memory (MemoryPoolOutOfMemory)"
                                if "memory" in str(r.get("tail", "")) else "see tail")
        elif "rels_per_s" in r:
            thr = f"{r['rels_per_s']:,} rels/s (whole command)"
        elif m:
            thr = (f"importer {m.group(2)} rels/s ({m.group(1)} s incl. JVM start); whole "
                   f"command {r['rels_per_s_end_to_end']:,} rels/s")
            if "importer_own_s" in r:
                thr += (f"; importer's own time {r['importer_own_s']} s: "
                        f"{r['nodes_per_s_importer_own']} nodes/s, "
                        f"{r['rels_per_s_importer_own']} rels/s")
        else:
            thr = ""
        server = f"{r['server_peak_mib']:.0f}" if "server_peak_mib" in r else ""
        lines.append(f"| {step} | {r['seconds']} | {r['python_peak_mib']:.0f} | "
                     f"{server} | {thr} | {r['rc']} |")
    path = [d[s] for s in ("ingest_bulk", "train_default", "predict_top10000_writeback")
            if s in d]
    if len(path) == 3 and all(r["rc"] == 0 for r in path):
        py = max(r["python_peak_mib"] for r in path)
        srv = max(float(r.get("server_peak_mib", 0)) for r in path)
        total = d["generate_s"] + sum(r["seconds"] for r in path)
        lines += ["", f"End to end through the bulk path (generate + ingest --bulk + train + "
                      f"predict with write-back): {total:.0f} s; "
                      f"peak memory {py:.0f} MiB Python + {srv:.0f} MiB server = "
                      f"{(py + srv) / 1024:.1f} GiB (steps run one after another)."]
    return "\n".join(lines) + "\n"


def gne_speed(name: str) -> str:
    """GNE training settings side by side (`benchmarks/bench_gne_speed.py`)."""
    d = json.loads((RES / f"{name}.json").read_text())
    lines = [f"## GNE training speed — {d['network']}, {d['negatives']} negatives, "
             f"{d['device']} (`benchmarks/bench_gne_speed.py`)", "",
             f"{d['genes']:,} genes, {d['edges']:,} pairs, split seed {d['seed']}, torch threads "
             f"{d['torch_threads']}; one run, settings side by side."
             + (" Rows labelled `before (<commit>)` ran that commit's genekg (a git worktree "
                "on PYTHONPATH) in the same sitting as the `after` rows (this code: broadcast "
                "product instead of bmm, fused Adam, a cheaper dropout mask, a warm-started "
                "validation fit). GNE's default batch is now 512 (`after: b512-lr`)."
                if any(k.startswith("before") for k in d) else ""), "",
             "| setting | batch | validation signal | s/epoch | best epoch | s to best | s total "
             "| test AUROC / AUPR |", "|---|---|---|---|---|---|---|---|"]
    for k, r in d.items():
        if isinstance(r, dict) and "seconds_per_epoch" in r:
            lines.append(f"| {k} | {r['batch_size']} | {r['val_signal']} | "
                         f"{r['seconds_per_epoch']} | {r['best_epoch']} | "
                         f"{r['seconds_to_best_epoch']} | {r['seconds_total']} | "
                         f"{r['test_auroc']:.4f} / {r['test_aupr']:.4f} |")
    return "\n".join(lines) + "\n"


RETRIEVAL_COLS = ["ceiling", "recall@100", "recall@1000", "recall@10000", "recall@20000",
                  "recall@100000", "precision@100", "mrr", "hits@10", "mrr[0]",
                  "hits@10[0]", "orphan_positives", "orphan_recall@20000", "seconds"]


def wilson(hits: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion hits / n (small held-out sets: 42-63 pairs)."""
    if n == 0:
        return float("nan"), float("nan")
    p = hits / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / d
    return max(0.0, c - h), min(1.0, c + h)


def retrieval(name: str) -> str:
    """Table of benchmarks/retrieval_table.py rows (mean over the seeds run)."""
    import pandas as pd

    df = pd.read_csv(RES / f"{name}_rows.csv")
    org = name.removeprefix("retrieval_").split("_")[0]
    seeds = sorted(df["seed"].unique().tolist())
    cols = [c for c in RETRIEVAL_COLS if c in df]
    mean = df.groupby("method", sort=False)[cols].mean()
    pos = int(df["positives"].iloc[0])
    temporal = "temporal" in name
    kg = name.endswith("_kg")  # --kg-genes: genes the KG places without an interaction
    whole = "_whole" in name  # --whole: the whole human releases with GENCODE v22
    flags = (" --whole" if whole else "") + (" --temporal 3.4.126 4.4.203" if whole and temporal
                                             else " --temporal OLD NEW" if temporal else "") \
        + (" --kg-genes" if kg else "")
    held = (f"{pos:,} pairs that the newer release adds between genes of the older one "
            "(trained on the older: 90% training, 10% validation edges; recall cells: mean "
            "[95% Wilson interval of the mean hits]) ranked among") if temporal else (
            f"{pos:,} held-out pairs (10% of edges; 80% train, 10% validation) ranked among")
    lines = [f"## Retrieval — {name.removeprefix('retrieval_')} "
             f"(`benchmarks/retrieval_table.py {org}{flags}`"
             f"), seeds {seeds}", "",
             f"{held} "
             "ALL candidate pairs (every pair not a training or validation edge) through "
             "predict's own path (`retrieval.stage_scores`). ceiling: share of held-out "
             "pairs stage 1 admits; recall/precision@k: the global list; MRR, Hits@10: each "
             "query gene's own list (filtered), [0]: query genes without training edges; "
             "orphan_recall: pairs touching such a gene; seconds: fit + ranking." + (
                 " With --kg-genes the run's genes include every gene the KG places (KEGG "
                 "pathway or relation, drug target, cell-line mutation) without an "
                 "interaction in the older release; the held-out pairs include those the "
                 "newer release adds to such genes (the orphan pairs)." if kg else ""), "",
             "| method | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    def cell(r: pd.Series, c: str) -> str:
        if c == "seconds":
            return f"{r[c]:.0f}"
        if c == "orphan_positives":
            return f"{r[c]:.1f}"
        if temporal and c.startswith("recall@"):
            lo, hi = wilson(r[c] * pos, pos)
            return f"{r[c]:.3f} [{lo:.2f}–{hi:.2f}]"
        return f"{r[c]:.4f}"

    for m, r in mean.iterrows():
        lines.append(f"| {m} | " + " | ".join(cell(r, c) for c in cols) + " |")
    ks = [int(c.split("@")[1]) for c in cols if c.startswith("recall@")]
    if pos >= 10_000 and ks:
        # With hundreds of thousands of positives, recall cells round to 0.00x: the share
        # of the top k that the later release confirmed tells the methods apart.
        heur = [m for m in ("l3", "aa", "ra", "cn", "pa", "a3", "jaccard") if m in mean.index]
        lines += ["", "Precision@k (hits among the top k = recall@k × positives / k) and "
                  "each method against the best heuristic at that k:", "",
                  "| method | " + " | ".join(f"precision@{k:,}" for k in ks) + " |",
                  "|---" * (len(ks) + 1) + "|"]
        prec = {m: [mean.loc[m, f"recall@{k}"] * pos / k for k in ks] for m in mean.index}
        best = [max(prec[h][i] for h in heur) if heur else float("nan")
                for i in range(len(ks))]
        for m, vals in prec.items():
            lines.append(f"| {m} | " + " | ".join(
                f"{v:.1%}" + (f" ({v / b:.2f}×)" if b > 0 and m not in heur else "")
                for v, b in zip(vals, best, strict=True)) + " |")
    return "\n".join(lines) + "\n"


def retrieval_ep(name: str) -> str:
    """Expected precision (validation, as a run states it) against the precision the test
    edges show at the same scores (benchmarks/retrieval_table.py --ep)."""
    import pandas as pd

    df = pd.read_csv(RES / f"{name}.csv")
    org = name.removeprefix("retrieval_ep_").split("_")[0]
    lines = [f"## Expected precision against observed — {org} "
             f"(`benchmarks/retrieval_table.py {org} --ep ...`, seed 1)", "",
             "At each score threshold: expected = validation edges / candidates scored as "
             "high (what `predict` states), observed = the same for the held-out test edges "
             "(never seen by the estimate). Rows: thresholds with 20+ positives at global "
             "ranks 100-100,000.", "",
             "| method | thresholds | expected/observed min | median | max |",
             "|---|---|---|---|---|"]
    for m, part in df.groupby("method", sort=False):
        sel = part[(part["rank"] >= 100) & (part["rank"] <= 100_000)
                   & (part["positives"] >= 20)]
        lines.append(f"| {m} | {len(sel)} | {sel['ratio'].min():.2f} | "
                     f"{sel['ratio'].median():.2f} | {sel['ratio'].max():.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parts = ["# Benchmark results (generated by benchmarks/report.py)", "",
             "Machine: 2 CPU cores, 24 GiB, no GPU. Commands: `benchmarks/run_all.sh`, "
             "`benchmarks/bench_expression.py`. Raw numbers: `benchmarks/results/`. Each "
             "table names the commit that committed its results.", ""]
    sections: list[tuple[str, Any]] = []
    sections += [(n, table) for n in sorted(p.stem for p in RES.glob("table_*.json"))]
    sections += [(n, linkpred) for n in sorted(
        p.stem.removesuffix("_rows") for p in RES.glob("linkpred_*_rows.csv")
        if not p.stem.endswith("_peers_rows"))]
    sections += [(n, retrieval) for n in sorted(
        p.stem.removesuffix("_rows") for p in RES.glob("retrieval_*_rows.csv"))]
    sections += [(n, retrieval_ep) for n in sorted(p.stem for p in RES.glob("retrieval_ep_*.csv"))]
    sections += [(f.name, experiment) for f in sorted(
        p for p in RES.glob("exp_*") if (p / "run.json").exists()
        or (p / "results.json").exists())]
    for pattern, fn in (("expression_paper_*.json", expression_paper),
                        ("expression_compound_*.json", expression_compound),
                        ("expression_verdict_*.json", expression_verdict),
                        ("ingest_release_*.json", ingest_release),
                        ("ingest_human_release.json", ingest_human),
                        ("scale_synthetic_*.json", scale), ("gne_speed_*.json", gne_speed),
                        ("whole_human_*.json", whole_human), ("hub_cap.json", hub_cap),
                        ("ep_observed.json", ep_observed),
                        ("score_auroc.csv", score_auroc)):
        sections += [(n, fn) for n in sorted(p.stem for p in RES.glob(pattern))]
    for name, fn in sections:
        if name not in SUPERSEDED:
            parts.append(_with_provenance(fn(name), name))
    for name in ("ingest", "gne", "expression"):
        f = RES / f"{name}.json"
        if f.exists():
            parts.append(_with_provenance(flat_table(name, json.loads(f.read_text())), name))
    (RES.parent / "RESULTS.md").write_text("\n".join(parts))
    print("wrote", RES.parent / "RESULTS.md")


def score_auroc(name: str) -> str:
    """`genekg score` on pairs a user brings (benchmarks/score_auroc.py)."""
    import pandas as pd

    df = pd.read_csv(RES / f"{name}.csv")
    lines = [f"## Scoring pairs a user brings — whole human, 3.4.126 → 4.4.203 "
             f"(`benchmarks/score_auroc.py`), seeds {sorted(df['seed'].unique().tolist())}",
             "", "AUROC of pairs 4.4.203 adds (a sample) against uniform pairs of the same "
             "genes that neither release holds, and against pairs two steps apart in the "
             "training graph that neither holds (plausible by topology, not chosen by any "
             "one method's ranking); scores as `genekg score` reports them (monotone in "
             "the run's predictor score). seconds: fit (shared fits reused) + scoring.", "",
             "| method | chosen | AUROC vs random | AUROC vs two-step | seconds |",
             "|---|---|---|---|---|"]
    for _, r in df.iterrows():
        lines.append(f"| {r['method']} | {r['chosen']} | {r['auroc_vs_random']:.4f} | "
                     f"{r['auroc_vs_two_step']:.4f} | {r['seconds']:.0f} |")
    return "\n".join(lines) + "\n"


def ep_observed(name: str) -> str:
    """Expected precision stated by predict against what a later release observed
    (benchmarks/ep_observed.py)."""
    d = json.loads((RES / f"{name}.json").read_text())
    lines = [f"## Expected precision, stated against observed — run `{d['run']}`, "
             f"confirmed by {d['tag']} (`benchmarks/ep_observed.py`)", "",
             f"{d['written_pairs']:,} written predictions of the tour's run (trained on BioGRID "
             "3.4.126, the default of its day), in windows of predict's own rank: the mean "
             "expected precision predict stated (estimated on held-out validation edges of "
             "3.4.126) and the share of pairs the later release holds.", "",
             "| ranks | pairs | stated | observed | stated ÷ observed |", "|---|---|---|---|---|"]
    for r in d["rows"]:
        lines.append(f"| {r['ranks']} | {r['pairs']:,} | {100 * r['stated']:.1f}% | "
                     f"{100 * r['observed']:.1f}% | {r['stated_over_observed']:.2f} |")
    return "\n".join(lines) + "\n"


def hub_cap(name: str) -> str:
    """`predict --max-per-gene` on a real run's written list (benchmarks/hub_cap.py)."""
    data = json.loads((RES / f"{name}.json").read_text())
    ks = sorted({int(k.split("@")[1]) for r in data["rows"] for k in r if "precision@" in k})
    lines = [f"## Cap per gene in the global list — run {data['run']}, confirmed by "
             f"{data['tag']} (`benchmarks/hub_cap.py`)", "",
             "The whole-human tour's written predictions in predict's rank order, capped "
             "greedily as `predict --max-per-gene N` caps the global list; precision@k: "
             "pairs the later release holds among the top k; share: the largest share of the "
             "top k pairs that go through one gene. One run, one seed; the written list "
             "(global top 100,000 + 10 per gene) stands in for predict's deeper pool.", "",
             "| cap | " + " | ".join(f"precision@{k:,} | share@{k:,}" for k in ks) + " |",
             "|---" * (2 * len(ks) + 1) + "|"]
    for r in data["rows"]:
        cells = []
        for k in ks:
            p = r.get(f"precision@{k}")
            cells += ["-" if p is None else f"{p:.1%}", f"{r[f'top_gene_share@{k}']:.1%}"]
        lines.append(f"| {r['cap']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def whole_human(name: str) -> str:
    """The whole-human tour's steps (scripts/tour_human.sh through bench_whole_human.py)."""
    data = json.loads((RES / f"{name}.json").read_text())
    lines = [f"## Whole human interactome — {data['title']}", "", data.get("note", ""), "",
             "| step | seconds | genekg peak RSS (MiB) | server peak RSS (MiB) | budget |",
             "|---|---|---|---|---|"]
    for r in data["steps"]:
        lines.append(f"| {r['step']} | {r['seconds']:,.1f} | {r.get('rss_mib', '')} | "
                     f"{r.get('server_mib', '')} | {r.get('budget', '')} |")
    if data.get("confirmed"):
        lines += ["", "| top k of the prediction | confirmed by the later release | "
                  "precision |", "|---|---|---|"]
        for r in data["confirmed"]:
            lines.append(f"| {r['k']:,} | {r['hits']:,} | {100 * r['hits'] / r['k']:.1f}% |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
