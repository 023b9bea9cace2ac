"""e5's training data as the encoder takes it: sentences cut into piece-id examples, batched by
length, padded, and run once through layers whose output does not change during training."""

from __future__ import annotations

import random
from collections.abc import Callable

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
IGNORE = -100  # loss ignores pieces after a word's first
# Longer sentences are cut into examples of at most this many pieces: a batch of 16
# full 510-piece windows holds ~8 GB of activations for the backward pass.
TRAIN_WINDOW = 256


def to_examples(tokenizer, sentences: list[list[str]], labels: list[list[str]]) -> list[tuple[list[int], list[int]]]:
    """(piece ids, piece labels) per sentence; a sentence over TRAIN_WINDOW becomes several."""
    index = {label: i for i, label in enumerate(LABELS)}
    examples = []
    for words, tags in zip(sentences, labels):
        ids: list[int] = []
        targets: list[int] = []
        for word, tag in zip(words, tags):
            pieces = tokenizer.word_pieces(word)[:TRAIN_WINDOW]
            if len(ids) + len(pieces) > TRAIN_WINDOW:
                examples.append((ids, targets))
                ids, targets = [], []
            ids.extend(pieces)
            targets.extend([index[tag]] + [IGNORE] * (len(pieces) - 1))
        if ids:
            examples.append((ids, targets))
    return examples


def length_batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: sort within pools of 32 batches, shuffle batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = size * 32
    batches: list[list[int]] = []
    for at in range(0, len(order), pool):
        chunk = sorted(order[at : at + pool], key=lengths.__getitem__)
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def padded(examples: list[tuple[list[int], list[int]]], batch: list[int], pad: int, cls: int, sep: int):
    """Input ids, attention mask and piece targets of a batch, <s>/</s> added, padded."""
    import torch

    width = max(len(examples[i][0]) for i in batch) + 2
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    targets = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    for row, i in enumerate(batch):
        pieces, tags = examples[i]
        ids[row, : len(pieces) + 2] = torch.tensor((cls, *pieces, sep))
        mask[row, : len(pieces) + 2] = 1
        targets[row, 1 : len(pieces) + 1] = torch.tensor(tags)
    return ids, mask, targets


def each_example(examples, tokenizer, compute: Callable) -> list:
    """`compute(ids, mask, targets)` over length-sorted batches, without gradients: one tensor per example."""
    import torch

    results: list = [None] * len(examples)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    with torch.inference_mode():
        for at in range(0, len(order), 64):
            batch = order[at : at + 64]
            for i, value in zip(
                batch, compute(*padded(examples, batch, tokenizer.pad_id, tokenizer.cls_id, tokenizer.sep_id))
            ):
                results[i] = value.clone()
    return results


def bottom_states(tagger, examples, frozen: int, tokenizer) -> list:
    """Hidden states after the frozen bottom layers, one [pieces + 2, hidden] per example.

    Those layers (and the embeddings) get no gradient and run without dropout, so
    their output is fixed: computed once, it spares them a forward pass per epoch.
    """

    def compute(ids, mask, targets):
        hidden = tagger.encode(ids, mask, slice(0, frozen))
        return [row[: int(width)] for row, width in zip(hidden, mask.sum(dim=1))]

    return each_example(examples, tokenizer, compute)
