"""arner as a spaCy component, with the real spaCy (`spacy.blank("ar")`, no model download)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

spacy = pytest.importorskip("spacy")

from spacy import displacy  # noqa: E402

from arner import Extractor  # noqa: E402
from arner.cli import cli  # noqa: E402

from .helpers import SAMPLE_DATA  # noqa: E402

SAMPLES = sorted(SAMPLE_DATA.glob("*/*.txt"))
README_SENTENCE = "استقبل رئيس الوزراء مصطفى الكاظمي في مطار بغداد وفدا من الحشد الشعبي، ثم توجه إلى قاعدة عين الأسد."
# Names at the very start and end, with proclitics (وبغداد, للكاظمي), and `بغداد،الكاظمي`: one token to
# spaCy, three words to arner, so two entity boundaries fall inside one spaCy token.
EDGES = "الكاظمي زار وبغداد ثم رحب للكاظمي في مطار بغداد،الكاظمي"


@pytest.fixture(scope="module")
def names(tmp_path_factory):
    path = tmp_path_factory.mktemp("names") / "names.tsv"
    path.write_text("الكاظمي\tPERS\nبغداد\tLOC\n", encoding="utf-8")
    return str(path)


def pipeline(**config):
    nlp = spacy.blank("ar")
    nlp.add_pipe("arner", config={"model": "builtin", **config})
    return nlp


def spans(doc):
    return [(e.text, e.label_, e.start_char, e.end_char, e._.arner_score) for e in doc.ents]


def cli_entities(paths, *args):
    """`arner extract -f jsonl` on `paths` (one model load), the entities of each path in order."""
    result = CliRunner().invoke(cli, ["extract", "-f", "jsonl", "-q", *args, *map(str, paths)])
    assert result.exit_code == 0, result.output
    found = {str(path): [] for path in paths}
    for row in map(json.loads, result.stdout.splitlines()):
        found[row["source"]].append((row["text"], row["type"], row["start"], row["end"], row["score"]))
    return list(found.values())


def rounded(found):
    return [(*entity[:4], round(entity[4], 4)) for entity in found]


@pytest.mark.parametrize("model", ["builtin", "bert"])
def test_same_entities_as_arner_extract(model, bert_random):
    model = str(bert_random) if model == "bert" else model
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    docs = list(pipeline(model=model).pipe(texts))
    assert [rounded(spans(doc)) for doc in docs] == cli_entities(SAMPLES, "-m", model)
    assert all(span.text == doc.text[span.start_char : span.end_char] for doc in docs for span in doc.ents)
    assert {e.label_ for doc in docs for e in doc.ents} <= {"PERS", "LOC", "ORG", "MISC"}


def test_default_model_is_the_cli_default(monkeypatch):
    monkeypatch.delenv("ARNER_MODEL")
    nlp = spacy.blank("ar")
    nlp.add_pipe("arner")
    found = spans(nlp(README_SENTENCE))
    result = CliRunner().invoke(cli, ["extract", "-f", "jsonl", "-q"], input=README_SENTENCE)
    assert rounded(found) == [(r["text"], r["type"], r["start"], r["end"], r["score"])
                              for r in map(json.loads, result.stdout.splitlines())]
    # The README's example.
    assert [(text, label, round(score, 2)) for text, label, _, _, score in found] == [
        ("مصطفى الكاظمي", "PERS", 0.93), ("مطار بغداد", "LOC", 0.95), ("الحشد الشعبي", "ORG", 1.0),
        ("قاعدة عين الأسد", "LOC", 0.96)]


def test_entities_at_the_edges_and_inside_spacy_tokens(names):
    expected = [("الكاظمي", "PERS", 0, 7), ("وبغداد", "LOC", 12, 18), ("للكاظمي", "PERS", 26, 33),
                ("مطار بغداد", "LOC", 37, 47), ("الكاظمي", "PERS", 48, 55)]
    assert [(e.text, e.type, e.start, e.end) for e in Extractor("builtin", names=[Path(names)]).extract(EDGES)] == expected
    assert [t.text for t in spacy.blank("ar")(EDGES)][-1] == "بغداد،الكاظمي"

    doc = pipeline(names=[names])(EDGES)
    assert [(text, label, start, end) for text, label, start, end, _ in spans(doc)] == expected
    assert [t.text for t in doc][-3:] == ["بغداد", "،", "الكاظمي"]
    assert doc.text == EDGES

    # Whole tokens instead: the two entities in `بغداد،الكاظمي` grow onto one token, the first is kept.
    doc = pipeline(names=[names], alignment="expand")(EDGES)
    assert [(e.text, e.label_) for e in doc.ents][-1] == ("مطار بغداد،الكاظمي", "LOC")
    assert len(doc.ents) == 4 and doc[-1].text == "بغداد،الكاظمي"
    # Tokens inside the entity only: `الكاظمي` at the end has none and is dropped.
    doc = pipeline(names=[names], alignment="contract")(EDGES)
    assert [(e.text, e.label_) for e in doc.ents][-1] == ("مطار", "LOC")


def test_pipe_batches_do_not_change_a_texts_entities(bert_random):
    # BERT labels sentences of consecutive documents in one window: the case where batch-mates could leak in.
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES] + [README_SENTENCE, "", EDGES * 20]
    nlp = pipeline(model=str(bert_random))
    alone = [spans(nlp(text)) for text in texts]
    assert [spans(doc) for doc in nlp.pipe(texts, batch_size=3)] == alone
    assert [spans(doc) for doc in nlp.pipe(reversed(texts), batch_size=100)] == alone[::-1]


def test_min_score_drops_entities_below_it():
    text = "\n".join(path.read_text(encoding="utf-8") for path in SAMPLES)
    everything = spans(pipeline(min_score=0)(text))
    assert min(score for *_, score in everything) < 0.9
    assert spans(pipeline(min_score=0.9)(text)) == [e for e in everything if e[4] >= 0.9]


@pytest.mark.parametrize("overwrite", [False, True])
def test_existing_entities_kept_or_overwritten(names, overwrite):
    nlp = spacy.blank("ar")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "وبغداد"}, {"label": "VERB", "pattern": "زار"}])
    nlp.add_pipe("arner", config={"model": "builtin", "names": [names], "overwrite_ents": overwrite})
    found = [(e.text, e.label_) for e in nlp(EDGES).ents]
    assert ("زار", "VERB") in found  # overlaps no arner entity: kept either way
    assert ("وبغداد", "LOC" if overwrite else "GPE") in found
    assert ("وبغداد", "GPE" if overwrite else "LOC") not in found
    assert ("للكاظمي", "PERS") in found


def test_displacy_renders_right_to_left(names):
    doc = pipeline(names=[names])(EDGES)
    html = displacy.render(doc, style="ent", options={"direction": "rtl"})
    assert 'direction: rtl' in html
    for entity in doc.ents:
        assert entity.text in html
    assert html.count(">PERS<") == 3 and html.count(">LOC<") == 2


def test_to_disk_and_spacy_load_round_trip_without_importing_arner(tmp_path, names):
    nlp = pipeline(names=[names], min_score=0.5, alignment="expand")
    nlp.to_disk(tmp_path / "pipeline")
    script = (
        "import json, sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "doc = nlp(sys.argv[2])\n"
        "print(json.dumps({'config': nlp.config['components']['arner'],"
        " 'ents': [[e.text, e.label_, e.start_char, e.end_char, e._.arner_score] for e in doc.ents]}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "pipeline"), EDGES],
                         capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out)
    assert loaded["config"] == {"factory": "arner", "model": "builtin", "min_score": 0.5, "names": [names],
                                "device": "auto", "batch_size": 32, "overwrite_ents": False, "alignment": "expand"}
    assert [tuple(e) for e in loaded["ents"]] == spans(nlp(EDGES))


@pytest.mark.parametrize("config, message", [
    ({"alignment": "strict"}, "alignment must be one of split, expand, contract"),
    ({"device": "gpu"}, "device must be one of auto, cpu, cuda"),
    ({"batch_size": 0}, "batch_size must be at least 1"),
])
def test_bad_config_is_one_clear_error(config, message):
    with pytest.raises(ValueError, match=message):
        pipeline(**config)
