"""`--engine ray` gives what `--engine local` gives, on a Ray started here (loopback, 2 CPUs)."""

import pickle
import shutil
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from corpus_fixture import SAMPLE_DATA, make_corpus

from arner.cli import cli
from arner.engines import load_ray

ray_engine = load_ray(local=True)  # before Ray is imported: Ray on loopback only

import ray.data  # noqa: E402

from arner.extractor import Extractor  # noqa: E402
from arner.inputs.sources import text_document
from arner.runner import open_input
from arner.types import SentenceResult, Skipped

# Ray Data's own deprecated settings, touched when it copies its context.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray")


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    with ray_engine.connect(num_cpus=2):
        yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus") / "news", 200)


def extract(engine, *args):
    return CliRunner().invoke(cli, ["extract", "--engine", engine, *map(str, args)], catch_exceptions=False)


def assert_same(local, ray_run):
    assert (ray_run.exit_code, ray_run.stderr, ray_run.stdout) == (local.exit_code, local.stderr, local.stdout)


def test_the_ray_started_here_is_on_loopback():
    assert ray.util.get_node_ip_address() == "127.0.0.1"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_sample_data_same_as_local(fmt):
    local = extract("local", "-f", fmt, SAMPLE_DATA)
    assert local.exit_code == 0 and local.stdout.count('"type"') > 100
    assert_same(local, extract("ray", "-f", fmt, SAMPLE_DATA))


def test_bad_files_reported_and_counted_as_locally(corpus, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01" * 200)
    good = "وصل الكاظمي إلى بغداد.\n".encode() * 50
    (bad / "latin.txt").write_bytes(good + b"caf\xe9\n")
    args = ("-f", "tsv", "--encoding", "utf-8", bad, corpus, tmp_path / "vanished.txt")
    local = extract("local", *args)
    assert local.exit_code == 4
    assert [line for line in local.stderr.splitlines() if "skipped" in line or "read" in line] == [
        f"arner: skipped {bad / 'binary.txt'}: binary data (control characters), not text",
        f"arner: skipped {bad / 'latin.txt'}: not valid utf-8 at byte {len(good) + 3}",
        f"arner: skipped {tmp_path / 'vanished.txt'}: no such file or directory",
        f"arner: 200 files read, 3 skipped, {local.stdout.count(chr(10)) - 1} entities",
    ]
    assert_same(local, extract("ray", *args))


def test_a_file_gone_before_its_worker_opens_it_is_skipped_as_locally(tmp_path):
    gone = tmp_path / "gone.txt"
    worker = ray_engine._DocumentWorker({"model": "builtin"}, None, "jsonl", None, False)
    batch = {"path": np.array([str(gone)]), "source": np.array(["gone.txt"]), "relpath": np.array(["gone.txt"])}
    [outcome] = [pickle.loads(row) for row in worker(batch)["outcome"]]
    assert outcome.events == [open_input(gone, "gone.txt", "gone.txt", None)]
    assert outcome.events == [Skipped("gone.txt", "No such file or directory")]


def test_output_dir_resumes_after_a_partial_run(corpus, tmp_path):
    clean = tmp_path / "clean"
    assert extract("local", "-q", "-o", clean, corpus).exit_code == 0
    done = sorted(path.relative_to(clean) for path in clean.rglob("*.json"))
    assert len(done) == 200
    # A run killed half-way: half the files written (atomically), a temporary file left behind.
    out = tmp_path / "out"
    for name in done[::2]:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(clean / name, out / name)
    (out / done[1].parent / f".{done[1].name}.killed.tmp").write_text('{"sou')
    before = {name: (out / name).stat().st_mtime_ns for name in done[::2]}

    resumed = extract("ray", "-o", out, "--skip-existing", corpus)
    assert resumed.exit_code == 0
    assert resumed.stderr.splitlines()[-1].startswith("arner: 100 files read, 100 already done, ")
    assert sorted(path.relative_to(out) for path in out.rglob("*.json")) == done
    assert all((out / name).read_bytes() == (clean / name).read_bytes() for name in done)
    assert {name: (out / name).stat().st_mtime_ns for name in before} == before  # nothing written twice


def test_a_documents_entities_do_not_depend_on_the_documents_before_it():
    # What lets an engine batch documents as it likes: here windows of 4 sentences, documents of ~5 to 20.
    extractor = Extractor("builtin", window=4)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLE_DATA.rglob("*.txt"))] * 2
    documents = [text_document(text, str(number)) for number, text in enumerate(texts)]
    together = {str(number): [] for number in range(len(texts))}
    for event in extractor.stream(documents):
        if isinstance(event, SentenceResult):
            together[event.document.source].extend(event.entities)
    assert list(together.values()) == [extractor.extract(text) for text in texts]


def test_extract_dataset_gives_the_entities_of_each_text():
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLE_DATA.rglob("*.txt"))]
    ds = ray.data.from_items([{"id": number, "text": text} for number, text in enumerate(texts)])
    rows = ray_engine.extract_dataset(ds, id_column="id", model="builtin", workers=2).take_all()
    extractor = Extractor("builtin")
    expected = [{"source": number, **entity.to_dict()} for number, text in enumerate(texts)
                for entity in extractor.extract(text)]
    key = lambda row: (row["source"], row["start"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(expected, key=key)


def test_missing_ray_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.data", None)
    result = CliRunner().invoke(cli, ["extract", "--engine", "ray", str(SAMPLE_DATA)])
    assert (result.exit_code, result.stderr) == (1, "Error: --engine ray needs Ray: pip install 'arner[ray]'\n")


@pytest.mark.parametrize("args, message", [
    (["--workers", "2", "a.txt"], "--workers needs --engine ray"),
    (["--engine", "ray", "-"], "--engine ray reads files and directories, not stdin"),
])
def test_usage_errors(args, message):
    result = CliRunner().invoke(cli, ["extract", *args], input="نص")
    assert result.exit_code == 2 and message in result.stderr
