"""Tiny BERT token classifiers (a few KB) saved like CAMeL's NER model."""

from __future__ import annotations

from pathlib import Path

CAMEL_LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]
_LETTERS = [chr(c) for c in range(0x0621, 0x064B)] + list("abcdefghijklmnopqrstuvwxyz0123456789")
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *_LETTERS, *("##" + ch for ch in _LETTERS), *".,،؟!:()\"-"]


TINY = {"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8}


def build_bert(
    path: Path,
    force: str | None = None,
    seed: int = 0,
    labels: list[str] = CAMEL_LABELS,
    vocab: list[str] = VOCAB,
    shape: dict = TINY,
) -> Path:
    """Save a random BERT token classifier (1 layer by default); `force` makes
    every word piece get that label."""
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizer

    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = BertConfig(
        vocab_size=len(vocab), max_position_embeddings=512, **shape,
        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)},
    )
    torch.manual_seed(seed)
    model = BertForTokenClassification(config)
    if force is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.fill_(-5.0)
            model.classifier.bias[labels.index(force)] = 5.0
    model.save_pretrained(path)
    BertTokenizer(str(path / "vocab.txt")).save_pretrained(path)
    return path
