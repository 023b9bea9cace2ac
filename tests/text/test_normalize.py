"""The spellings the CRF's features, the document evidence and entity counting compare: one character
wrong here changes every model's features silently, so each rule is pinned by an example."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arner.text.normalize import entity_key, fold, has_arabic_letter, normalize, strip_marks, strip_proclitics

from ..helpers.text import ARABIC, CONTROLS, MARKS


@pytest.mark.parametrize("written, normalized", [
    ("أحمد", "احمد"), ("إبراهيم", "ابراهيم"), ("آمنة", "امنه"), ("ٱلله", "الله"),  # alef forms, ta marbuta
    ("مستشفى", "مستشفي"),  # alef maqsura
    ("الكَاظِمِيّ", "الكاظمي"), ("بغـــداد", "بغداد"),  # harakat, shadda, tatweel
    ("\u200fبغداد\u202e\ufeff\u00ad", "بغداد"),  # bidi and invisible controls
    ("Baghdad 2024", "Baghdad 2024"),  # anything else is left alone
])
def test_normalize(written, normalized):
    assert normalize(written) == normalized


@given(st.lists(st.sampled_from(ARABIC + MARKS + CONTROLS + [" ", "a"]), max_size=40).map("".join))
def test_normalize_is_idempotent_and_drops_every_mark_and_control(text):
    once = normalize(text)
    assert normalize(once) == once
    assert not set(once) & set(MARKS + CONTROLS)


def test_strip_marks_removes_only_diacritics_and_tatweel():
    assert strip_marks("الكَاظِمِيّ بغـــداد") == "الكاظمي بغداد"
    assert strip_marks("مستشفى أحمد مدرسة") == "مستشفى أحمد مدرسة"  # ى, hamza and ة kept


def test_fold_gives_the_letters_presentation_forms_show():
    assert fold("\ufefb") == "لا"  # the ligature lam-alef: two letters
    assert fold("\ufe8d\ufe92") == "اب"
    assert fold("بغداد\ufe0f") == "بغداد"  # a variation selector goes
    assert fold("١٢٣ x² ﬁ") == "١٢٣ x² ﬁ"  # other compatibility characters stay as the models saw them


def test_has_arabic_letter():
    assert has_arabic_letter("a ب")
    assert not has_arabic_letter("Baghdad 123")
    assert not has_arabic_letter("\u064b\u0660،")  # a mark, an Arabic digit, a comma: no letter


@pytest.mark.parametrize("word, bare, with_known", [
    ("والكاظمي", "الكاظمي", "الكاظمي"),  # و + ال: always split
    ("للحكومه", "الحكومه", "الحكومه"),  # ل + ال drops the alef
    ("بالعراق", "العراق", "العراق"),
    ("فالبصره", "البصره", "البصره"),
    ("وبغداد", "وبغداد", "بغداد"),  # a bare clitic: split only before a known word
    ("لبنان", "لبنان", "لبنان"),  # a known word is never split
    ("ولد", "ولد", "ولد"),  # too short a remainder
    ("الم", "الم", "الم"),
])
def test_strip_proclitics(word, bare, with_known):
    known = {"بغداد", "لبنان", "بنان"}
    assert strip_proclitics(word) == bare
    assert strip_proclitics(word, known) == with_known


def test_entity_key_counts_the_forms_of_one_name_once():
    assert entity_key("والكاظمي  الغريباوي") == "الكاظمي الغريباوي"
    assert entity_key("وبغداد", {"بغداد"}) == entity_key("بغداد", {"بغداد"}) == "بغداد"
    assert entity_key("ولبنان", {"لبنان", "ولبنان"}) == "لبنان"  # a conjunction goes even before a known form
    assert entity_key("مدرسة") == entity_key("مدرسه") == "مدرسه"
    assert entity_key(" \u200f ") == ""
