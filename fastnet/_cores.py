"""The cores this process may run on (the bottom layer: standard library only)."""

import os


def usable_cores():
    """Cores this process may run on: its CPU affinity where the platform
    has one (Linux), else every core the machine reports; at least 1."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1
