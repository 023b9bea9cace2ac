"""What a model got wrong against gold labels, by kind, with the most frequent examples.

Entities are compared per sentence as seqeval reads BIO labels (`bio_spans`).
A predicted entity with the gold words and type is right. Of the rest:

- wrong_type: the gold entity's words, another type;
- wrong_boundary: gold and predicted entities that overlap without covering the same
  words (their types may differ too); a group of such overlapping entities is one error;
- missed: a gold entity no predicted entity touches;
- spurious: a predicted entity that touches no gold entity.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .scoring import canonical_tag
from .text.spans import bio_spans

KINDS = ("missed", "spurious", "wrong_type", "wrong_boundary")
EXAMPLES = 10  # most frequent examples kept per kind


@dataclass
class Mistakes:
    correct: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, Counter[tuple[str, str]]] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})

    def add(self, kind: str, gold: str, predicted: str) -> None:
        self.counts[kind] += 1
        self.examples[kind][(gold, predicted)] += 1

    def as_dict(self) -> dict:
        return {
            "correct": self.correct,
            **{
                kind: {
                    "count": self.counts[kind],
                    "examples": [
                        {"gold": gold, "predicted": predicted, "count": n} for (gold, predicted), n in self.top(kind)
                    ],
                }
                for kind in KINDS
            },
        }

    def top(self, kind: str) -> list[tuple[tuple[str, str], int]]:
        """The most frequent examples of a kind, ties in alphabetical order (so output is stable)."""
        return sorted(self.examples[kind].items(), key=lambda item: (-item[1], item[0]))[:EXAMPLES]


def _shown(words: list[str], spans: list[tuple[str, int, int]]) -> str:
    """Entities as 'text TYPE', several joined by ' + '."""
    return " + ".join(f"{' '.join(words[first:last])} {kind}" for kind, first, last in spans)


def mistakes(sentences: list[list[str]], gold: list[list[str]], predicted: list[list[str]]) -> Mistakes:
    """Every gold and predicted entity of the sentences, sorted into right and the four kinds of wrong."""
    found = Mistakes()
    for words, gold_labels, predicted_labels in zip(sentences, gold, predicted):
        _sentence(found, words, bio_spans([canonical_tag(tag) for tag in gold_labels]), bio_spans(predicted_labels))
    return found


def _sentence(found: Mistakes, words: list[str], gold: list, predicted: list) -> None:
    by_words = {(first, last): kind for kind, first, last in gold}
    left_gold, left_predicted = list(gold), []
    for kind, first, last in predicted:
        gold_kind = by_words.get((first, last))
        if gold_kind is None:
            left_predicted.append((kind, first, last))
            continue
        left_gold.remove((gold_kind, first, last))
        if gold_kind == kind:
            found.correct += 1
        else:
            found.add("wrong_type", _shown(words, [(gold_kind, first, last)]), _shown(words, [(kind, first, last)]))
    # Group the rest by overlap: entities are sorted by start, so a group grows while the next one overlaps it.
    spans = sorted(
        [(first, last, "gold", kind) for kind, first, last in left_gold]
        + [(first, last, "predicted", kind) for kind, first, last in left_predicted]
    )
    groups: list[list[tuple[int, int, str, str]]] = []
    end = -1
    for span in spans:
        if groups and span[0] < end:
            groups[-1].append(span)
            end = max(end, span[1])
        else:
            groups.append([span])
            end = span[1]
    for group in groups:
        gold_side = [(kind, first, last) for first, last, side, kind in group if side == "gold"]
        predicted_side = [(kind, first, last) for first, last, side, kind in group if side == "predicted"]
        kind = "wrong_boundary" if gold_side and predicted_side else "missed" if gold_side else "spurious"
        found.add(kind, _shown(words, gold_side), _shown(words, predicted_side))
