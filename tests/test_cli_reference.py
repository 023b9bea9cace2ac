"""docs/cli.md is what the commands' --help prints today, whatever the environment it is made in."""

import importlib.util
from pathlib import Path

from arner.cli import cli

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
cli_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli_reference)


def test_the_reference_is_up_to_date():
    stale = cli_reference.PAGE.read_text(encoding="utf-8") != cli_reference.render()
    assert not stale, f"docs/cli.md differs from the commands' --help: run `{cli_reference.REGENERATE}`"


def test_the_reference_does_not_depend_on_the_environment(monkeypatch):
    before = cli_reference.render()
    for variable, value in {
        "COLUMNS": "40",
        "ARNER_MIN_SCORE": "0.9",
        "ARNER_BATCH_SIZE": "7",
        "ARNER_GLOB": "*.md",
        "RAY_ADDRESS": "auto",
    }.items():
        monkeypatch.setenv(variable, value)
    assert cli_reference.render() == before
    default = next(param.default for param in cli.commands["extract"].params if param.name == "min_score")
    assert f"ARNER_MIN_SCORE; default: {default};" in before  # the declared default, not the variable's value
