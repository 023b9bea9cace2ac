"""`arner train`: a model of any trainable kind from CoNLL data, scored on the files given."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..models import TRAINABLE
from .options import parse_tests, read_labelled
from .streams import Command, err_console, translate_errors


def _for_kinds(option: str) -> str:
    """`--kind e5: ` when only some kinds take a training option, for its help."""
    takers = [key for key, kind in TRAINABLE.items() if option in kind.train_options]
    return f"--kind {' or '.join(takers)}: " if len(takers) < len(TRAINABLE) else ""


@click.command(cls=Command)
@click.argument("train_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dev", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Held-out CoNLL file to report."
)
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the model into.",
)
@click.option(
    "--gazetteer",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"{_for_kinds('gazetteer')}compiled gazetteer to use (default: the built-in model's).",
)
@click.option(
    "--test",
    "tests",
    metavar="NAME=FILE",
    multiple=True,
    callback=parse_tests,
    help="Score the trained model on this CoNLL file and record it in meta.json. Repeatable.",
)
@click.option(
    "--kind",
    type=click.Choice(list(TRAINABLE)),
    default=next(iter(TRAINABLE)),
    show_default=True,
    help="; ".join(f"{key}: {kind.about}" for key, kind in TRAINABLE.items()) + ".",
)
@click.option(
    "--epochs",
    type=click.IntRange(1),
    default=8,
    show_default=True,
    help=f"{_for_kinds('epochs')}passes over the data.",
)
@click.option("--seed", type=int, default=0, show_default=True, help=f"{_for_kinds('seed')}random seed.")
@click.option(
    "--layers",
    type=click.IntRange(1, 12),
    help=f"{_for_kinds('layers')}keep only the encoder's first N layers (all 12 by default).",
)
@click.option(
    "--teacher",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help=f"{_for_kinds('teacher')}an e5 model folder to distil: the new model starts from its layers and "
    "learns its label odds.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors.")
@click.pass_context
@translate_errors
def train(ctx, train_file, dev, output_dir, tests, kind, quiet, **options):
    """Train a model (the built-in CRF kind, or e5) on your own CoNLL data.

    \b
    Example:
        arner train my-train.conll --dev my-dev.conll -o my-model/
        arner train my-train.conll --kind e5 --dev my-dev.conll -o my-e5/
        arner train my-train.conll --kind e5 --layers 6 --teacher my-e5/ -o my-e5-small/
        arner extract --model my-model/ texts/
    """
    from .. import models

    trainer = TRAINABLE[kind]
    refuse_other_kinds_options(ctx, trainer.train_options, options)
    check_labelled(train_file, dev, tests)
    console = err_console()
    if not quiet:
        console.print(f"arner: training on {escape(str(train_file))}...")
    given = {name: value for name, value in options.items() if name in trainer.train_options and value is not None}
    try:
        meta = trainer.train(
            train_file,
            dev,
            output_dir,
            given,
            (lambda line: None) if quiet else (lambda line: console.print(f"arner: {escape(line)}")),
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if tests:
        meta = models.measure(output_dir, tests)
    if not quiet:
        scores = meta.get("scores", {})
        notes = [f"{name} F1 {scores[name]['f1']:.3f}" for name in ("dev", *tests) if name in scores]
        console.print(f"arner: model written to {escape(str(output_dir))}" + "".join(f", {n}" for n in notes))


def refuse_other_kinds_options(ctx: click.Context, takes: tuple[str, ...], options: dict) -> None:
    """A usage error for each training option given on the command line that this kind does not take."""
    refused = [
        name
        for name in options
        if name not in takes and ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    ]
    if refused:
        takers = " or ".join(key for key, other in TRAINABLE.items() if set(refused) & set(other.train_options))
        raise click.UsageError(
            f"{' and '.join('--' + name for name in refused)} {'is' if len(refused) == 1 else 'are'} "
            f"for --kind {takers}"
        )


def check_labelled(train_file: Path, dev: Path | None, tests: dict[str, Path]) -> None:
    """Every CoNLL input is checked before training: a bad --test file must not fail after the model is written."""
    read_labelled(train_file, "TRAIN_FILE")
    if dev is not None:
        read_labelled(dev, "'--dev'")
    for name, path in tests.items():
        read_labelled(path, f"'--test' {name}")
