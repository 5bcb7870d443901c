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
one Python thread per replica (the calling thread takes replica 0). No
Numba threading layer is involved, so this is safe to call from several
threads at once.
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._lazy import kernels

# Examples each replica sees between two averagings: long enough that the
# thread hand-off (tens of microseconds) is a few percent of a round, short
# enough that the replicas stay close (accuracy within a fraction of a
# point of the serial loop on MNIST).
SYNC_EXAMPLES = 500


def default_workers():
    """Replicas when ``parallel=True``: the usable cores, from 2 to 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(4, max(2, cores))


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

    def close(self):
        if self.pool is not None:
            self.pool.shutdown()

    def epoch(self, params, X, Y, order, eta, cfg, decay=1.0):
        """One epoch over ``order``, in place on ``params`` (course layout)."""
        sizes = self.layout.sizes
        shared = kernels.pack_padded(params, *self.layout.args())
        n_batches = (order.size + self.batch - 1) // self.batch
        W, K = self.workers, self.sync_every
        for first in range(0, n_batches, W * K):
            # bound now: the round's futures finish before ``first`` moves on
            def steps(w, first=first):
                kernels.replica_steps(
                    shared,
                    self.replicas[w],
                    sizes,
                    *self.geometry,
                    X,
                    Y,
                    order,
                    first + w,
                    W,
                    K,
                    self.batch,
                    eta,
                    *self.spaces[w],
                    cfg,
                    decay,
                )

            futures = [self.pool.submit(steps, w) for w in range(1, W)] if W > 1 else []
            steps(0)
            for f in futures:
                f.result()
            kernels.average(self.replicas, min(W, n_batches - first), shared)
        kernels.unpack_padded(shared, *self.layout.args(), params)
