"""arner.Extractor: a document's entities are a function of the document and the options alone (not of
other documents, the window or batch size, a resumed run, or threads); any text is labelled word by
word with exact offsets; only a str is taken."""

import json
import threading
import unicodedata

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arner import Extractor
from arner.cli import cli
from arner.inputs.sources import text_document
from arner.models import Settings
from arner.types import SentenceResult

from .helpers import SAMPLE_DATA
from .helpers.text import CHARS

SAMPLES = sorted(SAMPLE_DATA.glob("*/*.txt"))
# 41 sentences, one of them naming جامعة الأنبار, an ORG.
ARTICLE = "\n".join(path.read_text(encoding="utf-8") for path in SAMPLES)
# 490 sentences that also name الأنبار, as a place: with 512-sentence windows (the default) the
# article after it is cut after 22 sentences.
BEFORE = "".join(f"وصل الوفد {i} إلى الأنبار أمس.\n" for i in range(490))
# The same cut with windows of 64 sentences, after 42 of them: a twelfth of e5's work.
WINDOW = 64
SHORT_BEFORE = "".join(BEFORE.splitlines(keepends=True)[: WINDOW - 22])


def entities(extractor, texts, window, wanted=0):
    """(text, type, start, end, score) of the entities of texts[wanted], labelled after the others."""
    extractor.window = window
    found = []
    documents = [text_document(text, f"doc{i}") for i, text in enumerate(texts)]
    for event in extractor.stream(documents):
        if isinstance(event, SentenceResult) and event.document.source == f"doc{wanted}":
            found += [(e.text, e.type, e.start, e.end, e.score) for e in event.entities]
    return found


@pytest.fixture(scope="module", params=["builtin", "bert", "e5"])
def extractor(request, bert_random):
    # e5 ships with document evidence: it reads neighbouring sentences, as the CRF does.
    return Extractor(str(bert_random) if request.param == "bert" else request.param)


@pytest.mark.parametrize(
    "arrangement, window",
    [("alone", 1), ("alone", 7), ("after", 7), ("after", WINDOW), ("before", WINDOW), ("between", WINDOW)],
)
def test_entities_do_not_depend_on_neighbours_or_window(extractor, window, arrangement):
    alone = entities(extractor, [ARTICLE], WINDOW)
    texts, wanted = {
        "alone": ([ARTICLE], 0),
        "after": ([SHORT_BEFORE, ARTICLE], 1),
        "before": ([ARTICLE, SHORT_BEFORE], 0),
        "between": ([SHORT_BEFORE, ARTICLE, SHORT_BEFORE], 1),
    }[arrangement]
    assert entities(extractor, texts, window, wanted) == alone
    if extractor.info.name == "builtin":
        assert ("جامعة الأنبار", "ORG") in [(text, kind) for text, kind, *_ in alone]


def test_bert_batch_size_does_not_change_scores(bert_random):
    alone = entities(Extractor(str(bert_random), settings=Settings(batch_size=1)), [ARTICLE], 1)
    assert entities(Extractor(str(bert_random), settings=Settings(batch_size=3)), [ARTICLE], 512) == alone
    extractor = Extractor(str(bert_random), settings=Settings(batch_size=32))
    assert entities(extractor, [BEFORE, ARTICLE], 512, wanted=1) == alone


@pytest.mark.parametrize("model", ["builtin", "bert"])
def test_resumed_run_writes_what_a_clean_run_writes(tmp_path, bert_random, model):
    model = "builtin" if model == "builtin" else str(bert_random)
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "a.txt").write_text(BEFORE, encoding="utf-8")
    (source / "b.txt").write_text(ARTICLE, encoding="utf-8")
    run = ["extract", "-q", "-m", model, "-o", str(out), str(source)]
    assert CliRunner().invoke(cli, run).exit_code == 0
    clean = (out / "b.txt.json").read_text(encoding="utf-8")
    (out / "b.txt.json").unlink()
    assert CliRunner().invoke(cli, [*run, "--skip-existing"]).exit_code == 0
    assert (out / "b.txt.json").read_text(encoding="utf-8") == clean
    assert json.loads(clean)["entities"]


def test_one_extractor_shared_by_threads_gives_sequential_results(extractor):
    extractor.window = 512
    lines = [line for line in ARTICLE.splitlines() if line.strip()]
    texts = [" ".join(lines[i : i + 1 + i % 3]) for i in range(len(lines))] * 4
    expected = [extractor.extract(text) for text in texts]
    results: dict[int, list] = {}
    errors = []

    def work(worker):
        try:
            for i in range(worker, len(texts), 4):
                results[i] = extractor.extract(texts[i])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [results[i] for i in range(len(texts))] == expected


@pytest.mark.parametrize("text", [None, b"\xd8\xa8", 5])
def test_extract_takes_only_str(text):
    with pytest.raises(TypeError, match="takes a str"):
        Extractor("builtin").extract(text)


def test_lone_surrogate_is_a_clear_value_error():
    with pytest.raises(ValueError, match="lone surrogate '\\\\ud800' at offset 4"):
        Extractor("builtin").extract("زار \ud800 بغداد")


def _presentation_form(letter):
    """The isolated presentation form of an Arabic letter, if it has one."""
    for code in range(0xFE70, 0xFEFF):
        ch = chr(code)
        if unicodedata.normalize("NFKC", ch) == letter and "ISOLATED" in unicodedata.name(ch, ""):
            return ch
    return letter


def test_presentation_forms_and_variation_selectors_are_folded_for_the_model():
    extractor = Extractor("builtin")
    plain = "وصل رئيس الوزراء مصطفى الكاظمي إلى مطار بغداد قادما من الأنبار"
    shown = "".join(_presentation_form(ch) for ch in plain)
    assert shown != plain and len(shown) == len(plain)
    expected = [(e.type, e.start, e.end, e.score) for e in extractor.extract(plain)]
    assert expected
    found = extractor.extract(shown)
    assert [(e.type, e.start, e.end, e.score) for e in found] == expected
    assert all(e.text == shown[e.start : e.end] for e in found)

    selected = plain.replace("بغداد", "بغداد\ufe0f")
    found = extractor.extract(selected)
    assert [e.type for e in found] == [kind for kind, *_ in expected]
    assert all(e.text == selected[e.start : e.end] for e in found)


def test_the_ligature_lam_alef_is_read_as_two_letters():
    extractor = Extractor("builtin")
    plain = "زار الرئيس مدينة الأنبار"
    shown = plain.replace("لأ", "\ufef7")
    assert [e.type for e in extractor.extract(shown)] == [e.type for e in extractor.extract(plain)] == ["LOC"]


def test_text_without_arabic_letters_gets_no_entities():
    extractor = Extractor("builtin")
    english = "The United Nations Security Council met in New York on Monday to discuss the situation."
    assert extractor.extract(english) == []
    mixed = f"زار الكاظمي بغداد. {english}"
    assert [(e.text, e.type) for e in extractor.extract(mixed)] == [("بغداد", "LOC")]


def test_a_listed_latin_name_is_still_found(tmp_path):
    names = tmp_path / "names.tsv"
    names.write_text("United Nations\tORG\n", encoding="utf-8")
    extractor = Extractor("builtin", names=[names])
    found = extractor.extract("The United Nations Security Council met in New York on Monday.")
    assert [(e.text, e.type) for e in found] == [("United Nations", "ORG")]


def test_short_documents_share_the_encoders_batches_not_their_labels():
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    together = Extractor("e5")
    batches = []
    encode = together.recognizer.probabilities
    together.recognizer.probabilities = lambda sentences: (batches.append(len(sentences)), encode(sentences))[1]
    found: dict[str, list] = {f"doc{i}": [] for i in range(len(texts))}
    for event in together.stream([text_document(text, f"doc{i}") for i, text in enumerate(texts)]):
        if isinstance(event, SentenceResult):
            found[event.document.source] += [(e.text, e.type, e.start, e.end, e.score) for e in event.entities]
    alone = Extractor("e5")
    assert list(found.values()) == [entities(alone, [text], 512) for text in texts]
    assert [size for size in batches if size] == [41]  # the six files' 41 sentences, encoded together


def test_extract_many_is_extract_on_each_text():
    extractor = Extractor("builtin")
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES] + ["", "وصل الكاظمي إلى بغداد"]
    assert list(extractor.extract_many(texts)) == [extractor.extract(text) for text in texts]
    assert list(extractor.extract_many(reversed(texts))) == [extractor.extract(text) for text in reversed(texts)]
    with pytest.raises(TypeError, match="not one str"):
        next(extractor.extract_many("وصل الكاظمي"))


@pytest.fixture(scope="module", params=["builtin", "bert"])
def any_extractor(request, bert_random):
    return Extractor("builtin" if request.param == "builtin" else str(bert_random))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(CHARS, max_size=300).map("".join))
def test_any_text_every_word_labelled_once_offsets_exact(any_extractor, text):
    results = [e for e in any_extractor.stream([text_document(text)]) if isinstance(e, SentenceResult)]
    for result in results:
        assert len(result.labels) == len(result.sentence.words)
        for entity in result.entities:
            assert text[entity.start : entity.end] == entity.text
            # What the writers do: it fails if an entity carried a lone surrogate.
            json.dumps(entity.to_dict(), ensure_ascii=False).encode("utf-8")
