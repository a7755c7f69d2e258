"""The Cypher library shipped as `genekg.cypher`: schema, named queries, write-back."""
