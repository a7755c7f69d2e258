"""The documentation tables that can be generated, generated from the registries.

Each table sits between `<!-- generated:<name>:start -->` and `<!-- generated:<name>:end -->`
in README.md or a file of docs/: the link-prediction methods (`METHODS`), the loaders
(`REGISTRY`), the named query library, the graph schema (`schema.py`), the command
reference (the Typer app) and the module map (each module's docstring). A test fails when
a copy drifts; `python -m genekg.docgen --write` regenerates them all (PyKEEN's
`readme --check` pattern).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"(<!-- generated:(?P<name>[a-z_]+):start -->\n).*?"
                   r"(<!-- generated:(?P=name):end -->)", re.S)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (not the one of `e.g.`)."""
    text = " ".join(text.split())
    return re.split(r"(?<!e\.g)(?<!i\.e)(?<!vs)\.\s+(?=[A-Z(`])", text)[0].rstrip(".")


def methods_table() -> str:
    """Every link-prediction method: name, what it is, whether it can be a run."""
    from genekg.linkpred.methods import DEFAULT_METHOD, METHODS

    out = ["| method | what it is | `train`/`predict` | needs |", "|---|---|---|---|"]
    for m in METHODS.values():
        needs = [w for w, on in (("expression", m.needs_expression), ("GDS", m.needs_gds),
                                 ("KG", m.uses_kg)) if on]
        name = f"`{m.name}`" + (" (default)" if m.name == DEFAULT_METHOD else "")
        out.append(f"| {name} | {_cell(m.label)} | {'yes' if m.trainable else 'evaluate only'}"
                   f" | {', '.join(needs) or '-'} |")
    return "\n".join(out) + "\n"


def loaders_table() -> str:
    """Every source `genekg ingest` reads, with its formats."""
    from genekg.loaders import REGISTRY

    out = ["| source | what | formats |", "|---|---|---|"]
    for name, cls in sorted(REGISTRY.items()):
        out.append(f"| `{name}` | {_cell(cls.summary)} | {_cell(cls.formats)} |")
    return "\n".join(out) + "\n"


def queries_table() -> str:
    """The named query library (`genekg query <name>`): first sentence and parameters."""
    from genekg.db.cypher import load_query, query_names

    out = ["| query | what it answers | parameters |", "|---|---|---|"]
    for full in query_names("queries/"):
        q = load_query(full)
        params = sorted(set(re.findall(r"\$([A-Za-z_]\w*)", q.text)))
        first = _first_sentence(q.doc.split("Params:")[0])
        out.append(f"| `{full.removeprefix('queries/')}` | {_cell(first)} | "
                   f"{', '.join(f'`{p}`' for p in params) or '-'} |")
    return "\n".join(out) + "\n"


def schema_table() -> str:
    """The graph schema: node labels and relationship types (from `schema.py`)."""
    from genekg.schema import readme_table

    return readme_table()


def cli_table() -> str:
    """Every command of `genekg` with the first sentence of its help."""
    import typer.main

    from genekg.cli.main import app

    out = ["| command | what it does |", "|---|---|"]

    def walk(cmd: Any, path: str) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name in sorted(subs):
                walk(subs[name], f"{path} {name}")
            return
        out.append(f"| `{path}` | {_cell(_first_sentence(cmd.help or ''))} |")

    walk(typer.main.get_command(app), "genekg")
    return "\n".join(out) + "\n"


def modules_table() -> str:
    """Each module of the package with the first sentence of its docstring."""
    out = ["| module | what it holds |", "|---|---|"]
    roots = [(REPO / "genekg", "genekg"), (REPO / "loaders", "genekg.loaders")]
    for root, pkg in roots:
        for f in sorted(root.rglob("*.py")):
            rel = f.relative_to(root).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            name = ".".join([pkg, *parts])
            doc = ast.get_docstring(ast.parse(f.read_text())) or ""
            first = _first_sentence(doc)
            shown = f.relative_to(REPO).as_posix()
            out.append(f"| `{name}` (`{shown}`) | {_cell(first) or '-'} |")
    return "\n".join(out) + "\n"


TABLES: dict[str, Callable[[], str]] = {
    "methods": methods_table, "loaders": loaders_table, "queries": queries_table,
    "schema": schema_table, "cli": cli_table, "modules": modules_table,
}


def render(text: str) -> str:
    """`text` with every generated block replaced by its table as the code makes it now."""
    def sub(m: re.Match[str]) -> str:
        name = m.group("name")
        if name not in TABLES:
            raise KeyError(f"no generated table {name!r} (known: {', '.join(TABLES)})")
        return m.group(1) + TABLES[name]() + m.group(3)

    return BLOCK.sub(sub, text)


def doc_files() -> list[Path]:
    """README.md and every Markdown file of docs/."""
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def main(argv: list[str] | None = None) -> int:
    """`python -m genekg.docgen [--write]`: list the drifted files (exit 1), or rewrite them."""
    args = argv if argv is not None else sys.argv[1:]
    drifted = []
    for path in doc_files():
        text = path.read_text()
        new = render(text)
        if new != text:
            drifted.append(path)
            if "--write" in args:
                path.write_text(new)
    for path in drifted:
        print(f"{path.relative_to(REPO)}: {'rewritten' if '--write' in args else 'DRIFTED'}")
    return 1 if drifted and "--write" not in args else 0


if __name__ == "__main__":
    raise SystemExit(main())
