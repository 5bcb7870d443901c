"""Network files as JSON, below the facades: writing atomically, reading
with errors that name the file, and the parts of the format every facade
shares (see :mod:`fastnet.io` for the format itself)."""

import contextlib
import errno
import json
import os
import stat
import time

import numpy as np

from ._validation import check_choice, check_sizes

FORMAT, VERSION = "fastnet", 1
NETWORK2_KEYS = ("sizes", "weights", "biases", "cost")
CLASSES = ("Reseau", "Network")


def write_json(doc, fichier):
    """Write ``doc`` as JSON to ``fichier``, atomically.

    Parameters
    ----------
    doc : dict
        A JSON-able object (no NaN).
    fichier : str or path
        Where to write it (see :func:`replace_file`: a failed or killed
        write leaves the old file, an existing file keeps its mode, a
        symbolic link is followed).

    Raises
    ------
    OSError
        The folder cannot be written, or ``fichier`` is a folder.
    ValueError
        ``doc`` holds NaN or inf.

    Examples
    --------
    >>> write_json({"a": 1}, "/tmp/fastnet-doctest.json")
    """
    replace_file(fichier, lambda f: json.dump(doc, f, allow_nan=False))


def replace_file(fichier, write):
    """Write a text file through ``write(f)``, replacing ``fichier`` atomically.

    The text goes to a temporary ``.fastnet-<pid>-<random>.part`` file in
    the same folder, synced, then renamed over ``fichier``: whatever
    happens (an error in ``write``, Ctrl-C, a full disk, a killed process)
    ``fichier`` holds either its old content or the whole new one. The
    temporary file is removed on any error; one left by a killed process is
    removed by a later save in that folder once it is an hour old and its
    process is gone (see :func:`remove_stale_parts`).

    Like ``open(fichier, "w")``: an existing file keeps its permission bits
    (and its owner and group where allowed); a new one gets the default
    mode under the umask (0644 with umask 022); a symbolic link is followed
    (its target is written, the link stays); a read-only file is refused.
    Unlike ``open``, the other names of a hard-linked file keep the old
    content (the file is replaced, not rewritten).

    Parameters
    ----------
    fichier : str or path
        The file to write.
    write : callable
        ``write(f)`` writes the content to the text file ``f`` (UTF-8).

    Raises
    ------
    IsADirectoryError
        ``fichier`` is a folder.
    PermissionError
        ``fichier`` is read-only, or its folder cannot be written.
    OSError
        The folder is missing, or ``fichier`` is not a regular file.

    Examples
    --------
    >>> replace_file("/tmp/fastnet-doctest.txt", lambda f: f.write("hello"))
    """
    name = os.fspath(fichier)
    path = os.path.realpath(name)  # a link's target, not the link
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file", name)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, "not a regular file (it would be replaced)", name)
    if st is not None and not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", name)
    folder = os.path.dirname(path)
    remove_stale_parts(folder)
    try:
        fd, tmp = _new_part(folder)
    except OSError as e:  # name the file asked for, not the temporary one
        raise type(e)(e.errno, f"cannot write in {folder}: {e.strerror}", name) from None
    try:
        if st is not None:
            with contextlib.suppress(OSError):  # owner and group: kept where allowed
                os.fchown(fd, st.st_uid, st.st_gid)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            fd = None  # the file object owns it now
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    finally:
        if fd is not None:
            os.close(fd)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


PART_PREFIX, PART_SUFFIX = ".fastnet-", ".part"
STALE_PART_S = 3600  # a .part file this old, whose process is gone, was left by a kill


def _new_part(folder):
    """A new, empty temporary file in ``folder``: ``(fd, path)``. Created by
    ``os.open`` with mode 0666, so that the umask applies as with ``open``
    (``tempfile.mkstemp`` would make it 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = f"{PART_PREFIX}{os.getpid()}-{os.urandom(4).hex()}{PART_SUFFIX}"
        path = os.path.join(folder, name)
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", folder)


def _process_alive(pid):
    if os.name != "posix":
        return True  # cannot tell: keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid < 2**22  # another user's process; an impossible pid is gone
    return True


def remove_stale_parts(folder, now=None):
    """Remove the ``.fastnet-*.part`` files that killed saves left in ``folder``.

    A file is removed only when it is older than :data:`STALE_PART_S`
    seconds and the process named in it is not running on this machine
    (a save under way, even a slow one, is never touched). Errors are
    ignored: this is housekeeping.

    Parameters
    ----------
    folder : str or path
    now : float, optional
        The time to compare with (default: ``time.time()``).

    Returns
    -------
    list of str
        The files removed.

    Examples
    --------
    >>> remove_stale_parts("/tmp")  # doctest: +SKIP
    []
    """
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not (name.startswith(PART_PREFIX) and name.endswith(PART_SUFFIX)):
            continue
        pid = name[len(PART_PREFIX) : -len(PART_SUFFIX)].split("-")[0]
        path = os.path.join(folder, name)
        try:
            if now - os.lstat(path).st_mtime <= STALE_PART_S:
                continue
            if pid.isdigit() and _process_alive(int(pid)):
                continue
            os.unlink(path)
            removed.append(path)
        except OSError:
            continue
    return removed


def read_json(fichier):
    """The JSON object in ``fichier``.

    Parameters
    ----------
    fichier : str or path

    Returns
    -------
    object

    Raises
    ------
    ValueError
        Not JSON (the message names the file).
    OSError
        The file cannot be read.

    Examples
    --------
    >>> write_json({"a": 1}, "/tmp/fastnet-doctest.json")
    >>> read_json("/tmp/fastnet-doctest.json")
    {'a': 1}
    """
    with open(fichier, encoding="utf-8") as f:
        try:
            return json.load(f)
        except RecursionError:
            raise ValueError(f"{fichier}: not a saved network (JSON nested too deeply)") from None
        except ValueError as e:  # not JSON, not UTF-8, a number with too many digits
            msg = " ".join(str(e).split())[:200]
            raise ValueError(f"{fichier}: not a saved network (not JSON: {msg})") from None


def matrices(values, shapes, name, fichier):
    """Nested lists as float64 arrays of the given shapes.

    Parameters
    ----------
    values : list
        One nested list per matrix.
    shapes : list of tuple
        The shape each must have.
    name : str
        The key they were read from, for the messages.
    fichier : str or path
        The file they were read from, for the messages.

    Returns
    -------
    list of numpy.ndarray

    Raises
    ------
    ValueError
        Not a list of that many rectangular matrices of finite numbers of
        those shapes.

    Examples
    --------
    >>> matrices([[[1.0], [2.0]]], [(2, 1)], "biais", "f.json")[0].shape
    (2, 1)
    """
    if not isinstance(values, list) or len(values) != len(shapes):
        raise ValueError(f"{fichier}: {name}: expected a list of {len(shapes)} matrices")
    out = []
    for l, (v, shape) in enumerate(zip(values, shapes)):
        try:
            a = np.array(v, dtype=np.float64)
        except (ValueError, TypeError):
            raise ValueError(
                f"{fichier}: {name}[{l}]: not a rectangular array of numbers"
            ) from None
        if a.shape != shape:
            raise ValueError(f"{fichier}: {name}[{l}]: expected shape {shape}, got {a.shape}")
        if not np.isfinite(a).all():
            raise ValueError(f"{fichier}: {name}[{l}]: contains NaN or inf")
        out.append(a)
    return out


def checked_sizes(sizes, name, fichier):
    """Layer sizes read from ``fichier``, checked.

    Parameters
    ----------
    sizes : object
        What the file holds.
    name : str
        The key, for the messages.
    fichier : str or path
        The file, for the messages.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        Not layer sizes (the message names the file).

    Examples
    --------
    >>> checked_sizes([2, 1], "tailles", "f.json")
    [2, 1]
    """
    try:
        return check_sizes(sizes, name)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{fichier}: {e}") from None


def get(doc, key, fichier):
    """``doc[key]``.

    Parameters
    ----------
    doc : dict
    key : str
    fichier : str or path
        The file, for the message.

    Returns
    -------
    object

    Raises
    ------
    ValueError
        ``key`` is missing (the message names the file).

    Examples
    --------
    >>> get({"a": 1}, "a", "f.json")
    1
    """
    if key not in doc:
        raise ValueError(f"{fichier}: missing key {key!r}")
    return doc[key]


def checked_choice(doc, key, choices, fichier):
    """``doc[key]``, one of ``choices``.

    Parameters
    ----------
    doc : dict
    key : str
    choices : sequence of str
    fichier : str or path
        The file, for the message.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        Missing, or not one of ``choices`` (the message names the file).

    Examples
    --------
    >>> checked_choice({"init": "he"}, "init", ("he", "xavier"), "f.json")
    'he'
    """
    value = get(doc, key, fichier)
    try:
        return check_choice(value, key, choices)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{fichier}: {e}") from None


def header(classe):
    """The first keys of a fastnet file.

    Parameters
    ----------
    classe : {"Reseau", "Network"}

    Returns
    -------
    dict

    Examples
    --------
    >>> header("Reseau")
    {'format': 'fastnet', 'version': 1, 'classe': 'Reseau'}
    """
    return {"format": FORMAT, "version": VERSION, "classe": classe}


def read_header(doc, fichier):
    """Check a fastnet file's format and version.

    Parameters
    ----------
    doc : dict
        The file's JSON object.
    fichier : str or path
        The file, for the messages.

    Returns
    -------
    str
        Its ``classe``.

    Raises
    ------
    ValueError
        Not a fastnet file, a bad or newer version, or an unknown class.

    Examples
    --------
    >>> read_header(header("Network"), "f.json")
    'Network'
    """
    if doc.get("format") != FORMAT:
        raise ValueError(f'{fichier}: not a fastnet network file (no "format": "fastnet")')
    version = get(doc, "version", fichier)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{fichier}: bad format version {version!r}")
    if version > VERSION:
        raise ValueError(
            f"{fichier}: written by a newer fastnet (format version {version}; "
            f"this one reads version {VERSION})"
        )
    classe = get(doc, "classe", fichier)
    if classe not in CLASSES:
        raise ValueError(f"{fichier}: classe: expected 'Reseau' or 'Network', got {classe!r}")
    return classe


def read_params(doc, fichier):
    """The parameters of a fastnet file, checked.

    Parameters
    ----------
    doc : dict
        The file's JSON object.
    fichier : str or path
        The file, for the messages.

    Returns
    -------
    tuple
        ``(tailles, dtype, parallel, biais, poids)``: weights as ``(n_in,
        n_out)`` blocks, ``dtype`` a numpy type.

    Raises
    ------
    ValueError
        A missing key, bad sizes, dtype or flag, or a bad matrix.

    Examples
    --------
    >>> doc = {"tailles": [1, 1], "dtype": "float64", "parallel": False,
    ...        "biais": [[[0.0]]], "poids": [[[1.0]]]}
    >>> read_params(doc, "f.json")[0]
    [1, 1]
    """
    tailles = checked_sizes(get(doc, "tailles", fichier), "tailles", fichier)
    dtype = get(doc, "dtype", fichier)
    if dtype not in ("float64", "float32"):
        raise ValueError(f"{fichier}: dtype: expected 'float64' or 'float32', got {dtype!r}")
    parallel = get(doc, "parallel", fichier)
    if not isinstance(parallel, bool):
        raise ValueError(f"{fichier}: parallel: expected true or false, got {parallel!r}")
    layers = list(zip(tailles[:-1], tailles[1:]))
    biais = matrices(get(doc, "biais", fichier), [(n, 1) for _, n in layers], "biais", fichier)
    poids = matrices(get(doc, "poids", fichier), layers, "poids", fichier)
    return tailles, np.dtype(dtype).type, parallel, biais, poids
