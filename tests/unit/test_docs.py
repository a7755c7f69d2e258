"""The docs stay true by construction: generated tables match the code, links resolve, the
README stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from genekg import docgen
from genekg.linkpred.methods import METHODS
from genekg.loaders import REGISTRY

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", docgen.doc_files(), ids=lambda p: p.name)
def test_generated_tables_match_the_code(path: Path) -> None:
    text = path.read_text()
    assert docgen.render(text) == text, "run: python -m genekg.docgen --write"


def test_every_generated_table_is_somewhere_and_holds_what_the_code_has() -> None:
    texts = "\n".join(p.read_text() for p in docgen.doc_files())
    for name in docgen.TABLES:
        assert f"<!-- generated:{name}:start -->" in texts, name
    ref = (REPO / "docs" / "reference.md").read_text()
    assert all(f"| `{m}`" in ref for m in METHODS) and all(f"| `{s}` |" in ref for s in REGISTRY)
    arch = (REPO / "docs" / "architecture.md").read_text()
    assert "`genekg.linkpred.stack`" in arch and "`genekg.loaders.biogrid`" in arch


def test_a_drifted_table_is_found_and_rewritten(tmp_path: Path) -> None:
    ref = (REPO / "docs" / "reference.md").read_text()
    row = next(ln for ln in ref.splitlines() if ln.startswith("| `l3` |"))
    drifted = ref.replace(row + "\n", "")  # a method the table forgot
    assert docgen.render(drifted) == ref
    assert docgen.render(ref.replace("| `l3` |", "| `l3-old` |")) == ref


def test_the_readme_is_short_and_every_relative_link_resolves() -> None:
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) < 250
    assert "../shared/docs" not in readme and "make test" in readme and "make demo" in readme
    for path in docgen.doc_files():
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text()):
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"
