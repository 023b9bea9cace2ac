"""Speed and memory of arner's BERT inference against CAMeL's NERecognizer.predict.

Builds a random-weight BERT with CAMeLBERT's shape (speed does not depend on the
weights), labels the same sentences with both, and prints words/s, the ratio,
label agreement and --quantize figures; then the built-in model's speed; then
peak RSS of `arner extract` on 1k and 100k sentences.

    python bench/speed.py [--scale 0.25] [--skip-memory]
    python bench/speed.py --quick         # a smoke run: a 1-layer BERT of 2,000 pieces, a few sentences
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout: its tests.helpers

LETTERS = [chr(c) for c in range(0x0627, 0x064B) if chr(c).isalpha()]


def corpus_words() -> list[str]:
    """Running words of real Arabic news: ANERcorp train when it is beside the checkout."""
    from arner.text.segment import tokenize

    anercorp = ROOT.parent / "shared" / "data" / "anercorp" / "train.txt"
    if anercorp.exists():
        return [line.split()[0] for line in anercorp.read_text(encoding="utf-8").splitlines() if line.strip()]
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "sample_data").rglob("*.txt")))
    return [word.text for word in tokenize(text)]


def camelbert_shaped(path: Path, words: list[str], vocab_size: int = 30_000, layers: int = 12) -> Path:
    """A random BERT-base token classifier with a 30k word-piece vocabulary.

    The vocabulary holds the corpus's most frequent words and word endings, so
    words split into about as many pieces as with CAMeLBERT's own vocabulary.
    """
    from tests.helpers.bert import build_bert

    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces = dict.fromkeys([*LETTERS, *("##" + ch for ch in LETTERS)])
    endings = Counter("##" + word[-n:] for word in words for n in (2, 3) if len(word) > n + 1)
    for piece, _ in Counter(words).most_common():
        if len(pieces) >= (vocab_size - len(special)) * 0.8:
            break
        pieces.setdefault(piece.lower())
    for piece, _ in endings.most_common():
        if len(pieces) >= vocab_size - len(special):
            break
        pieces.setdefault(piece)
    shape = {"hidden_size": 768, "num_hidden_layers": layers, "num_attention_heads": 12, "intermediate_size": 3072}
    return build_bert(path, vocab=special + list(pieces), shape=shape)


def sentences(words: list[str], length: int, count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(words) for _ in range(max(1, int(rng.gauss(length, length / 5))))] for _ in range(count)]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def agreement(a: list[list[str]], b: list[list[str]]) -> float:
    pairs = [(x, y) for p, q in zip(a, b) for x, y in zip(p, q)]
    return sum(x == y for x, y in pairs) / len(pairs)


def bert_table(model: Path, words: list[str], scale: float) -> None:
    from arner.models import Settings, camel
    from arner.models.bert import BertRecognizer

    camel_ner = camel.load_recognizer(model, use_gpu=False)
    ours = BertRecognizer(model, Settings("cpu"))
    quantized = BertRecognizer(model, Settings("cpu", quantize=True))
    cases = [("short (≈10 words)", 10, 120), ("medium (≈25 words)", 25, 60), ("long (≈300 words)", 300, 8)]
    print("| sentences | words | CAMeL predict words/s | arner words/s | speed-up | label agreement "
          "| arner --quantize words/s | quantize speed-up | quantize agreement |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, length, count in cases:
        batch = sentences(words, length, max(4, int(count * scale)), seed=length)
        total = sum(map(len, batch))
        ours.predict(batch[:4])
        camel_labels, camel_time = timed(camel_ner.predict, batch)
        ours_out, ours_time = timed(ours.predict, batch)
        quant_out, quant_time = timed(quantized.predict, batch)
        ours_labels = [[label for label, _ in s] for s in ours_out]
        quant_labels = [[label for label, _ in s] for s in quant_out]
        print(
            f"| {name} × {len(batch)} | {total} | {total / camel_time:,.0f} | {total / ours_time:,.0f} "
            f"| {camel_time / ours_time:.1f}× | {agreement(camel_labels, ours_labels):.2%} "
            f"| {total / quant_time:,.0f} | {ours_time / quant_time:.2f}× | {agreement(ours_labels, quant_labels):.2%} |"
        )


def builtin_speed(words: list[str], count: int) -> None:
    from arner import models

    model = models.load(models.resolve("builtin"))
    batch = sentences(words, 25, count, seed=1)
    total = sum(map(len, batch))
    model.predict(batch[:10])
    _, seconds = timed(model.predict, batch)
    print(f"\nbuilt-in model: {total / seconds:,.0f} words/s ({total} words, 25-word sentences, one process)")


def peak_rss_mb(model: str, sentence_count: int, folder: Path) -> float:
    path = folder / f"{sentence_count}.txt"
    line = "وقال المتحدث باسم الحكومة إن رئيس الوزراء مصطفى الكاظمي وصل إلى مطار بغداد.\n"
    with open(path, "w", encoding="utf-8") as stream:
        for _ in range(sentence_count):
            stream.write(line)
    # VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's size at fork.
    code = (
        "import sys; from arner.cli import cli\n"
        "try: cli()\nexcept SystemExit: pass\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "extract", "-q", "-f", "jsonl", "-m", model, str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True,
    )
    return int(result.stderr.strip().splitlines()[-1]) / 1024


def memory_table(folder: Path, counts: tuple[int, int], bert: bool = True) -> None:
    from tests.helpers.bert import build_bert

    rows = [("built-in CRF", "builtin")]
    if bert:
        rows.append(("BERT (tiny, same pipeline)", str(build_bert(folder / "tiny-bert", seed=1))))
    print(f"\n| model | peak RSS, {counts[0]:,} sentences | peak RSS, {counts[1]:,} sentences | growth |")
    print("|---|---|---|---|")
    for name, model in rows:
        small, large = (peak_rss_mb(model, count, folder) for count in counts)
        print(f"| {name} | {small:.0f} MB | {large:.0f} MB | {large - small:+.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="this fraction of the sentences (at least 4 per length)")
    parser.add_argument("--quick", action="store_true",
                        help="a 1-layer BERT of 2,000 pieces, 4 sentences per length, the CRF's memory on 100 and 200 sentences "
                        "(a smoke run)")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    import torch

    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, Python {sys.version.split()[0]}\n")
    words = corpus_words()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        shape = {"vocab_size": 2_000, "layers": 1} if args.quick else {}
        bert_table(camelbert_shaped(folder / "camelbert-shaped", words, **shape), words, 0 if args.quick else args.scale)
        builtin_speed(words, 200 if args.quick else 2_000)
        if not args.skip_memory:
            memory_table(folder, (100, 200), bert=False) if args.quick else memory_table(folder, (1_000, 100_000))


if __name__ == "__main__":
    main()
