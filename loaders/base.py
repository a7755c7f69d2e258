"""The loader contract: a loader parses files into a `Bundle` of typed node and edge
records and never touches the database (the ingest engine does that).

Parsing finishes before anything is written, so malformed input is reported (file, line,
problem) while the graph is still exactly as it was.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import gzip
import hashlib
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from genekg.errors import GenekgError, InputError
from genekg.organisms import Organism
from genekg.schema import NODE_LABELS, REL_TYPES, UNDIRECTED, check_id, check_label, check_rel

T = TypeVar("T")

# Labels and relationship types a loader may produce: declared once in genekg.schema.
__all__ = ["NODE_LABELS", "REL_TYPES", "Bundle", "Issues", "LoadOptions", "Loader"]


EXAMPLE_CHARS = 120  # examples are stored on Source nodes: a 50 MB id must not be


def _clip(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else f"{text[:EXAMPLE_CHARS]}… ({len(text):,} chars)"


@dataclass
class Issues:
    """Skipped rows and unmapped identifiers, counted per reason with a few examples."""

    skipped: Counter[str] = field(default_factory=Counter)
    skipped_examples: dict[str, list[str]] = field(default_factory=dict)
    unmapped: Counter[str] = field(default_factory=Counter)
    unmapped_examples: dict[str, list[str]] = field(default_factory=dict)
    warnings: Counter[str] = field(default_factory=Counter)
    warning_examples: dict[str, list[str]] = field(default_factory=dict)

    def warn(self, reason: str, example: str) -> None:
        """Something kept but doubtful; shown in the load summary."""
        self.warnings[reason] += 1
        ex = self.warning_examples.setdefault(reason, [])
        if len(ex) < 3 and _clip(example) not in ex:
            ex.append(_clip(example))

    def skip(self, reason: str, example: str) -> None:
        """Count a skipped row under `reason`, keeping a few examples."""
        self.skipped[reason] += 1
        ex = self.skipped_examples.setdefault(reason, [])
        if len(ex) < 3:
            ex.append(_clip(example))

    def unmapped_id(self, namespace: str, value: str) -> None:
        """Count an identifier that could not be mapped from `namespace`."""
        self.unmapped[namespace] += 1
        ex = self.unmapped_examples.setdefault(namespace, [])
        if len(ex) < 5 and _clip(value) not in ex:
            ex.append(_clip(value))

    def as_dict(self) -> dict[str, Any]:
        """The counts and examples as a JSON-ready dict (stored on the Source node)."""
        return {
            "skipped": dict(self.skipped),
            "skipped_examples": self.skipped_examples,
            "unmapped": dict(self.unmapped),
            "unmapped_examples": self.unmapped_examples,
            "warnings": dict(self.warnings),
            "warning_examples": self.warning_examples,
        }


EdgeKey = tuple[str, str, str]  # (type, start label, end label)


@dataclass
class Bundle:
    """Everything one load adds: nodes by label and id, edges by type and endpoint ids."""

    source: str
    release: str
    files: list[Path]
    licence: str = ""
    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    edges: dict[EdgeKey, dict[tuple[str, str], dict[str, Any]]] = field(default_factory=dict)
    issues: Issues = field(default_factory=Issues)
    id_maps: list[Path] = field(default_factory=list)  # mapping tables used (fingerprinted)
    undirected: frozenset[str] = UNDIRECTED

    def node(self, label: str, node_id: str, **props: Any) -> None:
        """Add a node (its label and id checked against the schema); later properties fill gaps
        only."""
        check_id(check_label(label), node_id)
        existing = self.nodes.setdefault(label, {}).get(node_id)
        clean = {k: v for k, v in props.items() if v is not None and v != "" and v != []}
        if existing is None:
            self.nodes[label][node_id] = clean
        else:
            for k, v in clean.items():
                existing.setdefault(k, v)

    def edge(self, rel: str, start: tuple[str, str], end: tuple[str, str], **props: Any) -> bool:
        """Add an edge; undirected types are stored once, in id order. False if seen."""
        (sl, s), (el, e) = start, end
        check_rel(rel, sl, el)
        check_id(sl, s)
        check_id(el, e)
        if rel in self.undirected and e < s:
            s, e = e, s
        table = self.edges.setdefault((rel, sl, el), {})
        clean = {k: v for k, v in props.items() if v is not None and v != "" and v != []}
        old = table.get((s, e))
        if old is None:
            table[(s, e)] = clean
            return True
        # Seen before: list-valued properties accumulate (e.g. every pathway that
        # contains a KEGG relation, every mutation of a gene in a cell line).
        for k, v in clean.items():
            if isinstance(v, list):
                cur = old.setdefault(k, [])
                cur.extend(x for x in v if x not in cur)
        return False

    def rename_nodes(self, label: str, renames: dict[str, str]) -> None:
        """Give nodes new ids (`old -> new`; merging into a node of the new id if there is
        one) and move their relationships with them, in one pass over the edges: used when
        nodes are found in the graph under other ids."""
        for old, new in renames.items():
            check_id(label, new)
            self.node(label, new, **self.nodes[label].pop(old))
        for (rel, sl, el), table in self.edges.items():
            if label not in (sl, el):
                continue
            moved = [k for k in table if (sl == label and k[0] in renames)
                     or (el == label and k[1] in renames)]
            for s, e in moved:
                edge_props = table.pop((s, e))
                s2 = renames.get(s, s) if sl == label else s
                e2 = renames.get(e, e) if el == label else e
                if rel in self.undirected and e2 < s2:
                    s2, e2 = e2, s2
                table.setdefault((s2, e2), edge_props)

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per (type, ends), as the load summary shows them."""
        out = {f"(:{label})": len(v) for label, v in sorted(self.nodes.items())}
        for (rel, sl, el), table in sorted(self.edges.items()):
            out[f"(:{sl})-[:{rel}]->(:{el})"] = len(table)
        return out


@dataclass(frozen=True)
class NoOptions:
    """The options of a source that takes none of its own."""


@dataclass
class LoadOptions:
    """Options of one load: organism, release, id maps, and the source's own options as
    its loader's typed `Options` (`of`)."""
    organism: Organism | None = None
    release: str | None = None
    id_maps: list[Path] = field(default_factory=list)
    source: Any = field(default_factory=NoOptions)

    def of(self, cls: type[T]) -> T:
        """The source's own options as `cls` (its defaults where none were given); an
        error when options of another source were given."""
        if isinstance(self.source, cls):
            return self.source
        if isinstance(self.source, NoOptions):
            return cls()
        raise GenekgError(f"{type(self.source).__name__} given to a loader that takes "
                          f"{cls.__name__}")


def source_options(loader: type[Any], given: dict[str, Any]) -> Any:
    """A loader's typed options from the values a user gave (None: not given), its
    `Options` class (NoOptions without one); a GenekgError naming every option this source
    does not take, and the ones it does."""
    cls = getattr(loader, "Options", NoOptions)
    known = {f.name for f in fields(cls)}
    wrong = sorted(k for k, v in given.items() if v is not None and k not in known)
    if wrong:
        takes = ", ".join("--" + k.replace("_", "-") for k in sorted(known) if k in given)
        raise GenekgError(
            f"ingest {loader.name} does not take "
            + ", ".join("--" + k.replace("_", "-") for k in wrong),
            hint=f"Its own options: {takes}." if takes else "It takes no options of its own.")
    return cls(**{k: v for k, v in given.items() if v is not None and k in known})


class Loader(Protocol):
    """A source: reads files into a Bundle, never touches the database."""
    name: ClassVar[str]
    summary: ClassVar[str]
    formats: ClassVar[str]

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read `path` into a Bundle; InputError naming file and line on bad input."""
        ...


# ----------------------------------------------------------------- file helpers
def sha256_of(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def require_file(path: Path) -> Path:
    if not path.exists():
        raise InputError("file not found", path=str(path))
    if path.is_dir():
        raise InputError("expected a file, found a directory", path=str(path))
    if path.stat().st_size == 0:
        raise InputError("file is empty", path=str(path))
    return path


# A text file whose last line has no line end was almost always cut short (a copy or
# download stopped mid-row); such a file is refused unless the user says it is whole.
_ACCEPT_UNTERMINATED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "accept_unterminated", default=False)


@contextlib.contextmanager
def accepting_unterminated_files(accept: bool = True) -> Iterator[None]:
    """Within this block, files without a final line end are read (`--allow-partial`)."""
    token = _ACCEPT_UNTERMINATED.set(accept)
    try:
        yield
    finally:
        _ACCEPT_UNTERMINATED.reset(token)


def next_line(lines: Iterator[tuple[int, str]], path: Path, what: str) -> tuple[int, str]:
    """The next (line number, line) of `lines`; InputError when the file ends before `what`."""
    try:
        return next(lines)
    except StopIteration:
        raise InputError(f"the file ends before {what} (truncated?)", path=str(path)) from None


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line without newline), gzip by magic bytes, strict UTF-8.

    A truncated gzip stream (its CRC and length are checked at the end), invalid UTF-8 or
    a last line without a line end (a file cut mid-row) raises InputError naming the
    line. A UTF-8 byte-order mark at the start is dropped.
    """
    require_file(path)
    with open(path, "rb") as probe:
        magic = probe.read(2)
    raw: io.BufferedIOBase
    raw = gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lineno = 0
    any_line = False
    try:
        with raw:
            for lineno, bline in enumerate(raw, start=1):
                try:
                    line = decoder.decode(bline)
                except UnicodeDecodeError as exc:
                    raise InputError(f"not UTF-8 text (byte {exc.start} of the line)",
                                     path=str(path), line=lineno) from None
                if lineno == 1:
                    line = line.removeprefix("\ufeff")
                if not bline.endswith(b"\n") and not _ACCEPT_UNTERMINATED.get():
                    raise InputError(
                        "the last line has no line end: the file looks cut short "
                        f"(last line: {_clip(line)!r}); nothing was loaded",
                        path=str(path), line=lineno,
                        hint="Download or copy the file again. If it is complete, add the "
                             f"missing line end (echo >> {_clip(str(path))}); `genekg "
                             "ingest` also takes it as it is with --allow-partial.")
                any_line = True
                yield lineno, line.rstrip("\r\n")
    except (EOFError, gzip.BadGzipFile, OSError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            f"file is truncated or corrupt after line {lineno} ({type(exc).__name__}: {exc})",
            path=str(path), line=lineno + 1,
        ) from None
    if not any_line:
        raise InputError("file is empty", path=str(path))


def split_row(line: str, sep: str) -> list[str]:
    return [c.strip() for c in line.split(sep)]


def detect_separator(header: str, path: Path) -> str:
    if "\t" in header:
        return "\t"
    if "," in header:
        return ","
    raise InputError("cannot tell the column separator (expected tab or comma)", path=str(path),
                     line=1)
