"""Another thread drawing from the global ``random`` while fastnet shuffles
(docs/threads.md): how many of its numbers are ones a shuffle consumed.

    python tools/thread_random.py
"""
import random, sys, threading
import numpy as np
import fastnet.shuffle as sh

def run(rng_arg, n=50_000, shuffles=20):
    random.seed(0)
    state0 = random.getstate()
    r = random.Random(); r.setstate(state0)
    stream = [r.getrandbits(32) for _ in range(n * shuffles * 2 + 400_000)]
    pos = {}
    for i, v in enumerate(stream):
        pos.setdefault(v, i)
    spans = []
    real = sh.random
    class Spy:
        def getstate(self):
            s = real.getstate(); q = random.Random(); q.setstate(s)
            spans.append([pos.get(q.getrandbits(32))]); return s
        def setstate(self, s):
            q = random.Random(); q.setstate(s); spans[-1].append(pos.get(q.getrandbits(32)))
            real.setstate(s)
        def shuffle(self, x): real.shuffle(x)
    drawn, stop = [], threading.Event()
    def other():
        while not stop.is_set():
            drawn.append(random.getrandbits(32))
    sh.python_shuffle(np.arange(10, dtype=np.int64))  # compile / self-check first
    random.setstate(state0)
    t = threading.Thread(target=other); t.start()
    spy = Spy() if rng_arg is None else None
    if spy: sh.random = spy
    try:
        for _ in range(shuffles):
            sh.python_shuffle(np.arange(n, dtype=np.int64), rng_arg)
    finally:
        sh.random = real; stop.set(); t.join()
    ps = [pos.get(v) for v in drawn]
    inside = sum(1 for p in ps if p is not None and any(a <= p < b for a, b in spans if a is not None and b is not None))
    dup = len(ps) - len(set(ps))
    print(f"rng={'global' if rng_arg is None else 'Random(seed)'}: other thread drew {len(drawn)}, "
          f"{inside} of them are numbers a shuffle consumed, {dup} repeated positions")

run(None)
run(random.Random(1))
