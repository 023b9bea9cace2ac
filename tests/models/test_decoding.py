"""models/decoding: each word's best label, and the best BIO-valid sequence of a sentence or of many."""

import numpy as np

from arner.models.decoding import viterbi, viterbi_many

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]


def _brute_force(probs):
    """The best BIO-valid sequence by trying them all (probabilities in general position: no ties)."""
    from itertools import product

    def valid(path):
        return all(not label.startswith("I-") or (i and path[i - 1][2:] == label[2:]) for i, label in enumerate(path))

    scores = {path: sum(np.log(probs[t, LABELS.index(label)]) for t, label in enumerate(path))
              for path in product(LABELS, repeat=len(probs)) if valid(path)}
    return list(max(scores, key=scores.get))


def test_viterbi_many_decodes_each_sentence_as_if_alone():
    rng = np.random.default_rng(0)
    sentences = [rng.dirichlet(np.ones(len(LABELS)) * 0.3, size=n).astype(np.float32) for n in (3, 0, 1, 4, 2, 3, 1)]
    together = viterbi_many(sentences, LABELS)
    assert together == [viterbi(p, LABELS) for p in sentences]
    assert [[label for label, _ in labelled] for labelled in together] == [_brute_force(p) for p in sentences]
