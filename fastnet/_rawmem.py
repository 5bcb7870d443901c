"""What many numpy arrays hold, read at once (CPython only).

Proving that the course's 50,000 ``x`` columns are consecutive rows of one
array (so that ``DGS`` takes them without copying 157 MB) needs each
column's type, dtype, shape, strides, base and data address. Asking each
array from Python costs 1 to 4 ms per attribute over 50,000 arrays, about
20 ms per list. Here they are read in bulk from the array objects
themselves: in CPython an object's ``id`` is its address, and numpy's
array struct (``PyArrayObject_fields``, part of numpy's ABI and the same
in 1.x and 2.x) holds ``data, nd, dimensions, strides, base, descr`` in
that order after the object header.

Nothing is assumed blindly. The positions of the type word and the data
pointer are found once on probe arrays, and the rest of the layout is
checked on them against numpy's own answers (nd, shape, strides, base,
dtype) before anything is trusted. Where that fails (another Python,
another layout) the functions here return None and the caller asks each
array in turn. Only words of live objects are read, and beyond the object
header only those of objects whose type word is exactly
``numpy.ndarray``; nothing is written.
"""

import sys
from typing import NamedTuple

import numpy as np

_WORD = np.dtype(np.uintp).itemsize
_UNKNOWN = object()
_layout = _UNKNOWN
_list_layout = _UNKNOWN


class _Layout(NamedTuple):
    """Word indexes in an array object (from its address)."""

    type: int
    data: int  # then nd, dimensions, strides, base, descr: the ABI order

    @property
    def last(self):
        return self.data + 5


class Views(NamedTuple):
    """What :func:`uniform_views` found."""

    addresses: np.ndarray  # uint64 data address of each array
    one_base: bool  # every array's ``base`` is the first one's


class _Span:
    """A read-only numpy view over raw memory (``__array_interface__``)."""

    def __init__(self, address, words):
        self.__array_interface__ = dict(
            version=3, data=(address, True), shape=(words,), typestr=np.dtype(np.uintp).str
        )


def _read_words(address, words):
    return np.asarray(_Span(address, words))


def _gather(pointers, count):
    """``count`` words from each of ``pointers`` (uint64, word-aligned, valid
    for that many words): an array of shape (len(pointers), count)."""
    low = int(pointers.min())
    span = (int(pointers.max()) - low) // _WORD + count
    words = _read_words(low, span)
    first = ((pointers - np.uint64(low)) // np.uint64(_WORD)).astype(np.intp)
    if count == 1:
        return words[first][:, None]
    return words[first[:, None] + np.arange(count, dtype=np.intp)]


def _as_words(values):
    return np.array(values, dtype=np.int64).view(np.uint64)


def _matches(probe, layout):
    """Whether ``layout`` reads ``probe`` as numpy itself does."""
    words = _read_words(id(probe), layout.last + 1)
    nd = int(words[layout.data + 1]) & 0xFFFFFFFF
    base = 0 if probe.base is None else id(probe.base)
    if (
        int(words[layout.type]) != id(np.ndarray)
        or int(words[layout.data]) != probe.__array_interface__["data"][0]
        or nd != probe.ndim
        or int(words[layout.data + 4]) != base
        or int(words[layout.data + 5]) != id(probe.dtype)
    ):
        return False
    pointers = words[layout.data + 2 : layout.data + 4]
    if (pointers % np.uint64(_WORD)).any() or not pointers.all():
        return False
    dims, strides = _gather(pointers, nd)
    return dims.tolist() == _as_words(probe.shape).tolist() and strides.tolist() == (
        _as_words(probe.strides).tolist()
    )


def _find_layout():
    """The word indexes of the type and data pointer, or None."""
    if sys.implementation.name != "cpython" or sys.byteorder != "little":
        return None
    base = np.zeros((4, 6), dtype=np.float32)
    probes = [np.zeros(3), base[1], np.arange(7)[2:], base.T, base[:, ::2].reshape(4, 3, 1)]
    first = probes[0]
    # the object header is 2 words (more in free-threaded builds): look in
    # the first 8 words for the type and the data pointer
    words = _read_words(id(first), 8).tolist()
    kinds = [k for k, w in enumerate(words) if w == id(np.ndarray)]
    datas = [k for k, w in enumerate(words) if w == first.__array_interface__["data"][0]]
    if len(kinds) != 1 or len(datas) != 1 or not kinds[0] < datas[0]:
        return None
    layout = _Layout(kinds[0], datas[0])
    return layout if all(_matches(p, layout) for p in probes) else None


def _found_layout():
    global _layout
    if _layout is _UNKNOWN:
        _layout = _find_layout()
    return _layout


def _find_list_layout():
    """Word index of a list's item pointer (after its type and length), or
    None: found on probe lists and checked against their items' ids."""
    if sys.implementation.name != "cpython":
        return None
    probes: list[list] = [[np.zeros(1), 2.5, "a"], [None] * 9, list(range(1000, 1100))]
    words = _read_words(id(probes[0]), 8).tolist()
    kinds = [k for k, w in enumerate(words) if w == id(list)]
    if len(kinds) != 1 or kinds[0] + 2 >= len(words):
        return None
    index = kinds[0] + 2
    for probe in probes:
        head = _read_words(id(probe), index + 1)
        pointer = int(head[index])
        if int(head[index - 1]) != len(probe) or not pointer or pointer % _WORD:
            return None
        if _read_words(pointer, len(probe)).tolist() != [id(v) for v in probe]:
            return None
    return index


def _ids(values):
    """The ids of ``values`` as uint64: read from a list's own item array
    (no Python int per item: 3 ms less on 50,000 pairs) where that layout
    was found, else asked item by item."""
    global _list_layout
    if type(values) is list:
        if _list_layout is _UNKNOWN:
            _list_layout = _find_list_layout()
        index = _list_layout
        if isinstance(index, int):
            pointer = int(_read_words(id(values), index + 1)[index])
            ids = _read_words(pointer, len(values)).astype(np.uint64)
            if int(ids[0]) == id(values[0]) and int(ids[-1]) == id(values[-1]):
                return ids
    return np.fromiter(map(id, values), dtype=np.uint64, count=len(values))


def uniform_views(arrays):
    """:class:`Views` of ``arrays`` (a non-empty sequence of objects) when
    every one is exactly a ``numpy.ndarray`` with the dtype, shape and
    strides of the first; None when that does not hold or cannot be read
    in bulk (the caller then checks each array in turn)."""
    layout = _found_layout()
    first = arrays[0] if len(arrays) else None
    if layout is None or type(first) is not np.ndarray or first.ndim == 0:
        return None
    ids = _ids(arrays)
    if (ids % np.uint64(_WORD)).any():
        return None
    types = _gather(ids + np.uint64(layout.type * _WORD), 1)[:, 0]
    if (types != np.uint64(id(np.ndarray))).any():
        return None  # not all arrays: no further word of them is read
    fields = _gather(ids + np.uint64(layout.data * _WORD), 6)
    nd = fields[:, 1] & np.uint64(0xFFFFFFFF)
    if (nd != np.uint64(first.ndim)).any() or (fields[:, 5] != np.uint64(id(first.dtype))).any():
        return None
    dims, strides = fields[:, 2], fields[:, 3]
    if (dims % np.uint64(_WORD)).any() or not dims.all() or not strides.all():
        return None
    nd = first.ndim
    shape, steps = _as_words(first.shape), _as_words(first.strides)
    if (strides == dims + np.uint64(nd * _WORD)).all():  # numpy allocates them together
        if (_gather(dims, 2 * nd) != np.concatenate([shape, steps])).any():
            return None
    elif (strides % np.uint64(_WORD)).any() or (
        (_gather(dims, nd) != shape).any() or (_gather(strides, nd) != steps).any()
    ):
        return None
    addresses = fields[:, 0].copy()
    # the first and last agree with numpy's own answer, or nothing is trusted
    for k in (0, len(arrays) - 1):
        if int(addresses[k]) != arrays[k].__array_interface__["data"][0]:
            return None
    return Views(addresses, bool((fields[:, 4] == fields[0, 4]).all()))
