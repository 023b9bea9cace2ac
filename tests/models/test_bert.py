import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arner.models import camel
from arner.errors import ModelError
from arner.models import Settings
from arner.models.bert import MAX_PIECES, BertRecognizer

from ..helpers.bert import as_2021_release, build_bert

WORDS = ["قال", "الكاظمي", "مطار", "بغداد", "عين", "الأسد", "الحشد", "الشعبي", "،", ".", "في", "2020", "UN"]


@pytest.fixture(scope="module")
def camel_and_arner(bert_random):
    return camel.load_recognizer(bert_random, use_gpu=False), BertRecognizer(bert_random, Settings("cpu", batch_size=4))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), min_size=1, max_size=6))
def test_labels_identical_to_camel_predict(camel_and_arner, sentences):
    ner, ours = camel_and_arner
    expected = ner.predict(sentences)
    got = [[label for label, _ in words] for words in ours.predict(sentences)]
    assert got == expected


def test_words_without_word_pieces_stay_aligned(camel_and_arner):
    ner, ours = camel_and_arner
    # A lone diacritic has no word piece: CAMeL drops it and shifts every later label.
    sentence = ["قال", "\u064b", "الكاظمي", "في", "\u0651", "بغداد"]
    camel_labels = ner.predict([sentence])[0]
    assert len(camel_labels) == 4
    ours_labels = [label for label, _ in ours.predict([sentence])[0]]
    assert len(ours_labels) == len(sentence)
    kept = [ours_labels[i] for i in (0, 2, 3, 5)]
    assert kept == ner.predict([["قال", "الكاظمي", "في", "بغداد"]])[0]
    assert ours_labels[1] == ours_labels[4] == "O"


def test_long_sentence_is_split_with_every_word_labelled(bert_ipers):
    ours = BertRecognizer(bert_ipers, Settings("cpu"))
    sentence = ["كلمة"] * (MAX_PIECES + 100)  # 4 pieces a word: several windows
    (labels,) = ours.predict([sentence])
    assert [label for label, _ in labels] == ["I-PERS"] * len(sentence)
    assert all(0.99 < prob <= 1.0 for _, prob in labels)


def test_empty_input(camel_and_arner):
    _, ours = camel_and_arner
    assert ours.predict([]) == []
    assert ours.predict([[], ["بغداد"]])[0] == []


def test_unexpected_labels_are_refused(tmp_path):
    path = build_bert(tmp_path / "odd", labels=["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])
    with pytest.raises(ModelError, match="B-PER"):
        BertRecognizer(path, Settings("cpu"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 300), min_size=1, max_size=120))
def test_windows_cover_every_word_once(camel_and_arner, lengths):
    _, ours = camel_and_arner
    words = ["ب" * n if n else "\u064b" for n in lengths]  # one piece a letter; a lone mark has none
    segments = ours._segments(0, words)
    cores = [i for segment in segments for i in segment.core]
    assert cores == list(range(len(words)))
    for segment in segments:
        assert len(segment.pieces) <= MAX_PIECES
        assert segment.words.start <= segment.core.start and segment.core.stop <= segment.words.stop


def test_a_model_saved_like_camels_2021_release_loads_by_path(tmp_path):
    from click.testing import CliRunner

    from arner.cli import cli

    folder = as_2021_release(build_bert(tmp_path / "ner-2021", force="B-LOC"))
    assert sorted(p.name for p in folder.iterdir()) == [
        "config.json", "pytorch_model.bin", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt"]
    result = CliRunner().invoke(cli, ["extract", "-m", str(folder), "-f", "tsv", "-q"], input="زار بغداد")
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[3:5] for line in result.stdout.splitlines()[1:]] == [["LOC", "زار"], ["LOC", "بغداد"]]
