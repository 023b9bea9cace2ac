import json

from click.testing import CliRunner

from arner.cli import cli
from arner.mistakes import mistakes

WORDS = ["زار", "الكاظمي", "مطار", "بغداد", "مع", "علي", "في", "عين", "الأسد", "أمس"]


def sorted_into(gold, predicted):
    found = mistakes([WORDS], [gold], [predicted]).as_dict()
    return found["correct"], {kind: [(e["gold"], e["predicted"]) for e in found[kind]["examples"]]
                              for kind in ("missed", "spurious", "wrong_type", "wrong_boundary")}


def test_each_kind_of_error():
    gold = ["O", "B-PERS", "B-LOC", "I-LOC", "O", "B-PERS", "O", "B-LOC", "I-LOC", "O"]
    predicted = ["B-PERS", "B-ORG", "B-LOC", "O", "O", "B-PERS", "O", "B-LOC", "B-LOC", "I-LOC"]
    correct, kinds = sorted_into(gold, predicted)
    assert correct == 1  # علي
    assert kinds == {
        "missed": [],
        "spurious": [("", "زار PERS")],
        "wrong_type": [("الكاظمي PERS", "الكاظمي ORG")],
        # One error per group of overlapping entities, however many there are on each side.
        "wrong_boundary": [("عين الأسد LOC", "عين LOC + الأسد أمس LOC"), ("مطار بغداد LOC", "مطار LOC")],
    }


def test_missed_and_counts_of_repeated_examples():
    sentences = [WORDS, WORDS]
    gold = [["O", "B-PERS", *["O"] * 8]] * 2
    found = mistakes(sentences, gold, [["O"] * 10] * 2).as_dict()
    assert found["missed"] == {"count": 2, "examples": [{"gold": "الكاظمي PERS", "predicted": "", "count": 2}]}


def test_gold_spellings_of_other_corpora_count_as_ours():
    correct, kinds = sorted_into(["O", "B-PER", *["O"] * 8], ["O", "B-PERS", *["O"] * 8])
    assert correct == 1 and not any(kinds.values())


def test_evaluate_errors_json_and_table(tmp_path, bert_loc):
    gold = tmp_path / "gold.conll"
    gold.write_text("زار O\nبغداد B-LOC\n\nالكاظمي\tB-PERS\n.\tO\n", encoding="utf-8")
    args = ["evaluate", str(gold), "-m", str(bert_loc), "-q", "--errors"]
    result = CliRunner().invoke(cli, [*args, "-f", "json"], catch_exceptions=False)
    errors = json.loads(result.stdout)["errors"]
    assert errors["correct"] == 1
    assert [errors[kind]["count"] for kind in ("missed", "spurious", "wrong_type", "wrong_boundary")] == [0, 2, 1, 0]
    assert errors["wrong_type"]["examples"] == [{"gold": "الكاظمي PERS", "predicted": "الكاظمي LOC", "count": 1}]
    lines = [line.split() for line in CliRunner().invoke(cli, args, catch_exceptions=False).stdout.splitlines()]
    assert ["wrong", "type", "1"] in lines and ["1", "الكاظمي", "PERS", "الكاظمي", "LOC"] in lines
    assert ["spurious", "2"] in lines and ["1", "-", ".", "LOC"] in lines
