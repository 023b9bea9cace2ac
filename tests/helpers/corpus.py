"""A generated corpus of news-like documents: sample_data's sentences, shuffled into many files."""

from __future__ import annotations

import random
import re
from pathlib import Path

from . import SAMPLE_DATA


def sample_sentences() -> list[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(SAMPLE_DATA.rglob("*.txt")))
    return [part.strip() for part in re.split(r"(?<=[.؟!])\s+|\n+", text) if part.strip()]


def make_corpus(folder: Path, documents: int, seed: int = 0) -> Path:
    """`documents` files of 2 to 12 sentences (one paragraph a line), in 10 sub-folders."""
    rng = random.Random(seed)
    sentences = sample_sentences()
    for number in range(documents):
        path = folder / f"part-{number % 10}" / f"doc-{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        chosen = rng.sample(sentences, rng.randint(2, 12))
        paragraphs = [" ".join(chosen[i : i + 3]) for i in range(0, len(chosen), 3)]
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return folder


def make_conll(path: Path, count: int = 20) -> Path:
    """A small CoNLL file (`word TAG` lines) for benches' --quick runs: sample_data's first
    `count` sentences as arner splits them, labelled by the built-in model (silver, not gold)."""
    from arner.extractor import Extractor
    from arner.text.segment import sentences_of

    texts = [file.read_text(encoding="utf-8") for file in sorted(SAMPLE_DATA.rglob("*.txt"))]
    sentences = [[word.text for word in sentence.words] for text in texts for sentence in sentences_of(text)][:count]
    labels = Extractor("builtin").label(sentences)
    path.write_text("".join("".join(f"{w} {t}\n" for w, t in zip(s, l)) + "\n" for s, l in zip(sentences, labels)),
                    encoding="utf-8")
    return path


def tiny_conll(path: Path, names: list[tuple[str, str]], repeat: int = 4) -> Path:
    """A CoNLL file of `زار NAME أمس` sentences, NAME labelled B-KIND, each pair `repeat` times."""
    path.write_text("".join(f"زار O\n{name} B-{kind}\nأمس O\n\n" for name, kind in names * repeat), encoding="utf-8")
    return path
