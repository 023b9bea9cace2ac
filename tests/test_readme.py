"""The README's examples are what arner does: its first example prints its table, its jq recipes run on
what arner writes."""

import functools
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from arner.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
JQ_RECIPE = re.compile(r"^arner extract (.+?) \| (jq .+)$", re.M)


def test_the_first_example_is_what_arner_prints(monkeypatch):
    monkeypatch.delenv("ARNER_MODEL")  # the README shows the default model
    block = re.search(r"```console\n\$ echo \"(.+?)\" \| arner extract -f table\n(.+?)```", README, re.S)
    sentence, shown = block.group(1), block.group(2).splitlines()
    width = max(len(line) for line in shown) + 2
    result = CliRunner().invoke(cli, ["extract", "-f", "table"], input=sentence + "\n", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == shown[0]
    assert [line.rstrip() for line in result.stdout.splitlines()] == [line.rstrip() for line in shown[1:]] + [""]


@functools.cache
def extracted(args: str) -> str:
    """What `arner extract ARGS` writes with the built-in model (run from the checkout's root)."""
    result = CliRunner().invoke(cli, ["extract", "-m", "builtin", "-q", *shlex.split(args)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is installed by .ci/run")
@pytest.mark.parametrize("args, pipeline", JQ_RECIPE.findall(README))
def test_the_jq_recipes_run_on_what_arner_writes(args, pipeline, monkeypatch):
    """Each recipe's jq (and what follows it) on arner's output gives some lines and no error. The fast
    built-in model stands in for the default: the fields and their shape are the same."""
    monkeypatch.chdir(ROOT)
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", pipeline], input=extracted(args), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.strip()
