"""What every model kind provides, and the inference settings they share."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """torch's CPU threads set to `threads` (None: left as they are) for the work inside.

    torch's thread count is the whole process's: a library caller's own torch code
    keeps its setting outside arner's calls. Fewer threads than cores wins on a busy
    machine (OpenMP waits for descheduled threads).
    """
    if not threads:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class Recognizer:
    """A loaded model: lists of words in, one (BIO label, probability) per word out.

    `predict` is given consecutive sentences of one document, in order (or, with
    `context` 0, sentences of several documents). A kind's recognizer overrides
    `predict` and whichever capability below differs from its default; the
    extractor reads them, never probes for them.
    """

    # Sentences each way that can change a sentence's labels. 0: each sentence is
    # labelled alone, bit for bit whatever else is in the call, so the extractor may
    # batch sentences of several documents; more: the extractor gives only sentences
    # of one document, with that much context around every stretch it labels.
    context: int = 0
    # Knows Arabic names only: the extractor drops its entities that have letters but
    # no Arabic letter (noise on Latin script). False keeps them.
    arabic_only: bool = True
    # Normalized names the model knows, for counting `وبغداد` as `بغداد`; None: the
    # built-in CRF's.
    known_words: frozenset[str] | None = None

    def warm(self, sentences: Iterable[list[str]]) -> None:
        """Get ready to `predict` these sentences soon, which may belong to several documents
        (e5 runs them through its encoder together). By default nothing, not even reading them."""

    def predict(self, sentences: list[list[str]]) -> list[Labelled]:
        raise NotImplementedError


def reach(*windows: int) -> int:
    """Sentences each way that can change a sentence's labels after steps that each read
    `window` sentences each way of the previous step's output (features, then propagation)."""
    return sum(windows)


# A kind's `train`: the CoNLL file to learn from, one held out to report (or None), the
# folder to write, the kind's own options, and a callback for progress lines; it
# returns the folder's meta. It raises ValueError for data the kind cannot learn.
Train = Callable[[Path, Path | None, Path, dict[str, Any], Callable[[str], None]], dict]


@dataclass(frozen=True)
class Kind:
    """A kind of model folder: how to recognise one, what to call it, how to load it and
    (for kinds arner trains) how to train one.

    `train_options` names the options of `arner train` that this kind's `train`
    takes (the rest are refused with it); `about` is the line `arner train --help`
    gives it.
    """

    name: str
    claims: Callable[[Path, dict], bool]
    load: Callable[[Path, dict, Settings], Recognizer]
    train: Train | None = None
    train_options: tuple[str, ...] = ()
    about: str = ""


META_FILE = "meta.json"


def write_meta(folder: Path, meta: dict) -> None:
    """Write a model folder's meta.json: the one writer, so every folder's reads alike."""
    (Path(folder) / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


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
