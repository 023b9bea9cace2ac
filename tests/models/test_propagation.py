"""Label propagation, the rule the built-in CRF and e5's evidence share: a doubtful word takes the type
its stem has confidently within `window` sentences, and nothing else changes."""

from arner.models.propagation import Tagged, can_vouch, propagate

# A word labelled O with P(O) low: every label's probability comes with it.
ALTERNATIVES = {"O": 0.4, "B-PERS": 0.35, "I-PERS": 0.05, "B-LOC": 0.15, "I-LOC": 0.05}
SURE_O = Tagged("O", 0.9, None)
DOUBTFUL = Tagged("O", 0.4, ALTERNATIVES)


def person(probability: float = 0.95) -> Tagged:
    return Tagged("B-PERS", probability, None)


def labels(result):
    return [[label for label, _ in sentence] for sentence in result]


def test_a_doubtful_word_takes_its_stems_confident_type_with_that_labels_probability():
    stems = [["قال", "الكاظمي"], ["زار", "الكاظمي"]]
    result = propagate(stems, [[SURE_O, person()], [SURE_O, DOUBTFUL]], window=1, min_entity=0.9)
    assert result == [[("O", 0.9), ("B-PERS", 0.95)], [("O", 0.9), ("B-PERS", 0.35)]]


def test_only_sure_words_within_the_window_vote():
    stems = [["الكاظمي"], ["زار"], ["الكاظمي"]]
    tagged = [[person()], [SURE_O], [DOUBTFUL]]
    assert labels(propagate(stems, tagged, window=2, min_entity=0.9))[2] == ["B-PERS"]
    assert labels(propagate(stems, tagged, window=1, min_entity=0.9))[2] == ["O"]  # two sentences away
    assert labels(propagate(stems, tagged, window=2, min_entity=0.96))[2] == ["O"]  # not sure enough to vote
    backwards = propagate(stems[::-1], tagged[::-1], window=2, min_entity=0.9)  # the vote may come after
    assert labels(backwards)[0] == ["B-PERS"]


def test_sure_words_keep_their_labels_and_the_majority_type_wins():
    stems = [["العراق"], ["العراق"], ["العراق"], ["العراق"]]
    tagged = [[Tagged("B-LOC", 0.95, None)], [Tagged("B-LOC", 0.92, None)], [person()], [DOUBTFUL]]
    result = propagate(stems, tagged, window=3, min_entity=0.9)
    assert labels(result) == [["B-LOC"], ["B-LOC"], ["B-PERS"], ["B-LOC"]]
    assert result[3] == [("B-LOC", 0.15)]


def test_a_name_continues_as_i_after_its_own_type():
    stems = [["مصطفى", "الكاظمي"], ["مصطفى", "الكاظمي"]]
    tagged = [[person(), Tagged("I-PERS", 0.95, None)], [person(), DOUBTFUL]]
    assert propagate(stems, tagged, window=1, min_entity=0.9)[1] == [("B-PERS", 0.95), ("I-PERS", 0.05)]


def test_function_words_and_short_stems_neither_vote_nor_take_a_type():
    assert not can_vouch("في", 3) and not can_vouch("عن", 2) and not can_vouch("سد", 3)
    assert can_vouch("الكاظمي", 3) and can_vouch("سد", 2)
    for stem in ("في", "سد"):  # a function word; a stem under min_stem letters
        stems = [[stem], [stem]]
        assert labels(propagate(stems, [[person()], [DOUBTFUL]], window=1, min_entity=0.5)) == [["B-PERS"], ["O"]]


def test_a_word_spelled_like_a_normalized_function_word_keeps_its_label_but_takes_none():
    # علي is a name, and also how ANERcorp spells على: a doubtful علي may be the particle.
    stems = [["علي"], ["علي"]]
    assert propagate(stems, [[person()], [DOUBTFUL]], window=1, min_entity=0.9) == [[("B-PERS", 0.95)], [("O", 0.4)]]


def test_no_sentences():
    assert propagate([], [], window=3, min_entity=0.9) == []
