"""Sweep throughput: N small configurations on a 2-worker Dask LocalCluster
against the same configurations one after another in this process.

Both sides start warm: this process and every worker have MNIST in memory
and the kernels compiled before anything is timed (the cluster's start-up
is reported on its own as ``cluster_start_s``). The benchmark times the
cluster sweep (3 rounds); before each round the same configurations run one
after another in this process, timed too, so ``speedup = serial_s /
sweep_s`` (medians) compares the two on the same machine at the same
moments. Expect close to 2x on 2 free cores,
less the scheduling and result-writing overhead. The two must also agree:
each configuration gives the same history on a worker as in this process.
"""

import tempfile
import time
from pathlib import Path

import pytest

from . import workload as wl
from .conftest import data_dir

pytestmark = pytest.mark.benchmark(group="sweep")

WORKERS = 2
# 12 configurations of about half a second each (all 50,000 training images)
KNOBS = {
    "eta": [0.5, 1.0, 3.0],
    "batch_size": [10, 20],
    "seed": [0, 1],
    "sizes": [784, 30, 10],
    "epochs": 3,
    "limit": None,
}
SMOKE_KNOBS = dict(KNOBS, eta=[1.0, 3.0], seed=[0], epochs=1, limit=1_000)
ROUNDS = 3  # timed sweeps, each after an untimed serial run of the same configurations


def _median(xs):
    xs = sorted(xs)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2


def test_sweep_two_workers_vs_serial(benchmark, mnist):
    sw = pytest.importorskip("fastnet.sweep")
    pytest.importorskip("distributed")
    smoke = wl.is_smoke(benchmark)
    configs = sw.configurations(SMOKE_KNOBS if smoke else KNOBS)
    data = str(data_dir())
    warm = dict(configs[0], epochs=1, limit=200)
    sw.run_config(warm, data)  # this process: data loaded, kernels compiled
    serial_times, serial = [], []

    def serial_round():
        # runs before each timed round: the two alternate, so a burst of
        # load elsewhere on the machine hits both sides alike
        t0 = time.perf_counter()
        serial[:] = [sw.run_config(c, data) for c in configs]
        serial_times.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    with sw.local_cluster(WORKERS) as client, tempfile.TemporaryDirectory() as tmp:
        client.wait_for_workers(WORKERS, timeout=60)
        cluster_start_s = time.perf_counter() - t0
        client.run(sw.run_config, warm, data)  # every worker warm
        rounds = iter(range(1_000))

        def one_sweep():
            # a fresh results file each round, or it would skip everything
            path = Path(tmp) / f"r{next(rounds)}.jsonl"
            return sw.sweep(configs, path, client=client, data=data, stall_timeout=300)

        records = benchmark.pedantic(
            one_sweep, setup=serial_round, rounds=1 if smoke else ROUNDS, iterations=1
        )
        if smoke:  # --benchmark-disable: nothing timed by pytest-benchmark
            t0 = time.perf_counter()
            records = one_sweep()
            sweep_s = time.perf_counter() - t0
        else:
            sweep_s = wl.median_s(benchmark)
    assert all(r["status"] == "ok" for r in serial), [r["error"] for r in serial]
    assert len(records) == len(configs)
    assert all(r["status"] == "ok" for r in records), [r["error"] for r in records]
    # the same configuration trains the same on a worker as in this process
    on_workers = {r["key"]: r["history"]["precision"] for r in records}
    assert on_workers == {r["key"]: r["history"]["precision"] for r in serial}

    serial_s = _median(serial_times)
    benchmark.extra_info.update(
        impl="fastnet",
        workers=WORKERS,
        n_configs=len(configs),
        knobs=SMOKE_KNOBS if smoke else KNOBS,
        serial_s=serial_s,
        serial_rounds_s=serial_times,
        sweep_s=sweep_s,
        speedup=serial_s / sweep_s if sweep_s else None,
        serial_per_config_s=serial_s / len(configs),
        cluster_start_s=cluster_start_s,
    )
