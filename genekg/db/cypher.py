"""Named Cypher queries live in `cypher/*.cypher` (shipped as `genekg.cypher`).

A file starts with `//` comment lines that document it (shown by `genekg query --list`);
parameters are always `$params`, never formatted into the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from genekg.errors import GenekgError


@dataclass(frozen=True)
class NamedQuery:
    """A Cypher file of the library: its name, text and header comment."""
    name: str
    text: str
    doc: str

    def for_labels(self, **labels: str) -> str:
        """The text with its `{name}` label placeholders filled (`{label}` in
        `pull/element_ids`). Only labels the schema declares are accepted (a SchemaError
        otherwise), so the only text ever formatted into Cypher is a name from
        `genekg.schema`; values stay `$params`."""
        from genekg.schema import check_label

        text = self.text
        for key, label in labels.items():
            text = text.replace("{" + key + "}", check_label(label))
        return text

    def statements(self) -> list[str]:
        """Split a multi-statement file (schema) on `;` at line ends."""
        body = "\n".join(
            line for line in self.text.splitlines() if not line.strip().startswith("//")
        )
        return [s.strip() for s in body.split(";\n") if s.strip().rstrip(";").strip()]


def _root() -> resources.abc.Traversable:
    return resources.files("genekg.cypher")


@cache
def query_names(prefix: str = "") -> tuple[str, ...]:
    """Names of every shipped .cypher file (e.g. `queries/top_partners`), optionally by prefix."""
    names: list[str] = []

    def walk(node: resources.abc.Traversable, rel: str) -> None:
        for child in node.iterdir():
            if child.is_dir() and not child.name.startswith("__"):
                walk(child, f"{rel}{child.name}/")
            elif child.name.endswith(".cypher"):
                names.append(rel + child.name[: -len(".cypher")])

    walk(_root(), "")
    return tuple(sorted(n for n in names if n.startswith(prefix)))


@cache
def load_query(name: str) -> NamedQuery:
    """The named query (`top_partners` or `predict/write_edges`); unknown names list the known
    ones."""
    if "/" not in name and f"queries/{name}" in query_names():
        name = f"queries/{name}"  # the user-facing library is addressed by short name
    parts = name.removesuffix(".cypher").split("/")
    path = _root()
    for part in parts[:-1]:
        path = path / part
    path = path / (parts[-1] + ".cypher")
    if not path.is_file():
        known = ", ".join(query_names())
        raise GenekgError(f"no Cypher query named {name!r}", hint=f"Known queries: {known}")
    text = path.read_text(encoding="utf-8")
    doc_lines = []
    for line in text.splitlines():
        if line.startswith("//"):
            doc_lines.append(line[2:].strip())
        elif line.strip():
            break
    return NamedQuery(name=name, text=text.strip(), doc="\n".join(doc_lines))
