"""Reading inputs (arner/inputs/sources.py): the bad-input matrix, every case generated here and run in one
batch; encodings, byte-order marks, pipes and FIFOs read once."""

import codecs
import json
import os
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from arner.cli import cli
from arner.inputs import sources

ARTICLE = "زار الكاظمي بغداد"
WORDS = ["زار", "الكاظمي", "بغداد"]
# charset-normalizer needs a few sentences to tell Windows-1256 from its neighbours.
CP1256_TEXT = ("بيان صحفي: " + ARTICLE + " اليوم، وأكد المتحدث أن الزيارة ناجحة.\n") * 3


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def texts(document):
    return [(e["text"], e["start"], e["end"]) for e in document["entities"]]


def located(text):
    return [(word, text.index(word), text.index(word) + len(word)) for word in WORDS]


GOOD = {
    "utf8.txt": (ARTICLE.encode("utf-8"), "utf-8"),
    "utf8-bom.txt": (codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "utf-8-sig"),
    "utf16le.txt": (codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "utf-16-le"),
    "utf16be.txt": (codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "utf-16-be"),
    "windows1256.txt": (CP1256_TEXT.encode("cp1256"), "cp1256"),
}
CODECS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16", "cp1256": "cp1256"}
BAD = {
    "nul.txt": (b"abc\x00def" * 10, "binary file (NUL bytes)"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file (NUL bytes)"),
    "fake.txt": (b"%PDF-1.4\n" + bytes(range(1, 9)) * 40 + b"\x0e\x0f\x10" * 40, "binary data (control characters), not text"),
}


@pytest.fixture
def batch(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    for name, (data, _) in {**GOOD, **BAD}.items():
        (root / name).write_bytes(data)
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    marks = "\ufeff\u200fزار\u200f الكَاظِمِيّ\u200c\ufeff بغـــداد\u200e"
    (root / "sub" / "marks.txt").write_text(marks, encoding="utf-8")
    (root / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "notes.md").write_text(ARTICLE, encoding="utf-8")
    os.symlink(root, root / "sub" / "loop")
    return root


def test_bad_input_matrix(batch, bert_loc):
    result = run("extract", "-m", str(bert_loc), "-f", "json", str(batch))
    assert result.exit_code == 4
    documents = {os.path.relpath(d["source"], batch): d for d in json.loads(result.stdout)}
    assert sorted(documents) == sorted([*GOOD, "empty.txt", "blank.txt", "sub/marks.txt"])
    for name, (data, encoding) in GOOD.items():
        assert documents[name]["encoding"] == encoding, name
        decoded = data.decode(CODECS[encoding])
        for entity in documents[name]["entities"]:
            assert decoded[entity["start"] : entity["end"]] == entity["text"]
    assert texts(documents["utf8.txt"]) == located(ARTICLE)
    assert texts(documents["utf16be.txt"]) == located(ARTICLE)
    assert documents["windows1256.txt"]["encoding"] == "cp1256"
    assert documents["empty.txt"]["entities"] == [] and documents["blank.txt"]["entities"] == []
    # A leading BOM is part of the encoding, not of the text offsets count.
    marks = (batch / "sub" / "marks.txt").read_text(encoding="utf-8-sig")
    assert [e["text"] for e in documents["sub/marks.txt"]["entities"]] == ["زار", "الكَاظِمِيّ", "بغـــداد"]
    assert all(marks[e["start"] : e["end"]] == e["text"] for e in documents["sub/marks.txt"]["entities"])
    skipped = sorted(line for line in result.stderr.splitlines() if "skipped " in line)
    assert skipped == sorted(
        [f"arner: skipped {batch / name}: {reason}" for name, (_, reason) in BAD.items()]
        + [f"arner: skipped {batch / 'sub' / 'loop'}: symlink loop (leads back to a folder above it)"]
    )
    # 57 words, less the three أن of the Windows-1256 text: a function word alone is never an entity.
    assert result.stderr.splitlines()[-1] == "arner: 8 files read, 4 skipped, 54 entities"


def test_forced_encoding(tmp_path, bert_loc):
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.encode("cp1256"))
    result = run("extract", "-m", str(bert_loc), "-f", "json", "--encoding", "cp1256", str(path))
    (document,) = json.loads(result.stdout)
    assert document["encoding"] == "cp1256" and texts(document) == located(ARTICLE)


def test_bad_bytes_after_the_sample_skip_only_that_file(tmp_path, bert_loc):
    (tmp_path / "a.txt").write_bytes(("كلمة " * 20000).encode("utf-8") + b"\xff\xfe\xfa")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    result = run("extract", "-m", str(bert_loc), "-f", "json", str(tmp_path))
    assert result.exit_code == 4
    assert [d["source"] for d in json.loads(result.stdout)] == [str(tmp_path / "b.txt")]
    assert f"arner: skipped {tmp_path / 'a.txt'}: not valid utf-8 at byte 180000" in result.stderr


def test_unreadable_file_is_reported(tmp_path, bert_loc, monkeypatch):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(ARTICLE, encoding="utf-8")
    real_open = open

    def guarded(path, *args, **kwargs):
        if str(path).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(sources, "open", guarded, raising=False)
    result = run("extract", "-m", str(bert_loc), "-f", "jsonl", str(tmp_path))
    assert result.exit_code == 4
    assert f"arner: skipped {tmp_path / 'secret.txt'}: Permission denied" in result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_output_dir_mirrors_the_tree_and_resumes(batch, bert_loc, tmp_path):
    out = tmp_path / "out"
    first = run("extract", "-m", str(bert_loc), "-q", "-o", str(out), str(batch))
    assert first.exit_code == 4 and first.stdout == ""
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == sorted(f"{name}.json" for name in [*GOOD, "empty.txt", "blank.txt", "sub/marks.txt"])
    document = json.loads((out / "utf8.txt.json").read_text(encoding="utf-8"))
    assert texts(document) == located(ARTICLE)
    (out / "utf8.txt.json").unlink()
    again = run("extract", "-m", str(bert_loc), "-o", str(out), "--skip-existing", str(batch))
    assert again.stderr.splitlines()[-1] == "arner: 1 file read, 7 already done, 4 skipped, 3 entities"
    assert json.loads((out / "utf8.txt.json").read_text(encoding="utf-8")) == document


LINE = "زار الكاظمي بغداد\n"
LONG = "\n" * 70_000 + LINE  # the words come after the 64 KB encoding sample


def test_pipes_fifos_and_dev_stdin_are_read_once(tmp_path, bert_loc):
    """A FIFO, /dev/stdin and a FIFO inside a folder, in one real process."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(LINE, encoding="utf-8")
    os.mkfifo(folder / "stuck.txt")  # no writer: opening it would hang the run
    fifo = tmp_path / "named.txt"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "wb") as stream:
            stream.write(LONG.encode("utf-8"))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    result = subprocess.run(
        [sys.executable, "-m", "arner", "extract", "-m", str(bert_loc), "-f", "json", str(folder), str(fifo),
         "/dev/stdin"],
        input=LONG.encode("utf-8"), capture_output=True, timeout=300,
    )
    writer.join(timeout=5)
    stderr = result.stderr.decode()
    assert result.returncode == 4, stderr
    documents = {d["source"]: d for d in json.loads(result.stdout)}
    assert list(documents) == [str(folder / "a.txt"), str(fifo), "/dev/stdin"]
    for source in (str(fifo), "/dev/stdin"):
        entities = documents[source]["entities"]
        assert [(e["text"], e["line"]) for e in entities] == [(word, 70_001) for word in WORDS]
        assert all(LONG[e["start"] : e["end"]] == e["text"] for e in entities)
    assert f"arner: skipped {folder / 'stuck.txt'}: not a regular file (FIFO)\n" in stderr


def test_closed_stdin_with_a_file_and_a_process_substitution(tmp_path, bert_loc):
    path = tmp_path / "a.txt"
    path.write_text(LINE, encoding="utf-8")
    result = subprocess.run(
        f"{sys.executable} -m arner extract -q -f jsonl -m {bert_loc} {path} <(cat {path}) <&-",
        shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=300,
    )
    assert (result.returncode, result.stderr) == (0, "")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["text"] for row in rows] == WORDS * 2
    assert rows[0]["source"] == str(path) and rows[3]["source"].startswith("/dev/fd/")


def test_a_forced_encoding_drops_the_byte_order_mark(tmp_path, bert_loc):
    cases = {
        "utf-8": codecs.BOM_UTF8 + ARTICLE.encode("utf-8"),
        "utf-16-le": codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"),
        "utf-32-be": codecs.BOM_UTF32_BE + ARTICLE.encode("utf-32-be"),
    }
    for encoding, data in cases.items():
        (tmp_path / "a.txt").write_bytes(data)
        result = run("extract", "-m", str(bert_loc), "-f", "json", "--encoding", encoding, str(tmp_path / "a.txt"))
        (document,) = json.loads(result.stdout)
        assert document["encoding"] == encoding and texts(document) == located(ARTICLE), encoding


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_or_32_without_a_byte_order_mark_is_skipped_with_a_reason(tmp_path, bert_loc, encoding):
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode(encoding + "-le"))
    bom = {"utf-16": codecs.BOM_UTF16_LE, "utf-32": codecs.BOM_UTF32_LE}[encoding]
    (tmp_path / "b.txt").write_bytes(bom + ARTICLE.encode(encoding + "-le"))  # with its mark: read
    result = run("extract", "-m", str(bert_loc), "-f", "json", "--encoding", encoding, str(tmp_path))
    assert result.exit_code == 4
    (document,) = json.loads(result.stdout)
    assert document["source"] == str(tmp_path / "b.txt") and texts(document) == located(ARTICLE)
    assert (f"arner: skipped {tmp_path / 'a.txt'}: no byte-order mark, which {encoding} needs "
            f"(pass --encoding {encoding}-le or {encoding}-be)") in result.stderr


@pytest.mark.parametrize(
    "encoding", ["hex", "base64", "rot13", "zlib", "idna", "uu", "bz2", "quopri", "punycode", "undefined", ""]
)
def test_codecs_that_do_not_decode_files_are_refused_up_front(tmp_path, encoding):
    result = run("extract", "--encoding", encoding, str(tmp_path))
    assert result.exit_code == 2 and "--encoding" in result.stderr and "Traceback" not in result.stderr


def test_short_windows_1256_is_not_guessed_as_another_script():
    line = "زار الكاظمي بغداد\n".encode("cp1256")  # 18 bytes
    assert sources.detect_encoding(line) == ("cp1256", "cp1256", "")
    iso = ("قال الوزير إن الوفد وصل إلى العاصمة\n" * 3).encode("iso8859-6")
    assert sources.detect_encoding(iso)[:2] == ("iso8859-6", "iso8859-6")
    # Other scripts stay charset-normalizer's; a short sample's guess is flagged unsure.
    russian = ("Привет, как дела? Всё хорошо. Москва — столица России.\n" * 20).encode("cp1251")
    assert sources.detect_encoding(russian) == ("cp1251", "cp1251", "")
    name, _, warning = sources.detect_encoding("Le café était très bon.\n".encode("latin-1"))
    assert name not in ("cp1256", "iso8859-6") and warning.startswith(f"encoding guessed as {name}, unsure")


def test_an_unsure_encoding_is_a_warning_on_stderr(tmp_path, bert_loc):
    (tmp_path / "a.txt").write_bytes("Le café était très bon.\n".encode("latin-1"))
    result = run("extract", "-m", str(bert_loc), "-f", "jsonl", str(tmp_path / "a.txt"))
    assert result.exit_code == 0
    assert f"arner: {tmp_path / 'a.txt'}: encoding guessed as " in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "tsv", "table"])
def test_file_names_are_valid_utf8_and_safe_at_a_terminal(tmp_path, bert_loc, fmt):
    raw = os.fsencode(tmp_path) + b"/\xff\x1b[31mred\\x.txt"
    with open(raw, "wb") as stream:
        stream.write(LINE.encode("utf-8"))
    result = CliRunner().invoke(cli, ["extract", "-m", str(bert_loc), "-f", fmt, os.fsdecode(raw)],
                                catch_exceptions=False)
    out = result.stdout_bytes.decode("utf-8")  # valid UTF-8
    assert result.exit_code == 0 and "\x1b" not in out + result.stderr
    shown = f"{tmp_path}/\\xff\\x1b[31mred\\\\x.txt"
    if fmt == "json":
        assert json.loads(out)[0]["source"] == shown
    elif fmt == "jsonl":
        assert {json.loads(line)["source"] for line in out.splitlines()} == {shown}
    elif fmt == "tsv":
        assert out.splitlines()[1].split("\t")[0] == shown.replace("\\", "\\\\")
    else:
        # The table's title (the file name) wraps at the table's width.
        assert "\\xff\\x1b[31mred" in out.replace("\n", "")
