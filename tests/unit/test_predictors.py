"""The LinkPredictor contract, for every trainable method of the registry (the PyKEEN
pattern: one parametrised test every method inherits), and the shape of the package.

Graphs here are synthetic planted communities (unit tests only, not biology).
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakes import RecordingStore
from sklearn.metrics import roc_auc_score

from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.graphdata import Network, Profiles, standardise
from genekg.linkpred import scores as S
from genekg.linkpred.base import (
    LinkPredictor,
    SplitCache,
    SplitInputs,
    load_predictor,
    registered_kinds,
    save_predictor,
)
from genekg.linkpred.evaluate import held_out_pairs
from genekg.linkpred.kgcontext import build_context
from genekg.linkpred.methods import EVALUATE_ONLY, METHODS, TRAINABLE
from genekg.linkpred.split import EdgeSplit, split_edges
from genekg.linkpred.stack import Stack

N, COMMUNITIES = 150, 5
# Methods that cannot be a run, and why (a new method must be trainable and pass the
# contract, or be listed here).
EVALUATE_ONLY_WHY = {
    "expr-corr": "reads the profiles themselves; a run would have to carry them",
    "spectral+expr": "the expression-joined embedding is an evaluation peer of gne+expr",
    "node2vec": "GDS: needs the server (tests/integration checks its projection)",
    "node2vec+expr": "GDS, as node2vec",
    "deepwalk": "GDS, as node2vec",
    "fastrp": "GDS, as node2vec",
}
CFG = GNEConfig(dim=16, epochs=30, patience=30, batch_size=256, lr=0.05)


@cache
def planted() -> tuple[Network, list[dict[str, Any]], Profiles, EdgeSplit]:
    """Planted communities (synthetic), a KG context that follows them (pathways, drugs,
    KEGG relations) and profiles that correlate within a community."""
    rng = np.random.default_rng(0)
    comm = np.arange(N) % COMMUNITIES
    i, j = rng.integers(0, N, 20_000), rng.integers(0, N, 20_000)
    keep = (rng.random(len(i)) < np.where(comm[i] == comm[j], 0.5, 0.004)) & (i != j)
    e = np.unique(np.sort(np.stack([i[keep], j[keep]], 1), axis=1), axis=0)
    net = Network(0, [f"0:g{k}" for k in range(N)], e)
    rows = [{"gene": g, "pathway": [f"p{comm[k]}"] + ([f"q{k % 3}"] if k % 4 == 0 else []),
             "drug": [f"d{comm[k]}"] if k % 3 == 0 else [], "cell_line": [f"c{k % 7}"],
             "kegg": [net.genes[k + COMMUNITIES]] if k % 5 == 1 and k + 5 < N else []}
            for k, g in enumerate(net.genes)]
    centres = rng.normal(size=(COMMUNITIES, 20))
    x = centres[comm] + rng.normal(scale=1.0, size=(N, 20))
    has = np.ones(N, dtype=bool)
    prof = Profiles("planted", standardise(x, has), has, 20)
    return net, rows, prof, split_edges(net.edges, N, seed=3)


def inputs_for(seed: int = 3) -> SplitInputs:
    """Fresh inputs (nothing cached) on the planted split."""
    net, rows, prof, split = planted()
    return SplitInputs(net, split, seed, CFG, prof, None, "cpu",
                       gene_context=build_context(net.genes, rows))


def store_for_load() -> RecordingStore:
    """The database seam as a loaded run sees it: the KG context and profiles of its genes."""
    net, rows, prof, _ = planted()
    return RecordingStore(answers={
        "linkpred/gene_context": lambda p: [r for r in rows if r["gene"] in set(p["ids"])],
        "pull/profiles": [{"rows": [[g, prof.matrix[k].tolist()]
                                    for k, g in enumerate(net.genes)]}]})


def stack_fit(name: str) -> Stack:
    """A stack method of the table fitted on the planted split (typed as the Stack)."""
    fitted = METHODS[name].make().fit(inputs_for(), SplitCache())
    assert isinstance(fitted, Stack)
    return fitted


RANKERS = {"stack-rank"}  # fitted for the ranking among all candidates, not balanced AUROC


def mrr(p: LinkPredictor, split: EdgeSplit) -> float:
    """Per-gene MRR of the held-out pairs among all candidates, as predict ranks them."""
    from genekg.linkpred.retrieval import retrieval_metrics, stage_scores

    ex = S.adjacency(np.vstack([split.train, split.val_pos]), N)
    return retrieval_metrics("", stage_scores(p, ex), N, ex, split.test_pos,
                             S.degrees(S.adjacency(split.train, N)), (100,)).mrr


@cache
def cn_auroc() -> float:
    """Common neighbours' AUROC on the planted split (the contract's bar)."""
    _, _, _, split = planted()
    pairs, y = held_out_pairs(split)
    cn = METHODS["cn"].make().fit(inputs_for(), SplitCache())
    return float(roc_auc_score(y, cn.score(pairs)))


@pytest.mark.parametrize("name", TRAINABLE)
def test_contract(name: str, tmp_path: Path) -> None:
    """fit -> self; scores rank a planted graph; one seed, one result; save -> load scores
    and reports the same; candidates are valid pairs that leave out what they are told."""
    _, _, _, split = planted()
    inputs = inputs_for()
    predictor = METHODS[name].make()
    fitted = SplitCache().fit(predictor, inputs)
    assert fitted is predictor  # fit returns self
    pairs, y = held_out_pairs(split)
    s = fitted.score(pairs)
    assert s.shape == (len(pairs),) and np.isfinite(s).all()
    # The bar is common neighbours on the same split: a method that learned nothing more
    # than noise (or a broken one) falls below it. A ranker trained against hard negatives
    # is judged as it is used: its per-gene MRR among all candidates, through stage 1.
    if name in RANKERS:
        assert mrr(fitted, split) >= mrr(METHODS["cn"].make().fit(inputs_for(), SplitCache()),
                                         split), name
    elif name != "pa":  # preferential attachment knows nothing of communities
        assert roc_auc_score(y, s) >= cn_auroc() - 0.03, name
    # seeded determinism: a fresh fit with the same seed scores the same
    again = METHODS[name].make().fit(inputs_for(), SplitCache())
    assert np.allclose(again.score(pairs), s, rtol=0, atol=1e-6), name
    # save -> load through the database seam gives the same scores and report
    save_predictor(fitted, tmp_path / "p")
    store = store_for_load()
    loaded = load_predictor(tmp_path / "p", store)
    assert type(loaded) is type(fitted) and loaded.name == name
    assert np.allclose(loaded.score(pairs), s, rtol=0, atol=1e-9), name
    assert json.dumps(loaded.report().to_dict(), default=float) == json.dumps(
        fitted.report().to_dict(), default=float)
    assert type(loaded.report()) is type(fitted.report())  # typed, not a dict read back
    inner = getattr(loaded.report(), "chosen_report", None)  # auto: the kept one's report
    assert inner is None or type(inner) is type(fitted.report().chosen_report)  # type: ignore[attr-defined]
    assert loaded.stage1_k == fitted.stage1_k  # predict's stage 1 is the fitted one
    # what expected precision and auto read after loading: the honest (out-of-fold)
    # scores, the pairs fitted on, the gene embedding
    assert np.allclose(loaded.honest_score(pairs), fitted.honest_score(pairs), atol=1e-9)
    oof_f, oof_l = fitted.oof_pairs(), loaded.oof_pairs()
    if oof_l is not None:  # (a run may not keep them; if it does, they are the fit's)
        assert oof_f is not None and np.array_equal(oof_f[0], oof_l[0])
        assert np.allclose(oof_f[1], oof_l[1])
    emb_f, emb_l = fitted.gene_embedding(), loaded.gene_embedding()
    assert (emb_f is None) == (emb_l is None), name
    if emb_f is not None and emb_l is not None:
        assert np.allclose(emb_f, emb_l, atol=1e-6)
    # candidates: pairs i < j, never a self-pair nor an excluded one, same after loading
    exclude = S.adjacency(split.train, N)
    c = loaded.candidates(5, exclude=exclude)
    assert len(c) and (c[:, 0] < c[:, 1]).all()
    assert not np.asarray(exclude[c[:, 0], c[:, 1]]).any()
    assert np.array_equal(c, fitted.candidates(5, exclude=exclude))
    rows = np.array([7, 42])
    grid = np.column_stack([np.repeat(rows, N), np.tile(np.arange(N), 2)])
    assert np.allclose(loaded.block_scores(rows).ravel(), loaded.score(grid), atol=1e-9)
    mine = loaded.candidates(5, rows=rows, exclude=exclude)
    assert np.isin(mine, rows).any(axis=1).all()


def test_every_method_is_covered_by_the_contract_or_listed_as_evaluate_only() -> None:
    assert set(EVALUATE_ONLY) == set(EVALUATE_ONLY_WHY)
    assert set(TRAINABLE) | set(EVALUATE_ONLY) == set(METHODS)
    kinds = registered_kinds()
    for name in TRAINABLE:  # a run must be loadable as its own class
        cls = type(METHODS[name].make())
        assert kinds.get(cls.__dict__.get("kind", "")) is cls, name


def test_a_stack_refuses_a_changed_knowledge_graph_unless_allowed(tmp_path: Path) -> None:
    fitted = stack_fit("stack")
    save_predictor(fitted, tmp_path / "p")
    _, rows, _, split = planted()
    changed = [dict(r, pathway=[*r["pathway"], "p_new"]) if k < 30 else r
               for k, r in enumerate(rows)]
    store = store_for_load()
    store.answers["linkpred/gene_context"] = changed
    with pytest.raises(GenekgError, match="changed since it was trained"):
        load_predictor(tmp_path / "p", store)
    loaded = load_predictor(tmp_path / "p", store, allow_changed_graph=True)
    assert loaded.notes_ and "changed" in loaded.notes_[0]
    pairs, _ = held_out_pairs(split)
    assert not np.allclose(loaded.score(pairs), fitted.score(pairs))  # the live graph's
    # unchanged graph: loads without a note
    same = load_predictor(tmp_path / "p", store_for_load())
    assert same.notes_ == ()


def test_a_stack_stage_one_admits_what_only_a_heuristic_ranks_high() -> None:
    fitted = stack_fit("stack")
    exclude = S.adjacency(planted()[3].train, N)
    k = 3
    union = {tuple(p) for p in fitted.candidates(k, exclude=exclude).tolist()}
    spectral = {tuple(p) for p in fitted.members_["spectral-reg"].candidates(
        k, exclude=exclude).tolist()}
    l3 = METHODS["l3"].make().fit(inputs_for(), SplitCache())
    l3_top = {tuple(p) for p in l3.candidates(k, exclude=exclude).tolist()}
    only_l3 = l3_top - spectral
    assert only_l3 and only_l3 <= union and spectral <= union


def _imports(path: Path) -> set[str]:
    """Every genekg module `path` imports, at the top, in functions, under TYPE_CHECKING,
    or at run time by name (`importlib.import_module("genekg...")`, `__import__`)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("genekg"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("genekg"))
        elif isinstance(node, ast.Call) and node.args:
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            arg = node.args[0]
            if name in ("import_module", "__import__") and isinstance(arg, ast.Constant) \
                    and str(arg.value).startswith("genekg"):
                out.add(str(arg.value))
    return out


def _module_graph() -> dict[str, set[str]]:
    """genekg's modules (package, loaders and cypher as installed) and what each imports."""
    root = Path(__file__).resolve().parents[2]
    mods: dict[str, Path] = {}
    for pkg, folder in (("genekg", "genekg"), ("genekg.loaders", "loaders")):
        for p in (root / folder).rglob("*.py"):
            parts = [*p.relative_to(root / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts = parts[:-1]
            mods[".".join([pkg, *parts])] = p
    return {m: {i for i in _imports(p) if i in mods and i != m} for m, p in mods.items()}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for nxt in sorted(graph[m]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_cycle_finder_sees_run_time_imports(tmp_path: Path) -> None:
    mod = tmp_path / "m.py"
    mod.write_text("import importlib\n\ndef f():\n    importlib.import_module('genekg.x')\n")
    assert _imports(mod) == {"genekg.x"}
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_genekg_counting_run_time_imports() -> None:
    graph = _module_graph()
    assert "genekg.linkpred.base" in graph and "genekg.cli.main" in graph
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
    base = graph["genekg.linkpred.base"]
    above = {"genekg.linkpred.methods", "genekg.linkpred.stack", "genekg.linkpred.auto",
             "genekg.linkpred.runs", "genekg.linkpred.pipeline"}
    assert not base & above  # the contract module imports nothing built on it
    assert "genekg.linkpred.stack" in graph["genekg.linkpred.methods"]
    methods = {f"genekg.linkpred.{m}" for m in ("methods", "embedding", "pairscore",
                                                "pipeline", "protocol", "predict")}
    for m in ("stack", "auto"):
        assert not graph[f"genekg.linkpred.{m}"] & methods, m
    for m, deps in graph.items():  # gne/ keeps only GNE: it reads no data layer of its own
        if m.startswith("genekg.gne"):
            assert "genekg.graphdata" not in deps, m


def test_predictor_kinds_are_unique_and_a_bad_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GenekgError, match="no saved predictor"):
        load_predictor(tmp_path, None)
    (tmp_path / "predictor.json").write_text(json.dumps({"kind": "nope", "name": "x"}))
    with pytest.raises(GenekgError, match="unknown predictor kind"):
        load_predictor(tmp_path, None)
    with pytest.raises(TypeError, match="registered twice"):
        type("Dup", (registered_kinds()["stack"],), {"kind": "stack"})


def test_split_cache_fits_a_name_once_and_refuses_two_methods_of_one_name() -> None:
    cache = SplitCache()
    seen: list[str] = []
    cache.on_fit = seen.append
    inputs = inputs_for()
    first = cache.fit(METHODS["spectral-reg"].make(), inputs)
    assert cache.fit(METHODS["spectral-reg"].make(), inputs) is first
    assert seen[0] == "fitting spectral-reg" and len(seen) == 2  # once, with its time
    assert seen[1].startswith("spectral-reg fitted in ") and seen[1].endswith(" s")
    impostor: LinkPredictor = METHODS["l3"].make()
    impostor.name = "spectral-reg"
    with pytest.raises(GenekgError, match="two different methods"):
        cache.fit(impostor, inputs)


def test_hard_negatives_come_from_stage_one_and_never_a_training_or_validation_pair() -> None:
    import dataclasses

    fitted = stack_fit("stack-rank")
    inputs = inputs_for()
    split = inputs.split
    hard = fitted.hard_negative_pairs(inputs, np.random.default_rng(0))
    assert len(hard) == 2 * len(split.val_pos)
    codes = set((hard[:, 0] * N + hard[:, 1]).tolist())
    for known in (split.train, split.val_pos, split.val_neg):
        k = np.sort(known, axis=1)
        assert not codes & set((k[:, 0] * N + k[:, 1]).tolist())
    known_adj = S.adjacency(np.vstack([split.train, split.val_pos, split.val_neg]), N)
    pool = {tuple(p) for p in fitted.candidates(10, None, exclude=known_adj).tolist()}
    assert {tuple(p) for p in hard.tolist()} <= pool
    # the test pairs play no part: poisoned ones give the same draw
    poisoned = dataclasses.replace(split, test_pos=split.test_pos[:0],
                                   test_neg=split.test_neg[:0])
    again = fitted.hard_negative_pairs(dataclasses.replace(inputs, split=poisoned),
                                       np.random.default_rng(0))
    assert np.array_equal(again, hard)


def test_the_stack_reports_each_booster_grid_point_with_its_time() -> None:
    from genekg.linkpred.boosters import GRID, fit_boosters

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4))
    y = (x[:, 0] + rng.normal(size=200) > 0).astype(int)
    said: list[str] = []
    fit_boosters(x, y, ["a", "b", "c", "d"], seed=1, step=said.append)
    assert len(said) == len(GRID)
    assert said[0].startswith(f"stack boosters: grid point 1/{len(GRID)} (5 folds, 200 rows)")
    assert all(" s" in m and "AUROC" in m for m in said)


def test_a_saved_run_loads_through_the_run_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """A notebook opens a run (genekg.api, Run.load_predictor): loading finds the class of
    the saved kind because the run module imports the method table at its top, with no
    run-time import; `base` alone knows only what was imported and says so."""
    import subprocess
    import sys

    pred = METHODS["spectral-reg"].make().fit(inputs_for(), SplitCache())
    save_predictor(pred, tmp_path / "p")
    folder = str(tmp_path / "p")
    via_runs = ("from pathlib import Path; import genekg.linkpred.runs as R; "
                f"p = R.load_predictor(Path({folder!r}), None); print(type(p).__name__)")
    out = subprocess.run([sys.executable, "-c", via_runs], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr[-1500:]
    assert out.stdout.strip() == type(pred).__name__
    base_only = ("import sys; from pathlib import Path; "
                 "from genekg.linkpred.base import load_predictor\n"
                 f"try: load_predictor(Path({folder!r}), None)\n"
                 "except Exception as e: sys.exit(f'{e} | {e.hint}')")
    out = subprocess.run([sys.executable, "-c", base_only], capture_output=True, text=True,
                         check=False)
    assert out.returncode != 0 and "unknown predictor kind" in out.stderr
    assert "genekg.linkpred.methods" in out.stderr  # the hint names where to load from


def test_stack_rank_chooses_its_stage_one_depth_by_how_it_ranks_validation_edges() -> None:
    from genekg.linkpred.retrieval import stage_scores
    from genekg.linkpred.stack import STAGE1_LADDER, StackReport

    fitted = stack_fit("stack-rank")
    rep = fitted.report()
    assert isinstance(rep, StackReport)
    rungs = [(k, g) for g in (False, True) for k in STAGE1_LADDER]  # tried in this order
    name = {(k, g): f"{k}+global" if g else str(k) for k, g in rungs}
    assert set(rep.stage1) == set(name.values())
    crit = {r: rep.stage1[name[r]]["criterion"] for r in rungs}
    best = max(rungs, key=lambda r: crit[r])  # ties: the first tried
    assert (rep.stage1_k, rep.stage1_global) == (fitted.stage1_k, fitted.global_top) == best
    # a deeper stage 1, or one joined by the global tops, admits more validation edges
    for g in (False, True):
        ceil = [rep.stage1[name[(k, g)]]["ceiling"] for k in STAGE1_LADDER]
        assert ceil == sorted(ceil) and ceil[0] < ceil[-1]
    for k in STAGE1_LADDER:
        assert rep.stage1[name[(k, True)]]["ceiling"] >= rep.stage1[name[(k, False)]]["ceiling"]
    assert fitted.val_retrieval_.mrr == pytest.approx(rep.stage1[name[best]]["mrr"])
    # predict's path ranks exactly the chosen stage 1
    split = planted()[3]
    exclude = S.adjacency(split.train, N)
    got = stage_scores(fitted, exclude)(np.arange(N))
    fin = np.argwhere(np.isfinite(got))
    fin = fin[fin[:, 0] < fin[:, 1]]
    assert np.array_equal(fin, fitted.candidates(best[0], None, exclude))


def test_global_tops_join_stage_one_with_the_many_partners_of_a_hub() -> None:
    from genekg.linkpred.stack import Stack

    fitted = stack_fit("stack")
    assert isinstance(fitted, Stack) and not fitted.global_top
    exclude = S.adjacency(planted()[3].train, N)
    per_gene = fitted.candidates(2, None, exclude)
    fitted.global_top = True
    both = fitted.candidates(2, None, exclude)
    codes = set((both[:, 0] * N + both[:, 1]).tolist())
    assert codes >= set((per_gene[:, 0] * N + per_gene[:, 1]).tolist())
    extra = both[~np.isin(both[:, 0] * N + both[:, 1], per_gene[:, 0] * N + per_gene[:, 1])]
    assert len(extra) > 0
    # every pair above the 2·N/2-th best L3 score of the whole list (not a training pair)
    # is in: the global top of a generator, whatever each gene's own top 2
    l3 = S.block_scores("l3", fitted.a_, np.arange(N))
    iu = np.triu_indices(N, 1)
    v = np.where(np.asarray(exclude[iu[0], iu[1]]).ravel(), -np.inf, l3[iu])
    cut = np.sort(v)[::-1][2 * N // 2 - 1]
    above = np.flatnonzero(v > cut)
    assert len(above) > 10
    assert set((iu[0][above] * N + iu[1][above]).tolist()) <= codes
    # with rows given (predict --genes), only pairs touching those rows, the global ones
    # among them
    rows = np.array([0, 5])
    mine = fitted.candidates(2, rows, exclude)
    assert np.isin(mine, rows).any(axis=1).all()
    assert {tuple(p) for p in extra if set(p) & {0, 5}} <= {tuple(p) for p in mine}



def test_a_heuristic_run_computes_what_it_was_fitted_as_whatever_its_name(
        tmp_path: Path) -> None:
    """The algorithm is a stored parameter: a run saved under another table name (a renamed
    entry) still scores with the heuristic it was fitted as."""
    from genekg.linkpred.pairscore import PairScorePredictor

    _, _, _, split = planted()
    pairs, _ = held_out_pairs(split)
    l3 = PairScorePredictor("my-l3", heuristic="l3").fit(inputs_for(), SplitCache())
    save_predictor(l3, tmp_path / "p")
    loaded = load_predictor(tmp_path / "p", None)
    assert loaded.name == "my-l3"
    want = METHODS["l3"].make().fit(inputs_for(), SplitCache()).score(pairs)
    assert np.allclose(loaded.score(pairs), want)
    assert not np.allclose(want, METHODS["cn"].make().fit(inputs_for(), SplitCache())
                           .score(pairs))


def test_an_embedding_method_computes_its_parameters_whatever_its_name() -> None:
    """Spectral variants and the expression join are parameters: an entry named like
    another method computes what its parameters say, not what its name suggests."""
    from genekg.linkpred.embedding import Spectral

    _, _, _, split = planted()
    pairs, _ = held_out_pairs(split)
    plain = METHODS["spectral"].make().fit(inputs_for(), SplitCache()).score(pairs)
    renamed = Spectral("spectral-reg+expr", "spectral").fit(inputs_for(), SplitCache())
    assert np.allclose(renamed.score(pairs), plain)
    joined = Spectral("spectral", "spectral", expression=True).fit(inputs_for(), SplitCache())
    assert not np.allclose(joined.score(pairs), plain)


def test_a_stack_saved_before_the_boosters_moved_still_loads(tmp_path: Path) -> None:
    """A run's stack.joblib pickles its StackModel by module path; runs saved before the
    split name genekg.linkpred.stack. Such a pickle (the old path written into it) loads
    as the same class."""
    import pickle

    from genekg.linkpred.boosters import StackModel

    model = StackModel(["l3"], [], {"max_iter": 3}, 0.75)
    assert b"genekg.linkpred.boosters" in pickle.dumps(model)
    moved_from = StackModel.__module__
    StackModel.__module__ = "genekg.linkpred.stack"  # written as an old run wrote it
    try:
        old = pickle.dumps(model)
    finally:
        StackModel.__module__ = moved_from
    assert b"genekg.linkpred.stack" in old
    again = pickle.loads(old)
    assert type(again) is StackModel and again.oof_auroc == 0.75
