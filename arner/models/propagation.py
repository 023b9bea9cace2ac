"""Label propagation: a doubtful word takes the type its stem has confidently nearby.

A document repeats its names in contexts of varying clarity and a tagger labels
each occurrence on its own, so the clear ones vouch for the others. The built-in
CRF and e5's document evidence both use this one rule, each with its own tuned
thresholds:

- a word votes for its type when its label is an entity label whose probability
  (the probability of the label chosen) is at least `min_entity`;
- a word is doubtful when it is labelled O and carries every label's
  probability (`Tagged.alternatives`, set by the caller where P(O) is low);
- a doubtful word takes the type with most votes for its stem within `window`
  sentences each way (ties in `TYPES` order), as B-, or I- after that type.

Function words (`text.function_words`) neither vote nor take a type, and
stems shorter than `min_stem` letters are too ambiguous to vouch for each other
(`can_vouch`, which the evidence's soft pull reads too). A word spelled like a
normalized function word (علي, as ANERcorp and many writers spell على) may be a
name and vote as one, but takes no type from its namesakes: it may be the particle.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from ..text.function_words import FUNCTION_WORDS, NORMALIZED_FUNCTION_WORDS
from ..types import TYPES, Labelled


class Tagged(NamedTuple):
    label: str
    probability: float  # of `label`
    alternatives: dict[str, float] | None  # every label's probability, for doubtful O words only


def propagate(
    stems: list[list[str]], tagged: list[list[Tagged]], window: int, min_entity: float, min_stem: int = 3
) -> list[Labelled]:
    """(label, probability) per word of consecutive sentences after propagation."""

    def votes(sentence_stems: list[str], sentence: list[Tagged]) -> list[tuple[str, str]]:
        return [
            (stem, tag.label[2:])
            for stem, tag in zip(sentence_stems, sentence)
            if tag.label != "O" and tag.probability >= min_entity and can_vouch(stem, min_stem)
        ]

    cast = [votes(s, t) for s, t in zip(stems, tagged)]
    counts: Counter[tuple[str, str]] = Counter()
    for index in range(min(window, len(cast))):
        counts.update(cast[index])
    result = []
    for index, (sentence_stems, sentence) in enumerate(zip(stems, tagged)):
        if index + window < len(cast):
            counts.update(cast[index + window])
        if index - window - 1 >= 0:
            counts.subtract(cast[index - window - 1])
        labelled: Labelled = []
        for stem, tag in zip(sentence_stems, sentence):
            receives = (
                tag.alternatives is not None and can_vouch(stem, min_stem) and stem not in NORMALIZED_FUNCTION_WORDS
            )
            kind = _majority(counts, stem) if receives else None
            if kind is None:
                labelled.append((tag.label, tag.probability))
                continue
            assert tag.alternatives is not None  # a kind is found only for a word that `receives`
            previous = labelled[-1][0] if labelled else "O"
            label = ("I-" if previous[2:] == kind else "B-") + kind
            labelled.append((label, tag.alternatives.get(label, 0.0)))
        result.append(labelled)
    return result


def can_vouch(stem: str, min_stem: int) -> bool:
    """Whether occurrences of `stem` may lend each other their types."""
    return len(stem) >= min_stem and stem not in FUNCTION_WORDS


def _majority(counts: Counter[tuple[str, str]], stem: str) -> str | None:
    best = max(TYPES, key=lambda kind: counts[(stem, kind)])
    return best if counts[(stem, best)] > 0 else None
