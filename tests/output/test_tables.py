"""Tables for people: what reaches Rich is bounded, bidi controls are named, and a real terminal
(tmux at 80 and 120 columns) shows exactly the expected lines."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from arner.cli import cli
from arner.inputs.sources import text_document
from arner.output import bidi, tables
from arner.types import DocumentDone, Entity, Sentence, SentenceResult, Word

from ..helpers import ROOT

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def run(*args, input=None, env=None):
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def one_sentence_table(text: str, spans: list[tuple[int, int]], width: int = 80) -> tuple[str, list]:
    """The table TableWriter prints for one sentence with entities at `spans`, and its rows."""
    document = text_document(text, "doc.txt")
    words = tuple(Word(text[s:e], s, e) for s, e in spans)
    sentence = Sentence(1, 1, words, text[spans[0][0] : spans[-1][1]])
    entities = [Entity(text[s:e], "LOC", s, e, 1, 1, 0.5, text[s:e]) for s, e in spans]
    out = io.StringIO()
    writer = tables.TableWriter(tables.DataConsole(file=out, width=width))
    writer.sentence(SentenceResult(document, sentence, ["B-LOC"] * len(spans), entities))
    rows = list(writer._rows)
    writer.document(DocumentDone(document))
    return out.getvalue(), rows


@pytest.mark.parametrize("size", [10_000, 1_000_000])
def test_what_reaches_rich_does_not_grow_with_the_text(size):
    # A huge word as an entity between two huge words: each cell is cut to a line before Rich sees it.
    word = "ب" * size
    text = f"{word} {word} {word}"
    printed, rows = one_sentence_table(text, [(0, size), (size + 1, 2 * size + 1), (2 * size + 2, 3 * size + 2)])
    for row in rows:
        assert len(row.text) <= bidi.CONTEXT_LIMIT + 1
        assert all(len(part) <= bidi.CONTEXT_LIMIT + 2 for part in row.context)
    lines = printed.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    assert [line.split()[0] for line in lines[4:7]] == ["1", "2", "3"]
    assert lines[4].split()[2:6] == ["LOC", "1", f"0-{size}", "0.50"]  # numbers whole


def test_the_cost_per_row_is_the_same_for_any_text(monkeypatch):
    # Linearity without a clock: the characters Rich measures per row do not depend on the word's length.
    from rich import cells

    def measured(size: int) -> int:
        seen = [0]
        real = cells.cell_len

        def counting(text, *args):
            seen[0] += len(text)
            return real(text, *args)

        monkeypatch.setattr(cells, "cell_len", counting)
        monkeypatch.setattr(tables, "cell_len", counting)
        word = "ب" * size
        one_sentence_table(f"{word} {word}", [(0, size), (size + 1, 2 * size + 1)])
        monkeypatch.setattr(cells, "cell_len", real)
        monkeypatch.setattr(tables, "cell_len", real)
        return seen[0]

    assert measured(100_000) == measured(1_000_000)


def test_context_is_shortened_around_its_mention():
    parts = ("زار رئيس الوزراء ", "بغداد", " والتقى الرئيس …")
    assert bidi.fit_context(parts, 100) == "".join(parts)
    assert bidi.fit_context(parts, 21) == "…لوزراء بغداد والتقى…"  # 8 cells either side of the mention
    assert bidi.fit_context(("", "بغداد", " والتقى الرئيس العراقي"), 15) == "بغداد والتقى ا…"
    assert bidi.fit_context(parts, 4) == "بغد…"
    # Visual order comes after the cut: the mention stays in the middle of what is shown.
    assert bidi.display(bidi.fit_context(parts, 21)) == "…ﻰﻘﺘﻟﺍﻭ ﺩﺍﺪﻐﺑ ﺀﺍﺭﺯﻮﻟ…"


CONTROLS_TEXT = "زار \u202eبغداد\u202c و\u2067القاهرة\u2069 \u200fالموصل"


def test_bidi_controls_are_named_in_the_table_kept_in_data(bert_loc):
    table = run("extract", "-m", str(bert_loc), "-f", "table", "-q", input=CONTROLS_TEXT, env={"COLUMNS": "120"}).stdout
    assert not bidi.CONTROLS.search(table)
    assert "⟦RLO⟧بغداد⟦PDF⟧" in table and "و⟦RLI⟧القاهرة⟦PDI⟧" in table and "⟦RLM⟧الموصل" in table
    assert "  3   و⟦RLI⟧القاهرة   LOC" in table  # inside an entity too
    for fmt in ("jsonl", "tsv", "conll"):
        data = run("extract", "-m", str(bert_loc), "-f", fmt, "-q", input=CONTROLS_TEXT).stdout
        assert "و\u2067القاهرة" in data and "⟦" not in data
    entities = json.loads(run("extract", "-m", str(bert_loc), "-f", "json", "-q", input=CONTROLS_TEXT).stdout)[0]["entities"]
    assert [e["text"] for e in entities] == ["زار", "بغداد", "و\u2067القاهرة", "الموصل"]


def test_bidi_controls_are_named_on_stderr(capsys):
    # `arner view` names sources from the saved JSON as they are: its notes go through the stderr console.
    saved = [{"source": "gone\u202e.txt", "encoding": "utf-8", "entities": []}]
    result = run("view", "-", input=json.dumps(saved))
    assert result.stderr == "arner: gone⟦RLO⟧.txt: the source file is missing; the page lists its 0 entities without the text\n"
    from arner.errors import ArnerError
    from arner.cli.streams import Failure, err_console

    err_console().print("a\u2067b\u061c")
    assert capsys.readouterr().err == "a⟦RLI⟧b⟦ALM⟧\n"
    assert Failure(ArnerError("x\u202dy", "z\u200e")).message == "x⟦LRO⟧y (z⟦LRM⟧)"


def tmux_screen(command: str, tmp_path: Path, width: int, done: str = "__done__") -> list[str]:
    """The lines a terminal of `width` columns shows after `command` (a shell line) has run."""
    socket = tmp_path / "tmux.sock"
    tmux = ["tmux", "-S", str(socket)]
    script = tmp_path / "command.sh"
    script.write_text(f"unset COLUMNS LINES\n{command}\necho {done}\nsleep 60\n", encoding="utf-8")
    subprocess.run([*tmux, "new-session", "-d", "-c", str(ROOT), "-x", str(width), "-y", "50", f"bash {script}"],
                   check=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pane = subprocess.run([*tmux, "capture-pane", "-p", "-J"], capture_output=True, text=True, check=True).stdout
            if done in pane:
                break
            time.sleep(0.3)
        lines = [line.rstrip() for line in pane.splitlines()]
        return lines[: lines.index(done)]
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)


LONG = "استقبل رئيس مجلس الوزراء العراقي مصطفى الكاظمي في مطار بغداد الدولي وفدا رفيعا من الأمم المتحدة برئاسة المبعوثة الخاصة"


@pytest.fixture(scope="module")
def two_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("news")
    (folder / "a.txt").write_text(LONG + "\nبغداد", encoding="utf-8")
    (folder / "b.txt").write_text("زار الكاظمي أربيل", encoding="utf-8")
    return folder


def arner_line(*args: object) -> str:
    return " ".join([sys.executable, "-m", "arner", "extract", *map(str, args)])


SCREEN_80 = [
    "arner: using model {model} (BERT)",
    "{folder}/a.txt",
    "",
    "  #   Entity               Type   Line   Offsets   Score   Context",
    " ─────────────────────────────────────────────────────────────────────────────",
    "  1   استقبل رئيس مجلس …   PERS      1     0-118    0.99   استقبل رئيس مجلس …",
    "  2   بغداد                PERS      2   119-124    1.00   بغداد",
    "",
    "{folder}/b.txt",
    "",
    "  #   Entity              Type   Line   Offsets   Score   Context",
    " ───────────────────────────────────────────────────────────────────────────",
    "  1   زار الكاظمي أربيل   PERS      1      0-17    1.00   زار الكاظمي أربيل",
    "",
    "arner: 2 files read, 3 entities",
]
SCREEN_120 = SCREEN_80[:3] + [
    "  #   Entity                                   Type   Line   Offsets   Score   Context",
    " " + "─" * 117,
    "  1   استقبل رئيس مجلس الوزراء العراقي مصطف…   PERS      1     0-118    0.99   استقبل رئيس مجلس الوزراء العراقي مصطف…",
    "  2   بغداد                                    PERS      2   119-124    1.00   بغداد",
] + SCREEN_80[7:]


@needs_tmux
@pytest.mark.parametrize("width, expected", [(80, SCREEN_80), (120, SCREEN_120)])
def test_a_terminal_shows_whole_numbers_and_no_progress_residue(width, expected, two_files, bert_ipers, tmp_path):
    # Several files at a terminal: the progress bar runs on stderr and is gone before each table.
    screen = tmux_screen(arner_line("-m", bert_ipers, "--bidi", "off", two_files), tmp_path, width)
    assert screen == [line.format(model=bert_ipers, folder=two_files) for line in expected]


@needs_tmux
def test_bidi_on_shortens_each_context_around_its_mention(two_files, bert_loc, tmp_path):
    screen = tmux_screen(arner_line("-m", bert_loc, "--bidi", "on", "-q", two_files / "a.txt"), tmp_path, 80)
    assert screen[:5] == [
        f"{two_files}/a.txt",
        "",
        "   #   Entity     Type   Line   Offsets   Score   Context",
        " " + "─" * 78,
        "   1   ﻞﺒﻘﺘﺳﺍ     LOC       1       0-6    1.00   … ﺀﺍﺭﺯﻮﻟﺍ ﺲﻠﺠﻣ ﺲﻴﺋﺭ ﻞﺒﻘﺘﺳﺍ",
    ]
    assert screen[10:13] == [
        "   7   ﻲﻤﻇﺎﻜﻟﺍ    LOC       1     39-46    1.00   …ﺏ ﺭﺎﻄﻣ ﻲﻓ ﻲﻤﻇﺎﻜﻟﺍ ﻰﻔﻄﺼﻣ ﻲﻗ…",
        "   8   ﺭﺎﻄﻣ       LOC       1     50-54    1.00   …ﻭﺪﻟﺍ ﺩﺍﺪﻐﺑ ﺭﺎﻄﻣ ﻲﻓ ﻲﻤﻇﺎﻜﻟﺍ…",
        "   9   ﺩﺍﺪﻐﺑ      LOC       1     55-60    1.00   …ﺪﻓﻭ ﻲﻟﻭﺪﻟﺍ ﺩﺍﺪﻐﺑ ﺭﺎﻄﻣ ﻲﻓ ﻱ…",
    ]
    rows = [line for line in screen[4:] if line.strip()]
    assert len(rows) == 18  # every word but the function words في and من
    for row in rows:  # every mention is inside its own context, and the line fits
        mention, context = row.split()[1], row.split("1.00   ")[1]
        assert mention in context and cell_len(row) <= 80


@needs_tmux
def test_stdin_is_called_stdin(bert_loc, tmp_path):
    screen = tmux_screen("echo بغداد | " + arner_line("-m", bert_loc, "-q", "--bidi", "off"), tmp_path, 80)
    assert screen == [
        "<stdin>",
        "",
        "  #   Entity   Type   Line   Offsets   Score   Context",
        " ──────────────────────────────────────────────────────",
        "  1   بغداد    LOC       1       0-5    1.00   بغداد",
        "",
    ]
