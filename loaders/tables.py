"""Reading delimited tables with a header, with file/line-aware errors."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from genekg.errors import InputError
from genekg.loaders.base import detect_separator, iter_lines


def read_table(path: Path, required: list[str], sep: str | None = None
               ) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row dict); checks the header has `required` columns.

    Quoted fields may span lines (DrugBank descriptions do); line numbers are physical.
    """
    lines = iter_lines(path)
    _, header = next(lines)
    sep = sep or detect_separator(header, path)
    cols = [c.strip() for c in next(csv.reader([header], delimiter=sep))]
    missing = [c for c in required if c not in cols]
    if missing:
        raise InputError(f"missing column(s) {missing}; header has {cols[:12]}",
                         path=str(path), line=1)
    current = [1]

    def text() -> Iterator[str]:
        for lineno, line in lines:
            current[0] = lineno
            yield line + "\n"

    reader = csv.reader(text(), delimiter=sep)
    for values in reader:
        lineno = current[0]
        if not values or not any(v.strip() for v in values):
            continue
        if len(values) < len(required) or len(values) > len(cols) + 1:
            raise InputError(f"expected {len(cols)} columns, found {len(values)}",
                             path=str(path), line=lineno)
        values += [""] * (len(cols) - len(values))
        yield lineno, {c: v.strip() for c, v in zip(cols, values, strict=False)}


def table_columns(path: Path) -> list[str]:
    """The header columns of a CSV/TSV table (separator detected)."""
    lines = iter_lines(path)
    _, header = next(lines)
    sep = detect_separator(header, path)
    return [c.strip() for c in next(csv.reader([header], delimiter=sep))]
