"""Fixtures for the benchmarks: MNIST at session scope, the seeded initial
weights every round starts from, and a warm-up that compiles fastnet's
kernels before anything is timed.

MNIST is read from ``$FASTNET_DATA``, else ``<repo>/../shared/data/mnist``
(the four gzip'd IDX files), through ``fastnet.mnist.load_arrays``.
"""

import os
from pathlib import Path

import numpy as np
import pytest

from fastnet.mnist import load_arrays

from . import workload as wl

REPO = Path(__file__).resolve().parents[1]


def data_dir():
    """Where the MNIST files are."""
    env = os.environ.get("FASTNET_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data" / "mnist"


@pytest.fixture(scope="session")
def mnist():
    """``((Xtr, ytr), (Xte, yte))``: 50,000 training and 10,000 test images,
    float32 (n, 784) and int64 labels."""
    path = data_dir()
    if not (path / "train-images-idx3-ubyte.gz").exists():
        pytest.skip(f"MNIST not found in {path} (set FASTNET_DATA)")
    (Xtr, ytr), _, (Xte, yte) = load_arrays(path)
    assert Xtr.shape == (50000, 784) and Xte.shape == (10000, 784)
    assert Xtr.dtype == np.float32
    return (Xtr, ytr), (Xte, yte)


def one_hot(y, dtype=np.float64):
    """(n, 10) one-hot rows."""
    Y = np.zeros((len(y), 10), dtype=dtype)
    Y[np.arange(len(y)), y] = 1
    return Y


def fastnet_net(biais, poids, dtype=np.float64, parallel=False):
    """A fastnet ``Reseau`` holding the given course-layout parameters."""
    from fastnet import Reseau

    net = Reseau(wl.SIZES, dtype=dtype, parallel=parallel)
    net.biais = [np.array(b) for b in biais]
    net.poids = [np.array(w) for w in poids]
    return net


def pixel_codes(X):
    """What ``DGS`` converts float32 pixel data (k/256) into, once per call:
    the exact uint8 codes."""
    from fastnet import _data

    codes = _data.training_arrays((X, np.zeros(len(X), dtype=np.int64)), X.shape[1], 10)[0]
    assert codes.dtype == np.uint8
    return codes


@pytest.fixture(scope="session")
def train_pairs(mnist):
    """The course's training format: ``(x (784, 1) float32, y (10, 1) one-hot)``."""
    (X, y), _ = mnist
    Y = one_hot(y)
    return [(X[i].reshape(784, 1), Y[i].reshape(10, 1)) for i in range(len(X))]


@pytest.fixture(scope="session")
def test_pairs(mnist):
    """The course's test format: ``(x (784, 1) float32, int label)``."""
    _, (X, y) = mnist
    return [(X[i].reshape(784, 1), int(y[i])) for i in range(len(X))]


@pytest.fixture(scope="session")
def initial_params():
    """``(biais, poids)`` float64, drawn as the course does after
    ``np.random.seed(WEIGHT_SEED)``; every round of every benchmark starts here."""
    from fastnet.reference import ReseauReference

    state = np.random.get_state()
    np.random.seed(wl.WEIGHT_SEED)
    net = ReseauReference(wl.SIZES)
    np.random.set_state(state)
    return net.biais, net.poids


@pytest.fixture(scope="session")
def fastnet_warm(mnist):
    """Compile (or load from Numba's cache) every fastnet kernel the
    benchmarks call, with the same argument types, before timing."""
    from fastnet import Reseau, kernels

    (X, y), (Xte, yte) = mnist
    small = (X[:200], y[:200])
    for dtype in (np.float64, np.float32):
        for parallel in (False, True):
            net = Reseau(wl.SIZES, dtype=dtype, parallel=parallel)
            wl.quiet(net.DGS, small, 1, wl.BATCH, wl.ETA)
            net.evaluer((Xte[:200], yte[:200]))
    # the kernels a first run compiles in a child process (the pixel check,
    # the shuffle): until it is done, their numpy stand-ins serve, 2-4x
    # slower (a suite run right after a source change timed the pairs'
    # conversion at 47-110 ms in its first rounds, 30 ms once ready)
    assert kernels.later.wait()
    return True


def _cpu_jiffies():
    """``(steal, total)`` jiffies of all CPUs since boot (Linux), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal [guest guest_nice]: guests
    # are already counted in user/nice
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


_CPU_AT_START = _cpu_jiffies()


# widest first: the first one the CPU has names its SIMD level
SIMD_LEVELS = (
    ("avx512f", "AVX-512"),
    ("avx2", "AVX2"),
    ("avx", "AVX"),
    ("sse4.2", "SSE4.2"),
    ("sve", "SVE"),
    ("neon", "NEON"),
)


def simd_level():
    """``(LLVM's name for the CPU, its widest SIMD level)`` that Numba
    compiles for: the host's, or ``NUMBA_CPU_NAME`` / ``NUMBA_CPU_FEATURES``
    where they are set (a run compiled as another CPU says so), as
    ``fastnet._target`` reads them for the kernels."""
    from fastnet import _target

    features = {name for name, on in _target.FEATURES.items() if on}
    level = next((name for flag, name in SIMD_LEVELS if flag in features), "?")
    if level == "AVX-512":
        extra = [
            f.upper().removeprefix("AVX512")
            for f in sorted(features)
            if f.startswith("avx512") and f != "avx512f"
        ]
        level += f" (F {' '.join(extra)})" if extra else ""
    return _target.CPU_NAME, level


def pytest_benchmark_update_machine_info(config, machine_info):
    """Library versions, thread counts, BLAS settings, and how busy the
    machine was during the run (CPU steal, load average), for the report."""
    import numba

    end = _cpu_jiffies()
    if _CPU_AT_START and end and end[1] > _CPU_AT_START[1]:
        machine_info["cpu_steal_fraction"] = (end[0] - _CPU_AT_START[0]) / (
            end[1] - _CPU_AT_START[1]
        )
    if hasattr(os, "getloadavg"):
        machine_info["loadavg_at_end"] = list(os.getloadavg())
    machine_info["numpy"] = np.__version__
    machine_info["numba"] = numba.__version__
    machine_info["numba_threads"] = numba.get_num_threads()
    machine_info["cpu_count"] = os.cpu_count()
    machine_info["llvm_cpu"], machine_info["simd"] = simd_level()
    machine_info["env"] = {
        k: os.environ[k]
        for k in (
            "OPENBLAS_CORETYPE",
            "OPENBLAS_L2_SIZE",
            "OPENBLAS_NUM_THREADS",
            "OMP_NUM_THREADS",
            "NUMBA_NUM_THREADS",
            "NUMBA_CPU_NAME",
            "NUMBA_CPU_FEATURES",
        )
        if k in os.environ
    }
