"""What a load must pass before anything is written: a bundle that would drop most of its
rows for unmapped ids (`check_partial`), and a `--bulk` build aimed at anything but the
local server genekg manages (`check_bulk_target`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from genekg.errors import GenekgError
from genekg.loaders.base import Bundle
from genekg.server.manager import ServerManager


def check_partial(bundle: Bundle, path: Path, allow_partial: bool) -> None:
    """Refuse a load that would drop most of its relationships for unmapped ids.

    Such a load is almost always a missing or wrong --id-map (e.g. DrugBank targets given
    as UniProt accessions without a UniProt table: 0 of 10,695 targets); it ends non-zero
    before anything is written unless --allow-partial says it is intended.
    """
    kept, what = sum(len(t) for t in bundle.edges.values()), "relationships"
    if not kept:  # a table of gene properties (Cancer Gene Census): its genes are the load
        kept, what = sum(len(t) for t in bundle.nodes.values()), "nodes"
    unmapped = sum(bundle.issues.unmapped.values())
    if unmapped > kept and not allow_partial:
        ex = bundle.issues.unmapped_examples
        detail = ", ".join(f"{ns}: {n:,} (e.g. {', '.join(ex.get(ns, [])[:3])})"
                           for ns, n in bundle.issues.unmapped.items())
        raise GenekgError(
            f"{path}: {unmapped:,} identifier occurrences could not be mapped and only "
            f"{kept:,} {what} would be loaded ({detail}); nothing was written",
            hint="Pass --id-map with a table for these ids, or --allow-partial to load the "
                 "rest anyway.")


def check_bulk_target(target: str, manager: ServerManager) -> None:
    """Refuse a `--bulk` build unless `target` (the URI the command would write to) is the
    running local server `manager` owns: the bulk import replaces that server's database
    offline, so it must never be pointed at another one."""
    uri = urlparse(target)
    if uri.hostname not in ("127.0.0.1", "localhost") or uri.port != manager.config.bolt_port \
            or not manager.state().running:
        raise GenekgError(f"--bulk imports offline into the local server genekg manages "
                          f"(bolt://127.0.0.1:{manager.config.bolt_port}); {target} "
                          "is not it, or it is not running",
                          hint="genekg server start; or use the transactional ingest for a "
                               "remote server")
