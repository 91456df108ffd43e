"""Headless Chromium driven over the DevTools protocol with the standard library only: a bare-bones WebSocket
client (RFC 6455: client frames masked, text only), a `Page` with the calls the tests and screenshots use, and a
`Browser` that starts Debian's `chromium` on a profile directory (so it can be closed and opened again on the same
profile, as a phone's browser is).
"""
import base64, json, os, shutil, socket, struct, subprocess, time, urllib.request

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Page:
    """A DevTools-protocol session with one page."""

    def __init__(self, ws_url):
        host_port, path = ws_url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError(f"DevTools refused the WebSocket: {response[:200]!r}")
        self.buffer = response.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else (bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            message += self._read(n)
            if first & 0x80:
                return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def go(self, url):
        self.call("Page.navigate", url=url)
        self.wait_loaded()

    def wait_loaded(self):
        for _ in range(100):
            time.sleep(0.1)
            try:
                if self.eval("document.readyState") == "complete":
                    return
            except RuntimeError:  # the context was replaced by the navigation: ask again
                pass

    def eval(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True).get("result", {}).get("value")

    def eval_async(self, expression):
        """The value of a promise-returning expression, awaited in the page."""
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True).get("result", {}).get("value")

    def wait_for(self, expression, seconds=10.0):
        """Polls `expression` until it is truthy; False when `seconds` pass first."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if self.eval(f"Boolean({expression})"):
                    return True
            except RuntimeError:
                pass
            time.sleep(0.1)
        return False


class Browser:
    """Headless Chromium on `profile`, its first page as `page`. The hub's certificate is its own CA's: the browser
    is told to accept it (the nodes pin it instead)."""

    def __init__(self, profile, width=1100, height=900):
        if not CHROMIUM:
            raise SystemExit("error: chromium not found (apt-get install chromium, or set CHROMIUM)")
        port = free_port()
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--ignore-certificate-errors",
             f"--remote-debugging-port={port}", f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(150):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                target = next(t for t in targets if t.get("type") == "page")
                break
            except Exception:  # noqa: BLE001 — still starting
                time.sleep(0.1)
        else:
            self.process.kill()
            raise SystemExit("error: chromium did not start")
        self.page = Page(target["webSocketDebuggerUrl"])
        self.page.call("Page.enable")
        self.page.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600)

    def close(self):
        """Closes the browser as a user would (the profile is flushed to disk), then makes sure it is gone."""
        try:
            self.page.call("Browser.close")
        except Exception:  # noqa: BLE001 — already closing
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
