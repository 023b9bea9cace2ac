"""Output: writers that turn run events into json, jsonl, tsv, conll, html, tables or files.

Every writer takes events in input order: `sentence()` for each labelled
sentence, `document()` when a document ends, `close()` at the end. Writers
stream: nothing is buffered beyond the document being written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..types import DocumentDone, Entity, SentenceResult

FORMATS = ("table", "json", "jsonl", "tsv", "conll", "html")


def entity_count(count: int) -> str:
    """ "1 entity", "2 entities": as every line and page that counts them says it."""
    return f"{count} entit{'y' if count == 1 else 'ies'}"


def source_name(source: str) -> str:
    """How a document is named for people (tables, the page, notes): stdin is `<stdin>`."""
    return "<stdin>" if source == "-" else source


class Writer:
    """Base writer: ignores everything; subclasses override what they need.

    A writer with `needs_text` gets each document's whole text in `DocumentDone.text`.
    """

    needs_text = False

    def model(self, description: str) -> None:
        """The model that labels this run (`ModelInfo.describe()`), for writers that show it."""
        return None

    def sentence(self, result: SentenceResult) -> None:
        return None

    def document(self, done: DocumentDone) -> None:
        return None

    def close(self) -> None:
        return None

    def abort(self) -> None:
        """The run was interrupted: leave what was written well-formed."""
        return None


class PerDocumentWriter(Writer):
    """Collects one document's entities until it ends; skips failed documents."""

    def __init__(self) -> None:
        self._entities: list[Entity] = []

    def sentence(self, result: SentenceResult) -> None:
        self._entities.extend(result.entities)

    def document(self, done: DocumentDone) -> None:
        entities, self._entities = self._entities, []
        if done.error is None:
            self.finished(done, entities)

    def finished(self, done: DocumentDone, entities: list[Entity]) -> None:
        raise NotImplementedError


def make_writer(
    fmt: str, summary: bool, output_dir: Path | None, stdout: TextIO, bidi: bool = False, inputs: Sequence[str] = ()
) -> Writer:
    """The writer for `--format`, `--summary`, `--output-dir` and `--bidi` (tables only); `inputs`
    (the paths given) name the page."""
    from . import formats

    if fmt == "html":
        from . import html

        if output_dir is not None:
            return html.HtmlDirectoryWriter(output_dir)
        return html.HtmlWriter(stdout, formats.Summary() if summary else None, html.title_for(list(inputs)))
    if output_dir is not None:
        return formats.DirectoryWriter(output_dir)
    if fmt == "table":
        from . import tables

        console = tables.DataConsole(file=stdout)
        return tables.SummaryTableWriter(console, bidi) if summary else tables.TableWriter(console, bidi)
    if summary:
        return formats.SummaryWriter(stdout, fmt)
    writers = {
        "json": formats.JsonWriter,
        "jsonl": formats.JsonlWriter,
        "tsv": formats.TsvWriter,
        "conll": formats.ConllWriter,
    }
    return writers[fmt](stdout)
