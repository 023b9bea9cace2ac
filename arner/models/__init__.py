"""Model resolution: from `--model NAME|PATH` (or nothing) to a loaded recognizer.

This package is the one place that knows the kinds of model (`KINDS`); the
rest of arner sees a `Recognizer`. Order when nothing is named: CAMeL's
`arabert` if installed, else `e5`; the built-in CRF (`builtin`) by name.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ModelError, ModelNotFound
from . import bert, camel, crf, e5
from .base import Kind, ModelInfo, Recognizer, Settings

__all__ = ["KINDS", "ModelInfo", "Recognizer", "Settings", "available", "load", "resolve"]

BUILTIN = "builtin"
E5 = "e5"
ARABERT = "arabert"
KINDS: tuple[Kind, ...] = (crf.KIND, e5.KIND, bert.KIND)  # the first that claims a folder loads it


def _read_meta(path: Path) -> dict:
    try:
        meta = json.loads((path / "meta.json").read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ModelError(f"{path / 'meta.json'} is unreadable: {error}") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{path / 'meta.json'} is not a JSON object")
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
    """The model to run for `--model` (None: arabert if installed, else e5)."""
    if spec is None:
        spec = ARABERT if camel.arabert_installed() else E5
    if spec == BUILTIN:
        return from_path(crf.BUILTIN_DIR, BUILTIN)
    if spec == E5:
        return from_path(e5.SHIPPED_DIR, E5)
    if spec == ARABERT:
        if not camel.arabert_installed():
            raise ModelNotFound(
                f"CAMeL's arabert NER model is not installed (looked in {camel.arabert_path()})",
                "run `arner download`, or pass --model PATH to a model folder",
            )
        return from_path(camel.arabert_path(), ARABERT)
    if not spec.strip():
        raise ModelNotFound("--model is empty", "pass builtin, arabert or a model folder")
    return from_path(Path(spec).expanduser())


def available() -> list[ModelInfo]:
    """Models that can run here without naming a path."""
    found = [from_path(crf.BUILTIN_DIR, BUILTIN), from_path(e5.SHIPPED_DIR, E5)]
    if camel.arabert_installed():
        found.insert(0, from_path(camel.arabert_path(), ARABERT))
    return found


def load(info: ModelInfo, settings: Settings = Settings()) -> Recognizer:
    """Load a resolved model into a recognizer."""
    return info.kind.load(info.path, info.meta, settings)


def known_words(recognizer: Recognizer) -> frozenset[str]:
    """Normalized names the model knows, for counting `وبغداد` as `بغداد`.

    Models without a name list of their own borrow the built-in model's.
    """
    return getattr(recognizer, "known_words", None) or crf.builtin_known_words()
