"""Every command and option is documented, env-var defaults work, and the
options that only tune a run (--threads, --quantize, train --test/--gazetteer) do
what they say."""

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from arner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Generated from every command's --help; tests/test_cli_reference.py fails when it is stale.
REFERENCE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
USAGE = (ROOT / "docs" / "usage.md").read_text(encoding="utf-8")
TEXT = "زار الكاظمي بغداد.\nوقال المتحدث"


def run(*args, input=None, env=None):
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def all_options():
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                yield name, param


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name):
    assert f"arner {name}" in README


@pytest.mark.parametrize("command, option", [(n, p) for n, p in all_options()], ids=lambda v: getattr(v, "name", v))
def test_every_option_and_its_variable_is_documented(command, option):
    """In the reference, with something to say; a variable also in the usage guide's list."""
    assert option.help and all(flag in REFERENCE for flag in option.opts), (command, option.opts)
    if option.envvar:
        assert option.show_envvar and option.envvar in REFERENCE and f"`{option.envvar}`" in USAGE


@pytest.mark.parametrize(
    "variable, value, check",
    [
        ("ARNER_FORMAT", "json", lambda out: json.loads(out)[0]["source"] == "-"),
        ("ARNER_TYPES", "ORG", lambda out: out == ""),
        ("ARNER_QUIET", "1", None),
    ],
)
def test_environment_variables_set_defaults(variable, value, check, bert_loc):
    env = {variable: value, "ARNER_MODEL": str(bert_loc)}
    result = run("extract", input=TEXT, env=env)
    assert result.exit_code == 0
    if check:
        assert check(result.stdout)
    else:
        assert result.stderr == ""
    # The model came from ARNER_MODEL too.
    assert variable == "ARNER_QUIET" or f"arner: using model {bert_loc}" in result.stderr


def test_glob_from_the_environment(tmp_path, bert_loc):
    (tmp_path / "a.txt").write_text("بغداد", encoding="utf-8")
    (tmp_path / "b.md").write_text("بغداد", encoding="utf-8")
    result = run("extract", "-m", str(bert_loc), "-f", "jsonl", str(tmp_path), env={"ARNER_GLOB": "*.md"})
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [str(tmp_path / "b.md")]


def test_threads_and_quantize_reach_the_model(bert_loc):
    import torch

    from arner import Extractor
    from arner.models import Settings

    before = torch.get_num_threads()
    extractor = Extractor(str(bert_loc), settings=Settings("cpu", threads=before + 1, quantize=True))
    seen = []
    forward = extractor.recognizer.forward
    extractor.recognizer.forward = lambda ids, mask: seen.append(torch.get_num_threads()) or forward(ids, mask)
    assert isinstance(extractor.recognizer.model.classifier, torch.ao.nn.quantized.dynamic.Linear)
    assert [e.type for e in extractor.extract("زار بغداد")] == ["LOC", "LOC"]
    # The model works on its threads; the process's setting is the caller's again after.
    assert (seen, torch.get_num_threads()) == ([before + 1], before)


TRAIN = "".join(
    f"زار O\n{name} B-{kind}\nأمس O\n\n" for name, kind in [("بغداد", "LOC"), ("الكاظمي", "PERS"), ("البصرة", "LOC")] * 4
)


def test_train_records_test_scores_and_uses_the_gazetteer_given(tmp_path):
    train = tmp_path / "train.conll"
    train.write_text(TRAIN, encoding="utf-8")
    gazetteer = tmp_path / "gazetteer.tsv"
    gazetteer.write_text("الموصل\tLOC\n", encoding="utf-8")
    out = tmp_path / "model"
    result = run("train", str(train), "-o", str(out), "--gazetteer", str(gazetteer), "--test", f"mine={train}", "-q")
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["scores"]["mine"]["f1"] == 1.0
    assert meta["options"]["gazetteer"] == "gazetteer.tsv"
    assert (out / "gazetteer.tsv").read_text(encoding="utf-8") == "الموصل\tLOC\n"
    found = run("extract", "-m", str(out), "-f", "jsonl", "-q", input="زار بغداد أمس")
    assert [json.loads(line)["text"] for line in found.stdout.splitlines()] == ["بغداد"]


@pytest.mark.parametrize("env, spin", [({}, "0"), ({"GOMP_SPINCOUNT": "300000"}, "300000")])
def test_waiting_threads_sleep_unless_the_user_chose(bert_loc, env, spin):
    """OpenMP (as torch loads it) is told to let waiting threads sleep, before it reads its settings:
    spinning threads burn the cores that other work, or a second arner, needs (bench/load.py)."""
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    result = subprocess.run(
        [sys.executable, "-m", "arner", "extract", "-q", "-f", "jsonl", "-m", str(bert_loc)], input="زار بغداد",
        capture_output=True, text=True, env={**clean, **env, "OMP_DISPLAY_ENV": "verbose"}, timeout=300,
    )
    assert result.returncode == 0 and result.stdout.count("\n") == 2
    assert f"  GOMP_SPINCOUNT = '{spin}'\n" in result.stderr
