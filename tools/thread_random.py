"""Another thread drawing from the global ``random`` while fastnet shuffles
(docs/threads.md): how many of its numbers are ones a shuffle consumed.

    python tools/thread_random.py

Each 32-bit output of the global Mersenne Twister is located by its value
in the stream of the seed; a shuffle consumes the positions between the
state it reads (``getstate``) and the state it writes back (``setstate``).
With ``rng=random.Random(seed)`` the global ``random`` is never read.
"""

import random
import threading

import numpy as np

import fastnet.shuffle as sh

N, SHUFFLES = 50_000, 20


def stream_positions(state, count):
    """value -> first position in the stream that starts at ``state``."""
    r = random.Random()
    r.setstate(state)
    pos = {}
    for i in range(count):
        pos.setdefault(r.getrandbits(32), i)
    return pos


def first_position(state, pos):
    r = random.Random()
    r.setstate(state)
    return pos.get(r.getrandbits(32))


class Spy:
    """Stands for the global ``random`` in fastnet.shuffle, noting the
    stream position each shuffle starts and ends at."""

    def __init__(self, pos):
        self.pos, self.spans = pos, []

    def getstate(self):
        state = random.getstate()
        self.spans.append([first_position(state, self.pos)])
        return state

    def setstate(self, state):
        self.spans[-1].append(first_position(state, self.pos))
        random.setstate(state)


def run(rng):
    random.seed(0)
    state0 = random.getstate()
    pos = stream_positions(state0, N * SHUFFLES * 2 + 2_000_000)
    sh.python_shuffle(np.arange(10, dtype=np.int64))  # compile and self-check first
    random.setstate(state0)
    drawn, stop = [], threading.Event()

    def other():
        while not stop.is_set():
            drawn.append(random.getrandbits(32))

    spy = Spy(pos)
    real = sh.random
    if rng is None:
        sh.random = spy
    thread = threading.Thread(target=other)
    thread.start()
    try:
        for _ in range(SHUFFLES):
            sh.python_shuffle(np.arange(N, dtype=np.int64), rng)
    finally:
        sh.random = real
        stop.set()
        thread.join()
    spans = [(a, b) for a, b in spy.spans if a is not None and b is not None]
    shared = sum(
        1 for v in drawn if (p := pos.get(v)) is not None and any(a <= p < b for a, b in spans)
    )
    name = "global random" if rng is None else "rng=random.Random(1)"
    print(
        f"{name}: the other thread drew {len(drawn)} numbers, {shared} of them "
        f"numbers a shuffle consumed"
    )


if __name__ == "__main__":
    run(None)
    run(random.Random(1))
