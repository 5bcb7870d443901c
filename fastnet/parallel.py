"""The parallel epoch loop: local SGD with periodic model averaging.

Algorithm (deterministic). The epoch's mini-batches (after the course's
shuffle) are dealt round-robin to ``workers`` replicas of the network. In
each round, every replica starts from the shared parameters and takes up to
``sync_every`` SGD steps on its own next mini-batches (by default as many
as make about 500 examples: 50 steps at mini-batch 10, 5 at 100); the shared
parameters then become the mean of the replicas (summed in replica order).
The result depends on ``workers`` and ``sync_every`` only, never on thread
timing, so a run is reproducible; it differs from the serial loop (which
is the case ``workers=1``), as averaging W replicas behaves much like a
mini-batch W times larger.

Threads: the replicas' steps run in compiled code that releases the GIL,
one Python thread per replica (the calling thread takes replica 0 and the
averaging). Each worker thread runs all its rounds in one compiled call
and waits between them by spinning on a flag, without the GIL or a system
call: a thread that blocked took 100-130 µs to wake on the 2-vCPU machines
of issue 9 (rounds last about 2 ms), and a worker back in Python waited
as long again for the GIL. A spin that runs out (a thread descheduled,
other load) ends in a block on a condition; with fewer usable cores than
workers, spinning would take a core from the work, and the threads block
at once. Either way the arithmetic, hence the result, is the same. No
Numba threading layer is involved, so this is safe to call from several
threads at once.
"""

import threading
import time

import numpy as np

from ._cores import usable_cores
from ._lazy import futures, kernels

# Examples each replica sees between two averagings: long enough that the
# thread hand-off (tens of microseconds) is a few percent of a round, short
# enough that the replicas stay close (accuracy within a fraction of a
# point of the serial loop on MNIST).
SYNC_EXAMPLES = 500

# How long a waiting thread spins before it blocks (a worker) or yields its
# core (the main thread). Measured on the 2-vCPU Xeon of issue 9, rounds of
# about 2 ms: spinning 0.14 ms, a worker blocked in 16-23 of 50 rounds (each
# a 100 us wake-up); 2 ms, never, but two parallel trainings at once took
# 1.7x as long as with blocking threads; 0.5 ms kept both (1-10 blocks,
# and within 10 % of blocking threads when oversubscribed).
SPIN_SECONDS = 0.5e-3
_pause_rate: list[float] = []  # spin-wait rounds per second on this CPU, measured once


def _spins():
    """Spin-wait rounds in about :data:`SPIN_SECONDS`: a ``pause`` takes
    from about 3 to 40 ns depending on the CPU, so it is timed once."""
    if not _pause_rate:
        never = np.zeros(1, dtype=np.int64)  # a flag nobody sets: the full spin
        n = 1 << 14
        kernels.wait_flag(never, 0, 1, 1)  # compiled or loaded, untimed
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            kernels.wait_flag(never, 0, 1, n)
            best = min(best, time.perf_counter() - start)
        _pause_rate.append(n / max(best, 1e-9))
    return max(1, int(SPIN_SECONDS * _pause_rate[0]))


def default_workers():
    """Replicas when ``parallel=True``: the usable cores, from 2 to 4."""
    return min(4, max(2, usable_cores()))


class ParallelTrainer:
    """Runs parallel epochs; holds its threads and scratch arrays."""

    def __init__(self, layout, dtype, batch, workers=None, sync_every=None):
        self.workers = default_workers() if workers is None else int(workers)
        self.sync_every = (
            max(1, round(SYNC_EXAMPLES / batch)) if sync_every is None else int(sync_every)
        )
        if self.workers < 1 or self.sync_every < 1:
            raise ValueError("workers and sync_every must be >= 1")
        self.layout = layout
        self.geometry = kernels.layout_arrays(layout.sizes)[:3]  # width, pw_off, pb_off
        self.batch = batch
        probe = kernels.pack_padded(np.zeros(layout.size, dtype=dtype), *layout.args())
        # each row aligned too: a padded buffer is a whole number of 64 bytes
        self.replicas = kernels.zeros_aligned((self.workers, probe.size), dtype)
        self.spaces = [
            kernels.new_workspace(probe, layout.sizes, batch) for _ in range(self.workers)
        ]
        self.pool = futures.ThreadPoolExecutor(self.workers - 1) if self.workers > 1 else None
        # Threads that spin between rounds (in compiled code, without the GIL)
        # need a core each; with fewer cores they block at once instead.
        self.spins = _spins() if 1 < self.workers <= usable_cores() else 0

    def close(self):
        if self.pool is not None:
            self.pool.shutdown()

    def epoch(self, params, X, Y, order, eta, cfg, decay=1.0):
        """One epoch over ``order``, in place on ``params`` (course layout)."""
        shared = kernels.pack_padded(params, *self.layout.args())
        n_batches = (order.size + self.batch - 1) // self.batch
        W, K = self.workers, self.sync_every
        n_rounds = -(-n_batches // (W * K))
        flags = np.zeros(kernels.FLAG_DONE + W, dtype=np.int64)
        handed = threading.Condition()  # where a worker blocks once its spin runs out
        spins = self.spins
        knobs, decay = kernels.knobs_arg(cfg), kernels.decay_arg(decay)

        def rounds(w, first, last):
            return kernels.worker_rounds(
                shared,
                self.replicas[w],
                self.layout.sizes,
                *self.geometry,
                X,
                Y,
                order,
                w,
                W,
                K,
                self.batch,
                eta,
                *self.spaces[w],
                knobs,
                decay,
                flags,
                first,
                last,
                spins,
            )

        def work(w):
            r = 1
            while 0 < r <= n_rounds:
                r = rounds(w, r, n_rounds)
                if 0 < r <= n_rounds:  # round r not handed out within the spin
                    with handed:
                        handed.wait_for(
                            lambda r=r: flags[kernels.FLAG_GO] >= r or flags[kernels.FLAG_STOP]
                        )

        running = [self.pool.submit(work, w) for w in range(1, W)]
        try:
            for r in range(1, n_rounds + 1):
                with handed:
                    kernels.set_flag(flags, kernels.FLAG_GO, r)
                    handed.notify_all()
                rounds(0, r, r)
                for w, future in enumerate(running, 1):
                    self._wait(flags, w, r, future, spins)
                active = min(W, n_batches - (r - 1) * W * K)
                kernels.average(self.replicas, active, shared)
        finally:  # on any exit, no worker is left running (their errors: _wait)
            with handed:
                kernels.set_flag(flags, kernels.FLAG_STOP, 1)
                handed.notify_all()
            futures.wait(running)
        kernels.unpack_padded(shared, *self.layout.args(), params)

    @staticmethod
    def _wait(flags, w, r, future, spins):
        """Until worker ``w`` has finished round ``r``, spinning, then
        yielding the core between spins; its exception, if it failed, is
        raised here."""
        while not kernels.wait_flag(flags, kernels.FLAG_DONE + w, r, spins):
            if future.done():
                future.result()
                if flags[kernels.FLAG_DONE + w] < r:
                    raise RuntimeError("a parallel worker stopped before the end of its rounds")
            time.sleep(0 if spins else 50e-6)
