"""Model resolution: from `--model NAME|PATH` (or nothing) to a loaded recognizer.

This package is the registry: the one place that knows the kinds of model
(`KINDS`, those arner trains in `TRAINABLE`) and the models known by name
(`NAMED`); the rest of arner sees a `Recognizer`. It loads no model code: each
kind imports its own when a model loads or trains. Order when nothing is named:
CAMeL's `arabert` if installed, else `e5`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError, ModelNotFound
from . import camel, crf, e5
from .base import META_FILE, Kind, ModelInfo, Recognizer, Settings, write_meta

__all__ = [
    "KINDS",
    "NAMED",
    "TRAINABLE",
    "ModelInfo",
    "Recognizer",
    "Settings",
    "available",
    "load",
    "measure",
    "resolve",
]


def _load_bert(path: Path, meta: dict, settings: Settings) -> Recognizer:
    from .bert import BertRecognizer

    return BertRecognizer(path, settings)


BERT = Kind("BERT", lambda path, meta: (path / "config.json").is_file(), _load_bert)
KINDS: tuple[Kind, ...] = (crf.KIND, e5.KIND, BERT)  # the first that claims a folder loads it
TRAINABLE: dict[str, Kind] = {"crf": crf.KIND, "e5": e5.KIND}  # `arner train --kind`, the first the default


@dataclass(frozen=True)
class Named:
    """A model known by name: where its folder is, and what `--model`'s help says of it."""

    name: str
    kind: Kind
    folder: Callable[[], Path]
    about: str = ""
    installed: Callable[[], bool] = lambda: True
    title: str = ""  # what its error says when it is not installed
    install: str = ""  # how to install it then
    published_f1: float | None = None  # ANERcorp test F1 its authors published, shown while it is not installed


NAMED: dict[str, Named] = {  # in the order `arner models` lists them
    "arabert": Named(
        "arabert",
        BERT,
        lambda: camel.arabert_path(),
        installed=lambda: camel.arabert_installed(),
        title="CAMeL's arabert NER model",
        install="run `arner download`",
        published_f1=0.831,
    ),
    "builtin": Named("builtin", crf.KIND, lambda: crf.BUILTIN_DIR, about="the fast CRF"),
    "e5": Named("e5", e5.KIND, lambda: e5.SHIPPED_DIR),
}
DEFAULT_ORDER = ("arabert", "e5")  # with no --model: the first installed


def _read_meta(path: Path) -> dict:
    try:
        meta = json.loads((path / META_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ModelError(f"{path / META_FILE} is unreadable: {error}") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{path / META_FILE} is not a JSON object")
    return meta


def from_path(path: Path, name: str | None = None) -> ModelInfo:
    """Identify the kind of model saved in a folder."""
    if not path.is_dir():
        raise ModelNotFound(
            f"no model at {path}",
            "pass --model builtin, --model arabert (after `arner download`) or a model folder",
        )
    meta = _read_meta(path)
    for kind in KINDS:
        if kind.claims(path, meta):
            return ModelInfo(name or str(path), kind, path, meta)
    raise ModelError(
        f"{path} is not a model folder (no meta.json of an arner model, no config.json of a BERT model)",
        "point --model at a folder written by `arner train` or by save_pretrained()",
    )


def resolve(spec: str | None) -> ModelInfo:
    """The model to run for `--model` (None: the first installed of DEFAULT_ORDER)."""
    if spec is None:
        spec = next(name for name in DEFAULT_ORDER if NAMED[name].installed())
    named = NAMED.get(spec)
    if named is not None:
        if not named.installed():
            raise ModelNotFound(
                f"{named.title or named.name} is not installed (looked in {named.folder()})",
                f"{named.install}, or pass --model PATH to a model folder",
            )
        return from_path(named.folder(), named.name)
    if not spec.strip():
        raise ModelNotFound("--model is empty", "pass builtin, arabert or a model folder")
    return from_path(Path(spec).expanduser())


def available() -> list[ModelInfo]:
    """Models that can run here without naming a path."""
    return [from_path(named.folder(), named.name) for named in NAMED.values() if named.installed()]


def load(info: ModelInfo, settings: Settings = Settings()) -> Recognizer:
    """Load a resolved model into a recognizer."""
    return info.kind.load(info.path, info.meta, settings)


def known_words(recognizer: Recognizer) -> frozenset[str]:
    """Normalized names the model knows, for counting `وبغداد` as `بغداد`.

    Models without a name list of their own borrow the built-in model's.
    """
    return recognizer.known_words or crf.builtin_known_words()


def measure(folder: Path, tests: dict[str, Path]) -> dict:
    """Score the model in `folder` on CoNLL test sets as `arner evaluate` scores it
    (`scoring.measure`) into its meta.json, with its load time and size; return the meta.

    Each file is read as one document, and also each sentence alone for a model
    that reads across sentences (`context`). Words per second are measured on the
    first test set, in this process.
    """
    from ..extractor import Extractor
    from ..scoring import measure as measure_tests

    started = time.perf_counter()
    extractor = Extractor(str(folder))
    scores = {"load_seconds": round(time.perf_counter() - started, 3)}
    scores.update(measure_tests(extractor, tests, each_sentence=extractor.recognizer.context > 0))
    scores["size_bytes"] = sum(f.stat().st_size for f in Path(folder).iterdir() if f.is_file())
    meta = _read_meta(Path(folder))
    meta["scores"] = {**meta.get("scores", {}), **scores}
    meta["test_data"] = {name: str(path) for name, path in tests.items()}
    write_meta(folder, meta)
    return meta
