#!/usr/bin/env python3
"""Screenshots of an eidscope report page, taken in headless Chromium through chromedriver.

    scripts/report-screenshots.py REPORT.html OUT_DIR [--case N]

writes OUT_DIR/report-triage.png (the top of the page: the header, the filters and the
triage table, 1280x1400) and OUT_DIR/report-case.png (the section of case N, 1 by default:
its findings, the feature overlay, the error level analysis and the contact sheet).
`make report-screenshots` makes the README's two from a synthetic batch.

Chromium's own `--screenshot` captures a page opened at `#case-1` before its embedded
pictures are decoded (a blank picture on a page of ~10 MB); here the page is driven over the
WebDriver protocol instead: load, wait for the page's script (`data-ready`), scroll the section
into view, wait for every picture of it to `decode()`, then capture the element.

Only the Python standard library; chromedriver (`$CHROMEDRIVER` or on PATH, Debian's
`chromium-driver`) is started on a free port of 127.0.0.1 and stopped at the end. Nothing is
fetched: the page is a local file. Exit 2 when chromedriver or Chromium is missing.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

WINDOW = (1280, 1400)

# Resolves once the section is in view and all its pictures are decoded (or failed to).
WAIT_FOR_PICTURES = """
var section = document.getElementById(arguments[0]);
var done = arguments[arguments.length - 1];
if (!section) { done("no section " + arguments[0]); return; }
section.scrollIntoView({block: "start"});
var pictures = Array.prototype.slice.call(section.querySelectorAll("img"));
Promise.all(pictures.map(function (img) { return img.decode().catch(function () {}); }))
  .then(function () {
    requestAnimationFrame(function () { requestAnimationFrame(function () {
      var blank = pictures.filter(function (img) { return !img.complete || img.naturalWidth === 0; });
      done(blank.length === 0 ? "" : blank.length + " picture(s) did not decode");
    }); });
  });
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """A WebDriver session of chromedriver on 127.0.0.1."""

    def __init__(self, chromedriver, chromium):
        self.port = free_port()
        self.process = subprocess.Popen(
            [chromedriver, f"--port={self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.profile = tempfile.TemporaryDirectory(prefix="eidscope-shots-")
        for _ in range(100):
            try:
                self.call("GET", "/status")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        options = {
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-extensions",
                f"--window-size={WINDOW[0]},{WINDOW[1]}",
                f"--user-data-dir={self.profile.name}",
            ]
        }
        if chromium:
            options["binary"] = chromium
        session = self.call(
            "POST",
            "/session",
            {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}},
        )
        self.session = f"/session/{session['sessionId']}"
        self.call("POST", self.session + "/timeouts", {"script": 60000, "pageLoad": 120000})

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=180) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as e:
            raise SystemExit(f"webdriver {method} {path}: {e.read().decode(errors='replace')[:500]}")

    def viewport(self, width, height):
        """Resizes the window so that its page area is `width` x `height` CSS pixels."""
        self.call("POST", self.session + "/window/rect", {"width": width, "height": height})
        inner = self.run("return [window.innerWidth, window.innerHeight];")
        self.call(
            "POST",
            self.session + "/window/rect",
            {"width": 2 * width - inner[0], "height": 2 * height - inner[1]},
        )

    def run(self, script, *args, asynchronous=False):
        kind = "async" if asynchronous else "sync"
        return self.call(
            "POST", f"{self.session}/execute/{kind}", {"script": script, "args": list(args)}
        )

    def close(self):
        try:
            self.call("DELETE", self.session)
        finally:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.profile.cleanup()


def png(data):
    return base64.b64decode(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report", type=Path, help="the report's HTML file")
    parser.add_argument("out", type=Path, help="the folder to write the two PNGs into")
    parser.add_argument("--case", type=int, default=1, help="the case section to capture (1: the worst)")
    args = parser.parse_args()

    chromedriver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromedriver:
        print("no chromedriver (Debian: apt-get install chromium-driver)", file=sys.stderr)
        return 2
    chromium = os.environ.get("EIDSCOPE_CHROMIUM") or shutil.which("chromium")
    args.out.mkdir(parents=True, exist_ok=True)

    driver = Driver(chromedriver, chromium)
    try:
        driver.call("POST", driver.session + "/url", {"url": args.report.resolve().as_uri()})
        for _ in range(600):
            if driver.run("return document.documentElement.dataset.ready === 'true';"):
                break
            time.sleep(0.1)
        else:
            raise SystemExit("the page's script did not finish")

        driver.viewport(*WINDOW)
        triage = args.out / "report-triage.png"
        triage.write_bytes(png(driver.call("GET", driver.session + "/screenshot")))

        section = f"case-{args.case}"
        problem = driver.run(WAIT_FOR_PICTURES, section, asynchronous=True)
        if problem:
            raise SystemExit(f"{args.report}: {problem}")
        # The whole section in one capture: a page area as tall as the section.
        height = driver.run(
            "return Math.ceil(document.getElementById(arguments[0]).getBoundingClientRect().height);",
            section,
        )
        driver.viewport(WINDOW[0], max(WINDOW[1], height + 20))
        driver.run("document.getElementById(arguments[0]).scrollIntoView({block: 'start'});", section)
        element = driver.call(
            "POST", driver.session + "/element", {"using": "css selector", "value": f"#{section}"}
        )
        element_id = next(iter(element.values()))
        case = args.out / "report-case.png"
        case.write_bytes(png(driver.call("GET", f"{driver.session}/element/{element_id}/screenshot")))
    finally:
        driver.close()
    print(triage)
    print(case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
