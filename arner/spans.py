"""Turning one BIO label per word into entity spans with exact offsets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Container, Sequence

from .normalize import entity_key
from .segment import Sentence


@dataclass(frozen=True)
class Entity:
    """An entity found in a document; `text == document[start:end]`.

    Offsets count code points of the decoded document. `normalized` is the form
    counted by `--summary` (no diacritics or tatweel, proclitics stripped);
    `score` is the mean probability of the entity's word labels.
    """

    text: str
    type: str
    start: int
    end: int
    line: int
    sentence: int
    score: float
    normalized: str

    def to_dict(self) -> dict:
        # Fields are flat: a shallow copy, not asdict()'s recursive deep copy (it runs per entity).
        return dict(self.__dict__)


def bio_spans(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """(type, first word, last word + 1) for each span, as seqeval reads IOB2.

    An I- label that does not continue a span of its own type starts one.
    """
    spans: list[tuple[str, int, int]] = []
    current: str | None = None
    begin = 0
    for i, label in enumerate(labels):
        prefix, _, kind = label.partition("-")
        continues = prefix == "I" and kind == current
        if current is not None and not continues:
            spans.append((current, begin, i))
            current = None
        if prefix in ("B", "I") and not continues:
            current, begin = kind, i
    if current is not None:
        spans.append((current, begin, len(labels)))
    return spans


def sentence_entities(
    sentence: Sentence,
    labels: Sequence[str],
    probs: Sequence[float],
    known: Container[str] | None = None,
) -> list[Entity]:
    """Entities of one sentence given one label and its probability per word.

    `known` (normalized names) lets the normalized form drop a bare proclitic
    before a known name: "وبغداد" counts as "بغداد".
    """
    entities = []
    for kind, first, last in bio_spans(labels):
        start, end = sentence.words[first].start, sentence.words[last - 1].end
        text = sentence.slice(start, end)
        score = sum(probs[first:last]) / (last - first)
        entities.append(
            Entity(text, kind, start, end, sentence.line, sentence.index, round(score, 4), entity_key(text, known))
        )
    return entities
