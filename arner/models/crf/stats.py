"""Corpus statistics of stems: how often a stem was labelled O or as each entity type.

Counted out of fold while training (see `train`), so the CRF learns how far
to trust them on words it has not seen labelled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

from ...text.normalize import normalize, strip_proclitics
from ...types import TYPES as ENTITY_TYPES


@dataclass(frozen=True)
class StemStats:
    """How often a stem was seen in training and with which labels."""

    total: int
    outside: int
    types: tuple[int, int, int, int]  # counts per ENTITY_TYPES


StatsTable = Mapping[str, StemStats]


def count_stats(
    sentences: Iterable[tuple[list[str], list[str]]],
) -> dict[str, StemStats]:
    """Label counts per stem, and per stem bigram ("prev stem") seen at least twice."""
    totals: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    typed: dict[str, list[int]] = {}
    for stems, labels in sentences:
        keys = [*stems, *(f"{a} {b}" for a, b in pairwise(stems))]
        for key, label in zip(keys, [*labels, *labels[1:]]):
            totals[key] += 1
            if label == "O":
                outside[key] += 1
            elif label[2:] in ENTITY_TYPES:
                typed.setdefault(key, [0, 0, 0, 0])[ENTITY_TYPES.index(label[2:])] += 1
    return {
        key: StemStats(n, outside[key], tuple(typed.get(key, (0, 0, 0, 0))))  # type: ignore[arg-type]
        for key, n in totals.items()
        if n > 1 or " " not in key
    }


def entity_names(sentences: Iterable[tuple[list[str], list[str]]], known: frozenset[str]) -> list[tuple[str, str]]:
    """(name, TYPE) of the labelled entity spans, spelled as `match` looks them up,
    sorted by type then name."""
    from seqeval.metrics.sequence_labeling import get_entities

    names = set()
    for words, labels in sentences:
        for kind, start, end in get_entities(labels):
            norms = [normalize(w) for w in words[start : end + 1]]
            norms[0] = strip_proclitics(norms[0], known)
            names.add((" ".join(norms), kind))
    return sorted(names, key=lambda pair: (pair[1], pair[0]))


def _frequency_bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n == 1 else "2" if n < 5 else "5" if n < 20 else "20"


def stats_features(stats: StemStats | None, prefix: str = "") -> list[str]:
    """Out-of-fold evidence: frequency, share labelled O, dominant entity type."""
    if stats is None:
        return [f"{prefix}fq=0"]
    share = round(4 * stats.outside / stats.total)
    feats = [f"{prefix}fq={_frequency_bucket(stats.total)}", f"{prefix}os={share}"]
    best = max(range(4), key=lambda k: stats.types[k])
    if stats.types[best]:
        feats.append(f"{prefix}tt={ENTITY_TYPES[best]}")
        feats.append(f"{prefix}tt={ENTITY_TYPES[best]}|os={share}")
    return feats
