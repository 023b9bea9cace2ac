"""Document evidence on top of a tagger's per-word probabilities (models/evidence.py)."""

import numpy as np
import pytest

from arner.models.evidence import Evidence

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]


def row(**probs):
    """A probability row: the given labels (B_LOC=.9), O takes the rest."""
    out = np.zeros(len(LABELS))
    for name, p in probs.items():
        out[LABELS.index(name.replace("_", "-"))] = p
    out[0] = 1 - out.sum()
    return out


CLEAR = row(B_LOC=0.95)  # بغداد where the sentence makes it plain
DOUBTFUL = row(B_LOC=0.45)  # بغداد where the tagger hesitates: O wins alone
OTHER = row()


def labels(evidence, probs, stems, marginals=None):
    marginals = marginals or [np.zeros_like(p) for p in probs]
    return [[label for label, _ in sentence] for sentence in evidence.apply(probs, marginals, stems, LABELS)]


def test_a_doubtful_word_takes_the_type_its_stem_has_clearly_nearby():
    probs = [np.array([OTHER, CLEAR]), np.array([OTHER, DOUBTFUL])]
    stems = [["زار", "بغداد"], ["في", "بغداد"]]
    off = Evidence(crf_weight=0.0, alpha=0.0, max_outside=0.0)
    assert labels(off, probs, stems) == [["O", "B-LOC"], ["O", "O"]]
    hard = Evidence(crf_weight=0.0, alpha=0.0, min_entity=0.7, max_outside=0.6, window=1)
    assert labels(hard, probs, stems) == [["O", "B-LOC"], ["O", "B-LOC"]]
    soft = Evidence(crf_weight=0.0, alpha=0.5, max_outside=0.0, window=1)
    assert labels(soft, probs, stems) == [["O", "B-LOC"], ["O", "B-LOC"]]


def test_evidence_reaches_window_sentences_and_no_further():
    probs = [np.array([CLEAR]), np.array([OTHER]), np.array([OTHER]), np.array([DOUBTFUL])]
    stems = [["بغداد"], ["قال"], ["قال"], ["بغداد"]]
    for window, expected in ((2, "O"), (3, "B-LOC")):
        evidence = Evidence(crf_weight=0.0, alpha=0.0, min_entity=0.7, max_outside=0.6, window=window)
        assert labels(evidence, probs, stems)[3] == [expected]


def test_short_stems_vouch_for_nothing():
    probs = [np.array([CLEAR]), np.array([DOUBTFUL])]
    evidence = Evidence(crf_weight=0.0, alpha=0.5, min_entity=0.7, max_outside=0.6, window=1)
    assert labels(evidence, probs, [["في"], ["في"]]) == [["B-LOC"], ["O"]]


def test_crf_marginals_are_mixed_in_by_weight():
    probs = [np.array([DOUBTFUL])]
    marginals = [np.array([row(B_LOC=0.9)])]
    assert labels(Evidence(crf_weight=0.0, alpha=0.0, max_outside=0.0), probs, [["بغداد"]], marginals) == [["O"]]
    assert labels(Evidence(crf_weight=0.5, alpha=0.0, max_outside=0.0), probs, [["بغداد"]], marginals) == [["B-LOC"]]


@pytest.mark.parametrize("window", [0, 1, 5])
def test_a_continued_name_stays_one_entity(window):
    # مطار بغداد: the second word's I-LOC survives propagation of بغداد's clear B-LOC elsewhere.
    probs = [np.array([row(B_LOC=0.9), row(I_LOC=0.9)]), np.array([CLEAR])]
    evidence = Evidence(crf_weight=0.0, alpha=0.5, min_entity=0.7, max_outside=0.6, window=window)
    assert labels(evidence, probs, [["مطار", "بغداد"], ["بغداد"]]) == [["B-LOC", "I-LOC"], ["B-LOC"]]


def test_reach_counts_the_crf_features_and_both_propagations():
    assert Evidence(window=20).reach(10) == 50


def test_the_defaults_are_the_settings_that_ship():
    import json

    from arner.models import e5

    shipped = json.loads((e5.SHIPPED_DIR / "meta.json").read_text(encoding="utf-8"))["evidence"]
    assert Evidence() == Evidence(**shipped)
