"""A document's evidence on a tagger's per-word label probabilities, then BIO labels.

A neural tagger scores each sentence alone. A document repeats its names, clear
in one sentence and doubtful in the next, and the built-in CRF's features read
across sentences; `Evidence` adds both to the tagger's probabilities:

1. mix them with the CRF's marginals (`crf_weight`);
2. pull each word's type mass toward the mean over its stem's other occurrences
   within `window` sentences (`alpha`);
3. decode the best BIO-valid sequence;
4. give a doubtful O word (P(O) < `max_outside`) the type its stem was
   confidently (>= `min_entity`) labelled with within `window` sentences
   (`models.propagation`, the rule the CRF uses too).

Probabilities are [words, labels] arrays over one label list of O and B-/I- pairs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np

from ..types import TYPES, Labelled
from .base import reach
from .decoding import viterbi_many
from .propagation import Tagged, can_vouch, propagate


@dataclass(frozen=True)
class Evidence:
    """Document evidence settings; the defaults are what the shipped e5 model uses (chosen on
    a dev split by bench/e5_evidence.py) and what `arner train --kind e5` writes."""

    crf_weight: float = 0.5
    window: int = 10
    alpha: float = 0.5
    min_entity: float = 0.5
    max_outside: float = 0.95
    min_stem: int = 3  # shorter stems are too ambiguous to vouch for each other

    def reach(self, crf_context: int) -> int:
        """Sentences each way that can change a sentence's labels: the CRF's features, then the
        soft pull and the propagation, each over `window`."""
        return reach(crf_context, self.window, self.window)

    def apply(
        self, probs: list[np.ndarray], marginals: list[np.ndarray], stems: list[list[str]], labels: list[str]
    ) -> list[Labelled]:
        mixed = [(1 - self.crf_weight) * p + self.crf_weight * m for p, m in zip(probs, marginals)]
        mixed = self._soften(mixed, stems, labels)
        return self._harden(viterbi_many(mixed, labels), mixed, stems, labels)

    def _soften(self, probs: list[np.ndarray], stems: list[list[str]], labels: list[str]) -> list[np.ndarray]:
        if not self.alpha:
            return probs
        b_cols = [labels.index("B-" + kind) for kind in TYPES]
        i_cols = [labels.index("I-" + kind) for kind in TYPES]
        outside = labels.index("O")
        masses = [np.column_stack([p[:, outside], p[:, b_cols] + p[:, i_cols]]) for p in probs]
        # Where each stem that can vouch occurs: sentence numbers ascending, and the masses there.
        places: dict[str, tuple[list[int], list[np.ndarray]]] = {}
        for j, sentence_stems in enumerate(stems):
            for k, stem in enumerate(sentence_stems):
                if can_vouch(stem, self.min_stem):
                    at, found = places.setdefault(stem, ([], []))
                    at.append(j)
                    found.append(masses[j][k])
        out = []
        for i, (p, sentence_stems) in enumerate(zip(probs, stems)):
            q = p.copy()
            for k, stem in enumerate(sentence_stems):
                at, found = places.get(stem, ([], []))
                others = found[bisect_left(at, i - self.window) : bisect_right(at, i + self.window)]
                if len(others) < 2:
                    continue
                mean = (np.sum(others, axis=0) - masses[i][k]) / (len(others) - 1)
                target = (1 - self.alpha) * masses[i][k] + self.alpha * mean
                q[k, outside] = target[0]
                for t, (b, inside) in enumerate(zip(b_cols, i_cols)):
                    total = p[k, b] + p[k, inside]
                    # The word's own B/I split is kept; with no mass to split, B unless the previous word is in an entity.
                    share = p[k, b] / total if total > 1e-6 else (1.0 if k == 0 or q[k - 1, outside] > 0.5 else 0.5)
                    q[k, b] = target[1 + t] * share
                    q[k, inside] = target[1 + t] * (1 - share)
            out.append(q)
        return out

    def _harden(
        self, labelled: list[Labelled], probs: list[np.ndarray], stems: list[list[str]], labels: list[str]
    ) -> list[Labelled]:
        outside = labels.index("O")
        tagged = [
            [
                Tagged(
                    label,
                    score,
                    dict(zip(labels, row.tolist())) if label == "O" and row[outside] < self.max_outside else None,
                )
                for (label, score), row in zip(sentence, p)
            ]
            for sentence, p in zip(labelled, probs)
        ]
        return propagate(stems, tagged, self.window, self.min_entity, self.min_stem)
