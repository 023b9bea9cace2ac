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


@pytest.fixture
def half_bad(tmp_path, monkeypatch):
    """a.txt: 2,500 good sentences (more than a window) then a byte that is not UTF-8; b.txt: good."""
    from arner.inputs import sources

    monkeypatch.setattr(sources, "CHUNK_BYTES", 16 * 1024)  # the good part is decoded and labelled first
    bad, good = tmp_path / "a.txt", tmp_path / "b.txt"
    bad.write_bytes(("زار الكاظمي بغداد.\n" * 2500).encode("utf-8") + b"\xff\n")
    good.write_text(TEXT, encoding="utf-8")
    return bad, good


@pytest.mark.parametrize("held", [None, 1000])
@pytest.mark.parametrize("fmt", ["jsonl", "tsv", "conll"])
def test_a_document_undecodable_half_way_leaves_nothing_in_streamed_formats(half_bad, fmt, held, monkeypatch):
    """What a consumer sees is exactly the output of the documents that were read: a document's lines
    come once it has been read to its end (also when they outgrow memory, `held`)."""
    from arner.output import formats

    if held:
        monkeypatch.setattr(formats.WholeDocuments, "HELD_IN_MEMORY", held)
    bad, good = half_bad
    both = CliRunner().invoke(cli, ["extract", "-q", "-m", "builtin", "-f", fmt, str(bad), str(good)])
    alone = CliRunner().invoke(cli, ["extract", "-q", "-m", "builtin", "-f", fmt, str(good)])
    assert both.exit_code == 4 and alone.exit_code == 0
    assert both.stderr == f"arner: skipped {bad}: not valid utf-8 at byte {bad.stat().st_size - 2}\n"
    assert both.stdout == alone.stdout and "بغداد" in alone.stdout
    if fmt == "jsonl":
        assert [json.loads(line)["source"] for line in both.stdout.splitlines()] == [str(good)]


@pytest.mark.parametrize("fmt", ["jsonl", "tsv", "conll"])
def test_a_long_document_comes_out_whole(tmp_path, fmt, monkeypatch):
    """Held in a file on disk past HELD_IN_MEMORY, a document's lines come out as they went in."""
    from arner.output import formats

    path = tmp_path / "a.txt"
    path.write_text("زار الكاظمي بغداد.\n" * 300, encoding="utf-8")
    args = ["extract", "-q", "-m", "builtin", "-f", fmt, str(path)]
    in_memory = CliRunner().invoke(cli, args)
    monkeypatch.setattr(formats.WholeDocuments, "HELD_IN_MEMORY", 100)
    on_disk = CliRunner().invoke(cli, args)
    assert in_memory.exit_code == on_disk.exit_code == 0
    assert on_disk.stdout == in_memory.stdout and len(in_memory.stdout) > 100 * 100


@pytest.mark.parametrize("fmt", ["jsonl", "table", "html"])
def test_a_document_undecodable_half_way_counts_for_nothing_in_the_summary(half_bad, fmt):
    bad, good = half_bad
    both = CliRunner().invoke(cli, ["extract", "-q", "-m", "builtin", "--summary", "-f", fmt, str(bad), str(good)])
    alone = CliRunner().invoke(cli, ["extract", "-q", "-m", "builtin", "--summary", "-f", fmt, str(good)])
    assert both.exit_code == 4 and alone.exit_code == 0
    if fmt == "html":  # the page's title and list name the inputs; the summary is what differs
        assert '<section class="summary">' in alone.stdout
        both, alone = (r.stdout[r.stdout.index('<section class="summary">'):] for r in (both, alone))
    else:
        both, alone = both.stdout.replace(str(bad), ""), alone.stdout
    assert both.replace(str(good), "") == alone.replace(str(good), "")
