"""The Neo4j Browser page of the installed server reaches no host but the server.

Real Chromium (Debian's `chromium` + `chromium-driver`, driven by Selenium) loads the
Browser of the test server, logs in and runs a query; DevTools' network log must show no
request that left for an outside host. Without the sealed page the Browser sends three
(Segment, Canny, Google Fonts): `scripts/browser_check.py` prints them on an unsealed jar.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from genekg.config import resolve_connection
from genekg.server.browser import browser_jars, is_sealed
from genekg.server.manager import ServerManager

REPO = Path(__file__).resolve().parents[2]


def _session() -> ModuleType:
    missing = [p for p in ("/usr/bin/chromium", "/usr/bin/chromedriver") if not Path(p).exists()]
    if missing or importlib.util.find_spec("selenium") is None:
        pytest.skip("the Browser check needs Debian's chromium and chromium-driver and "
                    f"selenium (missing: {', '.join(missing) or 'selenium'}); "
                    "scripts/test.sh installs them where apt-get can")
    spec = importlib.util.spec_from_file_location("browser_session",
                                                  REPO / "scripts" / "browser_session.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["browser_session"] = module
    spec.loader.exec_module(module)
    return module


def test_a_browser_page_load_reaches_no_host_but_the_server(server: ServerManager) -> None:
    session = _session()
    assert all(is_sealed(j) for j in browser_jars(server.home / "lib"))
    conn = resolve_connection()
    driver = session.chrome()
    try:
        session.log_in(driver, server.config.browser_url, server.config.bolt_port,
                       conn.user, conn.password or "")
        session.run_query(driver, "RETURN 1 AS one", 3)
        time.sleep(3)  # the scripts the page adds once connected
        requests = session.page_requests(driver)
    finally:
        driver.quit()
    # The page did load from the server and talk Bolt to it...
    assert any(r.url.endswith("/browser/") and r.outcome == "answered" for r in requests)
    assert any(f":{server.config.bolt_port}" in r.url for r in requests)
    # ...and every outside request it tried was refused inside the browser.
    assert session.outside_hosts_reached(requests) == []
