"""Turning one BIO label per word into entity spans with exact offsets."""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from typing import NamedTuple

from ..types import Entity, Labelled, Sentence
from .function_words import only_function_words
from .normalize import entity_key

# Entities less probable than this are not output by default: the value that maximizes
# e5's F1 on ANERcorp dev once scores are calibrated (bench/calibrate.py).
MIN_SCORE = 0.3


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


def without_function_words(words: Sequence[str], labelled: Labelled) -> Labelled:
    """`labelled` with O for every entity made of function words alone: على is never a name,
    whatever a model, a rule or a name list said."""
    out = list(labelled)
    for _, first, last in bio_spans([label for label, _ in labelled]):
        if only_function_words(list(words[first:last])):
            out[first:last] = [("O", prob) for _, prob in labelled[first:last]]
    return out


class Span(NamedTuple):
    """An entity on word positions [first, last), with its probability."""

    type: str
    first: int
    last: int
    score: float


def calibrated(probability: float, temperature: float, bias: float = 0.0) -> float:
    """`probability` with its log-odds divided by `temperature`, plus `bias` (a model's, fitted on dev: bench/calibrate.py)."""
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return 1 / (1 + math.exp(-(math.log(p / (1 - p)) / temperature + bias)))


def scored_spans(
    labels: Sequence[str], probs: Sequence[float], temperature: float = 1.0, bias: float = 0.0
) -> list[Span]:
    """Each entity of a sentence with its score: the product of its words' label probabilities
    (the model's probability that these words are this entity, words taken alone), calibrated."""
    return [
        Span(kind, first, last, round(calibrated(math.prod(probs[first:last]), temperature, bias), 4))
        for kind, first, last in bio_spans(labels)
    ]


def span_labels(spans: Sequence[Span], length: int) -> list[str]:
    """BIO labels of `length` words carrying `spans`."""
    labels = ["O"] * length
    for span in spans:
        labels[span.first : span.last] = ["B-" + span.type] + ["I-" + span.type] * (span.last - span.first - 1)
    return labels


def sentence_entities(sentence: Sentence, spans: Sequence[Span], known: Container[str] | None = None) -> list[Entity]:
    """The entities of one sentence's spans, with offsets in the document.

    `known` (normalized names) lets the normalized form drop a bare proclitic
    before a known name: "وبغداد" counts as "بغداد".
    """
    entities = []
    for kind, first, last, score in spans:
        start, end = sentence.words[first].start, sentence.words[last - 1].end
        text = sentence.slice(start, end)
        entities.append(Entity(text, kind, start, end, sentence.line, sentence.index, score, entity_key(text, known)))
    return entities
