"""`train_run` and `predict` end to end through the database seam (the recording fake, no
server): the run folder is the fitted predictor, predict scores what train fitted, a failed
fit leaves nothing behind. Graphs are synthetic planted communities (not biology)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakes import RecordingStore
from test_predictors import planted
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.errors import GenekgError
from genekg.linkpred.pairio import read_pairs
from genekg.linkpred.pipeline import Selection, train_run
from genekg.linkpred.predict import predict, score_pairs
from genekg.linkpred.prediction import PredictOptions
from genekg.linkpred.runs import RUN_FORMAT, Run
from genekg.organisms import Organism

ORG = Organism(0, "planted (synthetic)", "planted", "test")  # taxon 0: not biology


def _store(fail_context: bool = False) -> RecordingStore:
    net, rows, _, _ = planted()
    pairs = [[net.genes[a], net.genes[b]] for a, b in net.edges]

    def context(p: dict[str, Any]) -> list[dict[str, Any]]:
        if fail_context:
            raise RuntimeError("server went away")
        return [r for r in rows if r["gene"] in set(p["ids"])]

    return RecordingStore(answers={
        "pull/network": [{"pairs": pairs}],
        "pull/symbols": lambda p: [{"r": [[g, g.split(":")[1].upper()] for g in p["ids"]]}],
        "pull/sources": [],
        "linkpred/gene_context": context,
        "pull/genes_present": lambda p: [{"n": len(p["ids"])}],
        "predict/known_pairs": [{"r": pairs}],
        "predict/evidence": lambda p: [{"r": [[[], [], False] for _ in p["a"]]}],
        "pull/genes_by_name": lambda p: [{"r": [[s, f"0:{s}"] for s in p["s"]
                                                if f"0:{s}" in set(net.genes)]}],
    })


@pytest.mark.parametrize("method", ["stack", "spectral-reg", "l3"])
def test_train_saves_the_predictor_and_predict_scores_with_it(method: str,
                                                              tmp_path: Path) -> None:
    store = _store()
    out = train_run(store, Selection(ORG), method=method, seed=4, base=tmp_path)
    run = out.run
    assert run.path.parent == tmp_path and not list(tmp_path.glob(".*"))
    cfg = json.loads((run.path / "run.json").read_text())["config"]
    assert cfg["run_format"] == RUN_FORMAT and cfg["method"] == method
    assert "calibration" not in cfg  # fitted state lives with the predictor, not in config
    assert 0.6 < out.metrics["test_auroc"] <= 1.0
    result = predict(store, Run.open(str(run.path)), PredictOptions(top_k=30, per_gene=2))
    net = planted()[0]
    known = {frozenset((net.genes[a], net.genes[b])) for a, b in net.edges.tolist()}
    assert not any(frozenset((p.a, p.b)) in known for p in result.predictions)
    # the run's index space is the pulled network's (gene ids sorted)
    idx = {g: i for i, g in enumerate(run.load_genes()["gene_id"])}
    pairs = np.array([[idx[p.a], idx[p.b]] for p in result.predictions])
    assert len(pairs) >= 30
    # the scores predict wrote are the fitted predictor's, calibrated as the run says
    fitted = Run.open(str(run.path)).load_fitted(store)  # what a notebook loads
    want = fitted.probability(pairs)
    assert [p.score for p in result.predictions] == pytest.approx(want, abs=1e-9)
    assert [p.expected_precision for p in result.predictions[:1]] == pytest.approx(
        fitted.expected_precision(pairs[:1]), nan_ok=True)
    raw = out.predictor.score(pairs)  # the calibrator is the run's, not an identity
    assert not np.allclose(want, raw) or method == "l3"
    # every gene of the run has its best partners; the top of the list is sorted
    genes = {g for p in result.predictions for g in (p.a, p.b)}
    assert len(genes) == len(net.genes)
    scores = [p.score for p in result.predictions]
    assert scores == sorted(scores, reverse=True)
    # an exhaustive predictor ranks every unknown pair; the stack its stage-1 union
    n = len(net.genes)
    every = n * (n - 1) // 2 - len(known)
    assert (result.candidates_scored == every) == (method != "stack")


def test_the_run_records_the_sources_present_when_the_network_was_pulled(
        tmp_path: Path) -> None:
    """A load that lands while a long fit runs is not recorded as what the run saw."""
    store = _store()
    loaded = [{"id": "biogrid@1:aaaa", "sha256": "a"}]
    store.answers["pull/sources"] = lambda p: [dict(s) for s in loaded]
    symbols = store.answers["pull/symbols"]

    def landing(p: dict[str, Any]) -> list[dict[str, Any]]:
        loaded.append({"id": "biogrid@2:bbbb", "sha256": "b"})  # lands after the fit
        return symbols(p)  # type: ignore[operator]

    store.answers["pull/symbols"] = landing
    out = train_run(store, Selection(ORG), method="l3", seed=2, base=tmp_path)
    record = json.loads((out.run.path / "run.json").read_text())
    assert [s["id"] for s in record["server"]["sources"]] == ["biogrid@1:aaaa"]


def test_a_failed_fit_leaves_no_run_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="server went away"):
        train_run(_store(fail_context=True), Selection(ORG), method="stack", seed=1,
                  base=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_old_run_format_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    out = train_run(_store(), Selection(ORG), method="l3", seed=2, base=tmp_path)
    meta = json.loads((out.run.path / "run.json").read_text())
    del meta["config"]["run_format"]
    (out.run.path / "run.json").write_text(json.dumps(meta))
    with pytest.raises(GenekgError, match="run format 1"):
        predict(_store(), Run.open(str(out.run.path)), PredictOptions(top_k=5))
    with pytest.raises(GenekgError, match="cannot train 'expr-corr'"):
        train_run(_store(), Selection(ORG), method="expr-corr", seed=2, base=tmp_path)


def test_score_reports_every_pair_a_user_brings(tmp_path: Path) -> None:
    store = _store()
    out = train_run(store, Selection(ORG), method="spectral-reg", seed=3, base=tmp_path,
                    all_edges=True)
    run = Run.open(str(out.run.path))
    net = planted()[0]
    a, b = net.edges[0]
    known = (net.genes[a][2:], net.genes[b][2:])
    top = predict(store, run, PredictOptions(top_k=1)).predictions[0]
    f = tmp_path / "pairs.tsv"
    f.write_text(f"gene_a\tgene_b\n{top.a[2:]}\t{top.b[2:]}\n{known[0]},{known[1]}\n"
                 "g1 NOPE  # a gene the run lacks\ng2 g2\n")
    got = score_pairs(store, run, read_pairs(f))
    assert [g.status for g in got] == ["scored", "known interaction", "unknown gene: NOPE",
                                       "same gene"]
    best = got[0]
    # the run's best pair: the same score predict gave it, first in at least one gene's list
    assert best.score == pytest.approx(top.score, abs=1e-9)
    assert min(best.rank_a, best.rank_b) == 1
    assert 0 < best.expected_precision <= 1 and best.expected_precision == pytest.approx(
        top.expected_precision)
    bad = tmp_path / "bad.tsv"
    bad.write_text("g1\tg2\ng3\n")
    with pytest.raises(GenekgError, match=r"bad.tsv:2: expected two genes"):
        read_pairs(bad)


def test_a_binary_or_gzipped_pair_file_is_named_not_a_traceback(tmp_path: Path) -> None:
    import gzip

    gz = tmp_path / "pairs.tsv.gz"
    gz.write_bytes(gzip.compress(b"TP53\tMDM2\n"))
    assert read_pairs(gz) == [("TP53", "MDM2")]
    binary = tmp_path / "pairs.xlsx"
    binary.write_bytes(b"TP53\tMDM2\nPK\x03\x04\x00\xff\xfe")
    with pytest.raises(GenekgError, match=r"pairs.xlsx:2: not a text file of gene pairs"):
        read_pairs(binary)
    r = CliRunner().invoke(app, ["score", "--run", "nosuch", "--pairs", str(binary)],
                           terminal_width=200)
    assert r.exit_code == 2 and "not a text file of gene pairs" in r.output  # input error
    assert "Traceback" not in r.output


@pytest.mark.parametrize("method", ["spectral+kg", "stack-rank"])
def test_a_gene_the_kg_places_without_an_interaction_gets_partners_from_its_pathway(
        method: str, tmp_path: Path) -> None:
    """`--kg-genes`: genes with pathway/drug/cell-line context but no interaction join the
    run without edges, and predict ranks partners for them — of their own planted pathway,
    far above the 1-in-5 a blind pick would give."""
    net = planted()[0]
    comm = np.arange(len(net.genes)) % 5  # planted(): pathway p{k % 5}
    lonely = [net.genes[k] for k in (10, 21, 32, 43, 54)]
    store = _store()
    store.answers["pull/network"] = [{"pairs": [
        [net.genes[a], net.genes[b]] for a, b in net.edges
        if net.genes[a] not in lonely and net.genes[b] not in lonely]}]
    store.answers["pull/kg_genes"] = [{"genes": list(net.genes)}]
    plain = train_run(store, Selection(ORG), method="l3", seed=5, base=tmp_path)
    assert not set(lonely) & set(plain.run.load_genes()["gene_id"])
    assert not any(q == "pull/kg_genes" for q, _ in store.calls)  # only when asked

    out = train_run(store, Selection(ORG, kg_genes=True), method=method, seed=5,
                    base=tmp_path, all_edges=True)
    assert [p for q, p in store.calls if q == "pull/kg_genes"][-1] == {
        "taxon": 0, "pathway": None, "genes": None}
    assert out.metrics["kg_only_genes"] == len(lonely)
    assert set(lonely) <= set(out.run.load_genes()["gene_id"])
    record = json.loads((out.run.path / "run.json").read_text())
    assert record["data"]["kg_genes"] == len(lonely)
    assert record["config"]["selection"]["kg_genes"] is True
    result = predict(store, Run.open(str(out.run.path)),
                     PredictOptions(top_k=None, per_gene=5,
                                    genes=[g.split(":")[1] for g in lonely]))
    idx = net.index
    same = []
    for g in lonely:
        mine = [p for p in result.predictions if g in (p.a, p.b)]
        assert len(mine) >= 5, f"{g} got {len(mine)} partners"
        top = sorted(mine, key=lambda p: -p.score)[:5]
        same += [comm[idx[p.a]] == comm[idx[p.b]] for p in top]
    assert np.mean(same) >= 0.6


@pytest.mark.parametrize("method", ["spectral-reg", "l3"])
def test_predict_and_score_say_when_the_graph_changed_since_training(
        method: str, tmp_path: Path) -> None:
    """Every run (not only stacks) records the interactions it saw; new pairs loaded since
    would be silently excluded as known, so predict refuses, or warns when allowed."""
    out = train_run(_store(), Selection(ORG), method=method, seed=3, base=tmp_path)
    run = Run.open(str(out.run.path))
    net = planted()[0]
    pairs = [[net.genes[a], net.genes[b]] for a, b in net.edges]
    assert predict(_store(), run, PredictOptions(top_k=5)).notes == ()  # unchanged graph
    known = {frozenset(p) for p in pairs}
    fresh = [[a, b] for a in net.genes[:20] for b in net.genes[20:]
             if frozenset((a, b)) not in known][:2]
    later = _store()  # a later release: two pairs more, one pair gone
    later.answers["predict/known_pairs"] = [{"r": pairs[1:] + fresh}]
    with pytest.raises(GenekgError, match=r"changed since it was trained: 2 pairs are new .* "
                                          r"and 1 are gone"):
        predict(later, run, PredictOptions(top_k=5))
    with pytest.raises(GenekgError, match="changed since it was trained"):
        score_pairs(later, run, [("g1", "g2")])
    res = predict(later, run, PredictOptions(top_k=5), allow_changed_graph=True)
    assert len(res.notes) == 1 and "2 pairs are new" in res.notes[0]


def _stage_one(run: Run, pred: Any) -> tuple[list[str], np.ndarray, set[tuple[int, int]],
                                              tuple[int, int]]:
    """The run's genes, its stage-1 pairs (known edges excluded), the same as a set of
    both directions, and the first pair (i < j) neither known nor admitted."""
    from genekg.features import similarity as F

    genes = list(run.load_genes()["gene_id"])
    net = planted()[0]
    known = F.adjacency(np.array([[genes.index(net.genes[a]), genes.index(net.genes[b])]
                                  for a, b in net.edges]), len(genes))
    cand = pred.candidates(pred.stage1_k, None, known)
    reach = {(int(i), int(j)) for i, j in cand} | {(int(j), int(i)) for i, j in cand}
    outside = next((i, j) for i in range(len(genes)) for j in range(i + 1, len(genes))
                   if (i, j) not in reach and not known[i, j])
    return genes, cand, reach, outside


def test_score_ranks_a_pair_where_predict_lists_it_and_says_when_it_never_would(
        tmp_path: Path) -> None:
    """A stack ranks stage-1 candidates only: `score` gives a pair predict lists the place
    predict gives it in each gene's list, and a pair stage 1 never reaches no rank at all
    (it used to claim rank 1 for both genes)."""

    store = _store()
    out = train_run(store, Selection(ORG), method="stack", seed=5, base=tmp_path)
    run = Run.open(str(out.run.path))
    res = predict(store, run, PredictOptions(top_k=1, per_gene=3))
    sym = {p.a: p.a.split(":")[1] for p in res.predictions} | {
        p.b: p.b.split(":")[1] for p in res.predictions}
    listed = res.predictions[:25]
    got = score_pairs(store, run, [(sym[p.a], sym[p.b]) for p in listed])
    for p, g in zip(listed, got, strict=True):
        assert g.status == "scored" and g.score == pytest.approx(p.score, abs=1e-9)
        for mine, theirs in zip((g.rank_a, g.rank_b), p.gene_ranks, strict=True):
            if theirs <= 3:  # within the K predict keeps per gene: the same place
                assert mine == theirs
    genes, _cand, _reach, outside = _stage_one(run, out.predictor)
    (g,) = score_pairs(store, run, [(genes[outside[0]][2:], genes[outside[1]][2:])])
    assert g.status.startswith("outside the candidates")
    assert np.isnan(g.rank_a) and np.isnan(g.rank_b) and 0 <= g.score <= 1


def test_every_gene_gets_its_per_gene_partners_even_without_a_training_edge(
        tmp_path: Path) -> None:
    """30 pendant genes (one interaction each): the split holds some of those edges out,
    leaving genes every generator scores alike; stage 1 used to propose them nothing, so
    `--per-gene` skipped them and `--genes X` scored 0 pairs."""

    store = _store()
    net = planted()[0]
    pairs = [[net.genes[a], net.genes[b]] for a, b in net.edges]
    pendants = [[net.genes[i], f"0:p{i:02d}"] for i in range(30)]
    store.answers["pull/network"] = [{"pairs": pairs + pendants}]
    store.answers["predict/known_pairs"] = [{"r": pairs + pendants}]
    store.answers["pull/genes_by_name"] = lambda p: [{"r": [[s, f"0:{s}"] for s in p["s"]]}]
    out = train_run(store, Selection(ORG), method="stack", seed=1, base=tmp_path,
                    all_edges=True)
    genes = list(out.run.load_genes()["gene_id"])
    with np.load(out.run.path / "split.npz") as f:
        train = f["train"]
    trained = set(train.ravel().tolist())
    bare = [g for k, g in enumerate(genes) if k not in trained]
    assert bare, "the split left no pendant gene without a training edge"
    res = predict(store, Run.open(str(out.run.path)), PredictOptions(per_gene=2))
    with_partner = {g for p in res.predictions for g in (p.a, p.b)}
    assert set(genes) <= with_partner and not res.notes
    one = predict(store, Run.open(str(out.run.path)),
                  PredictOptions(per_gene=2, genes=[bare[0].split(":")[1]]))
    assert len(one.predictions) >= 2


def test_score_ranks_a_pair_in_a_cascades_tail_below_every_admitted_one(
        tmp_path: Path) -> None:
    """stack-rank+gcn ranks the pairs its stage 1 leaves out in gcn-rank's order below the
    admitted ones: `score` gives such a pair a rank in each gene's list past that gene's
    admitted partners, and a probability under every admitted pair's."""

    store = _store()
    out = train_run(store, Selection(ORG), method="stack-rank+gcn", seed=5, base=tmp_path)
    run = Run.open(str(out.run.path))
    genes, cand, reach, (i, j) = _stage_one(run, out.predictor)
    (g,) = score_pairs(store, run, [(genes[i][2:], genes[j][2:])])
    assert g.status == "scored"
    admitted_i = sum(1 for a, b in reach if a == i)
    assert g.rank_a > admitted_i and g.rank_b > sum(1 for a, b in reach if a == j)
    listed = predict(store, run, PredictOptions(top_k=len(cand))).predictions
    assert listed and g.score < min(p.score for p in listed)
