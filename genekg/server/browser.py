"""Keep the bundled Neo4j Browser's page on this machine.

Neo4j Browser 5.x loads Segment's analytics script, Canny's changelog widget and Google
Fonts from the page itself once it is connected. `client.allow_telemetry=false` only stops
the tracking calls, and on Community Edition the Browser ignores
`browser.allow_outgoing_connections` (it treats outgoing connections as always allowed),
so no server setting stops the three requests. A Content-Security-Policy in the page's own
`index.html` does: the browser refuses the requests before any connection is made, and
everything the Browser needs (its own scripts, styles, images, the Bolt websocket on
loopback) stays allowed. The jar is rewritten once at install; sealing again is a no-op.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

# Loopback only: the page's own origin, and Bolt/HTTP on 127.0.0.1 or localhost at any
# port (the Bolt port is configurable). Inline styles are the Browser's styled-components.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "worker-src 'self' blob:; "
    "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:* ws://localhost:* http://localhost:*"
)
CSP_TAG = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}"/>'
PAGES = ("browser/index.html", "browser/preview/index.html")


def browser_jars(lib: Path) -> list[Path]:
    """The Neo4j Browser jar(s) among a server's library jars."""
    return sorted(lib.glob("org.neo4j.client.neo4j-browser-*.jar"))


def _sealed_page(html: str) -> str:
    if CSP_TAG in html:
        return html
    head = html.find("<head>")
    if head < 0:
        raise ValueError("no <head> in the Browser's page")
    at = head + len("<head>")
    return html[:at] + CSP_TAG + html[at:]


def is_sealed(jar: Path) -> bool:
    """Whether every page of the Browser jar carries the policy."""
    with zipfile.ZipFile(jar) as z:
        names = set(z.namelist())
        return all(CSP_TAG in z.read(p).decode("utf-8") for p in PAGES if p in names)


def seal_browser_jar(jar: Path) -> bool:
    """Add the policy to the jar's pages. Returns False when it was already there.

    Written to a sibling file and renamed over the jar, so a running server (which holds
    the old file open) and an interrupted rewrite both keep a whole jar.
    """
    if is_sealed(jar):
        return False
    tmp = jar.with_name(jar.name + ".sealing")
    with zipfile.ZipFile(jar) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in PAGES:
                data = _sealed_page(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)
    os.replace(tmp, jar)
    return True


def seal_browser(lib: Path) -> list[str]:
    """Seal every Browser jar under `lib`; the names of the jars rewritten."""
    return [j.name for j in browser_jars(lib) if seal_browser_jar(j)]
