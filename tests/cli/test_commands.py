import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from arner.cli import cli

TEXT = "زار الكاظمي بغداد.\nوقال المتحدث"
P = 0.9996  # probability of the forced label in the fixture models
P2, P4 = 0.9993, 0.9985  # that of an entity of 2 and 4 words (the product, T = 1: fixtures are not calibrated)


def run(*args, input=None, env=None):
    result = CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)
    return result


def loc_entity(text, start, line, sentence):
    return {"text": text, "type": "LOC", "start": start, "end": start + len(text), "line": line,
            "sentence": sentence, "score": P, "normalized": text}


EXPECTED_LOC = [
    loc_entity("زار", 0, 1, 1),
    loc_entity("الكاظمي", 4, 1, 1),
    loc_entity("بغداد", 12, 1, 1),
    loc_entity(".", 17, 1, 1),
    loc_entity("وقال", 19, 2, 2),
    loc_entity("المتحدث", 24, 2, 2),
]


@pytest.fixture
def article(tmp_path):
    folder = tmp_path / "news"
    (folder / "iraq").mkdir(parents=True)
    (folder / "iraq" / "a.txt").write_text(TEXT, encoding="utf-8")
    return folder


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Example" in result.stdout, name
        assert command.help


@pytest.mark.parametrize("how", ["stdin", "dash", "file", "directory"])
def test_jsonl_same_for_every_kind_of_input(how, article, bert_loc):
    path = article / "iraq" / "a.txt"
    args, source, stdin = {
        "stdin": ([], "-", TEXT),
        "dash": (["-"], "-", TEXT),
        "file": ([str(path)], str(path), None),
        "directory": ([str(article)], str(path), None),
    }[how]
    result = run("extract", "-m", str(bert_loc), "-f", "jsonl", "-q", *args, input=stdin)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"source": source, **entity} for entity in EXPECTED_LOC
    ]


def test_json_is_one_array_of_documents(bert_ipers):
    result = run("extract", "-m", str(bert_ipers), "-f", "json", "-q", input=TEXT)
    assert json.loads(result.stdout) == [
        {
            "source": "-",
            "encoding": "utf-8",
            "entities": [
                {"text": "زار الكاظمي بغداد.", "type": "PERS", "start": 0, "end": 18, "line": 1,
                 "sentence": 1, "score": P4, "normalized": "زار الكاظمي بغداد."},
                {"text": "وقال المتحدث", "type": "PERS", "start": 19, "end": 31, "line": 2,
                 "sentence": 2, "score": P2, "normalized": "وقال المتحدث"},
            ],
        }
    ]


def test_tsv(bert_ipers):
    result = run("extract", "-m", str(bert_ipers), "-f", "tsv", "-q", input="زار\tالكاظمي")
    assert result.stdout == (
        "source\tstart\tend\ttype\ttext\tline\tsentence\tscore\tnormalized\n"
        f"-\t0\t11\tPERS\tزار\\tالكاظمي\t1\t1\t{P2}\tزار الكاظمي\n"
    )


def test_conll(bert_loc):
    result = run("extract", "-m", str(bert_loc), "-f", "conll", "--types", "PERS", "-q", input=TEXT)
    assert result.stdout == (
        "-DOCSTART-\tO\n\n"
        "زار\tO\nالكاظمي\tO\nبغداد\tO\n.\tO\n\n"
        "وقال\tO\nالمتحدث\tO\n\n"
    )


def test_table_escapes_markup(bert_loc):
    result = run("extract", "-m", str(bert_loc), "-f", "table", input="زار [بغداد]", env={"COLUMNS": "60"})
    # Rich pads every row to the table width; compare the visible text.
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "<stdin>",
        "",
        "  #   Entity   Type   Line   Offsets   Score   Context",
        " ──────────────────────────────────────────────────────────",
        "  1   زار      LOC       1       0-3    1.00   زار [بغداد]",
        "  2   [        LOC       1       4-5    1.00   زار [بغداد]",
        "  3   بغداد    LOC       1      5-10    1.00   زار [بغداد]",
        "  4   ]        LOC       1     10-11    1.00   زار [بغداد]",
        "",
    ]
    assert result.stderr == f"arner: using model {bert_loc} (BERT)\n"


def test_summary_table(bert_loc):
    result = run("extract", "-m", str(bert_loc), "--summary", "-q", "-f", "table", input="زار الكاظمي\nالكاظمي")
    assert result.stdout.splitlines()[0].strip() == "Entities across 1 document"
    assert [line.split() for line in result.stdout.splitlines()[4:6]] == [
        ["الكاظمي", "LOC", "2", "1"],
        ["زار", "LOC", "1", "1"],
    ]


def test_summary_counts_normalized_entities_across_files(tmp_path, bert_ipers):
    (tmp_path / "a.txt").write_text("الكاظمي\nوالكاظمي\nبغداد", encoding="utf-8")
    (tmp_path / "b.txt").write_text("الكاظمي", encoding="utf-8")
    result = run("extract", "-m", str(bert_ipers), "--summary", "-f", "json", "-q", str(tmp_path))
    assert json.loads(result.stdout) == [
        {"type": "PERS", "normalized": "الكاظمي", "text": "الكاظمي", "count": 3, "documents": 2},
        {"type": "PERS", "normalized": "بغداد", "text": "بغداد", "count": 1, "documents": 1},
    ]


def test_types_filter(bert_loc):
    kept = run("extract", "-m", str(bert_loc), "-f", "jsonl", "--types", "org,loc", "-q", input=TEXT)
    assert [json.loads(line)["type"] for line in kept.stdout.splitlines()] == ["LOC"] * len(EXPECTED_LOC)
    dropped = run("extract", "-m", str(bert_loc), "-f", "jsonl", "--types", "pers,org", "-q", input=TEXT)
    assert dropped.exit_code == 0 and dropped.stdout == ""


EXTRACT_HELP = " (try 'arner extract --help')"


@pytest.mark.parametrize(
    "args, code, line",
    [
        (["extract", "--types", "PERSON"], 2, "Invalid value for '--types' (env var: 'ARNER_TYPES'): PERSON: use a comma list of PERS, LOC, ORG, MISC" + EXTRACT_HELP),
        (["extract", "--encoding", "klingon"], 2, "Invalid value for '--encoding': unknown encoding 'klingon'" + EXTRACT_HELP),
        (["extract", "-f", "xml"], 2, "Invalid value for '-f' / '--format' (env var: 'ARNER_FORMAT'): 'xml' is not one of 'table', 'json', 'jsonl', 'tsv', 'conll', 'html'" + EXTRACT_HELP),
        (["extract", "--skip-existing"], 2, "--skip-existing needs --output-dir" + EXTRACT_HELP),
        (["extract", "--bidi", "rtl"], 2, "Invalid value for '--bidi' (env var: 'ARNER_BIDI'): 'rtl' is not one of 'auto', 'on', 'off'" + EXTRACT_HELP),
        (["extract", "--bogus"], 2, "No such option '--bogus'" + EXTRACT_HELP),
        (["extract", "--glb", "*"], 2, "No such option '--glb'. Did you mean '--glob'?" + EXTRACT_HELP),
        (["extract", "-f"], 2, "Option '-f' requires an argument" + EXTRACT_HELP),
        (["extrct"], 2, "No such command 'extrct'. Did you mean 'extract'? (try 'arner --help')"),
        (["--bogus"], 2, "No such option '--bogus' (try 'arner --help')"),
        (["view"], 2, "Missing argument 'FILE' (try 'arner view --help')"),
        (["train", "a.conll", "b.conll"], 2, "Invalid value for 'TRAIN_FILE': File 'a.conll' does not exist (try 'arner train --help')"),
        (["extract", "-m", "/nonexistent/model"], 3, "no model at /nonexistent/model (pass --model builtin, --model arabert (after `arner download`) or a model folder)"),
    ],
)
def test_user_errors_are_one_line(args, code, line):
    """One `Error:` line with its hint, as the README promises: no `Usage:` or `Try` line, no blank line."""
    result = run(*args, input="نص")
    assert (result.exit_code, result.stderr, result.stdout) == (code, f"Error: {line}\n", "")


def test_arabert_missing_is_one_line():
    result = run("extract", "-m", "arabert", input="نص")
    assert result.exit_code == 3 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: CAMeL's arabert NER model is not installed")


def test_no_model_names_both_ways_out():
    result = run("extract", "-m", "arabert", input="نص")
    line = result.stderr.strip().splitlines()[-1]
    assert "arner download" in line and "--model PATH" in line


def test_missing_file_is_skipped_and_the_rest_runs(article, bert_loc):
    path = article / "iraq" / "a.txt"
    result = run("extract", "-m", str(bert_loc), "-f", "jsonl", "missing.txt", str(path))
    assert result.exit_code == 4
    assert len(result.stdout.splitlines()) == len(EXPECTED_LOC)
    assert result.stderr.splitlines()[1:] == [
        "arner: skipped missing.txt: no such file or directory",
        "arner: 1 file read, 1 skipped, 6 entities",
    ]


HEAVY = "{'torch', 'transformers', 'camel_tools', 'pycrfsuite', 'ray'}"


@pytest.mark.parametrize("args", [["--help"], ["extract", "--help"], ["extract", "-f", "xml"]])
def test_help_and_usage_errors_import_no_model_code(args):
    code = (
        "import sys\nfrom arner.cli import cli\n"
        f"try:\n    cli({args!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted({HEAVY} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"


@pytest.mark.parametrize("package", ["arner.output", "arner.output.formats", "arner.output.tables", "arner.text",
                                     "arner.text.segment", "arner.text.spans", "arner.inputs.sources", "arner.names"])
def test_output_text_and_inputs_load_no_model(package):
    code = f"import sys, {package}\nprint(sorted({HEAVY} & set(sys.modules)), 'arner.models' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] False"


def test_types_import_nothing_from_arner():
    import ast

    import arner.types

    tree = ast.parse(Path(arner.types.__file__).read_text(encoding="utf-8"))
    imported = ["." * node.level + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert [name for name in imported if name.startswith(("arner", "."))] == []


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is installed by .ci/run")
def test_json_pipes_into_jq(article, bert_ipers):
    arner = subprocess.Popen(
        [sys.executable, "-m", "arner", "extract", "-m", str(bert_ipers), "-f", "json", str(article)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    jq = subprocess.run(["jq", "-r", '.[].entities[] | select(.type == "PERS") | .text'],
                        stdin=arner.stdout, capture_output=True, text=True, check=True)
    assert arner.wait() == 0
    assert jq.stdout == "زار الكاظمي بغداد.\nوقال المتحدث\n"


def test_version_comes_from_package_metadata():
    from importlib.metadata import version

    assert run("--version").stdout == f"arner, version {version('arner')}\n"


def test_summary_shows_the_plainest_of_equally_frequent_forms(tmp_path, bert_ipers):
    (tmp_path / "a.txt").write_text("والرياض\nالرياض\nالرّياض", encoding="utf-8")
    result = run("extract", "-m", str(bert_ipers), "--summary", "-f", "tsv", "-q", str(tmp_path))
    assert result.stdout.splitlines() == ["type\tnormalized\ttext\tcount\tdocuments", "PERS\tالرياض\tالرياض\t3\t1"]
