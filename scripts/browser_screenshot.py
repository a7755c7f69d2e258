#!/usr/bin/env python3
"""Screenshot of the Neo4j Browser showing a gene's neighbourhood with predicted edges.

Drives Debian's headless Chromium (packages `chromium`, `chromium-driver`) with Selenium
against the running local server: logs in, applies browser/genekg.grass with `:style`,
runs the query and saves docs/browser.png. Needs predicted edges in the graph (run
`make demo` first). Usage: .venv/bin/python scripts/browser_screenshot.py [--gene dnaA]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gene", default="dnaA")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "browser.png")
    ap.add_argument("--limit", type=int, default=12)
    args = ap.parse_args()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        sys.exit("pip install selenium (and apt install chromium chromium-driver)")
    from genekg.config import resolve_connection
    from genekg.server.manager import ServerConfig

    cfg = ServerConfig.from_env()
    conn = resolve_connection()
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1500,1000",
                 "--disable-dev-shm-usage"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    wait = WebDriverWait(driver, 60)
    try:
        driver.get(cfg.browser_url)
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR,
                                                   "[data-testid='password']")))
        time.sleep(7)  # the login frame re-renders after first paint; typing earlier is lost
        pw = driver.find_element(By.CSS_SELECTOR, "[data-testid='password']")
        from selenium.webdriver.support.ui import Select

        # bolt:// (direct); the default neo4j:// asks for a routing table first
        Select(driver.find_element(By.CSS_SELECTOR, "[data-testid='bolt-scheme-select']")
               ).select_by_visible_text("bolt://")
        addr = driver.find_element(By.CSS_SELECTOR, "[data-testid='boltaddress']")
        if addr.get_attribute("value") != f"127.0.0.1:{cfg.bolt_port}":
            addr.send_keys(Keys.CONTROL, "a")
            addr.send_keys(f"127.0.0.1:{cfg.bolt_port}")
        user = driver.find_element(By.CSS_SELECTOR, "[data-testid='username']")
        user.send_keys(conn.user)
        pw.send_keys(conn.password or "")
        driver.find_element(By.CSS_SELECTOR, "[data-testid='connect']").click()
        wait.until(ec.presence_of_element_located(
            (By.XPATH, "//*[contains(text(), 'You are connected as user')]")))
        time.sleep(2)

        def run(text: str, settle: float) -> None:
            editor = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR,
                                                            ".monaco-editor textarea")))
            editor.click()
            editor.send_keys(Keys.CONTROL, "a")
            editor.send_keys(Keys.DELETE)
            for line in text.splitlines():
                editor.send_keys(line)
                editor.send_keys(Keys.SHIFT, Keys.ENTER)
            editor.send_keys(Keys.CONTROL, Keys.ENTER)
            time.sleep(settle)

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
