import pytest
from click.testing import CliRunner

from arner.cli import cli
from arner.errors import ArnerError
from arner.names import SHIPPED, Lexicon

O = ("O", 0.9)


def labels(lexicon, words, given=None):
    return [label for label, _ in lexicon.apply(words, given or [O] * len(words))]


@pytest.fixture(scope="module")
def shipped():
    return Lexicon.load([SHIPPED])


def test_listed_names_are_labelled_with_a_proclitic_allowed(shipped):
    words = ["وقال", "قائد", "للحشد", "الشعبي", "إن", "وداعش", "انسحب"]
    assert labels(shipped, words) == ["O", "O", "B-ORG", "I-ORG", "O", "B-ORG", "O"]


def test_longest_listed_name_wins(shipped):
    assert labels(shipped, ["هيئة", "الحشد", "الشعبي"]) == ["B-ORG", "I-ORG", "I-ORG"]


def test_facility_word_joins_the_place_after_it(shipped):
    given = [O, O, ("B-LOC", 0.8), O]
    assert labels(shipped, ["وصل", "لمطار", "بغداد", "أمس"], given) == ["O", "B-LOC", "I-LOC", "O"]
    assert labels(shipped, ["قاعدة", "عين", "الأسد"]) == ["B-LOC", "I-LOC", "I-LOC"]
    assert labels(shipped, ["مدينة", "بغداد"], [O, ("B-LOC", 0.8)]) == ["O", "B-LOC"]


def test_a_list_name_cuts_a_model_span_that_runs_on(shipped):
    given = [("B-ORG", 0.5), ("I-ORG", 0.5), ("I-ORG", 0.5)]
    assert labels(shipped, ["الحشد", "الشعبي", "العراقي"], given) == ["B-ORG", "I-ORG", "B-ORG"]


def test_user_list_and_errors(tmp_path):
    good = tmp_path / "names.tsv"
    good.write_text("# comment\nأبو علي العسكري\tPERS\n", encoding="utf-8")
    assert labels(Lexicon.load([good]), ["قال", "أبو", "علي", "العسكري"]) == ["O", "B-PERS", "I-PERS", "I-PERS"]
    bad = tmp_path / "bad.tsv"
    bad.write_text("بغداد\tCITY\n", encoding="utf-8")
    with pytest.raises(ArnerError, match="bad.tsv:1: expected 'name<TAB>TYPE'"):
        Lexicon.load([bad])


def test_names_option(tmp_path, bert_loc):
    names = tmp_path / "names.tsv"
    names.write_text("زار الكاظمي\tPERS\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["extract", "-m", str(bert_loc), "-f", "tsv", "-q", "--names", str(names), "--types", "PERS"],
        input="زار الكاظمي بغداد",
    )
    assert result.stdout.splitlines()[1:] == ["-\t0\t11\tPERS\tزار الكاظمي\t1\t1\t1.0\tزار الكاظمي"]
