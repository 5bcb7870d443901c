"""The peak resident memory of the calling process, for the children of
the process benchmarks (imported by ``course_main.py`` and ``compile_child.py``,
which run as scripts from this folder).

Not ``getrusage(RUSAGE_SELF).ru_maxrss`` alone: on Linux that maximum
carries over from before ``exec``, so a child forked by a large parent
(pytest holding MNIST) reports the parent's size. ``VmHWM`` in
``/proc/self/status`` is the high-water mark of this process image only.
"""

import resource


def peak_rss_kb():
    """``(kB, source)``: ``VmHWM`` where ``/proc`` has it, else ``ru_maxrss``."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]), "VmHWM"
    except OSError:
        pass
    # kB on Linux; bytes on macOS
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "ru_maxrss"
