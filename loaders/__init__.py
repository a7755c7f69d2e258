"""One module per data source, one contract (`loaders.base.Loader`), one registry."""

from __future__ import annotations

from genekg.errors import GenekgError
from genekg.loaders.base import Bundle, Loader, LoadOptions
from genekg.loaders.biogrid import BioGridLoader
from genekg.loaders.cell_lines import CellLinesLoader
from genekg.loaders.drugs import DrugsLoader
from genekg.loaders.expression import ExpressionLoader
from genekg.loaders.kegg import KeggDrugTargetLoader, KgmlLoader
from genekg.loaders.lincs import LincsLoader
from genekg.loaders.lincs_consensus import LincsConsensusLoader

REGISTRY: dict[str, type[Loader]] = {
    cls.name: cls  # type: ignore[misc]
    for cls in (BioGridLoader, KgmlLoader, KeggDrugTargetLoader, DrugsLoader, CellLinesLoader,
                ExpressionLoader, LincsLoader, LincsConsensusLoader)
}


def get_loader(name: str) -> Loader:
    """The loader registered under `name`; GenekgError listing the sources otherwise."""
    try:
        return REGISTRY[name]()
    except KeyError:
        raise GenekgError(f"unknown source {name!r}",
                          hint=f"Known sources: {', '.join(sorted(REGISTRY))}, sample") from None


__all__ = ["REGISTRY", "Bundle", "LoadOptions", "Loader", "get_loader"]
