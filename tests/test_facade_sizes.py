"""A network too big for the memory is refused before any draw, with the
bytes it needs; np.random is left as it was."""

import numpy as np
import pytest

from fastnet import Network, Reseau, _draws, network2, reseau

MAKERS = {
    "Reseau": lambda sizes, **kw: Reseau(sizes, **kw),
    "Network": lambda sizes, **kw: Network(sizes, **kw),
    "network2": lambda sizes, **kw: network2.Network(sizes, **kw),
}
NAMES = {"Reseau": "tailles", "Network": "sizes", "network2": "sizes"}


def state():
    s = np.random.get_state()
    return s[1].tolist(), s[2:]


@pytest.mark.parametrize("cls", MAKERS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_network_no_machine_holds_is_refused_before_any_draw(cls, dtype):
    np.random.seed(3)
    before = state()
    # 795 billion parameters: terabytes on any machine
    with pytest.raises(MemoryError) as info:
        MAKERS[cls]([784, 10**9, 10], dtype=dtype)
    text = str(info.value)
    assert text.startswith(f"{NAMES[cls]}: a network of sizes [784, 1000000000, 10] has ")
    per = np.dtype(dtype).itemsize
    assert f"needs about {795_000_000_010 * (8 + 2 * per):,} bytes" in text
    assert "np.random is as it was" in text
    assert state() == before


@pytest.mark.parametrize("cls", MAKERS)
def test_the_check_uses_the_memory_available(cls, monkeypatch):
    need = _draws.bytes_to_build([784, 30, 10], np.float64)
    assert need == 23860 * 24
    monkeypatch.setattr(_draws, "available_memory", lambda: need - 1)
    np.random.seed(3)
    before = state()
    with pytest.raises(MemoryError, match=r"more than the 0\.5 MiB of memory available"):
        MAKERS[cls]([784, 30, 10])
    assert state() == before
    monkeypatch.setattr(_draws, "available_memory", lambda: need)
    MAKERS[cls]([784, 30, 10])  # exactly enough


def test_memory_running_out_during_the_draws_puts_np_random_back(monkeypatch):
    # where the free memory is unknown (or misjudged), a MemoryError in the
    # middle of the draws must not leave np.random moved
    monkeypatch.setattr(_draws, "available_memory", lambda: None)

    def half_drawn(sizes, init):
        np.random.uniform(-1, 1, size=(sizes[1], 1))  # the biases, then no room
        raise MemoryError("Unable to allocate 5.8 TiB")

    monkeypatch.setattr(reseau, "initial_params", half_drawn)
    np.random.seed(3)
    before = state()
    with pytest.raises(MemoryError, match=r"memory ran out while building it"):
        Reseau([784, 30, 10])
    assert state() == before


def test_available_memory_reads_the_system(tmp_path, monkeypatch):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 1000 kB\nMemAvailable:     500 kB\n")
    limit, usage = tmp_path / "max", tmp_path / "current"
    limit.write_text("max\n")  # no cgroup limit
    usage.write_text("100\n")
    monkeypatch.setattr(_draws, "MEMINFO", str(meminfo))
    monkeypatch.setattr(_draws, "CGROUP_FILES", ((str(limit), str(usage)),))
    assert _draws.available_memory() == 500 * 1024
    limit.write_text("300000\n")  # a container's limit leaves less
    assert _draws.available_memory() == 300000 - 100
    monkeypatch.setattr(_draws, "MEMINFO", str(tmp_path / "none"))
    monkeypatch.setattr(_draws, "CGROUP_FILES", ())
    assert _draws.available_memory() is None
