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
as long again for the GIL. With fewer usable cores than workers, spinning
would take a core from the work, and the workers block between rounds
instead (a task per round). Either way the arithmetic, hence the result,
is the same. No Numba threading layer is involved, so this is safe to
call from several threads at once.
"""

import os
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

from ._lazy import kernels

# Examples each replica sees between two averagings: long enough that the
# thread hand-off (tens of microseconds) is a few percent of a round, short
# enough that the replicas stay close (accuracy within a fraction of a
# point of the serial loop on MNIST).
SYNC_EXAMPLES = 500

# Spin-wait rounds of the main thread between two looks at a worker's
# future (a worker that failed); about 0.1-0.3 ms of ``pause``.
SPINS = 4096


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers():
    """Replicas when ``parallel=True``: the usable cores, from 2 to 4."""
    return min(4, max(2, _cores()))


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
        self.pool = ThreadPoolExecutor(self.workers - 1) if self.workers > 1 else None
        # Workers that spin between rounds (in compiled code, without the GIL)
        # need a core each; with fewer cores they block between rounds instead.
        self.spinning = 1 < self.workers <= _cores()

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

        def rounds(w, first, last):
            kernels.worker_rounds(
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
                cfg,
                decay,
                flags,
                first,
                last,
            )

        futures = []
        if self.spinning:  # each worker takes the whole epoch, waiting in compiled code
            futures = [self.pool.submit(rounds, w, 1, n_rounds) for w in range(1, W)]
        try:
            for r in range(1, n_rounds + 1):
                kernels.set_flag(flags, kernels.FLAG_GO, r)
                if not self.spinning:  # a task per round, on threads that block between
                    futures = [self.pool.submit(rounds, w, r, r) for w in range(1, W)]
                rounds(0, r, r)
                for w, future in enumerate(futures, 1):
                    self._wait(flags, w, r, future)
                active = min(W, n_batches - (r - 1) * W * K)
                kernels.average(self.replicas, active, shared)
        finally:  # on any exit, no worker is left running (their errors: _wait)
            kernels.set_flag(flags, kernels.FLAG_STOP, 1)
            wait(futures)
        kernels.unpack_padded(shared, *self.layout.args(), params)

    @staticmethod
    def _wait(flags, w, r, future):
        """Until worker ``w`` has finished round ``r``; its exception, if
        it failed, is raised here."""
        while not kernels.wait_flag(flags, kernels.FLAG_DONE + w, r, SPINS):
            if future.done():
                future.result()
                if flags[kernels.FLAG_DONE + w] < r:
                    raise RuntimeError("a parallel worker stopped before the end of its rounds")
