"""Install, start and stop a local Neo4j Community 5.26 + OpenGDS 2.13 without Docker.

Neo4j publishes no standalone tarball on Maven Central, so the server is assembled from
Maven artifacts: runtime dependencies of `org.neo4j:neo4j` + `org.neo4j.app:neo4j-server`
(plus the Browser jar) go to `lib/`, the open GDS modules go to `plugins/`, and plugin jars
that duplicate a `lib/` jar (same groupId:artifactId) are removed so that one version of
each library is on the classpath. The JVM is started the way `bin/neo4j` would start it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from genekg import BROWSER_VERSION, GDS_VERSION, NEO4J_VERSION
from genekg.config import env_number, server_home
from genekg.errors import ServerError
from genekg.server.browser import seal_browser

INSTALL_MARKER = ".genekg-install.json"
PID_FILE = "run/genekg-neo4j.pid"
# The JVM's console output. Not logs/neo4j.log: Neo4j writes that file itself, and two
# writers to one file interleaved and duplicated lines in `genekg server logs`.
CONSOLE_LOG = "logs/console.log"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.server.startup.Neo4jAdminCommand"  # neo4j-admin (bulk import)

# The flags bin/neo4j adds for Neo4j 5 on Java 17.
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED",
    "-Djol.skipHotspotSAAttach=true",
    "-Dfile.encoding=UTF-8",
]

Progress = Callable[[str], None]

# Servers started by this Python process. The JVM outlives the CLI on purpose; holding the
# Popen handle keeps it from being garbage-collected (and warned about) while it runs, and
# lets `stop` reap it.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def _quiet(_: str) -> None:
    return None


@dataclass
class ServerConfig:
    """Settings written to conf/neo4j.conf. Sized for a laptop by default."""

    home: Path = field(default_factory=server_home)
    bolt_port: int = 7687
    http_port: int = 7474
    heap: str = "2g"
    pagecache: str = "512m"

    @classmethod
    def from_env(cls, home: Path | None = None) -> ServerConfig:
        """Settings from GENEKG_HOME / GENEKG_*_PORT / GENEKG_HEAP, with defaults."""
        return cls(
            home=home or server_home(),
            bolt_port=int(env_number("GENEKG_BOLT_PORT", 7687, minimum=1)),
            http_port=int(env_number("GENEKG_HTTP_PORT", 7474, minimum=1)),
            heap=os.environ.get("GENEKG_HEAP", "2g"),
            pagecache=os.environ.get("GENEKG_PAGECACHE", "512m"),
        )

    @property
    def bolt_uri(self) -> str:
        """bolt://127.0.0.1:<bolt port>."""
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        """The Browser's URL on the HTTP port."""
        return f"http://127.0.0.1:{self.http_port}/browser/"


@dataclass
class ServerState:
    """Installed? running (pid)? answering on Bolt?"""
    installed: bool
    running: bool
    pid: int | None
    bolt_answers: bool


def find_java() -> Path:
    """A Java 17 or 21 runtime (Neo4j 5.26 supports both); JAVA_HOME wins over PATH."""
    candidates: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path))
    seen: list[str] = []
    for java in candidates:
        if not java.exists():
            continue
        major = java_major_version(java)
        seen.append(f"{java} (Java {major})")
        if major in (17, 21):
            return java
    found = "; found: " + ", ".join(seen) if seen else "; no java found on PATH or JAVA_HOME"
    raise ServerError(
        "Neo4j 5.26 needs Java 17 (or 21)" + found,
        hint="Install OpenJDK 17 (e.g. `apt install openjdk-17-jre-headless`) "
        "and/or set JAVA_HOME to it.",
    )


def java_major_version(java: Path) -> int | None:
    """Major version of a Java runtime, or None when it cannot be read."""
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False,
            env=child_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def find_maven() -> Path:
    """The `mvn` executable; GenekgError with a hint when absent."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServerError(
            "Maven (`mvn`) is needed to fetch Neo4j and GDS from Maven Central",
            hint="Install Maven (e.g. `apt install maven`), or run Neo4j with Docker "
            "(docker/docker-compose.yml) and point genekg at it with --uri.",
        )
    return Path(mvn)


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something listens on `host:port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def pid_alive(pid: int) -> bool:
    """Whether process `pid` exists (a zombie child of this process counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this very process still answers kill(0); reap it.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        return state != "Z"
    except OSError:
        return True


def _generate_password(length: int = 24) -> str:
    # Letters and digits only: a leading "-" would be read as an option by neo4j-admin.
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


SECRET_ENV = frozenset({"NEO4J_PASSWORD", "NEO4J_AUTH", "GENEKG_PASSWORD"})
AUTH_ITERATIONS = 1024  # Neo4j's SecureHasher: SHA-256, 32-byte salt, 1024 rounds


def auth_ini_line(user: str, password: str, salt: bytes | None = None) -> str:
    """One `auth.ini` record: `user:SHA-256,<hash hex>,<salt hex>,1024:` (no flags, so no
    forced password change). The hash is SHA-256 of salt + password, re-hashed 1023 times."""
    salt = salt if salt is not None else secrets.token_bytes(32)
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    for _ in range(AUTH_ITERATIONS - 1):
        digest = hashlib.sha256(digest).digest()
    return f"{user}:SHA-256,{digest.hex()},{salt.hex()},{AUTH_ITERATIONS}:"


def child_env() -> dict[str, str]:
    """This process's environment without client credentials, for every process genekg
    starts (Maven, Java, the server): an environment is readable in /proc/<pid>/environ."""
    return {k: v for k, v in os.environ.items() if k not in SECRET_ENV}


def _write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner can read (0600 from its creation on)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


def _artifact_key(jar_name: str) -> str:
    """`org.slf4j.slf4j-api-2.0.9.jar` -> `org.slf4j.slf4j-api` (group-prefixed names)."""
    m = re.match(r"(.+?)-(\d[\w.]*?)(?:-GA|-jre|-android)?\.jar$", jar_name)
    return m.group(1) if m else jar_name


class ServerManager:
    """Owns one local server home. All methods are idempotent."""

    def __init__(self, config: ServerConfig | None = None, progress: Progress = _quiet) -> None:
        self.config = config or ServerConfig.from_env()
        self.home = self.config.home
        self.progress = progress

    # ---------------------------------------------------------------- install
    @property
    def marker(self) -> Path:
        """The file recording a completed install (versions, artifacts)."""
        return self.home / INSTALL_MARKER

    def is_installed(self) -> bool:
        """Whether the install completed and its jars are present."""
        if not self.marker.exists():
            return False
        try:
            info = json.loads(self.marker.read_text())
        except (OSError, ValueError):
            return False
        return bool(info.get("neo4j") == NEO4J_VERSION and info.get("gds") == GDS_VERSION)

    def install_info(self) -> dict[str, object]:
        """The install marker's content (versions, when)."""
        return dict(json.loads(self.marker.read_text())) if self.is_installed() else {}

    def install(self, password: str | None = None) -> bool:
        """Assemble the server under `home`. Returns False when it was already there."""
        if self.is_installed():
            self.write_config()  # ports/memory may have changed; the config is cheap
            self.restrict_permissions()  # homes installed by older versions were 0755/0644
            seal_browser(self.home / "lib")  # homes installed before the Browser was sealed
            return False
        java = find_java()
        mvn = find_maven()
        t0 = time.monotonic()
        self.home.parent.mkdir(parents=True, exist_ok=True)
        # Build in a sibling directory and rename at the end so that an interrupted
        # install never leaves a half-populated home that looks installed.
        staging = self.home.with_name(self.home.name + ".partial")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        poms = resources.files("genekg.server") / "maven"
        for pom_name, dest in (("neo4j-server.pom.xml", "lib"), ("gds-plugin.pom.xml", "plugins")):
            self.progress(f"resolving {pom_name} from Maven Central into {dest}/")
            with resources.as_file(poms / pom_name) as pom:
                self._mvn_copy(mvn, pom, staging / dest)
        removed = self._dedupe_plugins(staging)
        sealed = seal_browser(staging / "lib")
        for sub in ("conf", "data", "logs", "run", "import"):
            (staging / sub).mkdir(exist_ok=True)
        if self.home.exists():
            # An unmarked leftover (e.g. an older failed install): replace it.
            shutil.rmtree(self.home)
        staging.rename(self.home)
        self.write_config()
        self._set_initial_password(password)
        size = sum(f.stat().st_size for f in self.home.rglob("*") if f.is_file())
        info = {
            "neo4j": NEO4J_VERSION,
            "gds": GDS_VERSION,
            "browser": BROWSER_VERSION,
            "browser_sealed": sealed,
            "lib_jars": len(list((self.home / "lib").glob("*.jar"))),
            "plugin_jars": len(list((self.home / "plugins").glob("*.jar"))),
            "plugin_duplicates_removed": removed,
            "install_seconds": round(time.monotonic() - t0, 1),
            "size_bytes": size,
            "java": str(java),
        }
        self.marker.write_text(json.dumps(info, indent=2))
        return True

    def _mvn_copy(self, mvn: Path, pom: Path, dest: Path) -> None:
        cmd = [
            str(mvn), "-B", "-q", "-f", str(pom), "dependency:copy-dependencies",
            "-DincludeScope=runtime", "-Dmdep.prependGroupId=true",
            f"-DoutputDirectory={dest}",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=child_env())
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise ServerError(
                f"Maven could not resolve {pom.name} (exit {proc.returncode}):\n{tail}",
                hint="Check that Maven Central is reachable "
                "(proxy settings in ~/.m2/settings.xml).",
            )

    @staticmethod
    def _dedupe_plugins(home: Path) -> list[str]:
        lib = {_artifact_key(j.name) for j in (home / "lib").glob("*.jar")}
        removed = []
        for jar in sorted((home / "plugins").glob("*.jar")):
            if _artifact_key(jar.name) in lib:
                jar.unlink()
                removed.append(jar.name)
        return removed

    def write_config(self) -> None:
        """Write neo4j.conf: loopback only, auth on, ports, memory, GDS procedures allowed."""
        c = self.config
        h = self.home
        lines = [
            "# Written by genekg; edits are overwritten by `genekg server install/start`.",
            "server.default_listen_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{c.bolt_port}",
            f"server.bolt.advertised_address=127.0.0.1:{c.bolt_port}",
            f"server.http.listen_address=127.0.0.1:{c.http_port}",
            f"server.http.advertised_address=127.0.0.1:{c.http_port}",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=true",
            f"server.directories.data={h / 'data'}",
            f"server.directories.logs={h / 'logs'}",
            f"server.directories.plugins={h / 'plugins'}",
            f"server.directories.run={h / 'run'}",
            f"server.directories.import={h / 'import'}",
            "dbms.security.procedures.unrestricted=gds.*",
            "dbms.security.procedures.allowlist=gds.*",
            f"server.memory.heap.initial_size={c.heap}",
            f"server.memory.heap.max_size={c.heap}",
            f"server.memory.pagecache.size={c.pagecache}",
            "db.tx_log.rotation.retention_policy=2 files",
            # An offline, local install: no usage reports from the server, no product
            # analytics or remote content from the Browser.
            "dbms.usage_report.enabled=false",
            "client.allow_telemetry=false",
            "browser.remote_content_hostname_whitelist=localhost",
            "",
        ]
        (h / "conf").mkdir(parents=True, exist_ok=True)
        (h / "conf" / "neo4j.conf").write_text("\n".join(lines))

    def _set_initial_password(self, password: str | None) -> None:
        """Store the initial password as the hashed credential Neo4j reads on first start.

        `neo4j-admin dbms set-initial-password` takes the password as an argument, and the
        Java launcher re-executes itself with its @argfile expanded, so any user's `ps`
        could read it. Writing `data/dbms/auth.ini` ourselves puts it in no argv and no
        environment: the file holds only a salted SHA-256 hash (Neo4j's own format,
        `user:SHA-256,<hash>,<salt>,<iterations>:`), and the system database takes the
        user from it when it is created.
        """
        from genekg.config import password_file

        if password is None:
            password = os.environ.get("NEO4J_PASSWORD") or _generate_password()
        _write_private(password_file(self.home), password + "\n")
        if (self.home / "data" / "databases" / "system").exists():
            raise ServerError("the system database exists already; an initial password can "
                              "only be set before the first start",
                              hint=f"Remove {self.home} and run `genekg server install` again.")
        _write_private(self.home / "data" / "dbms" / "auth.ini",
                       auth_ini_line("neo4j", password) + "\n")
        self.restrict_permissions()

    def restrict_permissions(self) -> None:
        """Folders holding data, config, logs and secrets: 0700; files under data/dbms: 0600."""
        for sub in ("conf", "data", "logs", "run"):
            d = self.home / sub
            if d.is_dir():
                os.chmod(d, 0o700)
                for p in d.rglob("*"):
                    os.chmod(p, 0o700 if p.is_dir() else 0o600)

    def _env(self) -> dict[str, str]:
        # The server has no use for a client's credentials, and a process's environment is
        # readable in /proc/<pid>/environ: they stay out of it.
        env = child_env()
        env["NEO4J_HOME"] = str(self.home)
        env["NEO4J_CONF"] = str(self.home / "conf")
        return env

    # ---------------------------------------------------------------- run
    @property
    def pid_file(self) -> Path:
        """The file holding the running server's pid."""
        return self.home / PID_FILE

    @property
    def log_file(self) -> Path:
        """The server's console log (one writer)."""
        return self.home / CONSOLE_LOG

    def pid(self) -> int | None:
        """The running server's pid, or None (stale pid files are ignored)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def state(self) -> ServerState:
        """Installed, running and Bolt state."""
        pid = self.pid()
        return ServerState(
            installed=self.is_installed(),
            running=pid is not None,
            pid=pid,
            bolt_answers=port_in_use(self.config.bolt_port) if pid else False,
        )

    def start(self, timeout: float = 180.0) -> bool:
        """Start the server and wait for Bolt. Returns False when it was already running."""
        if not self.is_installed():
            raise ServerError(
                f"no Neo4j installed at {self.home}", hint="Run `genekg server install` first."
            )
        if self.pid() is not None:
            return False
        for port in (self.config.bolt_port, self.config.http_port):
            if port_in_use(port):
                raise ServerError(
                    f"port {port} on 127.0.0.1 is already in use by another process",
                    hint="Stop that process, or choose other ports with GENEKG_BOLT_PORT / "
                    "GENEKG_HTTP_PORT (then pass --uri bolt://127.0.0.1:<port>).",
                )
        java = find_java()
        self.write_config()
        h = self.home
        heap = self.config.heap
        classpath = os.pathsep.join(str(h / d / "*") for d in ("plugins", "conf", "lib"))
        cmd = [
            str(java), f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, "-cp", classpath, MAIN_CLASS,
            f"--home-dir={h}", f"--config-dir={h / 'conf'}", "--console-mode",
        ]
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        start_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        log = open(self.log_file, "ab")  # noqa: SIM115 - handed to the child process
        try:
            proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self._env(), cwd=h, start_new_session=True,
                umask=0o077,  # files the server creates are its own: 0600 / 0700
            )
        finally:
            log.close()
        _CHILDREN[proc.pid] = proc
        self.pid_file.write_text(str(proc.pid))
        self.progress(f"started JVM pid {proc.pid}; waiting for Bolt on {self.config.bolt_uri}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                _CHILDREN.pop(proc.pid, None)
                self.pid_file.unlink(missing_ok=True)
                raise ServerError(
                    f"Neo4j exited with code {proc.returncode} during start-up. "
                    f"Last lines of {self.log_file}:\n{self.log_tail(30)}"
                )
            if port_in_use(self.config.bolt_port) and self._started_since(start_offset):
                return True
            time.sleep(0.5)
        self.stop()
        raise ServerError(
            f"Neo4j did not answer on Bolt within {timeout:.0f} s. "
            f"Last lines of {self.log_file}:\n{self.log_tail(30)}"
        )

    def _started_since(self, offset: int) -> bool:
        # The Bolt port opens slightly before the default database is online; the
        # server logs "Started." once it is. Only lines written by this start count.
        with open(self.log_file, "rb") as fh:
            fh.seek(offset)
            return b"INFO  Started." in fh.read()

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server; returns False when it was not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and pid_alive(pid):
            time.sleep(0.3)
        if pid_alive(pid):
            self.progress("server ignored SIGTERM; killing it")
            os.killpg(pid, signal.SIGKILL)
            while pid_alive(pid):
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 50) -> str:
        """The last `lines` lines of the server log."""
        if not self.log_file.exists():
            return "(no log yet)"
        with open(self.log_file, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 200_000))
            text = fh.read().decode("utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def follow_log(self) -> None:  # pragma: no cover - interactive
        """Print the server log as it grows (Ctrl-C stops)."""
        with open(self.log_file, encoding="utf-8", errors="replace") as fh:
            fh.seek(0, os.SEEK_END)
            while True:
                line = fh.readline()
                if line:
                    sys.stdout.write(line)
                    sys.stdout.flush()
                else:
                    time.sleep(0.5)
