"""The built-in kind: a linear-chain CRF over word, gazetteer and document features.

`model` loads and runs a model folder, `train` writes one, `features` and
`gazetteer` are what both share. pycrfsuite is imported only when a model is
loaded or trained.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ...errors import ModelError
from ..base import Kind, Settings

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "builtin"
META_KIND = "arner-crf"
CONTEXT = 10  # sentences on each side that are evidence for a sentence's labels


def _load(path: Path, meta: dict, settings: Settings):
    from .model import CRFModel

    try:
        return CRFModel.load(path)
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"cannot load the model in {path}: {error}") from None


@lru_cache(maxsize=1)
def builtin_known_words() -> frozenset[str]:
    from .model import known_words

    return known_words(BUILTIN_DIR)


# Features look CONTEXT sentences each way, and label propagation as far again.
KIND = Kind("CRF", lambda path, meta: meta.get("kind") == META_KIND, _load, context=2 * CONTEXT)
