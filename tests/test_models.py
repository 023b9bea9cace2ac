"""The model registry and what every model declares (models/__init__.py, models/base.py)."""

import json

import pytest
from click.testing import CliRunner

from arner import models
from arner.cli import cli
from arner.models.base import Recognizer

from .helpers.corpus import tiny_conll


def test_a_model_declares_what_it_can_do_with_defaults():
    from arner.models.bert import BertRecognizer
    from arner.models.crf.model import CRFModel
    from arner.models.e5.model import E5Recognizer

    assert (Recognizer.context, Recognizer.arabic_only, Recognizer.known_words) == (0, True, None)
    assert all(issubclass(kind, Recognizer) for kind in (BertRecognizer, CRFModel, E5Recognizer))
    never_read = iter(lambda: pytest.fail("warm read its sentences"), None)
    assert Recognizer().warm(never_read) is None  # by default nothing, not even folding the words


def test_each_shipped_model_declares_its_context():
    builtin, e5 = (models.load(models.resolve(name)) for name in ("builtin", "e5"))
    assert builtin.context == 20  # features 10 sentences each way, propagation as far again
    assert e5.context == e5.evidence.reach(10) and not e5.arabic_only and e5.known_words == builtin.known_words


def test_the_named_models_are_written_once():
    assert list(models.NAMED) == ["arabert", "builtin", "e5"]
    assert all(name in models.NAMED for name in models.DEFAULT_ORDER)
    assert set(models.TRAINABLE.values()) <= set(models.KINDS)


def test_a_model_not_installed_is_listed_with_its_published_score(monkeypatch, tmp_path):
    from arner.models import camel

    monkeypatch.setattr(camel, "arabert_installed", lambda: False)
    monkeypatch.setattr(camel, "arabert_path", lambda: tmp_path / "arabert")
    listed = CliRunner().invoke(cli, ["models"]).stdout
    row = next(line for line in listed.splitlines() if "arabert" in line).split()
    assert row[:4] == ["arabert", "BERT", "not", "installed"] and "0.831 (published)" in listed
    assert "run `arner download`" in listed


def test_train_records_scores_in_meta_through_one_path(tmp_path):
    train = tiny_conll(tmp_path / "train.conll", [("بغداد", "LOC"), ("الكاظمي", "PER"), ("البصرة", "LOC")])
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", str(train), "-o", str(out), "--test", f"mine={train}", "-q"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    # A model that reads across sentences is also scored on each sentence alone, as e5 is.
    assert {"mine", "mine_each_sentence", "load_seconds", "size_bytes", "words_per_second"} <= set(meta["scores"])
    assert meta["test_data"] == {"mine": str(train)}
