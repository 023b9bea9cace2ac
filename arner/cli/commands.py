"""The `arner` command group: each command lives in the module named for it.

Heavy modules (CAMeL Tools, torch, transformers) are imported inside commands
so that `arner --help` and usage errors answer at once.
"""

from __future__ import annotations

import os

import click

from .evaluate import evaluate
from .extract import extract
from .installed import download, models_command
from .streams import Group
from .train import train
from .view import view


@click.group(name="arner", cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arner")
def cli() -> None:
    """Find the people, places and organizations in Arabic text.

    \b
    Example:
        arner extract sample_data/
        cat article.txt | arner extract -f json | jq '.[].entities[].text'
        arner extract sample_data/ -f html > entities.html
    """
    from ..models.base import wait_passively

    wait_passively(os.environ)  # before any command imports torch


for command in (extract, view, download, models_command, evaluate, train):
    cli.add_command(command)
