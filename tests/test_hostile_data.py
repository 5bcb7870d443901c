"""Hostile data files and mirrors (issue 11, items 2, 3 and 16): a pickle
that would run code, gzip bombs, headers that lie about their size, and a
mirror that accepts connections but never answers."""

import gzip
import os
import pickle
import socket
import struct
import threading
import tracemalloc

import numpy as np
import pytest

from fastnet import mnist


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for var in ("FASTNET_DATA", "FASTNET_MNIST_MIRROR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FASTNET_CACHE", str(tmp_path / "cache"))


def _splits(sizes=(5, 3, 2), dtype=np.float32):
    rng = np.random.default_rng(0)
    return tuple(
        (
            rng.integers(0, 256, (n, 784)).astype(dtype) / 256,
            rng.integers(0, 10, n).astype(np.int64),
        )
        for n in sizes
    )


def _write_pickle(path, obj, protocol=pickle.DEFAULT_PROTOCOL, pickler=pickle.Pickler):
    with gzip.open(path, "wb", compresslevel=1) as f:
        pickler(f, protocol=protocol).dump(obj)
    return path


# ------------------------------------------------------------ pickle: code


class _Payload:
    """Unpickling this runs ``func(*args)``."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _payloads(marker):
    cmd = f"touch {marker}"
    return {
        "os.system": _Payload(os.system, cmd),
        "exec": _Payload(exec, f"open({str(marker)!r}, 'w').close()"),
        "open": _Payload(open, str(marker), "w"),
    }


@pytest.mark.parametrize("kind", ["os.system", "exec", "open"])
@pytest.mark.parametrize("where", ["top", "inside", "argument"])
def test_pickle_payload_never_runs(tmp_path, kind, where):
    marker = tmp_path / "marker"
    payload = _payloads(marker)[kind]
    (Xtr, ytr), va, te = _splits()
    obj = {
        "top": payload,
        "inside": ((Xtr, ytr), va, (te[0], payload)),
        # an array whose dtype argument is the payload
        "argument": ((Xtr, ytr), va, te, _Payload(np.dtype, payload)),
    }[where]
    path = _write_pickle(tmp_path / "mnist.pkl.gz", obj)
    with pytest.raises(ValueError, match=r"mnist\.pkl\.gz: refused: the pickle asks for") as info:
        mnist.load_arrays(path)
    assert str(path) in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize("origin", ["FASTNET_DATA", "cache", "path"])
def test_pickle_payload_refused_wherever_found(tmp_path, monkeypatch, origin):
    marker = tmp_path / "marker"
    folder = tmp_path / ("cache" if origin == "cache" else "data")
    folder.mkdir()
    _write_pickle(folder / "mnist.pkl.gz", _payloads(marker)["os.system"])
    if origin == "FASTNET_DATA":
        monkeypatch.setenv("FASTNET_DATA", str(folder))
    with pytest.raises(ValueError, match="refused"):
        mnist.load_arrays(folder if origin == "path" else None, download=False)
    assert not marker.exists()


def test_cli_refuses_a_pickle_payload(tmp_path, capsys):
    from fastnet import cli

    marker = tmp_path / "marker"
    path = _write_pickle(tmp_path / "data.gz", _payloads(marker)["os.system"])
    assert cli.main(["train", "--data", str(path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "refused" in err and str(path) in err and len(err.splitlines()) == 1
    assert not marker.exists()


def test_ndarray_may_not_be_called_directly(tmp_path):
    # numpy.ndarray(shape) would allocate whatever the file asks for
    raw = b"cnumpy\nndarray\n((I100000\nI100000\nttR."
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(ValueError, match=r"mnist\.pkl\.gz"):
        mnist.load_arrays(path)


def test_object_arrays_are_refused(tmp_path):
    X = np.empty((2, 784), dtype=object)
    X[:] = 0.5
    path = _write_pickle(tmp_path / "mnist.pkl.gz", ((X, np.zeros(2, int)),) * 3)
    with pytest.raises(ValueError, match=r"mnist\.pkl\.gz"):
        mnist.load_arrays(path)


# ------------------------------------------- pickle: what must still load


class _Py2Pickler(pickle._Pickler):
    """Writes bytes as Python 2's str (SHORT_BINSTRING / BINSTRING), as
    cPickle wrote the course's mnist.pkl.gz."""

    def save_bytes(self, obj):
        n = len(obj)
        if n < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([n]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", n) + obj)
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)  # noqa: RUF012 (pickle's own layout)
    dispatch[bytes] = save_bytes


def _course_style(path, data):
    """A pickle laid out like Nielsen's (protocol 2, Python 2 strings,
    numpy.core.multiarray)."""
    _write_pickle(path, data, protocol=2, pickler=_Py2Pickler)
    raw = gzip.decompress(path.read_bytes())
    assert b"cnumpy._core.multiarray\n" in raw or b"cnumpy.core.multiarray\n" in raw
    raw = raw.replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")
    path.write_bytes(gzip.compress(raw, compresslevel=1))
    return path


@pytest.mark.parametrize("how", ["course", 0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_array_pickles_still_load(tmp_path, how, dtype):
    data = _splits(dtype=dtype)
    path = tmp_path / "mnist.pkl.gz"
    if how == "course":
        _course_style(path, data)
    else:
        _write_pickle(path, data, protocol=how)
    got = mnist.load_arrays(path)
    for (X, y), (X0, y0) in zip(got, data):
        np.testing.assert_array_equal(X, X0.astype(np.float32))
        np.testing.assert_array_equal(y, y0)


def test_lists_load_too(tmp_path):
    data = [list(pair) for pair in _splits()]
    got = mnist.load_arrays(_write_pickle(tmp_path / "mnist.pkl.gz", data, protocol=2))
    np.testing.assert_array_equal(got[0][0], data[0][0])


def test_pickle_bomb_is_capped(tmp_path, monkeypatch):
    path = _write_pickle(tmp_path / "mnist.pkl.gz", _splits((400, 300, 300)))
    monkeypatch.setattr(mnist, "MAX_DECOMPRESSED", 1 << 20)  # below the 3 MB it holds
    with pytest.raises(ValueError, match=r"mnist\.pkl\.gz: decompresses to more than"):
        mnist.load_arrays(path)
    monkeypatch.setattr(mnist, "MAX_DECOMPRESSED", 8 << 20)
    assert mnist.load_arrays(path)[0][0].shape == (400, 784)


# ---------------------------------------------------------------- IDX bombs


def _gz_stream(path, header, zeros, chunk=1 << 20):
    """``header`` then ``zeros`` zero bytes, gzip'd without holding them."""
    with gzip.open(path, "wb", compresslevel=6) as f:
        f.write(header)
        block = bytes(chunk)
        for _ in range(zeros // chunk):
            f.write(block)
        f.write(bytes(zeros % chunk))
    return path


def _peak_bytes(call):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as info:
            call()
        return tracemalloc.get_traced_memory()[1], str(info.value)
    finally:
        tracemalloc.stop()


def test_gzip_bomb_after_a_small_header(tmp_path):
    # 10 images announced, 100 MB of zeros behind them (100 kB on disk)
    path = _gz_stream(
        tmp_path / "bomb-idx3-ubyte.gz", struct.pack(">4I", 2051, 10, 28, 28), 100 << 20
    )
    assert path.stat().st_size < 200_000
    peak, msg = _peak_bytes(lambda: mnist.read_idx(path))
    assert str(path) in msg and "header (10, 28, 28) says 7856 bytes" in msg
    assert peak < 8 << 20  # read stops one byte past the announced size


def test_header_beyond_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "MAX_DECOMPRESSED", 4 << 20)
    path = _gz_stream(
        tmp_path / "big-idx3-ubyte.gz", struct.pack(">4I", 2051, 10_000, 28, 28), 10_000 * 784
    )
    peak, msg = _peak_bytes(lambda: mnist.read_idx(path))
    assert str(path) in msg and "more than the 4194304" in msg
    assert peak < 2 << 20


def test_huge_count_in_a_small_file(tmp_path):
    # 4,000,000,000 labels announced by a 40-byte file: refused at once
    path = tmp_path / "liar-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(struct.pack(">2I", 2049, 4_000_000_000) + bytes(10)))
    peak, msg = _peak_bytes(lambda: mnist.read_idx(path))
    assert str(path) in msg and "4000000008" in msg
    assert peak < 1 << 20


def test_short_data_is_read_as_it_comes(tmp_path):
    # 50 MB announced, 2 MB of incompressible data there: the error comes
    # without allocating the announced size
    path = tmp_path / "short-idx1-ubyte.gz"
    body = np.random.default_rng(0).bytes(2 << 20)
    path.write_bytes(gzip.compress(struct.pack(">2I", 2049, 50 << 20) + body))
    peak, msg = _peak_bytes(lambda: mnist.read_idx(path))
    assert f"says {8 + (50 << 20)} bytes, the file has {8 + (2 << 20)}" in msg
    assert peak < 12 << 20


def test_trailing_junk_in_a_second_gzip_member(tmp_path):
    path = tmp_path / "two-idx1-ubyte.gz"
    path.write_bytes(
        gzip.compress(struct.pack(">2I", 2049, 3) + b"\x01\x02\x03") + gzip.compress(b"junk")
    )
    with pytest.raises(ValueError, match="says 11 bytes, the file has more"):
        mnist.read_idx(path)


def test_exact_file_still_checks_its_crc(tmp_path):
    raw = bytearray(gzip.compress(struct.pack(">2I", 2049, 3) + b"\x01\x02\x03"))
    raw[-8] ^= 0xFF  # the CRC in the trailer
    path = tmp_path / "crc-idx1-ubyte.gz"
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="truncated or corrupt gzip"):
        mnist.read_idx(path)


# ------------------------------------------------------- a mirror that hangs


class _Silent:
    """A TCP server on 127.0.0.1 that accepts connections and, after
    ``answer`` (bytes sent at once), says nothing more."""

    def __init__(self, answer=b""):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.answer, self.accepted, self.held = answer, 0, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            self.held.append(conn)
            if self.answer:
                conn.sendall(self.answer)

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.setblocking(False)
        while True:  # count connections still waiting in the backlog
            try:
                self.held.append(self.sock.accept()[0])
            except BlockingIOError:
                break
            self.accepted += 1
        for c in self.held:
            c.close()
        self.sock.close()


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(mnist, "CONNECT_TIMEOUT", 0.3)
    monkeypatch.setattr(mnist, "READ_TIMEOUT", 0.3)


@pytest.mark.parametrize(
    "answer",
    [
        b"",  # never answers
        # answers, then stalls in the middle of the file
        b"HTTP/1.0 200 OK\r\nContent-Length: 9912422\r\n\r\n" + bytes(1000),
    ],
)
def test_mirror_that_never_answers(tmp_path, capsys, short_timeouts, answer):
    server = _Silent(answer)
    try:
        with pytest.raises(FileNotFoundError) as info:
            mnist.find_data(mirrors=[server.url])
    finally:
        server.close()
    assert server.accepted == 1  # not asked again for the other three files
    msg = str(info.value)
    assert "no answer within 0.3 s" in msg and "not tried" in msg
    err = capsys.readouterr().err
    assert f"downloading {server.url}train-images-idx3-ubyte.gz" in err
    assert "waiting at most 0.3 s" in err
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []


def test_silent_mirror_then_good_one(tmp_path, short_timeouts, monkeypatch):
    served = {}

    class Response:
        def __init__(self, data):
            self.data = [data]

        def read(self, n):
            return self.data.pop() if self.data else b""

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    rng = np.random.default_rng(0)
    for name, (_, size) in mnist.MNIST_FILES.items():
        served[name] = rng.bytes(size)
    import hashlib

    monkeypatch.setattr(
        mnist, "MNIST_FILES", {n: (hashlib.md5(b).hexdigest(), len(b)) for n, b in served.items()}
    )
    real = mnist.urllib.request.urlopen
    server = _Silent()

    def urlopen(url, timeout=None):
        if url.startswith(server.url):
            return real(url, timeout=timeout)
        return Response(served[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(mnist.urllib.request, "urlopen", urlopen)
    try:
        assert mnist.find_data(mirrors=[server.url, "http://good.invalid/"]) == tmp_path / "cache"
    finally:
        server.close()
    assert server.accepted == 1


def test_timeouts_are_short_by_default():
    assert mnist.CONNECT_TIMEOUT <= 15 and mnist.READ_TIMEOUT <= 60


def test_safe_loading_costs_no_more_memory_than_pickle_load(tmp_path):
    # the course's peak memory is set while its pickle loads: the checks
    # must not raise it (the unpickler's memo holds the file's strings)
    path = _course_style(tmp_path / "mnist.pkl.gz", _splits((3000, 500, 500)))

    def peak(call):
        tracemalloc.start()
        try:
            call()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def plain():
        with gzip.open(path, "rb") as f:
            return pickle.load(f, encoding="latin1")

    assert peak(lambda: mnist.load_arrays(path)) <= 1.02 * peak(plain)


@pytest.mark.parametrize("length", [2**62, 2**40, 3 << 30, 5 << 20])
def test_pickle_announcing_a_huge_string(tmp_path, monkeypatch, length):
    # BINBYTES8 (protocol 4) with a length the file does not hold
    monkeypatch.setattr(mnist, "MAX_DECOMPRESSED", 4 << 20)
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(b"\x80\x04\x8e" + struct.pack("<Q", length) + b"abc"))
    with pytest.raises(ValueError, match=r"mnist\.pkl\.gz"):
        mnist.load_arrays(path)


def test_body_reads_wait_read_timeout(monkeypatch):
    # the connection and the answer's start wait CONNECT_TIMEOUT; once the
    # answer has begun, each read of the body waits READ_TIMEOUT
    monkeypatch.setattr(mnist, "CONNECT_TIMEOUT", 0.5)
    monkeypatch.setattr(mnist, "READ_TIMEOUT", 7.0)
    server = _Silent(b"HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n")
    try:
        with mnist._open(server.url + "x") as resp:
            assert resp.fp.raw._sock.gettimeout() == 7.0
    finally:
        server.close()


def test_the_issues_bomb_is_refused_by_its_header(tmp_path):
    # the 1.5 GiB of issue 11: 2,000,000 images announced, refused at the
    # header whatever follows (here a little; in the issue, 1.5 GiB of zeros)
    path = tmp_path / "bomb-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(struct.pack(">4I", 2051, 2_000_000, 28, 28) + bytes(1000)))
    with pytest.raises(ValueError, match=r"announces 1568000016 bytes, more than the 1073741824"):
        mnist.read_idx(path)
