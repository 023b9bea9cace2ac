"""Opening inputs and decoding their bytes into text, in bounded memory.

Every input is opened once: a sample of its first bytes decides the encoding,
then the sample is replayed ahead of the rest of the stream, which is decoded in
chunks, so a 1 GB file never sits in memory as one string and a pipe or FIFO
is read exactly once.

A `Document.source` is display text, never a path to reopen: a file name's
bytes that are not UTF-8 are written `\\xff`, control characters, line and
paragraph separators and bidi controls `\\x1b` / `\\u2028`, and a backslash
`\\\\` (see `walk.display_name`), so every writer can print it as it is.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Protocol

from ..errors import InputError
from .walk import STDIN

SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
# Text control characters that are not whitespace; a sample with many is binary.
_CONTROL_LIMIT = 0.01
# Single-byte Arabic code pages, tried before charset-normalizer on bytes that are not UTF-8.
_ARABIC_PAGES = ("cp1256", "iso8859-6")
_ARABIC_SHARE = 0.8  # of the letters, for a code page to count as Arabic
_SURE_COHERENCE = 0.3  # charset-normalizer's language coherence below which a guess is unsure
# Codecs that are text encodings in name only: they cannot decode a file as a stream.
NOT_FILE_ENCODINGS = frozenset({"idna", "punycode", "undefined"})


class _Stream(Protocol):
    """What a Document reads its input from: a binary file, or a sample replayed before one (`_Replay`)."""

    def read(self, size: int, /) -> bytes: ...

    def __enter__(self) -> _Stream: ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None, /
    ) -> object: ...


@dataclass
class Document:
    """One input: where it came from, how it was decoded, and its text in chunks.

    `chunks()` reads the input once (a file's stream is opened once, by
    `open_document`). `warning` is a note for people, e.g. an unsure encoding.
    """

    source: str
    encoding: str
    relpath: str
    _open: Callable[[], _Stream] = field(repr=False)
    _codec: str = field(repr=False, default="")
    warning: str = ""
    # Files and stdin: a leading U+FEFF is a byte-order mark whatever the encoding, not text;
    # set where the codec does not drop it itself (a forced utf-8, utf-16-le, ...).
    _drop_bom: bool = field(repr=False, default=False)

    def chunks(self) -> Iterator[str]:
        """Yield the decoded text piece by piece; raises InputError on bad bytes."""
        decoder = codecs.getincrementaldecoder(self._codec or self.encoding)("strict")
        consumed = 0
        started = not self._drop_bom
        with self._open() as stream:
            while True:
                raw = _read(stream, CHUNK_BYTES)
                text = _decode(decoder, raw, self.encoding, consumed)
                if text and not started:
                    started = True
                    text = text.removeprefix("\ufeff")
                if text:
                    yield text
                if not raw:
                    return
                consumed += len(raw)


def _read(stream: _Stream, size: int) -> bytes:
    try:
        return stream.read(size)
    except OSError as error:
        raise InputError(error.strerror or str(error)) from None


def _decode(decoder: codecs.IncrementalDecoder, raw: bytes, encoding: str, consumed: int) -> str:
    held = len(decoder.getstate()[0])  # bytes of a character cut by the previous chunk
    try:
        return decoder.decode(raw, final=not raw)
    except UnicodeDecodeError as error:
        raise InputError(
            f"not valid {encoding} at byte {consumed - held + error.start}", "pass --encoding to force one"
        ) from None
    except UnicodeError as error:  # e.g. utf-16 without a byte-order mark
        raise InputError(_unicode_reason(encoding, error)) from None


def _unicode_reason(encoding: str, error: UnicodeError) -> str:
    if "BOM" in str(error):
        return f"no byte-order mark, which {encoding} needs (pass --encoding {encoding}-le or {encoding}-be)"
    return f"cannot decode as {encoding}: {error}"


def text_document(text: str, source: str = "<text>") -> Document:
    """A Document over an in-memory string (the library's entry point)."""
    data = text.encode("utf-8")
    return Document(source, "utf-8", source, lambda: io.BytesIO(data))


def detect_encoding(sample: bytes) -> tuple[str, str, str]:
    """Return (reported name, codec, warning) for a sample of a file's bytes.

    BOMs decide first; then strict UTF-8; then the Arabic code pages
    (Windows-1256, ISO-8859-6) when they decode to Arabic letters; then
    charset-normalizer, whose guess carries a warning when it is unsure.
    Raises InputError for binary or undecodable data.
    """
    for bom, codec, name in _BOMS:
        if sample.startswith(bom):
            return name, codec, ""
    if b"\x00" in sample:
        raise InputError("binary file (NUL bytes)")
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=False)
        return "utf-8", "utf-8", ""
    except UnicodeDecodeError:
        pass
    arabic = _arabic_page(sample)
    if arabic:
        return arabic
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise InputError("undecodable bytes (no text encoding fits)")
    unsure = best.coherence < _SURE_COHERENCE or best.chaos > 0.1
    warning = f"encoding guessed as {best.encoding}, unsure (pass --encoding to force one)" if unsure else ""
    return best.encoding, best.encoding, warning


def _arabic_page(sample: bytes) -> tuple[str, str, str] | None:
    """The Arabic code page under which the sample reads as Arabic, if one does.

    Of the pages whose letters are mostly Arabic, the one with more "ال" (the
    article) wins; Windows-1256 on a tie, with a warning if the texts differ.
    """
    fits = []
    for codec in _ARABIC_PAGES:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        letters = [ch for ch in text if ch.isalpha()]
        arabic = sum("\u0600" <= ch <= "\u06ff" for ch in letters)
        if arabic and arabic >= _ARABIC_SHARE * len(letters):
            fits.append((text.count("\u0627\u0644"), codec, text))
    if not fits:
        return None
    fits.sort(key=lambda fit: -fit[0])  # stable: cp1256 first on a tie
    articles, codec, text = fits[0]
    unsure = len(fits) > 1 and fits[1][0] == articles and fits[1][2] != text
    warning = f"encoding guessed as {codec}, unsure: {fits[1][1]} also reads as Arabic" if unsure else ""
    return codec, codec, warning


def check_text(sample: str) -> None:
    """Reject decoded text that is mostly control characters (PDFs, images)."""
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and not ch.isspace())
    if sample and controls / len(sample) > _CONTROL_LIMIT:
        raise InputError("binary data (control characters), not text")


def open_document(path: Path, source: str, relpath: str, encoding: str | None) -> Document:
    """Open a file once: detect its encoding from a sample, then stream sample and rest.

    `source` is display text (`find_inputs` gives it so); `path` is what is opened.
    """
    try:
        stream = open(path, "rb")
    except OSError as error:
        raise InputError(error.strerror or str(error)) from None
    try:
        sample = _read(stream, SAMPLE_BYTES)
        name, codec, warning = _choose_encoding(sample, encoding)
    except BaseException:
        stream.close()
        raise
    return Document(
        source, name, relpath, _once(_Replay(sample, stream, owned=True)), codec, warning, _drops_bom(codec)
    )


def stdin_document(encoding: str | None, stream: BinaryIO | None = None) -> Document:
    """A Document over standard input; the sample read for detection is replayed."""
    stream = stream or (sys.stdin.buffer if sys.stdin else None)
    if stream is None:
        raise InputError("standard input is closed")
    sample = _read(stream, SAMPLE_BYTES)
    name, codec, warning = _choose_encoding(sample, encoding)
    return Document(STDIN, name, "stdin", _once(_Replay(sample, stream)), codec, warning, _drops_bom(codec))


def _drops_bom(codec: str) -> bool:
    """Whether a leading U+FEFF must be dropped by hand: these codecs drop their BOM themselves."""
    return codecs.lookup(codec).name not in ("utf-8-sig", "utf-16", "utf-32")


def _once(replay: _Replay) -> Callable[[], _Replay]:
    """An opener that hands out the one stream of an input, and refuses a second read."""
    handed: list[bool] = []

    def opener() -> _Replay:
        if handed:
            raise InputError("already read (an input is read once)")
        handed.append(True)
        return replay

    return opener


class _Replay:
    """Reads a sample already taken from a stream, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO, owned: bool = False) -> None:
        self._head = io.BytesIO(head)
        self._rest = rest
        self._owned = owned

    def read(self, size: int) -> bytes:
        return self._head.read(size) or self._rest.read(size)

    def __enter__(self) -> _Replay:
        return self

    def __exit__(self, *exc: object) -> None:
        # A file we opened is closed; standard input stays open: it is not ours to close.
        if self._owned:
            self._rest.close()


def _choose_encoding(sample: bytes, forced: str | None) -> tuple[str, str, str]:
    name, codec, warning = (forced, forced, "") if forced else detect_encoding(sample)
    try:
        text = codecs.getincrementaldecoder(codec)("replace").decode(sample, final=False)
    except UnicodeError as error:
        raise InputError(_unicode_reason(name, error)) from None
    check_text(text)
    return name, codec, warning
