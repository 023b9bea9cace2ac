"""The e5 model's load time, speed and peak memory on the ANERcorp test sentences.

    python bench/e5_speed.py ../shared/data/anercorp/test.txt [--threads 2] [--quantize] [--no-evidence]
    python bench/e5_speed.py --quick      # a few seconds' smoke run on 20 sentences of sample_data

The file is labelled as one document, as `arner evaluate` reads it; --no-evidence
times the encoder alone (each sentence alone, no CRF, no propagation).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from arner.inputs.conll import read_conll
from arner.models import Settings, e5
from arner.scoring import summary

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: its tests.helpers
from tests.helpers.corpus import make_conll  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conll", nargs="?")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quantize", action="store_true")
    parser.add_argument("--no-evidence", action="store_true")
    parser.add_argument("--quick", action="store_true", help="20 sentences of sample_data, silver labels (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            sentences, labels = read_conll(make_conll(Path(tmp) / "quick.conll"))
    elif args.conll:
        sentences, labels = read_conll(args.conll)
    else:
        parser.error("give a CoNLL file, or --quick")
    import torch  # imported before timing the load: what `arner` pays once per process either way

    started = time.perf_counter()
    from arner.models.e5.model import E5Recognizer

    model = E5Recognizer.load(e5.SHIPPED_DIR, Settings("cpu", threads=args.threads, quantize=args.quantize))
    loaded = time.perf_counter() - started
    if args.no_evidence:
        model.evidence = None
    started = time.perf_counter()
    predicted = model.predict(sentences)
    seconds = time.perf_counter() - started
    words = sum(map(len, sentences))
    f1 = summary(labels, [[label for label, _ in sentence] for sentence in predicted])["f1"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch {torch.__version__}, {args.threads} threads, quantize={args.quantize}")
    print(f"load {loaded:.2f} s; {words:,} words in {seconds:.1f} s = {words / seconds:,.0f} words/s; "
          f"F1 {f1:.3f} ({'encoder alone' if args.no_evidence else 'with document evidence'}, no name list); peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
