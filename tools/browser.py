"""Headless Chromium driven over the DevTools protocol: open a page, collect its console
errors and the network requests it makes, evaluate a script in it, take a screenshot.

Used by tests/test_report_browser.py (does the report render, with no console errors and no
network?) and tools/screenshots.py (the pictures in docs/index.md). Needs a Chromium binary
(Debian: ``apt-get install chromium-headless-shell``, which ``make test`` does when it can) and
the ``websocket-client`` package (a dev dependency).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """A Chromium binary: ``$STPMODEL_CHROMIUM``, else the first of :data:`NAMES` on PATH."""
    chosen = os.environ.get("STPMODEL_CHROMIUM")
    if chosen:
        return chosen if shutil.which(chosen) or Path(chosen).is_file() else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    """What loading a page showed."""

    errors: list[str] = field(default_factory=list)  # console errors, uncaught exceptions
    requests: list[str] = field(default_factory=list)  # every URL the page asked for


class Browser:
    """One headless Chromium with one tab. Use as a context manager."""

    def __init__(self, binary: str, width: int = 1100, height: int = 900, timeout: float = 30):
        self.binary, self.width, self.height, self.timeout = binary, width, height, timeout
        self._next = 0

    def __enter__(self) -> Browser:
        import websocket  # websocket-client

        self.profile = tempfile.mkdtemp(prefix="stpmodel-chromium-")
        self.process = subprocess.Popen(
            [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--disable-extensions", "--disable-background-networking",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"{self.binary} did not start (exit {self.process.poll()})")
            time.sleep(0.05)
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            targets = json.load(reply)
        page = next(t for t in targets if t.get("type") == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"],
                                                  timeout=self.timeout, suppress_origin=True)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        return self

    def __exit__(self, *exc: object) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def call(self, method: str, page: Page | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its answer, noting the events that come meanwhile."""
        self._next += 1
        ident = self._next
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self._event(message, page)

    def _event(self, message: dict[str, Any], page: Page | None) -> str:
        method = str(message.get("method", ""))
        params = message.get("params", {})
        if page is None:
            return method
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            page.errors.append(f"exception: {details.get('text')} "
                               f"{details.get('exception', {}).get('description', '')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            page.errors.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                      for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            page.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}")
        elif method == "Network.requestWillBeSent":
            page.requests.append(str(params.get("request", {}).get("url", "")))
        return method

    def open(self, url: str) -> Page:
        """Load ``url`` and wait for its load event."""
        page = Page()
        self.call("Page.navigate", page, url=url)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._event(json.loads(self.socket.recv()), page) == "Page.loadEventFired":
                break
        else:
            raise RuntimeError(f"{url} did not load in {self.timeout} s")
        self.evaluate("0", page)  # let the events already sent arrive
        return page

    def evaluate(self, expression: str, page: Page | None = None) -> Any:
        """The value of a JavaScript expression in the page (returned by value)."""
        result = self.call("Runtime.evaluate", page, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def screenshot(self, path: Path, selector: str | None = None, full_page: bool = False,
                   width: int | None = None) -> None:
        """A PNG of the viewport, of the element ``selector``, or of the whole page."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": True}
        if selector is not None:
            box = self.evaluate(
                f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                ".getBoundingClientRect(); return [r.left + window.scrollX, r.top + "
                "window.scrollY, r.width, r.height]; })()")
            params["clip"] = {"x": box[0], "y": box[1], "width": width or box[2],
                              "height": box[3], "scale": 1}
        elif full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, "
                                 "document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = self.call("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
