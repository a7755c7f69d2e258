#!/usr/bin/env python3
"""Check that loading the Neo4j Browser of the local server reaches no host but the server.

Opens the Browser in Debian's headless Chromium, logs in, runs one query, and lists every
request the page made: to loopback, refused by the page's own policy (never sent), or sent
to an outside host (exit 1). Usage: .venv/bin/python scripts/browser_check.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_session import chrome, log_in, outside_hosts_reached, page_requests, run_query


def main() -> int:
    from genekg.config import resolve_connection
    from genekg.server.manager import ServerConfig

    cfg = ServerConfig.from_env()
    conn = resolve_connection()
    driver = chrome()
    try:
        log_in(driver, cfg.browser_url, cfg.bolt_port, conn.user, conn.password or "")
        run_query(driver, "MATCH (n) RETURN count(n) AS nodes", 3)
        time.sleep(3)  # scripts the page adds after connecting
        requests = page_requests(driver)
    finally:
        driver.quit()
    for r in sorted(requests, key=lambda r: (r.host, r.url)):
        print(f"{r.host:24} {r.outcome:30} {r.url[:90]}")
    sent = outside_hosts_reached(requests)
    print(f"{len(requests)} requests; {len(sent)} reached a host other than the server")
    return 1 if sent else 0


if __name__ == "__main__":
    sys.exit(main())
