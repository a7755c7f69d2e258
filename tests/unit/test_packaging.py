"""The wheel a user installs: built from this tree, installed into a throwaway target and
imported without the editable finder the suite itself runs through."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run inside the installed copy: every module imports, the CLI answers from the wheel alone.
_CHECK = r"""
import importlib, pkgutil, sys
target = sys.argv[1]
import genekg
assert genekg.__file__.startswith(target), genekg.__file__
names = [m.name for m in pkgutil.walk_packages(genekg.__path__, "genekg.")]
for name in names:
    importlib.import_module(name)
import genekg.loaders.biogrid, genekg.cypher
from genekg.db.cypher import load_query
load_query("pull/kg_genes")
from genekg.sample import sample_dir
assert any(sample_dir().iterdir())
print("modules", len(names))
from genekg.cli.main import app
for argv in (["methods"], ["query", "--list"], ["--help"]):
    try:
        app(argv, prog_name="genekg")
    except SystemExit as e:
        assert e.code in (0, None), (argv, e.code)
"""


@pytest.mark.slow
def test_wheel_installs_and_runs_without_the_source_tree(tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(wheels)], check=True,
                   capture_output=True)
    (wheel,) = wheels.glob("genekg-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    # -S: no site processing, so no .pth file (the editable finder is one) runs; the
    # dependencies come from this environment's site-packages as a plain path entry.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join([str(target), sysconfig.get_paths()["purelib"],
                                         sysconfig.get_paths()["platlib"]])
    out = subprocess.run([sys.executable, "-S", "-c", _CHECK, str(target)], cwd=tmp_path,
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "modules" in out.stdout
    assert "stack-rank" in out.stdout  # `genekg methods` printed the method table
    assert "top_partners" in out.stdout  # `genekg query --list` found the packaged queries
