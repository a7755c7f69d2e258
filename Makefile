.PHONY: demo test unit lint bench tour clean-test

demo:        ## the main job end to end on the bundled sample
	./scripts/demo.sh

tour:        ## whole human BioGRID 3.4.126 -> predict -> what 4.4.203 confirmed (../shared)
	./scripts/tour_human.sh

test:        ## install everything and run the whole suite (what CI runs)
	./scripts/test.sh

unit:        ## unit tests only (no server)
	.venv/bin/python -m pytest tests/unit

lint:
	.venv/bin/ruff check genekg loaders cypher tests benchmarks scripts examples
	.venv/bin/mypy genekg loaders
	MYPYPATH=tests/unit .venv/bin/mypy --explicit-package-bases tests

clean-test:  ## stop and remove the test server
	-GENEKG_HOME=$(PWD)/.genekg-test/neo4j .venv/bin/genekg server stop
	rm -rf .genekg-test
