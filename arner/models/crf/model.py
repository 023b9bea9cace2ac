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
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pycrfsuite

from ...names import read_pairs, write_pairs
from ...text.function_words import function_word
from ..base import META_FILE, Recognizer, reach, write_meta
from ..propagation import Tagged, propagate
from . import CONTEXT, META_KIND
from .features import FeatureExtractor
from .gazetteer import from_entries, load_gazetteer
from .stats import StemStats

MODEL_FILE = "model.crfsuite"
GAZETTEER_FILE = "gazetteer.tsv"
STATS_FILE = "stats.tsv"
ENTITY_WORDS_FILE = "entity-words.txt"
ENTITIES_FILE = "entities.tsv"


def _write_stats(path: Path, stats: Mapping[str, StemStats]) -> None:
    lines = (
        "\t".join((stem, str(s.total), str(s.outside), *map(str, s.types))) + "\n" for stem, s in sorted(stats.items())
    )
    path.write_text("".join(lines), encoding="utf-8")


class _StatsFile(Mapping[str, StemStats]):
    """stats.tsv's rows, each parsed when asked for: a run looks up a few thousand of its
    37k stems, and parsing them all took most of the CRF's load."""

    def __init__(self, path: Path) -> None:
        rows = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
        self._rows = {stem: counts for stem, counts in rows}

    def __getitem__(self, stem: str) -> StemStats:
        total, outside, *types = self._rows[stem].split("\t")
        return StemStats(int(total), int(outside), tuple(int(t) for t in types))  # type: ignore[arg-type]

    def get(self, stem: str, default: StemStats | None = None) -> StemStats | None:  # type: ignore[override]
        # Most stem bigrams looked up are not listed: no KeyError raised and caught for each.
        return self[stem] if stem in self._rows else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def known_words(folder: Path) -> frozenset[str]:
    """Normalized names a model folder knows (gazetteer and training entities)."""
    entity_words = (folder / ENTITY_WORDS_FILE).read_text(encoding="utf-8").split()
    return load_gazetteer(folder / GAZETTEER_FILE).words() | frozenset(entity_words)


class CRFModel(Recognizer):
    """A trained CRF with the resources its features need."""

    def __init__(
        self,
        model_path: Path,
        gazetteer_path: Path,
        stats: Mapping[str, StemStats],
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
        context = int(meta.get("options", {}).get("context", CONTEXT))
        self._extractor = FeatureExtractor(gazetteer, stats, self.known_words, context, from_entries(entities))
        # Features look `context` sentences each way, and label propagation as far again.
        self.context = reach(context, context)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._labels = self._tagger.labels()
        # A Tagger holds the sentence being tagged (set, tag, marginal): one user at a time.
        self._tagger_lock = threading.Lock()

    @classmethod
    def load(cls, path: str | Path) -> CRFModel:
        folder = Path(path)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("kind") != META_KIND:
            raise ValueError(f"{folder} does not hold an {META_KIND} model")
        return cls(
            folder / MODEL_FILE,
            folder / GAZETTEER_FILE,
            _StatsFile(folder / STATS_FILE),
            frozenset((folder / ENTITY_WORDS_FILE).read_text(encoding="utf-8").split()),
            read_pairs(folder / ENTITIES_FILE),
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
        write_pairs(folder / ENTITIES_FILE, self._entities)
        (folder / ENTITY_WORDS_FILE).write_text(
            "".join(f"{word}\n" for word in sorted(self._entity_words)),
            encoding="utf-8",
        )
        write_meta(folder, self.meta)

    def predict(self, sentences: list[list[str]]) -> list[list[tuple[str, float]]]:
        """(BIO label, marginal probability) per word of consecutive sentences."""
        if not sentences:
            return []
        tagged = [self._tag(features) for features in self._extractor.document_features(sentences)]
        return propagate(self.stems(sentences), tagged, self._extractor.context, PROPAGATE_MIN_ENTITY)

    def stems(self, sentences: list[list[str]]) -> list[list[str]]:
        """Each word without its clitics, as label propagation matches words: normalized as the
        features read it, but a function word as listed (على stays apart from the name علي)."""
        return [[function_word(word) or self._extractor.info(word).stem for word in sentence] for sentence in sentences]

    @property
    def feature_context(self) -> int:
        """Sentences each way whose words are features of a sentence."""
        return self._extractor.context

    def marginals(self, sentences: list[list[str]], labels: list[str]) -> list[np.ndarray]:
        """[words, labels] marginal probabilities per sentence of consecutive sentences (0 for labels it lacks)."""
        out = []
        columns = [(k, label) for k, label in enumerate(labels) if label in self._labels]
        marginal = self._tagger.marginal
        for features in self._extractor.document_features(sentences):
            array = np.zeros((len(features), len(labels)), dtype=np.float32)
            positions = range(len(features))
            with self._tagger_lock:
                if features:
                    self._tagger.set(features)
                for k, label in columns:
                    array[:, k] = [marginal(label, t) for t in positions]
            out.append(array)
        return out

    def _tag(self, features: list[list[str]]) -> list[Tagged]:
        if not features:
            return []
        tagger = self._tagger
        tagged = []
        with self._tagger_lock:
            tagger.set(features)
            for t, label in enumerate(tagger.tag()):
                p = tagger.marginal(label, t)
                doubtful = label == "O" and p < PROPAGATE_MAX_OUTSIDE
                alternatives = {k: tagger.marginal(k, t) for k in self._labels} if doubtful else None
                tagged.append(Tagged(label, p, alternatives))
        return tagged


# Label propagation thresholds, tuned on two held-out tenths of ANERcorp train (+0.6 F1).
PROPAGATE_MIN_ENTITY = 0.5
PROPAGATE_MAX_OUTSIDE = 0.8
