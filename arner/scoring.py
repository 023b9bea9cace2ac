"""Entity-level precision, recall and F1 with seqeval, per type and micro-averaged."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .types import TYPES

if TYPE_CHECKING:
    from .extractor import Extractor
    from .models.base import Recognizer


@dataclass(frozen=True)
class Score:
    type: str
    precision: float
    recall: float
    f1: float
    support: int


_TAG_ALIASES = {"PER": "PERS", "MIS": "MISC"}


def canonical_tag(tag: str) -> str:
    """Map other corpora's spellings (AQMAR's PER, MIS) onto PERS/MISC."""
    prefix, dash, kind = tag.partition("-")
    return f"{prefix}-{_TAG_ALIASES.get(kind, kind)}" if dash else tag


def score(gold: list[list[str]], predicted: list[list[str]]) -> list[Score]:
    """One Score per entity type found in the labels, then `micro avg`."""
    from seqeval.metrics import classification_report

    gold = [[canonical_tag(tag) for tag in sentence] for sentence in gold]
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    return [
        Score(name, round(row["precision"], 4), round(row["recall"], 4), round(row["f1-score"], 4), int(row["support"]))
        for name, row in report.items()
        if name not in ("macro avg", "weighted avg")
    ]


def as_dicts(scores: list[Score]) -> list[dict]:
    return [asdict(s) for s in scores]


def summary(gold: list[list[str]], predicted: list[list[str]]) -> dict:
    """Micro precision/recall/f1 and the same per entity type, as meta.json records them."""
    rows = {row.type: row for row in score(gold, predicted)}
    micro = rows.pop("micro avg")

    def prf(row: Score) -> dict[str, float]:
        return {"precision": row.precision, "recall": row.recall, "f1": row.f1}

    return {**prf(micro), "per_type": {kind: prf(rows[kind]) for kind in TYPES if kind in rows}}


def recognizer_summary(recognizer: Recognizer, sentences: list[list[str]], gold: list[list[str]]) -> dict:
    """`summary` of a recognizer's own labels (before name lists, function words and min
    score): the dev score training reports."""
    return summary(gold, [[label for label, _ in sentence] for sentence in recognizer.predict(sentences)])


def as_text(sentences: list[list[str]]) -> tuple[str, list[list[tuple[int, int]]]]:
    """Gold sentences as plain text (words joined by spaces, one sentence a line),
    with the character range of every gold word."""
    lines, ranges, offset = [], [], 0
    for words in sentences:
        spans = []
        for word in words:
            spans.append((offset, offset + len(word)))
            offset += len(word) + 1
        lines.append(" ".join(words))
        ranges.append(spans)
        offset += not words
    return "\n".join(lines) + "\n", ranges


def project(entities: list, ranges: list[list[tuple[int, int]]]) -> list[list[str]]:
    """BIO labels on gold words from entity character spans (any overlap counts)."""
    labels = [["O"] * len(spans) for spans in ranges]
    flat = [(start, end, i, j) for i, spans in enumerate(ranges) for j, (start, end) in enumerate(spans)]
    position = 0
    for entity in sorted(entities, key=lambda e: e.start):
        while position < len(flat) and flat[position][1] <= entity.start:
            position += 1
        first = True
        scan = position
        while scan < len(flat) and flat[scan][0] < entity.end:
            _, _, i, j = flat[scan]
            if labels[i][j] == "O":
                labels[i][j] = ("B-" if first else "I-") + entity.type
                first = False
            scan += 1
    return labels


def predict(
    extractor: Extractor, sentences: list[list[str]], *, each_sentence: bool = False, from_text: bool = False
) -> list[list[str]]:
    """The labels `arner evaluate` scores: what `extractor` outputs (name lists, no function
    word alone, calibrated scores of at least its min_score) on gold sentences, the whole
    list as one document or each sentence as its own; with `from_text`, through the whole
    extract pipeline on the sentences joined as text, mapped back onto the gold words."""
    predicted: list[list[str]] = []
    for document in ([sentence] for sentence in sentences) if each_sentence else [sentences]:
        if from_text:
            text, ranges = as_text(document)
            predicted += project(extractor.extract(text), ranges)
        else:
            predicted += extractor.label(document)
    return predicted


def measure(extractor: Extractor, tests: dict[str, Path], *, each_sentence: bool) -> dict:
    """meta.json's `scores` for CoNLL test sets, as `arner evaluate` gives them: each file as
    one document (and, with `each_sentence`, each sentence alone, `<name>_each_sentence`),
    plus words per second on the first file as one document."""
    from .inputs.conll import read_conll

    scores: dict = {}
    for name, path in tests.items():
        sentences, labels = read_conll(path)
        started = time.perf_counter()
        predicted = predict(extractor, sentences)
        scores.setdefault("words_per_second", round(sum(map(len, sentences)) / (time.perf_counter() - started)))
        scores[name] = summary(labels, predicted)
        if each_sentence:
            scores[name + "_each_sentence"] = summary(labels, predict(extractor, sentences, each_sentence=True))
    return scores
