import math

from hypothesis import given
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities

from arner.text.segment import sentences_of
from arner.text.spans import bio_spans, calibrated, scored_spans, sentence_entities, span_labels

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]


def test_bio_spans_examples():
    assert bio_spans(["B-PERS", "I-PERS", "O", "B-LOC"]) == [("PERS", 0, 2), ("LOC", 3, 4)]
    assert bio_spans(["I-ORG", "I-ORG", "B-ORG", "I-LOC"]) == [("ORG", 0, 2), ("ORG", 2, 3), ("LOC", 3, 4)]
    assert bio_spans(["O", "O"]) == []
    assert bio_spans([]) == []


@given(st.lists(st.sampled_from(LABELS), max_size=30))
def test_bio_spans_match_seqeval(labels):
    expected = [(kind, start, end + 1) for kind, start, end in get_entities(labels)]
    assert bio_spans(labels) == expected


def test_entities_slice_the_document():
    text = "وصل  مصطفى الكاظمي إلى مطار بغداد."
    (sentence,) = sentences_of(text)
    labels = ["O", "B-PERS", "I-PERS", "O", "B-LOC", "I-LOC", "O"]
    entities = sentence_entities(sentence, scored_spans(labels, [0.5, 0.8, 0.6, 1.0, 0.9, 0.7, 1.0]))
    assert [(e.text, e.type, e.start, e.end, e.score) for e in entities] == [
        ("مصطفى الكاظمي", "PERS", 5, 18, 0.48),
        ("مطار بغداد", "LOC", 23, 33, 0.63),
    ]
    assert all(text[e.start : e.end] == e.text for e in entities)


def test_a_span_scores_the_product_of_its_words_probabilities_calibrated():
    assert scored_spans(["B-LOC", "I-LOC"], [0.9, 0.5]) == [("LOC", 0, 2, 0.45)]
    # A temperature above 1 draws scores toward 0.5, below 1 away from it; 0.5 and the order stay.
    assert calibrated(0.5, 2.0) == 0.5 and round(calibrated(0.9, 2.0), 6) == 0.75
    assert round(calibrated(0.75, 0.5), 6) == 0.9
    assert round(calibrated(0.5, 1.0, math.log(3)), 6) == 0.75  # a bias adds to the log-odds
    assert scored_spans(["B-LOC"], [0.9], temperature=2.0)[0].score == 0.75


@given(st.lists(st.sampled_from(LABELS), max_size=30))
def test_span_labels_give_back_the_spans(labels):
    spans = scored_spans(labels, [1.0] * len(labels))
    assert bio_spans(span_labels(spans, len(labels))) == bio_spans(labels)
