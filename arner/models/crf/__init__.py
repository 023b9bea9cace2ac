"""The built-in kind: a linear-chain CRF over word, gazetteer and document features.

`model` loads and runs a model folder, `train` writes one, `features` and
`gazetteer` are what both share. pycrfsuite is imported only when a model is
loaded or trained.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ...errors import ModelError
from ..base import Kind, Recognizer, Settings

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "builtin"
META_KIND = "arner-crf"
CONTEXT = 10  # sentences on each side that are evidence for a sentence's labels


def _load(path: Path, meta: dict, settings: Settings) -> Recognizer:
    from .model import CRFModel

    try:
        return CRFModel.load(path)
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"cannot load the model in {path}: {error}") from None


@lru_cache(maxsize=1)
def builtin_known_words() -> frozenset[str]:
    from .model import known_words

    return known_words(BUILTIN_DIR)


def _train(train_file: Path, dev: Path | None, out_dir: Path, options: dict, log) -> dict:
    from .train import train_from_files

    return train_from_files(train_file, dev, out_dir, **options)


KIND = Kind(
    "CRF",
    lambda path, meta: meta.get("kind") == META_KIND,
    _load,
    _train,
    ("gazetteer",),
    "the built-in kind (about a minute)",
)
