"""The demo's HTTP server: the page's files and a small JSON API.

Standard library only (``http.server``): a class's laptop needs nothing
beyond fastnet itself. Each request runs in its own thread; a bad request
gets a 400 and a one-line message, and no request can stop the server.
The client never names a file: the page's three files are served from a
fixed table.
"""

import ipaddress
import json
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

import numpy as np

from .preprocess import check_image, check_pixels, mnist_like

MAX_BODY = 2 * 1024 * 1024  # bytes: a 512x512 drawing as JSON fits
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}
LOCAL_NAMES = {"localhost", "127.0.0.1", "[::1]"}

__all__ = ["DemoServer", "make_server"]


class BadRequest(Exception):
    """A request the API refuses (400); its message is one line."""


def _no_constant(name):
    raise BadRequest(f"{name} is not a number the API accepts")


def _page_file(name):
    return resources.files(__package__).joinpath("static", name).read_bytes()


class Handler(BaseHTTPRequestHandler):
    server_version = "fastnet-demo"
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a silent connection may hold its thread

    def log_message(self, format, *args):  # the page polls: no line per request
        pass

    # -- replies -----------------------------------------------------------
    def _send(self, status, body, content_type, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in extra:
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, doc, status=HTTPStatus.OK):
        body = json.dumps(doc, allow_nan=False, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _error(self, status, message):
        self._json({"erreur": " ".join(str(message).split())}, status)

    # -- dispatch ------------------------------------------------------------
    def do_GET(self):
        self._guarded(self._get)

    do_HEAD = do_GET

    def do_POST(self):
        self._guarded(self._post)

    def _guarded(self, handle):
        try:
            if not self._host_ok():
                raise BadRequest(
                    "unexpected Host header (the demo answers to its own address only)"
                )
            handle()
        except BadRequest as e:
            self._error(HTTPStatus.BAD_REQUEST, e)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # noqa: BLE001 (a bug answers 500; the server goes on)
            self.close_connection = True
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(e).__name__}: {e}")

    def _host_ok(self):
        """On a loopback address, refuse other Host names (DNS rebinding:
        a web page elsewhere must not reach the demo through its own name)."""
        if not self.server.loopback:
            return True
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in LOCAL_NAMES

    def _get(self):
        path = self.path.split("?", 1)[0]
        demo = self.server.trainer
        if path in STATIC:
            name, content_type = STATIC[path]
            self._send(
                HTTPStatus.OK,
                _page_file(name),
                content_type,
                [("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")],
            )
        elif path == "/api/etat":
            self._json(demo.state())
        elif path == "/api/poids":
            self._json(demo.weights())
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no such page: {path[:100]}")

    def _post(self):
        path = self.path.split("?", 1)[0]
        routes = {
            "/api/predire": self._predict,
            "/api/dessin": self._drawing,
            "/api/entrainer": self._train,
            "/api/arreter": self._stop,
        }
        if path not in routes:
            self._discard_body()
            self._error(HTTPStatus.NOT_FOUND, f"no such API: {path[:100]}")
            return
        routes[path](self._body())

    # -- request bodies ------------------------------------------------------
    def _discard_body(self):
        """Read (a bounded) body we will not use, or drop the connection."""
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if 0 <= length <= MAX_BODY:
            self.rfile.read(length)
        else:
            self.close_connection = True

    def _body(self):
        """The request's JSON document; BadRequest if absent, too large or
        not JSON (NaN and Infinity are refused)."""
        text = self.headers.get("Content-Length")
        if text is None:
            self.close_connection = True
            raise BadRequest("Content-Length header required")
        try:
            length = int(text)
            if length < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            raise BadRequest(f"bad Content-Length: {text[:40]!r}") from None
        if length > MAX_BODY:
            self.close_connection = True  # the body is not read
            raise BadRequest(f"body too large: {length} bytes (at most {MAX_BODY})")
        raw = self.rfile.read(length)
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise BadRequest("Content-Type must be application/json")
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise BadRequest(f"body is not JSON: {e}") from None
        except RecursionError:
            raise BadRequest("body is not JSON: nested too deeply") from None

    @staticmethod
    def _field(doc, key):
        if not isinstance(doc, dict) or key not in doc:
            raise BadRequest(f'expected a JSON object with "{key}"')
        return doc[key]

    # -- API -----------------------------------------------------------------
    def _predict(self, doc):
        try:
            pixels = check_pixels(self._field(doc, "pixels"), 784)
        except (TypeError, ValueError) as e:
            raise BadRequest(e) from None
        outs, digit = self.server.trainer.predict(pixels)
        self._json({"sorties": outs, "chiffre": digit})

    def _drawing(self, doc):
        try:
            image = check_image(
                self._field(doc, "pixels"), self._field(doc, "largeur"), self._field(doc, "hauteur")
            )
        except (TypeError, ValueError) as e:
            raise BadRequest(e) from None
        x = mnist_like(image)
        outs, digit = self.server.trainer.predict(x.ravel())
        self._json(
            {
                "image": np.round(x, 4).ravel().tolist(),
                "vide": not x.any(),
                "sorties": outs,
                "chiffre": digit,
            }
        )

    def _train(self, doc):
        if not self.server.can_train:
            raise BadRequest("training is off in this demo")
        try:
            config = self.server.trainer.start(doc)
        except (TypeError, ValueError) as e:
            raise BadRequest(e) from None
        self._json({"config": config}, HTTPStatus.ACCEPTED)

    def _stop(self, doc):
        self.server.trainer.stop()
        self._json({"etat": self.server.trainer.state()["etat"]})


class DemoServer(ThreadingHTTPServer):
    """A threading HTTP server serving one :class:`~.training.Trainer`."""

    daemon_threads = True
    # start() may wait for a previous run, so requests never hold the lock long
    request_queue_size = 64

    def __init__(self, address, trainer, can_train=True):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.trainer = trainer
        self.can_train = can_train
        self.loopback = is_loopback(address[0])

    @property
    def url(self):
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"


def is_loopback(host):
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: take it as reachable from elsewhere
        return False


def make_server(trainer, host="127.0.0.1", port=0, can_train=True):
    """A :class:`DemoServer` bound to ``host:port`` (0: any free port)."""
    return DemoServer((host, port), trainer, can_train)
