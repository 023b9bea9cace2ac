"""A broken model folder, or a folder that is no model, is one clear error, never a traceback."""

import shutil

import pytest
from click.testing import CliRunner

from arner.cli import cli
from arner.models.crf import BUILTIN_DIR


def extract(model, text="زار الكاظمي بغداد"):
    return CliRunner().invoke(cli, ["extract", "-m", str(model), "-f", "jsonl"], input=text)


@pytest.mark.parametrize(
    "breakage, message",
    [
        ("weights", "Error: cannot load the BERT model in "),
        ("config", "Error: cannot load the BERT model in "),
        ("vocab", "Error: the tokenizer in "),
    ],
)
def test_broken_bert_folder_is_one_error(tmp_path, bert_loc, breakage, message):
    model = tmp_path / "model"
    shutil.copytree(bert_loc, model)
    if breakage == "weights":
        (model / "model.safetensors").unlink()
    elif breakage == "config":
        (model / "config.json").write_text("{not json", encoding="utf-8")
    else:
        for tokenizer_file in ("vocab.txt", "tokenizer.json"):
            (model / tokenizer_file).unlink(missing_ok=True)
    result = extract(model)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.splitlines()[-1].startswith(message)
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("breakage", ["missing stats", "corrupt weights"])
def test_broken_crf_folder_is_one_error(tmp_path, breakage):
    model = tmp_path / "crf"
    shutil.copytree(BUILTIN_DIR, model)
    if breakage == "missing stats":
        (model / "stats.tsv").unlink()
    else:
        (model / "model.crfsuite").write_bytes(b"garbage")
    result = extract(model)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(f"Error: cannot load the model in {model}: ")
    assert "Traceback" not in result.stderr


def test_folder_that_is_no_model(tmp_path):
    result = extract(tmp_path)
    assert result.exit_code == 1
    assert "is not a model folder" in result.stderr.splitlines()[-1]
