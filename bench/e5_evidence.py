"""Tune the e5 model's document evidence on a dev split and print the variants table.

    python bench/e5_evidence.py MODEL_DIR --train TRAIN --test NAME=FILE ... [--crf DIR] [--write]
    python bench/e5_evidence.py --quick   # a smoke run: the shipped model, 20 sentences of sample_data for both

The dev split is the last 10 % of TRAIN (the part the e5 model was not trained
on); a CRF is trained on the first 90 % (about a minute; or give one with
--crf), so its marginals on dev are held out too. Every knob is chosen on dev;
each test file is then scored once per variant with the CRF that ships
(built-in, all of TRAIN), read as one document and with each sentence alone.
--write stores the best variant in MODEL_DIR/meta.json as its "evidence" block
and re-measures the model's scores there.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from arner.inputs.conll import read_conll
from arner.models import Settings, measure
from arner.models.base import write_meta
from arner.models import e5
from arner.models.crf import BUILTIN_DIR
from arner.models.crf.model import CRFModel
from arner.models.crf.train import held_out_dev
from arner.models.e5.model import E5Recognizer
from arner.models.decoding import best, viterbi
from arner.models.evidence import Evidence
from arner.scoring import canonical_tag, summary

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: its tests.helpers
from tests.helpers.corpus import make_conll  # noqa: E402

OFF = Evidence(crf_weight=0.0, alpha=0.0, max_outside=0.0)


class Split:
    """A labelled split with the e5 probabilities and CRF marginals it needs, computed once."""

    def __init__(self, sentences, gold, model: E5Recognizer, crf: CRFModel) -> None:
        self.gold = [[canonical_tag(tag) for tag in tags] for tags in gold]
        self.labels = model.labels
        self.probs = model.probabilities(sentences)
        self.doc = (crf.marginals(sentences, self.labels), crf.stems(sentences))
        alone = [(crf.marginals([s], self.labels)[0], crf.stems([s])[0]) for s in sentences]
        self.alone = ([m for m, _ in alone], [s for _, s in alone])

    def f1(self, evidence: Evidence | None, each_sentence: bool = False, decode=viterbi) -> float:
        if evidence is None:
            predicted = [decode(p, self.labels) for p in self.probs]
        elif each_sentence:
            marginals, stems = self.alone
            predicted = [evidence.apply([p], [m], [s], self.labels)[0] for p, m, s in zip(self.probs, marginals, stems)]
        else:
            predicted = evidence.apply(self.probs, *self.doc, self.labels)
        return round(summary(self.gold, [[label for label, _ in sentence] for sentence in predicted])["f1"], 4)


def tune(dev: Split) -> list[tuple[str, Evidence | None, object]]:
    """The variants, each with its knobs chosen on dev."""

    def pick(candidates):
        return max(candidates, key=dev.f1)

    mix = pick(replace(OFF, crf_weight=w) for w in (0.2, 0.3, 0.4, 0.5, 0.6))
    soft = pick(replace(OFF, alpha=a, window=n) for a, n in itertools.product((0.2, 0.35, 0.5, 0.65), (5, 10, 20)))
    hard = pick(replace(OFF, min_entity=e, max_outside=o, window=n)
                for e, o, n in itertools.product((0.5, 0.7, 0.9), (0.6, 0.8, 0.95), (5, 10, 20)))
    both = pick(replace(OFF, crf_weight=w, alpha=a, window=n)
                for w, a, n in itertools.product((0.3, 0.4, 0.5, 0.6), (0.0, 0.2, 0.35, 0.5), (5, 10, 20)))
    full = pick(replace(both, min_entity=e, max_outside=o) for e, o in itertools.product((0.5, 0.7, 0.9), (0.6, 0.8, 0.95)))
    return [
        ("e5, each word's best label", None, best),
        ("e5 + BIO Viterbi", None, viterbi),
        ("+ CRF marginals mixed in", mix, None),
        ("+ soft propagation", soft, None),
        ("+ hard propagation", hard, None),
        ("+ CRF mix + soft propagation", both, None),
        ("+ CRF mix + soft + hard propagation", full, None),
    ]


def run(model_dir: Path, train: Path, crf_dir: Path | None, test: list[str], write: bool) -> None:
    model = E5Recognizer.load(model_dir, Settings("cpu"))
    sentences, gold, crf = held_out_dev(train, crf_dir)
    dev = Split(sentences, gold, model, crf)
    shipped = CRFModel.load(BUILTIN_DIR)
    tests = {name: Split(*read_conll(Path(path)), model, shipped) for name, path in (t.split("=", 1) for t in test)}
    variants = tune(dev)
    names = list(tests)
    print("| variant | knobs (chosen on dev) | dev F1 | " + " | ".join(f"{n} document | {n} each sentence" for n in names) + " |")
    print("|---|---|---|" + "---|---|" * len(names))
    best_variant = max(variants, key=lambda v: dev.f1(v[1], decode=v[2] or viterbi))
    for name, evidence, decode in variants:
        knobs = json.dumps(asdict(evidence)) if evidence else ""
        cells = [dev.f1(evidence, decode=decode or viterbi)]
        for split in tests.values():
            cells += [split.f1(evidence, decode=decode or viterbi), split.f1(evidence, True, decode=decode or viterbi)]
        print(f"| {name} | {knobs} | " + " | ".join(f"{c:.3f}" for c in cells) + " |", flush=True)
    print(f"best on dev: {best_variant[0]}")
    if write and best_variant[1] is not None:
        meta_path = model_dir / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["evidence"] = asdict(best_variant[1])
        write_meta(model_dir, meta)
        measure(model_dir, {name: Path(path) for name, path in (t.split("=", 1) for t in test)})
        print(f"wrote its evidence block and scores into {meta_path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, nargs="?")
    parser.add_argument("--train", type=Path)
    parser.add_argument("--crf", type=Path, help="a CRF trained on the first 90 %% of TRAIN")
    parser.add_argument("--test", action="append", default=[], metavar="NAME=FILE")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="the shipped model; 20 sentences of sample_data with silver labels as TRAIN and test")
    args = parser.parse_args()
    if args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            conll = make_conll(Path(tmp) / "quick.conll")
            run(e5.SHIPPED_DIR, conll, None, [f"quick={conll}"], write=False)
    elif args.model and args.train:
        run(args.model, args.train, args.crf, args.test, args.write)
    else:
        parser.error("give MODEL_DIR and --train, or --quick")


if __name__ == "__main__":
    main()
