import json

from click.testing import CliRunner

from arner.cli import cli
from arner.scoring import as_text, project
from arner.text.spans import MIN_SCORE
from arner.types import Entity

GOLD = "زار O\nبغداد B-LOC\n\nالكاظمي\tB-PERS\n.\tO\n"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_evaluate_json(tmp_path, bert_loc):
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    result = run("evaluate", str(gold), "-m", str(bert_loc), "-f", "json", "-q")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == {
        "gold": str(gold),
        "model": str(bert_loc),
        "as_text": False,
        "each_sentence": False,
        "min_score": MIN_SCORE,
        "scores": [
            {"type": "LOC", "precision": 0.25, "recall": 1.0, "f1": 0.4, "support": 1},
            {"type": "PERS", "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1},
            {"type": "micro avg", "precision": 0.25, "recall": 0.5, "f1": 0.3333, "support": 2},
        ],
    }


def test_evaluate_as_text_matches_on_clean_tokens(tmp_path, bert_loc):
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    plain = json.loads(run("evaluate", str(gold), "-m", str(bert_loc), "-f", "json", "-q").stdout)
    text = json.loads(run("evaluate", str(gold), "-m", str(bert_loc), "-f", "json", "-q", "--as-text").stdout)
    assert text["as_text"] is True and text["scores"] == plain["scores"]


def test_evaluate_table(tmp_path, bert_loc):
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    lines = [line.split() for line in run("evaluate", str(gold), "-m", str(bert_loc), "-q").stdout.splitlines()]
    assert ["LOC", "0.250", "1.000", "0.400", "1"] in lines
    assert ["micro", "avg", "0.250", "0.500", "0.333", "2"] in lines


def test_malformed_conll_is_a_usage_error(tmp_path):
    gold = tmp_path / "gold.conll"
    gold.write_text("زار O\nبغداد\n", encoding="utf-8")
    result = run("evaluate", str(gold))
    assert result.exit_code == 2
    assert result.stderr == f"Error: Invalid value for GOLD: {gold}:2: expected 'word TAG', got 'بغداد' (try 'arner evaluate --help')\n"


def test_project_entities_onto_gold_words():
    text, ranges = as_text([["قال", "الكاظمي", "."], [], ["في", "مطار", "بغداد"]])
    assert text == "قال الكاظمي .\n\nفي مطار بغداد\n"

    def entity(start, end, kind):
        return Entity(text[start:end], kind, start, end, 1, 1, 1.0, "")

    # An entity covering part of a gold word still labels that word.
    labels = project([entity(4, 9, "PERS"), entity(19, 29, "LOC")], ranges)
    assert labels == [["O", "B-PERS", "O"], [], ["O", "B-LOC", "I-LOC"]]
