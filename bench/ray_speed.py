"""Words/s of the built-in model with the local engine and with Ray (1 and 2 workers), and Ray's fixed cost.

Generates a corpus of news-like documents (sample_data's sentences shuffled), runs
`arner extract -f jsonl` through each engine, and prints words/s, the fixed cost of
starting Ray and of one Ray run, 2-vs-1-worker efficiency, and the corpus size from
which Ray pays off on this machine. It checks on the way that Ray's output and
skipped-file report equal the local engine's (the corpus holds a binary file, and a
missing path is given).

    python bench/ray_speed.py [--documents 2000]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from arner import runner  # noqa: E402
from arner.engines import load_ray  # noqa: E402
from arner.extractor import Extractor  # noqa: E402
from arner.output.formats import JsonlWriter  # noqa: E402
from arner.types import SentenceResult  # noqa: E402
from corpus_fixture import make_corpus  # noqa: E402

QUIET = Console(file=io.StringIO())
ray_engine = load_ray(local=True)


def words_in(folder: Path) -> int:
    documents = runner.documents([str(folder)], "*.txt", None, None, None, runner.Report())
    events = Extractor().stream(documents)
    return sum(len(event.sentence.words) for event in events if isinstance(event, SentenceResult))


def local(paths: list[str]) -> tuple[float, float, tuple]:
    """Wall-clock and CPU seconds (on a busy machine the CPU time says what an idle one would do), output."""
    extractor, out = Extractor(), io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    report = runner.run(extractor, paths, JsonlWriter(out), stdin=None, quiet=True, console=QUIET)
    return time.perf_counter() - start, time.process_time() - cpu, (out.getvalue(), report)


def on_ray(paths: list[str], workers: int) -> tuple[float, tuple]:
    start, out = time.perf_counter(), io.StringIO()
    report = ray_engine.run({"model": "builtin"}, paths, fmt="jsonl", summary=False, stdout=out, pattern="*.txt",
                            encoding=None, output_dir=None, skip_existing=False, address=None, workers=workers,
                            quiet=True, console=QUIET)
    return time.perf_counter() - start, (out.getvalue(), report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    documents = parser.parse_args().documents
    with tempfile.TemporaryDirectory() as tmp:
        corpus = make_corpus(Path(tmp) / "corpus", documents)
        words = words_in(corpus)
        (corpus / "part-0" / "scan.txt").write_bytes(b"%PDF-1.4\x00\x01" * 100)
        paths = [str(corpus), str(Path(tmp) / "missing.txt")]
        one = [str(make_corpus(Path(tmp) / "one", 1))]
        print(f"corpus: {documents} documents, {words:,} words; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")
        local_s, local_cpu, expected = local(paths)
        print(f"{'local engine:':21}{words / local_s:8,.0f} words/s ({local_s:.1f} s; "
              f"{words / local_cpu:,.0f} words per CPU second)")
        start = time.perf_counter()
        with ray_engine.connect(num_cpus=2):
            init_s = time.perf_counter() - start
            run_s = min(on_ray(one, 1)[0] for _ in range(2))
            print(f"Ray start-up: {init_s:.1f} s to start Ray; {run_s:.1f} s for a run of one document")
            results = {}
            for workers in (1, 2):
                results[workers], got = on_ray(paths, workers)
                same = "same output and skipped files as local" if got == expected else "DIFFERENT FROM LOCAL"
                label = f"Ray, {workers} worker{'s' if workers > 1 else ''}:"
                print(f"{label:21}{words / results[workers]:8,.0f} words/s ({results[workers]:.1f} s; {same})")
        efficiency = results[1] / results[2] / 2
        print(f"2 workers vs 1: {results[1] / results[2]:.2f}x, efficiency {efficiency:.0%}")
        # `arner extract --engine ray` takes init_s + run_s + W / rate2; the local engine W / local_rate.
        fixed, local_rate, rate2 = init_s + run_s, words / local_s, words / (results[2] - run_s)
        if rate2 > local_rate:
            even = fixed / (1 / local_rate - 1 / rate2)
            print(f"--engine ray (2 workers, {fixed:.0f} s fixed) pays off from ≈{even:,.0f} words "
                  f"(≈{even / words * documents:,.0f} such documents)")
        else:
            print("Ray does not pay off on this machine: 2 workers label no faster than the local engine")


if __name__ == "__main__":
    main()
