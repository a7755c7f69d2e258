"""Where things live and how to reach the database.

Resolution order for connection settings: command-line option, environment variable
(`NEO4J_URI`, `NEO4J_USER`, `NEO4J_PASSWORD`), then the local server's stored password.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from genekg.errors import GenekgError

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"


def env_number(name: str, default: float, *, minimum: float, whole: bool = True) -> float:
    """A numeric setting from the environment (`default` when unset); GenekgError naming
    the variable, its value and what is allowed when it is not such a number."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value: float = int(raw) if whole else float(raw)
    except ValueError:
        value = float("nan")
    if not value >= minimum:  # also catches nan
        kind = "a whole number" if whole else "a number"
        raise GenekgError(f"{name}={raw!r} is not {kind} ≥ {minimum:g}",
                          hint=f"Unset it for genekg's default, or set {kind} ≥ {minimum:g}.")
    return value


def data_dir() -> Path:
    """Per-user data directory for genekg (server install, runs)."""
    override = os.environ.get("GENEKG_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("genekg"))


def server_home() -> Path:
    """Home of the locally installed Neo4j (env `GENEKG_HOME` overrides)."""
    override = os.environ.get("GENEKG_HOME")
    if override:
        return Path(override)
    from genekg import NEO4J_VERSION

    return data_dir() / f"neo4j-{NEO4J_VERSION}"


def password_file(home: Path | None = None) -> Path:
    """The file holding the local server's generated password (mode 0600)."""
    return (home or server_home()) / "conf" / "genekg-password"


def read_password_file(path: Path) -> str:
    """The password on the first line of `path`; InputError when unreadable or empty."""
    from genekg.errors import InputError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the password file ({type(exc).__name__})",
                         path=str(path)) from None
    first = text.splitlines()[0].strip() if text.strip() else ""
    if not first:
        raise InputError("the password file is empty", path=str(path), line=1)
    mode = path.stat().st_mode
    if mode & 0o077:
        import logging

        # as ssh does for keys: say so, but a shared read-only deployment may mean it
        logging.getLogger("genekg").warning(
            "the password file %s is readable by other users (mode %o): run chmod 600 %s",
            path, mode & 0o777, path)
    return first


# Numeric settings read from the environment, checked when a command starts so that a bad
# value is one line before any work, not a traceback in the middle of it.
NUMERIC_ENV = {"GENEKG_BOOSTER_THREADS": 1, "GENEKG_INGEST_WRITERS": 1,
               "GENEKG_BOLT_PORT": 1, "GENEKG_HTTP_PORT": 1}


def check_env() -> None:
    """GenekgError for the first numeric GENEKG_* variable that is not a valid number."""
    for name, minimum in NUMERIC_ENV.items():
        env_number(name, 1, minimum=minimum)
    env_number("GENEKG_INGEST_WAIT", 3600, minimum=0, whole=False)


def runs_dir() -> Path:
    """Folder of training runs (GENEKG_RUNS_DIR, default ./runs)."""
    override = os.environ.get("GENEKG_RUNS_DIR")
    return Path(override) if override else Path("runs")


@dataclass(frozen=True)
class ConnectionSettings:
    """Where and as whom to connect; the password never appears in repr()."""
    uri: str
    user: str
    password: str | None

    def __repr__(self) -> str:  # never leak the password into logs or tracebacks
        return f"ConnectionSettings(uri={self.uri!r}, user={self.user!r}, password=***)"


def resolve_connection(
    uri: str | None = None, user: str | None = None, password: str | None = None
) -> ConnectionSettings:
    """Connection settings from arguments, then NEO4J_* variables, then the local server."""
    # Without an explicit URI, talk to the local server on its configured Bolt port.
    local = f"bolt://127.0.0.1:{os.environ['GENEKG_BOLT_PORT']}" \
        if os.environ.get("GENEKG_BOLT_PORT") else DEFAULT_URI
    uri = uri or os.environ.get("NEO4J_URI") or local
    user = user or os.environ.get("NEO4J_USER") or DEFAULT_USER
    password = password or os.environ.get("NEO4J_PASSWORD")
    if password is None:
        pw_file = password_file()
        if pw_file.exists():
            password = pw_file.read_text(encoding="utf-8").strip()
    return ConnectionSettings(uri=uri, user=user, password=password)
