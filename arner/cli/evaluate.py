"""`arner evaluate`: a model's entity-level scores on a labelled CoNLL file."""

from __future__ import annotations

from pathlib import Path

import click

from .options import load_extractor, model_options, read_labelled
from .streams import Command, data_output, translate_errors


@click.command(cls=Command)
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
