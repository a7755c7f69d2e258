"""Predictions and gene pairs as files: the TSV a prediction result is written as, and the
list of pairs `genekg score` reads (plain or gzipped, one pair per line)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from genekg.errors import GenekgError
from genekg.linkpred.prediction import PredictResult


def iter_tsv_rows(result: PredictResult) -> Iterator[list[str]]:
    """The TSV rows of a prediction result, header first."""
    yield ["rank", "gene_a", "gene_b", "score", "expected_precision", "percentile",
           "kegg_relation", "path3", "shared_partners",
           "shares_pathway", "shares_drug_target", "model", "run_id", "shared_pathways",
           "drugs_targeting_both", "shared_partner_names"]
    for p in result.predictions:
        yield [str(p.rank), p.a, p.b, f"{p.score:.6f}", f"{p.expected_precision:.5f}",
               f"{p.percentile:.3f}", str(p.kegg_relation).lower(), "–".join(p.path3),
               str(p.shared_partners),
               str(p.shares_pathway).lower(), str(p.shares_drug_target).lower(),
               result.model, result.run_id, "; ".join(p.pathways), "; ".join(p.drugs),
               ", ".join(p.partners)]


def write_tsv(result: PredictResult, path: Path | None) -> None:
    """Write the predictions as TSV to `path` (stdout when None)."""
    import sys

    try:
        fh = open(path, "w", newline="") if path else sys.stdout  # noqa: SIM115
        try:
            csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(
                iter_tsv_rows(result))
        finally:
            if path:
                fh.close()
    except OSError as exc:
        raise GenekgError(f"could not write {path or 'stdout'}: {exc.strerror or exc}",
                          hint="The predictions were not written to the graph either; "
                               "run again with another --output.") from None


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Two genes per line (tab, comma or whitespace separated; '#' comments and an optional
    header line `gene_a gene_b`); a line with fewer than two fields is an error naming it."""
    import gzip
    import re
    import zlib

    from genekg.errors import InputError

    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":  # a gzipped list reads as its text
            raw = gzip.decompress(raw)
    except OSError as exc:
        raise GenekgError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (EOFError, zlib.error) as exc:
        raise InputError(f"a damaged gzip file ({exc})", path=str(path)) from None
    bad = raw.find(b"\x00")
    try:
        if bad >= 0:
            raise UnicodeDecodeError("utf-8", raw, bad, bad + 1, "NUL byte")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not a text file of gene pairs (byte {exc.start} is not UTF-8 "
                         "text)", path=str(path), line=raw[:exc.start].count(b"\n") + 1,
                         hint="One pair per line: GENE_A<TAB>GENE_B (plain or gzipped "
                         "text)") from None
    out: list[tuple[str, str]] = []
    for no, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f for f in re.split(r"[\t,\s]+", line) if f]
        if len(fields) < 2:
            raise GenekgError(f"{path}:{no}: expected two genes, found {line!r}",
                              hint="One pair per line: GENE_A<TAB>GENE_B")
        if no == 1 and fields[0].lower() in ("gene_a", "a", "gene1", "source"):
            continue
        out.append((fields[0], fields[1]))
    if not out:
        raise GenekgError(f"{path}: no gene pairs in the file")
    return out

