"""Training a smaller e5 from a larger one: the teacher, its label odds per example, the student's loss."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import ModelError
from ..base import Settings
from .examples import IGNORE, LABELS, each_example
from .model import E5Recognizer

if TYPE_CHECKING:
    import torch

# Distillation (with a teacher): the loss is DISTILL_WEIGHT of the teacher's softened
# distribution (temperature DISTILL_TEMPERATURE) and the rest of the gold labels.
DISTILL_WEIGHT = 0.5
DISTILL_TEMPERATURE = 2.0


def load_teacher(folder: Path, layers: int) -> E5Recognizer:
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


def teacher_logits(teacher: E5Recognizer, examples, tokenizer) -> list:
    """The teacher's logits at each example's labelled pieces, one [words, labels] tensor per example."""

    def compute(ids, mask, targets):
        return [row[labelled].float() for row, labelled in zip(teacher.tagger(ids, mask), targets != IGNORE)]

    return each_example(examples, tokenizer, compute)


def distilled(logits, targets, teacher) -> torch.Tensor:
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
