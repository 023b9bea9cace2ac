"""Finding inputs: the paths given, and the files found by walking directories.

Walks are iterative (any depth), in name order, take regular files only (a
FIFO, socket or device is reported, never opened), follow a symlink to a
folder unless it leads back to a folder above it, and never enter the output
folder (a run must not read what an earlier run wrote).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from ..types import Skipped

STDIN = "-"
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def display_name(name: str) -> str:
    """A path as given, made safe to print and to write as UTF-8, unambiguously.

    Undecodable bytes (surrogate escapes, 0x80-0xff) become `\\xNN`; control
    characters, line/paragraph separators and bidi controls `\\t`, `\\n`, `\\r`,
    `\\xNN` (below 0x80) or `\\uNNNN`; a backslash `\\\\`. Every other character
    is kept.
    """
    out = []
    for ch in name:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape for a byte that is not UTF-8
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            # \xNN only below 0x80, so it never reads as an undecodable byte.
            out.append(f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


FileKey = tuple[int, int]  # (st_dev, st_ino): one file or folder whatever the path (or link) that leads to it


def file_key(path: Path | str) -> FileKey | None:
    """The identity of what `path` leads to (symlinks followed), None if nothing is there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def find_inputs(
    paths: list[str],
    pattern: str = "*.txt",
    warn: Callable[[str], None] | None = None,
    avoid: Path | None = None,
    entered: set[FileKey] | None = None,
) -> Iterator[tuple[Path | None, str, str] | Skipped]:
    """Yield (path, source, relpath) for each input, or Skipped for a problem.

    `-` is stdin (path None). Directories are walked depth-first in name order
    (iteratively: any depth), skipping hidden entries, names that do not match
    `pattern`, and (with a reason) anything that is not a regular file. A
    symlink to a folder is followed unless it leads back to a folder above it
    (a loop). `warn` hears of a directory in which nothing matched `pattern`.
    `source` is display text (`display_name`); the path is for opening.
    A walk passes over the folder `avoid` (the output folder) wherever it meets
    it below a folder given; `entered` collects the folders it reads.
    """
    avoided = file_key(avoid) if avoid is not None else None
    for given in paths:
        if given == STDIN:
            yield None, STDIN, "stdin"
            continue
        path = Path(given)
        if path.is_dir():
            matched = [0]
            yield from _walk(path, pattern, matched, avoided, set() if entered is None else entered)
            if not matched[0] and warn is not None:
                hint = " (it is matched against file names, not paths)" if "/" in pattern else ""
                warn(f"no files matching {display_name(repr(pattern))} in {display_name(given)}{hint}")
            continue
        try:
            os.stat(path)
        except OSError as error:
            yield Skipped(display_name(given), _missing(path, error))
            continue
        yield path, display_name(given), path.name


def _missing(path: Path | str, error: OSError) -> str:
    """Why a path that was listed or given cannot be opened, truly."""
    if error.errno == errno.ELOOP:
        return "symlink loop"
    if error.errno == errno.ENOENT:
        return "broken symlink" if os.path.lexists(path) else "no such file or directory"
    return error.strerror or str(error)


_KINDS = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def _walk(
    root: Path, pattern: str, matched: list[int], avoided: FileKey | None, entered: set[FileKey]
) -> Iterator[tuple[Path, str, str] | Skipped]:
    """Files under `root` in name order, without recursion (a 1,000-level tree is fine).

    `matched[0]` counts the names that matched `pattern`; folders below `root`
    whose key is `avoided` are passed over; `entered` gets each folder read.
    """
    # One (folder key, entries left) per folder on the current path; only those make a loop.
    stack: list[tuple[FileKey, Iterator[os.DirEntry]]] = []
    on_path: set[FileKey] = set()

    problem = _enter(root, avoided, stack, on_path, entered)
    if problem:
        matched[0] += 1  # the folder itself is reported: the glob is not to blame
        yield problem
    while stack:
        key, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            on_path.discard(key)
            continue
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError as error:
            yield Skipped(display_name(str(child)), _missing(child, error))
            continue
        if is_dir:
            problem = _enter(child, avoided, stack, on_path, entered)
            if problem:
                yield problem
            continue
        found = _file(child, entry.is_symlink(), pattern, root, matched)
        if found is not None:
            yield found


def _enter(
    folder: Path,
    avoided: FileKey | None,
    stack: list[tuple[FileKey, Iterator[os.DirEntry]]],
    on_path: set[FileKey],
    entered: set[FileKey],
) -> Skipped | None:
    """Push `folder`'s entries onto the walk's `stack`; why it cannot be read, or None (also for the
    avoided folder below the root, which is passed over)."""
    try:
        info = folder.stat()
    except OSError as error:
        return Skipped(display_name(str(folder)), _missing(folder, error))
    key = (info.st_dev, info.st_ino)
    if key == avoided and stack:
        return None
    if key in on_path:
        return Skipped(display_name(str(folder)), "symlink loop (leads back to a folder above it)")
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        return Skipped(display_name(str(folder)), error.strerror or str(error))
    stack.append((key, iter(entries)))
    on_path.add(key)
    entered.add(key)
    return None


def takes(name: str, pattern: str) -> bool:
    """Whether a walk takes a file of this name: not hidden (nor is a hidden folder entered), and matched by `pattern`."""
    return not name.startswith(".") and fnmatch.fnmatch(name, pattern)


def _file(child: Path, is_symlink: bool, pattern: str, root: Path, matched: list[int]):
    """A listed name that is not a folder: (path, source, relpath), Skipped, or None to pass over."""
    matches = takes(child.name, pattern)
    if not matches and not is_symlink:
        return None
    try:
        mode = os.stat(child).st_mode
    except OSError as error:
        # A symlink loop may have been meant as a folder: report it whatever its name.
        matched[0] += matches
        if matches or error.errno == errno.ELOOP:
            return Skipped(display_name(str(child)), _missing(child, error))
        return None
    if not matches:
        return None
    matched[0] += 1
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "unknown kind")
        return Skipped(display_name(str(child)), f"not a regular file ({kind})")
    return child, display_name(str(child)), str(child.relative_to(root))
