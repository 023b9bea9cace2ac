"""Tables for people: entities per document, or a summary across inputs.

Entity and summary tables are laid out here, not by Rich's Table: Rich measures
and wraps every cell, which on a document of many thousands of mentions (or one
1 MB word) costs far more than writing the data itself. Here every cell is first
cut to what a terminal line can show (`bidi.context_parts`, `bidi.shorten`), the
column widths are chosen once per table, and rows are printed a chunk at a time
as plain segments, so time and memory grow with the rows and nothing else.

At any width the numeric columns (#, Line, Offsets, Score) keep their full
values; Entity and Context are shortened with `…` to fit, the context around
its mention. With `bidi`, Arabic in entity cells, contexts and titles is shaped
and put in visual order (see `bidi.display`) after shortening, for terminals
that cannot do it themselves. Bidi controls in the text are shown by name
(`bidi.visible`), so nothing reorders a row.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.markup import escape
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..mistakes import KINDS
from ..types import DocumentDone, Entity, SentenceResult
from . import Writer, source_name
from .bidi import CONTEXT_LIMIT, context_parts, display, fit_context, shorten, visible
from .formats import Summary, SummaryRow


class DataConsole(Console):
    """A console for stdout: a closed pipe raises BrokenPipeError like any other write.

    Rich's own reaction (exit 1) would hide it from the CLI, which exits 141.
    """

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


COLOURS = {"PERS": "magenta", "LOC": "green", "ORG": "cyan", "MISC": "yellow"}
CHUNK = 256  # rows per print: bounds the segments held at once
MIN_TEXT_WIDTH = 6  # the narrowest an Entity or Context column gets


def _type_cell(kind: str) -> str:
    return f"[{COLOURS.get(kind, 'white')}]{escape(kind)}[/]"


def _text(value: str, bidi: bool) -> str:
    """User text as a Rich markup string: controls named, in visual order with `bidi`."""
    value = visible(value)
    return escape(display(value) if bidi else value)


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False  # right-justified (numbers)
    style: str = ""


Cell = tuple[str, str]  # (text as shown, style)


class Grid:
    """Rows under fixed column widths, in Rich's SIMPLE_HEAD look, as segments."""

    def __init__(self, columns: list[Column], widths: list[int], rows: Iterable[list[Cell]], header: bool) -> None:
        self.columns, self.widths, self.rows, self.header = columns, widths, rows, header

    def _line(self, cells: list[Cell]) -> Iterator[Segment]:
        # Unstyled pieces are joined: a few segments per line, not three per cell.
        plain = " "
        for index, ((text, style), column, width) in enumerate(zip(cells, self.columns, self.widths)):
            pad = " " * max(0, width - cell_len(text))
            plain += (" " if index else "") + " " + (pad if column.right else "")
            style = style or column.style
            if style:
                yield Segment(plain)
                yield Segment(text, _style(style))
                plain = ""
            else:
                plain += text
            plain += ("" if column.right else pad) + " "
        yield Segment(plain + " ")
        yield Segment.line()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        if self.header:
            yield Segment.line()
            yield from self._line([(column.header, "bold") for column in self.columns])
            rule = sum(self.widths) + 2 * len(self.widths) + len(self.widths) - 1
            yield Segment(" " + "─" * rule + " ")
            yield Segment.line()
        for row in self.rows:
            yield from self._line(row)


@functools.cache
def _style(name: str) -> Style:
    return Style.parse(name)


def _widths(columns: list[Column], rows: list[list[str]], flexible: dict[int, int], total: int) -> list[int]:
    """Each column's natural width; the `flexible` ones (index: share) narrowed to fit `total` cells."""
    widths = [max([cell_len(column.header), *(cell_len(row[i]) for row in rows)]) for i, column in enumerate(columns)]
    overhead = 2 + 3 * len(columns) - 1
    room = total - overhead - sum(w for i, w in enumerate(widths) if i not in flexible)
    wanted = sum(widths[i] for i in flexible)
    if wanted <= room:
        return widths
    # Each flexible column gets its share of the room, and what another does not need.
    shares = sum(flexible.values())
    fair = {i: max(MIN_TEXT_WIDTH, room * share // shares) for i, share in flexible.items()}
    spare = sum(max(0, fair[i] - widths[i]) for i in flexible)
    for i in flexible:
        widths[i] = min(widths[i], fair[i] + (spare if widths[i] > fair[i] else 0))
    return widths


def _print_grid(console: Console, columns: list[Column], widths: list[int], rows: list[list[Cell]]) -> None:
    for first in range(0, max(len(rows), 1), CHUNK):
        console.print(Grid(columns, widths, rows[first : first + CHUNK], header=first == 0))
    console.print()


ENTITY_COLUMNS = [
    Column("#", right=True, style="dim"),
    Column("Entity"),
    Column("Type"),
    Column("Line", right=True),
    Column("Offsets", right=True, style="dim"),
    Column("Score", right=True),
    Column("Context"),
]


@dataclass(frozen=True)
class Row:
    """One mention as the table shows it: its text and context already cut to CONTEXT_LIMIT."""

    entity: Entity
    text: str
    context: tuple[str, str, str]


def print_entity_table(console: Console, source: str, rows: list[Row], bidi: bool = False) -> None:
    """One table for a document: a row per mention, fitted to the console's width."""
    shown = lambda value: display(value) if bidi else value  # noqa: E731
    plain = [
        [
            str(n),
            row.text,
            row.entity.type,
            str(row.entity.line),
            f"{row.entity.start}-{row.entity.end}",
            f"{row.entity.score:.2f}",
            "".join(row.context),
        ]
        for n, row in enumerate(rows, 1)
    ]
    widths = _widths(ENTITY_COLUMNS, plain, {1: 1, 6: 1}, console.width)
    cells = [
        [
            (values[0], ""),
            (shown(shorten(row.text, widths[1])), ""),
            (values[2], COLOURS.get(values[2], "white")),
            (values[3], ""),
            (values[4], ""),
            (values[5], ""),
            (shown(fit_context(row.context, widths[6])), ""),
        ]
        for values, row in zip(plain, rows)
    ]
    console.print(Text(shown(visible(source_name(source))), style="italic"))
    _print_grid(console, ENTITY_COLUMNS, widths, cells)


SUMMARY_COLUMNS = [Column("Entity"), Column("Type"), Column("Mentions", right=True), Column("Documents", right=True)]


def print_summary_table(console: Console, rows: list[SummaryRow], documents: int, bidi: bool = False) -> None:
    texts = [shorten(visible(row.text[:CONTEXT_LIMIT]), CONTEXT_LIMIT) for row in rows]
    plain = [[text, row.type, str(row.count), str(row.documents)] for text, row in zip(texts, rows)]
    widths = _widths(SUMMARY_COLUMNS, plain, {0: 1}, console.width)
    cells = [
        [
            (display(shorten(text, widths[0])) if bidi else shorten(text, widths[0]), ""),
            (values[1], COLOURS.get(values[1], "white")),
            (values[2], ""),
            (values[3], ""),
        ]
        for text, values in zip(texts, plain)
    ]
    console.print(Text(f"Entities across {documents} document{'s' if documents != 1 else ''}", style="italic"))
    _print_grid(console, SUMMARY_COLUMNS, widths, cells)


class TableWriter(Writer):
    """One table per document, printed as each document ends; skips failed documents."""

    def __init__(self, console: Console, bidi: bool = False) -> None:
        self.console = console
        self.bidi = bidi
        self._rows: list[Row] = []

    def sentence(self, result: SentenceResult) -> None:
        # The context is taken from the sentence now: the document's text is not kept.
        base = result.sentence.words[0].start
        for entity in result.entities:
            left, mention, right = context_parts(result.sentence.text, entity.start - base, entity.end - base)
            text = entity.text[:CONTEXT_LIMIT] + ("…" if len(entity.text) > CONTEXT_LIMIT else "")
            self._rows.append(Row(entity, visible(text), (visible(left), visible(mention), visible(right))))

    def document(self, done: DocumentDone) -> None:
        rows, self._rows = self._rows, []
        if done.error is not None:
            return
        if rows:
            print_entity_table(self.console, done.document.source, rows, self.bidi)
        else:
            self.console.print(f"{_text(source_name(done.document.source), self.bidi)}: no entities found\n")


class SummaryTableWriter(Summary):
    """`--summary` as a table once every input is read."""

    def __init__(self, console: Console, bidi: bool = False) -> None:
        super().__init__()
        self.console = console
        self.bidi = bidi

    def close(self) -> None:
        print_summary_table(self.console, self.rows(), self.documents, self.bidi)


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
        table.add_row(
            f"[bold]{kind.replace('_', ' ')}[/]", str(found.counts[kind]), "", "", end_section=not found.examples[kind]
        )
        examples = found.top(kind)
        for number, ((gold, predicted), count) in enumerate(examples, 1):
            table.add_row(
                "", str(count), escape(gold or "-"), escape(predicted or "-"), end_section=number == len(examples)
            )
    return table


def models_table(available: list, missing: list) -> Table:
    """The models that run here (`ModelInfo`s), then those known by name but not installed
    (`models.Named`), with their published scores."""
    table = Table(title="Models", box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("Name", "Kind", "Where", "ANERcorp test F1", "Words/s"):
        table.add_column(column)
    for info in available:
        f1, speed = info.f1, info.words_per_second
        table.add_row(
            escape(info.name),
            info.kind.name,
            escape(str(info.path)),
            f"{f1:.3f}" if f1 is not None else "-",
            f"{speed:,.0f}" if speed else "-",
        )
    for named in missing:
        published = f"{named.published_f1:.3f} (published)" if named.published_f1 is not None else "-"
        table.add_row(
            escape(named.name),
            named.kind.name,
            f"not installed ({escape(str(named.folder()))}): {named.install}",
            published,
            "-",
        )
    return table
