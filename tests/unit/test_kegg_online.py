"""KEGG online mode against a local HTTP server that serves stored KGML files the way
rest.kegg.jp does (/get/<pathway>/kgml)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from genekg.errors import InputError
from genekg.loaders.base import LoadOptions
from genekg.loaders.kegg import KeggOptions, KgmlLoader
from genekg.sample import sample_dir


@pytest.fixture
def kegg_rest() -> Iterator[str]:
    kgml = sample_dir() / "kgml"
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            parts = self.path.strip("/").split("/")
            f = kgml / f"{parts[1]}.xml" if len(parts) == 3 and parts[0] == "get" else None
            if f is None or not f.exists():
                self.send_error(404)
                return
            data = f.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            return None

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_online_download_matches_local_files(kegg_rest: str, tmp_path: Path) -> None:
    opts = LoadOptions(id_maps=[sample_dir() / "lincs_gene_info_pathway_genes.txt"],
                       source=KeggOptions(online="hsa04012,path:hsa04115", base_url=kegg_rest,
                                          cache=tmp_path))
    online = KgmlLoader().load(Path("."), opts)
    local_opts = LoadOptions(id_maps=opts.id_maps)
    b1 = KgmlLoader().load(sample_dir() / "kgml" / "hsa04012.xml", local_opts)
    b2 = KgmlLoader().load(sample_dir() / "kgml" / "hsa04115.xml", local_opts)
    assert set(online.nodes["Pathway"]) == {"path:hsa04012", "path:hsa04115"}
    genes = set(b1.nodes["Gene"]) | set(b2.nodes["Gene"])
    assert set(online.nodes["Gene"]) == genes
    assert sorted(p.name for p in tmp_path.glob("*.xml")) == ["hsa04012.xml", "hsa04115.xml"]


def test_online_unknown_pathway_is_a_clear_error(kegg_rest: str, tmp_path: Path) -> None:
    opts = LoadOptions(source=KeggOptions(online="hsa99999", base_url=kegg_rest, cache=tmp_path))
    with pytest.raises(InputError, match="could not download"):
        KgmlLoader().load(Path("."), opts)
    with pytest.raises(InputError, match="not a KEGG pathway id"):
        KgmlLoader().load(Path("."), LoadOptions(source=KeggOptions(
            online="MAPK", base_url=kegg_rest, cache=tmp_path)))
