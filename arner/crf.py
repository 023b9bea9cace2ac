"""CRF sequence labeller for Arabic NER (python-crfsuite backend).

A model folder holds:

* `model.crfsuite`  the trained CRF weights;
* `gazetteer.tsv`   compiled name lists (see `arner.gazetteer`);
* `stats.tsv`       label counts per stem over the whole training set;
* `meta.json`       kind, version, data sources, options and measured scores.
"""

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pycrfsuite

from arner.features import ENTITY_TYPES, FeatureExtractor, StemStats, count_stats
from arner.gazetteer import Gazetteer, load_gazetteer
from arner.normalize import normalize, strip_proclitics

MODEL_FILE = "model.crfsuite"
GAZETTEER_FILE = "gazetteer.tsv"
STATS_FILE = "stats.tsv"
META_FILE = "meta.json"
BUILTIN_DIR = Path(__file__).resolve().parent / "models" / "builtin"

DEFAULT_OPTIONS: dict[str, float | int] = {
    "c1": 0.05,
    "c2": 0.05,
    "max_iterations": 200,
    "folds": 10,
    "window": 10,
}
_TRAINER_OPTIONS = ("c1", "c2", "max_iterations")


def read_conll(path: str | Path) -> tuple[list[list[str]], list[list[str]]]:
    """Read "word TAG" / "word<TAB>TAG" lines; blank lines separate sentences."""
    sentences: list[list[str]] = []
    labels: list[list[str]] = []
    words: list[str] = []
    tags: list[str] = []
    text = Path(path).read_text(encoding="utf-8-sig")
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            if words:
                sentences.append(words)
                labels.append(tags)
                words, tags = [], []
            continue
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected 'word TAG', got {line!r}")
        words.append(parts[0])
        tags.append(parts[1])
    if words:
        sentences.append(words)
        labels.append(tags)
    return sentences, labels


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


def _known_words(gazetteer: Gazetteer, stats: dict[str, StemStats]) -> frozenset[str]:
    """Words a bare proclitic may be stripped down to: gazetteer and training entity words."""
    entity_words = {stem for stem, s in stats.items() if any(s.types)}
    return gazetteer.words() | entity_words


class CRFModel:
    """A trained CRF with the resources its features need."""

    def __init__(
        self,
        model_path: Path,
        gazetteer: Gazetteer,
        stats: dict[str, StemStats],
        meta: dict,
    ) -> None:
        self.meta = meta
        self.known_words = _known_words(gazetteer, stats)
        window = int(meta.get("options", {}).get("window", DEFAULT_OPTIONS["window"]))
        self._extractor = FeatureExtractor(gazetteer, stats, self.known_words, window)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._labels = self._tagger.labels()

    @classmethod
    def load(cls, path: str | Path) -> "CRFModel":
        folder = Path(path)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("kind") != "arner-crf":
            raise ValueError(f"{folder} does not hold an arner-crf model")
        return cls(
            folder / MODEL_FILE,
            load_gazetteer(folder / GAZETTEER_FILE),
            _read_stats(folder / STATS_FILE),
            meta,
        )

    def save(self, path: str | Path) -> None:
        """Write the model folder (the model file is copied from where it was loaded)."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        source = Path(self.meta["_model_path"]) if "_model_path" in self.meta else None
        if source is not None and source.resolve() != (folder / MODEL_FILE).resolve():
            shutil.copyfile(source, folder / MODEL_FILE)
        meta = {k: v for k, v in self.meta.items() if not k.startswith("_")}
        (folder / META_FILE).write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    def entity_key(self, text: str) -> str:
        """Like `arner.normalize.entity_key`, also stripping clitics before known names."""
        words = normalize(text).split()
        if words:
            words[0] = strip_proclitics(words[0], self.known_words)
        return " ".join(words)

    def predict(self, sentences: list[list[str]]) -> list[list[tuple[str, float]]]:
        """(BIO label, marginal probability) per word of consecutive sentences."""
        if not sentences:
            return []
        results = []
        for features in self._extractor.document_features(sentences):
            results.append(self._tag(features))
        return results

    def _tag(self, features: list[list[str]]) -> list[tuple[str, float]]:
        if not features:
            return []
        tagger = self._tagger
        tagger.set(features)
        labels = tagger.tag()
        return [(label, tagger.marginal(label, t)) for t, label in enumerate(labels)]


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
        extractor = FeatureExtractor(gazetteer, stats, known, window)
        features.extend(extractor.document_features(sentences[start:end]))
    return features


def train(
    train_sentences: list[list[str]],
    train_labels: list[list[str]],
    dev: tuple[list[list[str]], list[list[str]]] | None = None,
    **options,
) -> CRFModel:
    """Train a CRF; options: c1, c2, max_iterations, folds, window, gazetteer, model_path.

    `gazetteer` is a compiled gazetteer file (default: the built-in model's);
    `model_path` is where the CRF weights are written (default: a temp file).
    `dev` (sentences, labels) is scored after training into meta["dev"].
    """
    opts = {**DEFAULT_OPTIONS, **options}
    gazetteer_path = Path(opts.pop("gazetteer", BUILTIN_DIR / GAZETTEER_FILE))
    model_path = opts.pop("model_path", None)
    if model_path is None:
        import tempfile

        model_path = Path(tempfile.mkdtemp(prefix="arner-crf-")) / MODEL_FILE
    model_path = Path(model_path)
    model_path.parent.mkdir(parents=True, exist_ok=True)

    gazetteer = load_gazetteer(gazetteer_path)
    stemmer = FeatureExtractor(gazetteer, {}, gazetteer.words(), int(opts["window"]))
    provisional = count_stats(
        ([stemmer.stem(w) for w in s], l) for s, l in zip(train_sentences, train_labels)
    )
    known = _known_words(gazetteer, provisional)
    started = time.perf_counter()
    features = out_of_fold_features(
        train_sentences, train_labels, gazetteer, known, int(opts["folds"]), int(opts["window"])
    )
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in zip(features, train_labels):
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
    extractor = FeatureExtractor(gazetteer, {}, known, int(opts["window"]))
    stats = count_stats(
        ([extractor.stem(w) for w in s], l) for s, l in zip(train_sentences, train_labels)
    )
    meta = {
        "kind": "arner-crf",
        "version": 1,
        "options": opts,
        "train_sentences": len(train_sentences),
        "train_words": sum(map(len, train_sentences)),
        "train_seconds": round(time.perf_counter() - started, 1),
        "_model_path": str(model_path),
        "_gazetteer_path": str(gazetteer_path),
    }
    model = CRFModel(model_path, gazetteer, stats, meta)
    model._stats = stats
    if dev is not None:
        meta["dev"] = evaluate(model, *dev)
    return model


def evaluate(model: CRFModel, sentences: list[list[str]], labels: list[list[str]]) -> dict:
    """seqeval micro P/R/F1 overall and per entity type (tags mapped to PERS/LOC/ORG/MISC)."""
    from seqeval.metrics import classification_report

    predicted = [[label for label, _ in sent] for sent in model.predict(sentences)]
    gold = [[_canonical_tag(t) for t in sent] for sent in labels]
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    scores = {
        name: {k: round(float(report[name][k]), 4) for k in ("precision", "recall", "f1-score")}
        for name in (*ENTITY_TYPES, "micro avg")
        if name in report
    }
    return scores


_TAG_ALIASES = {"PER": "PERS", "MIS": "MISC"}


def _canonical_tag(tag: str) -> str:
    """Map AQMAR's PER/MIS spellings onto the model's PERS/MISC."""
    if tag == "O" or "-" not in tag:
        return tag
    prefix, kind = tag.split("-", 1)
    return f"{prefix}-{_TAG_ALIASES.get(kind, kind)}"
