"""The CRF's features. The shipped model's weights are keyed by these exact strings: a feature renamed,
lost or computed from the wrong neighbour does not fail loudly, it only costs F1. So each layer (the
word, its neighbours, the document) is pinned here by example."""

from arner.models.crf.features import FeatureExtractor, shape, trigger_class
from arner.models.crf.gazetteer import from_entries
from arner.models.crf.stats import StemStats

# Gazetteer entries are normalized (ى -> ي, ة -> ه); مصطفي is a token of person names.
GAZETTEER = from_entries([("بغداد", "LOC"), ("الحشد الشعبي", "ORG"), ("مصطفي", "PTOK")])
STATS = {"الكاظمي": StemStats(total=10, outside=1, types=(9, 0, 0, 0)), "زار بغداد": StemStats(3, 3, (0, 0, 0, 0))}


def extractor(context: int = 10) -> FeatureExtractor:
    return FeatureExtractor(GAZETTEER, STATS, known=GAZETTEER.words(), context=context)


def features(sentences: list[list[str]], context: int = 10) -> list[list[list[str]]]:
    return extractor(context).document_features(sentences)


def test_shape_and_trigger_class():
    assert [shape(w) for w in ("2024", "UN", "،", "بغداد", "ب2")] == ["DIG", "LAT", "PUN", "AR", "DIG"]
    assert trigger_class("الرئيس") == trigger_class("والرئيس") == "PTITLE"  # through a leading و
    assert (trigger_class("وزاره"), trigger_class("مدينه"), trigger_class("قال")) == ("OTRIG", "LTRIG", "SAY")
    assert trigger_class("بغداد") is None


def test_a_words_own_features():
    (([word],),) = [features([["وبغداد"]])]
    assert word == [
        "bias", "w=وبغداد", "s=بغداد", "sh=AR", "gz=LOC", "fq=0",  # spelling, stem, shape, gazetteer, statistics
        "al=False", "cl=و", "len=5",  # article, the clitic stripped, length
        "p1=ب", "p2=بغ", "p3=بغد", "p4=بغدا", "x1=د", "x2=اد", "x3=داد", "x4=غداد",  # affixes of the stem
        "gm=B-LOC", "em=O", "BOS", "EOS",
    ]


def test_statistics_and_person_tokens():
    ([kazimi, person],) = features([["الكاظمي", "مصطفى"]])
    assert {"fq=5", "os=0", "tt=PERS", "tt=PERS|os=0"} <= set(kazimi)  # 10 seen, 1 in 10 as O: share 0 of 4
    assert "pt" in person and "+1pt" in kazimi and "fq=0" in person


def test_neighbours_give_their_features_near_and_their_names_far():
    ([said, president, kazimi],) = features([["قال", "الرئيس", "الكاظمي"]])
    assert "BOS" in said and "EOS" in kazimi and "BOS" not in president and "EOS" not in president
    # ±1: the neighbour's word, stem, shape, trigger and statistics, and its gazetteer tag.
    assert [f for f in kazimi if f.startswith("-1")] == ["-1w=الرئيس", "-1s=الرئيس", "-1sh=AR", "-1tr=PTITLE",
                                                        "-1fq=0", "-1gm=O/O"]
    # ±2 and ±3: the stem and its name evidence only (trigger, gazetteer, statistics' type).
    assert [f for f in kazimi if f.startswith("-2")] == ["-2s=قال", "-2tr=SAY"]
    assert [f for f in said if f.startswith("+2")] == ["+2s=الكاظمي", "+2tt=PERS", "+2tt=PERS|os=0"]
    assert "sb-=قال|الرئيس" in president and "sb+=الرئيس|الكاظمي" in president


def test_stem_bigram_statistics():
    ([visited, baghdad],) = features([["زار", "وبغداد"]])
    assert "sb+=زار|بغداد" in visited and {"b+fq=2", "b+os=4"} <= set(visited)
    assert {"b-fq=2", "b-os=4"} <= set(baghdad)


def test_names_of_several_words_are_matched_in_the_sentence():
    ([leaders, hashd, shaabi],) = features([["قادة", "الحشد", "الشعبي"]])
    assert "gm=B-ORG" in hashd and "gm=I-ORG" in shaabi and "gm=O" in leaders
    assert "+1gm=B-ORG/O" in leaders and "-1gm=B-ORG/O" in shaabi and "+1gm=I-ORG/O" in hashd


def document_cues(sentences: list[list[str]], context: int) -> list[list[list[str]]]:
    return [[[f for f in word if f.startswith(("dn=", "d:"))] for word in sentence]
            for sentence in features(sentences, context)]


def test_other_occurrences_of_a_stem_within_the_context_lend_their_cues():
    sentences = [["قال", "الرئيس", "الكاظمي"], ["زار", "وبغداد"], ["ذهب", "الكاظمي"], ["إلى"],
                 ["الكاظمي", "قال"], ["مصطفى", "الكاظمي"]]
    cues = document_cues(sentences, context=2)
    # Sentence 3 sees sentences 1 to 5: الكاظمي after a title, and before قال.
    assert cues[2][1] == ["dn=2", "d:say", "d:tr:PTITLE"]
    # The first sees only sentence 3's, which has no cue; the last, sentence 5's (before قال), not its own (after a name).
    assert cues[0][2] == ["dn=1"] and cues[5][1] == ["dn=1", "d:say"]
    assert cues[1] == [[], []]  # no other occurrence
    assert document_cues(sentences, context=1)[2][1] == []  # the others are two sentences away
    assert document_cues([["الكاظمي"]] * 6, context=10)[0][0] == ["dn=3"]  # counted up to 3


def test_cues_come_sorted_whatever_order_they_were_seen_in():
    # The order of a CRF's attributes changes the rounding of its scores.
    earlier = [["الرئيس", "الكاظمي"], ["الكاظمي", "قال"], ["مصطفى", "الكاظمي"]]
    last = ["الكاظمي"]
    found = [features([*order, last], context=3)[-1] for order in (earlier, earlier[::-1])]
    assert found[0] == found[1]
    assert [f for f in found[0][0] if f.startswith("d")] == ["dn=3", "d:pp", "d:say", "d:tr:PTITLE"]
