"""`--output-dir` never replaces an input, whatever path leads to it, and a run never reads what an
earlier run wrote: refused with one line before anything is written (exit 2), or walked around."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from arner.cli import cli

TEXT = "زار الكاظمي بغداد\n"
OLD = '{"kept": true}\n'
HINT = " (choose an --output-dir outside the inputs)\n"


def run(*args, input=None):
    return CliRunner().invoke(cli, ["extract", "-q", "-m", "builtin", *map(str, args)], input=input)


def files(folder):
    """Every file under `folder` with its bytes: what a refused run must leave as it was."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def ev(tmp_path, monkeypatch):
    """ev/x.txt, and ev/x.txt.json: an input that has the name of x.txt's output."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "x.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "ev" / "x.txt.json").write_text(OLD, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("output, shown", [
    ("ev", ""), ("ev/", ""), ("./ev", ""), ("ev/sub/..", "ev/sub/../x.txt.json"), ("{tmp}/ev", "{tmp}/ev/x.txt.json"),
    ("link", "link/x.txt.json"), ("link/.", "link/x.txt.json"),
])
def test_an_output_that_is_an_input_file_is_refused(ev, output, shown):
    (ev / "ev" / "sub").mkdir()
    (ev / "link").symlink_to("ev")
    before = files(ev)
    result = run("ev/x.txt", "ev/x.txt.json", "-o", output.format(tmp=ev))
    assert result.exit_code == 2
    same = f" ({shown.format(tmp=ev)} is the same file)" if shown else ""
    assert result.stderr == f"Error: the output for ev/x.txt would replace the input ev/x.txt.json{same}" + HINT
    assert result.stdout == "" and files(ev) == before


def test_an_input_found_by_the_walk_is_not_replaced(ev):
    before = files(ev)
    result = run("--glob", "*", "ev", "-o", "ev")
    assert (result.exit_code, result.stderr) == (
        2, "Error: the output for ev/x.txt would replace the input ev/x.txt.json" + HINT
    )
    assert files(ev) == before


def test_a_hard_link_to_an_input_is_not_replaced(ev):
    (ev / "out").mkdir()
    os.link(ev / "ev" / "x.txt.json", ev / "out" / "x.txt.json")
    before = files(ev)
    result = run("ev/x.txt", "ev/x.txt.json", "-o", "out")
    assert result.stderr == (
        "Error: the output for ev/x.txt would replace the input ev/x.txt.json (out/x.txt.json is the same file)" + HINT
    )
    assert result.exit_code == 2 and files(ev) == before


def test_a_symlink_in_the_output_folder_to_an_input_is_not_followed_over_it(ev):
    (ev / "out").mkdir()
    (ev / "out" / "x.txt.json").symlink_to(ev / "ev" / "x.txt.json")
    result = run("ev/x.txt", "-o", "out", "ev/x.txt.json")
    assert result.exit_code == 2 and "would replace the input ev/x.txt.json" in result.stderr
    assert (ev / "ev" / "x.txt.json").read_text(encoding="utf-8") == OLD


@pytest.mark.parametrize("how", ["-", "/dev/stdin"])
def test_stdin_redirected_from_its_own_output_file_is_refused(tmp_path, how):
    (tmp_path / "out").mkdir()
    saved = tmp_path / "out" / "stdin.json"
    saved.write_text(TEXT, encoding="utf-8")
    with saved.open("rb") as stdin:
        result = subprocess.run(
            [sys.executable, "-m", "arner", "extract", "-q", "-m", "builtin", "-o", "out", how],
            stdin=stdin, capture_output=True, text=True, cwd=tmp_path, timeout=120,
        )
    assert result.returncode == 2
    name = "stdin" if how == "-" else "stdin.json"
    assert result.stderr.startswith(f"Error: the output for {how} would replace the input {how} (out/{name}")
    assert saved.read_text(encoding="utf-8") == TEXT


def test_an_output_that_a_later_run_would_read_is_refused_before_any_work(tmp_path, monkeypatch):
    """`--glob '*' d -o d`: the first run would write d/x.txt.json, which the next run reads."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text(TEXT, encoding="utf-8")
    result = run("--glob", "*", "d", "-o", "d")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the output for d/x.txt, d/x.txt.json, would be in an input folder where --glob '*' finds it: "
        "the next run would read it as an input" + HINT
    )
    assert files(tmp_path) == {"d/x.txt": TEXT.encode()}
    # With the default glob the outputs beside the inputs are never read as inputs: allowed.
    assert run("d", "-o", "d").exit_code == 0
    assert sorted(files(tmp_path)) == ["d/x.txt", "d/x.txt.json"]


@pytest.mark.parametrize("output", ["d/out", "out-link", "d/deep/../out"])
def test_repeated_runs_read_the_same_inputs(tmp_path, monkeypatch, output):
    """The walk never enters the output folder, however it is named or reached (d/alias -> d/out)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d" / "deep").mkdir(parents=True)
    (tmp_path / "d" / "x.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "d" / "out").mkdir()
    (tmp_path / "d" / "alias").symlink_to("out")
    (tmp_path / "out-link").symlink_to("d/out")
    for _ in range(3):
        result = CliRunner().invoke(cli, ["extract", "-m", "builtin", "--glob", "*", "d", "-o", output])
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[-1] == "arner: 1 file read, 1 entity"
    assert sorted(files(tmp_path / "d" / "out")) == ["x.txt.json"]
    assert json.loads((tmp_path / "d" / "out" / "x.txt.json").read_text(encoding="utf-8"))["source"] == "d/x.txt"


@pytest.fixture
def twins(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text("زار الكاظمي بغداد", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("how", ["directories", "files", "skip-existing"])
def test_two_inputs_for_one_output_file_are_refused_before_any_work(twins, how):
    a, b, out = twins / "a", twins / "b", twins / "out"
    inputs = [a, b] if how != "files" else [a / "x.txt", b / "x.txt"]
    extra = ["--skip-existing"] if how == "skip-existing" else []
    result = run("-o", out, *extra, *inputs)
    assert result.exit_code == 2
    line = result.stderr.splitlines()[-1]
    assert f"{a / 'x.txt'} and {b / 'x.txt'} would both be written to {out / 'x.txt.json'}" in line
    assert not out.exists()
    assert "Traceback" not in result.stderr
