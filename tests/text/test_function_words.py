"""No function word is ever a name: the closed list, its spelling rules, and every way to an entity."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arner import Extractor
from arner.models.crf.model import CRFModel
from arner.models.crf import BUILTIN_DIR
from arner.models.evidence import Evidence
from arner.models.propagation import Tagged, propagate
from arner.text.function_words import FUNCTION_WORDS, function_word, only_function_words

LIST = sorted(FUNCTION_WORDS)
NAMES = ["علي", "الكاظمي", "بغداد", "مطار", "الحشد", "الشعبي", "منى", "هدى", "موسى", "الأنبار", "عين", "الأسد",
         "فان", "بان", "كوفي", "عنان", "إمام", "انا"]


@pytest.mark.parametrize("word", LIST)
def test_every_entry_is_a_function_word_with_its_clitics(word):
    assert function_word(word) == word and only_function_words([word, "،"])
    if len(word) >= 3 and word[0] not in "وف":
        assert function_word("و" + word) == word and function_word("وب" + word) in (word, "ب" + word)


@pytest.mark.parametrize("name", NAMES)
def test_names_that_look_like_particles_are_not_function_words(name):
    # علي/على, إلي/إلى: ى is not folded; فان, بان, كوفي: no clitic is stripped before a short particle.
    assert function_word(name) is None


def test_diacritics_do_not_hide_a_function_word():
    assert function_word("عَلَى") == function_word("علـى") == "على"
    assert function_word("إلي") is None and function_word("إلى") == "إلى"


def test_the_crf_keeps_function_words_apart_from_the_names_they_spell():
    model = CRFModel.load(BUILTIN_DIR)
    [[preposition, name, joined]] = model.stems([["على", "علي", "وعلى"]])
    assert preposition == joined == "على" != name


def tagged(label, p, alternatives=None):
    return Tagged(label, p, alternatives)


DOUBTFUL = {"O": 0.5, "B-PERS": 0.4, "I-PERS": 0.1}


def test_a_doubtful_word_takes_its_stems_confident_type_but_never_a_function_word_or_its_spelling():
    # علي votes as the name it is here, but a doubtful علي may be على spelled with ي: it takes nothing.
    stems = [["الكاظمي", "علي", "على"], ["الكاظمي", "علي", "على"]]
    sure, doubtful = tagged("B-PERS", 0.9), tagged("O", 0.5, DOUBTFUL)
    assert propagate(stems, [[sure] * 3, [doubtful] * 3], window=5, min_entity=0.5) == [
        [("B-PERS", 0.9)] * 3, [("B-PERS", 0.4), ("O", 0.5), ("O", 0.5)]]


def test_confident_means_the_probability_of_the_label_chosen():
    # The evidence decodes I-PERS after O as B-PERS at 0.3 though the row's largest is 0.7: no vote.
    labels = ["O", "B-PERS", "I-PERS"]
    rows = [np.array([[0.0, 0.3, 0.7]]), np.array([[0.55, 0.45, 0.0]])]
    evidence = Evidence(crf_weight=0.0, alpha=0.0, min_entity=0.6, max_outside=0.6, window=2)
    out = evidence.apply(rows, [np.zeros_like(r) for r in rows], [["الكاظمي"], ["الكاظمي"]], labels)
    assert [label for label, _ in out[0]] == ["B-PERS"] and out[1] == [("O", 0.55)]


@pytest.fixture(scope="module")
def extractors(tmp_path_factory, bert_loc):
    """The built-in model with every entry listed as a name, and a model that makes every word a place."""
    every_entry_a_name = tmp_path_factory.mktemp("names") / "names.tsv"
    every_entry_a_name.write_text("".join(f"{word}\tPERS\n" for word in LIST), encoding="utf-8")
    return [Extractor("builtin", names=[every_entry_a_name]), Extractor(str(bert_loc))]


def only_listed(entity_text):
    return all(word.strip("،.") in FUNCTION_WORDS for word in entity_text.split())


def test_no_list_entry_is_an_entity_even_when_a_name_list_or_a_model_says_so(extractors):
    text = " ".join(LIST) + " .\nقال الكاظمي في بغداد إن علي على حق ."
    for extractor in extractors:
        entities = extractor.extract(text)
        assert not [e.text for e in entities if only_listed(e.text)]
    # The model that labels every word still finds the names.
    assert {"الكاظمي", "بغداد", "علي"} <= {e.text for e in extractors[1].extract(text)}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(LIST + NAMES), min_size=1, max_size=8), min_size=1, max_size=6))
def test_no_random_document_of_particles_and_names_yields_a_function_word_entity(extractors, sentences):
    text = "\n".join(" ".join(words) + " ." for words in sentences)
    for extractor in extractors:
        assert not [e.text for e in extractor.extract(text) if only_listed(e.text)]
