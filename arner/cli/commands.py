"""The `arner` command line: parses options, wires the library, renders.

Heavy modules (CAMeL Tools, torch, transformers) are imported inside commands
so that `arner --help` and usage errors answer at once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.markup import escape

from ..errors import EXIT_SKIPPED, ArnerError
from ..models import TRAINABLE
from ..output import FORMATS
from ..output.bidi import MODES as BIDI_MODES
from ..output.bidi import resolve as resolve_bidi
from .options import (
    announce,
    check_encoding,
    check_glob,
    extractor_args,
    load_extractor,
    model_options,
    parse_tests,
    parse_types,
    read_labelled,
)
from .streams import Group, data_output, err_console, translate_errors


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


@cli.command()
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
def extract(
    paths,
    fmt,
    types,
    summary,
    pattern,
    encoding,
    output_dir,
    skip_existing,
    bidi,
    engine,
    ray_address,
    workers,
    **options,
):
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
    if skip_existing and not output_dir:
        raise click.UsageError("--skip-existing needs --output-dir")
    if workers and engine != "ray":
        raise click.UsageError("--workers needs --engine ray")
    if summary and (fmt == "conll" or output_dir):
        raise click.UsageError(
            "--summary works with -f table, json, jsonl, tsv or html, not with conll or --output-dir"
        )
    stdout = sys.stdout if output_dir else data_output()
    fmt = fmt or ("table" if stdout is not None and stdout.isatty() else "jsonl")
    stdin = sys.stdin.buffer if sys.stdin is not None else None
    if not paths:
        if stdin is None or stdin.isatty():
            raise click.UsageError("no input: give files or directories, or pipe text into arner extract")
        paths = ("-",)

    from ..engines import local
    from ..output import make_writer

    writer = make_writer(
        fmt, summary, output_dir, stdout, resolve_bidi(bidi, os.environ, bool(stdout and stdout.isatty())), inputs=paths
    )
    if output_dir:
        prepare_output_dir(output_dir, paths, pattern, writer.path, stdin)

    if engine == "ray":
        report = run_on_ray(
            paths,
            writer,
            options,
            types,
            fmt=fmt,
            pattern=pattern,
            encoding=encoding,
            output_dir=output_dir,
            skip_existing=skip_existing,
            address=ray_address,
            workers=workers,
        )
    else:
        from ..text.segment import import_tokenizer_in_background

        import_tokenizer_in_background()  # beside the model's load
        extractor = load_extractor(options, types)
        writer.model(extractor.info.describe())
        report = local.run(
            extractor,
            paths,
            writer,
            pattern=pattern,
            encoding=encoding,
            stdin=stdin,
            existing=writer.path if skip_existing else None,
            output_dir=output_dir,
            quiet=options["quiet"],
            console=err_console(),
        )
    if report.skipped:
        sys.exit(EXIT_SKIPPED)


def prepare_output_dir(output_dir: Path, paths, pattern: str, target, stdin) -> None:
    """Refuse outputs that would replace an input or take two, before any work; create the folder."""
    from ..output.targets import check_outputs

    check_outputs(paths, pattern, output_dir, target, stdin)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArnerError(f"cannot create the output folder {output_dir}: {error.strerror or error}") from None


def run_on_ray(paths, writer, options: dict, types, **run_options):
    """`extract --engine ray`: Ray is imported only here."""
    if "-" in paths:
        raise click.UsageError("--engine ray reads files and directories, not stdin")
    from .. import engines, models

    ray_engine = engines.load_ray(local=not run_options["address"])
    args = extractor_args(options, types)
    info = models.resolve(args["model"])
    announce(info, options["quiet"])
    writer.model(info.describe())
    return ray_engine.run(
        {**args, "model": info.name}, paths, writer, quiet=options["quiet"], console=err_console(), **run_options
    )


@cli.command()
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


@cli.command()
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


@cli.command(name="models")
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


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="The scores as a table, or as JSON for programs.",
)
@click.option(
    "--as-text",
    is_flag=True,
    help="Run the gold sentences through `extract` as plain text and score the entities found.",
)
@click.option(
    "--each-sentence",
    is_flag=True,
    help="Label each gold sentence as a document of its own (default: the file is one document, in order).",
)
@click.option(
    "--errors",
    is_flag=True,
    help="Also list the errors by kind (missed, spurious, wrong type, wrong boundary), most frequent first.",
)
@model_options
@translate_errors
def evaluate(gold, fmt, as_text, each_sentence, errors, **options):
    """Score a model on a labelled CoNLL file (entity-level P/R/F1, seqeval).

    GOLD has one "word TAG" or "word<TAB>TAG" per line, a blank line between
    sentences. By default the gold words are labelled as given, the whole file
    as one document; --as-text instead joins them into plain text, one sentence
    a line, runs the whole extract pipeline (segmentation included) and maps the
    entities found back onto the gold words. --each-sentence makes every
    sentence a document of its own, so no model sees its neighbours. Entities
    scoring below --min-score are left out, as `extract` leaves them out.

    \b
    Example:
        arner evaluate test.conll -f json
        arner evaluate test.conll --model my-model/ --as-text
        arner evaluate test.conll --errors
    """
    from .. import scoring
    from ..mistakes import mistakes

    stdout = data_output()
    sentences, gold_labels = read_labelled(gold, "GOLD")
    extractor = load_extractor(options)
    predicted = scoring.predict(extractor, sentences, each_sentence=each_sentence, from_text=as_text)
    scores = scoring.score(gold_labels, predicted)
    found = mistakes(sentences, gold_labels, predicted) if errors else None
    if fmt == "json":
        import json

        report = {
            "gold": str(gold),
            "model": extractor.info.name,
            "as_text": as_text,
            "each_sentence": each_sentence,
            "min_score": extractor.min_score,
            "scores": scoring.as_dicts(scores),
        }
        if found is not None:
            report["errors"] = found.as_dict()
        stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        from ..output import tables

        console = tables.DataConsole(file=stdout)
        console.print(tables.scores_table(scores, str(gold)))
        if found is not None:
            console.print(tables.mistakes_table(found))


def _for_kinds(option: str) -> str:
    """`--kind e5: ` when only some kinds take a training option, for its help."""
    takers = [key for key, kind in TRAINABLE.items() if option in kind.train_options]
    return f"--kind {' or '.join(takers)}: " if len(takers) < len(TRAINABLE) else ""


@cli.command()
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
    refused = [
        name
        for name in options
        if name not in trainer.train_options
        and ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    ]
    if refused:
        takers = " or ".join(key for key, other in TRAINABLE.items() if set(refused) & set(other.train_options))
        raise click.UsageError(
            f"{' and '.join('--' + name for name in refused)} {'is' if len(refused) == 1 else 'are'} "
            f"for --kind {takers}"
        )
    # Every CoNLL input is checked before training: a bad --test file must not fail after the model is written.
    read_labelled(train_file, "TRAIN_FILE")
    if dev is not None:
        read_labelled(dev, "'--dev'")
    for name, path in tests.items():
        read_labelled(path, f"'--test' {name}")
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
