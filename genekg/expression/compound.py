"""The expression of compounds never profiled: K-fold by compound on consensus signatures.

Question: what will a compound nobody has profiled do to each landmark gene? Each compound
of the consensi file (one consensus L1000 signature, 978 landmark z-scores) is held out in
exactly one of `folds` seeded folds; its signature is predicted by models fitted on the
other folds' compounds only, from one of these descriptions of the compound:

- `mean`: the training compounds' mean signature (the floor);
- `chemistry`: Morgan fingerprint (radius 2, 2,048 bits) of its InChI (RDKit);
- `graph`: what the knowledge graph knows of it, and nothing else — `targets`: random walk
  with restart from its targets over the human INTERACTS_WITH network, read at the
  landmark genes (plus its number of targets); `pathways`: the share of its targets in
  each KEGG pathway; and the seven similarity sets of the seed paper between its Drug
  super node and each landmark gene (`genekg.features.kg`: cn, lpi, ent, le, lle, dw, n2v);
- `graph+chem`: both;
- `stacking`: the paper's: the mean of seven models, each chemistry + targets + pathways +
  one similarity set; its control is chemistry + targets + pathways alone (`core+chem`),
  and with a random learner the seven-seed ensemble of that control.

None of these descriptions reads any signature, so no fold's signatures can leak into
features; the folds only decide which signatures train and which are scored. Scores:
per-gene R² and Pearson r over all compounds' out-of-fold predictions (and over the
compounds with ≥ 1 target / none), per-compound Pearson r, paired per-gene wins against
`mean` and `chemistry` with sign-test and Wilcoxon p.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import KFold

from genekg.db import Database
from genekg.errors import GenekgError
from genekg.expression import blockridge as br
from genekg.expression.mtrs import _r2_columns, paired
from genekg.features.kg import FEATURE_SETS, KG, compute, pull_kg

if TYPE_CHECKING:
    from genekg.loaders.lincs_consensus import ConsensusSignatures

ProgressFn = Callable[[str], None]
RESTART = 0.5  # RWR restart probability: most mass within two steps of the targets
MORGAN_RADIUS, MORGAN_BITS = 2, 2048
CORE = ("targets", "pathways")
COMPOUND_LEARNERS = ("ridge-mo", "extra-mo")


@dataclass
class CompoundGraph:
    """What the graph holds for compounds: targets, structures, the gene network, pathway
    membership and the KEGG + super-node subgraph of the seven similarity sets."""
    names: dict[str, str]
    inchi: dict[str, str | None]
    targets: dict[str, list[str]]
    genes: list[str]  # network gene ids, the row order of `adj` and `membership`
    adj: sp.csr_matrix  # INTERACTS_WITH (symmetric, 0/1)
    pathways: list[str]
    membership: sp.csr_matrix  # genes × pathways (0/1)
    kg: KG | None = None
    by_drugbank: dict[str, str] = field(default_factory=dict)  # DrugBank id -> node id
    gene_index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gene_index = {g: i for i, g in enumerate(self.genes)}

    def node_ids(self, drugs: list[str]) -> list[str]:
        """Graph ids for DrugBank ids (a DrugBank drug merged onto a LINCS node by InChIKey
        lives under that node's id); unknown ids are returned as they are."""
        return [d if d in self.names else self.by_drugbank.get(d, d) for d in drugs]


def pull_compound_graph(db: Database, *, taxon: int = 9606, with_kg: bool = True
                        ) -> CompoundGraph:
    """Drugs (targets, InChI), the organism's INTERACTS_WITH network, KEGG pathway
    membership and (with `with_kg`) the similarity-set subgraph, from the database."""
    from genekg.graphdata import pull_network
    from genekg.organisms import resolve_organism

    rows = db.scalar("pull/compounds", {"t": taxon}) or []
    if not rows:
        raise GenekgError("the graph holds no Drug node",
                          hint="genekg ingest drugs ../shared/data/drug_targets/"
                               "dhimmel_drugbank --id-map …")
    names = {r[0]: r[1] for r in rows}
    inchi = {r[0]: r[2] for r in rows}
    targets = {r[0]: sorted(r[3]) for r in rows}
    net = pull_network(db, resolve_organism(str(taxon)))
    kg = pull_kg(db, taxon) if with_kg else None
    genes = sorted(set(net.genes) | {t for ts in targets.values() for t in ts}
                   | ({n for n, lab in zip(kg.nodes, kg.labels, strict=True) if lab == "Gene"}
                      if kg else set()))
    gi = {g: i for i, g in enumerate(genes)}
    e = np.array([[gi[net.genes[a]], gi[net.genes[b]]] for a, b in net.edges], dtype=np.int64)
    adj = _symmetric(e, len(genes))
    pathways: list[str] = []
    mem_rows: list[int] = []
    mem_cols: list[int] = []
    if kg is not None:
        pathways = sorted(n for n, lab in zip(kg.nodes, kg.labels, strict=True)
                          if lab == "Pathway")
        pj = {p: j for j, p in enumerate(pathways)}
        coo = kg.adj.tocoo()
        for a, b in zip(coo.row, coo.col, strict=True):
            if kg.nodes[b] in pj and kg.labels[a] == "Gene":
                mem_rows.append(gi[kg.nodes[a]])
                mem_cols.append(pj[kg.nodes[b]])
    membership = sp.csr_matrix((np.ones(len(mem_rows)), (mem_rows, mem_cols)),
                               shape=(len(genes), len(pathways)))
    by_drugbank = {r[4]: r[0] for r in rows if len(r) > 4 and r[4]}
    return CompoundGraph(names, inchi, targets, genes, adj, pathways, membership, kg,
                         by_drugbank)


def _symmetric(edges: np.ndarray, n: int) -> sp.csr_matrix:
    if not len(edges):
        return sp.csr_matrix((n, n))
    a = sp.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    a = ((a + a.T) > 0).astype(np.float64)
    a.setdiag(0)
    a.eliminate_zeros()
    return sp.csr_matrix(a)


def random_walk_with_restart(adj: sp.csr_matrix, seeds: np.ndarray,
                             restart: float = RESTART, tol: float = 1e-10,
                             max_iter: int = 200) -> np.ndarray:
    """Stationary visiting probabilities of a walk that restarts at its seeds: P = r·S +
    (1 − r)·W·P with W the column-normalised adjacency. `seeds`: genes × walks, each
    column the restart distribution (sums to 1; an all-zero column stays zero). A walker
    on a gene without edges stays there, so every column keeps its total mass."""
    deg = np.asarray(adj.sum(axis=0)).ravel()
    inv = np.where(deg > 0, 1.0 / np.where(deg > 0, deg, 1.0), 0.0)
    w = sp.csr_matrix(adj @ sp.diags(inv))
    stuck = (deg == 0).astype(float)[:, None]
    p = seeds.astype(float).copy()
    for _ in range(max_iter):
        nxt = restart * seeds + (1 - restart) * (w @ p + stuck * p)
        if np.abs(nxt - p).max() < tol:
            return np.asarray(nxt)
        p = nxt
    return np.asarray(p)


def target_seeds(graph: CompoundGraph, drugs: list[str]) -> np.ndarray:
    """Genes × drugs: each drug's targets in the network, uniform (zero without targets)."""
    s = np.zeros((len(graph.genes), len(drugs)))
    for j, d in enumerate(drugs):
        idx = [graph.gene_index[t] for t in graph.targets.get(d, []) if t in graph.gene_index]
        if idx:
            s[idx, j] = 1.0 / len(idx)
    return s


def morgan_fingerprints(inchis: list[str | None], radius: int = MORGAN_RADIUS,
                        bits: int = MORGAN_BITS) -> tuple[np.ndarray, np.ndarray]:
    """Morgan (ECFP-like) bit vectors from InChI with RDKit; rows without a parsable
    structure (biologics, missing InChI) are zero, flagged False in the second array."""
    try:
        from rdkit import Chem, RDLogger
        from rdkit.Chem import rdFingerprintGenerator
    except ImportError as exc:  # a declared dependency; say so if an install lost it
        raise GenekgError("chemistry features need RDKit",
                          hint="pip install rdkit (a genekg dependency)") from exc
    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]  # unparsable InChI are counted, not printed one by one
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=bits)
    x = np.zeros((len(inchis), bits), dtype=np.float32)
    ok = np.zeros(len(inchis), dtype=bool)
    for i, s in enumerate(inchis):
        mol = Chem.MolFromInchi(s) if s else None  # type: ignore[no-untyped-call]
        if mol is not None:
            x[i] = gen.GetFingerprintAsNumPy(mol)
            ok[i] = True
    return x, ok


@dataclass
class Blocks:
    """Feature blocks of a list of compounds: name -> (compounds × columns) and the names
    of the columns (for explaining a gene's model)."""
    drugs: list[str]
    x: dict[str, np.ndarray]
    columns: dict[str, list[str]]
    seconds: dict[str, float]
    has_targets: np.ndarray
    has_structure: np.ndarray


def build_blocks(graph: CompoundGraph, drugs: list[str], landmarks: list[str], *,
                 sets: tuple[str, ...] = FEATURE_SETS, seed: int = 0, dim: int = 32,
                 db: Database | None = None, progress: ProgressFn | None = None) -> Blocks:
    """Every feature block for `drugs`, reading landmark genes `landmarks` (gene ids)."""
    say = progress or (lambda _m: None)
    x: dict[str, np.ndarray] = {}
    cols: dict[str, list[str]] = {}
    secs: dict[str, float] = {}
    t0 = time.monotonic()
    say("chemistry: Morgan fingerprints")
    x["chem"], has_structure = morgan_fingerprints([graph.inchi.get(d) for d in drugs])
    cols["chem"] = [f"morgan:{i}" for i in range(x["chem"].shape[1])]
    secs["chem"] = time.monotonic() - t0
    t0 = time.monotonic()
    say("graph: random walk with restart from each compound's targets")
    seeds = target_seeds(graph, drugs)
    has_targets = seeds.sum(axis=0) > 0
    walk = random_walk_with_restart(graph.adj, seeds)
    lm = [graph.gene_index.get(g, -1) for g in landmarks]
    at = np.column_stack([walk[i] if i >= 0 else np.zeros(len(drugs)) for i in lm])
    n_t = np.log1p(np.array([len(graph.targets.get(d, [])) for d in drugs], dtype=float))
    x["targets"] = np.column_stack([at, n_t])
    cols["targets"] = [f"rwr:{g}" for g in landmarks] + ["log(1 + #targets)"]
    secs["targets"] = time.monotonic() - t0
    t0 = time.monotonic()
    n_targets = seeds.astype(bool).sum(axis=0)
    share = (graph.membership.T @ seeds.astype(bool).astype(float)).T  # drugs × pathways
    x["pathways"] = np.asarray(share / np.maximum(n_targets, 1)[:, None])
    cols["pathways"] = [f"pathway:{p}" for p in graph.pathways]
    secs["pathways"] = time.monotonic() - t0
    if sets:
        if graph.kg is None:
            raise GenekgError("the similarity sets need the KEGG + super-node subgraph")
        kg = graph.kg
        d_idx = np.array([kg.index.get(d, -1) for d in drugs])
        g_idx = np.array([kg.index.get(g, -1) for g in landmarks])
        pairs = np.column_stack([np.repeat(d_idx, len(g_idx)), np.tile(g_idx, len(d_idx))])
        for name in sets:
            t0 = time.monotonic()
            say(f"graph: similarity set {name} (compound super node × landmark gene)")
            fs = compute(kg, name, dim=dim, seed=seed, db=db)
            x[name] = fs.pair(pairs).reshape(len(drugs), len(landmarks))
            cols[name] = [f"{name}:{g}" for g in landmarks]
            secs[name] = time.monotonic() - t0
    return Blocks(list(drugs), x, cols, secs, has_targets, has_structure)


def model_blocks(sets: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """The models: block -> weight of its kernel (`mean` reads none). In `graph+chem` the
    graph's blocks share one weight, so graph and chemistry weigh the same; a stacking
    member weighs each of its blocks the same (the paper's baseline + one set)."""
    graph = [*CORE, *sets]
    models: dict[str, dict[str, float]] = {
        "mean": {}, "chemistry": {"chem": 1.0}, "graph": dict.fromkeys(graph, 1.0),
        "graph+chem": {**dict.fromkeys(graph, 1.0 / len(graph)), "chem": 1.0},
        "core+chem": dict.fromkeys([*CORE, "chem"], 1.0)}
    for s in sets:
        models[f"member:{s}"] = dict.fromkeys([*CORE, "chem", s], 1.0)
    return models


@dataclass
class CompoundReport:
    """Out-of-fold predictions of every model and their scores."""
    drugs: list[str]
    genes: list[str]  # landmark symbols
    observed: np.ndarray
    predictions: dict[str, np.ndarray]
    has_targets: np.ndarray
    has_structure: np.ndarray
    folds: np.ndarray  # fold of each compound
    explanations: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    def per_gene(self, model: str, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """R² and Pearson r of each gene over the compounds in `rows` (default: all)."""
        y = self.observed if rows is None else self.observed[rows]
        p = self.predictions[model] if rows is None else self.predictions[model][rows]
        return {"r2": _r2_columns(y, p), "r": _pearson_columns(y, p)}

    def per_compound_r(self, model: str) -> np.ndarray:
        """Pearson r between each compound's predicted and observed signature."""
        return _pearson_columns(self.observed.T, self.predictions[model].T)

    def summary(self) -> list[dict[str, Any]]:
        """One row per model: mean R², r, per-compound r, paired wins vs mean and
        chemistry (all compounds, with targets, without)."""
        out = []
        subsets = {"all": None, "targets": np.flatnonzero(self.has_targets),
                   "no_targets": np.flatnonzero(~self.has_targets)}
        base = {k: {m: self.per_gene(m, rows)["r2"] for m in ("mean", "chemistry")}
                for k, rows in subsets.items() if rows is None or len(rows) > 2}
        for m in self.predictions:
            g = self.per_gene(m)
            row: dict[str, Any] = {"model": m, "mean_r2": float(g["r2"].mean()),
                                   "median_r2": float(np.median(g["r2"])),
                                   "mean_r": float(np.nanmean(g["r"])),
                                   "compound_r": float(np.nanmean(self.per_compound_r(m))),
                                   "seconds": self.timings.get(m, 0.0)}
            for k, rows in subsets.items():
                if k not in base:
                    continue
                r2 = self.per_gene(m, rows)["r2"]
                row[f"mean_r2[{k}]"] = float(r2.mean())
                for ref in ("mean", "chemistry"):
                    if ref != m:
                        row.update({f"{key}_vs_{ref}[{k}]": v
                                    for key, v in paired(r2, base[k][ref]).items()})
            out.append(row)
        return out

    def save(self, folder: Path) -> list[Path]:
        """r2_per_gene.csv, r_per_compound.csv, summary.csv, explanations.csv, predictions
        (npz) in `folder`."""
        import pandas as pd

        folder.mkdir(parents=True, exist_ok=True)
        r2 = pd.DataFrame({m: self.per_gene(m)["r2"] for m in self.predictions},
                          index=pd.Index(self.genes, name="gene"))
        r2.to_csv(folder / "r2_per_gene.csv")
        rc = pd.DataFrame({m: self.per_compound_r(m) for m in self.predictions},
                          index=pd.Index(self.drugs, name="drug"))
        rc.insert(0, "has_targets", self.has_targets)
        rc.insert(1, "has_structure", self.has_structure)
        rc.to_csv(folder / "r_per_compound.csv")
        pd.DataFrame(self.summary()).to_csv(folder / "summary.csv", index=False)
        pd.DataFrame(self.explanations).to_csv(folder / "explanations.csv", index=False)
        arrays = {"drugs": np.array(self.drugs), "genes": np.array(self.genes),
                  "observed": self.observed, "folds": self.folds,
                  **{m.replace(":", "_"): p for m, p in self.predictions.items()}}
        np.savez_compressed(folder / "predictions.npz", **arrays)  # type: ignore[arg-type]
        files = [folder / f for f in ("r2_per_gene.csv", "r_per_compound.csv",
                                      "summary.csv", "explanations.csv", "predictions.npz")]
        return files


# What a verdict compares: the graph models against chemistry alone and against the
# control that has the drug's targets and pathways but no graph features (`core+chem`).
VERDICT_PAIRS = (("graph+chem", "chemistry"), ("graph+chem", "core+chem"),
                 ("stacking", "chemistry"), ("stacking", "core+chem"))
VERDICT_ALPHA = 0.01


@dataclass(frozen=True)
class SeedComparison:
    """Per-gene R² of `model` against `reference` in each fold seed: wins of the 978 genes
    and the sign test's p."""

    model: str
    reference: str
    seeds: tuple[int, ...]
    wins: tuple[int, ...]
    sign_p: tuple[float, ...]
    genes: int

    @property
    def fractions(self) -> tuple[float, ...]:
        """The share of genes won, per seed."""
        return tuple(w / self.genes for w in self.wins)

    @property
    def seeds_won(self) -> int:
        """Seeds in which `model` wins more than half the genes with sign p < 0.01."""
        return sum(f > 0.5 and p < VERDICT_ALPHA
                   for f, p in zip(self.fractions, self.sign_p, strict=True))

    @property
    def holds(self) -> bool:
        """Whether the win holds in every seed (what a verdict may claim)."""
        return self.seeds_won == len(self.seeds)


def compare_over_seeds(reports: list[CompoundReport], seeds: list[int]
                       ) -> list[SeedComparison]:
    """`VERDICT_PAIRS` over the reports of several fold seeds (pairs a report lacks are
    left out)."""
    out = []
    for model, ref in VERDICT_PAIRS:
        if not all(model in r.predictions and ref in r.predictions for r in reports):
            continue
        tests = [paired(r.per_gene(model)["r2"], r.per_gene(ref)["r2"]) for r in reports]
        out.append(SeedComparison(model, ref, tuple(seeds), tuple(int(t["wins"]) for t in tests),
                                  tuple(float(t["sign_p"]) for t in tests),
                                  len(reports[0].genes)))
    return out


def seed_verdict(comparisons: list[SeedComparison]) -> str:
    """One sentence per model, worded by what holds in every fold seed."""
    if not comparisons:
        return "no graph model was run"
    n = len(comparisons[0].seeds)
    parts = []
    for model in dict.fromkeys(c.model for c in comparisons):
        said = []
        for c in (c for c in comparisons if c.model == model):
            lo, hi = min(c.fractions), max(c.fractions)
            span = f"{lo:.0%}" if lo == hi else f"{lo:.0%}–{hi:.0%}"
            verdict = (f"beats {c.reference} in every seed" if c.holds
                       else f"does not beat {c.reference}" if c.seeds_won == 0
                       else f"beats {c.reference} in only {c.seeds_won} of {n} seeds")
            said.append(f"{verdict} ({span} of genes, max sign p {max(c.sign_p):.2g})")
        parts.append(f"{model} " + "; ".join(said))
    return f"over {n} fold seed{'s' if n > 1 else ''}: " + ". ".join(parts)


def _pearson_columns(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    yc, pc = y - y.mean(axis=0), p - p.mean(axis=0)
    den = np.sqrt((yc ** 2).sum(axis=0) * (pc ** 2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(den > 0, (yc * pc).sum(axis=0) / den, np.nan))


def compound_folds(n: int, folds: int, seed: int) -> np.ndarray:
    """Fold number of each of `n` compounds (seeded, shuffled KFold)."""
    if n < folds * 2:
        raise GenekgError(f"{n} compounds cannot make {folds} folds of ≥ 2")
    out = np.zeros(n, dtype=int)
    for k, (_, te) in enumerate(KFold(folds, shuffle=True, random_state=seed).split(
            np.arange(n))):
        out[te] = k
    return out


def run_compound_experiment(blocks: Blocks, y: np.ndarray, genes: list[str], *,
                            folds: int = 5, seed: int = 0, learner: str = "ridge-mo",
                            mtrs: bool = False, trees: int = 100, ensemble: int = 7,
                            n_jobs: int = -1, models: dict[str, dict[str, float]] | None = None,
                            progress: ProgressFn | None = None) -> CompoundReport:
    """Out-of-fold predictions of every model for every compound; `y`: compounds × genes.

    `ridge-mo`: dual ridge on the sum of the blocks' kernels (`blockridge`), two-stage
    MTRS with `mtrs`. `extra-mo`: the multi-output MTRS forests of `genekg.expression.mtrs`
    on the concatenated blocks, `ensemble` seeds of the control."""
    if learner not in COMPOUND_LEARNERS:
        raise GenekgError(f"learner {learner!r} cannot run the compound split",
                          hint="Per-gene forests over 978 genes × 5 folds take hours: use "
                               + " or ".join(COMPOUND_LEARNERS))
    say = progress or (lambda _m: None)
    sets = tuple(b for b in blocks.x if b not in ("chem", *CORE))
    models = models or model_blocks(sets)
    fold_of = compound_folds(len(y), folds, seed)
    preds = {m: np.zeros_like(y) for m in models}
    if any(m.startswith("member:") for m in models):
        preds["stacking"] = np.zeros_like(y)
    if learner == "extra-mo" and ensemble > 1 and "core+chem" in models:
        preds["core+chem ensemble"] = np.zeros_like(y)
    timings = {m: 0.0 for m in preds}
    weights: dict[str, list[np.ndarray]] = {}
    for k in range(folds):
        tr, te = np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)
        t0 = time.monotonic()
        filled = {b: _impute(x, tr) for b, x in blocks.x.items()}
        kernels = ({b: br.block_kernel(x, tr) for b, x in filled.items()}
                   if learner == "ridge-mo" else {})
        shared = (time.monotonic() - t0) / max(1, len(models))
        for m, names in models.items():
            say(f"fold {k + 1}/{folds}: {m}")
            t0 = time.monotonic()
            if not names:
                preds[m][te] = y[tr].mean(axis=0)
            elif learner == "ridge-mo":
                if mtrs:
                    preds[m][te] = br.mtrs_predict([w * kernels[b] for b, w in names.items()],
                                                   tr, te, y[tr], seed=seed + k)
                else:
                    kern = np.sum([w * kernels[b] for b, w in names.items()], axis=0)
                    fit = br.fit_predict(kern, tr, te, y[tr])
                    preds[m][te] = fit.predictions
                    if m == "graph":
                        weights.setdefault(m, []).append(
                            _primal_weights(filled, list(names), tr, fit.dual))
            else:
                preds[m][te] = _forest_predict(filled, names, tr, te, y, seed=seed + k,
                                               trees=trees, n_jobs=n_jobs)
                if m == "core+chem" and "core+chem ensemble" in preds:
                    t1 = time.monotonic()
                    preds["core+chem ensemble"][te] = np.mean(
                        [preds[m][te]] + [_forest_predict(filled, names, tr, te, y,
                                                          seed=seed + k, trees=trees,
                                                          n_jobs=n_jobs, forest_seed=s)
                                          for s in range(1, ensemble)], axis=0)
                    timings["core+chem ensemble"] += time.monotonic() - t1
            timings[m] += time.monotonic() - t0 + shared
        if "stacking" in preds:
            members = [m for m in models if m.startswith("member:")]
            preds["stacking"][te] = np.mean([preds[m][te] for m in members], axis=0)
            timings["stacking"] = sum(timings[m] for m in members)
    rep = CompoundReport(blocks.drugs, genes, y, preds, blocks.has_targets,
                         blocks.has_structure, fold_of, timings=timings,
                         config={"folds": folds, "seed": seed, "learner": learner,
                                 "mtrs": mtrs, "trees": trees, "sets": list(sets),
                                 "models": models})
    if "graph" in weights:
        rep.explanations = explain(rep, blocks, list(models["graph"]),
                                   np.mean(weights["graph"], axis=0))
    return rep


def _impute(x: np.ndarray, tr: np.ndarray) -> np.ndarray:
    """NaN (an endpoint outside the similarity subgraph) -> the training rows' column
    median (0 where a column has no value on them)."""
    if not np.isnan(x).any():
        return x
    med = np.nan_to_num(np.nanmedian(np.where(np.isnan(x[tr]).all(axis=0), 0.0, x[tr]),
                                     axis=0))
    return np.where(np.isnan(x), med, x)


def _primal_weights(filled: dict[str, np.ndarray], names: list[str], tr: np.ndarray,
                    dual: np.ndarray) -> np.ndarray:
    """Weight of every (standardised) column of the model's blocks per gene: Z_bᵀ·dual / p_b
    (columns constant on the training rows get 0). Shape: columns × genes."""
    out = []
    for b in names:
        x = filled[b]
        keep = x[tr].std(axis=0) > 1e-12
        w = np.zeros((x.shape[1], dual.shape[1]))
        z = br.standardise(x, tr)[tr]
        w[keep] = z.T @ dual / max(1, int(keep.sum()))
        out.append(w)
    return np.vstack(out)


def explain(rep: CompoundReport, blocks: Blocks, graph_blocks: list[str],
            weights: np.ndarray, top: int = 25, per_gene: int = 3) -> list[dict[str, Any]]:
    """The genes the graph helps most over chemistry (R² gain), each with the graph
    columns that weigh most in its model (targets' propagation, pathways, similarity);
    `weights`: columns of `graph_blocks` × genes."""
    names = [c for b in graph_blocks for c in blocks.columns[b]]
    r2_graph, r2_chem = rep.per_gene("graph")["r2"], rep.per_gene("chemistry")["r2"]
    gain = r2_graph - r2_chem
    out = []
    for j in np.argsort(-gain)[:top]:
        order = np.argsort(-np.abs(weights[:, j]))[:per_gene]
        out.append({"gene": rep.genes[j], "r2_graph": float(r2_graph[j]),
                    "r2_chemistry": float(r2_chem[j]),
                    "gain": float(gain[j]),
                    "carried_by": "; ".join(f"{names[i]} ({weights[i, j]:+.3g})"
                                            for i in order)})
    return out


def _forest_predict(filled: dict[str, np.ndarray], names: dict[str, float], tr: np.ndarray,
                    te: np.ndarray, y: np.ndarray, *, seed: int, trees: int, n_jobs: int,
                    forest_seed: int = 0) -> np.ndarray:
    from genekg.expression.mtrs import MTRS

    x = np.hstack([filled[b] for b in names])  # trees pick columns: no block weights
    m = MTRS(n_trees=trees, seed=seed, n_jobs=n_jobs, learner="extra-mo",
             forest_seed=forest_seed, min_samples=10)
    # No test targets are handed over: MTRS uses y_te only for its importance report,
    # which this experiment does not read, so pass a zero-row array.
    return m.fit_predict(x[tr], y[tr], x[te], np.zeros((0, y.shape[1])),
                         None, None).predictions


DATASET = "lincs:consensi-drugbank"


def signatures_from_graph(db: Database, dataset: str = DATASET) -> ConsensusSignatures:
    """The consensus signatures `genekg ingest lincs-consensus` stored (gene symbols in the
    Dataset's order)."""
    from genekg.loaders.lincs_consensus import ConsensusSignatures

    rows = db.run("pull/consensus_signatures", {"ds": dataset})
    if not rows or not rows[0]["rows"] or rows[0]["rows"] == [[None, None]]:
        raise GenekgError(f"no consensus signature in the graph (dataset {dataset!r})",
                          hint="genekg ingest lincs-consensus consensi-drugbank.tsv.gz "
                               "--id-map geneinfo.tsv.gz, or pass --lincs <file>")
    genes = list(rows[0]["genes"])
    data = [r for r in rows[0]["rows"] if r[0] is not None]
    return ConsensusSignatures([r[0] for r in data], [], genes,
                               np.array([r[1] for r in data], dtype=float))


@dataclass
class SignaturePrediction:
    """A predicted signature of one compound with the evidence behind it."""
    drug: str
    name: str
    model: str
    genes: list[str]
    values: np.ndarray
    measured: np.ndarray | None
    targets: list[str]
    pathways: list[tuple[str, float]]  # (pathway, share of the targets)
    neighbours: list[dict[str, Any]]  # profiled compounds that weigh most, shared targets
    n_train: int


def predict_signature(graph: CompoundGraph, sig: ConsensusSignatures, drug: str, *,
                      model: str = "stacking", sets: tuple[str, ...] = FEATURE_SETS,
                      seed: int = 0, db: Database | None = None,
                      progress: ProgressFn | None = None) -> SignaturePrediction:
    """Fit `model` (ridge-mo) on every profiled compound except `drug` and predict `drug`'s
    landmark signature from the graph (and its structure where the model reads it)."""
    if drug not in graph.names:
        raise GenekgError(f"{drug} is not a Drug in the graph",
                          hint="Give a DrugBank id (DB00619) or a drug name as stored.")
    models = model_blocks(sets)
    if model not in (*models, "stacking"):
        raise GenekgError(f"unknown model {model!r}",
                          hint="Models: " + ", ".join([*models, "stacking"]))
    uses = ([m for m in models if m.startswith("member:")] if model == "stacking"
            else [model])
    reads_chem = any("chem" in models[m] for m in uses)
    has_structure = reads_chem and bool(morgan_fingerprints([graph.inchi.get(drug)])[1][0])
    if not graph.targets.get(drug) and not has_structure:
        # a signature from imputed inputs alone would be the mean profile in disguise
        why = ("and no structure (InChI) for the chemistry model" if reads_chem
               else "and this model reads no chemistry")
        raise GenekgError(f"{drug} has no target in the graph {why}: nothing informs its "
                          "prediction",
                          hint="Load its targets (genekg ingest drugs) or its structure "
                          "(DrugBank/Repurposing Hub InChI)" + ("" if reads_chem else
                                                                 ", or try --model core+chem"))
    train = [i for i, d in enumerate(sig.drugs) if d != drug]
    measured_row = [i for i, d in enumerate(sig.drugs) if d == drug]
    drugs = [sig.drugs[i] for i in train] + [drug]
    landmarks = [f"{_taxon_prefix(graph)}{g}" for g in sig.symbols]
    need = sorted({b for m in uses for b in models[m]} - {"chem", *CORE})
    blocks = build_blocks(graph, drugs, landmarks, sets=tuple(need), seed=seed, db=db,
                          progress=progress)
    tr = np.arange(len(train))
    te = np.array([len(train)])
    y = sig.values[train]
    filled = {b: _impute(x, tr) for b, x in blocks.x.items()}
    kernels = {b: br.block_kernel(x, tr) for b, x in filled.items()}
    preds, sims = [], np.zeros(len(train))
    for m in uses:
        kern = np.sum([w * kernels[b] for b, w in models[m].items()], axis=0)
        preds.append(br.fit_predict(kern, tr, te, y).predictions[0])
        sims += kern[te[0], tr] / len(uses)
    mine = set(graph.targets.get(drug, []))
    neighbours = [{"drug": drugs[i], "name": graph.names.get(drugs[i], drugs[i]),
                   "similarity": float(sims[i]),
                   "shared_targets": sorted(t.split(":", 1)[-1] for t in
                                            mine & set(graph.targets.get(drugs[i], [])))}
                  for i in np.argsort(-sims)[:5]]
    share = np.asarray(graph.membership.T @ target_seeds(graph, [drug])[:, 0].astype(bool)
                       .astype(float)).ravel()
    n_t = max(1, len(mine & set(graph.gene_index)))
    pathways = [(graph.pathways[j], float(share[j] / n_t)) for j in np.argsort(-share)[:5]
                if share[j] > 0]
    return SignaturePrediction(drug, graph.names.get(drug, drug), model, list(sig.symbols),
                               np.mean(preds, axis=0),
                               sig.values[measured_row[0]] if measured_row else None,
                               sorted(t.split(":", 1)[-1] for t in mine), pathways,
                               neighbours, len(train))


def _taxon_prefix(graph: CompoundGraph) -> str:
    """'9606:' — the prefix of the graph's gene ids (landmark symbols become gene ids)."""
    first = graph.genes[0] if graph.genes else "9606:"
    return first.split(":", 1)[0] + ":"


def resolve_drug(graph: CompoundGraph, name: str) -> str:
    """A Drug id for an id, a DrugBank id or a name (case-insensitive); GenekgError listing
    near misses."""
    if name in graph.names:
        return name
    if name in graph.by_drugbank:
        return graph.by_drugbank[name]
    hits = [d for d, n in graph.names.items() if n and n.lower() == name.lower()]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise GenekgError(f"{name!r} names several drugs: {', '.join(sorted(hits)[:5])}",
                          hint="Give the DrugBank id.")
    near = sorted(n for n in graph.names.values() if n and n.lower().startswith(
        name.lower()[:4]))[:5]
    raise GenekgError(f"no drug {name!r} in the graph",
                      hint=f"Similar names: {', '.join(near)}" if near else
                      "genekg ingest drugs … loads DrugBank.")
