"""The bad-input matrix: every case is generated here and run in one batch."""

import codecs
import json
import os

import pytest
from click.testing import CliRunner

from arner.inputs import sources
from arner.cli import cli

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
        + [f"arner: skipped {batch / 'sub' / 'loop'}: symlink loop (folder already visited)"]
    )
    assert result.stderr.splitlines()[-1] == "arner: 8 files read, 4 skipped, 57 entities"


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
