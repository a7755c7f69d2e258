"""Package discovery for genekg (metadata lives in pyproject.toml).

loaders/ and cypher/ sit at the top of the repository but install inside the package as
genekg.loaders / genekg.cypher; every folder below the three roots is found here, so a new
subpackage or query folder can never be left out of the wheel.
"""

from setuptools import find_namespace_packages, setup

ROOTS = {"genekg": "genekg", "genekg.loaders": "loaders", "genekg.cypher": "cypher"}


def _packages() -> tuple[list[str], dict[str, str]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for name, folder in ROOTS.items():
        package_dir[name] = folder
        packages.append(name)
        subs = find_namespace_packages(where=folder, exclude=["*__pycache__*", "*.egg-info"])
        packages += [f"{name}.{sub}" for sub in subs]
    return packages, package_dir


PACKAGES, PACKAGE_DIR = _packages()
setup(packages=PACKAGES, package_dir=PACKAGE_DIR)
