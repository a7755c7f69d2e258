"""Write-back through the database seam: which statements run, in which order, and what a
failure part-way leaves (checked with the recording fake; the real server is exercised in
tests/integration/test_gne_predict.py)."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import RecordingStore
from neo4j.exceptions import ServiceUnavailable

from genekg.linkpred.prediction import Prediction, PredictResult, caption
from genekg.linkpred.writeback import delete_run, write_predictions


def _result(n: int, scope: list[str] | None = None) -> PredictResult:
    preds = [Prediction(f"9606:G{i}", f"9606:H{i}", 0.9 - i / 100, rank=i + 1)
             for i in range(n)]
    return PredictResult("run-1", "stack", preds, 100, 0.1, 0, scope=scope)


def _countdown(total: int) -> Any:
    """A batched statement that touches `total` rows over several calls, then 0."""
    left = [total]

    def answer(p: dict[str, Any]) -> list[dict[str, Any]]:
        n = min(left[0], p["batch"])
        left[0] -= n
        return [{"n": n}]
    return answer


def _created(p: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"n": len(p["rows"])}]  # the server's count of edges the batch created


def _lock_free(p: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"mine": True, "held": None, "pid": None, "host": None, "since": None}]


def test_full_write_locks_collects_batches_then_one_flip_then_unlocks() -> None:
    db = RecordingStore(answers={"predict/lock": _lock_free, "predict/gc": _countdown(5),
                                 "predict/write_edges": _created})
    n = write_predictions(db, _result(5), batch=2)
    assert n == 5
    assert db.names() == ["predict/lock"] + ["predict/gc"] * 4 + \
        ["predict/write_edges"] * 3 + ["predict/flip_full", "predict/discard",
                                        "predict/unlock"]
    writes = [p for q, p in db.calls if q == "predict/write_edges"]
    assert [len(p["rows"]) for p in writes] == [2, 2, 1]
    token = writes[0]["write"]
    assert token.startswith("run-1/") and all(p["write"] == token for p in writes)
    gc = [p for q, p in db.calls if q == "predict/gc"]
    assert all(p["write"] == token for p in gc)  # leftovers of other writes, never this one
    flip = db.calls[-3][1]
    assert flip == {"run": "run-1", "write": token, "model": "stack", "now": writes[0]["now"]}
    # the flip copies the pending edges; this write's own are discarded after it
    assert db.calls[-2][1] == {"run": "run-1", "write": token, "batch": 2}
    lock, unlock = db.calls[0][1], db.calls[-1][1]
    assert unlock == {"run": "run-1", "token": lock["token"]} and lock["steal"] is None
    assert writes[0]["rows"][0]["cap"].endswith(" · 0.90")  # no expected precision: the score
    ep = _result(2)
    ep.predictions[0].expected_precision = 0.034
    assert caption(ep.predictions[0]).endswith(" · EP 3.4%")


def test_captions_say_each_genes_own_rank_and_discriminate_close_scores() -> None:
    """A hub's edges must not all read `#27 1.00`: each names the gene in whose own list
    the pair ranks best and its place there (unambiguous whichever way the stored arrow
    points), and the expected precision (or the score to two significant digits)."""
    from genekg.linkpred.evidence import per_gene_ranks

    preds = [Prediction("9606:TP53", "9606:MDM2", 0.9995, rank=1),
             Prediction("9606:ATM", "9606:CHEK2", 0.999, rank=2),
             Prediction("9606:MDM4", "9606:TP53", 0.98, rank=3),
             Prediction("9606:ATM", "9606:TP53", 0.971, rank=4)]
    per_gene_ranks(preds)
    assert [p.gene_ranks for p in preds] == [(1, 1), (1, 1), (1, 2), (2, 3)]
    assert [caption(p) for p in preds] == ["#1 of TP53 · 1.0", "#1 of ATM · 1.0",
                                           "#1 of MDM4 · 0.98", "#2 of ATM · 0.97"]
    preds[3].expected_precision = 0.112
    assert caption(preds[3]) == "#2 of ATM · EP 11%"
    # the same pair stored the other way round reads the same
    flipped = Prediction("9606:TP53", "9606:ATM", 0.971, rank=4, gene_ranks=(3, 2),
                         expected_precision=0.112)
    assert caption(flipped) == caption(preds[3])


def test_scoped_write_flips_only_its_genes() -> None:
    db = RecordingStore(answers={"predict/lock": _lock_free})
    write_predictions(db, _result(2, scope=["9606:G0"]), batch=10)
    assert db.names() == ["predict/lock", "predict/gc", "predict/write_edges",
                          "predict/flip_scope", "predict/discard", "predict/unlock"]
    assert db.calls[3][1]["genes"] == ["9606:G0"]


def test_a_dead_server_mid_write_never_flips() -> None:
    # The server going away after the first batch: the run's visible set is untouched
    # because the flip (the only statement that touches it) never ran.
    def fail(query: str, params: dict[str, Any], i: int) -> BaseException | None:
        return ServiceUnavailable("gone") if i == 3 and query.endswith("edges") else None
    db = RecordingStore(answers={"predict/lock": _lock_free}, fail_on=fail)
    with pytest.raises(ServiceUnavailable):
        write_predictions(db, _result(5), batch=2)
    # ... what the write left behind is discarded (best effort), and the lock released
    assert db.names() == ["predict/lock", "predict/gc", "predict/write_edges",
                          "predict/discard", "predict/unlock"]
    assert db.calls[3][1]["write"] == db.calls[2][1]["write"]


def _oom(failing: str) -> Any:
    from neo4j.exceptions import Neo4jError

    def oom(query: str, params: dict[str, Any], i: int) -> BaseException | None:
        # what the driver raises once its retries give up (the server's own code and text)
        return Neo4jError._hydrate_neo4j(
            code="Neo.TransientError.General.MemoryPoolOutOfMemoryError",
            message="The allocation of an extra 2.0 MiB would use more than the limit 1.4 "
            "GiB.") if query == failing else None
    return oom


def test_a_whole_set_too_large_for_one_flip_switches_in_batches() -> None:
    """162,871 edges did not fit the one-transaction flip at the default heap: the set is
    copied in batches under the new (not yet live) write id, the run's live list switches
    in one small transaction, and only then are the old edges deleted."""
    db = RecordingStore(answers={"predict/lock": _lock_free, "predict/write_edges": _created,
                                 "predict/flip_copy": _countdown(5),
                                 "predict/gc": _countdown(0)},
                        fail_on=_oom("predict/flip_full"))
    assert write_predictions(db, _result(5), batch=2) == 5
    names = db.names()
    assert "predict/flip_full" not in names  # refused by the server: nothing of it ran
    i, j = names.index("predict/flip_copy"), names.index("predict/flip_live")
    assert names[i:j] == ["predict/flip_copy"] * 4  # 2 + 2 + 1, then 0
    assert names[j + 1:] == ["predict/gc", "predict/discard", "predict/unlock"]
    write = db.calls[j][1]["write"]
    assert all(p["write"] == write for q, p in db.calls if q.startswith("predict/flip"))


def test_a_scoped_flip_too_large_for_the_server_says_what_to_do_and_leaves_the_old_set(
        ) -> None:
    from genekg.errors import GenekgError

    db = RecordingStore(answers={"predict/lock": _lock_free, "predict/write_edges": _created},
                        fail_on=_oom("predict/flip_scope"))
    with pytest.raises(GenekgError, match=r"the 5 predictions of run run-1 did not fit .*"
                       r"limit 1\.4 GiB") as e:
        write_predictions(db, _result(5, scope=["9606:G0"]), batch=2)
    assert "--per-gene" in (e.value.hint or "") and "GENEKG_HEAP" in (e.value.hint or "")
    # the failed flip changed nothing (the fake records only what ran); this write's
    # pending edges are discarded and the lock released
    assert db.names()[-2:] == ["predict/discard", "predict/unlock"]
    assert "predict/flip_scope" not in db.names()


def test_a_lock_held_by_a_live_writer_is_refused_and_a_dead_ones_taken_over() -> None:
    import os
    import socket
    import subprocess
    import sys

    from genekg.errors import GenekgError

    host = socket.gethostname()
    live = [{"mine": False, "held": "t-other", "pid": os.getpid(), "host": host,
             "since": "2026-12-04T10:00:00Z"}]
    db = RecordingStore(answers={"predict/lock": live})
    with pytest.raises(GenekgError, match=f"pid {os.getpid()} on {host}"):
        write_predictions(db, _result(2), batch=10)
    assert db.names() == ["predict/lock"]  # nothing written, nothing unlocked
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    answers = iter([[{"mine": False, "held": "t-killed", "pid": int(dead.stdout), "host": host,
                      "since": "x"}], _lock_free({})])
    db = RecordingStore(answers={"predict/lock": lambda p: next(answers)})
    write_predictions(db, _result(2), batch=10)
    locks = [p for q, p in db.calls if q == "predict/lock"]
    assert [p["steal"] for p in locks] == [None, "t-killed"]
    assert db.names()[-3:] == ["predict/flip_full", "predict/discard", "predict/unlock"]


def test_delete_hides_first_then_removes_in_batches() -> None:
    db = RecordingStore(answers={"predict/forget_run": [{"n": 7}],
                                 "predict/delete_edges": _countdown(7)})
    assert delete_run(db, "run-1", batch=3) == 7
    assert db.names() == ["predict/forget_run"] + ["predict/delete_edges"] * 4
    assert delete_run(RecordingStore(), "nope") == 0


def test_shared_partner_names_come_from_the_adjacency_alphabetically() -> None:
    import numpy as np
    import pandas as pd

    from genekg.linkpred.evidence import display_names, shared_partners
    from genekg.linkpred.scores import adjacency

    # genes 0 and 1 share partners 2..8; gene 5 has no symbol (its id is shown)
    edges = np.array([[0, k] for k in range(2, 9)] + [[1, k] for k in range(2, 9)])
    genes = [f"9606:g{k}" for k in range(9)]
    table = pd.DataFrame({"symbol": ["A", "B", "Z", "Y", "X", None, "V", "U", "T"]})
    names = display_names(genes, table)
    assert names[5] == "9606:g5"
    assert shared_partners(adjacency(edges, 9), 0, 1, names) == (
        7, ["9606:g5", "T", "U", "V", "X"])
    assert shared_partners(adjacency(edges, 9), 0, 2, names) == (0, [])


def test_feature_embedding_write_fills_only_schema_labels_and_sends_values_as_params() -> None:
    import numpy as np
    import scipy.sparse as sp

    from genekg.errors import GenekgError
    from genekg.features.kg import KG, write_feature_embedding
    from genekg.schema import SchemaError

    kg = KG(["9606:TP53", "path:hsa04115", "BRD-1"], ["Gene", "Pathway", "Drug"],
            sp.csr_matrix((3, 3)))
    store = RecordingStore()
    n = write_feature_embedding(store, kg, "cn", np.ones((3, 2)), dim=2, seed=4)
    assert n == 3 and len(store.calls) == 3
    texts = [q for q, _ in store.calls]
    assert all("SET n += r[1]" in q for q in texts)
    assert ["MATCH (n:Drug {id: r[0]})" in texts[0], "(n:Gene {id" in texts[1],
            "(n:Pathway {id" in texts[2]] == [True, True, True]
    (row,) = store.calls[1][1]["rows"]
    assert row == ["9606:TP53", {"kg_cn": [1.0, 1.0], "kg_cn_params": '{"dim": 2, "seed": 4}'}]
    with pytest.raises(GenekgError, match="unknown feature set"):
        write_feature_embedding(store, kg, "cn} DETACH DELETE n //", np.ones((3, 2)), 2, 4)
    bad = KG(["x"], ["Gene` DETACH DELETE n //"], sp.csr_matrix((1, 1)))
    with pytest.raises(SchemaError):
        write_feature_embedding(store, bad, "cn", np.ones((1, 2)), 2, 4)


def test_strongest_path_of_length_three_names_why_a_pair_ranks() -> None:
    import numpy as np

    from genekg.linkpred.evidence import strongest_path3
    from genekg.linkpred.scores import adjacency

    # square 0-1-2-3 with tails 3-4 and 2-5: paths 1-0-3-4 (weight 1/√(2·3)) and 1-2-3-4
    # (1/√(3·3)); the first is the stronger
    a = adjacency(np.array([[0, 1], [1, 2], [2, 3], [0, 3], [3, 4], [2, 5]]), 6)
    names = ["A", "B", "C", "D", "E", "F"]
    assert strongest_path3(a, 1, 4, names) == ["B", "A", "D", "E"]
    assert strongest_path3(a, 4, 1, names) == ["E", "D", "A", "B"]
    assert strongest_path3(a, 4, 5, names) == ["E", "D", "C", "F"]
    # 0-1-2-5 (1/√(2·3)) beats 0-3-2-5 (1/3); 0 and 4 share partner 3 but have no path
    assert strongest_path3(a, 0, 5, names) == ["A", "B", "C", "F"]
    assert strongest_path3(a, 0, 4, names) == []
