"""Data formats keep their promises to the letter: output files get the mode open() would give,
and a document that fails half-way leaves nothing of itself in the streamed formats."""

import json
import os
import stat

import pytest
from click.testing import CliRunner

from arner.cli import cli

TEXT = "زار الكاظمي بغداد\n"


@pytest.fixture
def umask():
    """Set the process umask for a test, and put the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
@pytest.mark.parametrize("fmt", ["json", "html"])
def test_output_files_get_the_mode_open_would_give(tmp_path, umask, mask, fmt):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    umask(mask)
    with open(tmp_path / "plain", "w"):
        pass
    result = CliRunner().invoke(cli, ["extract", "-q", "-m", "builtin", "-f", fmt, "-o", str(tmp_path / "out"),
                                      str(tmp_path / "a.txt")])
    assert result.exit_code == 0, result.stderr
    mode = stat.S_IMODE((tmp_path / "out" / f"a.txt.{fmt}").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain").stat().st_mode) == 0o666 & ~mask
