"""Entity-level precision, recall and F1 with seqeval, per type and micro-averaged."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Score:
    type: str
    precision: float
    recall: float
    f1: float
    support: int


def score(gold: list[list[str]], predicted: list[list[str]]) -> list[Score]:
    """One Score per entity type found in the gold labels, then `micro avg`."""
    from seqeval.metrics import classification_report

    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    return [
        Score(name, round(row["precision"], 4), round(row["recall"], 4), round(row["f1-score"], 4), int(row["support"]))
        for name, row in report.items()
        if name not in ("macro avg", "weighted avg")
    ]


def as_dicts(scores: list[Score]) -> list[dict]:
    return [asdict(s) for s in scores]
