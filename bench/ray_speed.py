"""Words/s of `arner extract -f jsonl` with the local engine and with Ray (1 and 2 workers), and Ray's fixed cost.

The corpus is distinct texts: a CoNLL file (ANERcorp train by default) cut into
--files files of consecutive sentences, one sentence a line (not copies of one
file: e5 reuses a repeated sentence's probabilities, so copies would inflate
words/s). Prints words/s of each engine, the fixed cost of starting Ray and of
one Ray run, 2-vs-1-worker speed-up, and the corpus size from which Ray pays off
on this machine. It checks on the way that Ray's output and skipped-file report
equal the local engine's (a binary file is added, and a missing path is given).

    python bench/ray_speed.py [--conll ../shared/data/anercorp/train.txt] [--files 800] [--model e5] [--threads N]
    python bench/ray_speed.py --quick      # a few seconds' smoke run: 8 generated files, built-in model
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
sys.path.insert(0, str(ROOT))  # the checkout: its tests.helpers

from rich.console import Console  # noqa: E402

from arner.engines import local as runner  # noqa: E402
from arner.engines import load_ray  # noqa: E402
from arner.extractor import Extractor  # noqa: E402
from arner.inputs.conll import read_conll  # noqa: E402
from arner.models import Settings  # noqa: E402
from arner.output.formats import JsonlWriter  # noqa: E402
from arner.text.segment import sentences_of  # noqa: E402
from tests.helpers.corpus import make_corpus  # noqa: E402

QUIET = Console(file=io.StringIO())
ray_engine = load_ray(local=True)


def cut_conll(conll: Path, folder: Path, files: int) -> Path:
    """The CoNLL file's sentences, in order, cut into `files` files (one sentence a line)."""
    sentences, _ = read_conll(conll)
    for number in range(files):
        part = sentences[number * len(sentences) // files : (number + 1) * len(sentences) // files]
        path = folder / f"part-{number % 10}" / f"doc-{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(" ".join(words) + "\n" for words in part), encoding="utf-8")
    return folder


def words_in(folder: Path) -> int:
    """Words as arner's segmenter counts them (what the model labels)."""
    return sum(len(sentence.words) for path in folder.rglob("*.txt")
               for sentence in sentences_of(path.read_text(encoding="utf-8")))


def local(model: str, threads: int | None, paths: list[str]) -> tuple[float, float, tuple]:
    """Wall-clock and CPU seconds (on a busy machine the CPU time says what an idle one would do), output."""
    start, cpu = time.perf_counter(), time.process_time()
    extractor, out = Extractor(model, settings=Settings(threads=threads)), io.StringIO()
    report = runner.run(extractor, paths, JsonlWriter(out), stdin=None, quiet=True, console=QUIET)
    return time.perf_counter() - start, time.process_time() - cpu, (out.getvalue(), report)


def on_ray(model: str, paths: list[str], workers: int) -> tuple[float, tuple]:
    start, out = time.perf_counter(), io.StringIO()
    report = ray_engine.run({"model": model}, paths, JsonlWriter(out), fmt="jsonl", pattern="*.txt", encoding=None,
                            output_dir=None, skip_existing=False, address=None, workers=workers, quiet=True,
                            console=QUIET)
    return time.perf_counter() - start, (out.getvalue(), report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conll", type=Path, default=ROOT.parent / "shared" / "data" / "anercorp" / "train.txt")
    parser.add_argument("--files", type=int, default=800)
    parser.add_argument("--model", default="e5")
    parser.add_argument("--threads", type=int, help="the local engine's threads (default: torch's, one per core); "
                        "each Ray worker has one")
    parser.add_argument("--quick", action="store_true", help="8 generated files, built-in model (a smoke run)")
    args = parser.parse_args()
    model = "builtin" if args.quick else args.model
    with tempfile.TemporaryDirectory() as tmp:
        if args.quick:
            corpus = make_corpus(Path(tmp) / "corpus", 8)
        else:
            corpus = cut_conll(args.conll, Path(tmp) / "corpus", args.files)
        files, words = sum(1 for _ in corpus.rglob("*.txt")), words_in(corpus)
        (corpus / "part-0" / "scan.txt").write_bytes(b"%PDF-1.4\x00\x01" * 100)
        paths = [str(corpus), str(Path(tmp) / "missing.txt")]
        one = [str(next(corpus.rglob("doc-*.txt")))]
        print(f"corpus: {files} files, {words:,} words, model {model}; load average "
              f"{' '.join(f'{load:.1f}' for load in os.getloadavg())} on {os.cpu_count()} CPUs")
        local_s, local_cpu, expected = local(model, args.threads, paths)
        print(f"{'local engine:':21}{words / local_s:8,.0f} words/s ({local_s:.1f} s, loading included; "
              f"{local_cpu:.1f} CPU s; {args.threads or 'default'} threads)")
        start = time.perf_counter()
        with ray_engine.connect():
            init_s = time.perf_counter() - start
            run_s = min(on_ray(model, one, 1)[0] for _ in range(1 if args.quick else 2))
            print(f"Ray start-up: {init_s:.1f} s to start Ray; {run_s:.1f} s for a run of one file")
            results, differs = {}, False
            for workers in (1, 2):
                results[workers], got = on_ray(model, paths, workers)
                differs |= got != expected
                same = "same output and skipped files as local" if got == expected else "DIFFERENT FROM LOCAL"
                label = f"Ray, {workers} worker{'s' if workers > 1 else ''}:"
                print(f"{label:21}{words / results[workers]:8,.0f} words/s ({results[workers]:.1f} s; {same})")
        print(f"2 workers vs 1: {results[1] / results[2]:.2f}x; load average now "
              f"{' '.join(f'{load:.1f}' for load in os.getloadavg())}")
        # `arner extract --engine ray` takes init_s + run_s + W / rate2; the local engine W / local_rate.
        fixed, local_rate, rate2 = init_s + run_s, words / local_s, words / max(results[2] - run_s, 1e-9)
        if rate2 > local_rate:
            even = fixed / (1 / local_rate - 1 / rate2)
            print(f"--engine ray (2 workers, {fixed:.0f} s fixed) pays off from ≈{even:,.0f} words")
        else:
            print("Ray does not pay off on this machine: 2 workers label no faster than the local engine")
        if differs:
            sys.exit("ray_speed: Ray's output differs from the local engine's")


if __name__ == "__main__":
    main()
