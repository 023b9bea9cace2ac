"""Machine-readable output: json, jsonl, tsv, conll, and one JSON file per input."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from ..errors import OutputError
from ..text.normalize import normalize
from ..types import DocumentDone, Entity, SentenceResult
from . import PerDocumentWriter, Writer

TSV_COLUMNS = ("source", "start", "end", "type", "text", "line", "sentence", "score", "normalized")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def document_object(done: DocumentDone, entities: list[Entity]) -> dict:
    return {
        "source": done.document.source,
        "encoding": done.document.encoding,
        "entities": [entity.to_dict() for entity in entities],
    }


class JsonWriter(PerDocumentWriter):
    """One JSON array, one object per document, written as each ends."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self.out = out
        self._count = 0

    def finished(self, done: DocumentDone, entities: list[Entity]) -> None:
        self.out.write(("[\n" if self._count == 0 else ",\n") + _json(document_object(done, entities)))
        self.out.flush()
        self._count += 1

    def close(self) -> None:
        self.out.write("[]\n" if self._count == 0 else "\n]\n")
        self.out.flush()

    def abort(self) -> None:
        # Each document went out in one write: closing the array keeps the finished ones valid JSON.
        self.close()


class WholeDocuments(Writer):
    """A format written line by line, each document's lines once it has been read to its end.

    A document that fails half-way (bytes that do not decode, a read error) is
    reported and leaves nothing of itself, as in every other format. Its lines
    wait in a temporary file that stays in memory up to HELD_IN_MEMORY bytes,
    so memory stays bounded whatever the document's size.
    """

    HELD_IN_MEMORY = 4 * 1024 * 1024

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._held: tempfile.SpooledTemporaryFile | None = None

    def hold(self, text: str) -> None:
        if self._held is None:
            self._held = tempfile.SpooledTemporaryFile(self.HELD_IN_MEMORY, "w+", encoding="utf-8", newline="")
        self._held.write(text)

    @property
    def holding(self) -> bool:
        return self._held is not None

    def document(self, done: DocumentDone) -> None:
        held, self._held = self._held, None
        if held is not None:
            with held:
                if done.error is None:
                    held.seek(0)
                    shutil.copyfileobj(held, self.out)
        self.out.flush()

    def abort(self) -> None:
        # Interrupted: the document being read is left out, the finished ones are whole.
        if self._held is not None:
            self._held.close()
            self._held = None


class JsonlWriter(WholeDocuments):
    """One entity per line, with its source; a document's lines once it is read to its end."""

    def sentence(self, result: SentenceResult) -> None:
        for entity in result.entities:
            self.hold(_json({"source": result.document.source, **entity.to_dict()}) + "\n")


def _tsv_field(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class TsvWriter(WholeDocuments):
    """A header row, then one entity per row; a document's rows once it is read to its end."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        out.write("\t".join(TSV_COLUMNS) + "\n")

    def sentence(self, result: SentenceResult) -> None:
        for entity in result.entities:
            row = {"source": result.document.source, **entity.to_dict()}
            self.hold("\t".join(_tsv_field(row[column]) for column in TSV_COLUMNS) + "\n")


class ConllWriter(WholeDocuments):
    """`word<TAB>TAG` lines, a blank line after each sentence, `-DOCSTART-` per document."""

    DOCSTART = "-DOCSTART-\tO\n\n"

    def sentence(self, result: SentenceResult) -> None:
        if not self.holding:
            self.hold(self.DOCSTART)
        self.hold(
            "".join(f"{word.text}\t{label}\n" for word, label in zip(result.sentence.words, result.labels)) + "\n"
        )

    def document(self, done: DocumentDone) -> None:
        if not self.holding and done.error is None:
            self.hold(self.DOCSTART)  # a document without sentences still has its line
        super().document(done)


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and a rename: readers never see half a file.

    The file gets the mode a plain open() would give it (0666 less the umask),
    and the temporary name is short whatever `path` is, so any name that fits
    the file system can be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = _new_file(path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _new_file(folder: Path) -> tuple[int, Path]:
    """A new, hidden temporary file in `folder`, opened for writing.

    Created with mode 0666 so the kernel applies the umask (and a default ACL)
    as for open(); tempfile.mkstemp would make it 0600 whatever the umask.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = folder / f".arner-{secrets.token_hex(8)}.tmp"
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue  # 64 random bits: another writer's name, try another


class DirectoryWriter(PerDocumentWriter):
    """One JSON file per input document under a directory, mirroring the input tree.

    A file that cannot be written raises OutputError: the run reports and skips it.
    """

    suffix = ".json"

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    def path(self, relpath: str) -> Path:
        """Where the output for an input goes."""
        return self.directory / (relpath + self.suffix)

    def finished(self, done: DocumentDone, entities: list[Entity]) -> None:
        path = self.path(done.document.relpath)
        try:
            write_atomically(path, self.render(done, entities))
        except OSError as error:
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from None

    def render(self, done: DocumentDone, entities: list[Entity]) -> str:
        return json.dumps(document_object(done, entities), ensure_ascii=False, indent=2) + "\n"


def _letters(form: str) -> str:
    return " ".join(normalize(form).split())


def _without_proclitic(form: str, key: str) -> str:
    """`form` without the one to three leading letters (و, ب, ...) its normalized form `key` lacks."""
    for cut in range(1, 4):
        rest = form[cut:]
        if rest and not unicodedata.combining(rest[0]) and _letters(rest) == key:
            return rest
    return form


@dataclass
class SummaryRow:
    type: str
    normalized: str
    text: str
    count: int
    documents: int


class Summary(Writer):
    """Counts each distinct entity (by type and normalized form) across the inputs read to their end.

    A document's entities count once it ends without error: one skipped half-way counts for
    nothing, as in every other format.
    """

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.forms: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.sources: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        self.documents = 0
        self._pending: list[Entity] = []

    def sentence(self, result: SentenceResult) -> None:
        self._pending.extend(result.entities)

    def document(self, done: DocumentDone) -> None:
        pending, self._pending = self._pending, []
        if done.error is not None:
            return
        self.documents += 1
        for entity in pending:
            key = (entity.type, entity.normalized)
            self.counts[key] += 1
            self.forms[key][entity.text] += 1
            self.sources[key].add(done.document.source)

    def _shown(self, kind: str, key: str) -> str:
        """The most frequent surface form without a proclitic (بيروت for وبيروت and بيروت).

        Forms whose letters are the normalized form's are preferred; otherwise the
        most frequent form loses the letters the normalized form does not have.
        Ties go to the shortest.
        """
        forms = self.forms[(kind, key)]
        bare = Counter({form: forms[form] for form in forms if _letters(form) == key})
        if bare:
            return min(bare, key=lambda form: (-bare[form], len(form), form))
        shown = min(forms, key=lambda form: (-forms[form], len(form), form))
        return _without_proclitic(shown, key)

    def rows(self) -> list[SummaryRow]:
        """Most frequent first; ties by type, then by name."""
        rows = [
            SummaryRow(kind, key, self._shown(kind, key), count, len(self.sources[(kind, key)]))
            for (kind, key), count in self.counts.items()
        ]
        rows.sort(key=lambda row: (-row.count, row.type, row.normalized))
        return rows


class SummaryWriter(Summary):
    """`--summary` in a machine format: json array, jsonl or tsv rows."""

    def __init__(self, out: TextIO, fmt: str) -> None:
        super().__init__()
        self.out = out
        self.fmt = fmt

    def close(self) -> None:
        rows = [asdict(row) for row in self.rows()]
        if self.fmt == "json":
            self.out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        elif self.fmt == "jsonl":
            self.out.writelines(_json(row) + "\n" for row in rows)
        else:
            columns = ("type", "normalized", "text", "count", "documents")
            self.out.write("\t".join(columns) + "\n")
            self.out.writelines("\t".join(_tsv_field(row[c]) for c in columns) + "\n" for row in rows)
        self.out.flush()
