"""The terminal's right-to-left display (`--bidi`): when it is on, what it shapes and reverses,
and that it changes the table alone."""

import shutil
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from arner.cli import cli
from arner.output import bidi

from ..helpers import ROOT


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_display_shapes_and_reverses_arabic():
    assert bidi.display("مصطفى الكاظمي") == "ﻲﻤﻇﺎﻜﻟﺍ ﻰﻔﻄﺼﻣ"
    assert bidi.display("في بغداد (2024)") == "(2024) ﺩﺍﺪﻐﺑ ﻲﻓ"
    assert bidi.display("London") == "London"
    assert bidi.display("الأمم المتحدة\nUN") == "ﺓﺪﺤﺘﻤﻟﺍ ﻢﻣﻷﺍ\nUN"


@pytest.mark.parametrize("mode, environ, isatty, expected", [
    ("on", {"VTE_VERSION": "7200"}, True, True),
    ("off", {"WT_SESSION": "x"}, True, False),
    ("auto", {"WT_SESSION": "x"}, True, True),
    ("auto", {"WT_SESSION": "x"}, False, False),
    ("auto", {"TMUX": "/tmp/tmux-0/default,1,0", "VTE_VERSION": "7200"}, True, True),
    ("auto", {"VTE_VERSION": "7200"}, True, False),
    ("auto", {"KONSOLE_VERSION": "230805"}, True, False),
    ("auto", {"TERM_PROGRAM": "Apple_Terminal"}, True, False),
    ("auto", {"TERM_PROGRAM": "vscode"}, True, True),
    ("auto", {"TERMINAL_EMULATOR": "JetBrains-JediTerm"}, True, True),
    ("auto", {"TERM": "xterm-kitty"}, True, True),
    ("auto", {"TERM": "xterm-256color"}, True, False),
    ("auto", {}, True, False),
])
def test_resolve(mode, environ, isatty, expected):
    assert bidi.resolve(mode, environ, isatty=isatty) is expected


def test_resolve_rejects_unknown_modes():
    with pytest.raises(ValueError, match="auto, on, off"):
        bidi.resolve("rtl", {})


def test_context():
    document = "استقبل رئيس الوزراء مصطفى الكاظمي في مطار بغداد وفدا من الحشد الشعبي.\nوقال المتحدث باسم الحكومة إن الزيارة تستمر يومين."

    def around(mention: str, words: int = 3) -> str:
        start = document.find(mention)
        return bidi.context(document, start, start + len(mention), words=words)

    assert around("بغداد") == "… الكاظمي في مطار بغداد وفدا من الحشد …"
    assert around("استقبل", words=2) == "استقبل رئيس الوزراء …"
    assert around("الحكومة") == "… وقال المتحدث باسم الحكومة إن الزيارة تستمر …"


TABLE_TEXT = "زار الكاظمي بغداد (العراق)."
TABLE_HEAD = [
    "<stdin>",
    "",
    "  #   Entity    Type   Line   Offsets   Score   Context",
    " ───────────────────────────────────────────────────────────────────────────",
]
TABLE_ROWS = [("1", "0-3"), ("2", "4-11"), ("3", "12-17"), ("4", "18-19"), ("5", "19-25"), ("6", "25-26"), ("7", "26-27")]


@pytest.mark.parametrize("mode, entities, contexts", [
    ("off", ["زار", "الكاظمي", "بغداد", "(", "العراق", ")", "."],
     ["زار الكاظمي بغداد (العراق)."] * 4 + ["… الكاظمي بغداد (العراق)."] * 3),
    ("on", ["ﺭﺍﺯ", "ﻲﻤﻇﺎﻜﻟﺍ", "ﺩﺍﺪﻐﺑ", "(", "ﻕﺍﺮﻌﻟﺍ", ")", "."],
     [".(ﻕﺍﺮﻌﻟﺍ) ﺩﺍﺪﻐﺑ ﻲﻤﻇﺎﻜﻟﺍ ﺭﺍﺯ"] * 4 + [".(ﻕﺍﺮﻌﻟﺍ) ﺩﺍﺪﻐﺑ ﻲﻤﻇﺎﻜﻟﺍ …"] * 3),
])
def test_table_in_logical_or_visual_order(mode, entities, contexts, bert_loc, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = run("extract", "-m", str(bert_loc), "-f", "table", "-q", "--bidi", mode, input=TABLE_TEXT)
    expected = TABLE_HEAD + [
        f"  {number}   {name:<9} LOC       1   {offsets:>7}    1.00   {around}"
        for (number, offsets), name, around in zip(TABLE_ROWS, entities, contexts)
    ] + [""]
    assert [line.rstrip() for line in result.stdout.splitlines()] == expected
    monkeypatch.setenv("ARNER_BIDI", mode)
    assert run("extract", "-m", str(bert_loc), "-f", "table", "-q", input=TABLE_TEXT).stdout == result.stdout


def test_bidi_changes_only_the_table(bert_loc):
    for fmt in ("json", "jsonl", "tsv", "conll", "html"):
        args = ("extract", "-m", str(bert_loc), "-f", fmt, "-q")
        assert run(*args, "--bidi", "on", input=TABLE_TEXT).stdout == run(*args, "--bidi", "off", input=TABLE_TEXT).stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_shows_the_table_in_reading_order(tmp_path):
    # A real terminal inside tmux: --bidi auto turns reordering on, and the pane holds the visual order.
    (tmp_path / "in.txt").write_text("زار مصطفى الكاظمي", encoding="utf-8")
    (tmp_path / "names.tsv").write_text("مصطفى الكاظمي\tPERS\n", encoding="utf-8")
    socket = tmp_path / "tmux.sock"
    command = (
        f"{sys.executable} -m arner extract -m builtin --names {tmp_path / 'names.tsv'} -f table -q"
        f" - < {tmp_path / 'in.txt'}; sleep 30"
    )
    tmux = ["tmux", "-S", str(socket)]
    subprocess.run([*tmux, "new-session", "-d", "-c", str(ROOT), "-x", "120", "-y", "20", command], check=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pane = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True, check=True).stdout
            if "ﻲﻤﻇﺎﻜﻟﺍ ﻰﻔﻄﺼﻣ ﺭﺍﺯ" in pane:
                break
            time.sleep(0.5)
        assert "ﻲﻤﻇﺎﻜﻟﺍ ﻰﻔﻄﺼﻣ   PERS" in pane and "ﻲﻤﻇﺎﻜﻟﺍ ﻰﻔﻄﺼﻣ ﺭﺍﺯ" in pane, pane
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
