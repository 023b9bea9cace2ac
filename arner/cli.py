"""The `arner` command line: parses options, wires the library, renders.

Heavy modules (CAMeL Tools, torch, transformers) are imported inside commands
so that `arner --help` and usage errors answer at once.
"""

from __future__ import annotations

import codecs
import functools
import os
import signal
import sys
from pathlib import Path
from typing import Callable

import click
from rich.console import Console
from rich.markup import escape

from .errors import EXIT_INTERRUPTED, EXIT_SKIPPED, ArnerError
from .output import FORMATS
from .types import TYPES


def err_console() -> Console:
    # Looked up on each call so CliRunner's captured stderr is used.
    return Console(stderr=True, soft_wrap=True, highlight=False)


class Failure(click.ClickException):
    """An ArnerError as Click shows it: one line, a hint, its exit code."""

    def __init__(self, error: ArnerError) -> None:
        super().__init__(f"{error.message} ({error.hint})" if error.hint else error.message)
        self.exit_code = error.exit_code


def translate_errors(command: Callable) -> Callable:
    """Library errors, Ctrl-C and closed pipes end in one line, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ArnerError as error:
            raise Failure(error) from None
        except KeyboardInterrupt:
            err_console().print("arner: interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader (e.g. `head`) is gone: stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(128 + signal.SIGPIPE)

    return wrapper


def model_options(command: Callable) -> Callable:
    """Options shared by every command that runs a model."""
    decorators = [
        click.option(
            "-m", "--model", envvar="ARNER_MODEL", show_envvar=True, metavar="NAME|PATH",
            help="builtin, arabert, or a model folder. Default: arabert if installed, else builtin.",
        ),
        click.option(
            "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", envvar="ARNER_DEVICE",
            show_envvar=True, show_default=True, help="Where neural models run.",
        ),
        click.option(
            "--batch-size", type=click.IntRange(1, 4096), default=32, envvar="ARNER_BATCH_SIZE", show_envvar=True,
            show_default=True, help="Sentences per forward pass of a neural model (the CRF ignores it).",
        ),
        click.option(
            "--threads", type=click.IntRange(1, 256), envvar="ARNER_THREADS", show_envvar=True,
            help="CPU threads for neural models (default: torch's choice).",
        ),
        click.option("--quantize", is_flag=True, help="Dynamic int8 linear layers on CPU: faster, slightly different labels."),
        click.option(
            "--names", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
            help="A list of known names (name<TAB>TYPE per line) to label wherever they occur. Repeatable.",
        ),
        click.option("-q", "--quiet", is_flag=True, envvar="ARNER_QUIET", show_envvar=True,
                     help="Print nothing on stderr but errors."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def load_extractor(options: dict, types=TYPES):
    from .extractor import Extractor
    from .models import Settings

    settings = Settings(options["device"], options["batch_size"], options["quantize"], options["threads"])
    extractor = Extractor(options["model"], settings=settings, types=types, names=options["names"])
    if not options["quiet"]:
        err_console().print(f"arner: using model {escape(extractor.info.describe())}")
    return extractor


def parse_types(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    if not value:
        return TYPES
    types = tuple(part.strip().upper() for part in value.split(",") if part.strip())
    unknown = [t for t in types if t not in TYPES]
    if unknown or not types:
        shown = ", ".join(unknown) or repr(value)
        raise click.BadParameter(f"{shown}: use a comma list of {', '.join(TYPES)}")
    return types


def check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        from .inputs.sources import NOT_FILE_ENCODINGS

        try:
            info = codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r}") from None
        # hex, base64, rot13, zlib... convert bytes to bytes or text to text; idna & co. cannot stream.
        if not info._is_text_encoding or info.name in NOT_FILE_ENCODINGS:
            raise click.BadParameter(f"{value!r} is not a text encoding for files (e.g. utf-8, cp1256, utf-16-le)")
    return value


def check_glob(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value:
        raise click.BadParameter("an empty pattern matches no file name (use '*' for every file)")
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arner")
def cli() -> None:
    """Find the people, places and organizations in Arabic text.

    \b
    Example:
        arner extract sample_data/
        cat article.txt | arner extract -f json | jq '.[].entities[].text'
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMATS), envvar="ARNER_FORMAT", show_envvar=True,
    help="Output format. Default: table at a terminal, jsonl when piped.",
)
@click.option("--types", metavar="PERS,LOC,...", callback=parse_types, envvar="ARNER_TYPES", show_envvar=True,
              help="Only these entity types.")
@click.option("--summary", is_flag=True, help="Count each distinct entity per type across all inputs.")
@click.option("--glob", "pattern", default="*.txt", envvar="ARNER_GLOB", show_envvar=True, show_default=True,
              callback=check_glob, help="File names to read inside directories.")
@click.option("--encoding", callback=check_encoding, help="Force an input encoding (default: detect per file).")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one JSON file per input here, mirroring the input tree.")
@click.option("--skip-existing", is_flag=True, help="With --output-dir: skip inputs whose JSON exists.")
@model_options
@translate_errors
def extract(paths, fmt, types, summary, pattern, encoding, output_dir, skip_existing,
            **options):
    """Find entities in files, directories (walked recursively) or stdin (-).

    \b
    Examples:
        arner extract news/                      # a table per file
        arner extract -f json a.txt b.txt        # one JSON array
        echo "زار الكاظمي بغداد" | arner extract --types PERS
        arner extract archive/ -o out/ --skip-existing
    """
    if skip_existing and not output_dir:
        raise click.UsageError("--skip-existing needs --output-dir")
    stdout = sys.stdout
    fmt = fmt or ("table" if stdout.isatty() else "jsonl")
    if summary and (fmt == "conll" or output_dir):
        raise click.UsageError("--summary works with -f table, json, jsonl or tsv, not with conll or --output-dir")
    stdin = sys.stdin.buffer if sys.stdin else None  # None when closed (`<&-`)
    if not paths:
        if stdin is None or stdin.isatty():
            raise click.UsageError("no input: give files or directories, or pipe text into arner extract")
        paths = ("-",)

    from . import runner
    from .output import make_writer

    quiet = options["quiet"]
    extractor = load_extractor(options, types)
    writer = make_writer(fmt, summary, output_dir, stdout)
    report = runner.run(
        extractor, paths, writer, pattern=pattern, encoding=encoding, stdin=stdin,
        output_dir=output_dir if skip_existing else None, quiet=quiet, console=err_console(),
    )
    if report.skipped:
        sys.exit(EXIT_SKIPPED)


@cli.command()
@click.option("--force", is_flag=True, help="Download again even if installed.")
@translate_errors
def download(force):
    """Install CAMeL Tools' pretrained NER model (ner-arabert, ~540 MB).

    \b
    Example:
        arner download && arner extract --model arabert sample_data/
    """
    from .models import camel

    console = err_console()
    if camel.arabert_installed() and not force:
        console.print(f"arner: arabert is already installed in {escape(str(camel.arabert_path()))}")
        return
    console.print("arner: downloading CAMeL's ner-arabert through CAMeL Tools...")
    path = camel.download(force=force)
    console.print(f"arner: installed arabert in {escape(str(path))}")


@cli.command(name="models")
@translate_errors
def models_command():
    """List the models arner can use here, with their measured scores.

    \b
    Example:
        arner models
    """
    from . import models
    from .models import camel
    from .output import tables

    Console(file=sys.stdout).print(
        tables.models_table(models.available(), camel.arabert_installed(), str(camel.arabert_path()))
    )


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--as-text", is_flag=True,
              help="Run the gold sentences through `extract` as plain text and score the entities found.")
@model_options
@translate_errors
def evaluate(gold, fmt, as_text, **options):
    """Score a model on a labelled CoNLL file (entity-level P/R/F1, seqeval).

    GOLD has one "word TAG" or "word<TAB>TAG" per line, a blank line between
    sentences. By default the gold words are labelled as given; --as-text
    instead joins them into plain text, one sentence a line, runs the whole
    extract pipeline (segmentation included) and maps the entities found back
    onto the gold words.

    \b
    Example:
        arner evaluate ../shared/data/anercorp/test.txt -f json
        arner evaluate ../shared/data/anercorp/test.txt --as-text
    """
    from . import scoring
    from .inputs.conll import read_conll

    try:
        sentences, gold_labels = read_conll(gold)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="GOLD") from None
    extractor = load_extractor(options)
    if as_text:
        text, ranges = scoring.as_text(sentences)
        predicted = scoring.project(extractor.extract(text), ranges)
    else:
        predicted = extractor.label(sentences)
    scores = scoring.score(gold_labels, predicted)
    stdout = sys.stdout
    if fmt == "json":
        import json

        stdout.write(json.dumps({"gold": str(gold), "model": extractor.info.name, "as_text": as_text,
                                 "scores": scoring.as_dicts(scores)}, ensure_ascii=False, indent=2) + "\n")
    else:
        from .output import tables

        Console(file=stdout).print(tables.scores_table(scores, str(gold)))


def parse_tests(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, Path]:
    tests = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not Path(path).is_file():
            raise click.BadParameter(f"{value!r}: expected NAME=FILE with an existing CoNLL file")
        tests[name] = Path(path)
    return tests


@cli.command()
@click.argument("train_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dev", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Held-out CoNLL file to report.")
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the model into.")
@click.option("--gazetteer", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Compiled gazetteer to use (default: the built-in model's).")
@click.option("--test", "tests", metavar="NAME=FILE", multiple=True, callback=parse_tests,
              help="Score the trained model on this CoNLL file and record it in meta.json. Repeatable.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors.")
@translate_errors
def train(train_file, dev, output_dir, gazetteer, tests, quiet):
    """Train a model of the built-in kind (CRF) on your own CoNLL data.

    \b
    Example:
        arner train my-train.conll --dev my-dev.conll -o my-model/
        arner extract --model my-model/ texts/
    """
    from .models.crf.train import measure, train_from_files

    console = err_console()
    if not quiet:
        console.print(f"arner: training on {escape(str(train_file))}...")
    try:
        meta = train_from_files(train_file, dev, output_dir, gazetteer=gazetteer)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="TRAIN_FILE") from None
    if tests:
        meta = measure(output_dir, tests)
    if not quiet:
        scores = meta.get("scores", {})
        notes = [f"{name} F1 {scores[name]['f1']:.3f}" for name in ("dev", *tests) if name in scores]
        console.print(f"arner: model written to {escape(str(output_dir))}" + "".join(f", {n}" for n in notes))
