"""The e5 model's load time, speed and peak memory on the ANERcorp test sentences.

    python bench/e5_speed.py ../shared/data/anercorp/test.txt [--threads 2] [--quantize] [--no-evidence]
    python bench/e5_speed.py ../shared/data/anercorp/test.txt --variants --train ../shared/data/anercorp/train.txt
    python bench/e5_speed.py --quick [--variants]   # a smoke run on 20 sentences of sample_data

The file is labelled as one document, as `arner evaluate` reads it; --no-evidence
times the encoder alone (each sentence alone, no CRF, no propagation).

--variants prints docs/speed.md's table: for each encoder (float32, the
default; with --train, its attention in int8 on fixed input ranges measured on
TRAIN's dev split, `crf.train.held_out_dev`, never test; --quantize, dynamic
int8), the encoder's seconds on all sentences, F1 as `arner evaluate` gives it
(one document, each sentence; name list included), the encoder alone (BIO
Viterbi), and whether its scores are the same at two batch sizes (the largest
change in a probability).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch  # before timing the load: what `arner` pays once per process either way
from torch import nn

from arner.inputs.conll import read_conll
from arner.models import Settings, e5
from arner.scoring import summary

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: its tests.helpers
from tests.helpers.corpus import make_conll  # noqa: E402

INT8_LAYERS = ("query", "key", "value", "attention_out")  # the attention's linear layers


class Int8Linear(nn.Module):
    """A linear layer in int8 on CPU: weights per output channel, inputs on one fixed scale.

    The input scale is the largest input the layer saw on the dev split: torch's
    dynamic quantization measures it per call instead, one scale for the whole
    batch, so a sentence's scores would depend on its batch-mates.
    """

    def __init__(self, linear: nn.Linear, input_range: float) -> None:
        super().__init__()
        weight = linear.weight.detach().float()
        scales = weight.abs().amax(dim=1).clamp_min(1e-12) / 127
        zeros = torch.zeros(len(scales), dtype=torch.long)
        qweight = torch.quantize_per_channel(weight, scales.double(), zeros, 0, torch.qint8)
        self.packed = torch.ops.quantized.linear_prepack(qweight, linear.bias.detach().float())
        self.input_scale = input_range / 127

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Inputs become uint8 around a zero point of 128: [-128, 127] steps of input_scale.
        return torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32(x, self.input_scale, 128, self.packed)


def input_ranges(recognizer, sentences: list[list[str]]) -> dict[str, float]:
    """The largest absolute input of each INT8_LAYERS layer over `sentences`."""
    ranges: dict[str, float] = {}

    def watch(name: str):
        def hook(_module, args) -> None:
            ranges[name] = max(ranges.get(name, 0.0), float(args[0].abs().max()))
        return hook

    hooks = [getattr(layer, name).register_forward_pre_hook(watch(f"layers.{i}.{name}"))
             for i, layer in enumerate(recognizer.tagger.layers) for name in INT8_LAYERS]
    try:
        recognizer.probabilities(sentences)
    finally:
        for hook in hooks:
            hook.remove()
    return ranges


def int8_attention(recognizer, dev: list[list[str]]):
    """The recognizer's tagger with its attention's linear layers as Int8Linear on ranges measured on `dev`."""
    ranges = input_ranges(recognizer, dev)
    for i, layer in enumerate(recognizer.tagger.layers):
        for name in INT8_LAYERS:
            setattr(layer, name, Int8Linear(getattr(layer, name), ranges[f"layers.{i}.{name}"]))
    return recognizer.tagger


def speed(sentences: list[list[str]], labels: list[list[str]], settings: Settings, no_evidence: bool) -> None:
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


def variants(sentences: list[list[str]], labels: list[list[str]], settings: Settings, train: Path | None) -> None:
    """docs/speed.md's table: one Markdown row per encoder."""
    from arner.extractor import Extractor
    from arner.models.crf import BUILTIN_DIR
    from arner.models.crf.train import held_out_dev
    from arner.models.e5.model import E5Recognizer
    from arner.models.decoding import viterbi
    from arner.scoring import predict

    def load(quantize: bool = False):
        return E5Recognizer.load(e5.SHIPPED_DIR, replace(settings, quantize=quantize))

    encoders = {"float32 (default)": lambda: load().tagger}
    if train:
        dev = held_out_dev(train, BUILTIN_DIR)[0]  # the CRF is not used: any will do
        encoders["int8 attention, fixed input ranges"] = lambda: int8_attention(load(), dev)
    encoders["--quantize (dynamic int8, all but FFN output)"] = lambda: load(quantize=True).tagger
    extractor = Extractor(str(e5.SHIPPED_DIR), settings=settings)
    recognizer = extractor.recognizer
    print("| encoder | encoder s | F1 one document | F1 each sentence | encoder alone | batch-independent |")
    print("|---|---|---|---|---|---|")
    for name, encoder in encoders.items():
        recognizer.tagger = encoder()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conll", nargs="?")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quantize", action="store_true")
    parser.add_argument("--no-evidence", action="store_true")
    parser.add_argument("--variants", action="store_true", help="docs/speed.md's table of encoders")
    parser.add_argument("--train", type=Path, help="with --variants: int8 attention on ranges from TRAIN's dev split")
    parser.add_argument("--quick", action="store_true", help="20 sentences of sample_data, silver labels (a smoke run)")
    args = parser.parse_args()
    settings = Settings("cpu", threads=args.threads, quantize=args.quantize)
    if args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            sentences, labels = read_conll(make_conll(Path(tmp) / "quick.conll"))
    elif args.conll:
        sentences, labels = read_conll(args.conll)
    else:
        parser.error("give a CoNLL file or --quick")
    if args.variants:
        variants(sentences, labels, settings, args.train)
    else:
        speed(sentences, labels, settings, args.no_evidence)


if __name__ == "__main__":
    main()
