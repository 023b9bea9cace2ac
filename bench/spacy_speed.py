"""Words/s of arner inside spaCy (`nlp.pipe`) against `arner extract` on the same texts.

ANERcorp's test split (beside the checkout, in ../shared/data) is joined into
documents of `--sentences` sentences, one sentence a line. `arner extract -f jsonl`
(the runner, on one file per document, JSON lines to memory) and
`nlp.pipe(texts, batch_size=...)` on `spacy.blank("ar")` with the `arner`
component label them in alternating rounds, each run with a model of its own
loaded before the clock starts. The script checks that both find the same
entities and prints words/s (wall clock and per CPU second: on a busy machine
the CPU time says what an idle one would do) and their ratio, and the words/s
of spaCy's tokenizer alone (`spacy.blank("ar")`), which is part of nlp.pipe's time.

    python bench/spacy_speed.py [--quick] [--model e5] [--batch-size 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from rich.console import Console  # noqa: E402

from arner.engines import local as runner  # noqa: E402
from arner.extractor import Extractor  # noqa: E402
from arner.inputs.conll import read_conll  # noqa: E402
from arner.output.formats import JsonlWriter  # noqa: E402

ANERCORP_TEST = ROOT.parent / "shared" / "data" / "anercorp" / "test.txt"
QUIET = Console(file=io.StringIO())


def documents(sentences: list[list[str]], per_document: int) -> list[str]:
    lines = [" ".join(words) for words in sentences]
    return ["\n".join(lines[i : i + per_document]) for i in range(0, len(lines), per_document)]


def timed(run) -> tuple[float, float, object]:
    start, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - start, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="builtin model, 100 sentences, 1 round: a few seconds")
    parser.add_argument("--model", default="e5", help="model for both sides (default: e5)")
    parser.add_argument("--sentences", type=int, default=10, help="sentences per document (default: 10)")
    parser.add_argument("--batch-size", type=int, default=1000, help="nlp.pipe batch size in texts (spaCy's default)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    limit, model, rounds = (100, "builtin", 1) if args.quick else (None, args.model, args.rounds)

    sentences, _ = read_conll(ANERCORP_TEST)
    texts = documents(sentences[:limit], args.sentences)
    words = sum(len(text.split()) for text in texts)

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, text in enumerate(texts):
            path = Path(folder) / f"{i:05d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))

        # Each run loads its own model, outside the timing: e5 keeps the encoder's output of
        # sentences it has seen, so a second run on the same texts would be mostly cache hits.
        def extract(paths=paths):
            extractor = Extractor(model)

            def run():
                out = io.StringIO()
                runner.run(extractor, paths, JsonlWriter(out), stdin=None, quiet=True, console=QUIET)
                found = {path: [] for path in paths}
                for row in map(json.loads, out.getvalue().splitlines()):
                    found[row["source"]].append((row["text"], row["type"], row["start"], row["end"]))
                return list(found.values())

            return run

        def pipe(texts=texts):
            nlp = spacy.blank("ar")
            nlp.add_pipe("arner", config={"model": model})

            def run():
                docs = nlp.pipe(texts, batch_size=args.batch_size)
                return [[(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents] for doc in docs]

            return run

        def tokenize(texts=texts):
            nlp = spacy.blank("ar")
            return lambda: [len(doc) for doc in nlp.pipe(texts, batch_size=args.batch_size)]

        extract(paths[:2])(), pipe(texts[:2])()  # warm-up: the first calls in a process set up shared state
        times: dict[str, list[tuple[float, float]]] = {"arner extract": [], "nlp.pipe": [], "spaCy tokenizer": []}
        for round_ in range(rounds):
            order = [("arner extract", extract), ("nlp.pipe", pipe)]
            results = {}
            for name, side in order if round_ % 2 == 0 else order[::-1]:
                wall, cpu, results[name] = timed(side())
                times[name].append((wall, cpu))
            assert results["arner extract"] == results["nlp.pipe"], "nlp.pipe and arner extract found different entities"
            wall, cpu, _ = timed(tokenize())
            times["spaCy tokenizer"].append((wall, cpu))  # its part of nlp.pipe's time

    print(f"model {model}, {len(texts)} documents of {args.sentences} sentences, {words:,} words "
          f"(ANERcorp test), nlp.pipe batch_size {args.batch_size}, {rounds} round(s); "
          f"load average {os.getloadavg()[0]:.2f}")
    print("same entities on both sides: yes")
    speeds = {}
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        speeds[name] = (words / wall, words / cpu)
        print(f"{name:16} {words / wall:10,.0f} words/s (wall)  {words / cpu:10,.0f} words/CPU-s")
    ratio_wall = speeds["nlp.pipe"][0] / speeds["arner extract"][0]
    ratio_cpu = speeds["nlp.pipe"][1] / speeds["arner extract"][1]
    print(f"nlp.pipe / arner extract: {ratio_wall:.2f}x (wall)  {ratio_cpu:.2f}x (CPU)")


if __name__ == "__main__":
    main()
