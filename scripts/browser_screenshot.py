#!/usr/bin/env python3
"""Screenshot of the Neo4j Browser showing a gene's neighbourhood with predicted edges.

Drives Debian's headless Chromium (packages `chromium`, `chromium-driver`) with Selenium
(`browser_session.py`) against the running local server: logs in, applies
browser/genekg.grass with `:style`, runs the query and saves docs/browser.png. Needs
predicted edges in the graph (run `make demo` first).
Usage: .venv/bin/python scripts/browser_screenshot.py [--gene dnaA]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gene", default="dnaA")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "browser.png")
    ap.add_argument("--limit", type=int, default=8)
    args = ap.parse_args()
    try:
        import selenium  # noqa: F401
    except ImportError:
        sys.exit("pip install selenium (and apt install chromium chromium-driver)")
    from browser_session import chrome, log_in, run_query
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from genekg.config import resolve_connection
    from genekg.server.manager import ServerConfig

    cfg = ServerConfig.from_env()
    conn = resolve_connection()
    driver = chrome()
    wait = WebDriverWait(driver, 60)
    try:
        log_in(driver, cfg.browser_url, cfg.bolt_port, conn.user, conn.password or "")
        time.sleep(2)

        def run(text: str, settle: float) -> None:
            run_query(driver, text, settle)

        grass = (REPO / "browser" / "genekg.grass").read_text()
        run(":style " + " ".join(grass.split()), 2)
        # Values travel as Browser parameters, not inside the query text.
        run(f":param gene => {args.gene!r}", 2)
        run(f":param limit => {int(args.limit)}", 2)
        # The gene and its best predicted partners; the Browser also draws the known
        # INTERACTS_WITH edges among the shown genes (its "connect result nodes").
        run("MATCH (g:Gene {symbol: $gene})-[p:PREDICTED_INTERACTION]-(x:Gene) "
            "WITH g, p, x ORDER BY p.score DESC LIMIT $limit RETURN g, p, x", 8)
        for close in driver.find_elements(By.XPATH, "//*[contains(text(), 'collect "
                                          "information')]/following::button[1]"):
            close.click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg g.node")))
        time.sleep(3)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(args.out))
        print(f"saved {args.out}")
    except Exception:
        dump = REPO / ".genekg-test" / "browser_failure.png"
        dump.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(dump))
        print(f"failed; page screenshot in {dump}", file=sys.stderr)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
