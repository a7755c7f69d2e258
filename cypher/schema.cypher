// Graph schema: one uniqueness constraint on `id` per label, plus lookup indexes.
// Generated from genekg/schema.py (python -m genekg.schema --write): edit there.
// Applied idempotently by every ingest (IF [NOT] EXISTS); safe to paste into the Browser.
CREATE CONSTRAINT gene_id IF NOT EXISTS FOR (n:Gene) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT pathway_id IF NOT EXISTS FOR (n:Pathway) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT drug_id IF NOT EXISTS FOR (n:Drug) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT compound_id IF NOT EXISTS FOR (n:Compound) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cell_line_id IF NOT EXISTS FOR (n:CellLine) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT profile_id IF NOT EXISTS FOR (n:ExpressionProfile) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT dataset_id IF NOT EXISTS FOR (n:Dataset) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT ingest_lock_id IF NOT EXISTS FOR (n:IngestLock) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT prediction_run_id IF NOT EXISTS FOR (n:PredictionRun) REQUIRE n.id IS UNIQUE;
CREATE INDEX gene_symbol IF NOT EXISTS FOR (n:Gene) ON (n.symbol);
CREATE INDEX gene_organism IF NOT EXISTS FOR (n:Gene) ON (n.organism);
CREATE INDEX drug_name IF NOT EXISTS FOR (n:Drug) ON (n.name);
CREATE INDEX drug_inchikey IF NOT EXISTS FOR (n:Drug) ON (n.inchikey);
CREATE INDEX drug_drugbank_id IF NOT EXISTS FOR (n:Drug) ON (n.drugbank_id);
CREATE INDEX cell_line_name IF NOT EXISTS FOR (n:CellLine) ON (n.name);
CREATE INDEX profile_dataset IF NOT EXISTS FOR (n:ExpressionProfile) ON (n.dataset);
CREATE INDEX source_name IF NOT EXISTS FOR (n:Source) ON (n.name);
DROP CONSTRAINT interacts_with_key IF EXISTS;
DROP CONSTRAINT kegg_relation_key IF EXISTS;
DROP CONSTRAINT in_pathway_key IF EXISTS;
DROP CONSTRAINT targets_key IF EXISTS;
DROP CONSTRAINT has_mutation_key IF EXISTS;
DROP CONSTRAINT has_profile_key IF EXISTS;
DROP CONSTRAINT in_dataset_key IF EXISTS;
DROP CONSTRAINT profiled_in_key IF EXISTS;
CREATE INDEX predicted_run IF NOT EXISTS FOR ()-[p:PREDICTED_INTERACTION]-() ON (p.run_id);
CREATE INDEX pending_run IF NOT EXISTS FOR ()-[p:PENDING_PREDICTION]-() ON (p.run_id);
