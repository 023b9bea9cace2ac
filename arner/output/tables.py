"""Rich tables for people: entities per document, or a summary across inputs."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..types import DocumentDone, Entity
from . import PerDocumentWriter
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


def entity_table(source: str, entities: list[Entity]) -> Table:
    table = Table(title=escape(source), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Entity")
    table.add_column("Type")
    table.add_column("Line", justify="right")
    table.add_column("Offsets", justify="right", style="dim")
    table.add_column("Score", justify="right")
    for number, entity in enumerate(entities, 1):
        table.add_row(
            str(number),
            escape(entity.text),
            _type_cell(entity.type),
            str(entity.line),
            f"{entity.start}-{entity.end}",
            f"{entity.score:.2f}",
        )
    return table


def summary_table(rows: list[SummaryRow], documents: int) -> Table:
    table = Table(
        title=f"Entities across {documents} document{'s' if documents != 1 else ''}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    table.add_column("Entity")
    table.add_column("Type")
    table.add_column("Mentions", justify="right")
    table.add_column("Documents", justify="right")
    for row in rows:
        table.add_row(escape(row.text), _type_cell(row.type), str(row.count), str(row.documents))
    return table


class TableWriter(PerDocumentWriter):
    """One table per document, printed as each document ends."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def finished(self, done: DocumentDone, entities: list[Entity]) -> None:
        if entities:
            self.console.print(entity_table(done.document.source, entities))
        else:
            self.console.print(f"{escape(done.document.source)}: no entities found\n")


class SummaryTableWriter(Summary):
    """`--summary` as a table once every input is read."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.documents = 0

    def document(self, done: DocumentDone) -> None:
        self.documents += done.error is None

    def close(self) -> None:
        self.console.print(summary_table(self.rows(), self.documents))


def scores_table(scores: list, gold: str) -> Table:
    table = Table(title=f"Entity-level scores on {escape(gold)} (seqeval)", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Type")
    for column in ("Precision", "Recall", "F1", "Support"):
        table.add_column(column, justify="right")
    for row in scores:
        name = _type_cell(row.type) if row.type in COLOURS else f"[bold]{escape(row.type)}[/]"
        table.add_row(name, f"{row.precision:.3f}", f"{row.recall:.3f}", f"{row.f1:.3f}", str(row.support))
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
