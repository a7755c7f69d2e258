"""Drive the Neo4j Browser of the local server in Debian's headless Chromium (Selenium).

Shared by `browser_screenshot.py` (docs/browser.png), `browser_check.py` and the
integration test that checks a page load reaches no host but the server. Needs the Debian
packages `chromium` and `chromium-driver` and `pip install selenium` (the dev extra).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


def chrome(window: str = "1500,1000") -> Any:
    """A headless Chromium with Chromium's own background traffic off and the page's
    network events logged (DevTools `Network.*`)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--window-size={window}",
                 "--disable-dev-shm-usage"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def log_in(driver: Any, url: str, bolt_port: int, user: str, password: str,
           timeout: float = 60) -> None:
    """Open the Browser at `url` and connect with bolt:// to 127.0.0.1:`bolt_port`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, timeout)
    driver.get(url)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='password']")))
    time.sleep(7)  # the login frame re-renders after first paint; typing earlier is lost
    # bolt:// (direct); the default neo4j:// asks for a routing table first
    Select(driver.find_element(By.CSS_SELECTOR, "[data-testid='bolt-scheme-select']")
           ).select_by_visible_text("bolt://")
    addr = driver.find_element(By.CSS_SELECTOR, "[data-testid='boltaddress']")
    if addr.get_attribute("value") != f"127.0.0.1:{bolt_port}":
        addr.send_keys(Keys.CONTROL, "a")
        addr.send_keys(f"127.0.0.1:{bolt_port}")
    driver.find_element(By.CSS_SELECTOR, "[data-testid='username']").send_keys(user)
    driver.find_element(By.CSS_SELECTOR, "[data-testid='password']").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "[data-testid='connect']").click()
    wait.until(ec.presence_of_element_located(
        (By.XPATH, "//*[contains(text(), 'You are connected as user')]")))


def run_query(driver: Any, text: str, settle: float, timeout: float = 60) -> None:
    """Type `text` into the Browser's editor (multi-line kept) and run it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    editor = WebDriverWait(driver, timeout).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, ".monaco-editor textarea")))
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    for line in text.splitlines():
        editor.send_keys(line)
        editor.send_keys(Keys.SHIFT, Keys.ENTER)
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    time.sleep(settle)


@dataclass(frozen=True)
class PageRequest:
    """One request the page asked for, and what became of it."""

    url: str
    host: str
    outcome: str  # "answered", "refused by the page's policy", or the network error


def page_requests(driver: Any) -> list[PageRequest]:
    """Every request the page has made since the last call, from DevTools' network log.

    A request the Content-Security-Policy refuses is reported by Chromium as failed with
    `blockedReason: csp`: it never left the browser. Anything else did go on the network
    (answered, or failed there, e.g. a name that did not resolve).
    """
    urls: dict[str, str] = {}
    outcome: dict[str, str] = {}
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        params = msg.get("params", {})
        rid = params.get("requestId")
        if msg["method"] == "Network.requestWillBeSent":
            urls[rid] = params["request"]["url"]
        elif msg["method"] == "Network.loadingFailed":
            outcome[rid] = ("refused by the page's policy"
                            if params.get("blockedReason") == "csp"
                            else params.get("errorText", "failed"))
        elif msg["method"] == "Network.loadingFinished":
            outcome.setdefault(rid, "answered")
    out = []
    for rid, url in urls.items():
        m = re.match(r"[a-z]+://(\[[^\]]+\]|[^/:]+)", url)
        if m:  # data: and blob: URLs reach no host
            out.append(PageRequest(url, m.group(1), outcome.get(rid, "no answer yet")))
    return out


def outside_hosts_reached(requests: list[PageRequest]) -> list[PageRequest]:
    """The requests to a host other than loopback that went on the network."""
    return [r for r in requests
            if r.host not in LOOPBACK and r.outcome != "refused by the page's policy"]
