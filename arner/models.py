"""Model resolution: from `--model NAME|PATH` (or nothing) to a loaded recognizer.

Order when nothing is named: CAMeL's `arabert` if installed, else the built-in
model shipped inside the package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import camel, crf
from .errors import ModelError, ModelNotFound
from .recognizer import Recognizer

BUILTIN = "builtin"
ARABERT = "arabert"


@dataclass(frozen=True)
class ModelInfo:
    """A model arner can run: its name, kind (`crf` or `bert`) and folder."""

    name: str
    kind: str
    path: Path
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return self.name if self.name in (BUILTIN, ARABERT) else str(self.path)

    @property
    def f1(self) -> float | None:
        """Micro F1 on the ANERcorp test split, as measured when the model was built."""
        return self.meta.get("scores", {}).get("anercorp_test", {}).get("f1")

    @property
    def words_per_second(self) -> float | None:
        return self.meta.get("scores", {}).get("words_per_second")


def _read_meta(path: Path) -> dict:
    try:
        return json.loads((path / "meta.json").read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ModelError(f"{path / 'meta.json'} is unreadable: {error}") from None


def from_path(path: Path, name: str | None = None) -> ModelInfo:
    """Identify the kind of model saved in a folder."""
    if not path.is_dir():
        raise ModelNotFound(
            f"no model at {path}",
            "pass --model builtin, --model arabert (after `arner download`) or a model folder",
        )
    meta = _read_meta(path)
    if meta.get("kind") == crf.KIND:
        return ModelInfo(name or str(path), "crf", path, meta)
    if (path / "config.json").is_file():
        return ModelInfo(name or str(path), "bert", path, meta)
    raise ModelError(
        f"{path} is not a model folder (no meta.json of an arner model, no config.json of a BERT model)",
        "point --model at a folder written by `arner train` or by save_pretrained()",
    )


def resolve(spec: str | None) -> ModelInfo:
    """The model to run for `--model` (None: arabert if installed, else built-in)."""
    if spec is None:
        spec = ARABERT if camel.arabert_installed() else BUILTIN
    if spec == BUILTIN:
        return from_path(crf.BUILTIN_DIR, BUILTIN)
    if spec == ARABERT:
        if not camel.arabert_installed():
            raise ModelNotFound(
                f"CAMeL's arabert NER model is not installed (looked in {camel.arabert_path()})",
                "run `arner download`, or pass --model PATH to a model folder",
            )
        return from_path(camel.arabert_path(), ARABERT)
    return from_path(Path(spec).expanduser())


def available() -> list[ModelInfo]:
    """Models that can run here without naming a path."""
    found = [from_path(crf.BUILTIN_DIR, BUILTIN)]
    if camel.arabert_installed():
        found.insert(0, from_path(camel.arabert_path(), ARABERT))
    return found


def load(
    info: ModelInfo, device: str = "auto", batch_size: int = 32, quantize: bool = False, threads: int | None = None
) -> Recognizer:
    """Load a resolved model into a recognizer."""
    if info.kind == "crf":
        try:
            return crf.CRFModel.load(info.path)
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(f"cannot load the model in {info.path}: {error}") from None
    from .recognizer import BertRecognizer

    return BertRecognizer(info.path, device=device, batch_size=batch_size, quantize=quantize, threads=threads)
