"""Train-a-run and evaluate-the-protocol, as library functions (the CLI renders them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from genekg.db import Database
from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.graphdata import Network, Profiles, pull_network, pull_profiles
from genekg.linkpred import evaluate as E
from genekg.linkpred import scores as S
from genekg.linkpred.auto import AutoReport
from genekg.linkpred.base import LinkPredictor, Report, SplitCache, SplitInputs
from genekg.linkpred.calibrate import Calibrator, brier
from genekg.linkpred.methods import DEFAULT_METHOD, TRAINABLE, get_method
from genekg.linkpred.protocol import MethodResult, run_methods
from genekg.linkpred.retrieval import expected_precision_curve, stage_scores
from genekg.linkpred.runs import RUN_FORMAT, FittedRun, Run, known_pairs, new_run_id
from genekg.linkpred.split import EdgeSplit, canonical_pairs, encode, sample_non_edges, split_edges
from genekg.organisms import Organism
from genekg.record import RunRecord

# The method table (names, labels, what each needs, which can be trained) and the default
# of `genekg train` / `genekg predict` live in the registry (genekg.linkpred.methods).
__all__ = ["DEFAULT_METHOD", "TRAINABLE", "Selection", "TrainOutcome", "evaluate_protocol",
           "train_run"]


@dataclass
class Selection:
    """Which network to pull: organism, source, release, expression dataset."""
    organism: Organism
    source: str | None = None
    release: str | None = None
    dataset: str | None = None
    pathway: str | None = None
    genes: list[str] | None = None
    kg_genes: bool = False  # also genes the KG places but with no interaction (see pull_network)

    def pull(self, db: GraphStore) -> tuple[Network, Profiles | None]:
        """Pull the network (and profiles, when a dataset is named) from the database."""
        net = pull_network(db, self.organism, source=self.source, release=self.release,
                           pathway=self.pathway, genes=self.genes, kg_genes=self.kg_genes)
        prof = pull_profiles(db, self.dataset, net.genes) if self.dataset else None
        return net, prof

    def to_dict(self) -> dict[str, Any]:
        """The selection as a JSON-ready dict (recorded in each run)."""
        return {"organism": self.organism.short, "taxon": self.organism.taxon,
                "source": self.source, "release": self.release, "dataset": self.dataset,
                "pathway": self.pathway, "genes": self.genes, "kg_genes": self.kg_genes}


def server_metadata(db: GraphStore) -> dict[str, Any]:
    """The server's address, versions and loaded sources (recorded in each run)."""
    sources = db.run("pull/sources")
    if not isinstance(db, Database):  # another GraphStore (a test's recording fake)
        return {"uri": None, "neo4j": None, "gds": None, "sources": sources}
    info = db.info()
    return {"uri": db.settings.uri, "neo4j": info.neo4j_version, "gds": info.gds_version,
            "sources": sources}


@dataclass
class TrainOutcome:
    """A finished training run: its folder, the metrics recorded and the method's report."""

    run: Run
    metrics: dict[str, Any]
    report: Report
    predictor: LinkPredictor  # as fitted (the run holds it as saved)


def train_run(
    db: GraphStore,
    sel: Selection,
    *,
    method: str = DEFAULT_METHOD,
    cfg: GNEConfig | None = None,
    seed: int,
    val_frac: float = 0.1,
    negatives: str = "uniform",
    all_edges: bool = False,
    device: str = "auto",
    base: Path | None = None,
    on_epoch: Callable[[int, float, float], None] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> TrainOutcome:
    """Fit one method on a split of the selection, save it, record it: runs/<id>/.

    Default: the evaluation split (validation for choices and calibration, half of the rest
    for training, half held out for the test metrics). `all_edges`: train on every edge
    but the validation fraction, for prediction of new interactions (no test metrics).
    The run folder appears only after a successful fit and save.
    """
    entry = get_method(method)
    if not entry.trainable:
        raise GenekgError(f"cannot train {method!r}", hint=f"Trainable: {', '.join(TRAINABLE)}")
    if entry.needs_expression and not sel.dataset:
        raise GenekgError(f"{method} needs --dataset")
    cfg, t0 = cfg or GNEConfig(), time.monotonic()
    net, prof = sel.pull(db)
    # The sources as they were when the network was pulled: a load that lands during a
    # long fit is not what the run saw.
    server = server_metadata(db)
    known_then = known_pairs(db, net.genes)  # what predict will compare the graph against
    split = split_edges(net.edges, len(net.genes), seed=seed, val_frac=val_frac,
                        negatives=negatives, test_frac=0.0 if all_edges else None,
                        train_frac=1.0 - val_frac if all_edges else None)
    inputs = SplitInputs(net, split, seed, cfg, prof, db, device, on_epoch=on_epoch)
    cache = SplitCache(on_fit=on_step)
    try:
        predictor = cache.fit(entry.make(), inputs)
    finally:
        cache.close(db)
    report = predictor.report()
    val_s, val_y = predictor.validation(split)  # honest: out-of-fold for the stack
    cal = Calibrator.fit(val_s, val_y)
    chosen = report.chosen if isinstance(report, AutoReport) else method
    metrics: dict[str, Any] = {**report.to_dict(), "method": method, "chosen": chosen,
                               "val_auroc": predictor.val_auroc(split)}
    if sel.kg_genes:  # genes ranked without any interaction of their own
        metrics["kg_only_genes"] = net.selection.get("kg_genes")
    if len(split.test_pos):
        pairs, y = E.held_out_pairs(split)
        s = predictor.score(pairs)
        metrics["test_auroc"], metrics["test_aupr"] = E.score(y, s)
        metrics["test_brier"] = brier(y, cal(s))
    # What a score means among all candidates: validation edges ranked through predict's
    # own path among every pair that is not a training (or test) edge.
    n, known = len(net.genes), np.vstack([split.train, split.test_pos])
    exclude = S.adjacency(known, n)
    ep = expected_precision_curve(stage_scores(predictor, exclude, None,
                                               honest=True), n, exclude, split.val_pos, cal,
                                  val_s[val_y == 1])
    with Run.staged(new_run_id(method, sel.organism.short, seed), base) as run:
        run.save_fitted(FittedRun(predictor, cal, ep))
        symbols = _symbols(db, net.genes)
        run.save_genes(net.genes, symbols)
        if (emb := predictor.gene_embedding()) is not None:
            run.save_embeddings(net.genes, symbols, emb)
        run.save_split(split)
        run.save_known(known_then)
        config = {"run_format": RUN_FORMAT, "method": method, "chosen": metrics["chosen"],
                  "seed": seed,
                  "selection": sel.to_dict(),
                  "gne": cfg.to_dict(), "split": {"val_frac": val_frac, "negatives": negatives,
                                                  "all_edges": all_edges}, "device": device}
        RunRecord(command="train", run_id=run.id, seed=seed, config=config,
                  data=_data_record(net, prof), server=server, metrics=metrics,
                  seconds=time.monotonic() - t0).write(run.path)
    return TrainOutcome(run, metrics, report, predictor)


def _data_record(net: Network, prof: Profiles | None) -> dict[str, Any]:
    """Fingerprints and sizes of the pulled network (and profiles) for a run record."""
    return {"network_sha256": net.fingerprint(), "genes": len(net.genes),
            "edges": len(net.edges), "profiles_sha256": prof.fingerprint() if prof else None,
            "genes_with_profile": int(prof.has_profile.sum()) if prof else None,
            "kg_genes": net.selection.get("kg_genes")}


def _symbols(db: GraphStore, genes: list[str]) -> list[str | None]:
    rows = db.scalar("pull/symbols", {"ids": genes}) or []
    m = dict(rows)
    return [m.get(g) for g in genes]


@dataclass
class EvalReport:
    rows: list[dict[str, Any]] = field(default_factory=list)  # one per method/mode/seed
    curves: dict[str, list[MethodResult]] = field(default_factory=dict)
    network: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> list[dict[str, Any]]:
        import pandas as pd

        df = pd.DataFrame(self.rows)
        if "brier" not in df:
            df["brier"] = float("nan")
        g = df.groupby(["method", "negatives"]).agg(
            auroc_mean=("auroc", "mean"), auroc_sd=("auroc", "std"),
            aupr_mean=("aupr", "mean"), aupr_sd=("aupr", "std"),
            brier=("brier", "mean"), seconds=("seconds", "mean"),
            seeds=("seed", "count")).reset_index()
        return [{str(k): v for k, v in r.items()} for r in g.fillna(0.0).to_dict("records")]


def evaluate_protocol(
    db: GraphStore,
    sel: Selection,
    methods: list[str],
    *,
    seeds: list[int],
    negatives: list[str],
    cfg: GNEConfig | None = None,
    val_frac: float = 0.1,
    test_frac: float | None = None,
    train_frac: float | None = None,
    device: str = "auto",
    on_step: Callable[[str], None] | None = None,
    on_epoch: Callable[[int, float, float], None] | None = None,
) -> EvalReport:
    """Run the paper's protocol for `methods` on one seeded split of the selection; test
    metrics per method."""
    net, prof = sel.pull(db)
    report = EvalReport(network={"genes": len(net.genes), "edges": len(net.edges),
                                 "genes_with_profile": int(prof.has_profile.sum())
                                 if prof else None})
    for neg in negatives:
        for seed in seeds:
            split = split_edges(net.edges, len(net.genes), seed=seed, val_frac=val_frac,
                                test_frac=test_frac, train_frac=train_frac, negatives=neg)
            def step(m: str, s: int = seed, n: str = neg) -> None:
                if on_step:
                    on_step(f"{n} seed {s}: {m}")

            results = run_methods(net, split, methods, seed=seed, profiles=prof,
                                    gne_config=cfg, db=db, device=device, on_epoch=on_epoch,
                                    on_method=step)
            for r in results:
                report.rows.append({"method": r.method, "negatives": neg, "seed": seed,
                                    "auroc": r.auroc, "aupr": r.aupr, "seconds": r.seconds,
                                    "train_edges": len(split.train),
                                    "test_edges": len(split.test_pos), **r.row()})
                if seed == seeds[0]:
                    report.curves.setdefault(neg, []).append(r)
    return report


def temporal_split(
    db: GraphStore, organism: Organism, source: str, old: str, new: str, *, seed: int,
    negatives: str = "uniform", val_frac: float = 0.1, kg_genes: bool = False,
) -> tuple[Network, EdgeSplit]:
    """Split for the temporal hold-out: train/validation edges from the older release;
    test positives = pairs between its genes present only in the newer release (with
    `kg_genes`, its genes include those the knowledge graph places without an interaction
    in it, so pairs the newer release adds to such a gene are held out too)."""
    old_net = pull_network(db, organism, source=source, release=old, kg_genes=kg_genes)
    new_net = pull_network(db, organism, source=source, release=new)
    return old_net, temporal_split_of(old_net, new_net, seed=seed, negatives=negatives,
                                      val_frac=val_frac, old=old)


def temporal_split_of(old_net: Network, new_net: Network, *, seed: int,
                      negatives: str = "uniform", val_frac: float = 0.1, old: str = "old"
                      ) -> EdgeSplit:
    """The temporal split of two networks of one organism (`temporal_split` pulls them):
    training and validation edges from `old_net`, test positives the pairs of `new_net`
    between genes of `old_net` that `old_net` does not hold."""
    n = len(old_net.genes)
    idx = old_net.index
    new_pairs = np.array([(idx[new_net.genes[a]], idx[new_net.genes[b]])
                          for a, b in new_net.edges
                          if new_net.genes[a] in idx and new_net.genes[b] in idx],
                         dtype=np.int64).reshape(-1, 2)
    new_pairs = canonical_pairs(new_pairs)
    added = new_pairs[~np.isin(encode(new_pairs, n), encode(old_net.edges, n))]
    if len(added) < 10:
        raise GenekgError(f"only {len(added)} new pairs between genes of release {old}",
                          hint="Temporal hold-out needs two releases with new interactions.")
    split = split_edges(old_net.edges, n, seed=seed, val_frac=val_frac,
                        test_frac=0.0, train_frac=1.0 - val_frac, negatives=negatives)
    rng = np.random.default_rng(seed + 1)
    all_known = np.vstack([old_net.edges, added])
    forbidden = np.concatenate([encode(all_known, n), encode(split.train_neg, n),
                                encode(split.val_neg, n)])
    degree = np.bincount(all_known.ravel(), minlength=n)
    split.test_pos = added
    split.test_neg = sample_non_edges(n, len(added), forbidden, rng, mode=negatives,
                                      degree=degree)
    return split


def temporal_holdout(
    db: GraphStore, organism: Organism, source: str, old: str, new: str, methods: list[str], *,
    seed: int, negatives: str = "uniform", cfg: GNEConfig | None = None, val_frac: float = 0.1,
    device: str = "auto", recall_ks: tuple[int, ...] = (1_000, 20_000), kg_genes: bool = False,
) -> list[MethodResult]:
    """Train on the older release, test on pairs present only in the newer one; with
    `recall_ks`, also the recall of those new pairs among each method's top-k of all
    candidate pairs (the number a curator acts on)."""
    old_net, split = temporal_split(db, organism, source, old, new, seed=seed,
                                    negatives=negatives, val_frac=val_frac, kg_genes=kg_genes)
    return run_methods(old_net, split, methods, seed=seed, gne_config=cfg, db=db,
                       device=device, recall_ks=recall_ks)
