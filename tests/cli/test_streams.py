"""What goes wrong around a run ends in one line and the right exit code, never a
traceback, and never silently loses output."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from arner.cli import cli
from arner.models.crf import BUILTIN_DIR

ARTICLE = ("زار الكاظمي بغداد والبصرة أمس. " * 100 + "\n") * 5


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def shell(command, **kwargs):
    return subprocess.run(command, shell=True, capture_output=True, text=True, timeout=300, **kwargs)


def arner_command(*args):
    return " ".join([sys.executable, "-m", "arner", *map(str, args)])


# --- -o: a file that cannot be written is skipped, the run goes on -----------------------------


def test_output_folder_under_a_file_is_one_error(tmp_path, bert_loc):
    (tmp_path / "a.txt").write_text("زار الكاظمي بغداد", encoding="utf-8")
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = run("extract", "-q", "-m", str(bert_loc), "-o", str(tmp_path / "file" / "out"), str(tmp_path / "a.txt"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot create the output folder {tmp_path / 'file' / 'out'}: Not a directory\n"


def test_unwritable_output_is_skipped_and_the_run_goes_on(tmp_path, bert_loc):
    source, out = tmp_path / "news", tmp_path / "out"
    (source / "iraq").mkdir(parents=True)
    (source / "iraq" / "a.txt").write_text("زار الكاظمي", encoding="utf-8")
    (source / "b.txt").write_text("زار بغداد", encoding="utf-8")
    out.mkdir()
    (out / "iraq").write_text("in the way", encoding="utf-8")  # where iraq/a.txt.json needs a folder
    result = run("extract", "-m", str(bert_loc), "-o", str(out), str(source))
    assert result.exit_code == 4
    assert result.stderr.splitlines()[1:] == [
        f"arner: skipped {source / 'iraq' / 'a.txt'}: cannot write {out / 'iraq' / 'a.txt.json'}: File exists",
        "arner: 1 file read, 1 skipped, 2 entities",
    ]
    assert json.loads((out / "b.txt.json").read_text(encoding="utf-8"))["entities"]


def test_read_only_output_folder_is_skipped_per_document(tmp_path, bert_loc, monkeypatch):
    # CI runs as root, which may write anywhere: the file system's refusal is simulated.
    from arner.output import formats

    def refuse(path, text):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(formats, "write_atomically", refuse)
    (tmp_path / "a.txt").write_text("زار الكاظمي", encoding="utf-8")
    result = run("extract", "-q", "-m", str(bert_loc), "-o", str(tmp_path / "out"), str(tmp_path / "a.txt"))
    assert result.exit_code == 4
    assert result.stderr == (
        f"arner: skipped {tmp_path / 'a.txt'}: cannot write {tmp_path / 'out' / 'a.txt.json'}: Permission denied\n"
    )


def test_long_file_names(tmp_path, bert_loc):
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    fits = "ا" * 60 + "b" * 121 + ".txt"  # 250 bytes: with ".json", 255, the most a name may have
    too_long = "c" * 247 + ".txt"  # 251 bytes: with ".json", 256
    for name in (fits, too_long):
        (source / name).write_text("زار الكاظمي", encoding="utf-8")
    result = run("extract", "-m", str(bert_loc), "-o", str(out), str(source))
    assert result.exit_code == 4
    assert result.stderr.splitlines()[1] == (
        f"arner: skipped {source / too_long}: cannot write {out / too_long}.json: File name too long"
    )
    assert sorted(path.name for path in out.iterdir()) == [fits + ".json"]


# --- stdout closed, full, or gone -------------------------------------------------------------


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    path = tmp_path_factory.mktemp("article") / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_closed_stdout_is_one_error(article):
    result = shell(arner_command("extract", "-q", "-m", "builtin", "-f", "jsonl", article) + " >&-")
    assert result.returncode == 1
    assert result.stderr == "Error: stdout is closed: there is nowhere to write the output (redirect it to a file)\n"


def test_closed_stdout_does_not_matter_with_output_dir(article, tmp_path):
    result = shell(arner_command("extract", "-q", "-m", "builtin", "-o", tmp_path / "out", article) + " >&-")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "a.txt.json").exists()


@pytest.mark.parametrize("fmt", ["jsonl", "table"])
@pytest.mark.parametrize("size", ["small", "large"])
def test_full_stdout_is_one_error(article, tmp_path, fmt, size):
    path = article if size == "large" else tmp_path / "small.txt"
    path.write_text("زار الكاظمي بغداد", encoding="utf-8") if size == "small" else None
    result = shell(arner_command("extract", "-q", "-m", "builtin", "-f", fmt, path) + " >/dev/full")
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write to stdout: No space left on device\n"


@pytest.mark.parametrize("fmt", ["table", "jsonl", "json"])
@pytest.mark.parametrize("size", ["small", "large"])
def test_stdout_closed_by_the_reader_exits_141(article, tmp_path, fmt, size):
    """The reader is gone before arner writes (as `| head -1` is on a slow start): 141, quietly."""
    path = article if size == "large" else tmp_path / "small.txt"
    if size == "small":
        path.write_text("زار الكاظمي بغداد", encoding="utf-8")
    read, write = os.pipe()
    os.close(read)
    process = subprocess.run(
        [sys.executable, "-m", "arner", "extract", "-q", "-m", "builtin", "-f", fmt, str(path)],
        stdout=write, stderr=subprocess.PIPE, text=True, timeout=300,
    )
    os.close(write)
    assert process.returncode == 141
    assert process.stderr == ""


@pytest.mark.parametrize("size", ["small", "large"])
def test_table_into_head(article, tmp_path, size):
    path = article if size == "large" else tmp_path / "small.txt"
    if size == "small":
        path.write_text("زار الكاظمي بغداد", encoding="utf-8")
    result = shell(arner_command("extract", "-q", "-m", "builtin", "-f", "table", path) + " | head -1; "
                   'echo "exit ${PIPESTATUS[0]}" >&2', executable="/bin/bash")
    assert result.stdout.strip() and str(path).startswith(result.stdout.strip())  # the table's title
    # 141 when the output outlived `head`; 0 when it all fitted in the pipe before head left.
    assert result.stderr.splitlines()[-1] in ("exit 141", "exit 0")
    assert "Traceback" not in result.stderr


def test_interrupted_json_is_valid_json(tmp_path, bert_loc):
    source, output = tmp_path / "in", tmp_path / "out.json"
    source.mkdir()
    for i in range(40):
        (source / f"{i:02}.txt").write_text(ARTICLE, encoding="utf-8")
    with output.open("w") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "arner", "extract", "-q", "-m", str(bert_loc), "-f", "json", str(source)],
            stdout=stdout, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 120
        while output.read_text(encoding="utf-8").count('"source"') < 2:
            assert process.poll() is None and time.monotonic() < deadline, "run ended before it could be interrupted"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
    assert process.stderr.read() == "arner: interrupted\n"
    documents = json.loads(output.read_text(encoding="utf-8"))
    assert 2 <= len(documents) < 40
    assert all(len(document["entities"]) == 5 * 100 * 5 for document in documents)  # each word but أمس
    if shutil.which("jq"):
        assert shell(f"jq length {output}").stdout.strip() == str(len(documents))


# --- wrong invocations --------------------------------------------------------------------------


def test_empty_types_is_a_usage_error():
    result = run("extract", "--types", "", input="نص")
    assert result.exit_code == 2
    assert "Invalid value for '--types'" in result.stderr


def test_empty_model_is_an_error():
    result = run("extract", "--model", "", input="نص")
    assert result.exit_code == 3
    assert "Error: --model is empty" in result.stderr


def test_meta_json_that_is_not_an_object(tmp_path):
    model = tmp_path / "model"
    shutil.copytree(BUILTIN_DIR, model)
    (model / "meta.json").write_text("[1, 2]", encoding="utf-8")
    result = run("extract", "-m", str(model), input="نص")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {model / 'meta.json'} is not a JSON object\n"


def test_evaluate_on_an_empty_file(tmp_path):
    gold = tmp_path / "empty.conll"
    gold.write_text("\n", encoding="utf-8")
    result = run("evaluate", "-m", "builtin", str(gold))
    assert result.exit_code == 2
    assert f"Invalid value for GOLD: {gold} has no sentences" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option", ["--dev", "--test"])
def test_train_checks_every_conll_file_before_training(tmp_path, option):
    train, bad, out = tmp_path / "train.conll", tmp_path / "bad.conll", tmp_path / "model"
    train.write_text("زار O\nبغداد B-LOC\n", encoding="utf-8")
    bad.write_text("زار O\nبغداد B-LOC extra\n", encoding="utf-8")
    value = str(bad) if option == "--dev" else f"held={bad}"
    result = run("train", str(train), option, value, "-o", str(out))
    assert result.exit_code == 2
    hint = "'--dev'" if option == "--dev" else "'--test' held"
    assert result.stderr == (
        f"Error: Invalid value for {hint}: {bad}:2: expected 'word TAG', got 'بغداد B-LOC extra' (try 'arner train --help')\n"
    )
    assert not out.exists()
