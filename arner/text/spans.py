"""Turning one BIO label per word into entity spans with exact offsets."""

from __future__ import annotations

from typing import Container, Sequence

from ..types import Entity, Labelled, Sentence
from .function_words import only_function_words
from .normalize import entity_key


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
