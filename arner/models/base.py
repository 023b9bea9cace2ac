"""What every model kind provides, and the inference settings they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, MutableMapping, Protocol

from ..types import Labelled


DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class Settings:
    """How a neural model runs; the CRF ignores them all.

    `batch_size` counts sentences (model windows) per forward pass.
    """

    device: str = "auto"
    batch_size: int = 32
    quantize: bool = False
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")


def wait_passively(environ: MutableMapping[str, str]) -> None:
    """Let torch's OpenMP threads sleep while they wait for each other, unless the user chose.

    libgomp's default spins first: on a machine with other work (another job, a
    second arner) the spinning threads burn the cores the working ones need
    (bench/load.py). OpenMP reads this once, when torch loads it: call before
    torch is imported. GOMP_SPINCOUNT set by the user counts as a choice too.
    """
    if "OMP_WAIT_POLICY" not in environ and "GOMP_SPINCOUNT" not in environ:
        environ["OMP_WAIT_POLICY"] = "PASSIVE"


class Recognizer(Protocol):
    """A loaded model: lists of words in, one (BIO label, probability) per word out.

    `predict` is given consecutive sentences of one document, in order; a model may
    use evidence across them, up to its kind's `context` sentences each way. A
    kind with `context` 0 labels each sentence alone, bit for bit whatever else
    is in the call (BERT batches no padding for that), and may be given
    sentences of several documents at once. A recognizer may set `context`
    itself (its kind's is the default) and `arabic_only = False` when it knows
    names in other scripts too (the extractor then keeps its Latin entities).
    """

    def predict(self, sentences: list[list[str]]) -> list[Labelled]: ...


@dataclass(frozen=True)
class Kind:
    """A kind of model folder: how to recognise one, what to call it, how to load it.

    `context` is how many neighbouring sentences on each side can change a
    sentence's labels (0: each sentence alone); the extractor feeds a model
    that much context around every stretch of a long document it labels.
    """

    name: str
    claims: Callable[[Path, dict], bool]
    load: Callable[[Path, dict, Settings], Recognizer]
    context: int = 0


@dataclass(frozen=True)
class ModelInfo:
    """A model arner can run: its name, kind and folder, and its meta.json."""

    name: str
    kind: Kind
    path: Path
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def f1(self) -> float | None:
        """Micro F1 on the ANERcorp test split, as measured when the model was built."""
        return self.meta.get("scores", {}).get("anercorp_test", {}).get("f1")

    @property
    def words_per_second(self) -> float | None:
        return self.meta.get("scores", {}).get("words_per_second")

    def describe(self) -> str:
        f1 = f", ANERcorp test F1 {self.f1:.3f}" if self.f1 is not None else ""
        return f"{self.name} ({self.kind.name}{f1})"
