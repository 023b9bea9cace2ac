"""The README's first example is what arner prints: its command, run on its sentence, gives its table."""

import re
from pathlib import Path

from click.testing import CliRunner

from arner.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_first_example_is_what_arner_prints(monkeypatch):
    monkeypatch.delenv("ARNER_MODEL")  # the README shows the default model
    block = re.search(r"```console\n\$ echo \"(.+?)\" \| arner extract -f table\n(.+?)```", README, re.S)
    sentence, shown = block.group(1), block.group(2).splitlines()
    width = max(len(line) for line in shown) + 2
    result = CliRunner().invoke(cli, ["extract", "-f", "table"], input=sentence + "\n", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == shown[0]
    assert [line.rstrip() for line in result.stdout.splitlines()] == [line.rstrip() for line in shown[1:]] + [""]
