"""Saving as ``open(path, "w")`` would, but atomically: an existing file
keeps its mode, a symbolic link is followed, a failed or killed save
leaves the old file and, in time, no temporary file."""

import json
import os
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import fastnet
from fastnet import Network, Reseau, _jsonfile, network2


def savers():
    """(name, save(path)) for every way of saving a network."""
    np.random.seed(0)
    r, n, n2 = Reseau([3, 2]), Network([3, 2]), network2.Network([3, 2])
    return [
        ("Reseau.sauvegarder", r.sauvegarder),
        ("fastnet.sauvegarder(Network)", lambda p: fastnet.sauvegarder(n, p)),
        ("network2.save", n2.save),
    ]


SAVERS = [name for name, _ in savers()]


def saver(name):
    return dict(savers())[name]


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def parts(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("name", SAVERS)
@pytest.mark.parametrize("perms", [0o644, 0o640, 0o664], ids=oct)
def test_saving_over_a_file_keeps_its_mode(tmp_path, name, perms):
    f = tmp_path / "net.json"
    f.write_text("old")
    os.chmod(f, perms)
    saver(name)(f)
    assert mode(f) == perms
    assert fastnet.charger(f) is not None
    assert parts(tmp_path) == []


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002], ids=oct)
def test_a_new_file_gets_the_umask_default_like_open(tmp_path, umask):
    old = os.umask(umask)
    try:
        Reseau([3, 2]).sauvegarder(tmp_path / "net.json")
        with open(tmp_path / "open.txt", "w"):
            pass
    finally:
        os.umask(old)
    assert mode(tmp_path / "net.json") == mode(tmp_path / "open.txt") == 0o666 & ~umask


@pytest.mark.parametrize("name", SAVERS)
def test_saving_through_a_link_writes_its_target(tmp_path, name):
    real = tmp_path / "store" / "net.json"
    real.parent.mkdir()
    real.write_text("old")
    os.chmod(real, 0o644)
    link = tmp_path / "latest.json"
    link.symlink_to(os.path.join("store", "net.json"))  # relative, as users make them
    saver(name)(link)
    assert link.is_symlink() and os.readlink(link) == os.path.join("store", "net.json")
    assert real.read_text() != "old" and mode(real) == 0o644
    assert fastnet.charger(link) is not None
    assert parts(real.parent) == [] and parts(tmp_path) == []


def test_a_dangling_link_creates_its_target_like_open(tmp_path):
    link = tmp_path / "net.json"
    link.symlink_to(tmp_path / "made.json")
    Reseau([3, 2]).sauvegarder(link)
    assert link.is_symlink() and (tmp_path / "made.json").is_file()


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_a_failed_save_leaves_the_old_file_and_no_part(tmp_path, monkeypatch, stop):
    f = tmp_path / "net.json"
    f.write_text("old")

    def dump(doc, fp, **kw):
        fp.write('{"format": "fastnet", "poi')  # half a file, then the failure
        fp.flush()
        raise stop if isinstance(stop, OSError) else stop()

    monkeypatch.setattr(_jsonfile.json, "dump", dump)
    with pytest.raises(type(stop) if isinstance(stop, OSError) else stop):
        Reseau([3, 2]).sauvegarder(f)
    assert f.read_text() == "old"
    assert parts(tmp_path) == []


def test_bad_targets_are_refused_naming_them(tmp_path, monkeypatch):
    net = Reseau([3, 2])
    with pytest.raises(IsADirectoryError, match="a folder"):
        net.sauvegarder(tmp_path)
    with pytest.raises(FileNotFoundError) as info:
        net.sauvegarder(tmp_path / "missing" / "net.json")
    assert info.value.filename == str(tmp_path / "missing" / "net.json")
    # a read-only file is refused as open() refuses it (the tests run as
    # root, whom open() lets through: the access check is what is tested)
    f = tmp_path / "ro.json"
    f.write_text("keep me")
    os.chmod(f, 0o444)
    monkeypatch.setattr(_jsonfile.os, "access", lambda p, m: False)
    with pytest.raises(PermissionError, match="read-only"):
        net.sauvegarder(f)
    assert f.read_text() == "keep me" and parts(tmp_path) == []


KILLED_SAVE = textwrap.dedent("""
    import json, os, signal, sys
    import fastnet
    from fastnet import _jsonfile

    def dump(doc, fp, **kw):
        fp.write('{"half": ')
        fp.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    _jsonfile.json.dump = dump
    fastnet.Reseau([3, 2]).sauvegarder(sys.argv[1])
""")


def test_parts_of_killed_saves_are_removed_once_stale(tmp_path):
    f = tmp_path / "net.json"
    f.write_text("old")
    done = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(f)], check=False)
    assert done.returncode == -9
    left = parts(tmp_path)
    assert len(left) == 1 and f.read_text() == "old"  # what a kill leaves
    killed = tmp_path / left[0]
    # parts of saves that may still be under way are never touched: a young
    # one, and an old one whose process still runs (this one)
    alive = tmp_path / f".fastnet-{os.getpid()}-0000.part"
    alive.write_text("{")
    long_ago = time.time() - 2 * _jsonfile.STALE_PART_S
    os.utime(alive, (long_ago, long_ago))
    other = tmp_path / "notes.part"
    other.write_text("not ours")
    os.utime(other, (long_ago, long_ago))
    Reseau([3, 2]).sauvegarder(f)
    assert killed.exists() and alive.exists()
    os.utime(killed, (long_ago, long_ago))
    Reseau([3, 2]).sauvegarder(f)
    assert not killed.exists()
    assert alive.exists() and other.exists()
    assert json.loads(f.read_text())["classe"] == "Reseau"


@pytest.mark.parametrize("name", SAVERS)
def test_loading_draws_no_random_number(tmp_path, name):
    import random

    f = tmp_path / "net.json"
    saver(name)(f)
    np.random.seed(7)
    random.seed(7)
    state, py_state = np.random.get_state(), random.getstate()
    loaded = [fastnet.charger(f)]
    after = np.random.get_state()
    assert after[1].tolist() == state[1].tolist() and after[2:] == state[2:]
    assert random.getstate() == py_state
    for net in loaded:
        np.testing.assert_array_equal(net._engine.params, fastnet.charger(f)._engine.params)
    if name == "network2.save":
        assert loaded[0].cost is network2.CrossEntropyCost and loaded[0].sizes == [3, 2]
        # network2.load itself draws as the book's load does (see test_network2)
