"""The e5 model's load time, speed and peak memory on the ANERcorp test sentences.

    python bench/e5_speed.py ../shared/data/anercorp/test.txt [--threads 2] [--quantize] [--no-evidence]
    python bench/e5_speed.py ../shared/data/anercorp/test.txt --variants   # docs/speed.md's table
    python bench/e5_speed.py --calibrate ../shared/data/anercorp/train.txt [--write]
    python bench/e5_speed.py --quick [--variants]   # a smoke run on 20 sentences of sample_data

The file is labelled as one document, as `arner evaluate` reads it; --no-evidence
times the encoder alone (each sentence alone, no CRF, no propagation).

--variants prints, for each encoder (float32; the default, its attention in
int8 on stored input ranges; --quantize, dynamic int8), the encoder's seconds
on all sentences, F1 as `arner evaluate` gives it (one document, each
sentence; name list included), the encoder alone (BIO Viterbi), and whether
its scores are the same at two batch sizes (the largest change in a
probability).

--calibrate measures the int8 layers' input ranges on the dev split the shipped
model was tuned on (`crf.train.held_out_dev`, never test) and with --write
stores them in the shipped meta.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from arner.inputs.conll import read_conll
from arner.models import Settings, e5
from arner.scoring import summary

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from corpus_fixture import make_conll  # noqa: E402

VARIANTS = {  # name: (quantize, int8 attention)
    "float32": (False, False),
    "int8 attention, stored input ranges (default)": (False, True),
    "--quantize (dynamic int8, all but FFN output)": (True, False),
}


def speed(sentences: list[list[str]], labels: list[list[str]], settings: Settings, no_evidence: bool) -> None:
    import torch  # imported before timing the load: what `arner` pays once per process either way

    started = time.perf_counter()
    from arner.models.e5.model import E5Recognizer

    model = E5Recognizer.load(e5.SHIPPED_DIR, settings)
    loaded = time.perf_counter() - started
    if no_evidence:
        model.evidence = None
    started = time.perf_counter()
    predicted = model.predict(sentences)
    seconds = time.perf_counter() - started
    words = sum(map(len, sentences))
    f1 = summary(labels, [[label for label, _ in sentence] for sentence in predicted])["f1"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch {torch.__version__}, {settings.threads} threads, quantize={settings.quantize}")
    print(f"load {loaded:.2f} s; {words:,} words in {seconds:.1f} s = {words / seconds:,.0f} words/s; "
          f"F1 {f1:.3f} ({'encoder alone' if no_evidence else 'with document evidence'}, no name list); peak RSS {peak:,.0f} MB")


def independence(moved: float) -> str:
    """Whether scores kept still across batch sizes, up to float32 rounding: a matrix
    product's rounding may follow its row count (how many windows are batched)."""
    return f"{'yes' if moved < 1e-5 else 'no'} ({moved:.0e})"


def variants(sentences: list[list[str]], labels: list[list[str]], settings: Settings) -> None:
    """docs/speed.md's table: one Markdown row per encoder."""
    from arner.extractor import Extractor
    from arner.models.e5.model import E5Recognizer
    from arner.models.evidence import viterbi
    from arner.scoring import predict

    extractor = Extractor(str(e5.SHIPPED_DIR), settings=settings)
    recognizer = extractor.recognizer
    print("| encoder | encoder s | F1 one document | F1 each sentence | encoder alone | batch-independent |")
    print("|---|---|---|---|---|---|")
    for name, (quantize, int8) in VARIANTS.items():
        recognizer.tagger = E5Recognizer.load(e5.SHIPPED_DIR, replace(settings, quantize=quantize), int8=int8).tagger
        started = time.perf_counter()
        probs = recognizer.probabilities(sentences)
        seconds = time.perf_counter() - started
        alone = summary(labels, [[label for label, _ in viterbi(p, recognizer.labels)] for p in probs])["f1"]
        recognizer.batch_size = 7  # other batch-mates for every sentence
        moved = max(float(np.abs(a - b).max(initial=0.0)) for a, b in zip(probs, recognizer.probabilities(sentences)))
        recognizer.batch_size = settings.batch_size
        recognizer._seen = dict(zip(map(tuple, sentences), probs))  # the evidence reads these, not the encoder again
        one = summary(labels, predict(extractor, sentences))["f1"]
        each = summary(labels, predict(extractor, sentences, each_sentence=True))["f1"]
        print(f"| {name} | {seconds:.2f} | {one:.4f} | {each:.4f} | {alone:.4f} | {independence(moved)} |", flush=True)


def calibrate(train: Path, settings: Settings, write: bool) -> None:
    from arner.models.crf import BUILTIN_DIR
    from arner.models.crf.train import held_out_dev
    from arner.models.e5.model import INT8_META, META_FILE, E5Recognizer, input_ranges

    dev, _, _ = held_out_dev(train, BUILTIN_DIR)  # the CRF is not used: any will do
    ranges = input_ranges(E5Recognizer.load(e5.SHIPPED_DIR, settings, int8=False), dev)
    print(json.dumps(ranges, indent=2))
    if write:
        path = e5.SHIPPED_DIR / META_FILE
        meta = json.loads(path.read_text(encoding="utf-8"))
        meta[INT8_META] = ranges
        path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written to {path}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conll", nargs="?")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quantize", action="store_true")
    parser.add_argument("--no-evidence", action="store_true")
    parser.add_argument("--variants", action="store_true", help="docs/speed.md's table of encoders")
    parser.add_argument("--calibrate", type=Path, metavar="TRAIN", help="the int8 input ranges on TRAIN's dev split")
    parser.add_argument("--write", action="store_true", help="with --calibrate: store them in the shipped meta.json")
    parser.add_argument("--quick", action="store_true", help="20 sentences of sample_data, silver labels (a smoke run)")
    args = parser.parse_args()
    settings = Settings("cpu", threads=args.threads, quantize=args.quantize)
    if args.calibrate:
        calibrate(args.calibrate, settings, args.write)
        return
    if args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            sentences, labels = read_conll(make_conll(Path(tmp) / "quick.conll"))
    elif args.conll:
        sentences, labels = read_conll(args.conll)
    else:
        parser.error("give a CoNLL file, --calibrate TRAIN, or --quick")
    if args.variants:
        variants(sentences, labels, settings)
    else:
        speed(sentences, labels, settings, args.no_evidence)


if __name__ == "__main__":
    main()
