"""Finding inputs (arner/inputs/walk.py): folders of any depth, symlinks and their loops, what is not a
regular file, globs that match nothing."""

import json
import os
import socket

import pytest
from click.testing import CliRunner

from arner.cli import cli
from arner.inputs import walk

LINE = "زار الكاظمي بغداد\n"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def remove_deep(top):
    """rmtree without recursion, deepest folder first."""
    folders = [top]
    while folders[-1].is_dir() and not folders[-1].is_symlink():
        folders.append(folders[-1] / "d")
    for folder in reversed(folders[:-1]):
        for entry in folder.iterdir():
            if not entry.is_dir() or entry.is_symlink():
                entry.unlink()
        folder.rmdir()


def test_walk_any_depth_and_true_skip_reasons(tmp_path, bert_loc):
    root = tmp_path / "in"
    root.mkdir()
    deep = root
    for _ in range(1000):  # one by one: mkdir(parents=True) recurses
        deep = deep / "d"
        deep.mkdir()
    (deep / "deep.txt").write_text(LINE, encoding="utf-8")
    (root / "real").mkdir()
    (root / "real" / "r.txt").write_text(LINE, encoding="utf-8")
    os.symlink(root / "real", root / "link1")  # two links to one folder: no loop
    os.symlink(root / "real", root / "link2")
    os.symlink("self.txt", root / "self.txt")  # a symlink to itself
    os.symlink("gone", root / "broken.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "sock.txt"))
    try:
        result = run("extract", "-m", str(bert_loc), "-f", "jsonl", "-q", str(root))
    finally:
        remove_deep(root / "d")  # pytest's own cleanup would recurse 1,000 levels
        server.close()
    assert result.exit_code == 4
    sources = sorted({json.loads(line)["source"] for line in result.stdout.splitlines()})
    assert sources == sorted(str(root / name) for name in ["d/" * 1000 + "deep.txt", "real/r.txt", "link1/r.txt",
                                                           "link2/r.txt"])
    assert result.stderr.splitlines() == [
        f"arner: skipped {root / 'broken.txt'}: broken symlink",
        f"arner: skipped {root / 'self.txt'}: symlink loop",
        f"arner: skipped {root / 'sock.txt'}: not a regular file (socket)",
    ]


def test_a_file_deleted_after_listing_is_not_a_broken_symlink(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(LINE, encoding="utf-8")
    found = walk.find_inputs([str(tmp_path)])
    assert next(found)[1] == str(tmp_path / "a.txt")
    (tmp_path / "b.txt").unlink()
    assert list(found) == [walk.Skipped(str(tmp_path / "b.txt"), "no such file or directory")]


@pytest.mark.parametrize("pattern", ["[", "**/*.txt", "*.md"])
def test_a_glob_that_matches_nothing_says_so(tmp_path, bert_loc, pattern):
    (tmp_path / "a.txt").write_text(LINE, encoding="utf-8")
    result = run("extract", "-m", str(bert_loc), "-f", "jsonl", "--glob", pattern, str(tmp_path), str(tmp_path))
    notes = [line for line in result.stderr.splitlines() if "no files matching" in line]
    assert len(notes) == 2 and notes[0].startswith(f"arner: no files matching {pattern!r} in {tmp_path}")
    assert result.exit_code == 0 and result.stdout == ""


def test_an_empty_glob_is_a_usage_error(tmp_path):
    result = run("extract", "--glob", "", str(tmp_path))
    assert result.exit_code == 2 and "--glob" in result.stderr
