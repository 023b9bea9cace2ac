"""Entity scores are calibrated probabilities, and --min-score / min_score leaves out the unlikely ones."""

import json
import shutil

import pytest
from click.testing import CliRunner

from arner import Extractor
from arner.cli import cli
from arner.models.crf import BUILTIN_DIR
from arner.text.spans import MIN_SCORE, calibrated

TEXT = "زار الكاظمي بغداد."


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), input=TEXT, env=env, catch_exceptions=False)


def test_min_score_leaves_out_entities_below_it(bert_loc):
    # The model labels every word B-LOC with probability 0.9996.
    assert [e.score for e in Extractor(str(bert_loc), min_score=0).extract(TEXT)] == [0.9996] * 4
    assert Extractor(str(bert_loc), min_score=0.9996).extract(TEXT) != []
    assert Extractor(str(bert_loc), min_score=0.9997).extract(TEXT) == []
    with pytest.raises(ValueError, match="min_score is a probability"):
        Extractor(str(bert_loc), min_score=1.5)


def test_min_score_option_its_variable_and_its_default_in_help(bert_loc):
    def found(*args, env=None):
        return len(run("extract", "-m", str(bert_loc), "-f", "jsonl", "-q", *args, env=env).stdout.splitlines())

    assert found("--min-score", "0") == 4 and found("--min-score", "1") == 0
    assert found(env={"ARNER_MIN_SCORE": "1"}) == 0 and found("--min-score", "0", env={"ARNER_MIN_SCORE": "1"}) == 4
    assert run("extract", "--min-score", "1.5").exit_code == 2
    assert f"default: {MIN_SCORE}" in " ".join(run("extract", "--help").stdout.split())


def test_evaluate_scores_at_the_threshold_it_reports(tmp_path, bert_loc):
    gold = tmp_path / "gold.conll"
    gold.write_text("زار O\nبغداد B-LOC\n", encoding="utf-8")

    def f1(*args):
        report = json.loads(run("evaluate", str(gold), "-m", str(bert_loc), "-f", "json", "-q", *args).stdout)
        return report["min_score"], report["scores"][-1]["f1"]

    assert f1() == (MIN_SCORE, 0.6667) and f1("--min-score", "1") == (1.0, 0.0)


def test_scores_are_calibrated_with_the_models_temperature_and_bias(tmp_path):
    def scores(temperature, bias):
        folder = tmp_path / str(temperature)
        shutil.copytree(BUILTIN_DIR, folder)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        meta["calibration"] = {"temperature": temperature, "bias": bias}
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        return [e.score for e in Extractor(str(folder), min_score=0).extract("قال علي الدليمي في الرمادي")]

    raw, hot = scores(1.0, 0.0), scores(3.0, -0.5)
    assert raw and [round(calibrated(p, 3.0, -0.5), 2) for p in raw] == [round(p, 2) for p in hot]


def test_shipped_models_carry_their_temperature():
    for name in ("e5", "builtin"):
        from arner import models

        meta = models.resolve(name).meta
        assert meta["calibration"]["temperature"] > 0 and "bias" in meta["calibration"]
