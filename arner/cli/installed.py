"""`arner models` and `arner download`: which models this machine has, and installing CAMeL's."""

from __future__ import annotations

import click
from rich.markup import escape

from .streams import Command, data_output, err_console, translate_errors


@click.command(cls=Command)
@click.option("--force", is_flag=True, help="Download again even if installed.")
@translate_errors
def download(force):
    """Install CAMeL Tools' pretrained NER model (ner-arabert, ~540 MB).

    \b
    Example:
        arner download && arner extract --model arabert sample_data/
    """
    from ..models import camel

    console = err_console()
    if camel.arabert_installed() and not force:
        console.print(f"arner: arabert is already installed in {escape(str(camel.arabert_path()))}")
        return
    console.print("arner: downloading CAMeL's ner-arabert through CAMeL Tools...")
    path = camel.download(force=force)
    console.print(f"arner: installed arabert in {escape(str(path))}")


@click.command(cls=Command, name="models")
@translate_errors
def models_command():
    """List the models arner can use here, with their measured scores.

    \b
    Example:
        arner models
    """
    from .. import models
    from ..output import tables

    missing = [named for named in models.NAMED.values() if not named.installed()]
    tables.DataConsole(file=data_output()).print(tables.models_table(models.available(), missing))
