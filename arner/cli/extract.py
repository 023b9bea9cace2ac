"""`arner extract`: find entities in files, directories or stdin, here or on Ray."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO

import click

from ..errors import EXIT_SKIPPED, ArnerError
from ..output import FORMATS
from ..output.bidi import MODES as BIDI_MODES
from ..output.bidi import resolve as resolve_bidi
from .options import announce, check_encoding, check_glob, extractor_args, load_extractor, model_options, parse_types
from .streams import Command, data_output, err_console, translate_errors


@click.command(cls=Command)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    envvar="ARNER_FORMAT",
    show_envvar=True,
    help="Output format. Default: table at a terminal, jsonl when piped.",
)
@click.option(
    "--types",
    metavar="PERS,LOC,...",
    callback=parse_types,
    envvar="ARNER_TYPES",
    show_envvar=True,
    help="Only these entity types.",
)
@click.option("--summary", is_flag=True, help="Count each distinct entity per type across all inputs.")
@click.option(
    "--glob",
    "pattern",
    default="*.txt",
    envvar="ARNER_GLOB",
    show_envvar=True,
    show_default=True,
    callback=check_glob,
    help="File names to read inside directories.",
)
@click.option("--encoding", callback=check_encoding, help="Force an input encoding (default: detect per file).")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one JSON file per input here (HTML with -f html), mirroring the input tree.",
)
@click.option("--skip-existing", is_flag=True, help="With --output-dir: skip inputs whose output file exists.")
@click.option(
    "--bidi",
    type=click.Choice(BIDI_MODES),
    default="auto",
    envvar="ARNER_BIDI",
    show_envvar=True,
    show_default=True,
    help="-f table: on shapes and reorders Arabic for terminals without bidi support, off leaves it as "
    "stored, auto decides from the terminal.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    envvar="ARNER_ENGINE",
    show_envvar=True,
    show_default=True,
    help="Run here, or on Ray (a cluster, or all cores here).",
)
@click.option(
    "--ray-address",
    envvar="RAY_ADDRESS",
    show_envvar=True,
    metavar="auto|ray://HOST:PORT",
    help="With --engine ray: the cluster to join (default: start Ray on this machine).",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    metavar="N",
    help="With --engine ray: model copies (default: one per CPU of the cluster, or per --threads CPUs).",
)
@model_options
@translate_errors
def extract(paths, fmt, types, summary, pattern, encoding, output_dir, skip_existing, bidi, engine, **options):
    """Find entities in files, directories (walked recursively) or stdin (-).

    \b
    Examples:
        arner extract news/                      # a table per file
        arner extract -f json a.txt b.txt        # one JSON array
        echo "زار الكاظمي بغداد" | arner extract --types PERS
        arner extract archive/ -o out/ --skip-existing
        arner extract news/ -f html > entities.html   # open it in a browser
        arner extract --engine ray --ray-address auto /shared/archive/ -o /shared/out/
    """
    check_combinations(fmt, summary, output_dir, skip_existing, engine, options["workers"])
    stdout = sys.stdout if output_dir else data_output()
    fmt = fmt or ("table" if stdout is not None and stdout.isatty() else "jsonl")
    stdin = sys.stdin.buffer if sys.stdin is not None else None
    paths = paths or stdin_input(stdin)

    from ..output import make_writer

    writer = make_writer(
        fmt, summary, output_dir, stdout, resolve_bidi(bidi, os.environ, bool(stdout and stdout.isatty())), inputs=paths
    )
    if output_dir:
        prepare_output_dir(output_dir, paths, pattern, writer.path, stdin)

    # How inputs are found and read, the same on either engine.
    reading = {"pattern": pattern, "encoding": encoding, "output_dir": output_dir}
    if engine == "ray":
        report = run_on_ray(paths, writer, options, types, fmt=fmt, skip_existing=skip_existing, **reading)
    else:
        report = run_here(
            paths, writer, options, types, stdin=stdin, existing=writer.path if skip_existing else None, **reading
        )
    if report.skipped:
        sys.exit(EXIT_SKIPPED)


def stdin_input(stdin: BinaryIO | None) -> tuple[str, ...]:
    """No paths: read stdin (`-`), if text is piped into it."""
    if stdin is None or stdin.isatty():
        raise click.UsageError("no input: give files or directories, or pipe text into arner extract")
    return ("-",)


def check_combinations(
    fmt: str | None, summary: bool, output_dir: Path | None, skip_existing: bool, engine: str, workers: int | None
) -> None:
    """Refuse options that only mean something beside another option, before any work."""
    if skip_existing and not output_dir:
        raise click.UsageError("--skip-existing needs --output-dir")
    if workers and engine != "ray":
        raise click.UsageError("--workers needs --engine ray")
    if summary and (fmt == "conll" or output_dir):
        raise click.UsageError(
            "--summary works with -f table, json, jsonl, tsv or html, not with conll or --output-dir"
        )


def prepare_output_dir(output_dir: Path, paths, pattern: str, target, stdin) -> None:
    """Refuse outputs that would replace an input or take two, before any work; create the folder."""
    from ..output.targets import check_outputs

    check_outputs(paths, pattern, output_dir, target, stdin)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArnerError(f"cannot create the output folder {output_dir}: {error.strerror or error}") from None


def run_here(paths, writer, options: dict, types, **run_options):
    """`extract --engine local`: the model loads while CAMeL's tokenizer imports beside it."""
    from ..engines import local
    from ..text.segment import import_tokenizer_in_background

    import_tokenizer_in_background()  # beside the model's load
    extractor = load_extractor(options, types)
    writer.model(extractor.info.describe())
    return local.run(extractor, paths, writer, quiet=options["quiet"], console=err_console(), **run_options)


def run_on_ray(paths, writer, options: dict, types, **run_options):
    """`extract --engine ray`: Ray is imported only here (so are its options, --ray-address and --workers)."""
    if "-" in paths:
        raise click.UsageError("--engine ray reads files and directories, not stdin")
    from .. import engines, models

    ray_engine = engines.load_ray(local=not options["ray_address"])
    args = extractor_args(options, types)
    info = models.resolve(args["model"])
    announce(info, options["quiet"])
    writer.model(info.describe())
    return ray_engine.run(
        {**args, "model": info.name},
        paths,
        writer,
        address=options["ray_address"],
        workers=options["workers"],
        quiet=options["quiet"],
        console=err_console(),
        **run_options,
    )
