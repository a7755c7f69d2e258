"""GNE training time per epoch and peak memory (E. coli, yeast), GDS node2vec time on the
same training graph, time to score all candidate pairs, and write-back rate.

Run: .venv/bin/python benchmarks/bench_gne.py   (needs ../shared/data and a server)
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
from common import peak_rss_mib, require_shared, save, server_db, server_rss_mib, wipe

from genekg.gne.model import GNEConfig
from genekg.gne.train import train_gne
from genekg.graphdata import pull_network
from genekg.ingest.writer import ingest_bundle
from genekg.linkpred import gds as G
from genekg.linkpred.base import EmbeddingPredictor
from genekg.linkpred.evaluate import EdgeClassifier
from genekg.linkpred.predict import score_candidates
from genekg.linkpred.prediction import Prediction, PredictOptions, PredictResult
from genekg.linkpred.split import split_edges
from genekg.linkpred.writeback import write_predictions
from genekg.loaders import LoadOptions, get_loader
from genekg.organisms import resolve_organism


def main() -> None:
    data = require_shared()
    db = server_db()
    wipe(db)
    ingest_bundle(db, get_loader("biogrid").load(
        data / "gne/ecoli/edgelist_biogrid_name.csv",
        LoadOptions(organism=resolve_organism("ecoli"), release="gne")))
    ingest_bundle(db, get_loader("biogrid").load(
        data / "biogrid/GreenCUBIC_BioGRID-PPI/"
        "Saccharomyces_cerevisiae_S288c-3.5.187_ID_559292_positive_interactions.tsv",
        LoadOptions(id_maps=[data / "id_mapping/yeast_uniprot_orf_gene_derived.tsv"])))
    out: dict[str, object] = {"torch_threads": torch.get_num_threads()}
    for org in ("ecoli", "yeast"):
        net = pull_network(db, resolve_organism(org), source="biogrid")
        split = split_edges(net.edges, len(net.genes), seed=1)
        cfg = GNEConfig(epochs=5, patience=99)
        tracemalloc.start()
        res = train_gne(split, cfg, seed=1, device="cpu")
        _, peak_py = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        t0 = time.perf_counter()
        name = G.project_training_graph(db, net.genes, split.train)
        proj_s = time.perf_counter() - t0
        timings = {}
        for meth, conc in (("node2vec", 1), ("node2vec", 4), ("fastrp", 1)):
            t0 = time.perf_counter()
            G.gds_embedding(db, name, net.genes, meth, seed=1, concurrency=conc)
            timings[f"{meth}_concurrency{conc}_seconds"] = round(time.perf_counter() - t0, 2)
        G.drop_graph(db, name)
        # scoring every candidate pair with the fitted classifier
        pred = EmbeddingPredictor("gne")._set(res.embeddings,
                                              EdgeClassifier.fit(res.embeddings, split, 1),
                                              split)
        t0 = time.perf_counter()
        sel, scored = score_candidates(pred.block_scores, len(net.genes), net.edges,
                                       PredictOptions(top_k=10_000))
        score_s = time.perf_counter() - t0
        # write-back of the 10,000 best pairs
        preds = [Prediction(net.genes[i], net.genes[j], s, rank=k + 1)
                 for k, (s, i, j) in enumerate(sel)]
        pr = PredictResult(f"bench-{org}", "gne", preds, scored, score_s, len(net.edges))
        write_predictions(db, pr)
        n2v = timings["node2vec_concurrency1_seconds"]
        out[org] = {
            "genes": len(net.genes), "edges": len(net.edges),
            "train_edges": len(split.train),
            "gne_seconds_per_epoch": round(res.seconds_per_epoch, 2),
            "gne_epochs": len(res.history),
            "gne_python_heap_peak_mib": round(peak_py / 2**20, 1),
            "gds_projection_seconds": round(proj_s, 2), **timings,
            "ratio_gne_epoch_to_node2vec_c1": round(res.seconds_per_epoch / n2v, 3),
            "ratio_gne_20_epochs_to_node2vec_c1": round(20 * res.seconds_per_epoch / n2v, 2),
            "candidate_pairs_scored": scored, "scoring_seconds": round(score_s, 2),
            "pairs_per_second": round(scored / score_s),
            "writeback_10k_seconds": round(pr.seconds_writing, 3),
            "writeback_relationships_per_second": round(pr.written / pr.seconds_writing),
            "val_auroc_after_5_epochs": round(res.best_val_auroc, 4),
        }
        db.run("MATCH ()-[p:PREDICTED_INTERACTION]->() DELETE p")
    out["peak_rss_python_mib"] = round(peak_rss_mib(), 1)
    out["peak_rss_server_mib"] = server_rss_mib()
    save("gne", out)


if __name__ == "__main__":
    main()
