"""Rich tables for people: entities per document, or a summary across inputs.

With `bidi`, Arabic in entity cells, contexts and titles is shaped and put in
visual order (see `bidi.display`), for terminals that cannot do it themselves.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..mistakes import KINDS
from ..types import DocumentDone, Entity, SentenceResult
from . import Writer
from .bidi import context, display
from .formats import Summary, SummaryRow

class DataConsole(Console):
    """A console for stdout: a closed pipe raises BrokenPipeError like any other write.

    Rich's own reaction (exit 1) would hide it from the CLI, which exits 141.
    """

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


COLOURS = {"PERS": "magenta", "LOC": "green", "ORG": "cyan", "MISC": "yellow"}


def _type_cell(kind: str) -> str:
    return f"[{COLOURS.get(kind, 'white')}]{escape(kind)}[/]"


def _text(value: str, bidi: bool) -> str:
    """User text as a Rich markup cell, in visual order with `bidi`."""
    return escape(display(value) if bidi else value)


def entity_table(source: str, entities: list[tuple[Entity, str]], bidi: bool = False) -> Table:
    """One row per (entity, context) pair."""
    table = Table(title=_text(source, bidi), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right", style="dim")
    # Names and contexts are never wrapped: wrapped visual-order Arabic reads its lines in the wrong order.
    table.add_column("Entity", no_wrap=True)
    table.add_column("Type")
    table.add_column("Line", justify="right")
    table.add_column("Offsets", justify="right", style="dim")
    table.add_column("Score", justify="right")
    # Its cells are no_wrap, not the column: then it is the column that narrows (cut with …) to fit.
    table.add_column("Context")
    for number, (entity, around) in enumerate(entities, 1):
        table.add_row(
            str(number),
            _text(entity.text, bidi),
            _type_cell(entity.type),
            str(entity.line),
            f"{entity.start}-{entity.end}",
            f"{entity.score:.2f}",
            Text(display(around) if bidi else around, no_wrap=True, overflow="ellipsis"),
        )
    return table


def summary_table(rows: list[SummaryRow], documents: int, bidi: bool = False) -> Table:
    table = Table(
        title=f"Entities across {documents} document{'s' if documents != 1 else ''}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    table.add_column("Entity", no_wrap=True)
    table.add_column("Type")
    table.add_column("Mentions", justify="right")
    table.add_column("Documents", justify="right")
    for row in rows:
        table.add_row(_text(row.text, bidi), _type_cell(row.type), str(row.count), str(row.documents))
    return table


class TableWriter(Writer):
    """One table per document, printed as each document ends; skips failed documents."""

    def __init__(self, console: Console, bidi: bool = False) -> None:
        self.console = console
        self.bidi = bidi
        self._rows: list[tuple[Entity, str]] = []

    def sentence(self, result: SentenceResult) -> None:
        # The context is taken from the sentence now: the document's text is not kept.
        base = result.sentence.words[0].start
        for entity in result.entities:
            self._rows.append((entity, context(result.sentence.text, entity.start - base, entity.end - base)))

    def document(self, done: DocumentDone) -> None:
        rows, self._rows = self._rows, []
        if done.error is not None:
            return
        if rows:
            self.console.print(entity_table(done.document.source, rows, self.bidi))
        else:
            self.console.print(f"{_text(done.document.source, self.bidi)}: no entities found\n")


class SummaryTableWriter(Summary):
    """`--summary` as a table once every input is read."""

    def __init__(self, console: Console, bidi: bool = False) -> None:
        super().__init__()
        self.console = console
        self.bidi = bidi
        self.documents = 0

    def document(self, done: DocumentDone) -> None:
        self.documents += done.error is None

    def close(self) -> None:
        self.console.print(summary_table(self.rows(), self.documents, self.bidi))


def scores_table(scores: list, gold: str) -> Table:
    table = Table(title=f"Entity-level scores on {escape(gold)} (seqeval)", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Type")
    for column in ("Precision", "Recall", "F1", "Support"):
        table.add_column(column, justify="right")
    for row in scores:
        name = _type_cell(row.type) if row.type in COLOURS else f"[bold]{escape(row.type)}[/]"
        table.add_row(name, f"{row.precision:.3f}", f"{row.recall:.3f}", f"{row.f1:.3f}", str(row.support))
    return table


def mistakes_table(found) -> Table:
    """Counts of each kind of error, each followed by its most frequent examples."""
    table = Table(title=f"Errors ({found.correct} entities right)", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Kind")
    table.add_column("Count", justify="right")
    table.add_column("Gold", no_wrap=True)
    table.add_column("Predicted", no_wrap=True)
    for kind in KINDS:
        table.add_row(f"[bold]{kind.replace('_', ' ')}[/]", str(found.counts[kind]), "", "", end_section=not found.examples[kind])
        examples = found.top(kind)
        for number, ((gold, predicted), count) in enumerate(examples, 1):
            table.add_row("", str(count), escape(gold or "-"), escape(predicted or "-"),
                          end_section=number == len(examples))
    return table


def models_table(available: list, arabert_installed: bool, arabert_path: str) -> Table:
    table = Table(title="Models", box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("Name", "Kind", "Where", "ANERcorp test F1", "Words/s"):
        table.add_column(column)
    for info in available:
        f1, speed = info.f1, info.words_per_second
        table.add_row(
            escape(info.name), info.kind.name, escape(str(info.path)),
            f"{f1:.3f}" if f1 is not None else "-", f"{speed:,.0f}" if speed else "-",
        )
    if not arabert_installed:
        table.add_row("arabert", "BERT", f"not installed ({escape(arabert_path)}): run `arner download`", "0.831 (published)", "-")
    return table
