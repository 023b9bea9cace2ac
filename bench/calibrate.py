"""Calibrate entity scores on a dev split: temperature, calibration error, F1 by --min-score.

    python bench/calibrate.py --train TRAIN [--crf DIR] [--model e5 --model builtin] [--write]
    python bench/calibrate.py --quick   # a smoke run: 40 silver-labelled sentences of sample_data

The dev split is the last 10 % of TRAIN, as `bench/e5_evidence.py` and e5's training
split it. Neither model may have seen it: the shipped CRF (the built-in model, and
e5's evidence) was trained on all of TRAIN, so a CRF trained on the first 90 % (about
a minute; or give one with --crf) stands in for it. The dev file is read as one
document. For each model this fits the temperature and bias that make entity scores
most likely (`text.spans.calibrated`; a temperature alone left e5's error at 0.073),
and prints the expected calibration error (10 equal bins) before and after, and dev F1
at each minimum score. --write stores them in the model's meta.json ("calibration").
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

from arner import Extractor
from arner.models.base import write_meta
from arner.models.crf.train import held_out_dev
from arner.scoring import canonical_tag
from arner.text.spans import bio_spans, calibrated

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: its tests.helpers
from tests.helpers.corpus import make_conll  # noqa: E402

THRESHOLDS = [round(0.05 * i, 2) for i in range(20)]


def expected_calibration_error(scored: list[tuple[float, bool]], bins: int = 10) -> float:
    total = 0.0
    for b in range(bins):
        inside = [(p, right) for p, right in scored if b / bins <= p < (b + 1) / bins or (b == bins - 1 and p == 1)]
        if inside:
            total += abs(sum(p for p, _ in inside) - sum(right for _, right in inside))
    return total / len(scored)


def fit(scored: list[tuple[float, bool]]) -> tuple[float, float]:
    """The temperature (0.2 to 5) and bias (-3 to 3) with the least negative log-likelihood, on a grid."""

    def nll(knobs: tuple[float, float]) -> float:
        return -sum(math.log(max(1e-9, q if right else 1 - q))
                    for q, right in ((calibrated(p, *knobs), right) for p, right in scored))

    temperatures = [math.exp(math.log(0.2) + i * (math.log(25) / 60)) for i in range(61)]
    biases = [round(-3 + 0.1 * i, 1) for i in range(61)]
    temperature, bias = min(((t, b) for t in temperatures for b in biases), key=nll)
    return round(temperature, 3), bias


def f1_at(scored: list[tuple[float, bool]], gold: int, threshold: float) -> float:
    kept = [right for p, right in scored if p >= threshold]
    tp = sum(kept)
    return 2 * tp / (len(kept) + gold) if kept or gold else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path)
    parser.add_argument("--crf", type=Path, help="a CRF trained on the first 90 %% of TRAIN")
    parser.add_argument("--model", action="append", help="e5 or builtin (default: both)")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--quick", action="store_true", help="40 sentences of sample_data, silver labels (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        if args.write:
            parser.error("--quick never writes")
        with tempfile.TemporaryDirectory() as tmp:
            calibrate(make_conll(Path(tmp) / "quick.conll", count=40), None, args.model, write=False)
    elif args.train:
        calibrate(args.train, args.crf, args.model, args.write)
    else:
        parser.error("give --train TRAIN, or --quick")


def calibrate(train: Path, crf_dir: Path | None, models: list[str] | None, write: bool) -> None:
    dev, gold, crf = held_out_dev(train, crf_dir)
    dev_gold = [[canonical_tag(tag) for tag in tags] for tags in gold]
    gold_spans = [set(bio_spans(tags)) for tags in dev_gold]
    n_gold = sum(map(len, gold_spans))

    for name in models or ["e5", "builtin"]:
        extractor = Extractor(name, min_score=0.0)
        extractor.temperature, extractor.bias = 1.0, 0.0
        if name == "builtin":
            extractor.recognizer = crf
        else:
            extractor.recognizer.crf = crf
        scored = [(span.score, (span.type, span.first, span.last) in spans)
                  for found, spans in zip(extractor.spans(dev), gold_spans) for span in found]
        temperature, bias = fit(scored)
        after = [(calibrated(p, temperature, bias), right) for p, right in scored]
        before_ece, after_ece = expected_calibration_error(scored), expected_calibration_error(after)
        print(f"{name}: {len(scored)} entities, {sum(r for _, r in scored)} right; temperature {temperature}, bias {bias}; "
              f"ECE {before_ece:.3f} -> {after_ece:.3f}")
        print("  min score | dev F1 (calibrated scores)")
        for threshold in THRESHOLDS:
            print(f"  {threshold:.2f} | {f1_at(after, n_gold, threshold):.4f}")
        best = max(THRESHOLDS, key=lambda t: (f1_at(after, n_gold, t), -t))
        print(f"  best: {best}")
        if write:
            meta_path = extractor.info.path / "meta.json"
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["calibration"] = {"temperature": temperature, "bias": bias, "dev_ece": [round(before_ece, 4), round(after_ece, 4)]}
            write_meta(extractor.info.path, meta)
            print(f"  wrote {meta_path}")


if __name__ == "__main__":
    main()
