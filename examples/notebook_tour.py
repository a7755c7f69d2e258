"""A notebook's first cells, as a script: genekg's answers as DataFrames and graphs.

Run it against a graph that holds a prediction run (e.g. after `make demo`):

    .venv/bin/python examples/notebook_tour.py [run id]

It is executed by the test suite against the test server (tests/integration).
"""

from __future__ import annotations

import sys

import genekg.api as kg

db = kg.connect()  # the local server, with the password genekg stored at install

runs = kg.runs(db)
print(runs.to_string(index=False))
run = sys.argv[1] if len(sys.argv) > 1 else str(runs.iloc[0]["run_id"])

# The gene with the best prediction of the run, and its top partners.
top = db.run("MATCH (a:Gene)-[p:PREDICTED_INTERACTION {run_id: $run}]->(b:Gene) "
             "RETURN a.symbol AS gene ORDER BY p.score DESC LIMIT 1", {"run": run})
gene = top[0]["gene"]
partners = kg.partners(gene, db, run=run, k=5)
print(f"\ntop partners of {gene} in {run}:")
print(partners[["partner", "score", "rank", "shared_partners"]].to_string(index=False))

# Pairs of your own, scored by the run (known pairs and unknown genes are reported).
pairs = [(gene, str(partners.iloc[0]["partner"])), (gene, "no-such-gene")]
scored = kg.score_pairs(run, pairs, db)
print("\n" + scored[["a", "b", "status", "score", "rank_a"]].to_string(index=False))

# The neighbourhood as a NetworkX graph, for any network analysis.
g = kg.neighbourhood(gene, db, run=run, hops=1).to_networkx()
predicted = sum(1 for *_, d in g.edges(data=True) if d["type"] == "PREDICTED_INTERACTION")
print(f"\n{gene}'s 1-hop neighbourhood: {g.number_of_nodes()} genes, "
      f"{g.number_of_edges()} edges ({predicted} predicted)")
db.close()
