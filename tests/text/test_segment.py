from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arner.text import segment
from arner.text.segment import MAX_WORD, MAX_WORDS, line_breaks, sentences, sentences_of

from ..helpers.text import ARABIC, BREAKS, CHARS, CONTROLS, MARKS, OTHER, SPACE


def words_of(text):
    return [(w.text, w.start, w.end) for s in sentences_of(text) for w in s.words]


def test_sentences_end_at_punctuation_and_line_breaks():
    text = "قال الكاظمي. ثم غادر!\nوقال 3.5 مليون؟ «نعم.» انتهى"
    got = [(s.index, s.line, s.texts) for s in sentences_of(text)]
    assert got == [
        (1, 1, ["قال", "الكاظمي", "."]),
        (2, 1, ["ثم", "غادر", "!"]),
        (3, 2, ["وقال", "3", ".", "5", "مليون", "؟"]),
        (4, 2, ["«", "نعم", ".", "»"]),
        (5, 2, ["انتهى"]),
    ]


def test_invisible_marks_stay_out_of_words():
    text = "\ufeffزار \u200fالكاظمي\u200f بغداد \u200c"
    assert words_of(text) == [("زار", 1, 4), ("الكاظمي", 6, 13), ("بغداد", 15, 20)]


def test_run_on_text_is_cut_without_losing_words():
    text = " ".join(["كلمة"] * (MAX_WORDS * 2 + 5))
    got = sentences_of(text)
    assert [len(s.words) for s in got] == [MAX_WORDS, MAX_WORDS, 5]


@settings(max_examples=300, deadline=None)
@given(st.lists(CHARS, max_size=200).map("".join), st.lists(st.integers(1, 50), max_size=6))
def test_offsets_exact_and_chunking_invisible(text, cuts):
    whole = sentences_of(text)
    for sentence in whole:
        for word in sentence.words:
            assert text[word.start : word.end] == word.text
            assert sentence.slice(word.start, word.end) == word.text
    assert [s.index for s in whole] == list(range(1, len(whole) + 1))
    chunks, pos = [], 0
    for cut in cuts:
        chunks.append(text[pos : pos + cut])
        pos += cut
    chunks.append(text[pos:])
    assert list(sentences(chunks)) == whole


@settings(max_examples=200, deadline=None)
@given(st.lists(CHARS, max_size=200).map("".join))
def test_no_visible_character_is_lost(text):
    covered = set()
    for sentence in sentences_of(text):
        for word in sentence.words:
            covered.update(range(word.start, word.end))
    missing = [ch for i, ch in enumerate(text) if i not in covered]
    assert all(ch.isspace() or ch in CONTROLS for ch in missing)


def chunked(text, cuts):
    chunks, pos = [], 0
    for cut in cuts:
        chunks.append(text[pos : pos + cut])
        pos += cut
    chunks.append(text[pos:])
    return chunks


@pytest.mark.parametrize("newline", BREAKS)
def test_every_line_break_counts_once_for_lines_and_sentences(newline):
    text = newline.join(["زار بغداد", "ثم البصرة", "", "والموصل"])
    got = [(s.line, s.texts) for s in sentences_of(text)]
    assert got == [(1, ["زار", "بغداد"]), (2, ["ثم", "البصرة"]), (4, ["والموصل"])]


def test_cr_lf_split_across_chunks_is_one_break():
    text = "زار بغداد \r\nثم البصرة\r\n\r\nوالموصل"
    for cut in range(1, len(text)):
        assert [s.line for s in sentences([text[:cut], text[cut:]])] == [1, 2, 4], cut


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(ARABIC * 4 + OTHER + SPACE + BREAKS * 2), max_size=200).map("".join),
    st.lists(st.integers(1, 50), max_size=6),
)
def test_line_is_one_plus_the_line_breaks_before_it(text, cuts):
    got = list(sentences(chunked(text, cuts)))
    assert got == sentences_of(text)
    for sentence in got:
        for word in sentence.words:
            assert sentence.line == 1 + line_breaks(text, 0, word.start)
    # The one definition: \r\n is a single break, every other break character one each.
    assert line_breaks(text) == sum(text.replace("\r\n", "\n").count(ch) for ch in "\n\r\x0b\x0c\x85\u2028\u2029")


def test_a_word_is_at_most_max_word_characters():
    text = "زار " + "ا" * (MAX_WORD * 3 + 7) + " بغداد"
    words = [w for s in sentences_of(text) for w in s.words]
    assert [len(w.text) for w in words] == [3, MAX_WORD, MAX_WORD, MAX_WORD, 7, 5]
    assert all(text[w.start : w.end] == w.text for w in words)


def test_text_without_whitespace_streams():
    """A run with no whitespace is labelled as it arrives, not buffered whole."""
    consumed = []

    def chunks():
        for i in range(20):
            consumed.append(i)
            yield "بغداد،" * 2000

    stream = sentences(chunks())
    first = next(stream)
    assert len(first.words) == MAX_WORDS and len(consumed) <= 2
    total = len(first.words) + sum(len(s.words) for s in stream)
    assert total == 20 * 2000 * 2


SHORT = st.lists(st.sampled_from(ARABIC * 4 + MARKS + CONTROLS + OTHER + ["\u200d", "👨", "🇶"] + SPACE), max_size=120)


@settings(max_examples=200, deadline=None)
@given(SHORT.map("".join), st.lists(st.integers(1, 30), max_size=8))
def test_long_runs_cut_the_same_whatever_the_chunks(text, cuts):
    """With tiny limits, runs without whitespace take the bounded path; results match."""
    with mock.patch.object(segment, "MAX_WORD", 4), mock.patch.object(segment, "MAX_WORDS", 5):
        whole = sentences_of(text)
        assert list(sentences(chunked(text, cuts))) == whole
        for sentence in whole:
            for word in sentence.words:
                assert text[word.start : word.end] == word.text and len(word.text) <= 4


def test_camel_sees_at_most_max_word_characters_of_a_run(monkeypatch):
    """CAMeL's tokenizer is quadratic inside a run (emoji joined by ZWJ): keep its input short."""
    from camel_tools.tokenizers import word as camel_word

    seen = []
    real = camel_word.simple_word_tokenize
    monkeypatch.setattr(camel_word, "simple_word_tokenize", lambda text: seen.append(len(text)) or real(text))
    chain = "👨\u200d" * (MAX_WORD * 5)
    words = [w for s in sentences([chain[i : i + 777] for i in range(0, len(chain), 777)]) for w in s.words]
    assert max(seen) <= MAX_WORD and "".join(w.text for w in words).replace("\u200d", "") == "👨" * (MAX_WORD * 5)
    # Ordinary text cut into windows is tokenized exactly as in one call.
    for text in ("بغداد،" * 700, "ا" * 2500 + "،" + "ب" * 10, "زار بغداد، " * 50 + "و" * 3001):
        expected = []
        for token in real(text):
            start = text.index(token, expected[-1][1] if expected else 0)
            expected += [(at, min(at + MAX_WORD, start + len(token))) for at in range(start, start + len(token), MAX_WORD)]
        assert segment._pieces(text) == expected


def test_the_tokenizer_is_imported_in_the_background_and_a_failure_is_silent():
    import subprocess
    import sys

    script = """
import sys, threading
from arner.text import segment
assert "camel_tools.tokenizers.word" not in sys.modules
segment.import_tokenizer_in_background()
[thread.join() for thread in threading.enumerate() if thread.name == "arner-import-camel"]
print("camel_tools.tokenizers.word" in sys.modules)
sys.modules["camel_tools.tokenizers.word"] = None  # the next import fails
segment.import_tokenizer_in_background()
[thread.join() for thread in threading.enumerate() if thread.name == "arner-import-camel"]
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, "True\n", "")
