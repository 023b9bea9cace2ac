"""A batch run: inputs to documents, through the extractor, into a writer.

Reports each skipped input on stderr as it happens, shows a progress bar on
multi-file runs at a terminal, and ends with one summary line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from ..errors import InputError, OutputError
from ..extractor import Extractor
from ..inputs.sources import Document, open_document, stdin_document
from ..inputs.walk import find_inputs
from ..output import Writer, entity_count
from ..types import DocumentDone, Event, Failure, SentenceResult, Skipped


@dataclass
class Report:
    read: int = 0
    entities: int = 0
    existing: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def line(self) -> str:
        parts = [f"{self.read} file{'s' if self.read != 1 else ''} read"]
        if self.existing:
            parts.append(f"{self.existing} already done")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        parts.append(entity_count(self.entities))
        return "arner: " + ", ".join(parts)


def documents(
    paths: Iterable[str],
    pattern: str,
    encoding: str | None,
    stdin: BinaryIO | None,
    existing: Callable[[str], Path] | None,
    report: Report,
    warn: Callable[[str], None] | None = None,
    output_dir: Path | None = None,
) -> Iterator[Document | Skipped]:
    """Open each input; Skipped for what cannot be opened. The walk never enters `output_dir`.

    `existing(relpath)` is where an input's output file goes: inputs whose file
    exists already are counted as done and not opened. `warn` hears notes for
    people: an unsure encoding, a glob that matched nothing.
    """
    for found in find_inputs(list(paths), pattern, warn, avoid=output_dir):
        if isinstance(found, Skipped):
            yield found
            continue
        path, source, relpath = found
        if existing is not None and existing(relpath).exists():
            report.existing += 1
            continue
        opened = open_input(path, source, relpath, encoding, stdin)
        if isinstance(opened, Document) and opened.warning and warn is not None:
            warn(f"{opened.source}: {opened.warning}")
        yield opened


def open_input(
    path: Path | None, source: str, relpath: str, encoding: str | None, stdin: BinaryIO | None = None
) -> Document | Skipped:
    """One input found by find_inputs, opened; Skipped when it cannot be (vanished, binary, ...)."""
    try:
        if path is None:
            return stdin_document(encoding, stdin)
        return open_document(path, source, relpath, encoding)
    except InputError as error:
        return Skipped(source, error.message)


def run(
    extractor: Extractor,
    paths: Iterable[str],
    writer: Writer,
    *,
    pattern: str = "*.txt",
    encoding: str | None = None,
    stdin: BinaryIO | None,
    existing: Callable[[str], Path] | None = None,
    output_dir: Path | None = None,
    quiet: bool = False,
    console: Console,
) -> Report:
    """Process every input; with `existing`, skip those whose output file exists (see `documents`).

    The walk never enters `output_dir` (`--output-dir`): a run does not read what a run wrote.
    """
    report = Report()
    paths = list(paths)

    def warn(note: str) -> None:
        if not quiet:
            console.print(f"arner: {escape(note)}")

    inputs = documents(paths, pattern, encoding, stdin, existing, report, warn, output_dir)
    events = extractor.stream(inputs, keep_text=writer.needs_text)
    return drive(events, writer, report, paths, pattern, output_dir=output_dir, quiet=quiet, console=console)


def drive(
    events: Iterable[Event],
    writer: Writer,
    report: Report,
    paths: list[str],
    pattern: str,
    *,
    output_dir: Path | None = None,
    quiet: bool,
    console: Console,
) -> Report:
    """Feed events to the writer and count them into `report`, whichever engine made them."""
    many = len(paths) > 1 or any(Path(p).is_dir() for p in paths if p != "-")
    progress = _progress(console) if many and not quiet and console.is_terminal else None
    task = progress.add_task("documents", total=_count_inputs(paths, pattern, output_dir)) if progress else None

    def skip(item: Skipped) -> None:
        report.skipped.append(item)
        console.print(f"arner: skipped {escape(item.source)}: {escape(item.reason)}")

    found = 0  # entities of the document being read, counted once it is done
    try:
        if progress:
            progress.start()
        for event in events:
            if isinstance(event, Skipped):
                skip(event)
            elif isinstance(event, SentenceResult):
                writer.sentence(event)
                found += len(event.entities)
            elif isinstance(event, DocumentDone):
                error = _write_document(writer, event, progress)
                if error is not None:
                    skip(Skipped(event.document.source, error.message))
                else:
                    report.read += 1
                    report.entities += found
                found = 0
                if progress and task is not None:
                    progress.advance(task)
        writer.close()
    except KeyboardInterrupt:
        writer.abort()
        raise
    finally:
        if progress:
            progress.stop()
    if many and not quiet:
        console.print(report.line())
    return report


def _count_inputs(paths: list[str], pattern: str, output_dir: Path | None) -> int:
    """The documents a run will read, for the progress bar's total (inputs that will be skipped do not count)."""
    return sum(not isinstance(found, Skipped) for found in find_inputs(paths, pattern, avoid=output_dir))


def _write_document(writer: Writer, done: DocumentDone, progress: Progress | None) -> Failure | None:
    """Hand a finished document to the writer; the error that skips it: its own, else the writer's."""
    error = done.error
    try:
        # The bar is taken down while a document is written: at a terminal stdout and stderr
        # share the screen, and a table printed under a live bar keeps its last frame.
        if progress:
            progress.stop()
        writer.document(done)
    except OutputError as failure:
        error = error or failure
    finally:
        if progress:
            progress.start()
    return error


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
