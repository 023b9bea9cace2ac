import os

import pytest

from .helpers.bert import build_bert


@pytest.fixture(autouse=True)
def isolated_camel_data(tmp_path_factory, monkeypatch):
    """No test may see a real CAMeL data directory or the user's ARNER_* settings.

    The CLI's tests run the fast CRF unless they name a model: the default, e5,
    has its own tests, and loading it in every test would double the suite's time.
    """
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path_factory.getbasetemp() / "camel-data"))
    for name in list(os.environ):
        if name.startswith("ARNER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ARNER_MODEL", "builtin")


@pytest.fixture(scope="session")
def bert_loc(tmp_path_factory):
    """Labels every word B-LOC: every word is its own LOC entity."""
    return build_bert(tmp_path_factory.mktemp("bert") / "all-b-loc", force="B-LOC")


@pytest.fixture(scope="session")
def bert_ipers(tmp_path_factory):
    """Labels every word I-PERS: each sentence is one PERS entity."""
    return build_bert(tmp_path_factory.mktemp("bert") / "all-i-pers", force="I-PERS")


@pytest.fixture(scope="session")
def bert_random(tmp_path_factory):
    """Random weights: varied labels, for comparing with CAMeL's predict."""
    return build_bert(tmp_path_factory.mktemp("bert") / "random", seed=3)
