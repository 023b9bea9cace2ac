"""`arner view`: the HTML page again, from saved `arner extract -f json` output."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from .streams import Command, data_output, err_console, translate_errors


@click.command(cls=Command)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@translate_errors
def view(file):
    """Turn saved `arner extract -f json` output (FILE, or - for stdin) into the HTML page.

    Each document's text is read from its source file when that is readable
    (relative to the current folder), else the page lists its entities alone
    and stderr says why; so it does for a source changed since extraction.
    Anything but `extract -f json` output is refused (exit 2).

    \b
    Example:
        arner extract news/ -f json > news.json
        arner view news.json > news.html
    """
    from ..output import view as saved

    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {file}: {error.strerror or error}") from None
    console = err_console()
    from ..output.html import title_for

    saved.write_page(
        saved.parse(data, file), data_output(), lambda note: console.print(f"arner: {escape(note)}"), title_for([file])
    )
