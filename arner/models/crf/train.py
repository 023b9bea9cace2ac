"""Training a CRF model folder: out-of-fold features, the CRF fit, the dev score in meta.json."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pycrfsuite

from ...inputs.conll import read_conll
from ...scoring import canonical_tag, recognizer_summary
from ...text.normalize import normalize, strip_proclitics
from . import BUILTIN_DIR, CONTEXT, META_KIND
from .features import FeatureExtractor
from .gazetteer import Gazetteer, from_entries, load_gazetteer
from .model import GAZETTEER_FILE, MODEL_FILE, CRFModel
from .stats import count_stats, entity_names

DEFAULT_OPTIONS: dict[str, float | int] = {
    "c1": 0.05,
    "c2": 0.05,
    "max_iterations": 200,
    "folds": 10,
    "context": CONTEXT,
}


def _folds(n: int, k: int) -> Iterator[tuple[int, int]]:
    """Contiguous (start, end) blocks: neighbouring sentences share a document."""
    k = max(1, min(k, n))
    for fold in range(k):
        yield n * fold // k, n * (fold + 1) // k


def out_of_fold_features(
    sentences: list[list[str]],
    labels: list[list[str]],
    gazetteer: Gazetteer,
    known: frozenset[str],
    folds: int,
    context: int,
) -> list[list[list[str]]]:
    """Features for training, each fold's statistics counted on the other folds only."""
    stemmer = FeatureExtractor(gazetteer, {}, known, context)
    stems = [[stemmer.stem(w) for w in sentence] for sentence in sentences]
    pairs = list(zip(stems, labels))
    features: list[list[list[str]]] = []
    for start, end in _folds(len(sentences), folds):
        stats = count_stats(pairs[:start] + pairs[end:])
        others = list(zip(sentences[:start] + sentences[end:], labels[:start] + labels[end:]))
        entities = from_entries(entity_names(others, known))
        extractor = FeatureExtractor(gazetteer, stats, known, context, entities)
        features.extend(extractor.document_features(sentences[start:end]))
    return features


def _entity_words(sentences: list[list[str]], labels: list[list[str]]) -> frozenset[str]:
    """Normalized words labelled as part of an entity, article clitics stripped."""
    return frozenset(
        strip_proclitics(normalize(word))
        for sentence, tags in zip(sentences, labels)
        for word, tag in zip(sentence, tags)
        if tag != "O"
    )


def _temporary_model_path() -> Path:
    return Path(tempfile.mkdtemp(prefix="arner-crf-")) / MODEL_FILE


def _fit(features: list[list[list[str]]], labels: list[list[str]], opts: dict, model_path: Path) -> None:
    """Fit the CRF weights and write them to `model_path`."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in zip(features, labels):
        if xseq:
            trainer.append(xseq, yseq)
    trainer.set_params(
        {
            "c1": float(opts["c1"]),
            "c2": float(opts["c2"]),
            "max_iterations": int(opts["max_iterations"]),
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(model_path))


def train(
    train_sentences: list[list[str]],
    train_labels: list[list[str]],
    dev: tuple[list[list[str]], list[list[str]]] | None = None,
    **options,
) -> CRFModel:
    """Train a CRF; options: c1, c2, max_iterations, folds, context, gazetteer, model_path.

    `gazetteer` is a compiled gazetteer file (default: the built-in model's);
    `model_path` is where the CRF weights are written (default: a temp file).
    `dev` (sentences, labels) is scored after training into meta["scores"]["dev"].
    """
    opts = {**DEFAULT_OPTIONS, **options}
    gazetteer_path = Path(opts.pop("gazetteer", None) or BUILTIN_DIR / GAZETTEER_FILE)
    model_path = Path(opts.pop("model_path", None) or _temporary_model_path())
    model_path.parent.mkdir(parents=True, exist_ok=True)
    labels = [[canonical_tag(tag) for tag in tags] for tags in train_labels]
    context = int(opts["context"])

    started = time.perf_counter()
    gazetteer = load_gazetteer(gazetteer_path)
    entity_words = _entity_words(train_sentences, labels)
    known = gazetteer.words() | entity_words
    features = out_of_fold_features(train_sentences, labels, gazetteer, known, int(opts["folds"]), context)
    _fit(features, labels, opts, model_path)
    stemmer = FeatureExtractor(gazetteer, {}, known, context)
    stats = count_stats(([stemmer.stem(w) for w in words], tags) for words, tags in zip(train_sentences, labels))
    meta = {
        "kind": META_KIND,
        "version": 1,
        "options": {**opts, "gazetteer": gazetteer_path.name},
        "train_sentences": len(train_sentences),
        "train_words": sum(map(len, train_sentences)),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    entities = entity_names(zip(train_sentences, labels), known)
    model = CRFModel(model_path, gazetteer_path, stats, entity_words, entities, meta)
    if dev is not None:
        meta["scores"] = {"dev": recognizer_summary(model, *dev)}
    return model


def train_from_files(
    train_path: str | Path,
    dev_path: str | Path | None,
    out_dir: str | Path,
    gazetteer: str | Path | None = None,
    **options,
) -> dict:
    """Read CoNLL files, train, save the model folder into `out_dir`; return its meta.

    `gazetteer` defaults to the built-in model's compiled gazetteer, which is
    copied into `out_dir` so the folder is self-contained.
    """
    out = Path(out_dir)
    sentences, labels = read_conll(train_path)
    dev = read_conll(dev_path) if dev_path is not None else None
    model = train(
        sentences,
        labels,
        dev,
        gazetteer=gazetteer,
        model_path=out / MODEL_FILE,
        **options,
    )
    model.meta["train_data"] = [str(train_path)]
    model.meta["size_bytes"] = (out / MODEL_FILE).stat().st_size
    model.save(out)
    return model.meta


def held_out_dev(train_file: Path, crf_dir: Path | None = None) -> tuple[list[list[str]], list[list[str]], CRFModel]:
    """The dev split the shipped models were tuned on: the last 10 % of `train_file` (sentences,
    labels as written), and a CRF that has not seen it: loaded from `crf_dir`, or trained on
    the first 90 % (about a minute), since the shipped CRF was trained on all of it."""
    sentences, gold = read_conll(train_file)
    cut = len(sentences) * 9 // 10
    if crf_dir:
        crf = CRFModel.load(crf_dir)
    else:
        crf = train(sentences[:cut], [[canonical_tag(tag) for tag in tags] for tags in gold[:cut]])
    return sentences[cut:], gold[cut:], crf
