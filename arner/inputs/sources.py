"""Finding inputs and decoding their bytes into text, in bounded memory.

A `Document` is opened once to detect its encoding from a sample of its bytes,
then read again in chunks through an incremental decoder, so a 1 GB file never
sits in memory as one string.
"""

from __future__ import annotations

import codecs
import fnmatch
import io
import os
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..errors import InputError
from ..types import Skipped

SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
STDIN = "-"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
# Text control characters that are not whitespace; a sample with many is binary.
_CONTROL_LIMIT = 0.01


@dataclass
class Document:
    """One input: where it came from, how it was decoded, and its text in chunks."""

    source: str
    encoding: str
    relpath: str
    _open: Callable[[], BinaryIO] = field(repr=False)
    _codec: str = field(repr=False, default="")

    def chunks(self) -> Iterator[str]:
        """Yield the decoded text piece by piece; raises InputError on bad bytes."""
        decoder = codecs.getincrementaldecoder(self._codec or self.encoding)("strict")
        consumed = 0
        with self._open() as stream:
            while True:
                raw = stream.read(CHUNK_BYTES)
                try:
                    text = decoder.decode(raw, final=not raw)
                except UnicodeDecodeError as error:
                    raise InputError(
                        f"not valid {self.encoding} at byte {consumed + error.start}",
                        "pass --encoding to force one",
                    ) from None
                if text:
                    yield text
                if not raw:
                    return
                consumed += len(raw)


def text_document(text: str, source: str = "<text>") -> Document:
    """A Document over an in-memory string (the library's entry point)."""
    data = text.encode("utf-8")
    return Document(source, "utf-8", source, lambda: io.BytesIO(data))


def detect_encoding(sample: bytes) -> tuple[str, str]:
    """Return (reported name, codec) for a sample of a file's bytes.

    BOMs decide first; then strict UTF-8; then charset-normalizer (which knows
    Windows-1256). Raises InputError for binary or undecodable data.
    """
    for bom, codec, name in _BOMS:
        if sample.startswith(bom):
            return name, codec
    if b"\x00" in sample:
        raise InputError("binary file (NUL bytes)")
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=False)
        return "utf-8", "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise InputError("undecodable bytes (no text encoding fits)")
    return best.encoding, best.encoding


def check_text(sample: str) -> None:
    """Reject decoded text that is mostly control characters (PDFs, images)."""
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and not ch.isspace()
    )
    if sample and controls / len(sample) > _CONTROL_LIMIT:
        raise InputError("binary data (control characters), not text")


def open_document(path: Path, source: str, relpath: str, encoding: str | None) -> Document:
    """Detect a file's encoding and return a Document that streams its text."""
    try:
        with open(path, "rb") as stream:
            sample = stream.read(SAMPLE_BYTES)
    except OSError as error:
        raise InputError(error.strerror or str(error)) from None
    name, codec = _choose_encoding(sample, encoding)
    return Document(source, name, relpath, lambda: open(path, "rb"), codec)


def stdin_document(encoding: str | None, stream: BinaryIO | None = None) -> Document:
    """A Document over standard input; the sample read for detection is replayed."""
    stream = stream or sys.stdin.buffer
    sample = stream.read(SAMPLE_BYTES)
    name, codec = _choose_encoding(sample, encoding)
    return Document(STDIN, name, "stdin", lambda: _Replay(sample, stream), codec)


class _Replay:
    """Reads a sample already taken from a stream, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = io.BytesIO(head)
        self._rest = rest

    def read(self, size: int) -> bytes:
        return self._head.read(size) or self._rest.read(size)

    def __enter__(self) -> "_Replay":
        return self

    def __exit__(self, *exc: object) -> None:
        # Standard input stays open: it is not ours to close.
        return None


def _choose_encoding(sample: bytes, forced: str | None) -> tuple[str, str]:
    name, codec = (forced, forced) if forced else detect_encoding(sample)
    check_text(codecs.getincrementaldecoder(codec)("replace").decode(sample, final=False))
    return name, codec


def find_inputs(
    paths: list[str], pattern: str = "*.txt"
) -> Iterator[tuple[Path | None, str, str] | Skipped]:
    """Yield (path, source, relpath) for each input, or Skipped for a problem.

    `-` is stdin (path None). Directories are walked recursively in sorted
    order, following symlinks once (loops are reported), skipping hidden
    entries and names that do not match `pattern`.
    """
    for given in paths:
        if given == STDIN:
            yield None, STDIN, "stdin"
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, pattern)
        elif path.exists():
            yield path, given, path.name
        else:
            yield Skipped(given, "no such file or directory")


def _walk(root: Path, pattern: str) -> Iterator[tuple[Path, str, str] | Skipped]:
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[tuple[Path, str, str] | Skipped]:
        try:
            info = folder.stat()
        except OSError as error:
            yield Skipped(str(folder), error.strerror or str(error))
            return
        key = (info.st_dev, info.st_ino)
        if key in seen:
            yield Skipped(str(folder), "symlink loop (folder already visited)")
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            yield Skipped(str(folder), error.strerror or str(error))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError as error:
                yield Skipped(str(child), error.strerror or str(error))
                continue
            if is_dir:
                yield from visit(child)
            elif fnmatch.fnmatch(entry.name, pattern):
                if not child.exists():
                    yield Skipped(str(child), "broken symlink")
                else:
                    yield child, str(child), str(child.relative_to(root))

    yield from visit(root)
