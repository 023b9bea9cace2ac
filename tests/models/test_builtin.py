"""The committed built-in model: scores on ANERcorp, training, listing."""

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from arner import Extractor, models
from arner.cli import cli
from arner.engines.local import Report, documents
from arner.types import SentenceResult

from ..helpers import SAMPLE_DATA, SHARED
from ..helpers.corpus import tiny_conll

ANERCORP_TEST = SHARED / "data" / "anercorp" / "test.txt"
# The F1 measured when the model was committed (meta.json, README), minus one point.
FLOOR = 0.697

needs_anercorp = pytest.mark.skipif(not ANERCORP_TEST.exists(), reason="../shared/data is not beside this checkout")


def micro_f1(*args):
    result = CliRunner().invoke(cli, ["evaluate", str(ANERCORP_TEST), "-f", "json", "-q", *args])
    assert result.exit_code == 0, result.stderr
    scores = {row["type"]: row for row in json.loads(result.stdout)["scores"]}
    return scores["micro avg"]["f1"]


@needs_anercorp
def test_builtin_model_keeps_its_anercorp_f1():
    assert micro_f1("-m", "builtin") >= FLOOR


@needs_anercorp
def test_the_published_score_is_what_evaluate_gives():
    # `arner models`, the "using model" line and the README quote meta.json: it must score what users get.
    published = models.resolve("builtin").meta["scores"]["anercorp_test"]["f1"]
    assert round(published, 3) == round(micro_f1("-m", "builtin"), 3)


@needs_anercorp
def test_plain_text_through_extract_scores_the_same():
    assert abs(micro_f1("-m", "builtin", "--as-text") - micro_f1("-m", "builtin")) <= 0.005


@needs_anercorp
def test_each_sentence_alone_loses_the_document_evidence():
    # The CRF's document features are worth about four points on ANERcorp (README).
    assert micro_f1("-m", "builtin", "--each-sentence") < micro_f1("-m", "builtin") - 0.02


def test_builtin_model_loads_fast_and_labels():
    start = time.perf_counter()
    model = models.load(models.resolve("builtin"))
    assert time.perf_counter() - start < 10  # generous: the budget (2 s) is checked in bench/
    (labelled,) = model.predict([["قال", "الرئيس", "المصري", "حسني", "مبارك", "في", "القاهرة"]])
    assert [label for label, _ in labelled][-1] == "B-LOC"
    assert model.predict([]) == [] and model.predict([[]]) == [[]]


def test_models_lists_the_builtin_model():
    result = CliRunner().invoke(cli, ["models"], env={"COLUMNS": "200"})
    rows = [line.split() for line in result.stdout.splitlines()]
    builtin = next(row for row in rows if row and row[0] == "builtin")
    assert builtin[1] == "CRF" and float(builtin[3]) >= FLOOR
    assert any(row[:2] == ["arabert", "BERT"] and "download`" in " ".join(row) for row in rows if row)


def test_train_a_model_and_use_it(tmp_path):
    sentences = [
        [("زار", "O"), ("الرئيس", "O"), ("سامي", "B-PERS"), ("مدينة", "O"), ("البصرة", "B-LOC"), (".", "O")],
        [("وقالت", "O"), ("وزارة", "B-ORG"), ("النفط", "I-ORG"), ("إن", "O"), ("سامي", "B-PERS"), ("وصل", "O")],
        [("غادر", "O"), ("رامي", "B-PERS"), ("إلى", "O"), ("البصرة", "B-LOC"), ("أمس", "O")],
    ] * 12
    train = tmp_path / "train.conll"
    train.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in sentences) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", str(train), "--dev", str(train), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"arner: model written to {out}, dev F1 ")
    extracted = CliRunner().invoke(cli, ["extract", "-m", str(out), "-f", "jsonl", "-q"], input="غادر رامي إلى البصرة")
    found = [(e["text"], e["type"]) for e in map(json.loads, extracted.stdout.splitlines())]
    assert found == [("رامي", "PERS"), ("البصرة", "LOC")]


def test_train_records_what_evaluate_gives_not_the_raw_labels(tmp_path):
    # Gold and the CRF both call في a place; users never get a function word alone as an entity,
    # so the recorded score must count it missed, as `arner evaluate` does.
    train = tiny_conll(tmp_path / "train.conll", [("بغداد", "LOC"), ("الكاظمي", "PERS"), ("في", "LOC")])
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", str(train), "-o", str(out), "--test", f"mine={train}", "-q"])
    assert result.exit_code == 0, result.stderr
    recorded = json.loads((out / "meta.json").read_text(encoding="utf-8"))["scores"]["mine"]
    evaluated = CliRunner().invoke(cli, ["evaluate", str(train), "-m", str(out), "-f", "json", "-q"])
    micro = next(row for row in json.loads(evaluated.stdout)["scores"] if row["type"] == "micro avg")
    assert (recorded["precision"], recorded["recall"], recorded["f1"]) == (micro["precision"], micro["recall"], micro["f1"])
    assert recorded["recall"] < 1


def test_documents_are_labelled_independently_of_their_neighbours():
    extractor = Extractor("builtin")
    together = {}
    for event in extractor.stream(documents([str(SAMPLE_DATA)], "*.txt", None, None, None, Report())):
        if isinstance(event, SentenceResult):
            together.setdefault(event.document.source, []).extend(event.entities)
    for source, entities in together.items():
        assert extractor.extract(Path(source).read_text(encoding="utf-8")) == entities, source


def test_stats_read_back_as_written(tmp_path):
    from arner.models.crf.model import _StatsFile, _write_stats
    from arner.models.crf.stats import StemStats

    stats = {"بغداد": StemStats(5, 1, (0, 4, 0, 0)), "قال الرئيس": StemStats(3, 3, (0, 0, 0, 0))}
    _write_stats(tmp_path / "stats.tsv", stats)
    read = _StatsFile(tmp_path / "stats.tsv")
    assert dict(read) == stats
    assert read.get("الرئيس") is None and read.get("بغداد") == stats["بغداد"]
