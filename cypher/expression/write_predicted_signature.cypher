// Store a predicted consensus signature on a Drug (genes in the order of $genes) with its
// provenance; a later prediction replaces it.
// Params: $drug, $values, $genes, $meta (JSON)
MATCH (d:Drug {id: $drug})
SET d.predicted_signature = $values, d.predicted_signature_genes = $genes,
    d.predicted_signature_meta = $meta
RETURN count(d) AS n
