"""From per-word label probabilities to BIO labels: each word's best, or the best BIO-valid sequence.

Probabilities are [words, labels] arrays over one label list of O and B-/I- pairs.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..types import Labelled


def best(probs: np.ndarray, labels: list[str]) -> Labelled:
    """Each word's most probable label."""
    return [(labels[k], float(row[k])) for k, row in zip(probs.argmax(axis=1).tolist(), probs)]


@cache
def _transitions(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Log-scores (0 or -inf) of starting with each label and of each label pair: I-X only after B-X or I-X."""
    n = len(labels)
    start = np.array([-np.inf if label.startswith("I-") else 0.0 for label in labels])
    pairs = np.zeros((n, n))
    for j, label in enumerate(labels):
        if label.startswith("I-"):
            for i, previous in enumerate(labels):
                if previous == "O" or previous[2:] != label[2:]:
                    pairs[i, j] = -np.inf
    return start, pairs


def viterbi(probs: np.ndarray, labels: list[str]) -> Labelled:
    """The most probable sequence in which every I-X follows B-X or I-X."""
    return viterbi_many([probs], labels)[0]


def viterbi_many(sentences: list[np.ndarray], labels: list[str]) -> list[Labelled]:
    """`viterbi` of each sentence, all of them a word position at a time: numpy's cost per
    call, not per element, is what a sentence of 9 labels pays, so a document's
    sentences share each step. Longest first, so the sentences still going are a prefix."""
    start, pairs = _transitions(tuple(labels))
    order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
    lengths = [len(sentences[i]) for i in order]
    active = sum(n > 0 for n in lengths)
    out: list[Labelled] = [[] for _ in sentences]
    if not active:
        return out
    # float64 holds each float32 log exactly: the sums are those of one sentence alone.
    logs = np.zeros((active, lengths[0], len(labels)))
    for row, i in enumerate(order[:active]):
        logs[row, : lengths[row]] = np.log(np.maximum(sentences[i], 1e-9))
    score = start + logs[:, 0]
    finals: list[np.ndarray] = [score[0]] * active
    back = []
    for t in range(1, lengths[0]):
        going = sum(n > t for n in lengths[:active])
        finals[going:active] = score[going:active]
        active = going
        candidates = score[:active, :, None] + pairs
        back.append(candidates.argmax(axis=1))
        score = candidates.max(axis=1) + logs[:active, t]
    finals[:active] = score[:active]
    for row, final in enumerate(finals):
        i = order[row]
        path = [int(final.argmax())]
        for pointers in reversed(back[: lengths[row] - 1]):
            path.append(int(pointers[row, path[-1]]))
        path.reverse()
        out[i] = [(labels[k], float(word[k])) for k, word in zip(path, sentences[i])]
    return out
