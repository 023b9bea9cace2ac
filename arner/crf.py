"""CRF sequence labeller for Arabic NER (python-crfsuite backend).

A model folder holds:

* `model.crfsuite`  the trained CRF weights;
* `gazetteer.tsv`   compiled name lists (see `arner.gazetteer`);
* `stats.tsv`       label counts per stem (and frequent stem bigram) in training;
* `entity-words.txt` training words seen inside entities (for clitic stripping);
* `entities.tsv`    entity names seen in training, matched like a gazetteer;
* `meta.json`       kind, version, data sources, options and measured scores.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pycrfsuite

from arner.conll import read_conll
from arner.evaluate import Score, canonical_tag, score
from arner.features import (
    ENTITY_TYPES,
    FeatureExtractor,
    StemStats,
    count_stats,
    entity_names,
)
from arner.gazetteer import Gazetteer, from_entries, load_gazetteer, write_entries
from arner.normalize import normalize, strip_proclitics

MODEL_FILE = "model.crfsuite"
GAZETTEER_FILE = "gazetteer.tsv"
STATS_FILE = "stats.tsv"
ENTITY_WORDS_FILE = "entity-words.txt"
ENTITIES_FILE = "entities.tsv"
META_FILE = "meta.json"
BUILTIN_DIR = Path(__file__).resolve().parent / "models" / "builtin"
KIND = "arner-crf"  # meta.json "kind" of a model folder written by this module

DEFAULT_OPTIONS: dict[str, float | int] = {
    "c1": 0.05,
    "c2": 0.05,
    "max_iterations": 200,
    "folds": 10,
    "window": 10,
}
_TRAINER_OPTIONS = ("c1", "c2", "max_iterations")


def _read_entries(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(kind, name) for kind, _, name in (line.partition("\t") for line in lines)]


def _write_stats(path: Path, stats: dict[str, StemStats]) -> None:
    lines = (
        "\t".join((stem, str(s.total), str(s.outside), *map(str, s.types))) + "\n"
        for stem, s in sorted(stats.items())
    )
    path.write_text("".join(lines), encoding="utf-8")


def _read_stats(path: Path) -> dict[str, StemStats]:
    stats = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        stem, total, outside, *types = line.split("\t")
        stats[stem] = StemStats(int(total), int(outside), tuple(int(t) for t in types))  # type: ignore[arg-type]
    return stats


def known_words(folder: Path = BUILTIN_DIR) -> frozenset[str]:
    """Normalized names a model folder knows (gazetteer and training entities)."""
    entity_words = (folder / ENTITY_WORDS_FILE).read_text(encoding="utf-8").split()
    return load_gazetteer(folder / GAZETTEER_FILE).words() | frozenset(entity_words)


class CRFModel:
    """A trained CRF with the resources its features need."""

    def __init__(
        self,
        model_path: Path,
        gazetteer_path: Path,
        stats: dict[str, StemStats],
        entity_words: frozenset[str],
        entities: list[tuple[str, str]],
        meta: dict,
    ) -> None:
        self.meta = meta
        self._model_path = model_path
        self._gazetteer_path = gazetteer_path
        self._stats = stats
        self._entity_words = entity_words
        self._entities = entities
        gazetteer = load_gazetteer(gazetteer_path)
        self.known_words = gazetteer.words() | entity_words
        window = int(meta.get("options", {}).get("window", DEFAULT_OPTIONS["window"]))
        self._extractor = FeatureExtractor(
            gazetteer, stats, self.known_words, window, from_entries(entities)
        )
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._labels = self._tagger.labels()

    @classmethod
    def load(cls, path: str | Path) -> CRFModel:
        folder = Path(path)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("kind") != KIND:
            raise ValueError(f"{folder} does not hold an {KIND} model")
        return cls(
            folder / MODEL_FILE,
            folder / GAZETTEER_FILE,
            _read_stats(folder / STATS_FILE),
            frozenset((folder / ENTITY_WORDS_FILE).read_text(encoding="utf-8").split()),
            _read_entries(folder / ENTITIES_FILE),
            meta,
        )

    def save(self, path: str | Path) -> None:
        """Write the model folder: CRF weights, gazetteer, statistics and meta.json."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for source, name in (
            (self._model_path, MODEL_FILE),
            (self._gazetteer_path, GAZETTEER_FILE),
        ):
            if source.resolve() != (folder / name).resolve():
                shutil.copyfile(source, folder / name)
        _write_stats(folder / STATS_FILE, self._stats)
        write_entries(folder / ENTITIES_FILE, self._entities)
        (folder / ENTITY_WORDS_FILE).write_text(
            "".join(f"{word}\n" for word in sorted(self._entity_words)),
            encoding="utf-8",
        )
        (folder / META_FILE).write_text(
            json.dumps(self.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


    def predict(self, sentences: list[list[str]]) -> list[list[tuple[str, float]]]:
        """(BIO label, marginal probability) per word of consecutive sentences."""
        if not sentences:
            return []
        tagged = [
            self._tag(features)
            for features in self._extractor.document_features(sentences)
        ]
        stems = [
            [self._extractor.info(word).stem for word in sentence]
            for sentence in sentences
        ]
        return propagate_labels(stems, tagged, self._extractor.window)

    def _tag(self, features: list[list[str]]) -> list[Tagged]:
        if not features:
            return []
        tagger = self._tagger
        tagger.set(features)
        tagged = []
        for t, label in enumerate(tagger.tag()):
            p = tagger.marginal(label, t)
            doubtful = label == "O" and p < PROPAGATE_MAX_OUTSIDE
            alternatives = (
                {k: tagger.marginal(k, t) for k in self._labels} if doubtful else None
            )
            tagged.append(Tagged(label, p, alternatives))
        return tagged


class Tagged(NamedTuple):
    label: str
    probability: float
    alternatives: (
        dict[str, float] | None
    )  # all marginals, kept only for doubtful O words


# Label propagation thresholds, tuned on two held-out tenths of ANERcorp train (+0.6 F1).
PROPAGATE_MIN_ENTITY = 0.5
PROPAGATE_MAX_OUTSIDE = 0.8


def _votes(stems: list[str], tagged: list[Tagged]) -> list[tuple[str, str]]:
    """(stem, entity type) of the confidently tagged entity words of one sentence."""
    return [
        (stem, tag.label[2:])
        for stem, tag in zip(stems, tagged)
        if tag.label != "O"
        and len(stem) > 2
        and tag.probability >= PROPAGATE_MIN_ENTITY
    ]


def propagate_labels(
    stems: list[list[str]], tagged: list[list[Tagged]], window: int
) -> list[list[tuple[str, float]]]:
    """Give a doubtful O word the type its stem was confidently tagged with nearby.

    One document repeats a name in contexts of varying clarity; the CRF labels
    each occurrence separately, so the clear ones vouch for the others.
    """
    votes = [_votes(s, t) for s, t in zip(stems, tagged)]
    counts: dict[str, Counter[str]] = {}

    def add(index: int, sign: int) -> None:
        for stem, kind in votes[index]:
            counts.setdefault(stem, Counter())[kind] += sign

    for index in range(min(window, len(votes))):
        add(index, 1)
    result = []
    for index, (sentence_stems, sentence_tags) in enumerate(zip(stems, tagged)):
        if index + window < len(votes):
            add(index + window, 1)
        if index - window - 1 >= 0:
            add(index - window - 1, -1)
        labelled: list[tuple[str, float]] = []
        for stem, tag in zip(sentence_stems, sentence_tags):
            kind = _majority(counts.get(stem)) if tag.alternatives is not None else None
            if kind is None:
                labelled.append((tag.label, tag.probability))
                continue
            previous = labelled[-1][0] if labelled else "O"
            label = ("I-" if previous[2:] == kind else "B-") + kind
            labelled.append((label, tag.alternatives.get(label, 0.0)))
        result.append(labelled)
    return result


def _majority(counter: Counter[str] | None) -> str | None:
    if not counter:
        return None
    kind, n = counter.most_common(1)[0]
    return kind if n > 0 else None


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
    window: int,
) -> list[list[list[str]]]:
    """Features for training, each fold's statistics counted on the other folds only."""
    stemmer = FeatureExtractor(gazetteer, {}, known, window)
    stems = [[stemmer.stem(w) for w in sentence] for sentence in sentences]
    pairs = list(zip(stems, labels))
    features: list[list[list[str]]] = []
    for start, end in _folds(len(sentences), folds):
        stats = count_stats(pairs[:start] + pairs[end:])
        others = list(
            zip(sentences[:start] + sentences[end:], labels[:start] + labels[end:])
        )
        entities = from_entries(entity_names(others, known))
        extractor = FeatureExtractor(gazetteer, stats, known, window, entities)
        features.extend(extractor.document_features(sentences[start:end]))
    return features


def _entity_words(
    sentences: list[list[str]], labels: list[list[str]]
) -> frozenset[str]:
    """Normalized words labelled as part of an entity, article clitics stripped."""
    return frozenset(
        strip_proclitics(normalize(word))
        for sentence, tags in zip(sentences, labels)
        for word, tag in zip(sentence, tags)
        if tag != "O"
    )


def _temporary_model_path() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="arner-crf-")) / MODEL_FILE


def train(
    train_sentences: list[list[str]],
    train_labels: list[list[str]],
    dev: tuple[list[list[str]], list[list[str]]] | None = None,
    **options,
) -> CRFModel:
    """Train a CRF; options: c1, c2, max_iterations, folds, window, gazetteer, model_path.

    `gazetteer` is a compiled gazetteer file (default: the built-in model's);
    `model_path` is where the CRF weights are written (default: a temp file).
    `dev` (sentences, labels) is scored after training into meta["scores"]["dev"].
    """
    opts = {**DEFAULT_OPTIONS, **options}
    gazetteer_path = Path(opts.pop("gazetteer", None) or BUILTIN_DIR / GAZETTEER_FILE)
    model_path = Path(opts.pop("model_path", None) or _temporary_model_path())
    model_path.parent.mkdir(parents=True, exist_ok=True)
    labels = [[canonical_tag(tag) for tag in tags] for tags in train_labels]
    window = int(opts["window"])

    started = time.perf_counter()
    gazetteer = load_gazetteer(gazetteer_path)
    entity_words = _entity_words(train_sentences, labels)
    known = gazetteer.words() | entity_words
    features = out_of_fold_features(
        train_sentences, labels, gazetteer, known, int(opts["folds"]), window
    )
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
    stemmer = FeatureExtractor(gazetteer, {}, known, window)
    stats = count_stats(
        ([stemmer.stem(w) for w in s], l) for s, l in zip(train_sentences, labels)
    )
    meta = {
        "kind": KIND,
        "version": 1,
        "options": {**opts, "gazetteer": gazetteer_path.name},
        "train_sentences": len(train_sentences),
        "train_words": sum(map(len, train_sentences)),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    entities = entity_names(zip(train_sentences, labels), known)
    model = CRFModel(model_path, gazetteer_path, stats, entity_words, entities, meta)
    if dev is not None:
        meta["scores"] = {"dev": evaluate(model, *dev)}
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


def measure(model_dir: str | Path, test_sets: dict[str, str | Path]) -> dict:
    """Score a saved model on CoNLL test sets and record speed/size in its meta.json.

    Words per second are measured on the first test set with an empty word cache,
    in this process (one core).
    """
    folder = Path(model_dir)
    started = time.perf_counter()
    model = CRFModel.load(folder)
    load_seconds = time.perf_counter() - started
    scores: dict = {}
    for index, (name, path) in enumerate(test_sets.items()):
        sentences, labels = read_conll(path)
        if index == 0:
            started = time.perf_counter()
            model.predict(sentences)
            words = sum(map(len, sentences))
            scores["words_per_second"] = round(words / (time.perf_counter() - started))
        scores[name] = evaluate(model, sentences, labels)
    scores["load_seconds"] = round(load_seconds, 3)
    scores["size_bytes"] = sum(
        f.stat().st_size for f in folder.iterdir() if f.is_file()
    )
    model.meta["scores"] = {**model.meta.get("scores", {}), **scores}
    model.meta["test_data"] = {name: str(path) for name, path in test_sets.items()}
    (folder / META_FILE).write_text(
        json.dumps(model.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return model.meta


def evaluate(
    model: CRFModel, sentences: list[list[str]], labels: list[list[str]]
) -> dict:
    """seqeval micro precision/recall/f1, and per entity type."""
    predicted = [[label for label, _ in sent] for sent in model.predict(sentences)]
    rows = {row.type: row for row in score(labels, predicted)}
    micro = rows.pop("micro avg")

    def prf(row: Score) -> dict[str, float]:
        return {"precision": row.precision, "recall": row.recall, "f1": row.f1}

    return {**prf(micro), "per_type": {kind: prf(rows[kind]) for kind in ENTITY_TYPES if kind in rows}}
