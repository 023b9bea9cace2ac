"""`--engine ray` gives what `--engine local` gives, on a Ray cluster of two nodes of one CPU each
started here (loopback), joined as the driver, or by `--ray-address`."""

import logging
import os
import pickle
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from click.testing import CliRunner

from arner.cli import cli
from arner.engines import load_ray
from arner.extractor import Extractor
from arner.inputs.sources import text_document
from arner.models import Settings
from arner.engines.local import open_input
from arner.types import SentenceResult, Skipped

from ..helpers import SAMPLE_DATA
from ..helpers.corpus import make_corpus

# Ray Data's own deprecated settings, touched when it copies its context.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray")


@pytest.fixture(scope="module")
def ray_engine():
    """arner.engines.ray as `--engine ray` loads it to start Ray here: before Ray is imported, with the
    setting that keeps Ray on loopback, taken out of the environment again after these tests."""
    with mock.patch.dict(os.environ):
        yield load_ray(local=True)


@pytest.fixture(scope="module", autouse=True)
def cluster(ray_engine):
    """Two Ray nodes of one CPU each on this machine, and this process their driver (every test here
    but those that join by --ray-address, which disconnect it first); shut down after these tests."""
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1)
        with ray_engine.connect(cluster.address):
            yield cluster
    finally:
        cluster.shutdown()


@pytest.fixture
def driver_away(cluster, ray_engine):
    """This process leaves the cluster for one test (the CLI joins it by --ray-address) and comes back after."""
    import ray

    ray.shutdown()
    yield cluster.address
    with ray_engine._quiet_stderr():
        ray.init(address=cluster.address, log_to_driver=False, logging_level=logging.ERROR)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus") / "news", 200)


@pytest.fixture(scope="module")
def local_output(corpus, tmp_path_factory):
    """The local engine's `-o` files for the corpus ({relative path: bytes}), and its closing line."""
    folder = tmp_path_factory.mktemp("local-output")
    run = extract("local", "-m", "builtin", "-o", folder, corpus)  # the tests' model: their ARNER_MODEL is not set yet
    assert run.exit_code == 0
    return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*.json")}, run.stderr.splitlines()[-1]


def extract(engine, *args):
    return CliRunner().invoke(cli, ["extract", "--engine", engine, *map(str, args)], catch_exceptions=False)


def assert_same(local, ray_run):
    assert (ray_run.exit_code, ray_run.stderr, ray_run.stdout) == (local.exit_code, local.stderr, local.stdout)


def test_the_cluster_started_here_is_on_loopback():
    import ray

    assert ray.util.get_node_ip_address() == "127.0.0.1"
    assert [node["NodeManagerAddress"] for node in ray.nodes() if node["Alive"]] == ["127.0.0.1"] * 2


@pytest.mark.parametrize("fmt, join", [("json", "as driver"), ("jsonl", "by --ray-address")])
def test_sample_data_same_as_local(fmt, join, request):
    local = extract("local", "-f", fmt, SAMPLE_DATA)
    assert local.exit_code == 0 and local.stdout.count('"type"') > 100
    address = ["--ray-address", request.getfixturevalue("driver_away")] if join == "by --ray-address" else []
    assert_same(local, extract("ray", *address, "-f", fmt, SAMPLE_DATA))


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


def test_a_file_gone_before_its_worker_opens_it_is_skipped_as_locally(tmp_path, ray_engine):
    gone = tmp_path / "gone.txt"
    worker = ray_engine._DocumentWorker({"model": "builtin"}, None, "jsonl", None, False)
    batch = {"path": np.array([str(gone)]), "source": np.array(["gone.txt"]), "relpath": np.array(["gone.txt"])}
    [outcome] = [pickle.loads(row) for row in worker(batch)["outcome"]]
    assert outcome.events == [open_input(gone, "gone.txt", "gone.txt", None)]
    assert outcome.events == [Skipped("gone.txt", "No such file or directory")]


def test_output_dir_resumes_after_a_partial_run(corpus, local_output, tmp_path):
    clean, _ = local_output
    done = sorted(clean)
    assert len(done) == 200
    # A run killed half-way: half the files written (atomically), a temporary file left behind.
    out = tmp_path / "out"
    for name in done[::2]:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(clean[name])
    (out / done[1].parent / f".{done[1].name}.killed.tmp").write_text('{"sou')
    before = {name: (out / name).stat().st_mtime_ns for name in done[::2]}

    resumed = extract("ray", "-o", out, "--skip-existing", corpus)
    assert resumed.exit_code == 0
    assert resumed.stderr.splitlines()[-1].startswith("arner: 100 files read, 100 already done, ")
    assert sorted(path.relative_to(out) for path in out.rglob("*.json")) == done
    assert all((out / name).read_bytes() == clean[name] for name in done)
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


def test_extract_dataset_gives_the_entities_of_each_text(ray_engine):
    import ray

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


def workers_of(cluster) -> list[int]:
    """The process ids of the cluster's _DocumentWorker actors (children of its raylets, so no other Ray's)."""
    raylets = {node.all_processes["raylet"][0].process.pid for node in [cluster.head_node, *cluster.worker_nodes]}
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            title = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if parent in raylets and b"_DocumentWorker" in title:
            found.append(int(pid))
    return found


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(cluster, corpus, local_output, tmp_path, driver_away):
    expected, closing_line = local_output
    out = tmp_path / "ray"
    killed, finished = [], threading.Event()

    def kill_a_worker_once_files_appear():
        # Mid-run: some files written, not all; then one worker process dies at once (SIGKILL).
        while not finished.is_set() and not killed:
            written = sum(1 for _ in out.rglob("*.json")) if out.exists() else 0
            workers = workers_of(cluster)
            if 0 < written < len(expected) and workers:
                os.kill(workers[0], 9)
                killed.append(written)
            time.sleep(0.01)

    killer = threading.Thread(target=kill_a_worker_once_files_appear)
    killer.start()
    run = extract("ray", "--ray-address", driver_away, "-o", out, corpus)
    finished.set()
    killer.join()
    assert killed, "the run ended before a worker could be killed"
    assert run.exit_code == 0
    # Ray says on stderr that it retries the dead worker's task; arner's closing line counts nothing twice.
    assert [line for line in run.stderr.splitlines() if line.startswith("arner: ")][-1] == closing_line
    assert {path.relative_to(out): path.read_bytes() for path in out.rglob("*.json")} == expected


def test_workers_default_to_one_per_cpu_and_a_copy_no_node_holds_is_refused(ray_engine):
    assert ray_engine.default_workers(ray_engine.worker_cpus(Settings())) == 2
    assert ray_engine.worker_cpus(Settings(threads=1)) == 1
    assert ray_engine.for_workers({"model": "builtin"}, 2)["settings"].threads == 2  # a worker's threads: its CPUs
    result = extract("ray", "--threads", "2", SAMPLE_DATA)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == ("Error: --threads 2: no node of the Ray cluster has that many CPUs "
                                              "(the largest has 1) (give --threads at most the CPUs of one node)")
