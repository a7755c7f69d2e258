// Predicted edges whose two genes are both members of one KEGG pathway.
// Params: $pathway (e.g. 'path:hsa04010'), $limit
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (p:Pathway {id: $pathway})<-[x:IN_PATHWAY]-(a:Gene)-[e:PREDICTED_INTERACTION]->(b:Gene)
      -[y:IN_PATHWAY]->(p)
WHERE (x.load IS NULL OR x.load IN live) AND (y.load IS NULL OR y.load IN live)
  AND EXISTS { MATCH (run:PredictionRun {id: e.run_id})
               WHERE e.write_id IN run.live AND NOT coalesce(e.superseded_by, '') IN run.live }
RETURN p.name AS pathway, a.symbol AS gene_a, b.symbol AS gene_b, round(e.score, 4) AS score,
       e.run_id AS run_id
ORDER BY score DESC
LIMIT $limit
