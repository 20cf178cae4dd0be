"""A tiny Chrome DevTools Protocol client over --remote-debugging-pipe (no websocket, no network).

Chromium reads NUL-terminated JSON commands on fd 3 and writes NUL-terminated JSON replies and
events on fd 4. The page under test is opened from a file: URL; the browser has no network
(--no-proxy-server and a proxy rule that sends everything nowhere), so a page that tried to load
anything from elsewhere would fail to, and the attempt shows in the network log the checks read.
"""
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    raise RuntimeError("no chromium: apt-get install chromium (scripts/lib/deps.sh AVS_REPORT_PACKAGES)")


def _high(fd):
    """FD moved to a number above 9. The child gets its stdio on 0-2 and the pipe on 3 and 4, so
    an end numbered 0-4 would be overwritten before Chromium starts: a harness that runs with
    stdin closed makes os.pipe() return fd 0."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Browser:
    def __init__(self, timeout=60):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="avs-cdp-")
        r_cmd, w_cmd = map(_high, os.pipe())  # we write commands, chromium reads fd 3
        r_out, w_out = map(_high, os.pipe())  # chromium writes fd 4, we read
        self.proc = None

        def child():
            os.dup2(r_cmd, 3)
            os.dup2(w_out, 4)

        # --disable-dev-shm-usage: shared memory in the temp folder, not in /dev/shm, which a
        # container may keep small.
        args = [chromium_path(), "--headless", "--remote-debugging-pipe", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-crash-reporter",
                "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--no-proxy-server", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--user-data-dir=" + self.profile, "about:blank"]
        # Chromium's own messages go to a file: when it dies, the error says why.
        self.log_path = self.profile + ".log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=child,
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, start_new_session=True)
        os.close(r_cmd)
        os.close(w_out)
        self.w = os.fdopen(w_cmd, "wb", buffering=0)
        self.r = os.fdopen(r_out, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []  # every event received, in order: (method, params, sessionId)

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = self.r.read(65536)
            if not chunk:
                raise RuntimeError("chromium closed the debugging pipe" + self._why())
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def _why(self):
        """Chromium's exit status and the end of what it printed, for an error message."""
        try:
            rc = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            rc = None
        try:
            with open(self.log_path, "rb") as f:
                tail = f.read()[-2000:].decode("utf-8", "replace").strip()
        except OSError:
            tail = ""
        return " (exit status %s)%s" % (rc, ("; it printed:\n" + tail) if tail else "")

    def send(self, method, params=None, session=None):
        self.next_id += 1
        mid = self.next_id
        cmd = {"id": mid, "method": method, "params": params or {}}
        if session:
            cmd["sessionId"] = session
        try:
            self.w.write(json.dumps(cmd).encode() + b"\0")
        except BrokenPipeError:
            raise RuntimeError("chromium closed the debugging pipe" + self._why()) from None
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append((m["method"], m.get("params", {}), m.get("sessionId")))

    def wait_event(self, method, session=None, timeout=None):
        """Returns the first event METHOD (already received or arriving within TIMEOUT)."""
        for i, (meth, params, sess) in enumerate(self.events):
            if meth == method and (session is None or sess == session):
                del self.events[i]
                return params
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_message(deadline)
            if "method" not in m:
                continue
            if m["method"] == method and (session is None or m.get("sessionId") == session):
                return m.get("params", {})
            self.events.append((m["method"], m.get("params", {}), m.get("sessionId")))

    def close(self):
        try:
            if self.proc and self.proc.poll() is None:
                try:
                    self.send("Browser.close")
                except Exception:
                    pass
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, 9)  # our own process group only
                    self.proc.wait(10)
        finally:
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
            try:
                os.unlink(self.log_path)
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One tab with Page, Runtime, Log and Network events on, opened on URL."""

    def __init__(self, browser, url, width=1280, height=900, javascript=True):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.s = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.cmd(domain + ".enable")
        self.cmd("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        if not javascript:
            self.cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        self.cmd("Page.navigate", {"url": url})
        browser.wait_event("Page.loadEventFired", self.s)

    def cmd(self, method, params=None):
        return self.b.send(method, params, self.s)

    def eval(self, expression):
        r = self.cmd("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                          "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("evaluate %r: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def events(self, method):
        """Every event METHOD of this page received so far (kept)."""
        return [p for (m, p, s) in self.b.events if m == method and s == self.s]

    def click(self, selector):
        """A real mouse click (Input.dispatchMouseEvent) at the middle of SELECTOR's box."""
        box = self.eval("(() => { const e = document.querySelector(%s); if (!e) return null;"
                        " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                        " return [r.x + r.width / 2, r.y + r.height / 2]; })()" % json.dumps(selector))
        if box is None:
            raise RuntimeError("nothing to click: %s" % selector)
        for kind in ("mousePressed", "mouseReleased"):
            self.cmd("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                  "button": "left", "clickCount": 1})
