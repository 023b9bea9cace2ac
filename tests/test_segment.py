from hypothesis import given, settings
from hypothesis import strategies as st

from arner.text.segment import MAX_WORDS, sentences, sentences_of

ARABIC = [chr(c) for c in range(0x0621, 0x064B)]
MARKS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0640"]
CONTROLS = ["\u200f", "\u200e", "\u200c", "\u200d", "\ufeff", "\u202b", "\u202c", "\u2067", "\u2069"]
OTHER = list("abcXYZ0123456789٠١٢.,،؛؟!?«»()[]\"'-") + ["😀", "🇮", "🇶"]
SPACE = [" ", " ", "\n", "\t", "\r", "\u00a0"]
CHARS = st.sampled_from(ARABIC * 4 + MARKS + CONTROLS + OTHER + SPACE * 3)


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
