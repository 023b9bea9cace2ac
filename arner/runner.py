"""A batch run: inputs to documents, through the extractor, into a writer.

Reports each skipped input on stderr as it happens, shows a progress bar on
multi-file runs at a terminal, and ends with one summary line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from .errors import InputError
from .extractor import Extractor
from .inputs.sources import Document, find_inputs, open_document, stdin_document
from .output import Writer
from .output.formats import output_path
from .types import DocumentDone, SentenceResult, Skipped


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
        parts.append(f"{self.entities} entit{'ies' if self.entities != 1 else 'y'}")
        return "arner: " + ", ".join(parts)


def documents(
    paths: Iterable[str],
    pattern: str,
    encoding: str | None,
    stdin: BinaryIO | None,
    existing: Path | None,
    report: Report,
    warn: Callable[[str], None] | None = None,
) -> Iterator[Document | Skipped]:
    """Open each input; Skipped for what cannot be opened (or is already done).

    `warn` hears notes for people: an unsure encoding, a glob that matched nothing.
    """
    for found in find_inputs(list(paths), pattern, warn):
        if isinstance(found, Skipped):
            yield found
            continue
        path, source, relpath = found
        if existing is not None and output_path(existing, relpath).exists():
            report.existing += 1
            continue
        try:
            document = (
                stdin_document(encoding, stdin) if path is None else open_document(path, source, relpath, encoding)
            )
        except InputError as error:
            yield Skipped(source, error.message)
            continue
        if document.warning and warn is not None:
            warn(f"{document.source}: {document.warning}")
        yield document


def run(
    extractor: Extractor,
    paths: Iterable[str],
    writer: Writer,
    *,
    pattern: str = "*.txt",
    encoding: str | None = None,
    stdin: BinaryIO | None,
    output_dir: Path | None = None,
    quiet: bool = False,
    console: Console,
) -> Report:
    """Process every input; `output_dir` here means: skip inputs already written there."""
    report = Report()
    paths = list(paths)
    many = len(paths) > 1 or any(Path(p).is_dir() for p in paths if p != "-")
    progress = _progress(console) if many and not quiet and console.is_terminal else None
    if progress:
        total = sum(not isinstance(found, Skipped) for found in find_inputs(paths, pattern))
        task = progress.add_task("documents", total=total)

    def skip(item: Skipped) -> None:
        report.skipped.append(item)
        console.print(f"arner: skipped {escape(item.source)}: {escape(item.reason)}")

    def warn(note: str) -> None:
        if not quiet:
            console.print(f"arner: {escape(note)}")

    inputs = documents(paths, pattern, encoding, stdin, output_dir, report, warn)
    try:
        if progress:
            progress.start()
        for event in extractor.stream(inputs):
            if isinstance(event, Skipped):
                skip(event)
            elif isinstance(event, SentenceResult):
                writer.sentence(event)
                report.entities += len(event.entities)
            elif isinstance(event, DocumentDone):
                writer.document(event)
                if event.error is not None:
                    skip(Skipped(event.document.source, event.error.message))
                else:
                    report.read += 1
                if progress:
                    progress.advance(task)
        writer.close()
    finally:
        if progress:
            progress.stop()
    if many and not quiet:
        console.print(report.line())
    return report


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
